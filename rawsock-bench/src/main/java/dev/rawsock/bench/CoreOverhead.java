package dev.rawsock.bench;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Scratch;
import org.openjdk.jmh.annotations.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
public class CoreOverhead {
    FdHandle h;
    RawSocket[] p;
    ByteBuffer bb = ByteBuffer.allocateDirect(64);

    @Setup
    public void setup() throws IOException {
        p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        h = new FdHandle(p[0].release(), this);
    }

    @Benchmark
    public int beginEnd() throws IOException {
        int fd = h.begin("x");
        h.end();
        return fd;
    }

    @Benchmark
    public Object scratch() {
        try (Scratch s = Scratch.acquire()) {
            return s.errno;
        }
    }

    @Benchmark
    public long ofBuffer() {
        return MemorySegment.ofBuffer(bb).address();
    }

    RawSocket[] q;
    java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofAuto();
    MemorySegment errno = BareFfm.capture(arena), empty = arena.allocate(8);

    @Setup
    public void setup2() throws IOException {
        q = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
    }

    /** A zero-byte send (datagram pair, the peer drains nothing: zero-length datagrams still queue, so use DONTWAIT-free send of 0 on a stream). */
    @Benchmark
    public long rawsockSend0() throws IOException {
        return p[1].send(empty.asSlice(0, 0));
    }

    @Benchmark
    public long bareSend0() {
        return BareFfm.send(errno, p[1].fd(), empty, 0, Consts.MSG_NOSIGNAL);
    }

    @Benchmark
    public long bareSend0Critical() {
        return BareFfm.sendCritical(errno, p[1].fd(), empty, 0, Consts.MSG_NOSIGNAL);
    }

    final java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();

    @Benchmark
    public int atomicPair() {
        counter.getAndIncrement();
        return counter.getAndDecrement();
    }

    @Benchmark
    public int baseline() {
        return 1;
    }
}
