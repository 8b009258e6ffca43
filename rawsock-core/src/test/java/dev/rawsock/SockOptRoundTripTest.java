package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole catalogue, generated (as socket2 tests every option): every readable option is read on a
 * fresh socket of a family and type that has it, every writable one is set to a value other than the
 * default and read back (where the kernel adjusts the value, the documented relationship is asserted).
 * We run as root here and in CI; options needing CAP_NET_RAW/CAP_NET_ADMIN assume it.
 */
class SockOptRoundTripTest {

    /** The socket an option is exercised on: by level, with the exceptions the kernel demands. */
    static int socketFor(SockOpt<?> o) throws Exception {
        switch (o.name()) {
            case "SO_PEERCRED": {
                int[] p = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
                Sys.closeQuietly(p[1]);
                return p[0];
            }
            case "SO_PEEK_OFF": return Rawsock.socket(Domain.UNIX, SocketType.DGRAM);
            // Linux 6.x takes SO_PASSCRED/SO_PASSSEC only on Unix (and netlink) sockets: EOPNOTSUPP elsewhere
            case "SO_PASSCRED", "SO_PASSSEC": return Rawsock.socket(Domain.UNIX, SocketType.STREAM);
            case "SO_BROADCAST", "SO_NO_CHECK": return Rawsock.socket(Domain.INET, SocketType.DGRAM);
            case "IP_HDRINCL", "IP_NODEFRAG", "IP_ROUTER_ALERT": return raw(Domain.INET, Protocol.ICMP);
            case "IP_MTU": return connectedUdp(Domain.INET, InetAddress.getByName("127.0.0.1"));
            case "IPV6_MTU": return connectedUdp(Domain.INET6, InetAddress.getByName("::1"));
            case "IPV6_CHECKSUM": return raw(Domain.INET6, Protocol.UDP);
            case "UDP_NO_CHECK6_TX", "UDP_NO_CHECK6_RX": return Rawsock.socket(Domain.INET6, SocketType.DGRAM);
            default:
        }
        Level l = o.level();
        if (l.equals(Level.SOL_SOCKET) || l.equals(Level.TCP)) return Rawsock.socket(Domain.INET, SocketType.STREAM);
        if (l.equals(Level.IP) || l.equals(Level.UDP)) return Rawsock.socket(Domain.INET, SocketType.DGRAM);
        if (l.equals(Level.IPV6)) return Rawsock.socket(Domain.INET6, SocketType.DGRAM);
        if (l.equals(Level.RAW)) return raw(Domain.INET, Protocol.ICMP);
        if (l.equals(Level.ICMPV6)) return raw(Domain.INET6, Protocol.ICMPV6);
        if (l.equals(Level.PACKET)) {
            // bound to lo for ETH_P_ALL: a "running" packet socket (PACKET_FANOUT needs one) that sees only loopback
            int fd = Rawsock.socket(Domain.PACKET, SocketType.RAW, Protocol.ETH_P_ALL);
            Rawsock.bind(fd, SockAddr.packet(dev.rawsock.internal.NetIf.index("lo"), Consts.ETH_P_ALL));
            return fd;
        }
        throw new AssertionError("no socket for level " + l);
    }

    static int raw(Domain d, Protocol p) throws ErrnoException {
        return Rawsock.socket(d, SocketType.RAW, p);
    }

    static int connectedUdp(Domain d, InetAddress to) throws ErrnoException {
        int fd = Rawsock.socket(d, SocketType.DGRAM);
        Rawsock.connect(fd, d.equals(Domain.INET) ? SockAddr.inet(to, 9) : SockAddr.inet6(to, 9));
        return fd;
    }

    /** Values to set that differ from the defaults; Booleans need none (the current value is flipped). */
    static final Map<String, Object> VALUES = new HashMap<>();
    /** Where reading back does not give the value set: the relationship to check. */
    static final Map<String, BiConsumer<Object, Object>> READ_BACK = new HashMap<>();

    static {
        byte[] icmp6 = new byte[32];
        icmp6[128 / 8] |= 1 << (128 % 8);
        Object[][] v = {
                {"SO_BINDTODEVICE", "lo"}, {"SO_BINDTOIFINDEX", 1}, {"SO_BUSY_POLL", 50}, {"SO_INCOMING_CPU", 0},
                {"SO_LINGER", 5}, {"SO_MARK", 42}, {"SO_MAX_PACING_RATE", 1_000_000L}, {"SO_PEEK_OFF", 0},
                {"SO_PRIORITY", 3}, {"SO_RCVBUF", 65536}, {"SO_SNDBUF", 65536}, {"SO_RCVLOWAT", 10},
                {"SO_RCVTIMEO", Duration.ofMillis(1500)}, {"SO_SNDTIMEO", Duration.ofMillis(2250)},
                {"SO_TIMESTAMPING", 0x8 | 0x10 /* SOF_TIMESTAMPING_RX_SOFTWARE | SOFTWARE */},
                {"SO_RCVBUFFORCE", 65536}, {"SO_SNDBUFFORCE", 65536},
                {"IP_MINTTL", 5}, {"IP_MTU_DISCOVER", Consts.IP_PMTUDISC_PROBE}, {"IP_MULTICAST_TTL", 7},
                {"IP_OPTIONS", new byte[] {1, 1, 1, 0}}, {"IP_TOS", 0x10}, {"IP_TTL", 33}, {"IP_UNICAST_IF", 1},
                {"IPV6_ADDR_PREFERENCES", 0x1 /* IPV6_PREFER_SRC_TMP */}, {"IPV6_CHECKSUM", 6}, {"IPV6_MINHOPCOUNT", 5},
                {"IPV6_MTU", 1400}, {"IPV6_MTU_DISCOVER", Consts.IPV6_PMTUDISC_PROBE}, {"IPV6_MULTICAST_HOPS", 7},
                {"IPV6_MULTICAST_IF", 1}, {"IPV6_TCLASS", 0x20}, {"IPV6_UNICAST_HOPS", 33}, {"IPV6_UNICAST_IF", 1},
                {"TCP_CONGESTION", "reno"}, {"TCP_DEFER_ACCEPT", 10}, {"TCP_FASTOPEN", 5}, {"TCP_KEEPCNT", 4},
                {"TCP_KEEPIDLE", 100}, {"TCP_KEEPINTVL", 20}, {"TCP_LINGER2", 30}, {"TCP_MAXSEG", 1000},
                {"TCP_NOTSENT_LOWAT", 16384}, {"TCP_SYNCNT", 3}, {"TCP_TX_DELAY", 10}, {"TCP_USER_TIMEOUT", 5000},
                {"TCP_WINDOW_CLAMP", 65536}, {"UDP_SEGMENT", 1200},
                {"ICMP_FILTER", 1 << 8}, {"ICMPV6_FILTER", icmp6},
                {"PACKET_FANOUT", 42 | (Consts.PACKET_FANOUT_LB << 16)}, {"PACKET_RESERVE", 64},
                {"PACKET_TIMESTAMP", 0x10 /* SOF_TIMESTAMPING_SOFTWARE */}, {"PACKET_VERSION", Consts.TPACKET_V2},
                {"IP_MULTICAST_IF", loopback4()},
                {"IP_ADD_MEMBERSHIP", IpMreqn.of(group4(), 1)}, {"IPV6_JOIN_GROUP", new Ipv6Mreq(group6(), 1)},
        };
        for (Object[] p : v) VALUES.put((String) p[0], p[1]);
        // socket(7): "The kernel doubles this value (to allow space for bookkeeping overhead)"
        READ_BACK.put("SO_RCVBUF", (set, got) -> assertEquals(2 * (Integer) set, got));
        // socket(7) timeouts are kept in jiffies: reading gives the value rounded up to the kernel's tick (<= 10 ms)
        BiConsumer<Object, Object> jiffies = (set, got) -> {
            Duration d = ((Duration) got).minus((Duration) set);
            assertTrue(!d.isNegative() && d.toMillis() <= 10, "set " + set + ", got " + got);
        };
        READ_BACK.put("SO_RCVTIMEO", jiffies);
        READ_BACK.put("SO_SNDTIMEO", jiffies);
        // ipv6(7): the kernel adds its default preferences (IPV6_PREFER_SRC_HOME, ...) to those set
        READ_BACK.put("IPV6_ADDR_PREFERENCES", (set, got) -> assertEquals((Integer) set, (Integer) got & (Integer) set));
        READ_BACK.put("SO_SNDBUF", (set, got) -> assertEquals(2 * (Integer) set, got));
        // tcp(7): the seconds are converted to a number of retransmits, so reading gives at least what was set
        READ_BACK.put("TCP_DEFER_ACCEPT", (set, got) -> assertTrue((Integer) got >= (Integer) set, "got " + got));
        // ipv6(7): reading IPV6_MTU gives the path MTU of the connected socket, not the value set
        READ_BACK.put("IPV6_MTU", (set, got) -> assertTrue((Integer) got >= SockOpt.IPV6_MIN_MTU, "got " + got));
    }

    static Inet4Address loopback4() {
        try { return (Inet4Address) InetAddress.getByName("127.0.0.1"); } catch (Exception e) { throw new AssertionError(e); }
    }

    static Inet4Address group4() {
        try { return (Inet4Address) InetAddress.getByName("239.1.2.3"); } catch (Exception e) { throw new AssertionError(e); }
    }

    static Inet6Address group6() {
        try { return (Inet6Address) InetAddress.getByName("ff15::1234"); } catch (Exception e) { throw new AssertionError(e); }
    }

    @Test
    void catalogueCoversTheIssueList() {
        assertTrue(SockOpt.known().size() >= 60, "catalogue size " + SockOpt.known().size());
        for (String n : List.of("SO_ACCEPTCONN", "SO_BINDTODEVICE", "SO_BROADCAST", "SO_DEBUG", "SO_DOMAIN",
                "SO_DONTROUTE", "SO_ERROR", "SO_KEEPALIVE", "SO_LINGER", "SO_MARK", "SO_OOBINLINE", "SO_PASSCRED",
                "SO_PEERCRED", "SO_PRIORITY", "SO_PROTOCOL", "SO_RCVBUF", "SO_RCVLOWAT", "SO_RCVTIMEO",
                "SO_REUSEADDR", "SO_REUSEPORT", "SO_SNDBUF", "SO_SNDTIMEO", "SO_TIMESTAMPNS", "SO_TYPE",
                "SO_BUSY_POLL", "SO_INCOMING_CPU", "IP_TTL", "IP_TOS", "IP_HDRINCL", "IP_PKTINFO", "IP_RECVTTL",
                "IP_RECVERR", "IP_MTU_DISCOVER", "IP_MTU", "IP_MULTICAST_TTL", "IP_MULTICAST_LOOP",
                "IP_MULTICAST_IF", "IP_FREEBIND", "IP_TRANSPARENT", "IP_ADD_MEMBERSHIP", "IP_DROP_MEMBERSHIP",
                "IPV6_V6ONLY", "IPV6_UNICAST_HOPS", "IPV6_MULTICAST_HOPS", "IPV6_MULTICAST_LOOP",
                "IPV6_RECVPKTINFO", "IPV6_RECVHOPLIMIT", "IPV6_TCLASS", "IPV6_RECVERR", "IPV6_JOIN_GROUP",
                "IPV6_LEAVE_GROUP", "TCP_NODELAY", "TCP_MAXSEG", "TCP_CORK", "TCP_KEEPIDLE", "TCP_KEEPINTVL",
                "TCP_KEEPCNT", "TCP_SYNCNT", "TCP_USER_TIMEOUT", "TCP_QUICKACK", "TCP_CONGESTION", "TCP_INFO",
                "TCP_NOTSENT_LOWAT", "TCP_FASTOPEN", "UDP_CORK", "UDP_SEGMENT", "UDP_GRO", "ICMP_FILTER",
                "PACKET_VERSION", "PACKET_STATISTICS", "PACKET_AUXDATA", "PACKET_FANOUT", "PACKET_IGNORE_OUTGOING")) {
            SockOpt<?> o = SockOpt.valueOf(n);
            assertEquals(n, o.name());
            assertEquals(o, SockOpt.valueOf(n.toLowerCase()));
        }
        assertEquals(Integer.class, SockOpt.SO_RCVBUF.type());
        assertEquals(Boolean.class, SockOpt.SO_REUSEADDR.type());
        assertEquals(SocketType.class, SockOpt.SO_TYPE.type());
        assertEquals(Duration.class, SockOpt.SO_RCVTIMEO.type());
        assertEquals(Level.SOL_SOCKET, SockOpt.SO_RCVBUF.level());
        assertEquals(Level.TCP, SockOpt.TCP_NODELAY.level());
        assertEquals(Consts.SO_RCVBUF, SockOpt.SO_RCVBUF.optname());
        // names are unique and every constant is in known()
        assertEquals(SockOpt.known().size(), SockOpt.known().stream().map(SockOpt::name).distinct().count());
        // CLISP's keywords
        assertEquals(SockOpt.SO_RCVBUF, SockOpt.valueOf("rcvbuf"));
        assertEquals(SockOpt.SO_DEBUG, SockOpt.valueOf(":debug"));
        assertEquals(SockOpt.IPV6_V6ONLY, SockOpt.valueOf("v6only"));
        assertEquals(SockOpt.IP_MULTICAST_TTL, SockOpt.valueOf("multicast-ttl"));
        IllegalArgumentException amb = assertThrows(IllegalArgumentException.class, () -> SockOpt.valueOf("mtu"));
        assertTrue(amb.getMessage().contains("IP_MTU") && amb.getMessage().contains("IPV6_MTU"), amb.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SockOpt.valueOf("SO_NOPE"));
        assertTrue(e.getMessage().contains("SO_RCVBUF"), e.getMessage());
    }

    @TestFactory
    Stream<DynamicTest> everyReadableOptionReads() {
        return SockOpt.known().stream().filter(SockOpt::readable).map(o -> DynamicTest.dynamicTest(o.name(), () -> {
            int fd = socketFor(o);
            try {
                Object v = Rawsock.socketOption(fd, o);
                assertNotNull(v, o.name());
                assertInstanceOf(o.type(), v, o.name());
            } finally {
                Sys.closeQuietly(fd);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyWritableOptionRoundTrips() {
        return SockOpt.known().stream().filter(SockOpt::writable).map(o -> DynamicTest.dynamicTest(o.name(), () -> {
            if (o.name().equals("TCP_CONGESTION"))
                assumeTrue(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).contains("reno"),
                        "reno congestion control not available");
            int fd = socketFor(o);
            try {
                roundTrip(fd, o);
            } finally {
                Sys.closeQuietly(fd);
            }
        }));
    }

    @SuppressWarnings("unchecked")
    static <T> void roundTrip(int fd, SockOpt<T> o) throws Exception {
        if (!o.readable()) {
            writeOnly(fd, o);
            return;
        }
        T before = Rawsock.socketOption(fd, o);
        T value;
        if (o.type() == Boolean.class) value = (T) (Boolean) !(Boolean) before;
        else value = (T) VALUES.get(o.name());
        assertNotNull(value, "no test value for " + o.name());
        Rawsock.setSocketOption(fd, o, value);
        T after = Rawsock.socketOption(fd, o);
        BiConsumer<Object, Object> rel = READ_BACK.get(o.name());
        if (rel != null) rel.accept(value, after);
        else if (value instanceof byte[] b) assertArrayEquals(b, (byte[]) after, o.name());
        else assertEquals(value, after, o.name());
        if (rel == null && !(value instanceof byte[])) assertNotEquals(before, after, o.name() + " was already " + before);
    }

    /** Write-only options: the setting takes effect where it can be seen, and undoing works. */
    static void writeOnly(int fd, SockOpt<?> o) throws Exception {
        switch (o.name()) {
            case "SO_RCVBUFFORCE" -> {
                int big = 8 * 1024 * 1024;  // beyond rmem_max: only the FORCE variant gets it
                Rawsock.setSocketOption(fd, SockOpt.SO_RCVBUFFORCE, big);
                assertEquals(2 * big, Rawsock.socketOption(fd, SockOpt.SO_RCVBUF));
            }
            case "SO_SNDBUFFORCE" -> {
                int big = 8 * 1024 * 1024;
                Rawsock.setSocketOption(fd, SockOpt.SO_SNDBUFFORCE, big);
                assertEquals(2 * big, Rawsock.socketOption(fd, SockOpt.SO_SNDBUF));
            }
            case "IP_ADD_MEMBERSHIP", "IP_DROP_MEMBERSHIP" -> {
                IpMreqn m = IpMreqn.of(group4(), 1);
                Rawsock.setSocketOption(fd, SockOpt.IP_ADD_MEMBERSHIP, m);
                ErrnoException again = assertThrows(ErrnoException.class,
                        () -> Rawsock.setSocketOption(fd, SockOpt.IP_ADD_MEMBERSHIP, m));
                assertErrno(again, Errno.EADDRINUSE);
                Rawsock.setSocketOption(fd, SockOpt.IP_DROP_MEMBERSHIP, m);
                ErrnoException gone = assertThrows(ErrnoException.class,
                        () -> Rawsock.setSocketOption(fd, SockOpt.IP_DROP_MEMBERSHIP, m));
                assertErrno(gone, Errno.EADDRNOTAVAIL);
            }
            case "IPV6_JOIN_GROUP", "IPV6_LEAVE_GROUP" -> {
                Ipv6Mreq m = new Ipv6Mreq(group6(), 1);
                Rawsock.setSocketOption(fd, SockOpt.IPV6_JOIN_GROUP, m);
                ErrnoException again = assertThrows(ErrnoException.class,
                        () -> Rawsock.setSocketOption(fd, SockOpt.IPV6_JOIN_GROUP, m));
                assertErrno(again, Errno.EADDRINUSE);
                Rawsock.setSocketOption(fd, SockOpt.IPV6_LEAVE_GROUP, m);
                ErrnoException gone = assertThrows(ErrnoException.class,
                        () -> Rawsock.setSocketOption(fd, SockOpt.IPV6_LEAVE_GROUP, m));
                assertErrno(gone, Errno.EADDRNOTAVAIL);
            }
            default -> throw new AssertionError("no write-only test for " + o.name());
        }
        // reading a write-only option is refused before any call, naming it
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Rawsock.socketOption(fd, o));
        assertTrue(e.getMessage().contains(o.name()), e.getMessage());
    }
}
