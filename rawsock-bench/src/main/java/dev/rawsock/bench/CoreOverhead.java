package dev.rawsock.bench;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SocketType;
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
 * Diagnostics, not part of the report: rawsock's per-call path against its pieces (ns per call),
 * to find where its overhead over bare FFM goes; measured through the public API only, so the
 * difference between {@link #pingRawSocket()} and {@link #pingBare()} is everything the library adds
 * (safe-close bracketing, scratch memory, the retry loop). Run by hand:
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... org.openjdk.jmh.Main -prof gc CoreOverhead</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoreOverhead {
    RawSocket[] sockets;
    int[] pair;
    Arena arena;
    MemorySegment errno, out, in;
    ByteBuffer direct = ByteBuffer.allocateDirect(64);
    final AtomicInteger counter = new AtomicInteger();

    @Setup
    public void setup() throws IOException {
        sockets = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        arena = Arena.ofConfined();
        errno = BareFfm.capture(arena);
        out = arena.allocate(64);
        in = arena.allocate(64);
    }

    @TearDown
    public void tearDown() throws IOException {
        sockets[0].close();
        sockets[1].close();
        Rawsock.sockClose(pair[0]);
        Rawsock.sockClose(pair[1]);
        arena.close();
    }

    /** 64-byte send+recv on a RawSocket pair with native segments: the library's whole path. */
    @Benchmark
    public long pingRawSocket() throws IOException {
        sockets[0].send(out);
        return sockets[1].recv(in);
    }

    /** Two atomic adds: the floor of the safe-close bracketing that counts threads inside a call. */
    @Benchmark
    public int atomicPair() {
        counter.getAndIncrement();
        return counter.getAndDecrement();
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
