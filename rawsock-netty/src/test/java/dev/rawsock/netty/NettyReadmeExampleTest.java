package dev.rawsock.netty;

import dev.rawsock.Domain;
import dev.rawsock.Interfaces;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.BpfProgram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.rawsock.netty.NettyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The README's Netty examples, verbatim between the markers, run in a test-made namespace. */
class NettyReadmeExampleTest {
    @Test
    void etherTypeFramesInAPipelineAndAnIcmpEcho() throws Exception {
        init();
        assumeTrue(privileged(), NEEDS_ROOT);
        inVethNetns(() -> {
            netnsSysctl("net/ipv4/ping_group_range", "0 2147483647");
            List<String> received = new CopyOnWriteArrayList<>(), replies = new CopyOnWriteArrayList<>();
            String ifname = "va";
            // the far end of the wire, bound before the example sends, so it queues every frame
            RawChannel far = RawChannel.packet("vb", 0x88B5);
            List<String> farGot = new CopyOnWriteArrayList<>();
            // ---- README: EtherType frames
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
            // protocol 0: the socket sees nothing until the filter is in place and it is bound
            RawSocket socket = RawSocket.open(Domain.PACKET, SocketType.RAW, Protocol.ethernet(0));
            RawChannel channel = new RawChannel(socket);
            channel.config().setFilter(BpfProgram.compile("ether proto 0x88b5"));
            socket.bind(SockAddr.packet(Rawsock.ifNameIndex(ifname), 0x0003));   // ETH_P_ALL on ifname
            channel.pipeline().addLast(new SimpleChannelInboundHandler<RawPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, RawPacket frame) {
                    ByteBuf f = frame.content();   // destination, source, 0x88b5, payload
                    received.add(f.toString(14, f.readableBytes() - 14, StandardCharsets.US_ASCII));
                }
            });
            group.register(channel).sync();
            byte[] broadcast = {-1, -1, -1, -1, -1, -1};
            ByteBuf out = channel.alloc().buffer()
                    .writeBytes(broadcast).writeBytes(Interfaces.hardwareAddress(ifname)).writeShort(0x88B5)
                    .writeBytes("hello, plc".getBytes(StandardCharsets.US_ASCII));
            channel.writeAndFlush(out);   // a bare ByteBuf leaves on the interface the socket is bound to
            // ---- end
            // ---- README: ICMP echo
            RawChannel ping = RawChannel.ping(false);
            ping.pipeline().addLast(new SimpleChannelInboundHandler<RawPacket>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, RawPacket reply) {
                    ByteBuf icmp = reply.content();   // type 0 (echo reply), code, checksum, id, sequence, data
                    replies.add(reply.sender().inetAddress() + " seq=" + icmp.getUnsignedShort(6));
                }
            });
            group.register(ping).sync();
            ByteBuf request = Unpooled.buffer().writeByte(8).writeByte(0).writeShort(0).writeShort(0).writeShort(1)
                    .writeBytes("ping".getBytes(StandardCharsets.US_ASCII));
            ping.writeAndFlush(new RawPacket(request, SockAddr.inet(InetAddress.getLoopbackAddress(), 0)));
            // ---- end
            try {
                // the frame the example sent on va arrives at vb; frames sent into va from vb reach the example
                far.pipeline().addLast(new SimpleChannelInboundHandler<RawPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, RawPacket frame) {
                        ByteBuf f = frame.content();
                        farGot.add(f.toString(14, f.readableBytes() - 14, StandardCharsets.US_ASCII));
                    }
                });
                group.register(far).sync();
                byte[] vb = Interfaces.hardwareAddress("vb");
                far.writeAndFlush(far.alloc().buffer().writeBytes(broadcast).writeBytes(vb).writeShort(0x88B6)
                        .writeBytes("filtered".getBytes(StandardCharsets.US_ASCII))).sync();
                far.writeAndFlush(far.alloc().buffer().writeBytes(broadcast).writeBytes(vb).writeShort(0x88B5)
                        .writeBytes("from vb".getBytes(StandardCharsets.US_ASCII))).sync();
                channel.writeAndFlush(channel.alloc().buffer().writeBytes(broadcast).writeBytes(Interfaces.hardwareAddress(ifname))
                        .writeShort(0x88B5).writeBytes("again".getBytes(StandardCharsets.US_ASCII))).sync();
                await(20, () -> received.size() >= 1 && farGot.size() >= 2 && replies.size() >= 1,
                        () -> "frames and the echo reply: " + received + " " + farGot + " " + replies);
                assertEquals(List.of("from vb"), received, "only the 0x88b5 frame passed the filter");
                assertEquals(List.of("hello, plc", "again"), farGot);
                assertEquals(List.of("/127.0.0.1 seq=1"), replies);
                far.close().sync();
            } finally {
                channel.close().sync();
                ping.close().sync();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
            return null;
        });
    }
}
