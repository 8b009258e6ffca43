package dev.rawsock.netty;

import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CapturedPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only Netty channel over a {@link Capture}: when the capture's socket is readable the loop
 * walks the {@code TPACKET_V3} ring (or takes the queued packets, where the kernel gave no ring)
 * without waiting, and fires each frame into the pipeline as a {@link CapturedFrame}, up to
 * {@code MAX_MESSAGES_PER_READ} per readiness. Filters, snaplen and promiscuous mode are the
 * capture's {@link Capture.Options}. Writes fail: send through a {@link RawChannel}.
 *
 * <pre>{@code
 * CaptureChannel ch = CaptureChannel.open("eth0", Capture.Options.defaults().filter("ether proto 0x88b5"));
 * ch.pipeline().addLast(handler);   // receives CapturedFrame
 * group.register(ch).sync();
 * }</pre>
 *
 * Closing the channel cancels its registration on the loop, then closes the capture.
 */
public final class CaptureChannel extends AbstractRawChannel {
    private final Capture capture;
    private final DefaultChannelConfig config;
    private final List<CapturedFrame> taken = new ArrayList<>();

    /**
     * A channel over {@code capture}; the channel owns it from now on.
     *
     * @param capture an open capture
     * @throws IllegalArgumentException if it is closed
     */
    public CaptureChannel(Capture capture) {
        super(capture.fd(), capture::isOpen, 64);
        if (!capture.isOpen()) throw new IllegalArgumentException("capture is closed");
        this.capture = capture;
        this.config = new DefaultChannelConfig(this);
    }

    /**
     * {@return a channel over a new capture on {@code ifname}}
     *
     * @param ifname the interface; null for all of them
     * @param options how to capture (filter, snaplen, ring, ...)
     * @throws IOException when the capture cannot be opened (EPERM without CAP_NET_RAW)
     */
    public static CaptureChannel open(String ifname, Capture.Options options) throws IOException {
        return new CaptureChannel(Capture.open(ifname, options));
    }

    /** {@return the capture under this channel; the channel owns it} */
    public Capture capture() {
        return capture;
    }

    /** {@return the channel's configuration (Netty's defaults)} */
    @Override
    public ChannelConfig config() {
        return config;
    }

    /** {@return whether the capture is open} */
    @Override
    public boolean isOpen() {
        return capture.isOpen();
    }

    /** {@return whether the capture is open} */
    @Override
    public boolean isActive() {
        return capture.isOpen();
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a capture is bound when opened");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        UnsupportedOperationException e = new UnsupportedOperationException("a capture channel does not send");
        while (in.current() != null) in.remove(e);
    }

    @Override
    void closeOwner() throws Exception {
        capture.close();
    }

    @Override
    protected RawUnsafe newUnsafe() {
        return new RawUnsafe();
    }

    @Override
    void readReady() {
        RecvByteBufAllocator.ExtendedHandle alloc = (RecvByteBufAllocator.ExtendedHandle) unsafe().recvBufAllocHandle();
        alloc.reset(config);
        ChannelPipeline pipeline = pipeline();
        int max = maxMessagesPerRead(config);
        Throwable failure = null;
        try {
            // frames are copied out while the ring is held, and fired after: a handler may close the channel
            capture.drainReady(max, p -> taken.add(frame(p)));
        } catch (Throwable t) {
            failure = t;
        }
        for (CapturedFrame f : taken) {
            alloc.lastBytesRead(f.content().readableBytes());
            alloc.incMessagesRead(1);
            readPending = false;
            pipeline.fireChannelRead(f);
        }
        int n = taken.size();
        taken.clear();
        alloc.readComplete();
        if (n > 0) pipeline.fireChannelReadComplete();
        if (failure != null) {
            if (!capture.isOpen()) {
                unsafe().close(unsafe().voidPromise());
                return;
            }
            pipeline.fireExceptionCaught(failure);
        }
        // a full read may leave frames in a block the kernel already handed over: look again soon
        if (n == max && capture.isOpen()) eventLoop().execute(() -> {
            if (isOpen() && (readPending || config.isAutoRead())) readReady();
        });
        afterRead();
    }

    private CapturedFrame frame(CapturedPacket p) {
        ByteBuffer data = p.data();
        ByteBuf buf = config.getAllocator().directBuffer(data.remaining());
        buf.writeBytes(data);
        return new CapturedFrame(buf, p.timestampNanos(), p.wireLength(), p.ifindex(), p.packetType(), p.hardwareType(),
                p.vlanTci().orElse(-1));
    }
}
