package dev.rawsock.packet;

import java.lang.foreign.MemorySegment;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Prints packets as {@code tcpdump -n} (4.99) prints them, line for line: the time stamp, the
 * link-layer start of each supported link type, then IPv4/IPv6 (fragments, truncation), ARP, TCP,
 * UDP, ICMP, ICMPv6, DNS and the first words of GRE, SCTP, IGMP, PIM, OSPF, VRRP, ESP and AH.
 *
 * <p>An instance keeps what tcpdump keeps between packets: the first sequence numbers of every TCP
 * connection (to print relative numbers, unless {@link #absoluteSequence}), the previous and first
 * time stamps ({@code -ttt}, {@code -ttttt}) and the packet count ({@code -#}). Not thread-safe:
 * one printer per packet stream. Printing never throws on any bytes: what is cut short ends in
 * tcpdump's {@code [|proto]} marker.
 *
 * <p>Option setters mirror tcpdump's flags: {@link #linkHeaders} {@code -e}, {@link #quiet}
 * {@code -q}, {@link #verbose} {@code -v}, {@link #absoluteSequence} {@code -S}, {@link #timestamps}
 * {@code -t}..{@code -ttttt}, {@link #numbered} {@code -#}, {@link #dump} {@code -x -xx -X -XX -A}.
 */
public final class TcpdumpPrinter {
    /** How each line starts: tcpdump's {@code -t} family. */
    public enum Timestamps {
        /** No time stamp ({@code -t}). */
        NONE,
        /** {@code HH:MM:SS.frac} in the local time zone (the default). */
        TIME,
        /** Seconds since the epoch, {@code 1700000000.123456} ({@code -tt}). */
        UNIX,
        /** Time since the previous packet ({@code -ttt}). */
        DELTA,
        /** {@code YYYY-MM-DD HH:MM:SS.frac} in the local time zone ({@code -tttt}). */
        DATE,
        /** Time since the first packet ({@code -ttttt}). */
        SINCE_FIRST
    }

    /** What follows each line: tcpdump's {@code -x -xx -X -XX -A -AA}. */
    public enum Dump {
        /** Nothing. */
        NONE,
        /** Hex of the packet after the link header ({@code -x}). */
        HEX,
        /** Hex of the whole frame ({@code -xx}). */
        HEX_LINK,
        /** Hex and ASCII after the link header ({@code -X}). */
        HEX_ASCII,
        /** Hex and ASCII of the whole frame ({@code -XX}). */
        HEX_ASCII_LINK,
        /** ASCII after the link header ({@code -A}). */
        ASCII,
        /** ASCII of the whole frame ({@code -AA}). */
        ASCII_LINK
    }

    private final int linkType;
    boolean eflag, qflag, vflag, sflag;
    private boolean numbered;
    private Timestamps timestamps = Timestamps.TIME;
    private Dump dump = Dump.NONE;
    private ZoneId zone = ZoneId.systemDefault();
    private boolean nanos;

    // per packet
    MemorySegment p;
    long snapend;
    String protocol = "";
    StringBuilder b;
    private long llHeaderLength;

    // per stream
    private long count;
    private long firstNanos = Long.MIN_VALUE, prevNanos = Long.MIN_VALUE;
    final TcpSeqTable tcpSeq = new TcpSeqTable();
    private final Map<Integer, String> ifNames = new HashMap<>();
    private IntFunction<String> ifNameOf = TcpdumpPrinter::ifName;
    private long cachedDay = Long.MIN_VALUE;
    private final StringBuilder dayText = new StringBuilder();

    /** tcpdump's "the packet ends here" longjmp; one shared instance, no stack trace. */
    static final class Truncated extends RuntimeException {
        Truncated() {
            super(null, null, false, false);
        }
    }

    static final Truncated TRUNCATED = new Truncated();

    /**
     * A printer for packets of one link type.
     *
     * @param linkType the {@link LinkType} of the packets (an unknown one prints {@code linktype N, length L})
     */
    public TcpdumpPrinter(int linkType) {
        this.linkType = linkType;
    }

    /** {@return the link type this printer reads} */
    public int linkType() {
        return linkType;
    }

    /**
     * Prints the link-layer header ({@code tcpdump -e}).
     *
     * @param on whether to print it
     * @return this printer
     */
    public TcpdumpPrinter linkHeaders(boolean on) {
        eflag = on;
        return this;
    }

    /**
     * Prints less protocol detail ({@code tcpdump -q}).
     *
     * @param on whether to be quiet
     * @return this printer
     */
    public TcpdumpPrinter quiet(boolean on) {
        qflag = on;
        return this;
    }

    /**
     * Prints the IPv4/IPv6 header fields and checksum verdicts ({@code tcpdump -v}).
     *
     * @param on whether to be verbose
     * @return this printer
     */
    public TcpdumpPrinter verbose(boolean on) {
        vflag = on;
        return this;
    }

    /**
     * Prints TCP sequence numbers as sent instead of relative to the connection's first ({@code tcpdump -S}).
     *
     * @param on whether to print absolute numbers
     * @return this printer
     */
    public TcpdumpPrinter absoluteSequence(boolean on) {
        sflag = on;
        return this;
    }

    /**
     * Numbers the lines from 1 ({@code tcpdump -#}).
     *
     * @param on whether to number them
     * @return this printer
     */
    public TcpdumpPrinter numbered(boolean on) {
        numbered = on;
        return this;
    }

    /**
     * How lines start ({@code -t}, {@code -tt}, {@code -ttt}, {@code -tttt}, {@code -ttttt}).
     *
     * @param t the time stamp style
     * @return this printer
     */
    public TcpdumpPrinter timestamps(Timestamps t) {
        timestamps = Objects.requireNonNull(t, "timestamps");
        return this;
    }

    /**
     * Prints time stamps with nine fractional digits instead of six ({@code --nano}, and what tcpdump
     * does for a nanosecond pcap file).
     *
     * @param on whether to print nanoseconds
     * @return this printer
     */
    public TcpdumpPrinter nanoseconds(boolean on) {
        nanos = on;
        return this;
    }

    /**
     * The time zone of {@link Timestamps#TIME} and {@link Timestamps#DATE} (tcpdump uses the local one).
     *
     * @param z the zone
     * @return this printer
     */
    public TcpdumpPrinter zone(ZoneId z) {
        zone = Objects.requireNonNull(z, "zone");
        cachedDay = Long.MIN_VALUE;
        return this;
    }

    /**
     * How a Linux cooked v2 line names the interface of an index: tcpdump asks {@code if_indextoname(3)}
     * on the machine that prints; the default asks {@link NetworkInterface}, which misses interfaces
     * without addresses. Names are looked up once per index.
     *
     * @param names index to name, null or "?" when unknown
     * @return this printer
     */
    public TcpdumpPrinter interfaceNames(IntFunction<String> names) {
        ifNameOf = Objects.requireNonNull(names, "names");
        ifNames.clear();
        return this;
    }

    /**
     * What to dump after each line ({@code -x}, {@code -xx}, {@code -X}, {@code -XX}, {@code -A}).
     *
     * @param d the dump style
     * @return this printer
     */
    public TcpdumpPrinter dump(Dump d) {
        dump = Objects.requireNonNull(d, "dump");
        return this;
    }

    /**
     * Appends one packet as tcpdump prints it, newline included: optional number, time stamp, the
     * description and any dump lines.
     *
     * @param out where the text goes
     * @param timestampNanos the capture time, nanoseconds since the epoch
     * @param packet the captured bytes (the whole segment)
     * @param wireLength the packet's length on the wire (at least the captured length; tcpdump's "length")
     */
    public void print(StringBuilder out, long timestampNanos, MemorySegment packet, long wireLength) {
        count++;
        if (numbered) {
            int digits = 1;
            for (long v = count; v >= 10; v /= 10) digits++;
            for (int i = digits; i < 5; i++) out.append(' ');
            out.append(count).append("  ");
        }
        long caplen = packet.byteSize();
        if (caplen == 0 || wireLength == 0 || wireLength < caplen) {
            out.append("[Invalid header:");
            if (caplen == 0) out.append(" caplen==0");
            if (wireLength == 0) out.append(caplen == 0 ? "," : "").append(" len==0");
            else if (wireLength < caplen) out.append(" len(").append(wireLength).append(") < caplen(").append(caplen).append(')');
            out.append("]\n");
            return;
        }
        timestamp(out, timestampNanos);
        describe(out, packet, wireLength);
        long hdr = llHeaderLength;
        p = packet;
        snapend = caplen;
        switch (dump) {
            case NONE -> { }
            case HEX, HEX_ASCII, ASCII -> {
                if (caplen > hdr) dump(out, dump, packet, hdr);
            }
            case HEX_LINK, HEX_ASCII_LINK, ASCII_LINK -> dump(out, dump, packet, 0);
        }
        out.append('\n');
        p = null;
    }

    /**
     * {@return one packet's description as tcpdump prints it after the time stamp, without a newline}
     *
     * @param packet the captured bytes (the whole segment)
     * @param wireLength the packet's length on the wire
     */
    public String describe(MemorySegment packet, long wireLength) {
        StringBuilder out = new StringBuilder(96);
        describe(out, packet, wireLength);
        return out.toString();
    }

    /**
     * Appends one packet's description as tcpdump prints it after the time stamp, without a newline.
     *
     * @param out where the text goes
     * @param packet the captured bytes (the whole segment)
     * @param wireLength the packet's length on the wire
     */
    public void describe(StringBuilder out, MemorySegment packet, long wireLength) {
        b = out;
        p = packet;
        snapend = packet.byteSize();
        protocol = "";
        llHeaderLength = 0;
        long len = Math.max(wireLength, packet.byteSize());
        try {
            link(len);
        } catch (Truncated t) {
            trunc();
            llHeaderLength = 0;
        } catch (RuntimeException e) {
            // A printer bug must not end the stream: say so the way tcpdump marks what it cannot show.
            b.append(" [|").append(protocol).append(']');
        } finally {
            b = null;
            p = null;
        }
    }

    // ================================================================ time stamps

    private void timestamp(StringBuilder out, long ns) {
        switch (timestamps) {
            case NONE -> { }
            case TIME -> {
                clock(out, ns, false);
                out.append(' ');
            }
            case DATE -> {
                clock(out, ns, true);
                out.append(' ');
            }
            case UNIX -> {
                long sec = Math.floorDiv(ns, 1_000_000_000L);
                out.append(sec);
                frac(out, Math.floorMod(ns, 1_000_000_000L));
                out.append(' ');
            }
            case DELTA, SINCE_FIRST -> {
                long ref = timestamps == Timestamps.DELTA ? prevNanos : firstNanos;
                if (firstNanos == Long.MIN_VALUE) firstNanos = ns;
                if (ref == Long.MIN_VALUE) ref = ns;
                long d = ns - ref;
                // tcpdump truncates both stamps to its precision before subtracting
                if (!nanos) d = ns / 1000 * 1000 - ref / 1000 * 1000;
                out.append(d < 0 ? '-' : ' ');
                d = Math.abs(d);
                long sec = d / 1_000_000_000L;
                two(out.append(""), (int) (sec / 3600 % 24)).append(':');
                two(out, (int) (sec / 60 % 60)).append(':');
                two(out, (int) (sec % 60));
                frac(out, d % 1_000_000_000L);
                out.append(' ');
                prevNanos = ns;
            }
        }
    }

    private void clock(StringBuilder out, long ns, boolean date) {
        long sec = Math.floorDiv(ns, 1_000_000_000L);
        int off = zone instanceof ZoneOffset z ? z.getTotalSeconds() : zone.getRules().getOffset(Instant.ofEpochSecond(sec)).getTotalSeconds();
        long local = sec + off;
        long day = Math.floorDiv(local, 86400);
        int tod = Math.floorMod(local, 86400);
        if (date) {
            if (day != cachedDay) {
                cachedDay = day;
                dayText.setLength(0);
                LocalDateTime d = LocalDateTime.ofEpochSecond(day * 86400, 0, ZoneOffset.UTC);
                dayText.append(d.getYear()).append('-');
                two(dayText, d.getMonthValue()).append('-');
                two(dayText, d.getDayOfMonth()).append(' ');
            }
            out.append(dayText);
        }
        two(out, tod / 3600).append(':');
        two(out, tod / 60 % 60).append(':');
        two(out, tod % 60);
        frac(out, Math.floorMod(ns, 1_000_000_000L));
    }

    private void frac(StringBuilder out, long ns) {
        out.append('.');
        long v = nanos ? ns : ns / 1000;
        int digits = nanos ? 9 : 6;
        for (long m = nanos ? 100_000_000L : 100_000L; digits-- > 0; m /= 10) out.append((char) ('0' + v / m % 10));
    }

    private static StringBuilder two(StringBuilder out, int v) {
        return out.append((char) ('0' + v / 10 % 10)).append((char) ('0' + v % 10));
    }

    // ================================================================ bytes

    int u8(long off) {
        if (off < 0 || off >= snapend) throw TRUNCATED;
        return p.get(JAVA_BYTE, off) & 0xFF;
    }

    int u16(long off) {
        if (off < 0 || off + 2 > snapend) throw TRUNCATED;
        return (p.get(JAVA_BYTE, off) & 0xFF) << 8 | (p.get(JAVA_BYTE, off + 1) & 0xFF);
    }

    long u32(long off) {
        if (off < 0 || off + 4 > snapend) throw TRUNCATED;
        return (long) u16(off) << 16 | u16(off + 2);
    }

    boolean have(long off, long n) {
        return off >= 0 && n >= 0 && off + n <= snapend;
    }

    void check(long off, long n) {
        if (!have(off, n)) throw TRUNCATED;
    }

    /**
     * tcpdump 4.99's rt6_print: "RT6 (len=, type=, segleft=" and the addresses of types 0, 2 (RFC
     * 2460, 6275) and 4 (segment routing); -1 where tcpdump stops printing the packet.
     */
    private long routingHeader(long cp) {
        protocol = "rt6";
        b.append("RT6");
        int len = u8(cp + 1), type = u8(cp + 2);
        b.append(" (len=").append(len).append(", type=").append(type);
        if (type == 0) b.append(" [Deprecated]");
        b.append(", segleft=").append(u8(cp + 3));
        if (type == 0 || type == 2) {
            long rsv = u32(cp + 4);
            if (rsv != 0 || vflag) b.append(", rsv=0x").append(Long.toHexString(rsv));
        } else if (type == 4) {
            b.append(", last-entry=").append(u8(cp + 4));
            int flags = u8(cp + 5);
            if (flags != 0 || vflag) b.append(", flags=0x").append(Integer.toHexString(flags));
            b.append(", tag=").append(Integer.toHexString(u16(cp + 6)));
        } else {
            b.append(" (unknown type) (invalid)");
            return -1;
        }
        if (len % 2 == 1) {
            b.append(" (invalid length ").append(len).append(") (invalid)");
            return -1;
        }
        for (int i = 0; i < len / 2; i++) {
            b.append(", [").append(i).append(']');
            ipv6(cp + 8 + 16L * i);
        }
        b.append(") ");
        return (len + 1) * 8L;
    }

    private static final String[] RELTS_UNITS = {"y", "w", "d", "h", "m", "s"};
    private static final long[] RELTS_SECONDS = {31_536_000, 604_800, 86_400, 3_600, 60, 1};

    /** A count of seconds as tcpdump's unsigned_relts_print writes it: {@code 51m12s}, {@code 0s}. */
    void relativeTime(long secs) {
        if (secs == 0) {
            b.append("0s");
            return;
        }
        for (int i = 0; i < RELTS_UNITS.length && secs > 0; i++) {
            if (secs >= RELTS_SECONDS[i]) {
                b.append(secs / RELTS_SECONDS[i]).append(RELTS_UNITS[i]);
                secs %= RELTS_SECONDS[i];
            }
        }
    }

    void trunc() {
        b.append(" [|").append(protocol).append(']');
    }

    void ipv4(long off) {
        check(off, 4);
        for (int i = 0; i < 4; i++) {
            if (i > 0) b.append('.');
            b.append(p.get(JAVA_BYTE, off + i) & 0xFF);
        }
    }

    void mac(long off, int n) {
        check(off, n);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(':');
            hex2(p.get(JAVA_BYTE, off + i) & 0xFF);
        }
    }

    void hex2(int v) {
        b.append(Character.forDigit(v >>> 4 & 0xF, 16)).append(Character.forDigit(v & 0xF, 16));
    }

    /** Hex without leading zeros, as printf's %x. */
    void hexMin(long v) {
        int digits = 1;
        for (long x = v >>> 4; x != 0; x >>>= 4) digits++;
        hex(v, digits);
    }

    void hex(long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) b.append(Character.forDigit((int) (v >>> (4 * i)) & 0xF, 16));
    }

    /** An IPv6 address as glibc's inet_ntop writes it (RFC 5952, with the IPv4-mapped and -compatible forms). */
    void ipv6(long off) {
        check(off, 16);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (u16(off + 2L * i) != 0) { i++; continue; }
            int j = i;
            while (j < 8 && u16(off + 2L * j) == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        if (bestLen < 2) bestStart = -1;
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            if (i == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && u16(off + 10) == 0xFFFF))) {
                ipv4(off + 12);
                return;
            }
            hexMin(u16(off + 2L * i));
            if (i < 7) b.append(':');
        }
    }

    // ================================================================ link layers

    private void link(long length) {
        switch (linkType) {
            case LinkType.ETHERNET -> ether(0, length);
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6, 12, 14 -> {
                protocol = "raw";
                if (eflag) b.append("ip: ");
                ipN(0, length);
            }
            case LinkType.LINUX_SLL -> sll(length);
            case LinkType.LINUX_SLL2 -> sll2(length);
            case LinkType.NULL, LinkType.LOOP -> nullLink(length);
            default -> b.append("linktype ").append(linkType).append(", length ").append(length);
        }
    }

    private void ipN(long off, long length) {
        int v = u8(off) >>> 4;
        switch (v) {
            case 4 -> ip(off, length);
            case 6 -> ip6(off, length);
            default -> b.append("IP").append(v).append(" (invalid)");
        }
    }

    private void ether(long off, long length) {
        protocol = "ether";
        long caplen = snapend - off;
        if (caplen < 14) {
            trunc();
            return;
        }
        long orig = length;
        if (eflag) {
            mac(off + 6, 6);
            b.append(" > ");
            mac(off, 6);
            b.append(", ");
        }
        long q = off + 12;
        long hdr = 12;
        boolean printedLength = false;
        int type = u16(q);
        q += 2;
        hdr += 2;
        length -= 14;
        while (type == 0x8100 || type == 0x9100 || type == 0x9200 || type == 0x88a8) {
            if (snapend - q < 4 || length < 4) {
                protocol = "vlan";
                trunc();
                llHeaderLength = hdr + Math.min(snapend - q, Math.max(length, 0));
                return;
            }
            if (eflag) {
                etherType(type);
                if (!printedLength) {
                    b.append(", length ").append(orig).append(": ");
                    printedLength = true;
                } else {
                    b.append(", ");
                }
                int tci = u16(q);
                b.append("vlan ").append(tci & 0xFFF).append(", p ").append(tci >>> 13);
                if ((tci & 0x1000) != 0) b.append(", DEI");
                b.append(", ");
            }
            type = u16(q + 2);
            q += 4;
            length -= 4;
            hdr += 4;
        }
        llHeaderLength = hdr;
        if (type <= 1500) {
            // 802.3 length field: tcpdump hands the frame to its LLC printer, which we do not have.
            if (length > type) length = type;
            if (eflag) {
                b.append("802.3");
                if (!printedLength) b.append(", length ").append(length).append(": ");
            }
            if (!eflag) {
                mac(off + 6, 6);
                b.append(" > ");
                mac(off, 6);
                b.append(", 802.3, length ").append(length).append(": ");
            }
            defaultPrint(q, Math.min(snapend, q + length) - q);
            return;
        }
        if (eflag) {
            etherType(type);
            if (!printedLength) b.append(", length ").append(orig).append(": ");
            else b.append(", ");
        }
        if (!etherTypePrint(type, q, length)) {
            if (!eflag) {
                mac(off + 6, 6);
                b.append(" > ");
                mac(off, 6);
                b.append(", ");
                etherType(type);
                b.append(", length ").append(orig).append(": ");
            }
            defaultPrint(q, snapend - q);
        }
    }

    private void etherType(int type) {
        String n = etherTypeName(type);
        if (!qflag) {
            b.append("ethertype ").append(n == null ? "Unknown" : n).append(" (0x");
            hex(type, 4);
            b.append(')');
        } else if (n != null) {
            b.append(n);
        } else {
            b.append("Unknown Ethertype (0x");
            hex(type, 4);
            b.append(')');
        }
    }

    static String etherTypeName(int type) {
        return switch (type) {
            case 0x0800 -> "IPv4";
            case 0x86dd -> "IPv6";
            case 0x0806 -> "ARP";
            case 0x8035 -> "Reverse ARP";
            case 0x8100 -> "802.1Q";
            case 0x9100 -> "802.1Q-9100";
            case 0x88a8 -> "802.1Q-QinQ";
            case 0x9200 -> "802.1Q-9200";
            case 0x8847 -> "MPLS unicast";
            case 0x8848 -> "MPLS multicast";
            case 0x8863 -> "PPPoE D";
            case 0x8864 -> "PPPoE S";
            case 0x888e -> "EAPOL";
            case 0x88cc -> "LLDP";
            case 0x9000 -> "Loopback";
            case 0x809b -> "Appletalk";
            case 0x80f3 -> "Appletalk ARP";
            case 0x8137 -> "IPX";
            default -> null;
        };
    }

    /** tcpdump's ethertype_print: false when it has no printer for the type. */
    private boolean etherTypePrint(int type, long off, long length) {
        switch (type) {
            case 0x0800 -> ip(off, length);
            case 0x86dd -> ip6(off, length);
            case 0x0806, 0x8035 -> arp(off, length);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void sll(long length) {
        protocol = "sll";
        check(0, 16);
        if (eflag) sllHeader(length, false);
        llHeaderLength = 16;
        cookedPayload(16, length - 16, u16(14), length, false);
    }

    private void sll2(long length) {
        protocol = "sll2";
        check(0, 20);
        int ifindex = (int) u32(4);
        String name = ifNames.computeIfAbsent(ifindex, i -> {
            String n = ifNameOf.apply(i);
            return n == null ? "?" : n;
        });
        b.append(name);
        for (int i = name.length(); i < 5; i++) b.append(' ');
        b.append(' ');
        String t = packetType(u8(10));
        b.append(t);
        for (int i = t.length(); i < 3; i++) b.append(' ');
        b.append(' ');
        if (eflag) sllHeader(length, true);
        llHeaderLength = 20;
        cookedPayload(20, length - 20, u16(0), length, true);
    }

    private static String ifName(int index) {
        try {
            NetworkInterface n = NetworkInterface.getByIndex(index);
            return n == null ? "?" : n.getName();
        } catch (SocketException e) {
            return "?";
        }
    }

    private static String packetType(int t) {
        return switch (t) {
            case 0 -> "In";
            case 1 -> "B";
            case 2 -> "M";
            case 3 -> "P";
            case 4 -> "Out";
            default -> "?";
        };
    }

    private void sllHeader(long length, boolean v2) {
        int halen, type;
        long addr;
        if (v2) {
            b.append("ifindex ").append(u32(4)).append(' ');
            halen = u8(11);
            addr = 12;
            type = u16(0);
        } else {
            String t = packetType(u16(0));
            for (int i = t.length(); i < 3; i++) b.append(' ');
            b.append(t).append(' ');
            halen = u16(4);
            addr = 6;
            type = u16(14);
        }
        if (halen == 6) {
            mac(addr, 6);
            b.append(' ');
        }
        if (!qflag) {
            if (type <= 1500) {
                if (type == 1) b.append("802.3");
                else if (type == 4) b.append("802.2");
                else {
                    b.append("ethertype Unknown (0x");
                    hex(type, 4);
                    b.append(')');
                }
            } else {
                etherType(type);
            }
            b.append(", length ").append(length).append(": ");
        }
    }

    private void cookedPayload(long off, long length, int type, long wire, boolean v2) {
        while (type == 0x8100) {
            if (snapend - off < 4) {
                protocol = "vlan";
                trunc();
                llHeaderLength += snapend - off;
                return;
            }
            if (eflag) {
                int tci = u16(off);
                b.append("vlan ").append(tci & 0xFFF).append(", p ").append(tci >>> 13);
                if ((tci & 0x1000) != 0) b.append(", DEI");
                b.append(", ");
            }
            type = u16(off + 2);
            if (type <= 1500) type = 4;
            if (!qflag) {
                String n = etherTypeName(type);
                b.append("ethertype ").append(n == null ? "Unknown" : n).append(", ");
            }
            off += 4;
            length -= 4;
            llHeaderLength += 4;
        }
        if (type <= 1500) {
            defaultPrint(off, snapend - off);
            return;
        }
        if (!etherTypePrint(type, off, length)) {
            if (!eflag) sllHeader(wire, v2);
            defaultPrint(off, snapend - off);
        }
    }

    private void nullLink(long length) {
        protocol = "null";
        check(0, 4);
        llHeaderLength = 4;
        long family;
        if (linkType == LinkType.LOOP) {
            family = u32(0);
        } else {
            // host byte order of the machine that wrote the file: take whichever reading is small
            family = (long) (p.get(JAVA_BYTE, 3) & 0xFF) << 24 | (p.get(JAVA_BYTE, 2) & 0xFF) << 16
                    | (p.get(JAVA_BYTE, 1) & 0xFF) << 8 | (p.get(JAVA_BYTE, 0) & 0xFF);
            if ((family & 0xFFFF0000L) != 0) family = u32(0);
        }
        if (eflag) nullHeader(family, length);
        if (family == 2) ip(4, length - 4);
        else if (family == 24 || family == 28 || family == 30) ip6(4, length - 4);
        else {
            if (!eflag) nullHeader(family, length);
            defaultPrint(4, snapend - 4);
        }
    }

    private void nullHeader(long family, long length) {
        String n = family == 2 ? "IPv4" : family == 24 || family == 28 || family == 30 ? "IPv6" : family == 7 ? "ISO"
                : family == 16 ? "Appletalk" : family == 23 ? "IPX" : family == 6 ? "NS" : null;
        if (!qflag) b.append("AF ").append(n == null ? "Unknown" : n).append(" (").append(family).append(')');
        else if (n != null) b.append(n);
        else b.append("Unknown AF ").append(family);
        b.append(", length ").append(length).append(": ");
    }

    // ================================================================ ARP

    private void arp(long off, long length) {
        protocol = "arp";
        check(off, 8);
        int hrd = u16(off), pro = u16(off + 2), hln = u8(off + 4), pln = u8(off + 5), op = u16(off + 6);
        long sha = off + 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
        check(tpa, pln);
        if (!eflag) b.append("ARP, ");
        boolean ipProto = pro == 0x0800 || pro == 0x1000;
        if (!ipProto || pln != 4 || hln == 0 || vflag) {
            String h = switch (hrd) {
                case 1 -> "Ethernet";
                case 6 -> "TokenRing";
                case 7 -> "ArcNet";
                case 15 -> "FrameRelay";
                case 19 -> "ATM";
                case 23 -> "Strip";
                case 24 -> "IEEE 1394";
                case 32 -> "InfiniBand";
                default -> null;
            };
            if (h == null) b.append("Unknown Hardware (").append(hrd).append(')');
            else b.append(h);
            b.append(" (len ").append(hln).append("), ");
            String pn = etherTypeName(pro);
            if (pn == null) {
                b.append("Unknown Protocol (0x");
                hex(pro, 4);
                b.append(')');
            } else {
                b.append(pn);
            }
            b.append(" (len ").append(pln).append(')');
            if (!vflag) {
                b.append(", length ").append(length);
                return;
            }
        }
        if (vflag) b.append(", ");
        String ops = switch (op) {
            case 1 -> "Request";
            case 2 -> "Reply";
            case 3 -> "Reverse Request";
            case 4 -> "Reverse Reply";
            case 8 -> "Inverse Request";
            case 9 -> "Inverse Reply";
            case 10 -> "NACK Reply";
            default -> null;
        };
        if (ops == null) b.append("Unknown (").append(op).append(')');
        else b.append(ops);
        b.append(' ');
        switch (op) {
            case 1 -> {
                b.append("who-has ");
                arpProto(tpa, pro, pln);
                boolean nonzero = false;
                for (int i = 0; i < hln; i++) nonzero |= u8(tha + i) != 0;
                if (nonzero) {
                    b.append(" (");
                    linkAddr(tha, hln);
                    b.append(')');
                }
                b.append(" tell ");
                arpProto(spa, pro, pln);
            }
            case 2 -> {
                arpProto(spa, pro, pln);
                b.append(" is-at ");
                linkAddr(sha, hln);
            }
            case 3, 8 -> {
                b.append("who-is ");
                linkAddr(tha, hln);
                b.append(" tell ");
                linkAddr(sha, hln);
            }
            case 4 -> {
                linkAddr(tha, hln);
                b.append(" at ");
                arpProto(tpa, pro, pln);
            }
            case 9 -> {
                linkAddr(sha, hln);
                b.append(" at ");
                arpProto(spa, pro, pln);
            }
            default -> {
                defaultPrint(off, snapend - off);
                return;
            }
        }
        b.append(", length ").append(length);
    }

    private void arpProto(long off, int pro, int pln) {
        if (pro != 0x0800 && pro != 0x1000) b.append("<wrong proto type>");
        else if (pln != 4) b.append("<wrong len>");
        else ipv4(off);
    }

    private void linkAddr(long off, int n) {
        if (n == 6) {
            mac(off, 6);
            return;
        }
        check(off, n);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(n == 0 ? "" : ':');
            hex2(u8(off + i));
        }
        if (n == 0) b.append("<No address>");
    }

    // ================================================================ IPv4 / IPv6

    void ip(long off, long length) {
        protocol = "ip";
        int v = u8(off) >>> 4;
        if (v != 4) {
            if (v == 6) b.append("IP6, wrong link-layer encapsulation");
            else b.append("IP").append(v);
            b.append(" (invalid)");
            return;
        }
        if (!eflag) b.append("IP ");
        check(off, 20);
        if (length < 20) {
            b.append("truncated-ip ").append(length);
            return;
        }
        int hlen = (u8(off) & 0xF) * 4;
        if (hlen < 20) {
            b.append("bad-hlen ").append(hlen);
            return;
        }
        int len = u16(off + 2);
        if (length < len) b.append("truncated-ip - ").append(len - length).append(" bytes missing! ");
        if (len < hlen) {
            b.append("bad-len ").append(len);
            return;
        }
        long savedEnd = snapend;
        snapend = Math.min(snapend, off + len);
        try {
            len -= hlen;
            int frag = u16(off + 6);
            int proto = u8(off + 9);
            if (vflag) {
                int tos = u8(off + 1);
                b.append("(tos 0x");
                hexMin(tos);
                switch (tos & 3) {
                    case 1 -> b.append(",ECT(1)");
                    case 2 -> b.append(",ECT(0)");
                    case 3 -> b.append(",CE");
                    default -> { }
                }
                int ttl = u8(off + 8);
                if (ttl >= 1) b.append(", ttl ").append(ttl);
                b.append(", id ").append(u16(off + 4)).append(", offset ").append((frag & 0x1FFF) * 8).append(", flags [");
                int fl = frag & 0xE000;
                if (fl == 0) b.append("none");
                else {
                    boolean first = true;
                    if ((fl & 0x8000) != 0) { b.append("rsvd"); first = false; }
                    if ((fl & 0x4000) != 0) { b.append(first ? "" : ", ").append("DF"); first = false; }
                    if ((fl & 0x2000) != 0) b.append(first ? "" : ", ").append('+');
                }
                String pn = ipProtoName(proto);
                b.append("], proto ").append(pn == null ? "unknown" : pn).append(" (").append(proto).append("), length ")
                        .append(u16(off + 2));
                if (hlen > 20) b.append(", options (...)");
                int computed = have(off, hlen) ? Checksums.internet(p, off, hlen) : 0;
                if (computed != 0) {
                    int sum = u16(off + 10);
                    b.append(", bad cksum ").append(Integer.toHexString(sum)).append(" (->")
                            .append(Integer.toHexString(shouldBe(sum, computed))).append(")!");
                }
                b.append(")\n    ");
            }
            if ((frag & 0x1FFF) == 0) {
                if (proto != 6 && proto != 17 && proto != 132 && proto != 33) {
                    ipv4(off + 12);
                    b.append(" > ");
                    ipv4(off + 16);
                    b.append(": ");
                }
                if (!have(off, hlen)) {
                    b.append(" [remaining caplen(").append(snapend - off).append(") < header length(").append(hlen).append(")]");
                    throw TRUNCATED;
                }
                IpTransport.demux(this, off + hlen, len, 4, (frag & 0x2000) != 0, u8(off + 8), proto, off);
            } else {
                ipv4(off + 12);
                b.append(" > ");
                ipv4(off + 16);
                b.append(": ip-proto-").append(proto);
            }
        } finally {
            snapend = savedEnd;
        }
    }

    /**
     * What tcpdump prints after "incorrect ->": its in_cksum_shouldbe of the field and the verification
     * sum: the field plus our {@link Checksums#internet} value over the data (field included), folded.
     */
    static int shouldBe(int field, int computed) {
        int s = field + computed;
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return s & 0xFFFF;
    }

    static String ipProtoName(int proto) {
        return switch (proto) {
            case 0 -> "Options";
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 4 -> "IPIP";
            case 6 -> "TCP";
            case 8 -> "EGP";
            case 9 -> "IGRP";
            case 17 -> "UDP";
            case 33 -> "DCCP";
            case 41 -> "IPv6";
            case 43 -> "Routing";
            case 44 -> "Fragment";
            case 46 -> "RSVP";
            case 47 -> "GRE";
            case 50 -> "ESP";
            case 51 -> "AH";
            case 58 -> "ICMPv6";
            case 59 -> "NONE";
            case 60 -> "Dst Options";
            case 88 -> "EIGRP";
            case 89 -> "OSPF";
            case 103 -> "PIM";
            case 108 -> "Compressed IP";
            case 112 -> "VRRP";
            case 113 -> "PGM";
            case 132 -> "SCTP";
            case 135 -> "Mobility";
            default -> null;
        };
    }

    void ip6(long off, long length) {
        protocol = "ip6";
        check(off, 40);
        if (length < 40) {
            b.append("truncated-ip6 ").append(length);
            return;
        }
        if (!eflag) b.append("IP6 ");
        if (u8(off) >>> 4 != 6) {
            b.append("version error: ").append(u8(off) >>> 4).append(" != 6");
            return;
        }
        long payloadLen = u16(off + 4);
        long len;
        if (payloadLen != 0) {
            len = payloadLen + 40;
            if (length < len) b.append("truncated-ip6 - ").append(len - length).append(" bytes missing!");
        } else {
            len = length + 40;
        }
        int nh = u8(off + 6);
        if (vflag) {
            long flow = u32(off);
            b.append('(');
            if ((flow & 0x0ff00000L) != 0) {
                b.append("class 0x");
                hex((flow & 0x0ff00000L) >>> 20, 2);
                b.append(", ");
            }
            if ((flow & 0x000fffffL) != 0) {
                b.append("flowlabel 0x");
                hex(flow & 0xfffff, 5);
                b.append(", ");
            }
            String pn = ipProtoName(nh);
            b.append("hlim ").append(u8(off + 7)).append(", next-header ").append(pn == null ? "unknown" : pn).append(" (")
                    .append(nh).append(") payload length: ").append(payloadLen).append(") ");
        }
        long savedEnd = snapend;
        snapend = Math.min(snapend, off + len);
        try {
            long cp = off;
            long advance = 40;
            boolean fragmented = false, foundExt = false, foundHbh = false;
            int ph = 255;
            while (cp < snapend && advance > 0) {
                if (len < advance) {
                    trunc();
                    return;
                }
                cp += advance;
                len -= advance;
                if (cp == off + 40 && nh != 6 && nh != 17 && nh != 33 && nh != 132) {
                    ipv6(off + 8);
                    b.append(" > ");
                    ipv6(off + 24);
                    b.append(": ");
                }
                switch (nh) {
                    case 0 -> {
                        if (foundHbh || ph != 255) {
                            b.append(foundHbh ? "[The Hop-by-Hop Options header was already found]"
                                    : "[The Hop-by-Hop Options header don't follow the IPv6 header]").append(" (invalid)");
                            return;
                        }
                        protocol = "hbhopt";
                        advance = (u8(cp + 1) + 1) * 8L;
                        check(cp, advance);
                        b.append("HBH ");
                        if (vflag) IpTransport.ip6Options(this, cp + 2, advance - 2);
                        foundExt = foundHbh = true;
                        nh = u8(cp);
                    }
                    case 60 -> {
                        protocol = "dstopt";
                        advance = (u8(cp + 1) + 1) * 8L;
                        check(cp, advance);
                        b.append("DSTOPT ");
                        if (vflag) IpTransport.ip6Options(this, cp + 2, advance - 2);
                        foundExt = true;
                        nh = u8(cp);
                    }
                    case 44 -> {
                        protocol = "frag6";
                        int offlg = u16(cp + 2);
                        long fragLen = 40 + payloadLen - (cp - off) - 8;
                        b.append("frag (");
                        if (vflag) {
                            b.append("0x");
                            hex(u32(cp + 4), 8);
                            b.append(':');
                        }
                        b.append(offlg & 0xFFF8).append('|').append(fragLen).append(')');
                        if ((offlg & 0xFFF8) != 0) return;
                        b.append(' ');
                        advance = 8;
                        if (snapend <= cp + advance) return;
                        foundExt = true;
                        nh = u8(cp);
                        fragmented = true;
                    }
                    case 43 -> {
                        advance = routingHeader(cp);
                        if (advance < 0) return;
                        foundExt = true;
                        nh = u8(cp);
                    }
                    default -> {
                        if (payloadLen == 0) {
                            if (foundExt) {
                                trunc();
                                return;
                            }
                            len = 0;
                        }
                        IpTransport.demux(this, cp, len, 6, fragmented, u8(off + 7), nh, off);
                        return;
                    }
                }
                ph = nh;
                protocol = "ip6";
            }
        } finally {
            snapend = savedEnd;
        }
    }

    // ================================================================ dumps

    /** tcpdump's default printer for what it cannot decode: hex and ASCII lines, unless -q, -x or -X asked otherwise. */
    void defaultPrint(long off, long n) {
        if (qflag || dump == Dump.HEX || dump == Dump.HEX_LINK || dump == Dump.HEX_ASCII || dump == Dump.HEX_ASCII_LINK) return;
        hexAscii("\n\t", off, n);
    }

    /** tcpdump's hex_print (and print_unknown_data): offset and hex, no ASCII column. */
    void hexOnly(String indent, long off, long length) {
        length = Math.min(length, Math.max(0, snapend - off));
        for (long i = 0; i < length; i++) {
            if (i % 16 == 0) {
                b.append(indent).append("0x");
                hex(i, 4);
                b.append(": ");
            }
            if (i % 2 == 0) b.append(' ');
            hex2(p.get(JAVA_BYTE, off + i) & 0xFF);
        }
    }

    void hexAscii(String indent, long off, long length) {
        long cap = Math.max(0, snapend - off);
        boolean truncated = length > cap;
        if (truncated) length = cap;
        long oset = 0;
        StringBuilder hexs = new StringBuilder(40);
        StringBuilder asc = new StringBuilder(16);
        for (long i = 0; i < length; i++) {
            int c = p.get(JAVA_BYTE, off + i) & 0xFF;
            if (i % 2 == 0) hexs.append(' ');
            hexs.append(Character.forDigit(c >>> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            asc.append(c > 0x20 && c < 0x7F ? (char) c : '.');
            if (i % 16 == 15 || i == length - 1) {
                b.append(indent).append("0x");
                hex(oset, 4);
                b.append(": ").append(hexs);
                for (int k = hexs.length(); k < 40; k++) b.append(' ');
                b.append("  ").append(asc);
                hexs.setLength(0);
                asc.setLength(0);
                oset += 16;
            }
        }
        if (truncated) throw TRUNCATED;
    }

    private void dump(StringBuilder out, Dump d, MemorySegment packet, long from) {
        StringBuilder saved = b;
        b = out;
        p = packet;
        snapend = packet.byteSize();
        long n = snapend - from;
        try {
            switch (d) {
                case HEX, HEX_LINK -> hexOnly("\n\t", from, n);
                case HEX_ASCII, HEX_ASCII_LINK -> hexAscii("\n\t", from, n);
                case ASCII, ASCII_LINK -> {
                    b.append('\n');
                    for (long i = 0; i < n; i++) {
                        int c = p.get(JAVA_BYTE, from + i) & 0xFF;
                        long left = n - i - 1;
                        if (c == '\r') {
                            if (left > 1 && (p.get(JAVA_BYTE, from + i + 1) & 0xFF) != '\n') b.append('.');
                        } else if ((c > 0x20 && c < 0x7F) || c == '\t' || c == ' ' || c == '\n') {
                            b.append((char) c);
                        } else {
                            b.append('.');
                        }
                    }
                }
                default -> { }
            }
        } finally {
            b = saved;
        }
    }

    // ================================================================ TCP state

    /**
     * tcpdump's table of first sequence numbers per connection, keyed by the addresses and ports in
     * one collating order so both directions find the same entry. Open addressing over arrays: a
     * lookup allocates nothing.
     */
    static final class TcpSeqTable {
        private long[] keys = new long[5 * 64];
        private long[] vals = new long[2 * 64];
        private boolean[] used = new boolean[64];
        private int size;
        final long[] key = new long[5];

        /** The slot of {@link #key}, or the empty slot where it would go (negative: -slot - 1). */
        int find() {
            int cap = used.length;
            long h = 0;
            for (long k : key) h = h * 0x9E3779B97F4A7C15L + k;
            int i = (int) ((h ^ (h >>> 29)) & (cap - 1));
            while (used[i]) {
                boolean eq = true;
                for (int j = 0; j < 5 && eq; j++) eq = keys[5 * i + j] == key[j];
                if (eq) return i;
                i = (i + 1) & (cap - 1);
            }
            return -i - 1;
        }

        int put(int emptySlot) {
            if (2 * (size + 1) > used.length) {
                grow();
                emptySlot = find();
            }
            int i = -emptySlot - 1;
            used[i] = true;
            System.arraycopy(key, 0, keys, 5 * i, 5);
            size++;
            return i;
        }

        long seq(int slot) {
            return vals[2 * slot];
        }

        long ack(int slot) {
            return vals[2 * slot + 1];
        }

        void set(int slot, long seq, long ack) {
            vals[2 * slot] = seq & 0xFFFFFFFFL;
            vals[2 * slot + 1] = ack & 0xFFFFFFFFL;
        }

        private void grow() {
            long[] ok = keys, ov = vals;
            boolean[] ou = used;
            long[] saved = key.clone();
            keys = new long[ok.length * 2];
            vals = new long[ov.length * 2];
            used = new boolean[ou.length * 2];
            for (int s = 0; s < ou.length; s++) {
                if (!ou[s]) continue;
                System.arraycopy(ok, 5 * s, key, 0, 5);
                int i = -find() - 1;
                used[i] = true;
                System.arraycopy(ok, 5 * s, keys, 5 * i, 5);
                vals[2 * i] = ov[2 * s];
                vals[2 * i + 1] = ov[2 * s + 1];
            }
            System.arraycopy(saved, 0, key, 0, 5);
        }
    }
}
