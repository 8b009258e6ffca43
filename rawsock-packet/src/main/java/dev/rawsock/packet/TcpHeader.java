package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.OptionalInt;

/** A TCP header (RFC 9293) with its options, viewed in place; the data offset must be 5..15 and fit. */
public final class TcpHeader extends HeaderView {
    /** Length of a header without options (data offset 5). */
    public static final int MIN_LENGTH = 20;
    /** Flag {@code TH_FIN}: the sender has no more data. */
    public static final int FIN = 0x01;
    /** Flag {@code TH_SYN}: synchronize sequence numbers (opens a connection). */
    public static final int SYN = 0x02;
    /** Flag {@code TH_RST}: reset the connection. */
    public static final int RST = 0x04;
    /** Flag {@code TH_PUSH}: push the data to the application without waiting. */
    public static final int PSH = 0x08;
    /** Flag {@code TH_ACK}: the acknowledgment number is valid. */
    public static final int ACK = 0x10;
    /** Flag {@code TH_URG}: the urgent pointer is valid. */
    public static final int URG = 0x20;
    /** Flag ECE: ECN echo, the peer saw congestion (RFC 3168). */
    public static final int ECE = 0x40;
    /** Flag CWR: congestion window reduced, answers ECE (RFC 3168). */
    public static final int CWR = 0x80;
    /** Option kind {@code TCPOPT_EOL}: end of the option list. */
    public static final int OPT_END = 0;
    /** Option kind {@code TCPOPT_NOP}: padding between options. */
    public static final int OPT_NOP = 1;
    /** Option kind {@code TCPOPT_MAXSEG}: maximum segment size (SYN only). */
    public static final int OPT_MSS = 2;
    /** Option kind {@code TCPOPT_WINDOW}: window scale shift (RFC 7323, SYN only). */
    public static final int OPT_WINDOW_SCALE = 3;
    /** Option kind {@code TCPOPT_SACK_PERMITTED}: the sender accepts selective acks (RFC 2018, SYN only). */
    public static final int OPT_SACK_PERMITTED = 4;
    /** Option kind {@code TCPOPT_SACK}: selective acknowledgment blocks (RFC 2018). */
    public static final int OPT_SACK = 5;
    /** Option kind {@code TCPOPT_TIMESTAMP}: timestamps for RTT measurement and PAWS (RFC 7323). */
    public static final int OPT_TIMESTAMPS = 8;

    private TcpHeader(MemorySegment seg, long off) {
        super(seg, off, MIN_LENGTH, "TCP header");
        int doff = dataOffset();
        if (doff < 5) throw new IllegalArgumentException("TCP data offset " + doff + " is below 5");
        require(seg, off, doff * 4L, "TCP header");
    }

    /**
     * {@return a view of the header at {@code offset} of the segment, checked to fit; no copy}
     *
     * @param segment the memory holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static TcpHeader of(MemorySegment segment, long offset) { return new TcpHeader(segment, offset); }
    /**
     * {@return a view of the header at {@code offset} of the buffer (absolute index), checked to fit; no copy}
     *
     * @param buffer the buffer holding the header (its position and limit are ignored)
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static TcpHeader of(ByteBuffer buffer, int offset) { return new TcpHeader(of(buffer), offset); }
    /**
     * {@return a view of the header at {@code offset} of the array, checked to fit; no copy}
     *
     * @param array the array holding the header
     * @param offset where the header starts (for a buffer, an absolute index)
     */
    public static TcpHeader of(byte[] array, int offset) { return new TcpHeader(MemorySegment.ofArray(array), offset); }

    @Override public int headerLength() { return dataOffset() * 4; }

    /** {@return the source port} */
    public int sourcePort() { return u16(0); }
    /** {@return the destination port} */
    public int destinationPort() { return u16(2); }
    /** {@return the sequence number} */
    public long sequence() { return u32(4); }
    /** {@return the acknowledgment number} */
    public long acknowledgment() { return u32(8); }
    /** {@return header length in 32-bit words} */
    public int dataOffset() { return u8(12) >>> 4; }
    /** {@return the flag bits CWR..FIN (see the constants)} */
    public int flags() { return u8(13); }
    /** {@return whether the SYN flag is set} */
    public boolean syn() { return (flags() & SYN) != 0; }
    /** {@return whether the ACK flag is set} */
    public boolean ack() { return (flags() & ACK) != 0; }
    /** {@return whether the FIN flag is set} */
    public boolean fin() { return (flags() & FIN) != 0; }
    /** {@return whether the RST flag is set} */
    public boolean rst() { return (flags() & RST) != 0; }
    /** {@return the receive window (unscaled)} */
    public int window() { return u16(14); }
    /** {@return the stored checksum (network order value)} */
    public int checksum() { return u16(16); }
    /** {@return the urgent pointer} */
    public int urgentPointer() { return u16(18); }
    /** {@return the option bytes (empty when the data offset is 5)} */
    public byte[] options() { return bytes(MIN_LENGTH, headerLength() - MIN_LENGTH); }

    /** {@return the maximum segment size option, if present and well formed} */
    public OptionalInt mss() {
        int end = headerLength();
        int p = MIN_LENGTH;
        while (p < end) {
            int kind = u8(p);
            if (kind == OPT_END) break;
            if (kind == OPT_NOP) { p++; continue; }
            if (p + 1 >= end) break;
            int len = u8(p + 1);
            if (len < 2 || p + len > end) break;
            if (kind == OPT_MSS && len == 4) return OptionalInt.of(u16(p + 2));
            p += len;
        }
        return OptionalInt.empty();
    }

    /**
     * Sets the source port in place.
     *
     * @param v the new source port
     * @return this view
     */
    public TcpHeader setSourcePort(int v) { u16(0, v); return this; }
    /**
     * Sets the destination port in place.
     *
     * @param v the new destination port
     * @return this view
     */
    public TcpHeader setDestinationPort(int v) { u16(2, v); return this; }
    /**
     * Sets the sequence in place.
     *
     * @param v the new sequence
     * @return this view
     */
    public TcpHeader setSequence(long v) { u32(4, v); return this; }
    /**
     * Sets the acknowledgment in place.
     *
     * @param v the new acknowledgment
     * @return this view
     */
    public TcpHeader setAcknowledgment(long v) { u32(8, v); return this; }
    /**
     * Sets the data offset (5..15): the caller must have room for the options.
     *
     * @param words the header length in 32-bit words, 5..15
     * @return this view
     */
    public TcpHeader setDataOffset(int words) {
        if (words < 5 || words > 15) throw new IllegalArgumentException("data offset must be 5..15: " + words);
        require(seg, off, words * 4L, "TCP header");
        u8(12, words << 4 | (u8(12) & 0xF));
        return this;
    }
    /**
     * Sets the flags in place.
     *
     * @param v the new flags
     * @return this view
     */
    public TcpHeader setFlags(int v) { u8(13, v); return this; }
    /**
     * Sets the window in place.
     *
     * @param v the new window
     * @return this view
     */
    public TcpHeader setWindow(int v) { u16(14, v); return this; }
    /**
     * Sets the checksum in place.
     *
     * @param v the new checksum
     * @return this view
     */
    public TcpHeader setChecksum(int v) { u16(16, v); return this; }
    /**
     * Sets the urgent pointer in place.
     *
     * @param v the new urgent pointer
     * @return this view
     */
    public TcpHeader setUrgentPointer(int v) { u16(18, v); return this; }

    /**
     * tcpdump's flag letters: {@code S}, {@code S.}, {@code P.}, {@code F.}, {@code R}...
     *
     * @return the flags as tcpdump prints them
     */
    public String flagString() {
        int f = flags();
        StringBuilder b = new StringBuilder();
        if ((f & SYN) != 0) b.append('S');
        if ((f & FIN) != 0) b.append('F');
        if ((f & PSH) != 0) b.append('P');
        if ((f & RST) != 0) b.append('R');
        if ((f & URG) != 0) b.append('U');
        if ((f & ECE) != 0) b.append('E');
        if ((f & CWR) != 0) b.append('W');
        if ((f & ACK) != 0) b.append('.');
        return b.isEmpty() ? "none" : b.toString();
    }
}
