package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** An ICMPv6 header (RFC 4443): type, code, checksum and the 4 bytes that follow (id and sequence for echo). */
public final class Icmpv6Header extends IcmpView<Icmpv6Header> {
    /** Length of the header: type, code, checksum and 4 bytes of message body. */
    public static final int LENGTH = 8;
    /** Type {@code ICMP6_DST_UNREACH}: destination unreachable (RFC 4443). */
    public static final int DEST_UNREACHABLE = 1;
    /** Type {@code ICMP6_PACKET_TOO_BIG}: packet too big, carries the MTU for path MTU discovery. */
    public static final int PACKET_TOO_BIG = 2;
    /** Type {@code ICMP6_TIME_EXCEEDED}: hop limit reached zero or reassembly timed out. */
    public static final int TIME_EXCEEDED = 3;
    /** Type {@code ICMP6_PARAM_PROB}: a header field could not be processed. */
    public static final int PARAMETER_PROBLEM = 4;
    /** Type {@code ICMP6_ECHO_REQUEST}: ping. */
    public static final int ECHO_REQUEST = 128;
    /** Type {@code ICMP6_ECHO_REPLY}: answer to a ping. */
    public static final int ECHO_REPLY = 129;
    /** Type {@code ND_ROUTER_SOLICIT}: asks routers to advertise now (RFC 4861). */
    public static final int ROUTER_SOLICITATION = 133;
    /** Type {@code ND_ROUTER_ADVERT}: a router announces itself and its prefixes (RFC 4861). */
    public static final int ROUTER_ADVERTISEMENT = 134;
    /** Type {@code ND_NEIGHBOR_SOLICIT}: asks a neighbour for its link-layer address, the IPv6 counterpart of an ARP request (RFC 4861). */
    public static final int NEIGHBOR_SOLICITATION = 135;
    /** Type {@code ND_NEIGHBOR_ADVERT}: answers a neighbour solicitation (RFC 4861). */
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    private Icmpv6Header(MemorySegment seg, long off) { super(seg, off, "ICMPv6 header"); }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Icmpv6Header of(MemorySegment segment, long offset) { return new Icmpv6Header(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Icmpv6Header of(ByteBuffer buffer, int offset) { return new Icmpv6Header(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static Icmpv6Header of(byte[] array, int offset) { return new Icmpv6Header(MemorySegment.ofArray(array), offset); }

    /** {@return the message type (128 echo request, 129 echo reply, ...)} */
    public int type() { return u8(0); }
    /** {@return bytes 4..7 as one number (MTU, pointer, flags...)} */
    public long restOfHeader() { return u32(4); }
}
