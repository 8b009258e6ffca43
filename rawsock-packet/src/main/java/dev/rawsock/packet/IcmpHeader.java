package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** An ICMP header (RFC 792): type, code, checksum and the 4 bytes that follow (id and sequence for echo). */
public final class IcmpHeader extends IcmpView<IcmpHeader> {
    /** Length of the header: type, code, checksum and 4 bytes of message body. */
    public static final int LENGTH = 8;
    /** Type {@code ICMP_ECHOREPLY}: answer to a ping. */
    public static final int ECHO_REPLY = 0;
    /** Type {@code ICMP_DEST_UNREACH}: destination unreachable; the code says why. */
    public static final int DEST_UNREACHABLE = 3;
    /** Type {@code ICMP_REDIRECT}: a router tells of a better first hop. */
    public static final int REDIRECT = 5;
    /** Type {@code ICMP_ECHO}: ping. */
    public static final int ECHO_REQUEST = 8;
    /** Type {@code ICMP_TIME_EXCEEDED}: TTL reached zero (what traceroute sees) or reassembly timed out. */
    public static final int TIME_EXCEEDED = 11;

    private IcmpHeader(MemorySegment seg, long off) { super(seg, off, "ICMP header"); }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static IcmpHeader of(MemorySegment segment, long offset) { return new IcmpHeader(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static IcmpHeader of(ByteBuffer buffer, int offset) { return new IcmpHeader(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static IcmpHeader of(byte[] array, int offset) { return new IcmpHeader(MemorySegment.ofArray(array), offset); }

    /** {@return the message type (0 echo reply, 8 echo request, ...)} */
    public int type() { return u8(0); }
    /** {@return bytes 4..7 as one number (gateway address, pointer, next-hop MTU...)} */
    public long restOfHeader() { return u32(4); }

    /**
     * Computes and stores the checksum over {@code length} bytes of message from this header on; returns it.
     *
     * @param length the message length in bytes, header included
     * @return the checksum stored
     */
    public int fillChecksum(int length) {
        require(seg, off, Math.max(length, LENGTH), "ICMP message");
        setChecksum(0);
        int c = Checksums.internet(seg, off, length);
        setChecksum(c);
        return c;
    }
}
