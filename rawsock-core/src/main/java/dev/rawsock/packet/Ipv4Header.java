package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

    public static Ipv4Header of(MemorySegment segment, long offset) { return new Ipv4Header(segment, offset); }
    public static Ipv4Header of(ByteBuffer buffer, int offset) { return new Ipv4Header(of(buffer), offset); }
    public static Ipv4Header of(byte[] array, int offset) { return new Ipv4Header(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return ihl() * 4; }

    public int version() { return u8(0) >>> 4; }
    public int ihl() { return u8(0) & 0xF; }
    public int tos() { return u8(1); }
    public int dscp() { return u8(1) >>> 2; }
    public int ecn() { return u8(1) & 3; }
    public int totalLength() { return u16(2); }
    public int identification() { return u16(4); }
    /** The three flag bits (reserved, DF, MF). */
    public int flags() { return u16(6) >>> 13; }
    public boolean dontFragment() { return (flags() & 2) != 0; }
    public boolean moreFragments() { return (flags() & 1) != 0; }
    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() { return u16(6) & 0x1FFF; }
    public int ttl() { return u8(8); }
    public int protocol() { return u8(9); }
    public int checksum() { return u16(10); }
    public byte[] sourceBytes() { return bytes(12, 4); }
    public byte[] destinationBytes() { return bytes(16, 4); }
    public Inet4Address source() { return inet(sourceBytes()); }
    public Inet4Address destination() { return inet(destinationBytes()); }
    /** The option bytes (empty when IHL is 5). */
    public byte[] options() { return bytes(MIN_LENGTH, headerLength() - MIN_LENGTH); }

    /** Whether the stored header checksum is right. */
    public boolean checksumValid() { return Checksums.internet(seg, off, headerLength()) == 0; }

    /** The payload from the end of the header to the total length. */
    public MemorySegment payload() {
        int total = totalLength();
        if (total < headerLength())
            throw new IllegalArgumentException("IPv4 total length " + total + " is less than the header length " + headerLength());
        require(seg, off, total, "IPv4 packet (total length)");
        return seg.asSlice(off + headerLength(), total - headerLength());
    }

    /** Sets version 4 and the IHL (5..15): the caller must have room for the options. */
    public Ipv4Header setIhl(int ihl) {
        if (ihl < 5 || ihl > 15) throw new IllegalArgumentException("IHL must be 5..15: " + ihl);
        require(seg, off, ihl * 4L, "IPv4 header");
        u8(0, 0x40 | ihl);
        return this;
    }
    public Ipv4Header setTos(int v) { u8(1, v); return this; }
    public Ipv4Header setTotalLength(int v) { u16(2, v); return this; }
    public Ipv4Header setIdentification(int v) { u16(4, v); return this; }
    public Ipv4Header setFlags(int v) { check(v, 7); u16(6, v << 13 | fragmentOffset()); return this; }
    public Ipv4Header setFragmentOffset(int v) { check(v, 0x1FFF); u16(6, flags() << 13 | v); return this; }
    public Ipv4Header setTtl(int v) { u8(8, v); return this; }
    public Ipv4Header setProtocol(int v) { u8(9, v); return this; }
    public Ipv4Header setChecksum(int v) { u16(10, v); return this; }
    public Ipv4Header setSource(Inet4Address a) { bytes(12, a.getAddress(), 4, "an IPv4 address"); return this; }
    public Ipv4Header setDestination(Inet4Address a) { bytes(16, a.getAddress(), 4, "an IPv4 address"); return this; }
    /** Computes and stores the header checksum; returns it. */
    public int fillChecksum() { return Checksums.fillIpv4Header(seg, off); }

    static Inet4Address inet(byte[] a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override public String toString() {
        return "IP " + source().getHostAddress() + " > " + destination().getHostAddress() + ": proto " + protocol()
                + ", length " + totalLength();
    }
}
