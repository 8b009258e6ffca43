package dev.rawsock.internal;

import dev.rawsock.packet.internal.InetBytes;
import dev.rawsock.IpMreqn;
import dev.rawsock.Ipv6Mreq;
import dev.rawsock.PacketStatistics;
import dev.rawsock.TcpInfo;
import dev.rawsock.Ucred;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * How one socket option's value goes between Java and C: the size of the buffer getsockopt(2) is
 * given, the decoding of what the kernel wrote, the range check done before setsockopt(2), and the
 * encoding into scratch memory. {@code SockOpt} holds one of these per option; this is the only place
 * that knows option values' C shapes.
 *
 * @param <T> the Java value type
 */
public abstract class OptCodec<T> {
    private final Class<T> type;

    OptCodec(Class<T> type) { this.type = type; }

    /** The Java type of values. */
    public final Class<T> type() { return type; }

    /** Bytes to offer getsockopt(2). */
    public abstract int size();

    /** The value from the {@code len} bytes the kernel wrote at {@code v}. */
    public abstract T decode(MemorySegment v, int len);

    /** Rejects a value C could not represent, or the kernel would refuse for its range, before any call. */
    public void check(String option, T value) {
        Objects.requireNonNull(value, option + " value");
    }

    /** The C form of a checked value, in {@code s.misc}: exactly the bytes setsockopt(2) is given. */
    public abstract MemorySegment encode(T value, Scratch s);

    // ------------------------------------------------------------- ints and things carried as ints

    /** A C int, in [min, max]. */
    public static OptCodec<Integer> integer(int min, int max) {
        return integer(range(min, max), v -> v >= min && v <= max);
    }

    /** A C int that {@code ok} accepts, described by {@code allowed} in the exception message. */
    public static OptCodec<Integer> integer(String allowed, java.util.function.IntPredicate ok) {
        return new OptCodec<>(Integer.class) {
            public int size() { return 4; }
            public Integer decode(MemorySegment v, int len) { return intOf(v, len); }
            public void check(String option, Integer value) {
                super.check(option, value);
                if (!ok.test(value)) throw new IllegalArgumentException(option + " takes " + allowed + ", not " + value);
            }
            public MemorySegment encode(Integer value, Scratch s) {
                MemorySegment m = s.misc(4);
                m.set(JAVA_INT, 0, value);
                return m;
            }
        };
    }

    /** Any C int. */
    public static OptCodec<Integer> integer() {
        return integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static String range(int min, int max) {
        if (max == Integer.MAX_VALUE) return "values >= " + min;
        return min + ".." + max;
    }

    /** Reads an int the kernel may have shortened to one byte (IP_TOS, IP_MULTICAST_TTL, ... when asked with less room). */
    static int intOf(MemorySegment v, int len) {
        if (len >= 4) return v.get(JAVA_INT, 0);
        if (len >= 1) return v.get(JAVA_BYTE, 0) & 0xFF;
        return 0;
    }

    /** A C int used as a boolean: 0 is false, anything else true; true is sent as 1. */
    public static OptCodec<Boolean> bool() {
        return new OptCodec<>(Boolean.class) {
            public int size() { return 4; }
            public Boolean decode(MemorySegment v, int len) { return intOf(v, len) != 0; }
            public MemorySegment encode(Boolean value, Scratch s) {
                MemorySegment m = s.misc(4);
                m.set(JAVA_INT, 0, value ? 1 : 0);
                return m;
            }
        };
    }

    /** A 64-bit value (u64 options such as SO_COOKIE, SO_MAX_PACING_RATE), in [min, max]. */
    public static OptCodec<Long> int64(long min) {
        return new OptCodec<>(Long.class) {
            public int size() { return 8; }
            public Long decode(MemorySegment v, int len) {
                if (len >= 8) return v.get(JAVA_LONG, 0);
                return len >= 4 ? Integer.toUnsignedLong(v.get(JAVA_INT, 0)) : 0L;
            }
            public void check(String option, Long value) {
                super.check(option, value);
                if (value < min) throw new IllegalArgumentException(option + " takes values >= " + min + ", not " + value);
            }
            public MemorySegment encode(Long value, Scratch s) {
                MemorySegment m = s.misc(8);
                m.set(JAVA_LONG, 0, value);
                return m;
            }
        };
    }

    /** An int shown to Java as another type ({@code SocketType}, {@code Domain}, {@code Protocol}). */
    public static <T> OptCodec<T> mapped(Class<T> type, OptCodec<Integer> base, Function<Integer, T> from,
                                         Function<T, Integer> to) {
        return new OptCodec<>(type) {
            public int size() { return base.size(); }
            public T decode(MemorySegment v, int len) { return from.apply(base.decode(v, len)); }
            public void check(String option, T value) {
                super.check(option, value);
                base.check(option, to.apply(value));
            }
            public MemorySegment encode(T value, Scratch s) { return base.encode(to.apply(value), s); }
        };
    }

    /**
     * An interface index the kernel keeps in network byte order (IP_UNICAST_IF: "the index in network
     * byte order", ip(7)); Java sees the plain index.
     */
    public static OptCodec<Integer> ifindexNetworkOrder() {
        return new OptCodec<>(Integer.class) {
            public int size() { return 4; }
            public Integer decode(MemorySegment v, int len) { return Integer.reverseBytes(intOf(v, len)); }
            public void check(String option, Integer value) {
                super.check(option, value);
                if (value < 0) throw new IllegalArgumentException(option + " takes an interface index >= 0, not " + value);
            }
            public MemorySegment encode(Integer value, Scratch s) {
                MemorySegment m = s.misc(4);
                m.set(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, value);
                return m;
            }
        };
    }

    // ------------------------------------------------------------- struct linger, struct timeval

    /**
     * {@code struct linger} as the JDK's {@code StandardSocketOptions.SO_LINGER}: -1 when l_onoff is 0,
     * else l_linger seconds (0 means reset on close).
     */
    public static OptCodec<Integer> linger() {
        return new OptCodec<>(Integer.class) {
            public int size() { return (int) Layouts.LINGER.byteSize(); }
            public Integer decode(MemorySegment v, int len) {
                return v.get(JAVA_INT, 0) == 0 ? -1 : v.get(JAVA_INT, 4);
            }
            public void check(String option, Integer value) {
                super.check(option, value);
                if (value < -1) throw new IllegalArgumentException(option + " takes -1 (off) or seconds >= 0, not " + value);
            }
            public MemorySegment encode(Integer value, Scratch s) {
                MemorySegment m = s.misc(Layouts.LINGER.byteSize());
                m.set(JAVA_INT, 0, value < 0 ? 0 : 1);
                m.set(JAVA_INT, 4, value < 0 ? 0 : value);
                return m;
            }
        };
    }

    /**
     * {@code struct timeval} as a {@link Duration}; zero means no timeout (socket(7)). A non-zero
     * duration below a microsecond is rounded up to one, so that it does not turn into "no timeout".
     */
    public static OptCodec<Duration> timeval() {
        return new OptCodec<>(Duration.class) {
            public int size() { return (int) Layouts.TIMEVAL.byteSize(); }
            public Duration decode(MemorySegment v, int len) {
                return Duration.ofSeconds(v.get(JAVA_LONG, 0)).plusNanos(v.get(JAVA_LONG, 8) * 1000);
            }
            public void check(String option, Duration value) {
                super.check(option, value);
                if (value.isNegative()) throw new IllegalArgumentException(option + " takes a duration >= 0, not " + value);
            }
            public MemorySegment encode(Duration value, Scratch s) {
                MemorySegment m = s.misc(Layouts.TIMEVAL.byteSize());
                long usec = (value.getNano() + 999) / 1000;
                long sec = value.getSeconds();
                if (usec == 1_000_000) { sec++; usec = 0; }
                m.set(JAVA_LONG, 0, sec);
                m.set(JAVA_LONG, 8, usec);
                return m;
            }
        };
    }

    // ------------------------------------------------------------- strings and bytes

    /**
     * A NUL-terminated name (SO_BINDTODEVICE, TCP_CONGESTION) of at most {@code maxBytes - 1} bytes;
     * an empty one only when {@code emptyAllowed}. Longer names are rejected, never cut.
     */
    public static OptCodec<String> cString(int maxBytes, boolean emptyAllowed) {
        return new OptCodec<>(String.class) {
            public int size() { return maxBytes; }
            public String decode(MemorySegment v, int len) {
                int n = 0;
                while (n < len && v.get(JAVA_BYTE, n) != 0) n++;
                return new String(v.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            }
            public void check(String option, String value) {
                super.check(option, value);
                byte[] b = value.getBytes(StandardCharsets.UTF_8);
                if (b.length == 0 && !emptyAllowed) throw new IllegalArgumentException(option + " takes a non-empty name");
                if (b.length >= maxBytes)
                    throw new IllegalArgumentException(option + " takes at most " + (maxBytes - 1) + " bytes: '" + value + "'");
                if (value.indexOf('\0') >= 0) throw new IllegalArgumentException(option + " value contains a NUL");
            }
            public MemorySegment encode(String value, Scratch s) {
                byte[] b = value.getBytes(StandardCharsets.UTF_8);
                MemorySegment m = s.misc(b.length + 1);
                MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
                return m;
            }
        };
    }

    /** Bytes as they are, up to {@code max} (a raw option, IP_OPTIONS); exactly {@code exact} when that is > 0. */
    public static OptCodec<byte[]> bytes(int max, int exact) {
        return new OptCodec<>(byte[].class) {
            public int size() { return exact > 0 ? exact : max; }
            public byte[] decode(MemorySegment v, int len) {
                return v.asSlice(0, Math.min(len, size())).toArray(JAVA_BYTE);
            }
            public void check(String option, byte[] value) {
                super.check(option, value);
                if (exact > 0 && value.length != exact)
                    throw new IllegalArgumentException(option + " takes exactly " + exact + " bytes, not " + value.length);
                if (value.length > max)
                    throw new IllegalArgumentException(option + " takes at most " + max + " bytes, not " + value.length);
            }
            public MemorySegment encode(byte[] value, Scratch s) {
                MemorySegment m = s.misc(value.length);
                MemorySegment.copy(value, 0, m, JAVA_BYTE, 0, value.length);
                return m;
            }
        };
    }

    // ------------------------------------------------------------- addresses and structs

    static Inet4Address inet4(MemorySegment v, long off) {
        return InetBytes.v4(v.asSlice(off, 4).toArray(JAVA_BYTE));
    }

    static Inet6Address inet6(MemorySegment v, long off) {
        return InetBytes.v6(v.asSlice(off, 16).toArray(JAVA_BYTE));
    }

    /** A {@code struct in_addr} (IP_MULTICAST_IF as getsockopt(2) gives it back). */
    public static OptCodec<Inet4Address> inAddr() {
        return new OptCodec<>(Inet4Address.class) {
            public int size() { return 4; }
            public Inet4Address decode(MemorySegment v, int len) { return inet4(v, 0); }
            public MemorySegment encode(Inet4Address value, Scratch s) {
                MemorySegment m = s.misc(4);
                MemorySegment.copy(value.getAddress(), 0, m, JAVA_BYTE, 0, 4);
                return m;
            }
        };
    }

    /** {@code struct ucred}. */
    public static OptCodec<Ucred> ucred() {
        return new OptCodec<>(Ucred.class) {
            public int size() { return (int) Layouts.UCRED.byteSize(); }
            public Ucred decode(MemorySegment v, int len) {
                return new Ucred(v.get(JAVA_INT, 0), v.get(JAVA_INT, 4), v.get(JAVA_INT, 8));
            }
            public MemorySegment encode(Ucred value, Scratch s) {
                MemorySegment m = s.misc(size());
                m.set(JAVA_INT, 0, value.pid());
                m.set(JAVA_INT, 4, value.uid());
                m.set(JAVA_INT, 8, value.gid());
                return m;
            }
        };
    }

    /** {@code struct ip_mreqn}. */
    public static OptCodec<IpMreqn> ipMreqn() {
        return new OptCodec<>(IpMreqn.class) {
            public int size() { return (int) Layouts.IP_MREQN.byteSize(); }
            public IpMreqn decode(MemorySegment v, int len) {
                return new IpMreqn(inet4(v, Layouts.IMR_MULTIADDR), inet4(v, Layouts.IMR_ADDRESS),
                        v.get(JAVA_INT, Layouts.IMR_IFINDEX));
            }
            public MemorySegment encode(IpMreqn value, Scratch s) {
                MemorySegment m = s.misc(size());
                MemorySegment.copy(value.group().getAddress(), 0, m, JAVA_BYTE, Layouts.IMR_MULTIADDR, 4);
                if (value.interfaceAddress() != null)
                    MemorySegment.copy(value.interfaceAddress().getAddress(), 0, m, JAVA_BYTE, Layouts.IMR_ADDRESS, 4);
                m.set(JAVA_INT, Layouts.IMR_IFINDEX, value.ifindex());
                return m;
            }
        };
    }

    /** {@code struct ipv6_mreq}. */
    public static OptCodec<Ipv6Mreq> ipv6Mreq() {
        return new OptCodec<>(Ipv6Mreq.class) {
            public int size() { return (int) Layouts.IPV6_MREQ.byteSize(); }
            public Ipv6Mreq decode(MemorySegment v, int len) {
                return new Ipv6Mreq(inet6(v, Layouts.IPV6MR_MULTIADDR), v.get(JAVA_INT, Layouts.IPV6MR_INTERFACE));
            }
            public MemorySegment encode(Ipv6Mreq value, Scratch s) {
                MemorySegment m = s.misc(size());
                MemorySegment.copy(value.group().getAddress(), 0, m, JAVA_BYTE, Layouts.IPV6MR_MULTIADDR, 16);
                m.set(JAVA_INT, Layouts.IPV6MR_INTERFACE, value.ifindex());
                return m;
            }
        };
    }

    /** {@code struct tpacket_stats} or {@code tpacket_stats_v3}, whichever the kernel wrote. */
    public static OptCodec<PacketStatistics> packetStatistics() {
        return new OptCodec<>(PacketStatistics.class) {
            public int size() { return (int) Layouts.TPACKET_STATS_V3.byteSize(); }
            public PacketStatistics decode(MemorySegment v, int len) {
                return new PacketStatistics(u32(v, len, Layouts.TP_PACKETS), u32(v, len, Layouts.TP_DROPS),
                        u32(v, len, Layouts.TP_FREEZE_Q_CNT));
            }
            public MemorySegment encode(PacketStatistics value, Scratch s) {
                throw new UnsupportedOperationException("PACKET_STATISTICS is read-only");
            }
        };
    }

    /** {@code struct tcp_info}, each field only where the kernel's length reaches it. */
    public static OptCodec<TcpInfo> tcpInfo() {
        return new OptCodec<>(TcpInfo.class) {
            public int size() { return (int) Layouts.TCP_INFO.byteSize(); }
            public TcpInfo decode(MemorySegment v, int len) {
                return new TcpInfo(
                u8(v, len, T[0]),
                u8(v, len, T[1]),
                u8(v, len, T[2]),
                u8(v, len, T[3]),
                u8(v, len, T[4]),
                u8(v, len, T[5]),
                len > Layouts.TCPI_WSCALE ? v.get(JAVA_BYTE, Layouts.TCPI_WSCALE) & 0xF : 0,
                len > Layouts.TCPI_WSCALE ? (v.get(JAVA_BYTE, Layouts.TCPI_WSCALE) >> 4) & 0xF : 0,
                len > Layouts.TCPI_FLAGS7 && (v.get(JAVA_BYTE, Layouts.TCPI_FLAGS7) & 1) != 0,
                len > Layouts.TCPI_FLAGS7 ? (v.get(JAVA_BYTE, Layouts.TCPI_FLAGS7) >> 1) & 3 : 0,
                u32(v, len, T[6]),
                u32(v, len, T[7]),
                u32(v, len, T[8]),
                u32(v, len, T[9]),
                u32(v, len, T[10]),
                u32(v, len, T[11]),
                u32(v, len, T[12]),
                u32(v, len, T[13]),
                u32(v, len, T[14]),
                u32(v, len, T[15]),
                u32(v, len, T[16]),
                u32(v, len, T[17]),
                u32(v, len, T[18]),
                u32(v, len, T[19]),
                u32(v, len, T[20]),
                u32(v, len, T[21]),
                u32(v, len, T[22]),
                u32(v, len, T[23]),
                u32(v, len, T[24]),
                u32(v, len, T[25]),
                u32(v, len, T[26]),
                u32(v, len, T[27]),
                u32(v, len, T[28]),
                u32(v, len, T[29]),
                u64(v, len, T[30]),
                u64(v, len, T[31]),
                u64(v, len, T[32]),
                u64(v, len, T[33]),
                u32(v, len, T[34]),
                u32(v, len, T[35]),
                u32(v, len, T[36]),
                u32(v, len, T[37]),
                u32(v, len, T[38]),
                u32(v, len, T[39]),
                u64(v, len, T[40]),
                u64(v, len, T[41]),
                u64(v, len, T[42]),
                u64(v, len, T[43]),
                u32(v, len, T[44]),
                u32(v, len, T[45]),
                u64(v, len, T[46]),
                u64(v, len, T[47]),
                u32(v, len, T[48]),
                u32(v, len, T[49]),
                u32(v, len, T[50]),
                u32(v, len, T[51]));
            }
            public MemorySegment encode(TcpInfo value, Scratch s) {
                throw new UnsupportedOperationException("TCP_INFO is read-only");
            }
        };
    }

    private static final long[] T = offsets(Layouts.TCP_INFO,
                "tcpi_state", "tcpi_ca_state", "tcpi_retransmits", "tcpi_probes", "tcpi_backoff", "tcpi_options", "tcpi_rto", "tcpi_ato", "tcpi_snd_mss", "tcpi_rcv_mss", "tcpi_unacked", "tcpi_sacked", "tcpi_lost", "tcpi_retrans", "tcpi_fackets", "tcpi_last_data_sent", "tcpi_last_ack_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pmtu", "tcpi_rcv_ssthresh", "tcpi_rtt", "tcpi_rttvar", "tcpi_snd_ssthresh", "tcpi_snd_cwnd", "tcpi_advmss", "tcpi_reordering", "tcpi_rcv_rtt", "tcpi_rcv_space", "tcpi_total_retrans", "tcpi_pacing_rate", "tcpi_max_pacing_rate", "tcpi_bytes_acked", "tcpi_bytes_received", "tcpi_segs_out", "tcpi_segs_in", "tcpi_notsent_bytes", "tcpi_min_rtt", "tcpi_data_segs_in", "tcpi_data_segs_out", "tcpi_delivery_rate", "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_delivered", "tcpi_delivered_ce", "tcpi_bytes_sent", "tcpi_bytes_retrans", "tcpi_dsack_dups", "tcpi_reord_seen", "tcpi_rcv_ooopack", "tcpi_snd_wnd");

    private static long[] offsets(GroupLayout l, String... names) {
        long[] o = new long[names.length];
        for (int i = 0; i < names.length; i++) o[i] = Layouts.off(l, names[i]);
        return o;
    }

    private static int u8(MemorySegment v, int len, long off) {
        return len >= off + 1 ? v.get(JAVA_BYTE, off) & 0xFF : 0;
    }

    private static long u32(MemorySegment v, int len, long off) {
        return len >= off + 4 ? Integer.toUnsignedLong(v.get(JAVA_INT, off)) : 0;
    }

    private static long u64(MemorySegment v, int len, long off) {
        return len >= off + 8 ? v.get(JAVA_LONG, off) : 0;
    }
}
