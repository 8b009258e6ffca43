package dev.rawsock.bench;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SocketType;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Scratch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Diagnostics, not part of the report: the pieces of rawsock's per-call path in isolation (ns per
 * call), to find where its overhead over bare FFM goes. Run by hand:
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... org.openjdk.jmh.Main -prof gc CoreOverhead</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoreOverhead {
    FdHandle handle;
    int[] pair;
    Arena arena;
    MemorySegment errno, out, in;
    ByteBuffer direct = ByteBuffer.allocateDirect(64);
    final AtomicInteger counter = new AtomicInteger();

    @Setup
    public void setup() throws IOException {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        handle = new FdHandle(p[0].release(), this);
        p[1].close();
        pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        arena = Arena.ofConfined();
        errno = BareFfm.capture(arena);
        out = arena.allocate(64);
        in = arena.allocate(64);
    }

    @TearDown
    public void tearDown() throws IOException {
        handle.close();
        Rawsock.sockClose(pair[0]);
        Rawsock.sockClose(pair[1]);
        arena.close();
    }

    /** FdHandle.begin + end: what every RawSocket call pays for safe close. */
    @Benchmark
    public int beginEnd() throws IOException {
        int fd = handle.begin("x");
        handle.end();
        return fd;
    }

    /** Two atomic adds: the floor of any begin/end that counts threads inside. */
    @Benchmark
    public int atomicPair() {
        counter.getAndIncrement();
        return counter.getAndDecrement();
    }

    /** Scratch.acquire + close (thread-local lookup). */
    @Benchmark
    public Object scratch() {
        try (Scratch s = Scratch.acquire()) {
            return s.errno;
        }
    }

    /** MemorySegment.ofBuffer where it does not escape (escape analysis removes it). */
    @Benchmark
    public long ofBuffer() {
        return MemorySegment.ofBuffer(direct).address();
    }

    /** 64-byte send+recv on a blocking stream pair, bare FFM. */
    @Benchmark
    public long pingBare() {
        BareFfm.send(errno, pair[0], out, 64, Consts.MSG_NOSIGNAL);
        return BareFfm.recv(errno, pair[1], in, 64, 0);
    }

    /** Critical and without errno capture: the capture's own cost is the difference to pingBareCritical. */
    @Benchmark
    public long pingBareCriticalNoErrno() {
        BareFfm.sendPlain(pair[0], out, 64, Consts.MSG_NOSIGNAL);
        return BareFfm.recvPlain(pair[1], in, 64, 0);
    }

    /** The same with handles linked Linker.Option.critical(true) (no thread-state transition). */
    @Benchmark
    public long pingBareCritical() {
        BareFfm.sendCritical(errno, pair[0], out, 64, Consts.MSG_NOSIGNAL);
        return BareFfm.recvCritical(errno, pair[1], in, 64, 0);
    }
}
