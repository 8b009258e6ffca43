package dev.rawsock.capture;

import dev.rawsock.TestSupport;
import dev.rawsock.internal.NetIf;
import dev.rawsock.packet.BpfInstruction;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.Packets;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Link types beyond Ethernet: "any" (cooked, LINUX_SLL2) and tun (raw IP), each in a namespace the test makes. */
class CaptureLinkTypeTest {
    private static final boolean CAP = CaptureSupport.canCapture();
    private static final String NEEDS_TCPDUMP = "tcpdump is not installed: no libpcap program for LINUX_SLL2 to compare with";

    private static ByteBuffer be(CapturedPacket p) {
        return p.data();
    }

    @Test
    void anyDeliversSll2FramesBuiltFromEachPacketsSockaddrLl() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        assumeTrue(TestSupport.onPath("tcpdump"), NEEDS_TCPDUMP);
        CaptureSupport.inPrivateNetns(() -> {
            CaptureSupport.ip("link", "set", "lo", "up");
            int lo = NetIf.index("lo");
            try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
                int port = CaptureSupport.port(sink);
                BpfProgram f = CaptureSupport.tcpdumpProgram("LINUX_SLL2", "udp dst port " + port);
                for (int mode = 0; mode < 3; mode++) {
                    boolean ring = mode < 2;
                    Capture.Options o = Capture.Options.defaults().ring(ring).immediate(mode == 1);
                    // libpcap's program on the V3 ring, ours compiled for LINUX_SLL2 on the others
                    if (mode == 0) o.filter(f);
                    else o.filter("udp dst port " + port);
                    try (Capture c = Capture.open(null, o)) {
                        assertEquals(LinkType.LINUX_SLL2, c.linkType());
                        assertFalse(c.filtersInUserSpace(), "the rewritten program runs in the kernel");
                        assertEquals(0, c.ifindex());
                        for (int i = 0; i < 3; i++) CaptureSupport.sendUdp(src, port, new byte[] {'a', 'n', 'y', (byte) i});
                        List<byte[]> got = new ArrayList<>();
                        c.forEach(3, Duration.ofSeconds(10), p -> {
                            assertEquals(Direction.HOST, p.direction());
                            got.add(CaptureSupport.bytes(p));
                        });
                        assertEquals(3, got.size(), c.toString());
                        for (int i = 0; i < 3; i++) {
                            ByteBuffer b = ByteBuffer.wrap(got.get(i));
                            assertEquals(0x0800, b.getShort(0) & 0xFFFF, "sll2_protocol");
                            assertEquals(0, b.getShort(2), "sll2_reserved_mbz");
                            assertEquals(lo, b.getInt(4), "sll2_if_index");
                            assertEquals(772, b.getShort(8) & 0xFFFF, "sll2_hatype ARPHRD_LOOPBACK");
                            assertEquals(0, b.get(10), "sll2_pkttype PACKET_HOST");
                            assertEquals(6, b.get(11), "sll2_halen");
                            assertEquals(0x45, b.get(20) & 0xFF, "the IPv4 header right after the SLL2 header");
                            assertArrayEquals(new byte[] {'a', 'n', 'y', (byte) i},
                                    Arrays.copyOfRange(got.get(i), got.get(i).length - 4, got.get(i).length));
                        }
                        assertNull(c.next(Duration.ofMillis(200)), "the loopback's outgoing copies are skipped, others filtered");
                    }
                }
            }
            return null;
        });
    }

    @Test
    void anyFilterSelectsExactlyWhatTcpdumpSelectsLive() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        assumeTrue(TestSupport.onPath("tcpdump"), NEEDS_TCPDUMP);
        CaptureSupport.inPrivateNetns(() -> {
            CaptureSupport.ip("link", "set", "lo", "up");
            // a veth pair with no neighbour: a datagram to 10.77.0.9 makes ARP requests out of va0 that vb0 receives
            CaptureSupport.ip("link", "add", "va0", "type", "veth", "peer", "name", "vb0");
            CaptureSupport.ip("addr", "add", "10.77.0.1/24", "dev", "va0");
            CaptureSupport.ip("link", "set", "va0", "up");
            CaptureSupport.ip("link", "set", "vb0", "up");
            try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel other = CaptureSupport.sink();
                 DatagramChannel src = DatagramChannel.open()) {
                int port = CaptureSupport.port(sink), otherPort = CaptureSupport.port(other);
                String expr = "(udp dst port " + port + ") or arp";
                BpfProgram f = CaptureSupport.tcpdumpProgram("LINUX_SLL2", expr);
                java.nio.file.Path file = java.nio.file.Files.createTempFile("rawsock-any", ".pcap");
                String ns = "/proc/" + ProcessHandle.current().pid() + "/task/" + CaptureSupport.gettid() + "/ns/net";
                Process td = new ProcessBuilder("nsenter", "--net=" + ns, "tcpdump", "-Z", "root", "-i", "any", "-U", "-n", "-w", file.toString(), expr)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                try (Capture c = Capture.open(null, Capture.Options.defaults().filter(f));
                     Capture mine = Capture.open(null, Capture.Options.defaults().filter(expr))) {
                    waitForListening(td);
                    for (int i = 0; i < 4; i++) {
                        CaptureSupport.sendUdp(src, port, new byte[] {'y', (byte) i});
                        CaptureSupport.sendUdp(src, otherPort, new byte[] {'n', (byte) i});
                    }
                    src.send(ByteBuffer.wrap(new byte[] {'a'}), new java.net.InetSocketAddress("10.77.0.9", 9));
                    // ours: the 4 datagrams, then at least one ARP request out of va0 and into vb0
                    List<byte[]> ours = new ArrayList<>();
                    long end = System.nanoTime() + 10_000_000_000L;
                    while (System.nanoTime() < end && countArp(ours) < 2 || ours.size() < 6 && System.nanoTime() < end) {
                        CapturedPacket p = c.next(Duration.ofMillis(500));
                        if (p != null) ours.add(CaptureSupport.bytes(p));
                    }
                    assertTrue(ours.size() >= 6, "4 datagrams and 2 ARP copies: " + ours.size());
                    // tcpdump's, once it has written as many
                    List<byte[]> theirs = List.of();
                    end = System.nanoTime() + 10_000_000_000L;
                    while (System.nanoTime() < end) {
                        theirs = readPcap(file);
                        if (theirs.size() >= ours.size()) break;
                        Thread.sleep(50);
                    }
                    td.destroy();
                    td.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                    // ARP retries may come between the two reads: compare what both saw, in order
                    int n = Math.min(ours.size(), theirs.size());
                    assertTrue(n >= 6, "tcpdump wrote " + theirs.size());
                    for (int i = 0; i < n; i++) {
                        assertArrayEquals(theirs.get(i), ours.get(i), "packet " + i + " as tcpdump -i any wrote it");
                    }
                    for (byte[] p : ours) assertFalse(p[p.length - 2] == 'n' && p.length < 60, "the other port is filtered out");
                    // the same expression compiled here for LINUX_SLL2 selects the same packets
                    for (int i = 0; i < n; i++) {
                        CapturedPacket p = mine.next(Duration.ofSeconds(10));
                        assertNotNull(p, "our compiler's program: packet " + i);
                        assertArrayEquals(theirs.get(i), CaptureSupport.bytes(p), "our compiler's program: packet " + i);
                    }
                } finally {
                    td.destroyForcibly();
                    java.nio.file.Files.deleteIfExists(file);
                }
            }
            return null;
        });
    }

    private static int countArp(List<byte[]> frames) {
        int n = 0;
        for (byte[] f : frames) if ((ByteBuffer.wrap(f).getShort(0) & 0xFFFF) == 0x0806) n++;
        return n;
    }

    /** Waits (bounded) for tcpdump's "listening on" line, printed once its capture is live. */
    private static void waitForListening(Process td) throws Exception {
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(td.getErrorStream()));
        java.util.concurrent.CompletableFuture<String> line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = err.readLine()) != null; ) if (l.contains("listening on")) return l;
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        String l = line.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertNotNull(l, "tcpdump did not start listening");
    }

    private static List<byte[]> readPcap(java.nio.file.Path file) throws Exception {
        List<byte[]> out = new ArrayList<>();
        if (java.nio.file.Files.size(file) < 24) return out;
        try (dev.rawsock.packet.PcapReader r = dev.rawsock.packet.PcapReader.open(file)) {
            assertEquals(LinkType.LINUX_SLL2, r.linktype(), "tcpdump -i any writes LINUX_SLL2");
            for (dev.rawsock.packet.PcapRecord rec; (rec = r.next()) != null; ) {
                ByteBuffer d = rec.data();
                byte[] a = new byte[d.remaining()];
                d.get(a);
                out.add(a);
            }
        } catch (java.io.EOFException e) {
            // a record still being written: what came before it counts
        }
        return out;
    }

    @Test
    void anSll2ProgramReadingTheHardwareTypeFiltersInUserSpace() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        CaptureSupport.inPrivateNetns(() -> {
            CaptureSupport.ip("link", "set", "lo", "up");
            // ldh [8] (sll2_hatype); jeq #772 (loopback): the kernel has no SKF_AD load for it in libpcap's mapping
            BpfProgram f = BpfProgram.of(BpfInstruction.stmt(0x28, 8), BpfInstruction.jump(0x15, 772, 0, 1),
                    BpfInstruction.stmt(0x06, 262144), BpfInstruction.stmt(0x06, 0));
            assertNull(f.forCookedSocket());
            try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open();
                 Capture c = Capture.open(null, Capture.Options.defaults().filter(f))) {
                assertTrue(c.filtersInUserSpace());
                assertTrue(c.stats().filteredInUserSpace());
                CaptureSupport.sendUdp(src, CaptureSupport.port(sink), new byte[] {'u'});
                CapturedPacket p = c.next(Duration.ofSeconds(10));
                assertNotNull(p);
                assertEquals(772, be(p).getShort(8) & 0xFFFF);
            }
            return null;
        });
    }

    @Test
    void cookedRewriteFollowsPcapLinux() {
        BpfProgram f = BpfProgram.of(BpfInstruction.stmt(0x28, 0), BpfInstruction.stmt(0x20, 4),
                BpfInstruction.stmt(0x30, 10), BpfInstruction.stmt(0x30, 29), BpfInstruction.stmt(0xb1, 20),
                BpfInstruction.stmt(0x48, 22), BpfInstruction.stmt(0x20, BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_MARK),
                BpfInstruction.stmt(0x06, 1));
        List<BpfInstruction> k = f.forCookedSocket().instructions();
        assertEquals(BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_PROTOCOL, k.get(0).k());
        assertEquals(BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_IFINDEX, k.get(1).k());
        assertEquals(BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_PKTTYPE, k.get(2).k());
        assertEquals(9, k.get(3).k(), "IPv4 protocol: 20 + 9 in the frame, 9 for the kernel");
        assertEquals(0, k.get(4).k());
        assertEquals(2, k.get(5).k());
        assertEquals(BpfProgram.SKF_AD_OFF + BpfProgram.SKF_AD_MARK, k.get(6).k(), "ancillary loads stay");
    }

    @Test
    void tunCapturesRawIpNotFakeEthernet() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun")), "no /dev/net/tun on this machine");
        CaptureSupport.inPrivateNetns0(() -> {
            int tun = CaptureSupport.openTun("rstun0");
            try {
                CaptureSupport.ip("addr", "add", "10.66.0.1/24", "dev", "rstun0");
                CaptureSupport.ip("link", "set", "rstun0", "up");
                byte[] in = Packets.udp(InetAddress.getByName("10.66.0.2"), 4000, InetAddress.getByName("10.66.0.1"), 4001,
                        new byte[] {'t', 'u', 'n'});
                for (boolean ring : new boolean[] {true, false}) {
                    for (boolean immediate : new boolean[] {false, true}) {
                        // the expression compiled for RAW by us, and libpcap's program for it
                        Capture.Options o = Capture.Options.defaults().ring(ring).immediate(immediate).filter("udp dst port 4001");
                        if (immediate && TestSupport.onPath("tcpdump"))
                            o.filter(CaptureSupport.tcpdumpProgram("RAW", "udp dst port 4001"));
                        try (Capture c = Capture.open("rstun0", o)) {
                            assertEquals(LinkType.RAW, c.linkType());
                            CaptureSupport.writeFd(tun, in);
                            CapturedPacket p = c.next(Duration.ofSeconds(10));
                            assertNotNull(p, "ring " + ring + " immediate " + immediate);
                            assertArrayEquals(in, CaptureSupport.bytes(p), "the IP packet as written, from its first byte");
                            assertEquals(in.length, p.wireLength());
                            assertEquals(0xFFFE, p.hardwareType(), "ARPHRD_NONE");
                            assertEquals(Direction.HOST, p.direction());
                        }
                    }
                }
                assertThrows(IllegalArgumentException.class,
                        () -> Capture.open("rstun0", Capture.Options.defaults().filter("ether host 02:00:00:00:00:01")).close(),
                        "an expression raw IP cannot support is refused, not silently wrong");
            } finally {
                CaptureSupport.closeFd(tun);
            }
            return null;
        });
    }
}
