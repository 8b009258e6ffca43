package dev.rawsock.packet;

import dev.rawsock.packet.internal.InetBytes;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An IPv6 header (RFC 8200), viewed in place, with a walk along its extension header chain
 * (hop-by-hop, routing, fragment, destination options, AH, mobility) to the upper-layer header.
 */
public final class Ipv6Header extends HeaderView {
    /** Length of the fixed header, without extension headers. */
    public static final int LENGTH = 40;
    /** Next header {@code IPPROTO_HOPOPTS}: hop-by-hop options, examined by every router. */
    public static final int HOP_BY_HOP = 0;
    /** Next header {@code IPPROTO_ROUTING}: routing header (source routing, segment routing). */
    public static final int ROUTING = 43;
    /** Next header {@code IPPROTO_FRAGMENT}: fragment header. */
    public static final int FRAGMENT = 44;
    /** Next header {@code IPPROTO_ESP}: IPsec encapsulating security payload; the walk stops here, the rest is encrypted. */
    public static final int ESP = 50;
    /** Next header {@code IPPROTO_AH}: IPsec authentication header. */
    public static final int AH = 51;
    /** Next header {@code IPPROTO_NONE}: nothing follows. */
    public static final int NO_NEXT_HEADER = 59;
    /** Next header {@code IPPROTO_DSTOPTS}: destination options, examined by the receiver only. */
    public static final int DESTINATION_OPTIONS = 60;
    /** Next header {@code IPPROTO_MH}: Mobile IPv6 mobility header (RFC 6275). */
    public static final int MOBILITY = 135;

    /**
     * One extension header: its type (the next-header value that named it), offset in the segment and length.
     *
     * @param type the next-header value that named it
     * @param offset its offset in the segment
     * @param length its length in bytes
     */
    public record Extension(int type, long offset, int length) {}

    private Ipv6Header(MemorySegment seg, long off) {
        super(seg, off, LENGTH, "IPv6 header");
    }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv6Header of(MemorySegment segment, long offset) { return new Ipv6Header(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv6Header of(ByteBuffer buffer, int offset) { return new Ipv6Header(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv6Header of(byte[] array, int offset) { return new Ipv6Header(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return LENGTH; }

    /** {@return the version nibble (6 for IPv6)} */
    public int version() { return u8(0) >>> 4; }
    /** {@return the traffic class} */
    public int trafficClass() { return (int) (u32(0) >>> 20) & 0xFF; }
    /** {@return the flow label} */
    public int flowLabel() { return (int) u32(0) & 0xFFFFF; }
    /** {@return the payload length} */
    public int payloadLength() { return u16(4); }
    /** {@return the next header} */
    public int nextHeader() { return u8(6); }
    /** {@return the hop limit} */
    public int hopLimit() { return u8(7); }
    /** {@return the source address bytes} */
    public byte[] sourceBytes() { return bytes(8, 16); }
    /** {@return the destination address bytes} */
    public byte[] destinationBytes() { return bytes(24, 16); }
    /** {@return the source address} */
    public Inet6Address source() { return InetBytes.v6(sourceBytes()); }
    /** {@return the destination address} */
    public Inet6Address destination() { return InetBytes.v6(destinationBytes()); }

    /**
     * Sets version 6, traffic class and flow label.
     *
     * @param trafficClass the traffic class, 0..255
     * @param flowLabel the flow label, 20 bits
     * @return this view
     */
    public Ipv6Header setVersionClassFlow(int trafficClass, int flowLabel) {
        check(trafficClass, 0xFF);
        check(flowLabel, 0xFFFFF);
        u32(0, 6L << 28 | (long) trafficClass << 20 | flowLabel);
        return this;
    }
    /**
     * Sets the payload length in place.
     *
     * @param v the new payload length
     * @return this view
     */
    public Ipv6Header setPayloadLength(int v) { u16(4, v); return this; }
    /**
     * Sets the next header in place.
     *
     * @param v the new next header
     * @return this view
     */
    public Ipv6Header setNextHeader(int v) { u8(6, v); return this; }
    /**
     * Sets the hop limit in place.
     *
     * @param v the new hop limit
     * @return this view
     */
    public Ipv6Header setHopLimit(int v) { u8(7, v); return this; }
    /**
     * Sets the source in place.
     *
     * @param a the new source
     * @return this view
     */
    public Ipv6Header setSource(Inet6Address a) { bytes(8, a.getAddress(), 16, "an IPv6 address"); return this; }
    /**
     * Sets the destination in place.
     *
     * @param a the new destination
     * @return this view
     */
    public Ipv6Header setDestination(Inet6Address a) { bytes(24, a.getAddress(), 16, "an IPv6 address"); return this; }

    /** {@return the extension headers in order; ends at the first header that is not one (or ESP, whose length is hidden)} */
    public List<Extension> extensionHeaders() {
        List<Extension> list = new ArrayList<>();
        walk(list);
        return list;
    }

    /** {@return the upper-layer protocol: the next-header value after the extension headers (59 when there is none)} */
    public int upperLayerProtocol() { return (int) (walk(null) >>> 48); }

    /** {@return offset in the segment of the upper-layer header} */
    public long upperLayerOffset() { return walk(null) & 0xFFFF_FFFF_FFFFL; }

    /** Walks the chain; returns {@code protocol << 48 | offset}. Every step advances at least 8 bytes within the buffer, so it ends. */
    private long walk(List<Extension> out) {
        int next = nextHeader();
        long p = off + LENGTH;
        while (next == HOP_BY_HOP || next == ROUTING || next == FRAGMENT || next == DESTINATION_OPTIONS
                || next == AH || next == MOBILITY) {
            require(seg, p, 8, "IPv6 extension header " + next);
            int b1 = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p + 1) & 0xFF;
            int len = next == FRAGMENT ? 8 : next == AH ? (b1 + 2) * 4 : (b1 + 1) * 8;
            require(seg, p, len, "IPv6 extension header " + next);
            if (out != null) out.add(new Extension(next, p, len));
            next = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p) & 0xFF;
            p += len;
        }
        return (long) next << 48 | p;
    }

    /** {@return the payload (extension headers included) from the end of the fixed header to the payload length} */
    public MemorySegment payload() {
        require(seg, off, LENGTH + (long) payloadLength(), "IPv6 packet (payload length)");
        return seg.asSlice(off + LENGTH, payloadLength());
    }

    @Override public String toString() {
        return "IP6 " + Packets.v6(sourceBytes()) + " > " + Packets.v6(destinationBytes()) + ": next " + nextHeader()
                + ", payload length " + payloadLength();
    }
}
