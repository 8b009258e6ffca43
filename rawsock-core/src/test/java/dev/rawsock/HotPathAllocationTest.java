package dev.rawsock;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;

import static dev.rawsock.BatchTest.LO;
import static dev.rawsock.BatchTest.minAllocated;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The calls rawsock-bench measures allocate nothing once the JIT has compiled them: what the
 * benchmarks' {@code -prof gc} showed (4.5, 11.7, 5.2 and 2.6 B/op in a quick run) was the JDK's
 * errno-capture slice per downcall before C2 scalar-replaces it, during warm-up. Each test warms up,
 * then measures windows of 1,000 rounds until one allocates nothing (bounded), as BatchTest does.
 */
class HotPathAllocationTest {
    static final int SIZE = 64;

    /** socketpair-pingpong: send + recv on an AF_UNIX stream pair, native segments, direct buffers and arrays. */
    @Test
    void socketpairSendRecvAllocatesNothingOnceWarm() throws Throwable {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]; Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(SIZE, 64).fill((byte) 'x'), in = arena.allocate(SIZE, 64);
            ByteBuffer outBuf = ByteBuffer.allocateDirect(SIZE), inBuf = ByteBuffer.allocateDirect(SIZE);
            long[] got = new long[1];
            long segments = minAllocated(() -> {
                a.send(out);
                got[0] += b.recv(in);
            });
            long buffers = minAllocated(() -> {
                outBuf.clear();
                inBuf.clear();
                a.send(outBuf);
                got[0] += b.recv(inBuf);
            });
            byte[] outArray = new byte[SIZE], inArray = new byte[SIZE];
            java.util.Arrays.fill(outArray, (byte) 'z');
            long arrays = minAllocated(() -> {
                a.send(outArray);
                got[0] += b.recv(inArray);
            });
            assertTrue(got[0] > 0);
            assertEquals('x', in.get(JAVA_BYTE, SIZE - 1));
            assertEquals('z', inArray[SIZE - 1]);
            assertEquals(0, segments, "RawSocket send + recv of segments: bytes allocated in the best 1,000-round window");
            assertEquals(0, buffers, "RawSocket send + recv of direct buffers: bytes allocated in the best 1,000-round window");
            assertEquals(0, arrays, "RawSocket send + recv of byte[]: bytes allocated in the best 1,000-round window");
        }
    }

    /** udp-loopback: sendTo + recvFrom on 127.0.0.1 with a reused SockAddr for the sender. */
    @Test
    void udpSendToRecvFromAllocatesNothingOnceWarm() throws Throwable {
        try (RawSocket a = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket b = RawSocket.open(Domain.INET, SocketType.DGRAM);
             Arena arena = Arena.ofConfined()) {
            a.bind(SockAddr.inet(LO, 0));
            b.bind(SockAddr.inet(LO, 0));
            b.timeout(Duration.ofSeconds(5));  // a lost datagram fails the test instead of hanging it
            SockAddr to = b.localAddress(), from = SockAddr.of(Domain.INET);
            MemorySegment out = arena.allocate(SIZE, 64).fill((byte) 'y'), in = arena.allocate(SIZE, 64);
            long[] got = new long[1];
            long bytes = minAllocated(() -> {
                a.sendTo(out, to);
                got[0] += b.recvFrom(in, from);
            });
            byte[] outArray = new byte[SIZE], inArray = new byte[SIZE];
            java.util.Arrays.fill(outArray, (byte) 'w');
            long arrays = minAllocated(() -> {
                a.sendTo(outArray, to);
                got[0] += b.recvFrom(inArray, from);
            });
            assertEquals(a.localAddress(), from);
            assertTrue(got[0] > 0);
            assertEquals('w', inArray[SIZE - 1]);
            assertEquals(0, bytes, "RawSocket sendTo + recvFrom: bytes allocated in the best 1,000-round window");
            assertEquals(0, arrays, "RawSocket sendTo + recvFrom of byte[]: bytes allocated in the best 1,000-round window");
        }
    }

    /** udp-gso: one UDP_SEGMENT send of 46 x 1,400 bytes, received with UDP_GRO. */
    @Test
    void gsoSendGroReceiveAllocatesNothingOnceWarm() throws Throwable {
        int segments = 46, segment = 1400, total = segments * segment;
        try (RawSocket a = RawSocket.open(Domain.INET, SocketType.DGRAM);
             RawSocket b = RawSocket.open(Domain.INET, SocketType.DGRAM);
             DatagramBatch gso = DatagramBatch.allocate(1, total);
             DatagramBatch in = DatagramBatch.allocate(segments, 65536)) {
            a.bind(SockAddr.inet(LO, 0));
            b.bind(SockAddr.inet(LO, 0));
            b.timeout(Duration.ofSeconds(5));
            b.setOption(SockOpt.SO_RCVBUF, 4 << 20);
            try {
                b.setOption(SockOpt.UDP_GRO, true);
            } catch (ErrnoException e) {
                Assumptions.abort("this kernel has no UDP_GRO: " + e.getMessage());
            }
            gso.put(0, new byte[total]);
            gso.setAddress(0, b.localAddress());
            gso.setSegmentSize(0, segment);
            long[] got = new long[1];
            BatchTest.ThrowingRunnable round = () -> {
                if (a.send(gso, 1) != 1) throw new IOException("the GSO send did not go out");
                int bytes = 0;
                while (bytes < total) {
                    int r = b.recv(in);
                    for (int i = 0; i < r; i++) bytes += in.length(i);
                }
                got[0] += bytes;
            };
            long bytes = minAllocated(300, round);
            assertTrue(got[0] > 0);
            assertEquals(0, bytes, "GSO send + GRO receive: bytes allocated in the best 1,000-round window");
        }
    }
}
