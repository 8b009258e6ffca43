package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** An ICMPv6 header (RFC 4443): type, code, checksum and the 4 bytes that follow (id and sequence for echo). */
public final class Icmpv6Header extends IcmpView<Icmpv6Header> {
    public static final int LENGTH = 8;
    public static final int DEST_UNREACHABLE = 1, PACKET_TOO_BIG = 2, TIME_EXCEEDED = 3, PARAMETER_PROBLEM = 4,
            ECHO_REQUEST = 128, ECHO_REPLY = 129, ROUTER_SOLICITATION = 133, ROUTER_ADVERTISEMENT = 134,
            NEIGHBOR_SOLICITATION = 135, NEIGHBOR_ADVERTISEMENT = 136;

    private Icmpv6Header(MemorySegment seg, long off) { super(seg, off, "ICMPv6 header"); }

    /** A view of the header at {@code offset} of the segment, checked to fit; no copy. */
    public static Icmpv6Header of(MemorySegment segment, long offset) { return new Icmpv6Header(segment, offset); }
    /** A view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy. */
    public static Icmpv6Header of(ByteBuffer buffer, int offset) { return new Icmpv6Header(of(buffer), offset); }
    /** A view of the header at {@code offset} of the array, checked to fit; no copy. */
    public static Icmpv6Header of(byte[] array, int offset) { return new Icmpv6Header(MemorySegment.ofArray(array), offset); }

    /** The message type (128 echo request, 129 echo reply, ...). */
    public int type() { return u8(0); }
    /** Bytes 4..7 as one number (MTU, pointer, flags...). */
    public long restOfHeader() { return u32(4); }
}
