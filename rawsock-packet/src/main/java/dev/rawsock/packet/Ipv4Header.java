package dev.rawsock.packet;

import dev.rawsock.packet.internal.InetBytes;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;

/**
 * An IPv4 header (RFC 791) with its options, viewed in place. Creating a view checks that the IHL
 * is at least 5 and that the whole header fits; {@link #payload()} also checks the total length.
 */
public final class Ipv4Header extends HeaderView {
    /** Length of a header without options. */
    public static final int MIN_LENGTH = 20;

    private Ipv4Header(MemorySegment seg, long off) {
        super(seg, off, 1, "IPv4 header");
        Checksums.ipv4HeaderLength(seg, off);
    }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv4Header of(MemorySegment segment, long offset) { return new Ipv4Header(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv4Header of(ByteBuffer buffer, int offset) { return new Ipv4Header(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Ipv4Header of(byte[] array, int offset) { return new Ipv4Header(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return ihl() * 4; }

    /** {@return the version nibble (4 for IPv4)} */
    public int version() { return u8(0) >>> 4; }
    /** {@return the IHL: header length in 32-bit words (5..15)} */
    public int ihl() { return u8(0) & 0xF; }
    /** {@return the type-of-service byte (DSCP and ECN)} */
    public int tos() { return u8(1); }
    /** {@return the differentiated services code point (6 bits)} */
    public int dscp() { return u8(1) >>> 2; }
    /** {@return the explicit congestion notification bits} */
    public int ecn() { return u8(1) & 3; }
    /** {@return the total length} */
    public int totalLength() { return u16(2); }
    /** {@return the identification} */
    public int identification() { return u16(4); }
    /** {@return the three flag bits (reserved, DF, MF)} */
    public int flags() { return u16(6) >>> 13; }
    /** {@return whether the DF (don't fragment) flag is set} */
    public boolean dontFragment() { return (flags() & 2) != 0; }
    /** {@return whether the MF (more fragments) flag is set} */
    public boolean moreFragments() { return (flags() & 1) != 0; }
    /** {@return fragment offset in 8-byte units} */
    public int fragmentOffset() { return u16(6) & 0x1FFF; }
    /** {@return the time to live} */
    public int ttl() { return u8(8); }
    /** {@return the protocol of the payload (1 ICMP, 6 TCP, 17 UDP, ...)} */
    public int protocol() { return u8(9); }
    /** {@return the stored checksum (network order value)} */
    public int checksum() { return u16(10); }
    /** {@return the source address bytes} */
    public byte[] sourceBytes() { return bytes(12, 4); }
    /** {@return the destination address bytes} */
    public byte[] destinationBytes() { return bytes(16, 4); }
    /** {@return the source address} */
    public Inet4Address source() { return InetBytes.v4(sourceBytes()); }
    /** {@return the destination address} */
    public Inet4Address destination() { return InetBytes.v4(destinationBytes()); }
    /** {@return the option bytes (empty when IHL is 5)} */
    public byte[] options() { return bytes(MIN_LENGTH, headerLength() - MIN_LENGTH); }

    /** {@return whether the stored header checksum is right} */
    public boolean checksumValid() { return Checksums.internet(seg, off, headerLength()) == 0; }

    /** {@return the payload from the end of the header to the total length} */
    public MemorySegment payload() {
        int total = totalLength();
        if (total < headerLength())
            throw new IllegalArgumentException("IPv4 total length " + total + " is less than the header length " + headerLength());
        require(seg, off, total, "IPv4 packet (total length)");
        return seg.asSlice(off + headerLength(), total - headerLength());
    }

    /**
     * Sets version 4 and the IHL (5..15): the caller must have room for the options.
     *
     * @param ihl the header length in 32-bit words, 5..15
     * @return this view
     */
    public Ipv4Header setIhl(int ihl) {
        if (ihl < 5 || ihl > 15) throw new IllegalArgumentException("IHL must be 5..15: " + ihl);
        require(seg, off, ihl * 4L, "IPv4 header");
        u8(0, 0x40 | ihl);
        return this;
    }
    /**
     * Sets the tos in place.
     *
     * @param v the new tos
     * @return this view
     */
    public Ipv4Header setTos(int v) { u8(1, v); return this; }
    /**
     * Sets the total length in place.
     *
     * @param v the new total length
     * @return this view
     */
    public Ipv4Header setTotalLength(int v) { u16(2, v); return this; }
    /**
     * Sets the identification in place.
     *
     * @param v the new identification
     * @return this view
     */
    public Ipv4Header setIdentification(int v) { u16(4, v); return this; }
    /**
     * Sets the flags in place.
     *
     * @param v the new flags
     * @return this view
     */
    public Ipv4Header setFlags(int v) { check(v, 7); u16(6, v << 13 | fragmentOffset()); return this; }
    /**
     * Sets the fragment offset in place.
     *
     * @param v the new fragment offset
     * @return this view
     */
    public Ipv4Header setFragmentOffset(int v) { check(v, 0x1FFF); u16(6, flags() << 13 | v); return this; }
    /**
     * Sets the ttl in place.
     *
     * @param v the new ttl
     * @return this view
     */
    public Ipv4Header setTtl(int v) { u8(8, v); return this; }
    /**
     * Sets the protocol in place.
     *
     * @param v the new protocol
     * @return this view
     */
    public Ipv4Header setProtocol(int v) { u8(9, v); return this; }
    /**
     * Sets the checksum in place.
     *
     * @param v the new checksum
     * @return this view
     */
    public Ipv4Header setChecksum(int v) { u16(10, v); return this; }
    /**
     * Sets the source in place.
     *
     * @param a the new source
     * @return this view
     */
    public Ipv4Header setSource(Inet4Address a) { bytes(12, a.getAddress(), 4, "an IPv4 address"); return this; }
    /**
     * Sets the destination in place.
     *
     * @param a the new destination
     * @return this view
     */
    public Ipv4Header setDestination(Inet4Address a) { bytes(16, a.getAddress(), 4, "an IPv4 address"); return this; }
    /**
     * Computes and stores the header checksum; returns it.
     *
     * @return the checksum stored
     */
    public int fillChecksum() { return Checksums.fillIpv4Header(seg, off); }

    @Override public String toString() {
        return "IP " + source().getHostAddress() + " > " + destination().getHostAddress() + ": proto " + protocol()
                + ", length " + totalLength();
    }
}
