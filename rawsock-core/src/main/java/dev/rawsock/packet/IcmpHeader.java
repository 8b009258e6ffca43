package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** An ICMP header (RFC 792): type, code, checksum and the 4 bytes that follow (id and sequence for echo). */
public final class IcmpHeader extends HeaderView {
    public static final int LENGTH = 8;
    public static final int ECHO_REPLY = 0, DEST_UNREACHABLE = 3, REDIRECT = 5, ECHO_REQUEST = 8, TIME_EXCEEDED = 11;

    private IcmpHeader(MemorySegment seg, long off) { super(seg, off, LENGTH, "ICMP header"); }

    /** A view of the header at {@code offset} of the segment, checked to fit; no copy. */
    public static IcmpHeader of(MemorySegment segment, long offset) { return new IcmpHeader(segment, offset); }
    /** A view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy. */
    public static IcmpHeader of(ByteBuffer buffer, int offset) { return new IcmpHeader(of(buffer), offset); }
    /** A view of the header at {@code offset} of the array, checked to fit; no copy. */
    public static IcmpHeader of(byte[] array, int offset) { return new IcmpHeader(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return LENGTH; }

    /** The message type (0 echo reply, 8 echo request, ...). */
    public int type() { return u8(0); }
    /** The code. */
    public int code() { return u8(1); }
    /** The stored checksum (network order value). */
    public int checksum() { return u16(2); }
    /** The echo identifier (bytes 4-5). */
    public int identifier() { return u16(4); }
    /** The sequence number. */
    public int sequence() { return u16(6); }
    /** Bytes 4..7 as one number (gateway address, pointer, next-hop MTU...). */
    public long restOfHeader() { return u32(4); }

    /** Sets the type in place; returns this view. */
    public IcmpHeader setType(int v) { u8(0, v); return this; }
    /** Sets the code in place; returns this view. */
    public IcmpHeader setCode(int v) { u8(1, v); return this; }
    /** Sets the checksum in place; returns this view. */
    public IcmpHeader setChecksum(int v) { u16(2, v); return this; }
    /** Sets the identifier in place; returns this view. */
    public IcmpHeader setIdentifier(int v) { u16(4, v); return this; }
    /** Sets the sequence in place; returns this view. */
    public IcmpHeader setSequence(int v) { u16(6, v); return this; }
    /** Sets the rest of header in place; returns this view. */
    public IcmpHeader setRestOfHeader(long v) { u32(4, v); return this; }

    /** Computes and stores the checksum over {@code length} bytes of message from this header on; returns it. */
    public int fillChecksum(int length) {
        require(seg, off, Math.max(length, LENGTH), "ICMP message");
        setChecksum(0);
        int c = Checksums.internet(seg, off, length);
        setChecksum(c);
        return c;
    }
}
