package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** A UDP header (RFC 768), viewed in place. */
public final class UdpHeader extends HeaderView {
    public static final int LENGTH = 8;

    private UdpHeader(MemorySegment seg, long off) { super(seg, off, LENGTH, "UDP header"); }

    public static UdpHeader of(MemorySegment segment, long offset) { return new UdpHeader(segment, offset); }
    public static UdpHeader of(ByteBuffer buffer, int offset) { return new UdpHeader(of(buffer), offset); }
    public static UdpHeader of(byte[] array, int offset) { return new UdpHeader(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return LENGTH; }

    public int sourcePort() { return u16(0); }
    public int destinationPort() { return u16(2); }
    /** Header plus data, in bytes. */
    public int length() { return u16(4); }
    public int checksum() { return u16(6); }

    public UdpHeader setSourcePort(int v) { u16(0, v); return this; }
    public UdpHeader setDestinationPort(int v) { u16(2, v); return this; }
    public UdpHeader setLength(int v) { u16(4, v); return this; }
    public UdpHeader setChecksum(int v) { u16(6, v); return this; }

    /** The data after the header, {@code length() - 8} bytes. */
    public MemorySegment payload() {
        int len = length();
        if (len < LENGTH) throw new IllegalArgumentException("UDP length " + len + " is below 8");
        require(seg, off, len, "UDP datagram (length field)");
        return seg.asSlice(off + LENGTH, len - LENGTH);
    }
}
