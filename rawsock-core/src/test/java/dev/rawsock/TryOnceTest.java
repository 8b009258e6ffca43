package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Set;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** The event-loop calls: never wait, "would block" as a value distinct from 0 and from end of stream. */
class TryOnceTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    private static RawSocket udp() throws Exception {
        RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM);
        s.bind(SockAddr.inet(LO, 0));
        return s;
    }

    /** Waits (bounded) until {@code s} is readable, so a datagram sent on loopback is queued. */
    private static void readable(RawSocket s) throws Exception {
        assertTrue(s.poll(Set.of(PollEvent.IN), 5_000).contains(PollEvent.IN), "nothing arrived within 5 s");
    }

    @Test
    void emptyQueueIsWouldBlockAndAnEmptyDatagramIsZero() throws Exception {
        try (RawSocket a = udp(); RawSocket b = udp()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            SockAddr from = SockAddr.of(Domain.UNSPEC);
            long t0 = System.nanoTime();
            assertEquals(RawSocket.WOULD_BLOCK, b.tryRecv(buf, from));
            assertEquals(0, buf.position(), "nothing consumed on WOULD_BLOCK");
            assertEquals(0, a.trySend(ByteBuffer.allocate(0), b.localAddress()));
            readable(b);
            assertEquals(0, b.tryRecv(buf, from), "an empty datagram is 0, not would-block or end of stream");
            assertEquals(a.localAddress(), from);
            a.trySend(ByteBuffer.wrap(new byte[] {1, 2, 3}), b.localAddress());
            readable(b);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(16);
                assertEquals(3, b.tryRecv(seg, null));
                assertEquals(3, seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2));
            }
            assertEquals(RawSocket.WOULD_BLOCK, b.tryRecv(MemorySegment.ofArray(new byte[8]), null));
        }
    }

    @Test
    void streamPeerShutdownIsEndOfStream() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]) {
            ByteBuffer buf = ByteBuffer.allocate(8);
            assertEquals(RawSocket.WOULD_BLOCK, b.tryRecv(buf, null));
            a.shutdown(Shutdown.WRITE);
            readable(b);
            assertEquals(RawSocket.END_OF_STREAM, b.tryRecv(buf, null));
        }
    }

    @Test
    void batchesTakeWhatIsQueuedAndSendUntilFull() throws Exception {
        try (RawSocket a = udp(); RawSocket b = udp();
             DatagramBatch out = DatagramBatch.allocate(8, 32); DatagramBatch in = DatagramBatch.allocate(16, 32)) {
            assertEquals(RawSocket.WOULD_BLOCK, b.tryRecv(in, 16));
            for (int i = 0; i < 8; i++) {
                out.put(i, new byte[] {(byte) i});
                out.setAddress(i, b.localAddress());
            }
            assertEquals(8, a.trySend(out, 8));
            int got = 0;
            for (int round = 0; round < 100 && got < 8; round++) {
                readable(b);
                int r = b.tryRecv(in, 16);
                assertTrue(r > 0, "readable but got " + r);
                for (int i = 0; i < r; i++) assertEquals(got + i, in.data(i).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
                got += r;
            }
            assertEquals(8, got);
            assertEquals(RawSocket.WOULD_BLOCK, b.tryRecv(in, 16));
        }
        // a stream whose peer never reads fills up: trySend reports it instead of waiting
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(65536);
            long sent = 0;
            int r = 0;
            for (int i = 0; i < 10_000 && r != RawSocket.WOULD_BLOCK; i++) {
                chunk.clear();
                r = a.trySend(chunk, null);
                if (r > 0) sent += r;
            }
            assertEquals(RawSocket.WOULD_BLOCK, r, "the send buffer never filled after " + sent + " bytes");
            assertTrue(sent > 0);
            assertTrue(b.isOpen());
        }
    }

    @Test
    void closedSocketIsEbadfNotWouldBlock() throws Exception {
        RawSocket s = udp();
        s.close();
        ErrnoException e = assertThrows(ErrnoException.class, () -> s.tryRecv(ByteBuffer.allocate(4), null));
        assertErrno(e, Errno.EBADF);
    }
}
