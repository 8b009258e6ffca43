package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** sendmmsg/recvmmsg: Message[] on the facade, DatagramBatch on RawSocket and the facade, and their allocation. */
class BatchTest {
    static final int TOTAL = 10_000, BATCH = 64, SIZE = 48;
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** Datagram {@code seq}: its number (big-endian) then bytes derived from it. */
    static byte[] datagram(int seq) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).putInt(seq);
        while (b.hasRemaining()) b.put((byte) (seq * 31 + b.position()));
        return b.array();
    }

    @Test
    void tenThousandThroughRecvmmsgOfMessagesInOrder() throws Exception {
        // AF_UNIX datagrams: a blocking sender waits when the receiver's queue is full, so nothing drops
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread sender = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int seq = 0; seq < TOTAL; ) {
                    int k = Math.min(50, TOTAL - seq);
                    Message[] out = new Message[k];
                    for (int i = 0; i < k; i++) out[i] = new Message(null, datagram(seq + i));
                    seq += Rawsock.sendmmsg(pair[0], out);
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        try {
            Message[] in = new Message[BATCH];
            for (int i = 0; i < BATCH; i++) in[i] = new Message(null, new byte[SIZE + 16]);
            int next = 0, calls = 0;
            while (next < TOTAL) {
                assertTrue(Rawsock.poll(pair[1], Set.of(PollEvent.IN), 10_000).contains(PollEvent.IN),
                        "nothing arrived within 10 s after " + next + " datagrams; sender: " + failed.get());
                int r = Rawsock.recvmmsg(pair[1], in);
                assertTrue(r >= 1 && r <= BATCH);
                calls++;
                for (int i = 0; i < r; i++, next++) {
                    assertEquals(SIZE, in[i].length());
                    assertArrayEquals(datagram(next), java.util.Arrays.copyOf(in[i].iovec()[0], SIZE), "datagram " + next);
                }
            }
            assertEquals(TOTAL, next);
            assertTrue(calls < TOTAL, "batches were used");
            sender.join(10_000);
            assertNull(failed.get());
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    @Test
    void tenThousandUdpThroughDatagramBatchInOrder() throws Exception {
        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             DatagramBatch inBatch = DatagramBatch.allocate(BATCH, 2048)) {
            Sys.setsockoptInt(rx.fd(), Consts.SOL_SOCKET, Consts.SO_RCVBUF, 4 << 20, "setsockopt");
            rx.bind(SockAddr.inet(LO, 0));
            tx.bind(SockAddr.inet(LO, 0));
            rx.timeout(java.time.Duration.ofSeconds(10));
            SockAddr to = rx.localAddress();
            AtomicInteger received = new AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread sender = Thread.ofPlatform().daemon().start(() -> {
                try (DatagramBatch out = DatagramBatch.allocate(BATCH, SIZE)) {
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    for (int seq = 0; seq < TOTAL; ) {
                        // pace: never more than 1024 in flight, well inside the receive buffer
                        while (seq - received.get() > 1024 - BATCH) {
                            if (System.nanoTime() > deadline) throw new AssertionError("receiver stalled at " + received.get());
                            Thread.sleep(1);
                        }
                        int k = Math.min(BATCH, TOTAL - seq);
                        for (int i = 0; i < k; i++) {
                            out.put(i, datagram(seq + i));
                            out.setAddress(i, to);
                        }
                        seq += tx.send(out, k);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            int next = 0;
            SockAddr from = SockAddr.of(Domain.INET);
            while (next < TOTAL) {
                int r = rx.recv(inBatch);
                assertTrue(r >= 1 && r <= BATCH);
                for (int i = 0; i < r; i++, next++) {
                    assertEquals(SIZE, inBatch.length(i));
                    assertFalse(inBatch.truncated(i));
                    assertArrayEquals(datagram(next), inBatch.data(i).toArray(JAVA_BYTE), "datagram " + next);
                    assertTrue(inBatch.address(i, from));
                }
                received.set(next);
            }
            assertEquals(tx.localAddress(), from);
            assertEquals(tx.localAddress(), inBatch.address(0));
            sender.join(10_000);
            assertNull(failed.get());
        }
    }

    /** 46 segments of 1,400 bytes: the most one 64 KiB UDP_SEGMENT send over IPv4 holds. */
    static final int SEGMENTS = 46, SEGMENT = 1400;

    @Test
    void gsoSendIsCutIntoDatagramsAndGroReceiveCoalescesThemBack() throws Exception {
        byte[] payload = new byte[SEGMENTS * SEGMENT];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 7 + i / SEGMENT);
        try (RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket plain = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket gro = RawSocket.open(Domain.INET, SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(1, 65536);
             DatagramBatch in = DatagramBatch.allocate(SEGMENTS, 65536)) {
            for (RawSocket rx : new RawSocket[] {plain, gro}) {
                Sys.setsockoptInt(rx.fd(), Consts.SOL_SOCKET, Consts.SO_RCVBUF, 4 << 20, "setsockopt");
                rx.bind(SockAddr.inet(LO, 0));
                rx.timeout(java.time.Duration.ofSeconds(10));
            }
            gro.setOption(SockOpt.UDP_GRO, true);
            out.put(0, payload);
            out.setSegmentSize(0, SEGMENT);

            // without UDP_GRO the receiver sees the 46 datagrams the kernel cut, in order
            out.setAddress(0, plain.localAddress());
            assertEquals(1, tx.send(out, 1));
            assertEquals(payload.length, out.length(0), "one sendmsg took all the bytes");
            int got = 0;
            while (got < SEGMENTS) {
                int r = plain.recv(in);
                for (int i = 0; i < r; i++, got++) {
                    assertEquals(SEGMENT, in.length(i), "datagram " + got);
                    assertEquals(0, in.segmentSize(i), "a plain datagram has no GRO size");
                    assertArrayEquals(java.util.Arrays.copyOfRange(payload, got * SEGMENT, (got + 1) * SEGMENT),
                            in.data(i).toArray(JAVA_BYTE), "datagram " + got);
                }
            }

            // with UDP_GRO the segments arrive coalesced, with the size to cut them back at
            out.setAddress(0, gro.localAddress());
            assertEquals(1, tx.send(out, 1));
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            int coalesced = 0;
            while (all.size() < payload.length) {
                int r = gro.recv(in);
                for (int i = 0; i < r; i++) {
                    if (in.length(i) > SEGMENT) {
                        assertEquals(SEGMENT, in.segmentSize(i), "slot " + i + " of " + in.length(i) + " bytes");
                        coalesced++;
                    }
                    all.writeBytes(in.data(i).toArray(JAVA_BYTE));
                }
            }
            assertArrayEquals(payload, all.toByteArray());
            assertTrue(coalesced > 0, "loopback keeps a GSO send whole for a UDP_GRO socket");

            // a plain send again once the size is reset
            out.setSegmentSize(0, 0);
            out.put(0, new byte[] {1, 2, 3});
            assertEquals(1, tx.send(out, 1));
            assertEquals(1, gro.recv(in));
            assertEquals(3, in.length(0));
            assertEquals(0, in.segmentSize(0));
        }
    }

    @Test
    void batchSlotsAndBadInput() {
        try (DatagramBatch b = DatagramBatch.allocate(2, 8)) {
            assertThrows(IllegalArgumentException.class, () -> b.put(0, new byte[9]));
            assertThrows(IndexOutOfBoundsException.class, () -> b.put(2, new byte[1]));
            b.put(1, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(3, b.length(1));
            assertArrayEquals(new byte[] {1, 2, 3}, b.data(1).toArray(JAVA_BYTE));
            assertEquals(8, b.buffer(1).byteSize());
            assertNull(b.address(0));
            assertThrows(IllegalArgumentException.class, () -> b.setSegmentSize(0, -1));
            assertThrows(IllegalArgumentException.class, () -> b.setSegmentSize(0, 65536));
            assertThrows(IndexOutOfBoundsException.class, () -> b.setSegmentSize(2, 100));
            assertThrows(IndexOutOfBoundsException.class, () -> b.segmentSize(-1));
            assertEquals(0, b.segmentSize(1), "nothing received yet");
        }
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(0, 8));
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(DatagramBatch.MAX_COUNT + 1, 8));
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(1, 0));
    }

    /** Bytes this thread allocated while {@code body} ran {@code n} times. */
    static long allocated(int n, ThrowingRunnable body) throws Throwable {
        long before = (long) ALLOCATED.invokeExact();
        for (int i = 0; i < n; i++) body.run();
        return (long) ALLOCATED.invokeExact() - before;
    }

    /**
     * com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes, reached reflectively because
     * the module dev.rawsock (which the tests are compiled into) does not read jdk.management.
     */
    static final MethodHandle ALLOCATED;
    static {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> sun = Class.forName("com.sun.management.ThreadMXBean");
            ALLOCATED = MethodHandles.publicLookup().findVirtual(sun, "getCurrentThreadAllocatedBytes", MethodType.methodType(long.class))
                    .bindTo(mx);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The fewest bytes allocated in a 1,000-round window, after warming up: at least 30 windows, and
     * on a loaded machine (where C2 compiles late) more, until one allocates nothing or 60 s pass.
     */
    static long minAllocated(ThrowingRunnable body) throws Throwable {
        return minAllocated(3_000, body);
    }

    static long minAllocated(int warm, ThrowingRunnable body) throws Throwable {
        allocated(warm, body);
        long min = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int w = 0; min > 0 && (w < 30 || System.nanoTime() < deadline); w++) min = Math.min(min, allocated(1_000, body));
        return min;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void batchReceiveAllocatesNothingOnceWarm() throws Throwable {
        try (RawSocket rx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket tx = RawSocket.open(Domain.INET, SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(16, 64);
             DatagramBatch in = DatagramBatch.allocate(16, 64)) {
            rx.bind(SockAddr.inet(LO, 0));
            SockAddr to = rx.localAddress();
            for (int i = 0; i < 16; i++) {
                out.put(i, datagram(i));
                out.setAddress(i, to);
            }
            int rxFd = rx.fd();
            int[] got = new int[1];
            ThrowingRunnable owned = () -> {
                tx.send(out, 16);
                int r = 0;
                while (r < 16) r += rx.recv(in);
                got[0] += r;
            };
            ThrowingRunnable facade = () -> {
                tx.send(out, 16);
                int r = 0;
                while (r < 16) r += Rawsock.recvmmsg(rxFd, in);
                got[0] += r;
            };
            // warm up, then measure windows of 1,000 rounds until one allocates nothing (bounded):
            // a window that still runs interpreted or deoptimizes may allocate, a warm one must not
            long ownedBytes = minAllocated(owned), facadeBytes = minAllocated(facade);
            assertTrue(got[0] > 0);
            assertEquals(0, ownedBytes, "RawSocket.recv(DatagramBatch) + send: bytes allocated in the best 1,000-round window");
            assertEquals(0, facadeBytes, "Rawsock.recvmmsg(fd, DatagramBatch) + send: bytes allocated in the best 1,000-round window");
            assertArrayEquals(datagram(15), in.data(15).toArray(JAVA_BYTE));
        }
    }

    @Test
    void sendmsgRecvmsgOfByteArraysAllocateNothingOnceWarm() throws Throwable {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        try {
            Message out = new Message(null, datagram(1), datagram(2));
            Message in = new Message(null, new byte[SIZE], new byte[SIZE]);
            ThrowingRunnable round = () -> {
                Rawsock.sendmsg(pair[0], out);
                Rawsock.recvmsg(pair[1], in);
            };
            long bytes = minAllocated(60_000, round);  // C2 needs more rounds here to inline through the downcall
            assertArrayEquals(datagram(2), in.iovec()[1]);
            assertEquals(0, bytes, "Rawsock.sendmsg + recvmsg: bytes allocated in the best 1,000-round window");
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }
}
