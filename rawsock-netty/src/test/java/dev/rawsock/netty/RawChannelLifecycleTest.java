package dev.rawsock.netty;

import dev.rawsock.DatagramBatch;
import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rawsock.netty.NettyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Closing while the loop reads, open/register/close cycles without fd or buffer leaks, RawIoHandle. */
class RawChannelLifecycleTest {
    static EventLoopGroup group;
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @BeforeAll
    static void start() {
        init();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counts packets and releases them (SimpleChannelInboundHandler does). */
    static final class Counter extends SimpleChannelInboundHandler<RawPacket> {
        final AtomicInteger count = new AtomicInteger();
        final AtomicReference<Throwable> failed = new AtomicReference<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RawPacket msg) {
            count.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed.compareAndSet(null, cause);
        }
    }

    /** Sends datagrams to {@code to} from a plain socket until {@code stop}, at most 10 s and 2 million. */
    static Thread flood(SockAddr to, AtomicBoolean stop) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM); DatagramBatch b = DatagramBatch.allocate(32, 64)) {
                for (int i = 0; i < 32; i++) {
                    b.put(i, new byte[64]);
                    b.setAddress(i, to);
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < 62_500 && !stop.get() && System.nanoTime() < end; i++) s.trySend(b, 32);
            } catch (Exception ignored) {
                // the receiver going away may make sends fail: the flood just ends
            }
        });
    }

    @Test
    void closeFromAnotherThreadWhileTheLoopReads() throws Exception {
        for (int round = 0; round < 3; round++) {
            RawChannel ch = RawChannel.udp(LO, 0);
            Counter c = new Counter();
            ch.pipeline().addLast(c);
            group.register(ch).sync();
            AtomicBoolean stop = new AtomicBoolean();
            Thread sender = flood(ch.localAddress(), stop);
            try {
                await(20, () -> c.count.get() >= 2000, "the loop reading a flood");
                ch.close();   // from the test thread: queued to the loop, which is busy reading the flood
                assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "channel closed within 10 s");
                assertFalse(ch.socket().isOpen());
                assertFalse(ch.isOpen());
            } finally {
                stop.set(true);
                sender.join(15_000);
            }
            assertNull(c.failed.get(), () -> "pipeline error: " + c.failed.get());
        }
        // the loop is still healthy: a new channel on it works
        RawChannel again = RawChannel.udp(LO, 0);
        Counter c = new Counter();
        again.pipeline().addLast(c);
        group.register(again).sync();
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            s.sendTo(new byte[] {1}, again.localAddress());
            await(10, () -> c.count.get() == 1, "a datagram after the closes");
        } finally {
            again.close().sync();
        }
    }

    @Test
    void thousandOpenRegisterCloseCyclesLeakNoFdAndNoBuffer() throws Exception {
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            cycle(s);   // warm up: classes, the loop's own fds, allocator arenas
            long fds = openFds();
            for (int i = 0; i < 1000; i++) cycle(s);
            assertEquals(fds, openFds(), "open fds after 1000 cycles");
        }
        // buffers are reported when the detector finds them unreachable: collect, then allocate to trigger reports
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int k = 0; k < 100; k++) ByteBufAllocator.DEFAULT.directBuffer(64).release();
            Thread.sleep(20);
        }
        assertEquals(0, LEAKS.get(), () -> "leaks: " + LEAK_REPORTS);
    }

    /** One channel: open, register, receive one datagram (a buffer allocated and released), close. */
    private static void cycle(RawSocket sender) throws Exception {
        RawChannel ch = RawChannel.udp(LO, 0);
        Counter c = new Counter();
        ch.pipeline().addLast(c);
        group.register(ch).sync();
        sender.sendTo(new byte[] {42}, ch.localAddress());
        await(10, () -> c.count.get() == 1, "one datagram");
        ch.close().sync();
        assertFalse(ch.socket().isOpen());
        assertNull(c.failed.get());
    }

    @Test
    void leakDetectorIsLive() throws Exception {
        // the check above means something only if a dropped buffer is reported here
        int before = LEAKS.get();
        ByteBuf lost = ByteBufAllocator.DEFAULT.directBuffer(16);
        lost.writeByte(1);
        lost = null;
        for (int i = 0; i < 50 && LEAKS.get() == before; i++) {
            System.gc();
            for (int k = 0; k < 100; k++) ByteBufAllocator.DEFAULT.directBuffer(16).release();
            Thread.sleep(20);
        }
        assertTrue(LEAKS.get() > before, "a dropped ByteBuf is reported at PARANOID");
        LEAKS.set(before);
        LEAK_REPORTS.clear();
    }

    @Test
    void rawIoHandleGivesReadinessOnTheLoopThread() throws Exception {
        RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM);
        s.bind(SockAddr.inet(LO, 0));
        SockAddr at = s.localAddress();
        IoEventLoop loop = (IoEventLoop) group.next();
        AtomicInteger got = new AtomicInteger();
        AtomicBoolean onLoop = new AtomicBoolean(true);
        DatagramBatch b = DatagramBatch.allocate(16, 64);
        RawIoHandle h = RawIoHandle.register(loop, s, handle -> {
            if (!loop.inEventLoop()) onLoop.set(false);
            int r;
            while ((r = handle.socket().tryRecv(b, 16)) > 0) got.addAndGet(r);
            assertEquals(RawSocket.WOULD_BLOCK, r);
        }).sync().getNow();
        try (RawSocket sender = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            for (int i = 0; i < 100; i++) sender.sendTo(new byte[] {(byte) i}, at);
            await(10, () -> got.get() == 100, "100 datagrams through the handle");
            assertTrue(onLoop.get(), "callbacks run on the loop thread");
        } finally {
            h.close();
        }
        await(10, () -> !s.isOpen(), "close cancels the registration, then closes the socket");
        b.close();
    }
}
