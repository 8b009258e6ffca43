package dev.rawsock.netty;

import dev.rawsock.Protocol;
import dev.rawsock.SockAddr;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.rawsock.netty.NettyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** RawChannel on loopback and in a private namespace: UDP beside Netty's own channel, ping sockets, IP_HDRINCL. */
class RawChannelTest {
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

    /** Echoes every packet to its sender. */
    static final class Echo extends SimpleChannelInboundHandler<RawPacket> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RawPacket p) {
            ctx.write(new RawPacket(p.content(), p.sender()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ERRORS.add(cause);
        }
    }

    static final BlockingQueue<Throwable> ERRORS = new LinkedBlockingQueue<>();

    @Test
    void udpEchoBesideEpollDatagramChannelOnOneLoop() throws Exception {
        RawChannel raw = RawChannel.udp(LO, 0);
        raw.pipeline().addLast(new Echo());
        group.register(raw).sync();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Channel netty = new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        got.add(p.content().toString(StandardCharsets.US_ASCII));
                    }
                }).bind(LO, 0).sync().channel();
        try {
            assertSame(raw.eventLoop(), netty.eventLoop(), "one loop serves both");
            // Netty's common option and the same socket option through RawChannelOption read the same value
            raw.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20);
            assertEquals(raw.config().getOption(ChannelOption.SO_RCVBUF),
                    raw.config().getOption(RawChannelOption.of(dev.rawsock.SockOpt.SO_RCVBUF)));
            assertSame(RawChannelOption.of(dev.rawsock.SockOpt.SO_RCVBUF), RawChannelOption.of(dev.rawsock.SockOpt.SO_RCVBUF));
            assertTrue(raw.config().getOption(ChannelOption.SO_RCVBUF) >= 1 << 20, "the kernel doubles what it is given");
            SockAddr at = raw.localAddress();
            assertEquals(at.port(), ((InetSocketAddress) raw.localAddress().toSocketAddress()).getPort());
            InetSocketAddress to = (InetSocketAddress) at.toSocketAddress();
            int n = 1000;
            for (int i = 0; i < n; i++) {
                netty.write(new DatagramPacket(Unpooled.copiedBuffer("m" + i, StandardCharsets.US_ASCII), to));
                if (i % 50 == 49) {
                    // paced: a window of 50 at a time, so no socket queue on loopback overflows
                    netty.flush();
                    int sent = i + 1;
                    await(30, () -> got.size() >= sent || !ERRORS.isEmpty(), sent + " echoes, got " + got.size());
                    assertNull(ERRORS.peek(), () -> "pipeline error: " + ERRORS.peek());
                }
            }
            java.util.Set<String> distinct = new java.util.HashSet<>(got);
            assertEquals(n, distinct.size());
            for (int i = 0; i < n; i++) assertTrue(distinct.contains("m" + i), "echo of m" + i);
        } finally {
            netty.close().sync();
            raw.close().sync();
        }
        assertFalse(raw.socket().isOpen(), "closing the channel closes the socket");
    }

    @Test
    void icmpEchoThroughPingSocketChannel() throws Exception {
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            netnsSysctl("net/ipv4/ping_group_range", "0 2147483647");
            RawChannel ping = RawChannel.ping(false);
            BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
            ping.pipeline().addLast(new SimpleChannelInboundHandler<RawPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, RawPacket p) {
                    byte[] b = new byte[p.content().readableBytes()];
                    p.content().getBytes(p.content().readerIndex(), b);
                    replies.add(b);
                    assertEquals(LO, p.sender().inetAddress());
                }
            });
            group.register(ping).sync();
            try {
                byte[] payload = "rawsock ping".getBytes(StandardCharsets.US_ASCII);
                ByteBuf req = Unpooled.buffer().writeByte(8).writeByte(0).writeShort(0).writeShort(0).writeShort(7).writeBytes(payload);
                ping.writeAndFlush(new RawPacket(req, SockAddr.inet(LO, 0))).sync();
                byte[] reply = replies.poll(10, TimeUnit.SECONDS);
                assertNotNull(reply, "no echo reply within 10 s");
                assertEquals(0, reply[0], "ICMP echo reply");
                assertEquals(7, ((reply[6] & 0xff) << 8) | (reply[7] & 0xff), "sequence number");
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(reply, 8, reply.length));
            } finally {
                ping.close().sync();
            }
            return null;
        });
    }

    @Test
    void rawIpv4WithHeaderIncluded() throws Exception {
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            Protocol experimental = new Protocol(253);
            RawChannel tx = RawChannel.ipv4(experimental, true);
            RawChannel rx = RawChannel.ipv4(experimental, false);
            BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
            rx.pipeline().addLast(new SimpleChannelInboundHandler<RawPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, RawPacket p) {
                    byte[] b = new byte[p.content().readableBytes()];
                    p.content().getBytes(p.content().readerIndex(), b);
                    got.add(b);
                }
            });
            group.register(tx).sync();
            group.register(rx).sync();
            try {
                assertEquals(Boolean.TRUE, tx.config().getOption(RawChannelOption.of(dev.rawsock.SockOpt.IP_HDRINCL)));
                byte[] payload = "header included".getBytes(StandardCharsets.US_ASCII);
                ByteBuf pkt = Unpooled.buffer()
                        .writeByte(0x45).writeByte(0).writeShort(20 + payload.length).writeShort(0x1234).writeShort(0)
                        .writeByte(17).writeByte(253).writeShort(0)   // ttl 17 marks our own header
                        .writeBytes(new byte[] {127, 0, 0, 1}).writeBytes(new byte[] {127, 0, 0, 1}).writeBytes(payload);
                tx.writeAndFlush(new RawPacket(pkt, SockAddr.inet(LO, 0))).sync();
                byte[] b = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(b, "nothing received within 10 s");
                assertEquals(0x45, b[0] & 0xff);
                assertEquals(17, b[8] & 0xff, "our TTL: the header was ours, not the kernel's");
                assertEquals(253, b[9] & 0xff);
                assertEquals(0x1234, ((b[4] & 0xff) << 8) | (b[5] & 0xff));
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(b, 20, b.length));
            } finally {
                tx.close().sync();
                rx.close().sync();
            }
            return null;
        });
    }
}
