package dev.rawsock.bench;

import dev.rawsock.DatagramBatch;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.netty.RawChannel;
import dev.rawsock.netty.RawPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code netty-udp-echo}: the same echo pipeline (write each datagram back to its sender, flush when
 * the read is complete) on one Netty 4.2 epoll loop, over a {@link RawChannel} on a UDP socket
 * ({@code rawsock}) and over Netty's own {@link EpollDatagramChannel} ({@code nettyEpoll}). One
 * invocation: the client sends 32 datagrams of 64 bytes with one sendmmsg and takes the 32 echoes
 * back; scored per datagram echoed. The client is the same in both, so the ratio compares the
 * servers.
 */
public class NettyUdpEcho {
    static final int SIZE = 64, WINDOW = 32;
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** Echoes every datagram to its sender, whichever channel it came from. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof RawPacket p) ctx.write(new RawPacket(p.content(), p.sender()));
            else {
                DatagramPacket d = (DatagramPacket) msg;
                ctx.write(new DatagramPacket(d.content(), d.sender()));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** One loop, one echo server, one client socket. */
    public abstract static class Server {
        EventLoopGroup group;
        Channel server;
        RawSocket client;
        DatagramBatch out, in;

        abstract Channel start(EventLoopGroup group) throws Exception;

        abstract SockAddr address();

        @Setup
        public void setup() throws Exception {
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            server = start(group);
            client = UdpLoopback.loopbackPair()[0];
            // a lost datagram would otherwise wait forever; with 32 in flight on loopback none is lost
            client.timeout(Duration.ofSeconds(5));
            out = DatagramBatch.allocate(WINDOW, SIZE);
            in = DatagramBatch.allocate(WINDOW, SIZE);
            byte[] payload = new byte[SIZE];
            java.util.Arrays.fill(payload, (byte) 'e');
            for (int i = 0; i < WINDOW; i++) {
                out.put(i, payload);
                out.setAddress(i, address());
            }
        }

        @TearDown
        public void tearDown() throws Exception {
            server.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            client.close();
            out.close();
            in.close();
        }
    }

    @State(Scope.Thread)
    public static class Raw extends Server {
        @Override
        Channel start(EventLoopGroup group) throws Exception {
            RawChannel ch = RawChannel.udp(LO, 0);
            ch.pipeline().addLast(new Echo());
            group.register(ch).sync();
            return ch;
        }

        @Override
        SockAddr address() {
            return ((RawChannel) server).localAddress();
        }
    }

    @State(Scope.Thread)
    public static class Netty extends Server {
        @Override
        Channel start(EventLoopGroup group) throws Exception {
            return new Bootstrap().group(group).channel(EpollDatagramChannel.class).handler(new Echo()).bind(LO, 0).sync().channel();
        }

        @Override
        SockAddr address() {
            return SockAddr.from((InetSocketAddress) server.localAddress());
        }
    }

    static int roundTrip(Server s) throws IOException {
        int sent = s.client.send(s.out, WINDOW);
        if (sent != WINDOW) throw new IllegalStateException("sendmmsg sent " + sent + " of " + WINDOW);
        int got = 0;
        while (got < WINDOW) got += s.client.recv(s.in);
        return got;
    }

    /** Echoed by a RawChannel on a UDP socket. */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int rawsock(Raw s) throws IOException {
        return roundTrip(s);
    }

    /** Echoed by Netty's own EpollDatagramChannel. */
    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int nettyEpoll(Netty s) throws IOException {
        return roundTrip(s);
    }
}
