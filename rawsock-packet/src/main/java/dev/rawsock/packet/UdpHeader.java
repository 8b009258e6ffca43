package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** A UDP header (RFC 768), viewed in place. */
public final class UdpHeader extends HeaderView {
    /** Length of the header: source port, destination port, length, checksum. */
    public static final int LENGTH = 8;

    private UdpHeader(MemorySegment seg, long off) { super(seg, off, LENGTH, "UDP header"); }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static UdpHeader of(MemorySegment segment, long offset) { return new UdpHeader(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static UdpHeader of(ByteBuffer buffer, int offset) { return new UdpHeader(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static UdpHeader of(byte[] array, int offset) { return new UdpHeader(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return LENGTH; }

    /** {@return the source port} */
    public int sourcePort() { return u16(0); }
    /** {@return the destination port} */
    public int destinationPort() { return u16(2); }
    /** {@return header plus data, in bytes} */
    public int length() { return u16(4); }
    /** {@return the stored checksum (network order value)} */
    public int checksum() { return u16(6); }

    /**
     * Sets the source port in place.
     *
     * @param v the new source port
     * @return this view
     */
    public UdpHeader setSourcePort(int v) { u16(0, v); return this; }
    /**
     * Sets the destination port in place.
     *
     * @param v the new destination port
     * @return this view
     */
    public UdpHeader setDestinationPort(int v) { u16(2, v); return this; }
    /**
     * Sets the length in place.
     *
     * @param v the new length
     * @return this view
     */
    public UdpHeader setLength(int v) { u16(4, v); return this; }
    /**
     * Sets the checksum in place.
     *
     * @param v the new checksum
     * @return this view
     */
    public UdpHeader setChecksum(int v) { u16(6, v); return this; }

    /** {@return the data after the header, {@code length() - 8} bytes} */
    public MemorySegment payload() {
        int len = length();
        if (len < LENGTH) throw new IllegalArgumentException("UDP length " + len + " is below 8");
        require(seg, off, len, "UDP datagram (length field)");
        return seg.asSlice(off + LENGTH, len - LENGTH);
    }
}
