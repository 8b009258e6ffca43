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

    @Benchmark
    public int baseline() {
        return 1;
    }
}
