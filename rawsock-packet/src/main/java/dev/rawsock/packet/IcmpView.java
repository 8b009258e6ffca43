package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;

/**
 * What ICMP and ICMPv6 headers share: the same 8-byte layout (type, code, checksum, then 4 bytes
 * that echo messages split into identifier and sequence). The self type lets each setter return the
 * concrete view, so chains keep their type.
 */
abstract class IcmpView<T extends IcmpView<T>> extends HeaderView {
    /** Kept here and not as the public {@code LENGTH}, which each public view declares itself. */
    static final int FIXED_LENGTH = 8;

    IcmpView(MemorySegment seg, long off, String what) { super(seg, off, FIXED_LENGTH, what); }

    @SuppressWarnings("unchecked")
    private T self() { return (T) this; }

    @Override public int headerLength() { return FIXED_LENGTH; }

    /** {@return the code} */
    public int code() { return u8(1); }
    /** {@return the stored checksum (network order value)} */
    public int checksum() { return u16(2); }
    /** {@return the echo identifier (bytes 4-5)} */
    public int identifier() { return u16(4); }
    /** {@return the sequence number} */
    public int sequence() { return u16(6); }

    /**
     * Sets the type in place.
     *
     * @param v the new type
     * @return this view
     */
    public T setType(int v) { u8(0, v); return self(); }
    /**
     * Sets the code in place.
     *
     * @param v the new code
     * @return this view
     */
    public T setCode(int v) { u8(1, v); return self(); }
    /**
     * Sets the checksum in place.
     *
     * @param v the new checksum
     * @return this view
     */
    public T setChecksum(int v) { u16(2, v); return self(); }
    /**
     * Sets the identifier in place.
     *
     * @param v the new identifier
     * @return this view
     */
    public T setIdentifier(int v) { u16(4, v); return self(); }
    /**
     * Sets the sequence in place.
     *
     * @param v the new sequence
     * @return this view
     */
    public T setSequence(int v) { u16(6, v); return self(); }
    /**
     * Sets the rest of header in place.
     *
     * @param v the new rest of header
     * @return this view
     */
    public T setRestOfHeader(long v) { u32(4, v); return self(); }
}
