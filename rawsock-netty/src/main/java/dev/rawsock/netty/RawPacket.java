package dev.rawsock.netty;

import dev.rawsock.Domain;
import dev.rawsock.SockAddr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.DefaultAddressedEnvelope;

/**
 * One datagram or frame in a {@link RawChannel}'s pipeline: its bytes and the {@link SockAddr} it goes
 * to or came from. A received packet has {@link #sender()} set (for {@code AF_PACKET} a
 * {@code sockaddr_ll}, whose {@link #ifindex()} and {@link #packetType()} tell where and how it came)
 * and the channel's local address as {@link #recipient()}; one to send needs only a recipient (null on
 * a connected socket, or a packet socket bound to an interface and protocol).
 *
 * <p>A {@link ByteBufHolder} like Netty's {@code DatagramPacket}, so write-buffer watermarks count its
 * bytes. Reference counted: whoever takes it from the pipeline releases it.
 */
public final class RawPacket extends DefaultAddressedEnvelope<ByteBuf, SockAddr> implements ByteBufHolder {

    /**
     * A packet to send.
     *
     * @param content the bytes; the packet owns this reference
     * @param recipient where to send it; null for the connected peer or a bound packet socket's default
     */
    public RawPacket(ByteBuf content, SockAddr recipient) {
        super(content, recipient, null);
    }

    /**
     * A packet with both ends, as a channel delivers them.
     *
     * @param content the bytes; the packet owns this reference
     * @param recipient where it went (the channel's local address), or null
     * @param sender where it came from, or null
     */
    public RawPacket(ByteBuf content, SockAddr recipient, SockAddr sender) {
        super(content, recipient, sender);
    }

    /** {@return the interface index a packet socket received it on, or 0 when the sender is not a sockaddr_ll} */
    public int ifindex() {
        SockAddr s = sender();
        return s != null && s.family() == Domain.PACKET ? s.ifindex() : 0;
    }

    /**
     * {@return the {@code PACKET_*} type of a frame a packet socket received (0 PACKET_HOST, 1 BROADCAST,
     * 2 MULTICAST, 3 OTHERHOST, 4 OUTGOING), or -1 when the sender is not a sockaddr_ll}
     */
    public int packetType() {
        SockAddr s = sender();
        return s != null && s.family() == Domain.PACKET ? s.packetType() : -1;
    }

    /** {@return a packet with a deep copy of the content and the same addresses} */
    @Override
    public RawPacket copy() {
        return replace(content().copy());
    }

    /** {@return a packet sharing the content (no new reference) and the same addresses} */
    @Override
    public RawPacket duplicate() {
        return replace(content().duplicate());
    }

    /** {@return a packet sharing the content with a new reference, and the same addresses} */
    @Override
    public RawPacket retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    /**
     * {@return a packet with {@code content} and this packet's addresses}
     *
     * @param content the new content
     */
    @Override
    public RawPacket replace(ByteBuf content) {
        return new RawPacket(content, recipient(), sender());
    }

    /** {@return this packet, its reference count raised by one} */
    @Override
    public RawPacket retain() {
        super.retain();
        return this;
    }

    /**
     * {@return this packet, its reference count raised by {@code increment}}
     *
     * @param increment how much to add
     */
    @Override
    public RawPacket retain(int increment) {
        super.retain(increment);
        return this;
    }

    /** {@return this packet, access recorded for leak reports} */
    @Override
    public RawPacket touch() {
        super.touch();
        return this;
    }

    /**
     * {@return this packet, access recorded for leak reports with a hint}
     *
     * @param hint what to record
     */
    @Override
    public RawPacket touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
