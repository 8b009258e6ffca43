package dev.rawsock.bench;

import com.sun.jna.Memory;
import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code socketpair-pingpong}: one operation is a 64-byte send on one end of a connected AF_UNIX
 * stream pair and the 64-byte recv of it on the other end, on one thread (as c/io.c does).
 */
public class SocketpairPingpong {
    static final int SIZE = 64;

    @State(Scope.Thread)
    public static class Raw extends PinnedThread {
        RawSocket a, b;
        Arena arena;
        MemorySegment out, in;
        ByteBuffer outBuf, inBuf;
        byte[] outArray = new byte[SIZE], inArray = new byte[SIZE];

        @Setup
        public void setup() throws IOException {
            java.util.Arrays.fill(outArray, (byte) 'x');
            RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
            a = p[0];
            b = p[1];
            arena = Arena.ofConfined();
            out = arena.allocate(SIZE, 64).fill((byte) 'x');
            in = arena.allocate(SIZE, 64);
            outBuf = ByteBuffer.allocateDirect(SIZE);
            inBuf = ByteBuffer.allocateDirect(SIZE);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            arena.close();
        }
    }

    /** RawSocket with native MemorySegments (no copy). */
    @Benchmark
    public long rawsock(Raw s) throws IOException {
        s.a.send(s.out);
        return s.b.recv(s.in);
    }

    /** RawSocket with byte[] arrays. */
    @Benchmark
    public int rawsockArray(Raw s) throws IOException {
        s.a.send(s.outArray);
        return s.b.recv(s.inArray);
    }

    /** RawSocket with direct ByteBuffers (position/limit semantics as NIO). */
    @Benchmark
    public int rawsockByteBuffer(Raw s) throws IOException {
        s.outBuf.clear();
        s.inBuf.clear();
        s.a.send(s.outBuf);
        return s.b.recv(s.inBuf);
    }

    @State(Scope.Thread)
    public static class Bare extends PinnedThread {
        int a, b;
        Arena arena;
        MemorySegment errno, out, in;

        @Setup
        public void setup() {
            int[] sv = JnaLibc.unixStreamPair();
            a = sv[0];
            b = sv[1];
            arena = Arena.ofConfined();
            errno = BareFfm.capture(arena);
            out = arena.allocate(SIZE, 64).fill((byte) 'x');
            in = arena.allocate(SIZE, 64);
        }

        @TearDown
        public void tearDown() {
            JnaLibc.close(a);
            JnaLibc.close(b);
            arena.close();
        }
    }

    /** Diagnostic: bare FFM downcalls with errno capture on a blocking pair (rawsock's floor). */
    @Benchmark
    public long bareFfm(Bare s) {
        BareFfm.send(s.errno, s.a, s.out, SIZE, Consts.MSG_NOSIGNAL);
        return BareFfm.recv(s.errno, s.b, s.in, SIZE, 0);
    }

    /**
     * Diagnostic: the same through handles linked Linker.Option.critical(true) (what rawsock uses on
     * its owned fds), MSG_DONTWAIT so a critical call can never block.
     */
    @Benchmark
    public long bareFfmCritical(Bare s) {
        BareFfm.sendCritical(s.errno, s.a, s.out, SIZE, Consts.MSG_NOSIGNAL | Consts.MSG_DONTWAIT);
        long n;
        do n = BareFfm.recvCritical(s.errno, s.b, s.in, SIZE, Consts.MSG_DONTWAIT); while (n < 0);
        return n;
    }

    @State(Scope.Thread)
    public static class Nio extends PinnedThread {
        Path dir;
        ServerSocketChannel server;
        SocketChannel a, b;
        ByteBuffer out, in;

        @Setup
        public void setup() throws IOException {
            dir = Files.createTempDirectory("rawsock-bench");
            UnixDomainSocketAddress addr = UnixDomainSocketAddress.of(dir.resolve("s"));
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(addr);
            a = SocketChannel.open(StandardProtocolFamily.UNIX);
            a.connect(addr);
            b = server.accept();
            out = ByteBuffer.allocateDirect(SIZE);
            in = ByteBuffer.allocateDirect(SIZE);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            server.close();
            Files.deleteIfExists(dir.resolve("s"));
            Files.deleteIfExists(dir);
        }
    }

    /** The JDK's Unix-domain SocketChannel pair, blocking, direct buffers. */
    @Benchmark
    public int nio(Nio s) throws IOException {
        s.out.clear();
        s.in.clear();
        s.a.write(s.out);
        return s.b.read(s.in);
    }

    @State(Scope.Thread)
    public static class Jna extends PinnedThread {
        int a, b;
        Memory out, in;

        @Setup
        public void setup() {
            int[] sv = JnaLibc.unixStreamPair();
            a = sv[0];
            b = sv[1];
            out = new Memory(SIZE);
            out.setMemory(0, SIZE, (byte) 'x');
            in = new Memory(SIZE);
        }

        @TearDown
        public void tearDown() {
            JnaLibc.close(a);
            JnaLibc.close(b);
        }
    }

    /** JNA direct mapping of send(2)/recv(2) on a blocking socketpair. */
    @Benchmark
    public long jna(Jna s) {
        JnaLibc.send(s.a, s.out, SIZE, Consts.MSG_NOSIGNAL);
        return JnaLibc.recv(s.b, s.in, SIZE, 0);
    }
}
