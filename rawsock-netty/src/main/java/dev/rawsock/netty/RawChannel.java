package dev.rawsock.netty;

import dev.rawsock.DatagramBatch;
import dev.rawsock.Domain;
import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollIoOps;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * A Netty {@link io.netty.channel.Channel} over a datagram-like {@link RawSocket}: {@code AF_PACKET}
 * ({@code SOCK_RAW} frames or {@code SOCK_DGRAM} payloads), {@code AF_INET}/{@code AF_INET6}
 * {@code SOCK_RAW} for any protocol (with or without {@code IP_HDRINCL}), ICMP ping sockets and
 * plain UDP. It runs on Netty 4.2's epoll loop, beside Netty's own channels:
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory());
 * RawChannel ch = RawChannel.packet("eth0", 0x88B5);
 * ch.pipeline().addLast(handler);
 * group.register(ch).sync();
 * }</pre>
 *
 * <p>Inbound messages are {@link RawPacket}s with the sender set. Outbound it takes a
 * {@link RawPacket} (or any {@link AddressedEnvelope} of a {@link ByteBuf} whose recipient is a
 * {@link SockAddr} or an {@link java.net.InetSocketAddress}), or a bare {@link ByteBuf} on a connected
 * socket or a packet socket bound to an interface. Reads drain the socket with {@code recvmmsg(2)}, up
 * to the channel's {@code MAX_MESSAGES_PER_READ}, into buffers from its {@code RecvByteBufAllocator};
 * a flush of several packets is one {@code sendmmsg(2)}. When the kernel takes no more, the channel
 * waits for {@code EPOLLOUT} and keeps what is unsent in its outbound buffer, so the write-buffer
 * watermarks turn {@link #isWritable()} false and true again and nothing written is lost.
 *
 * <p>The socket belongs to the channel: closing the channel (from any thread) cancels its epoll
 * registration on the loop and then closes the socket, so the loop never touches a reused fd
 * number. Close the channel, not the socket: the kernel drops a closed fd from the epoll set
 * silently, so a socket closed underneath an idle channel is only noticed at its next read.
 * Options: {@link RawChannelConfig}.
 */
public final class RawChannel extends AbstractRawChannel {
    /** Largest datagram a write batch slot holds; a longer one is sent alone, without a copy. */
    private static final int WRITE_SLOT = 2048;

    private final RawSocket socket;
    private final RawChannelConfig config;
    private volatile SockAddr local;
    private volatile SockAddr remote;
    private DatagramBatch readBatch, writeBatch;

    /**
     * A channel over {@code socket}, which the caller opened (and bound or connected as needed); the
     * channel owns it from now on.
     *
     * @param socket an open socket of a datagram kind
     * @throws IllegalArgumentException if the socket is closed
     */
    public RawChannel(RawSocket socket) {
        super(socket.fd(), socket::isOpen, 16);
        if (!socket.isOpen()) throw new IllegalArgumentException("socket is closed");
        this.socket = socket;
        this.config = new RawChannelConfig(this, socket);
        this.local = addressOrNull(true);
        this.remote = addressOrNull(false);
    }

    // ================================================================ factories

    /**
     * {@return a channel on an {@code AF_PACKET SOCK_RAW} socket bound to interface {@code ifname}
     * and {@code ethertype}: whole Ethernet frames, sent as given} A bare {@link ByteBuf} goes out
     * on that interface.
     *
     * @param ifname the interface, e.g. {@code "eth0"}
     * @param ethertype the EtherType received ({@code 0x0003} ETH_P_ALL for every frame)
     * @throws IOException when the socket cannot be opened or bound (EPERM without CAP_NET_RAW)
     */
    public static RawChannel packet(String ifname, int ethertype) throws IOException {
        return packetSocket(SocketType.RAW, ifname, ethertype);
    }

    /**
     * {@return a channel on an {@code AF_PACKET SOCK_DGRAM} socket bound to {@code ifname} and
     * {@code ethertype}: payloads without the link header (the kernel builds it from the recipient's
     * {@code sockaddr_ll})}
     *
     * @param ifname the interface
     * @param ethertype the EtherType received and sent
     * @throws IOException when the socket cannot be opened or bound
     */
    public static RawChannel cookedPacket(String ifname, int ethertype) throws IOException {
        return packetSocket(SocketType.DGRAM, ifname, ethertype);
    }

    private static RawChannel packetSocket(SocketType type, String ifname, int ethertype) throws IOException {
        if (ethertype < 0 || ethertype > 0xFFFF) throw new IllegalArgumentException("ethertype must be 0..0xFFFF: " + ethertype);
        int ifindex = Rawsock.ifNameIndex(ifname);
        RawSocket s = RawSocket.open(Domain.PACKET, type, Protocol.ethernet(ethertype));
        return bound(s, SockAddr.packet(ifindex, ethertype));
    }

    /**
     * {@return a channel on an {@code AF_INET SOCK_RAW} socket of {@code protocol}} With
     * {@code headerIncluded} ({@code IP_HDRINCL}) the packets sent carry their own IPv4 header;
     * received packets always start with the IPv4 header.
     *
     * @param protocol the IP protocol, e.g. {@link Protocol#ICMP}, or {@link Protocol#RAW}
     * @param headerIncluded whether sent packets include the IPv4 header
     * @throws IOException when the socket cannot be opened (EPERM without CAP_NET_RAW)
     */
    public static RawChannel ipv4(Protocol protocol, boolean headerIncluded) throws IOException {
        RawSocket s = RawSocket.open(Domain.INET, SocketType.RAW, protocol);
        try {
            if (headerIncluded) s.setOption(SockOpt.IP_HDRINCL, true);
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
        return new RawChannel(s);
    }

    /**
     * {@return a channel on an {@code AF_INET6 SOCK_RAW} socket of {@code protocol}: payloads after
     * the IPv6 header, both ways}
     *
     * @param protocol the next-header value, e.g. {@link Protocol#ICMPV6}
     * @throws IOException when the socket cannot be opened
     */
    public static RawChannel ipv6(Protocol protocol) throws IOException {
        return new RawChannel(RawSocket.open(Domain.INET6, SocketType.RAW, protocol));
    }

    /**
     * {@return a channel on an ICMP ping socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP} or
     * {@code IPPROTO_ICMPV6}): echo requests out, echo replies in, no privilege needed where
     * {@code net.ipv4.ping_group_range} allows it} The kernel sets the identifier and the checksum.
     *
     * @param ipv6 whether ICMPv6
     * @throws IOException when the socket cannot be opened (EACCES outside the ping group range)
     */
    public static RawChannel ping(boolean ipv6) throws IOException {
        return new RawChannel(ipv6 ? RawSocket.open(Domain.INET6, SocketType.DGRAM, Protocol.ICMPV6)
                : RawSocket.open(Domain.INET, SocketType.DGRAM, Protocol.ICMP));
    }

    /**
     * {@return a channel on a UDP socket bound to {@code address} and {@code port} (0: any)}
     *
     * @param address the local address
     * @param port the local port, 0 for one the kernel picks
     * @throws IOException when the socket cannot be opened or bound
     */
    public static RawChannel udp(InetAddress address, int port) throws IOException {
        RawSocket s = RawSocket.open(address instanceof java.net.Inet6Address ? Domain.INET6 : Domain.INET, SocketType.DGRAM);
        return bound(s, SockAddr.inet(address, port));
    }

    private static RawChannel bound(RawSocket s, SockAddr at) throws IOException {
        try {
            s.bind(at);
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
        return new RawChannel(s);
    }

    // ================================================================ channel

    /** {@return the socket under this channel; the channel owns it} */
    public RawSocket socket() {
        return socket;
    }

    /** {@return the channel's configuration} */
    @Override
    public RawChannelConfig config() {
        return config;
    }

    /** {@return whether the socket is open} */
    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** {@return whether the socket is open: a raw socket is usable from the start} */
    @Override
    public boolean isActive() {
        return socket.isOpen();
    }

    /** {@return the local address ({@code getsockname(2)}), or null when it has none} */
    @Override
    public SockAddr localAddress() {
        return (SockAddr) super.localAddress();
    }

    /** {@return the connected peer ({@code getpeername(2)}), or null} */
    @Override
    public SockAddr remoteAddress() {
        return (SockAddr) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    private SockAddr addressOrNull(boolean localSide) {
        try {
            SockAddr a = localSide ? socket.localAddress() : socket.peerAddress();
            return a.size() <= 2 ? null : a;
        } catch (ErrnoException e) {
            return null;
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(SockAddr.from(localAddress));
        local = addressOrNull(true);
    }

    @Override
    void doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) doBind(localAddress);
        socket.connect(SockAddr.from(remoteAddress));
        remote = addressOrNull(false);
        local = addressOrNull(true);
    }

    @Override
    void closeOwner() throws Exception {
        try {
            socket.close();
        } finally {
            if (readBatch != null) readBatch.close();
            if (writeBatch != null) writeBatch.close();
        }
    }

    @Override
    protected RawUnsafe newUnsafe() {
        return new RawUnsafe();
    }

    // ================================================================ reading

    @Override
    void readReady() {
        RecvByteBufAllocator.ExtendedHandle alloc = (RecvByteBufAllocator.ExtendedHandle) unsafe().recvBufAllocHandle();
        alloc.reset(config);
        ChannelPipeline pipeline = pipeline();
        int max = maxMessagesPerRead(config);
        Throwable failure = null;
        int total = 0;
        try {
            int slot = Math.max(alloc.guess(), 64);
            DatagramBatch b = readBatch;
            if (b == null || b.bufferSize() < slot || b.count() != config.getBatchSize()) {
                if (b != null) b.close();
                readBatch = b = DatagramBatch.allocate(config.getBatchSize(), slot);
            }
            while (total < max && socket.isOpen()) {
                int want = Math.min(b.count(), max - total);
                int r = socket.tryRecv(b, want);
                if (r == RawSocket.WOULD_BLOCK) break;
                for (int i = 0; i < r; i++) {
                    int len = Math.min(b.length(i), b.bufferSize());
                    ByteBuf buf = alloc.allocate(config.getAllocator());
                    try {
                        buf.ensureWritable(len);
                        int w = buf.writerIndex();
                        ByteBuffer into = buf.nioBufferCount() == 1 ? buf.internalNioBuffer(w, len) : buf.nioBuffer(w, len);
                        MemorySegment.copy(b.data(i), 0, MemorySegment.ofBuffer(into), 0, len);
                        buf.writerIndex(w + len);
                    } catch (Throwable t) {
                        buf.release();
                        throw t;
                    }
                    alloc.lastBytesRead(len);
                    alloc.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(new RawPacket(buf, local, b.address(i)));
                }
                total += r;
                if (r < want) break;
            }
        } catch (Throwable t) {
            failure = t;
        }
        alloc.readComplete();
        if (total > 0) pipeline.fireChannelReadComplete();
        if (failure != null) {
            if (!socket.isOpen() || failure instanceof ErrnoException e && e.is(Errno.EBADF)) {
                unsafe().close(unsafe().voidPromise());
                return;
            }
            pipeline.fireExceptionCaught(failure);
        }
        afterRead();
    }

    // ================================================================ writing

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof RawPacket || msg instanceof ByteBuf) return msg;
        if (msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf content) {
            SocketAddress to = e.recipient();
            return new RawPacket(content, to == null ? null : SockAddr.from(to));
        }
        throw new UnsupportedOperationException("RawChannel writes RawPacket, AddressedEnvelope<ByteBuf, ?> or ByteBuf, not "
                + (msg == null ? "null" : msg.getClass().getName()));
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        while (true) {
            Object first = in.current();
            if (first == null) {
                clearFlag(EpollIoOps.EPOLLOUT);
                return;
            }
            int sent;
            try {
                sent = sendSome(in);
            } catch (ErrnoException e) {
                if (!socket.isOpen()) throw new ClosedChannelException();
                in.remove(e);  // the kernel refused the first packet (EMSGSIZE, ENETUNREACH, ...): fail only it
                continue;
            }
            if (sent == RawSocket.WOULD_BLOCK) {
                setFlag(EpollIoOps.EPOLLOUT);
                return;
            }
            for (int i = 0; i < sent; i++) in.remove();
        }
    }

    /** Sends from the head of {@code in}: one packet alone, or up to a batch with one sendmmsg; how many went, or WOULD_BLOCK. */
    private int sendSome(ChannelOutboundBuffer in) throws Exception {
        int n = countBatchable(in);
        if (n <= 1) {
            Object msg = in.current();
            ByteBuf data = content(msg);
            ByteBuffer nio = data.nioBufferCount() == 1 ? data.internalNioBuffer(data.readerIndex(), data.readableBytes())
                    : data.nioBuffer();
            return socket.trySend(nio, recipient(msg)) == RawSocket.WOULD_BLOCK ? RawSocket.WOULD_BLOCK : 1;
        }
        DatagramBatch b = writeBatch;
        if (b == null || b.count() != config.getBatchSize()) {
            if (b != null) b.close();
            writeBatch = b = DatagramBatch.allocate(config.getBatchSize(), WRITE_SLOT);
        }
        DatagramBatch batch = b;
        int[] i = {0};
        in.forEachFlushedMessage(msg -> {
            if (i[0] == n) return false;
            ByteBuf data = content(msg);
            batch.put(i[0], data.nioBufferCount() == 1 ? data.internalNioBuffer(data.readerIndex(), data.readableBytes())
                    : data.nioBuffer());
            batch.setAddress(i[0], recipient(msg));
            i[0]++;
            return true;
        });
        return socket.trySend(batch, n);
    }

    /** How many flushed packets from the head fit one sendmmsg (each at most a write slot). */
    private int countBatchable(ChannelOutboundBuffer in) throws Exception {
        int limit = Math.min(config.getBatchSize(), in.size());
        if (limit <= 1) return limit;
        int[] n = {0};
        in.forEachFlushedMessage(msg -> {
            if (n[0] == limit || content(msg).readableBytes() > WRITE_SLOT) return false;
            n[0]++;
            return true;
        });
        return n[0];
    }

    private static ByteBuf content(Object msg) {
        return msg instanceof RawPacket p ? p.content() : (ByteBuf) msg;
    }

    private static SockAddr recipient(Object msg) {
        return msg instanceof RawPacket p ? p.recipient() : null;
    }
}
