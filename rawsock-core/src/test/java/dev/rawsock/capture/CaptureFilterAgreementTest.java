package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.BpfProgram;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kernel agreement: a compiled program attached to a real AF_PACKET socket on lo lets through exactly
 * the frames that {@link BpfProgram#matches} accepts. One unfiltered capture and one capture per filter
 * watch the same mix of UDP, TCP (a connection with data, and SYNs to a closed port answered by RST)
 * and ICMP echo traffic between addresses of 127.71.0.0/16 (only this test uses them, so other tests'
 * loopback traffic is left out of the comparison).
 */
class CaptureFilterAgreementTest {
    private static final byte[] NET = {127, 71};

    /** Whether an Ethernet+IPv4 frame has a source or destination in 127.71.0.0/16. */
    /** The payload of the datagram sent after all the traffic. */
    private static final byte[] MARKER = "rawsock-filter-agreement-marker".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean ours(byte[] f) {
        if (f.length < 34 || f[12] != 0x08 || f[13] != 0x00) return false;
        return (f[26] == NET[0] && f[27] == NET[1]) || (f[30] == NET[0] && f[31] == NET[1]);
    }

    private static InetAddress a(int c, int d) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 71, (byte) c, (byte) d});
    }

    private static int icmpChecksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if ((b.length & 1) != 0) sum += (b[b.length - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }

    @Test
    void kernelPassesExactlyWhatMatchesAccepts() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink1 = DatagramChannel.open().bind(new InetSocketAddress(a(0, 1), 0));
             DatagramChannel sink2 = DatagramChannel.open().bind(new InetSocketAddress(a(0, 1), 0));
             DatagramChannel src = DatagramChannel.open().bind(new InetSocketAddress(a(0, 2), 0));
             ServerSocket server = new ServerSocket(0, 50, a(0, 1))) {
            int p1 = CaptureSupport.port(sink1), p2 = CaptureSupport.port(sink2), t = server.getLocalPort();
            int closed;
            try (ServerSocket tmp = new ServerSocket(0, 1, a(0, 1))) {
                closed = tmp.getLocalPort();
            }
            int lo = Math.min(p1, p2), hi = Math.max(p1, p2);
            List<String> filters = List.of(
                    "udp", "tcp", "icmp", "ip", "ip6", "arp",
                    "udp port " + p1, "udp and not port " + p1, "tcp port " + t, "port " + closed,
                    "tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-rst|tcp-fin) != 0",
                    "host 127.71.0.3", "src host 127.71.0.4 or dst port " + p2, "net 127.71.0.0/16 and not icmp",
                    "greater 200", "less 80", "len >= 100 and len <= 300", "ip[8] = 64", "portrange " + lo + "-" + hi,
                    "icmp[icmptype] = icmp-echoreply", "dst host 127.71.0.1 and (udp or icmp)", "not tcp and not udp",
                    "udp[8:2] = 0x5a5a", "ip proto 17");
            Map<String, BpfProgram> progs = new LinkedHashMap<>();
            // Each filter is confined to the test's own 127.71/16 traffic, in the kernel and in matches()
            // alike, so that other loopback traffic on the machine can neither fill a ring nor blur the
            // comparison; what is compared is still one program, run by the kernel and by matches().
            String ours = "net 127.71.0.0/16";
            for (String f : filters) progs.put(f, BpfProgram.compile("(" + f + ") and " + ours));

            Capture.Options base = Capture.Options.defaults().ringSize(2 << 20);
            Capture all = Capture.open("lo", base.copy().filter(ours));
            Map<String, Capture> caps = new LinkedHashMap<>();
            try {
                for (var e : progs.entrySet()) caps.put(e.getKey(), Capture.open("lo", base.copy().filter(e.getValue())));

                // Every capture is drained all along by its own virtual thread (they park in the poller), so
                // that other tests' loopback traffic cannot fill a ring meanwhile.
                Map<Capture, Drainer> drainers = new LinkedHashMap<>();
                drainers.put(all, new Drainer(all));
                for (Capture c : caps.values()) drainers.put(c, new Drainer(c));

                // --- traffic
                for (int i = 0; i < 30; i++) {
                    byte[] payload = new byte[8 + i * 13];
                    if (i % 3 == 0) { payload[0] = 0x5a; payload[1] = 0x5a; }
                    src.send(ByteBuffer.wrap(payload), new InetSocketAddress(a(0, 1), i % 2 == 0 ? p1 : p2));
                }
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress(a(0, 3), 0));
                    s.connect(new InetSocketAddress(a(0, 1), t), 5000);
                    try (Socket in = server.accept()) {
                        OutputStream out = s.getOutputStream();
                        InputStream inp = in.getInputStream();
                        for (int i = 0; i < 5; i++) {
                            out.write(new byte[50 + 40 * i]);
                            out.flush();
                            inp.readNBytes(50 + 40 * i);
                        }
                    }
                }
                for (int i = 0; i < 3; i++) {
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(a(0, 3), 0));
                        s.connect(new InetSocketAddress(a(0, 1), closed), 2000);
                    } catch (IOException refused) {
                        // the RST is what we want on the wire
                    }
                }
                try (RawSocket icmp = RawSocket.open(Domain.INET, SocketType.RAW, Protocol.ICMP)) {
                    icmp.bind(SockAddr.inet(a(0, 4), 0));
                    for (int i = 0; i < 5; i++) {
                        byte[] echo = new byte[8 + 16 + i * 40];
                        echo[0] = 8;
                        echo[5] = 0x42;
                        echo[7] = (byte) i;
                        int c = icmpChecksum(echo);
                        echo[2] = (byte) (c >> 8);
                        echo[3] = (byte) c;
                        icmp.sendTo(echo, SockAddr.inet(a(0, 1), 0));
                    }
                }

                // --- collect: once the unfiltered capture has the marker sent last, everything before
                // it is stamped; stop each capture at the first frame stamped after now
                src.send(ByteBuffer.wrap(MARKER), new InetSocketAddress(a(0, 1), p1));
                assertTrue(drainers.get(all).marker.await(30, TimeUnit.SECONDS), "the unfiltered capture never saw the marker");
                long stop = System.currentTimeMillis() * 1_000_000L;
                for (Drainer d : drainers.values()) d.stopAt(stop);
                for (Drainer d : drainers.values()) d.join();
                Map<String, Integer> seenAll = drainers.get(all).seen;
                assertTrue(seenAll.values().stream().mapToInt(Integer::intValue).sum() >= 60,
                        "the unfiltered capture saw the traffic: " + seenAll.size() + " distinct frames");
                assertEquals(0, all.stats().dropped(), "no drops, or the comparison would mean nothing");
                Map<String, int[]> summary = new TreeMap<>();
                for (var e : caps.entrySet()) {
                    String f = e.getKey();
                    BpfProgram prog = progs.get(f);
                    Map<String, Integer> got = drainers.get(e.getValue()).seen;
                    assertEquals(0, e.getValue().stats().dropped(), f + ": no drops");
                    Map<String, Integer> expected = new HashMap<>();
                    int rejected = 0;
                    for (var fr : seenAll.entrySet()) {
                        byte[] frame = HexFormat.of().parseHex(fr.getKey());
                        if (prog.matches(frame)) expected.put(fr.getKey(), fr.getValue());
                        else rejected += fr.getValue();
                    }
                    assertEquals(expected, got, () -> "filter '" + f + "': the kernel and matches() disagree");
                    summary.put(f, new int[] {expected.values().stream().mapToInt(Integer::intValue).sum(), rejected});
                }
                int total = seenAll.values().stream().mapToInt(Integer::intValue).sum();
                System.out.println("kernel agreement on " + total + " frames (passed/rejected per filter):");
                summary.forEach((f, n) -> System.out.printf("  %-45s %4d / %4d%n", f, n[0], n[1]));
                long nontrivial = summary.values().stream().filter(n -> n[0] > 0 && n[1] > 0).count();
                assertTrue(nontrivial >= 15, "most filters split the traffic: " + nontrivial);
            } finally {
                all.close();
                for (Capture c : caps.values()) c.close();
            }
        }
    }

    /** Collects our frames (hex, with counts) on a virtual thread until told a time to stop at. */
    private static final class Drainer {
        final Map<String, Integer> seen = new HashMap<>();
        /** Counted down when the marker datagram comes through. */
        final CountDownLatch marker = new CountDownLatch(1);
        private final Thread thread;
        private volatile long stopNanos = Long.MAX_VALUE;
        private volatile Throwable failure;

        Drainer(Capture c) {
            thread = Thread.ofVirtual().start(() -> {
                long end = System.nanoTime() + 60_000_000_000L;
                try {
                    int quiet = 0;  // empty 100 ms waits in a row since the stop time was set
                    while (System.nanoTime() < end) {
                        CapturedPacket p = c.next(Duration.ofMillis(100));
                        if (p == null) {
                            // a second of silence, not one empty wait: on a loaded machine a block
                            // can retire late, and stopping early would lose frames and fail the test
                            if (stopNanos != Long.MAX_VALUE && ++quiet >= 10) break;
                            continue;
                        }
                        quiet = 0;
                        if (p.timestampNanos() > stopNanos) break;
                        byte[] f = CaptureSupport.bytes(p);
                        if (f.length != p.wireLength()) throw new AssertionError("frame cut: " + p);
                        if (ours(f)) seen.merge(HexFormat.of().formatHex(f), 1, Integer::sum);
                        if (f.length >= MARKER.length && java.util.Arrays.equals(f, f.length - MARKER.length, f.length,
                                MARKER, 0, MARKER.length)) marker.countDown();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        void stopAt(long nanos) {
            stopNanos = nanos;
        }

        void join() throws InterruptedException {
            thread.join(70_000);
            if (thread.isAlive()) throw new AssertionError("drainer did not stop");
            if (failure != null) throw new AssertionError("drainer failed", failure);
        }
    }
}
