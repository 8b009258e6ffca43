package dev.rawsock.netty;

import dev.rawsock.capture.CapturedPacket;
import dev.rawsock.packet.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

import java.nio.ByteBuffer;

/**
 * A frame a {@link CaptureChannel} took from the capture ring, with its metadata: a copy of the
 * captured bytes in a {@link ByteBuf} (valid until released, unlike the ring's view) and what
 * {@link CapturedPacket} tells about it. A {@link Frame}, so it goes to a pcap writer as it is.
 */
public final class CapturedFrame extends DefaultByteBufHolder implements Frame {
    private final long timestampNanos;
    private final int wireLength, ifindex, packetType, hardwareType, vlanTci;

    /**
     * A frame with its metadata.
     *
     * @param data the captured bytes; the frame owns this reference
     * @param timestampNanos when it was captured, nanoseconds since the epoch
     * @param wireLength its length on the wire (the data may be shorter: snaplen)
     * @param ifindex the interface it was seen on
     * @param packetType its {@code PACKET_*} type (0 host, 4 outgoing, ...)
     * @param hardwareType the interface's {@code ARPHRD_*} type
     * @param vlanTci the VLAN tag's TCI the kernel took off, or -1
     */
    public CapturedFrame(ByteBuf data, long timestampNanos, int wireLength, int ifindex, int packetType, int hardwareType,
                         int vlanTci) {
        super(data);
        this.timestampNanos = timestampNanos;
        this.wireLength = wireLength;
        this.ifindex = ifindex;
        this.packetType = packetType;
        this.hardwareType = hardwareType;
        this.vlanTci = vlanTci;
    }

    /** {@return when the frame was captured, nanoseconds since the epoch} */
    @Override
    public long timestampNanos() {
        return timestampNanos;
    }

    /** {@return the frame's length on the wire} */
    @Override
    public int wireLength() {
        return wireLength;
    }

    /** {@return the captured bytes as a new buffer over the content (position 0 to its length)} */
    @Override
    public ByteBuffer data() {
        return content().nioBuffer();
    }

    /** {@return the index of the interface the frame was seen on} */
    public int ifindex() {
        return ifindex;
    }

    /** {@return the frame's {@code PACKET_*} type (0 PACKET_HOST ... 4 PACKET_OUTGOING)} */
    public int packetType() {
        return packetType;
    }

    /** {@return the interface's {@code ARPHRD_*} hardware type} */
    public int hardwareType() {
        return hardwareType;
    }

    /** {@return the TCI of the VLAN tag the kernel took off (already put back in the data), or -1 for none} */
    public int vlanTci() {
        return vlanTci;
    }

    /**
     * {@return a frame with {@code content} and this frame's metadata}
     *
     * @param content the new content
     */
    @Override
    public CapturedFrame replace(ByteBuf content) {
        return new CapturedFrame(content, timestampNanos, wireLength, ifindex, packetType, hardwareType, vlanTci);
    }

    /** {@return a frame with a deep copy of the content} */
    @Override
    public CapturedFrame copy() {
        return (CapturedFrame) super.copy();
    }

    /** {@return a frame sharing the content} */
    @Override
    public CapturedFrame duplicate() {
        return (CapturedFrame) super.duplicate();
    }

    /** {@return a frame sharing the content, with a new reference} */
    @Override
    public CapturedFrame retainedDuplicate() {
        return (CapturedFrame) super.retainedDuplicate();
    }

    /** {@return this frame, its reference count raised by one} */
    @Override
    public CapturedFrame retain() {
        super.retain();
        return this;
    }

    /**
     * {@return this frame, its reference count raised by {@code increment}}
     *
     * @param increment how much to add
     */
    @Override
    public CapturedFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    /** {@return this frame, access recorded for leak reports} */
    @Override
    public CapturedFrame touch() {
        super.touch();
        return this;
    }

    /**
     * {@return this frame, access recorded for leak reports with a hint}
     *
     * @param hint what to record
     */
    @Override
    public CapturedFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
