package dev.rawsock.capture;

import dev.rawsock.ErrnoException;
import dev.rawsock.internal.Errno;
import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Capture on lo: what it sees, once each; close from another thread; leaks; errors; promiscuous in a private netns. */
class CaptureTest {
    static boolean cap;

    @BeforeAll
    static void probe() {
        cap = CaptureSupport.canCapture();
    }

    private static byte[] tag(String s) {
        return ("rawsock-capture-test " + s + " " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "ring={0}")
    @ValueSource(booleans = {true, false})
    void seesEachLoopbackDatagramOnceWithItsMetadata(boolean ring) throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            try (Capture c = Capture.open("lo", Capture.Options.defaults().ring(ring).filter("udp and dst port " + port))) {
                assertEquals(ring, c.usesRing(), () -> "ring refused: " + c.ringRefusedReason());
                List<byte[]> sent = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    byte[] t = tag("once-" + i);
                    sent.add(t);
                    CaptureSupport.sendUdp(src, port, t);
                }
                long now = System.currentTimeMillis() * 1_000_000L;
                List<CapturedPacket> got = new ArrayList<>();
                List<byte[]> data = new ArrayList<>();
                long end = System.nanoTime() + 10_000_000_000L;
                while (got.size() < 5 && System.nanoTime() < end) {
                    CapturedPacket p = c.next(Duration.ofMillis(500));
                    if (p == null) continue;
                    got.add(p);
                    data.add(CaptureSupport.bytes(p));
                }
                assertEquals(5, got.size(), "all five datagrams captured");
                // nothing more: the outgoing copy of each was skipped
                assertNull(c.next(Duration.ofMillis(300)), "each packet seen once on lo");
                int lo = CaptureSupport.loIndex();
                for (int i = 0; i < 5; i++) {
                    CapturedPacket p = got.get(i);
                    byte[] d = data.get(i);
                    assertTrue(CaptureSupport.contains(d, sent.get(i)), "payload " + i + " in order");
                    assertEquals(14 + 20 + 8 + sent.get(i).length, p.wireLength());
                    assertEquals(d.length, p.capturedLength());
                    assertEquals(lo, p.ifindex());
                    assertEquals(Direction.HOST, p.direction());
                    assertEquals(772, p.hardwareType(), "ARPHRD_LOOPBACK");
                    assertEquals(0x0800, ((d[12] & 0xff) << 8) | (d[13] & 0xff), "IPv4 ethertype");
                    assertTrue(Math.abs(p.timestampNanos() - now) < 60_000_000_000L, "timestamp near now: " + p.timestampNanos());
                    assertTrue(p.data().isReadOnly());
                    assertFalse(p.vlanTci().isPresent());
                }
                CaptureStats st = c.stats();
                assertEquals(5, st.received(), "kernel counted the five (once each): " + st);
                assertEquals(0, st.dropped());
            }
        }
    }

    @ParameterizedTest(name = "ring={0}")
    @ValueSource(booleans = {true, false})
    void snaplenCutsTheDataButNotTheWireLength(boolean ring) throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            try (Capture c = Capture.open("lo", Capture.Options.defaults().ring(ring).snaplen(40).filter("udp dst port " + port))) {
                CaptureSupport.sendUdp(src, port, new byte[1000]);
                CapturedPacket p = c.next(Duration.ofSeconds(10));
                assertNotNull(p);
                assertEquals(40, p.capturedLength());
                assertEquals(40, p.data().remaining());
                assertEquals(14 + 20 + 8 + 1000, p.wireLength());
            }
        }
    }

    @Test
    void snaplenIsAppliedByTheKernelThroughTheFilterToo() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        dev.rawsock.packet.BpfProgram f = dev.rawsock.packet.BpfProgram.compile("udp");
        dev.rawsock.packet.BpfProgram cut = Capture.withSnaplen(f, 40);
        assertEquals(f.instructions().size(), cut.instructions().size());
        assertTrue(cut.instructions().stream().filter(i -> i.code() == 0x06).allMatch(i -> i.k() == 0 || i.k() == 40), cut.toString());
        assertNull(Capture.withSnaplen(null, Capture.Options.MAX_SNAPLEN));
        assertEquals(1, Capture.withSnaplen(null, 100).instructions().size());
        // no filter, small snaplen: the kernel's ret #snaplen cuts the frames
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            try (Capture c = Capture.open("lo", Capture.Options.defaults().snaplen(64))) {
                CaptureSupport.sendUdp(src, port, new byte[2000]);
                long end = System.nanoTime() + 10_000_000_000L;
                boolean sawBig = false;
                while (!sawBig && System.nanoTime() < end) {
                    CapturedPacket p = c.next(Duration.ofMillis(500));
                    if (p == null) continue;
                    assertTrue(p.capturedLength() <= 64);
                    sawBig = p.wireLength() == 14 + 20 + 8 + 2000;
                }
                assertTrue(sawBig, "the 2000-byte datagram arrived, cut to 64 bytes");
            }
        }
    }

    @Test
    void allInterfacesStillSeesLoopbackPacketsOnce() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            try (Capture c = Capture.open(null, Capture.Options.defaults().filter("udp dst port " + port))) {
                assertEquals(0, c.ifindex());
                for (int i = 0; i < 3; i++) CaptureSupport.sendUdp(src, port, tag("any"));
                int n = c.forEach(3, Duration.ofSeconds(10), p -> assertEquals(Direction.HOST, p.direction()));
                assertEquals(3, n);
                assertNull(c.next(Duration.ofMillis(300)), "outgoing copies skipped in Java on the all-interfaces capture");
            }
        }
    }

    @Test
    void forEachStopsAtCountAndHandsOverValidData() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            try (Capture c = Capture.open("lo", Capture.Options.defaults().filter("udp dst port " + port))) {
                for (int i = 0; i < 10; i++) CaptureSupport.sendUdp(src, port, new byte[] {(byte) i, 1, 2, 3});
                List<Integer> firsts = new ArrayList<>();
                int n = c.forEach(4, Duration.ofSeconds(10), p -> {
                    ByteBuffer d = p.data();
                    firsts.add(d.get(d.limit() - 4) & 0xff);
                });
                assertEquals(4, n);
                assertEquals(List.of(0, 1, 2, 3), firsts);
                assertEquals(6, c.forEach(6, Duration.ofSeconds(10), p -> { }));
                assertEquals(0, c.forEach(0, Duration.ofMillis(100), p -> { }), "no more");
            }
        }
    }

    /**
     * forEach hands one object over, filled anew for each packet (no allocation per packet); next
     * returns an object of the caller's, whose fields outlive the next packet. Each reader.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ring", "immediate", "recvmsg"})
    void forEachReusesOnePacketObjectAndNextGivesItsOwn(String reader) throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            Capture.Options o = Capture.Options.defaults().ring(!reader.equals("recvmsg"))
                    .immediate(reader.equals("immediate")).filter("udp dst port " + port);
            try (Capture c = Capture.open("lo", o)) {
                for (int i = 0; i < 5; i++) CaptureSupport.sendUdp(src, port, new byte[] {(byte) i, 9, 9});
                List<CapturedPacket> handed = new ArrayList<>();
                List<Integer> lengths = new ArrayList<>();
                assertEquals(3, c.forEach(3, Duration.ofSeconds(10), p -> {
                    handed.add(p);
                    lengths.add(p.capturedLength());
                    ByteBuffer d = p.data();
                    assertEquals(handed.size() - 1, d.get(d.limit() - 3), "the object holds the packet at hand");
                }));
                assertTrue(handed.get(0) == handed.get(1) && handed.get(1) == handed.get(2), "one object for every packet");
                assertEquals(List.of(lengths.get(0), lengths.get(0), lengths.get(0)), lengths);
                CapturedPacket a = c.next(Duration.ofSeconds(10));
                assertNotNull(a);
                long ts = a.timestampNanos();
                ByteBuffer ad = a.data();
                assertEquals(3, ad.get(ad.limit() - 3));
                CapturedPacket b = c.next(Duration.ofSeconds(10));
                assertNotNull(b);
                assertTrue(a != b && a != handed.get(0), "next gives an object of its own");
                assertEquals(ts, a.timestampNanos(), "its fields stay after the next packet");
                ByteBuffer bd = b.data();
                assertEquals(4, bd.get(bd.limit() - 3));
            }
        }
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void closeFromAnotherThreadWakesAWaitingNext(boolean virtual) throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        // A filter nothing on lo matches: the reader waits until the close.
        Capture c = Capture.open("lo", Capture.Options.defaults().filter("ether proto 0x88b5"));
        AtomicReference<Object> outcome = new AtomicReference<>();
        Runnable reader = () -> {
            try {
                outcome.set(c.next(null));
            } catch (Throwable t) {
                outcome.set(t);
            }
        };
        Thread t = virtual ? Thread.ofVirtual().start(reader) : Thread.ofPlatform().start(reader);
        dev.rawsock.TestSupport.awaitBlocked(t);
        assertTrue(t.isAlive(), "reader is waiting");
        long t0 = System.nanoTime();
        c.close();
        t.join(10_000);
        assertFalse(t.isAlive(), "reader returned after close");
        System.out.printf("close woke the %s reader in %.1f ms%n", virtual ? "virtual" : "platform", (System.nanoTime() - t0) / 1e6);
        assertInstanceOf(AsynchronousCloseException.class, outcome.get());
        ErrnoException e = assertThrows(ErrnoException.class, () -> c.next(Duration.ZERO));
        assertEquals(Errno.EBADF, e.errno());
        c.close();  // again: nothing
        assertFalse(c.isOpen());
    }

    @Test
    void closeFromWithinTheHandlerEndsForEach() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            Capture c = Capture.open("lo", Capture.Options.defaults().filter("udp dst port " + port));
            for (int i = 0; i < 3; i++) CaptureSupport.sendUdp(src, port, new byte[8]);
            int n = c.forEach(0, Duration.ofSeconds(10), p -> c.close());
            assertEquals(1, n);
            assertFalse(c.isOpen());
        }
    }

    @Test
    void thousandOpenCloseCyclesLeakNoFdAndNoMapping() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        Capture.Options o = Capture.Options.defaults().ringSize(1 << 20).filter("udp port 7");
        // Warm up with the same threads: classes, scratch areas, and glibc's per-thread malloc arenas
        // (mappings that outlive their threads) exist before the baseline.
        cycles(8, 3, o);
        long fds = TestSupport.openFds();
        long[] maps = CaptureSupport.mapCounts();
        try (Capture c = Capture.open("lo", o)) {
            assertTrue(c.usesRing());
            assertEquals(maps[1] + 1, CaptureSupport.mapCounts()[1], "an open ring shows in /proc/self/maps");
            assertEquals(fds + 1, TestSupport.openFds());
        }
        cycles(8, 125, o);
        long[] after = CaptureSupport.mapCounts();
        System.out.printf("1000 cycles: fds %d -> %d, maps %d -> %d (socket mappings %d -> %d)%n",
                fds, TestSupport.openFds(), maps[0], after[0], maps[1], after[1]);
        assertEquals(fds, TestSupport.openFds(), "no fd leaked");
        assertEquals(maps[1], after[1], "no ring mapping left");
        assertTrue(after[0] <= maps[0] + 8, "maps line count back near baseline: " + maps[0] + " -> " + after[0]);
    }

    /**
     * {@code threads} platform threads, {@code each} open/close cycles apiece (every tenth without the
     * ring). Closing an AF_PACKET socket waits for an RCU grace period (synchronize_net) in the kernel,
     * ~10-40 ms here: parallel threads let those waits overlap.
     */
    private static void cycles(int threads, int each, Capture.Options o) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        Capture c = Capture.open("lo", i % 10 == 9 ? Capture.Options.defaults().ring(false) : o);
                        c.close();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : ts) t.join(120_000);
        for (Thread t : ts) assertFalse(t.isAlive(), "cycles finished in time");
        if (failure.get() != null) throw new AssertionError("a cycle failed", failure.get());
    }

    @Test
    void missingInterfaceIsEnodevAndBadNamesAreRejectedFirst() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Capture.open("rsnosuch0", Capture.Options.defaults()));
        assertEquals(Errno.ENODEV, e.errno());
        assertThrows(IllegalArgumentException.class, () -> Capture.open("a-name-that-is-too-long", Capture.Options.defaults()));
        assertThrows(IllegalArgumentException.class, () -> Capture.open(null, Capture.Options.defaults().promiscuous(true)));
    }

    @Test
    void badOptionsAreRejectedAtOnce() {
        Capture.Options o = Capture.Options.defaults();
        assertThrows(IllegalArgumentException.class, () -> o.snaplen(0));
        assertThrows(IllegalArgumentException.class, () -> o.snaplen(262_145));
        assertThrows(IllegalArgumentException.class, () -> o.blockSize(1000));
        assertThrows(IllegalArgumentException.class, () -> o.blockCount(0));
        assertThrows(IllegalArgumentException.class, () -> o.ringSize(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> o.blockTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> o.blockTimeout(Duration.ofMinutes(5)));
        assertThrows(IllegalArgumentException.class, () -> o.fanout(70_000, FanoutMode.HASH));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.filter("udp port"));
        assertNotNull(e.getMessage());
    }

    @Test
    void withoutCapNetRawTheErrorSaysSo() throws Exception {
        assumeTrue(cap, "runs as root and drops CAP_NET_RAW on one thread; " + CaptureSupport.NEEDS_CAP);
        ErrnoException e = CaptureSupport.withoutCapNetRaw(() -> {
            try {
                Capture.open("lo", Capture.Options.defaults()).close();
                return null;
            } catch (ErrnoException x) {
                return x;
            }
        });
        assertNotNull(e, "open without CAP_NET_RAW failed");
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().contains("CAP_NET_RAW"), e.getMessage());
        System.out.println("without CAP_NET_RAW: " + e.getMessage());
    }

    @Test
    void promiscuousMembershipIsDroppedOnCloseInAPrivateNetns() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        assumeTrue(new java.io.File("/usr/bin/nsenter").canExecute() || new java.io.File("/bin/nsenter").canExecute(),
                "needs nsenter (util-linux) to read the private namespace's promiscuity counter");
        // PACKET_MR_PROMISC raises the device's promiscuity counter (SIOCGIFFLAGS does not show it; ip -d link does).
        int[] counts = CaptureSupport.inPrivateNetns(() -> {
            int before = CaptureSupport.promiscuity("lo");
            Capture c = Capture.open("lo", Capture.Options.defaults().promiscuous(true));
            int during = CaptureSupport.promiscuity("lo");
            c.close();
            int after = CaptureSupport.promiscuity("lo");
            return new int[] {before, during, after};
        });
        assertEquals(0, counts[0], "not promiscuous before");
        assertEquals(1, counts[1], "promiscuous while the capture is open");
        assertEquals(0, counts[2], "membership dropped on close");
    }

    @Test
    void vlanTagTakenOffBeforeTheTapIsReportedAndPutBackInAPrivateNetns() throws Exception {
        vlanTagReportedAndPutBack(true);
    }

    /** The recvmsg path learns the tag from PACKET_AUXDATA and puts it back the same way. */
    @Test
    void vlanTagIsReportedAndPutBackWithoutTheRingToo() throws Exception {
        vlanTagReportedAndPutBack(false);
    }

    private void vlanTagReportedAndPutBack(boolean ring) throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        assumeTrue(new java.io.File("/usr/bin/nsenter").canExecute() || new java.io.File("/bin/nsenter").canExecute(),
                "needs nsenter (util-linux) to make a veth pair in the private namespace");
        byte[] frame = new byte[14 + 4 + 32];
        java.util.Arrays.fill(frame, 0, 6, (byte) 0xff);                     // broadcast
        byte[] srcMac = {0x02, 0, 0, 0, 0, 0x01};
        System.arraycopy(srcMac, 0, frame, 6, 6);
        int tci = (5 << 13) | 123;
        frame[12] = (byte) 0x81; frame[13] = 0x00;                           // 802.1Q
        frame[14] = (byte) (tci >> 8); frame[15] = (byte) tci;
        frame[16] = (byte) 0x88; frame[17] = (byte) 0xb5;                    // local experimental ethertype
        byte[] mark = "rawsock vlan test".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mark, 0, frame, 18, mark.length);
        CapturedPacket[] seen = new CapturedPacket[1];
        byte[] data = CaptureSupport.inPrivateNetns(() -> {
            CaptureSupport.ip("link", "add", "rsva", "type", "veth", "peer", "name", "rsvb");
            CaptureSupport.ip("link", "set", "rsva", "up");
            CaptureSupport.ip("link", "set", "rsvb", "up");
            try (Capture c = Capture.open("rsvb", Capture.Options.defaults().filter("ether src 02:00:00:00:00:01").ring(ring));
                 RawSocket tx = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
                assertEquals(ring, c.usesRing(), "ring in use as asked: " + c.ringRefusedReason());
                tx.sendTo(frame, dev.rawsock.SockAddr.packet(dev.rawsock.internal.NetIf.index("rsva"), 0));
                long end = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < end) {
                    CapturedPacket p = c.next(Duration.ofMillis(500));
                    if (p == null) continue;
                    byte[] d = CaptureSupport.bytes(p);
                    if (CaptureSupport.contains(d, mark)) {
                        seen[0] = p;
                        return d;
                    }
                }
                return null;
            }
        });
        assertNotNull(data, "the tagged frame arrived on the peer");
        CapturedPacket p = seen[0];
        assertEquals(tci, p.vlanTci().orElseThrow(), "tp_vlan_tci");
        assertEquals(123, p.vlan().orElseThrow());
        assertEquals(0x8100, p.vlanTpid().orElse(0x8100));
        assertEquals(Direction.BROADCAST, p.direction());
        assertEquals(1, p.hardwareType(), "ARPHRD_ETHER");
        assertEquals(frame.length, p.wireLength(), "wire length counts the tag");
        assertEquals(java.util.HexFormat.of().formatHex(frame), java.util.HexFormat.of().formatHex(data),
                "the tag is back between the MAC addresses and the ethertype");
    }

    @Test
    void fanoutSpreadsOnePortsPacketsOverTheGroup() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            int group = (int) (ProcessHandle.current().pid() & 0x7fff) + 1000;
            Capture.Options o = Capture.Options.defaults().filter("udp dst port " + port).fanout(group, FanoutMode.LB);
            try (Capture a = Capture.open("lo", o); Capture b = Capture.open("lo", o)) {
                for (int i = 0; i < 100; i++) CaptureSupport.sendUdp(src, port, new byte[16]);
                int na = a.forEach(0, Duration.ofMillis(800), p -> { });
                int nb = b.forEach(0, Duration.ofMillis(800), p -> { });
                System.out.printf("fanout LB: %d + %d%n", na, nb);
                assertEquals(100, na + nb, "the group saw each packet once");
                assertTrue(na > 0 && nb > 0, "both members got some: " + na + "/" + nb);
            }
        }
    }

    @Test
    void attachAndDetachFilterOnARawSocket() throws Exception {
        assumeTrue(cap, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sinkA = CaptureSupport.sink(); DatagramChannel sinkB = CaptureSupport.sink();
             DatagramChannel src = DatagramChannel.open();
             RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
            int pa = CaptureSupport.port(sinkA), pb = CaptureSupport.port(sinkB);
            s.attachFilter(dev.rawsock.packet.BpfProgram.compile("udp dst port " + pa));
            s.bind(dev.rawsock.SockAddr.packet(CaptureSupport.loIndex(), 0x0003));
            s.timeout(Duration.ofSeconds(5));
            CaptureSupport.sendUdp(src, pb, new byte[] {'B'});
            CaptureSupport.sendUdp(src, pa, new byte[] {'A'});
            byte[] buf = new byte[2048];
            int n = s.recv(buf);
            assertEquals('A', buf[n - 1], "only port A passed the filter");
            assertTrue(s.detachFilter());
            assertFalse(s.detachFilter(), "no filter left");
            // Unfiltered, the socket takes all of lo's traffic, which other tests on this machine may
            // fill its queue with: send 'C' again every so often until one gets through (bounded).
            boolean sawC = false;
            long end = System.nanoTime() + 10_000_000_000L;
            for (int i = 0; !sawC && System.nanoTime() < end && i < 1_000_000; i++) {
                if (i % 200 == 0) CaptureSupport.sendUdp(src, pb, new byte[] {'C'});
                n = s.recv(buf);
                sawC = n == 14 + 20 + 8 + 1 && buf[n - 1] == 'C';
            }
            assertTrue(sawC, "after detach port B's datagram arrives");
        }
    }
}
