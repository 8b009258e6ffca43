package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.internal.NetIf;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.BpfProgram.PacketMeta;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A {@code vlan} filter on a live capture: the kernel takes the outer tag off a frame before the
 * socket's filter runs, so the filter must look in the metadata (libpcap's live Linux code, which
 * {@link Capture.Options#filter(String)} compiles). Tagged frames are written with an AF_PACKET socket
 * onto one end of a veth pair, in a network namespace of the test's own thread, and captured on the
 * other end. (Injecting works whether or not the kernel has 8021q, which this one lacks: a VLAN
 * device is not needed to put a tag on the wire.)
 */
class CaptureVlanFilterTest {

    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};

    /** A broadcast IPv4/UDP frame to port 53 behind the given (TPID, TCI) tags, whose payload is {@code mark}. */
    static byte[] frame(String mark, int... tags) {
        byte[] payload = mark.getBytes(StandardCharsets.US_ASCII);
        byte[] f = new byte[14 + 2 * tags.length + 28 + payload.length];
        java.util.Arrays.fill(f, 0, 6, (byte) 0xff);
        System.arraycopy(SRC_MAC, 0, f, 6, 6);
        int o = 12;
        for (int t : tags) {
            f[o++] = (byte) (t >> 8);
            f[o++] = (byte) t;
        }
        f[o++] = 0x08;
        f[o++] = 0x00;
        f[o] = 0x45;
        f[o + 3] = (byte) (28 + payload.length);
        f[o + 8] = 64;
        f[o + 9] = 17;
        f[o + 12] = 10; f[o + 15] = 1;
        f[o + 16] = 10; f[o + 19] = 2;
        f[o + 20] = 0x03; f[o + 21] = (byte) 0xe8;     // sport 1000
        f[o + 23] = 53;                                 // dport 53
        f[o + 25] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, f, o + 28, payload.length);
        return f;
    }

    /** The frames sent, by mark. */
    static final Map<String, byte[]> FRAMES = new LinkedHashMap<>();

    static {
        FRAMES.put("rsvlan-A-tag100", frame("rsvlan-A-tag100", 0x8100, (5 << 13) | 100));
        FRAMES.put("rsvlan-B-tag200", frame("rsvlan-B-tag200", 0x8100, 200));
        FRAMES.put("rsvlan-C-untagged", frame("rsvlan-C-untagged"));
        FRAMES.put("rsvlan-D-ad100", frame("rsvlan-D-ad100", 0x88a8, 100));
    }

    /**
     * Frames sent after the test frames, at least one passing each filter (and the OFFLINE program:
     * a second tag stays in the data once the kernel takes the outer one), marked "rsvlan-Z".
     */
    static final java.util.List<byte[]> FLUSH = java.util.List.of(
            frame("rsvlan-Z-untagged"),
            frame("rsvlan-Z-tag100", 0x8100, 100),
            portTo54(frame("rsvlan-Z-tag200", 0x8100, 200)),
            frame("rsvlan-Z-double", 0x8100, 100, 0x8100, 300));

    /** The frame with its UDP destination port (after one tag) set to 54. */
    private static byte[] portTo54(byte[] f) {
        f[14 + 4 + 23] = 54;
        return f;
    }

    /** Filters and the marks each must pass, exactly. */
    static final Map<String, TreeSet<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("vlan 100", new TreeSet<>(java.util.List.of("rsvlan-A-tag100", "rsvlan-D-ad100")));
        EXPECTED.put("vlan", new TreeSet<>(java.util.List.of("rsvlan-A-tag100", "rsvlan-B-tag200", "rsvlan-D-ad100")));
        EXPECTED.put("not vlan", new TreeSet<>(java.util.List.of("rsvlan-C-untagged")));
        EXPECTED.put("vlan 100 and udp dst port 53", new TreeSet<>(java.util.List.of("rsvlan-A-tag100", "rsvlan-D-ad100")));
        EXPECTED.put("vlan 200 and udp dst port 54", new TreeSet<>());
    }

    static String markOf(byte[] data) {
        String s = new String(data, StandardCharsets.US_ASCII);
        int i = s.indexOf("rsvlan-");
        if (i < 0) return null;
        int end = i;
        while (end < s.length() && s.charAt(end) > ' ' && s.charAt(end) < 127) end++;
        return s.substring(i, end);
    }

    @Test
    void vlanFiltersPassExactlyTheRightTaggedFramesOnALiveSocket() throws Exception {
        vlanFilters(true);
    }

    /** The same without the ring: the recvmsg path's PACKET_AUXDATA tag makes the data and verdicts agree. */
    @Test
    void vlanFiltersAgreeWithTheDataWithoutTheRing() throws Exception {
        vlanFilters(false);
    }

    private static void vlanFilters(boolean ring) throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        assumeTrue(new java.io.File("/usr/bin/nsenter").canExecute() || new java.io.File("/bin/nsenter").canExecute(),
                "needs nsenter (util-linux) to make a veth pair in the private namespace");
        Map<String, TreeSet<String>> seen = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        CaptureSupport.inPrivateNetns(() -> {
            CaptureSupport.ip("link", "add", "rsva", "type", "veth", "peer", "name", "rsvb");
            CaptureSupport.ip("link", "set", "rsva", "up");
            CaptureSupport.ip("link", "set", "rsvb", "up");
            Map<String, Capture> captures = new LinkedHashMap<>();
            try (RawSocket tx = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
                for (String f : EXPECTED.keySet()) {
                    captures.put(f, Capture.open("rsvb", Capture.Options.defaults().filter(f).ring(ring)));
                }
                // The program of the OFFLINE target attached as given: it tests the TPID in the packet,
                // where the kernel has already taken it away, so it passes none of the tagged frames.
                captures.put("OFFLINE vlan", Capture.open("rsvb", Capture.Options.defaults().filter(BpfProgram.compile("vlan")).ring(ring)));
                for (Capture c : captures.values()) {
                    if (c.usesRing() != ring) problems.put("ring", "ring in use: " + c.usesRing() + " " + c.ringRefusedReason());
                }
                // A frame sent before the veth pair has finished coming up is dropped: probe until one
                // gets through to a capture without a filter, so the frames below all reach the link.
                try (Capture all = Capture.open("rsvb", Capture.Options.defaults().ring(ring))) {
                    boolean live = false;
                    long until = System.nanoTime() + 20_000_000_000L;
                    for (int i = 0; i < 100 && !live && System.nanoTime() < until; i++) {
                        tx.sendTo(frame("rsvlan-P-probe"), dev.rawsock.SockAddr.packet(NetIf.index("rsva"), 0));
                        for (CapturedPacket p; !live && (p = all.next(Duration.ofMillis(200))) != null; )
                            live = "rsvlan-P-probe".equals(markOf(CaptureSupport.bytes(p)));
                    }
                    assertTrue(live, "no probe frame crossed the veth pair in 20 s");
                }
                for (byte[] f : FRAMES.values()) {
                    tx.sendTo(f, dev.rawsock.SockAddr.packet(NetIf.index("rsva"), 0));
                }
                // Then one frame per kind of filter, sent last: a socket delivers in order, so once a capture
                // has its flush frame it has every test frame its filter passed (no wait for "long enough").
                for (byte[] f : FLUSH) {
                    tx.sendTo(f, dev.rawsock.SockAddr.packet(NetIf.index("rsva"), 0));
                }
                for (Map.Entry<String, Capture> e : captures.entrySet()) {
                    TreeSet<String> marks = new TreeSet<>();
                    seen.put(e.getKey(), marks);
                    boolean flushed = false;
                    long end = System.nanoTime() + 20_000_000_000L;
                    for (int i = 0; i < 10_000 && !flushed && System.nanoTime() < end; i++) {
                        CapturedPacket p = e.getValue().next(Duration.ofMillis(200));
                        if (p == null) continue;
                        byte[] d = CaptureSupport.bytes(p);
                        String mark = markOf(d);
                        if (mark == null || mark.startsWith("rsvlan-P")) continue;   // the link's own traffic, the probe
                        if (mark.startsWith("rsvlan-Z")) {
                            flushed = true;
                            continue;
                        }
                        marks.add(mark);
                        byte[] sent = FRAMES.get(mark);
                        if (!HexFormat.of().formatHex(sent).equals(HexFormat.of().formatHex(d))) {
                            problems.put(e.getKey() + " " + mark + " data", "data differ from the frame sent: " + HexFormat.of().formatHex(d));
                        }
                        int tpid = ((sent[12] & 0xff) << 8) | (sent[13] & 0xff);
                        boolean tagged = tpid != 0x0800;
                        int tci = ((sent[14] & 0xff) << 8) | (sent[15] & 0xff);
                        if (tagged ? p.vlanTci().orElse(-1) != tci || p.vlanTpid().orElse(0x8100) != tpid
                                   : p.vlanTci().isPresent()) {
                            problems.put(e.getKey() + " " + mark + " tag", "reported " + p.vlanTpid() + " " + p.vlanTci());
                        }
                        if (!e.getKey().startsWith("OFFLINE")
                                && !BpfProgram.compile(e.getKey(), BpfProgram.Target.LINUX_SOCKET).matches(p)) {
                            problems.put(e.getKey() + " " + mark, "matches(CapturedPacket) disagrees with the kernel");
                        }
                    }
                    if (!flushed) problems.put(e.getKey() + " flush", "no flush frame within 20 s");
                }
            } finally {
                for (Capture c : captures.values()) c.close();
            }
            return null;
        });
        assertEquals(Map.of(), problems);
        for (Map.Entry<String, TreeSet<String>> e : EXPECTED.entrySet()) {
            assertEquals(e.getValue(), seen.get(e.getKey()), "filter \"" + e.getKey() + "\"");
        }
        assertEquals(new TreeSet<>(), seen.get("OFFLINE vlan"), "an OFFLINE vlan program sees no stripped tag");
        // The frames the kernel refused, as the capture's data would hold them, are refused in Java too.
        for (Map.Entry<String, TreeSet<String>> e : EXPECTED.entrySet()) {
            BpfProgram p = BpfProgram.compile(e.getKey(), BpfProgram.Target.LINUX_SOCKET);
            for (Map.Entry<String, byte[]> f : FRAMES.entrySet()) {
                boolean passed = e.getValue().contains(f.getKey());
                assertEquals(passed, p.matches(f.getValue(), f.getValue().length, PacketMeta.untagged()),
                        e.getKey() + " on " + f.getKey());
            }
        }
        assertFalse(seen.get("vlan").isEmpty());
        assertTrue(seen.get("not vlan").contains("rsvlan-C-untagged"));
    }
}
