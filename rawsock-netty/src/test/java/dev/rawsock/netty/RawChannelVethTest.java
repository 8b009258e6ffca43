package dev.rawsock.netty;

import dev.rawsock.Domain;
import dev.rawsock.Interfaces;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;
import dev.rawsock.capture.Capture;
import dev.rawsock.packet.BpfProgram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rawsock.netty.NettyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Ethernet frames between two pipelines over a veth pair in a test-made namespace. */
class RawChannelVethTest {
    static final int ETHERTYPE = 0x88B5, OTHER = 0x88B6, ETH_P_ALL = 0x0003;
    static EventLoopGroup group;

    @BeforeAll
    static void start() {
        init();
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A frame from va to vb: broadcast destination, {@code type}, the sequence number, then bytes derived from it. */
    static ByteBuf frame(ByteBuf buf, byte[] srcMac, int type, int seq, int size) {
        buf.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1}).writeBytes(srcMac).writeShort(type).writeInt(seq);
        while (buf.writerIndex() < size) buf.writeByte((byte) (seq * 7 + buf.writerIndex()));
        return buf;
    }

    /** Checks a received frame against {@link #frame}; its sequence number. */
    static int check(ByteBuf f, int size) {
        assertEquals(size, f.readableBytes(), "frame length");
        assertEquals(ETHERTYPE, f.getUnsignedShort(f.readerIndex() + 12), "only the filtered EtherType arrives");
        int seq = f.getInt(f.readerIndex() + 14);
        for (int i = 18; i < size; i++) assertEquals((byte) (seq * 7 + i), f.getByte(f.readerIndex() + i), "byte " + i + " of frame " + seq);
        return seq;
    }

    /** A packet socket on {@code ifname} for every EtherType, with {@code filter} in place before it is bound. */
    static RawChannel filtered(String ifname, String filter) throws Exception {
        RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW, Protocol.ethernet(0));  // receives nothing yet
        s.setOption(SockOpt.SO_RCVBUF, 4 << 20);
        RawChannel ch = new RawChannel(s);
        ch.config().setFilter(BpfProgram.compile(filter));
        s.bind(SockAddr.packet(Rawsock.ifNameIndex(ifname), ETH_P_ALL));
        return ch;
    }

    /** Collects the sequence numbers of the frames a channel receives, checking each. */
    static final class Sink extends SimpleChannelInboundHandler<Object> {
        final List<Integer> seqs = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        final int size;

        Sink(int size) {
            this.size = size;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            ByteBuf content = msg instanceof RawPacket p ? p.content() : ((CapturedFrame) msg).content();
            try {
                seqs.add(check(content, size));
            } catch (Throwable t) {
                failed.compareAndSet(null, t);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failed.compareAndSet(null, cause);
        }

        void assertInOrder(int count) {
            assertNull(failed.get(), () -> "receiver failed: " + failed.get());
            assertEquals(count, seqs.size(), "frames received");
            for (int i = 0; i < count; i++) assertEquals(i, seqs.get(i), "frame " + i + " in order, once");
        }
    }

    @Test
    void etherTypeFramesArriveOnceInOrderAndOtherTypesAreFiltered() throws Exception {
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            byte[] mac = Interfaces.hardwareAddress("va");
            RawChannel tx = RawChannel.packet("va", ETHERTYPE);
            RawChannel rx = filtered("vb", "ether proto 0x88b5");
            CaptureChannel cap = CaptureChannel.open("vb", Capture.Options.defaults().filter("ether proto 0x88b5"));
            Sink got = new Sink(64), captured = new Sink(64);
            rx.pipeline().addLast(got);
            cap.pipeline().addLast(captured);
            group.register(tx).sync();
            group.register(rx).sync();
            group.register(cap).sync();
            try {
                int n = 1000;
                for (int i = 0; i < n; i++) {
                    tx.write(frame(tx.alloc().buffer(64), mac, OTHER, i, 64));
                    tx.write(frame(tx.alloc().buffer(64), mac, ETHERTYPE, i, 64));
                    if (i % 100 == 99) {
                        tx.flush();
                        int sent = i + 1;
                        await(30, () -> got.seqs.size() >= sent || got.failed.get() != null, "frames up to " + sent);
                    }
                }
                await(30, () -> captured.seqs.size() >= n || captured.failed.get() != null, "the capture channel's " + n + " frames");
                got.assertInOrder(n);
                captured.assertInOrder(n);
            } finally {
                tx.close().sync();
                rx.close().sync();
                cap.close().sync();
            }
            assertFalse(cap.capture().isOpen());
            return null;
        });
    }

    @Test
    void hundredThousandPacedFramesNoneLostOrDuplicated() throws Exception {
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            byte[] mac = Interfaces.hardwareAddress("va");
            RawChannel tx = RawChannel.packet("va", ETHERTYPE);
            RawChannel rx = filtered("vb", "ether proto 0x88b5");
            Sink got = new Sink(60);
            rx.pipeline().addLast(got);
            group.register(tx).sync();
            group.register(rx).sync();
            // PARANOID records a stack trace at every buffer access: over 100,000 frames that alone takes
            // minutes here; SIMPLE still samples buffers for leaks (the lifecycle tests run at PARANOID)
            ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            try {
                int n = 100_000, window = 2000;   // well inside the receiver's 4 MiB buffer
                for (int start = 0; start < n; start += window) {
                    int end = Math.min(n, start + window), from = start;
                    tx.eventLoop().submit(() -> {
                        for (int i = from; i < end; i++) tx.write(frame(tx.alloc().buffer(60), mac, ETHERTYPE, i, 60));
                        tx.flush();
                    }).sync();
                    await(30, () -> got.seqs.size() >= end || got.failed.get() != null, "frames up to " + end);
                }
                got.assertInOrder(n);
            } finally {
                ResourceLeakDetector.setLevel(level);
                tx.close().sync();
                rx.close().sync();
            }
            return null;
        });
    }

    @Test
    void tbfQdiscMakesTheWriterWaitAndNothingIsLost() throws Exception {
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            // a veth has no queue, so sends never see EAGAIN; a token bucket holds frames back until the
            // socket's send buffer is full (its limit is above the send buffer, so it never drops)
            tc("qdisc", "add", "dev", "va", "root", "tbf", "rate", "40mbit", "burst", "16kb", "limit", "20mb");
            byte[] mac = Interfaces.hardwareAddress("va");
            RawChannel tx = RawChannel.packet("va", ETHERTYPE);
            tx.config().setOption(ChannelOption.SO_SNDBUF, 64 * 1024);
            tx.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 128 * 1024));
            RawChannel rx = filtered("vb", "ether proto 0x88b5");
            int size = 1000, n = 3000;   // 3 MB: about 0.6 s at 40 Mbit/s
            Sink got = new Sink(size);
            rx.pipeline().addLast(got);
            AtomicInteger unwritable = new AtomicInteger(), writableAgain = new AtomicInteger(), failedWrites = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            CompletableFuture<Void> allWritten = new CompletableFuture<>();
            tx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                void writeWhileWritable(ChannelHandlerContext ctx) {
                    while (written.get() < n && ctx.channel().isWritable()) {
                        int seq = written.getAndIncrement();
                        ctx.write(frame(ctx.alloc().buffer(size), mac, ETHERTYPE, seq, size)).addListener(f -> {
                            if (!f.isSuccess()) failedWrites.incrementAndGet();
                        });
                    }
                    ctx.flush();
                    if (written.get() == n) allWritten.complete(null);
                }

                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    ctx.fireChannelActive();
                    writeWhileWritable(ctx);
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    if (ctx.channel().isWritable()) {
                        writableAgain.incrementAndGet();
                        writeWhileWritable(ctx);
                    } else {
                        unwritable.incrementAndGet();
                    }
                    ctx.fireChannelWritabilityChanged();
                }
            });
            group.register(rx).sync();
            group.register(tx).sync();
            try {
                allWritten.get(60, TimeUnit.SECONDS);
                await(60, () -> got.seqs.size() >= n || got.failed.get() != null, n + " frames through the token bucket");
                got.assertInOrder(n);
                assertEquals(0, failedWrites.get(), "no write failed");
                assertTrue(unwritable.get() > 0, "the writer saw isWritable() false");
                assertTrue(writableAgain.get() > 0, "and true again");
            } finally {
                tx.close().sync();
                rx.close().sync();
            }
            return null;
        });
    }
}
