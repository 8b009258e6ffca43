package dev.rawsock.bench;

import com.sun.jna.Memory;
import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/**
 * {@code udp-loopback}: one operation is a 64-byte sendto from one UDP socket on 127.0.0.1 to
 * another and the recvfrom of it (with the sender's address), on one thread (as c/io.c does).
 */
public class UdpLoopback {
    static final int SIZE = 64;

    /** Two UDP sockets made by rawsock (so non-blocking), each bound to an ephemeral port on 127.0.0.1. */
    static RawSocket[] loopbackPair() throws IOException {
        RawSocket a = RawSocket.open(Domain.INET, SocketType.DGRAM);
        RawSocket b = RawSocket.open(Domain.INET, SocketType.DGRAM);
        a.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
        b.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
        return new RawSocket[] {a, b};
    }

    /** {@link #loopbackPair()} whose receiver (the second) gives up after 5 s: a lost datagram fails the run. */
    static RawSocket[] loopbackPairWithTimeout() throws IOException {
        RawSocket[] p = loopbackPair();
        p[1].timeout(java.time.Duration.ofSeconds(5));
        return p;
    }

    @State(Scope.Thread)
    public static class Raw extends PinnedThread {
        RawSocket a, b;
        SockAddr to, from;
        Arena arena;
        MemorySegment out, in;
        ByteBuffer outBuf = ByteBuffer.allocateDirect(SIZE), inBuf = ByteBuffer.allocateDirect(SIZE);
        byte[] outArray = new byte[SIZE], inArray = new byte[SIZE];

        @Setup
        public void setup() throws IOException {
            java.util.Arrays.fill(outArray, (byte) 'x');
            RawSocket[] p = loopbackPair();
            a = p[0];
            b = p[1];
            // A lost datagram would otherwise wait forever; on loopback with one in flight none is lost.
            b.timeout(Duration.ofSeconds(5));
            to = b.localAddress();
            from = SockAddr.of(Domain.INET);
            arena = Arena.ofConfined();
            out = arena.allocate(SIZE, 64).fill((byte) 'x');
            in = arena.allocate(SIZE, 64);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            arena.close();
        }
    }

    /** RawSocket sendTo/recvFrom with native MemorySegments and a reused SockAddr for the sender. */
    @Benchmark
    public long rawsock(Raw s) throws IOException {
        s.a.sendTo(s.out, s.to);
        return s.b.recvFrom(s.in, s.from);
    }

    /** The same with byte[] arrays. */
    @Benchmark
    public int rawsockArray(Raw s) throws IOException {
        s.a.sendTo(s.outArray, s.to);
        return s.b.recvFrom(s.inArray, s.from);
    }

    /** The same with direct ByteBuffers (position/limit semantics as NIO). */
    @Benchmark
    public int rawsockByteBuffer(Raw s) throws IOException {
        s.outBuf.clear();
        s.inBuf.clear();
        s.a.sendTo(s.outBuf, s.to);
        return s.b.recvFrom(s.inBuf, s.from);
    }

    @State(Scope.Thread)
    public static class Nio extends PinnedThread {
        DatagramChannel a, b;
        SocketAddress to;
        ByteBuffer out, in;

        @Setup
        public void setup() throws IOException {
            InetAddress lo = InetAddress.getLoopbackAddress();
            a = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(lo, 0));
            b = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(lo, 0));
            to = b.getLocalAddress();
            out = ByteBuffer.allocateDirect(SIZE);
            in = ByteBuffer.allocateDirect(SIZE);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
        }
    }

    /** DatagramChannel send/receive, blocking, direct buffers. */
    @Benchmark
    public SocketAddress nio(Nio s) throws IOException {
        s.out.clear();
        s.in.clear();
        s.a.send(s.out, s.to);
        return s.b.receive(s.in);
    }

    @State(Scope.Thread)
    public static class Bare extends PinnedThread {
        RawSocket a, b;
        Arena arena;
        MemorySegment errno, to, from, fromLen, out, in;

        @Setup
        public void setup() throws IOException {
            // rawsock's sockets (non-blocking), used only through bare downcalls below.
            RawSocket[] p = loopbackPair();
            a = p[0];
            b = p[1];
            arena = Arena.ofConfined();
            errno = BareFfm.capture(arena);
            to = arena.allocate(Consts.SOCKADDR_IN_SIZE);
            to.copyFrom(MemorySegment.ofArray(b.localAddress().bytes()));
            from = arena.allocate(Consts.SOCKADDR_IN_SIZE);
            fromLen = arena.allocate(4);
            out = arena.allocate(SIZE, 64).fill((byte) 'x');
            in = arena.allocate(SIZE, 64);
        }

        @TearDown
        public void tearDown() throws IOException {
            a.close();
            b.close();
            arena.close();
        }
    }

    /** Diagnostic: bare FFM downcalls with errno capture (rawsock's floor); spins on EAGAIN. */
    @Benchmark
    public long bareFfm(Bare s) {
        BareFfm.sendto(s.errno, s.a.fd(), s.out, SIZE, Consts.MSG_NOSIGNAL, s.to, Consts.SOCKADDR_IN_SIZE);
        long n;
        do {
            s.fromLen.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, Consts.SOCKADDR_IN_SIZE);
            n = BareFfm.recvfrom(s.errno, s.b.fd(), s.in, SIZE, 0, s.from, s.fromLen);
        } while (n < 0);
        return n;
    }

    @State(Scope.Thread)
    public static class Jna extends PinnedThread {
        int a, b;
        Memory to, from, fromLen, out, in;

        @Setup
        public void setup() {
            a = JnaLibc.check("socket", JnaLibc.socket(Consts.AF_INET, Consts.SOCK_DGRAM, 0));
            b = JnaLibc.check("socket", JnaLibc.socket(Consts.AF_INET, Consts.SOCK_DGRAM, 0));
            Memory lo = new Memory(Consts.SOCKADDR_IN_SIZE);
            lo.clear();
            lo.setShort(0, (short) Consts.AF_INET);
            lo.setInt(4, 0x0100007f);  // 127.0.0.1 in network order, read as a little-endian int
            JnaLibc.check("bind", JnaLibc.bind(a, lo, Consts.SOCKADDR_IN_SIZE));
            JnaLibc.check("bind", JnaLibc.bind(b, lo, Consts.SOCKADDR_IN_SIZE));
            to = new Memory(Consts.SOCKADDR_IN_SIZE);
            fromLen = new Memory(4);
            fromLen.setInt(0, Consts.SOCKADDR_IN_SIZE);
            JnaLibc.check("getsockname", JnaLibc.getsockname(b, to, fromLen));
            from = new Memory(Consts.SOCKADDR_IN_SIZE);
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

    /** JNA direct mapping of sendto(2)/recvfrom(2) on blocking sockets. */
    @Benchmark
    public long jna(Jna s) {
        JnaLibc.sendto(s.a, s.out, SIZE, Consts.MSG_NOSIGNAL, s.to, Consts.SOCKADDR_IN_SIZE);
        s.fromLen.setInt(0, Consts.SOCKADDR_IN_SIZE);
        return JnaLibc.recvfrom(s.b, s.in, SIZE, 0, s.from, s.fromLen);
    }
}
