package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.OptCodec;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A socket option: the level and name arguments of {@code getsockopt(2)}/{@code setsockopt(2)} together
 * with the Java type of its value. The constants are named as in C ({@link #SO_RCVBUF},
 * {@link #IP_TTL}, {@link #TCP_INFO}, ...); each knows its {@link #level()}, its C {@link #name()}, its
 * value {@link #type()} and whether the kernel lets it be read and written. Options the catalogue
 * lacks are reached with {@link #raw(Level, int)} as bytes.
 *
 * <p>Values: flags are {@code Boolean}, counts and sizes {@code Integer} (range-checked before the
 * call: a negative buffer size or a TTL over 255 is an {@link IllegalArgumentException}), timeouts
 * {@link Duration}, names {@code String}, C structs records ({@link TcpInfo}, {@link Ucred},
 * {@link IpMreqn}, {@link Ipv6Mreq}, {@link PacketStatistics}). Setting a read-only option or reading
 * a write-only one is an {@link UnsupportedOperationException} naming it.
 *
 * <p>Read and write them with {@link Rawsock#socketOption(int, SockOpt)},
 * {@link Rawsock#setSocketOption(int, SockOpt, Object)}, {@link Rawsock#socketOptions(int)} or
 * {@code RawSocket.option}/{@code setOption}.
 *
 * @param <T> the Java type of the option's value
 */
public final class SockOpt<T> implements java.net.SocketOption<T> {
    private static final List<SockOpt<?>> KNOWN = new ArrayList<>();
    private static final Map<String, SockOpt<?>> BY_NAME = new LinkedHashMap<>();
    private static final int RO = 1, WO = 2, RW = 3;

    /** {@code TCP_CA_NAME_MAX} (the kernel's {@code include/net/tcp.h}): a congestion control name, NUL included. */
    static final int TCP_CA_NAME_MAX = 16;
    /** {@code IPV6_MIN_MTU} (the kernel's {@code include/net/ipv6.h}; RFC 8200): the smallest IPv6 MTU. */
    static final int IPV6_MIN_MTU = 1280;
    /** {@code MAX_IPOPTLEN} ({@code <netinet/ip.h>}): the most bytes of IPv4 options. */
    static final int MAX_IPOPTLEN = 40;

    private final String name;
    private final Level level;
    private final int optname;
    private final OptCodec<T> codec;
    private final boolean readable, writable, raw;

    private SockOpt(String name, Level level, int optname, OptCodec<T> codec, int access, boolean raw) {
        this.name = name;
        this.level = level;
        this.optname = optname;
        this.codec = codec;
        this.readable = (access & RO) != 0;
        this.writable = (access & WO) != 0;
        this.raw = raw;
    }

    private static <T> SockOpt<T> def(String name, Level level, int optname, OptCodec<T> codec, int access) {
        SockOpt<T> o = new SockOpt<>(name, level, optname, codec, access, false);
        KNOWN.add(o);
        BY_NAME.put(name, o);
        return o;
    }

    // ---------------------------------------------------------------- SOL_SOCKET
    /** {@code SO_ACCEPTCONN}: Whether the socket is listening. Read-only. */
    public static final SockOpt<Boolean> SO_ACCEPTCONN =
            def("SO_ACCEPTCONN", Level.SOL_SOCKET, Consts.SO_ACCEPTCONN, OptCodec.bool(), RO);
    /** {@code SO_BINDTODEVICE}: The interface the socket is bound to ("" for none). */
    public static final SockOpt<String> SO_BINDTODEVICE =
            def("SO_BINDTODEVICE", Level.SOL_SOCKET, Consts.SO_BINDTODEVICE, OptCodec.cString(Consts.IF_NAMESIZE, true), RW);
    /** {@code SO_BINDTOIFINDEX}: The interface index the socket is bound to (0 for none). */
    public static final SockOpt<Integer> SO_BINDTOIFINDEX =
            def("SO_BINDTOIFINDEX", Level.SOL_SOCKET, Consts.SO_BINDTOIFINDEX, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_BROADCAST}: Whether datagrams may go to broadcast addresses. */
    public static final SockOpt<Boolean> SO_BROADCAST =
            def("SO_BROADCAST", Level.SOL_SOCKET, Consts.SO_BROADCAST, OptCodec.bool(), RW);
    /** {@code SO_BUSY_POLL}: Microseconds to busy-poll the device queue on a blocking receive. */
    public static final SockOpt<Integer> SO_BUSY_POLL =
            def("SO_BUSY_POLL", Level.SOL_SOCKET, Consts.SO_BUSY_POLL, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_COOKIE}: The socket's unique 64-bit cookie. Read-only. */
    public static final SockOpt<Long> SO_COOKIE =
            def("SO_COOKIE", Level.SOL_SOCKET, Consts.SO_COOKIE, OptCodec.int64(Long.MIN_VALUE), RO);
    /** {@code SO_DEBUG}: Socket debugging (needs CAP_NET_ADMIN). */
    public static final SockOpt<Boolean> SO_DEBUG =
            def("SO_DEBUG", Level.SOL_SOCKET, Consts.SO_DEBUG, OptCodec.bool(), RW);
    /** {@code SO_DOMAIN}: The address family. Read-only. */
    public static final SockOpt<Domain> SO_DOMAIN =
            def("SO_DOMAIN", Level.SOL_SOCKET, Consts.SO_DOMAIN, OptCodec.<Domain>mapped(Domain.class, OptCodec.integer(), v -> new Domain(v), x -> x.value()), RO);
    /** {@code SO_DONTROUTE}: Send only to directly connected hosts. */
    public static final SockOpt<Boolean> SO_DONTROUTE =
            def("SO_DONTROUTE", Level.SOL_SOCKET, Consts.SO_DONTROUTE, OptCodec.bool(), RW);
    /** {@code SO_ERROR}: The pending error (an errno value, 0 for none); reading clears it. Read-only. */
    public static final SockOpt<Integer> SO_ERROR =
            def("SO_ERROR", Level.SOL_SOCKET, Consts.SO_ERROR, OptCodec.integer(), RO);
    /** {@code SO_INCOMING_CPU}: The CPU that handled the last packet (-1 when none). */
    public static final SockOpt<Integer> SO_INCOMING_CPU =
            def("SO_INCOMING_CPU", Level.SOL_SOCKET, Consts.SO_INCOMING_CPU, OptCodec.integer(-1, Integer.MAX_VALUE), RW);
    /** {@code SO_INCOMING_NAPI_ID}: The NAPI id of the queue of the last packet. Read-only. */
    public static final SockOpt<Integer> SO_INCOMING_NAPI_ID =
            def("SO_INCOMING_NAPI_ID", Level.SOL_SOCKET, Consts.SO_INCOMING_NAPI_ID, OptCodec.integer(), RO);
    /** {@code SO_KEEPALIVE}: Keep-alive probes on connection-oriented sockets. */
    public static final SockOpt<Boolean> SO_KEEPALIVE =
            def("SO_KEEPALIVE", Level.SOL_SOCKET, Consts.SO_KEEPALIVE, OptCodec.bool(), RW);
    /** {@code SO_LINGER}: Seconds close(2) lingers to send unsent data; -1 when off, as the JDK's SO_LINGER. */
    public static final SockOpt<Integer> SO_LINGER =
            def("SO_LINGER", Level.SOL_SOCKET, Consts.SO_LINGER, OptCodec.linger(), RW);
    /** {@code SO_LOCK_FILTER}: Lock the attached filter against changes. */
    public static final SockOpt<Boolean> SO_LOCK_FILTER =
            def("SO_LOCK_FILTER", Level.SOL_SOCKET, Consts.SO_LOCK_FILTER, OptCodec.bool(), RW);
    /** {@code SO_MARK}: The firewall mark (an unsigned 32-bit value; needs CAP_NET_ADMIN). */
    public static final SockOpt<Integer> SO_MARK =
            def("SO_MARK", Level.SOL_SOCKET, Consts.SO_MARK, OptCodec.integer(), RW);
    /** {@code SO_MAX_PACING_RATE}: The pacing rate cap in bytes per second (unsigned; -1 is unlimited). */
    public static final SockOpt<Long> SO_MAX_PACING_RATE =
            def("SO_MAX_PACING_RATE", Level.SOL_SOCKET, Consts.SO_MAX_PACING_RATE, OptCodec.int64(Long.MIN_VALUE), RW);
    /** {@code SO_NOFCS}: Send frames without a frame check sequence (drivers that support it). */
    public static final SockOpt<Boolean> SO_NOFCS =
            def("SO_NOFCS", Level.SOL_SOCKET, Consts.SO_NOFCS, OptCodec.bool(), RW);
    /** {@code SO_NO_CHECK}: Send UDP without checksums. */
    public static final SockOpt<Boolean> SO_NO_CHECK =
            def("SO_NO_CHECK", Level.SOL_SOCKET, Consts.SO_NO_CHECK, OptCodec.bool(), RW);
    /** {@code SO_OOBINLINE}: Out-of-band data inline with ordinary data. */
    public static final SockOpt<Boolean> SO_OOBINLINE =
            def("SO_OOBINLINE", Level.SOL_SOCKET, Consts.SO_OOBINLINE, OptCodec.bool(), RW);
    /** {@code SO_PASSCRED}: Receive SCM_CREDENTIALS control messages. */
    public static final SockOpt<Boolean> SO_PASSCRED =
            def("SO_PASSCRED", Level.SOL_SOCKET, Consts.SO_PASSCRED, OptCodec.bool(), RW);
    /** {@code SO_PASSSEC}: Receive SCM_SECURITY control messages. */
    public static final SockOpt<Boolean> SO_PASSSEC =
            def("SO_PASSSEC", Level.SOL_SOCKET, Consts.SO_PASSSEC, OptCodec.bool(), RW);
    /** {@code SO_PEEK_OFF}: The offset for MSG_PEEK (-1 when off). */
    public static final SockOpt<Integer> SO_PEEK_OFF =
            def("SO_PEEK_OFF", Level.SOL_SOCKET, Consts.SO_PEEK_OFF, OptCodec.integer(-1, Integer.MAX_VALUE), RW);
    /** {@code SO_PEERCRED}: The credentials of the peer of a Unix socket. Read-only. */
    public static final SockOpt<Ucred> SO_PEERCRED =
            def("SO_PEERCRED", Level.SOL_SOCKET, Consts.SO_PEERCRED, OptCodec.ucred(), RO);
    /** {@code SO_PRIORITY}: The priority of sent packets (0..6 without CAP_NET_ADMIN). */
    public static final SockOpt<Integer> SO_PRIORITY =
            def("SO_PRIORITY", Level.SOL_SOCKET, Consts.SO_PRIORITY, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_PROTOCOL}: The protocol. Read-only. */
    public static final SockOpt<Protocol> SO_PROTOCOL =
            def("SO_PROTOCOL", Level.SOL_SOCKET, Consts.SO_PROTOCOL, OptCodec.<Protocol>mapped(Protocol.class, OptCodec.integer(), v -> new Protocol(v), x -> x.value()), RO);
    /** {@code SO_RCVBUF}: The receive buffer size (the kernel doubles what is set, socket(7)). */
    public static final SockOpt<Integer> SO_RCVBUF =
            def("SO_RCVBUF", Level.SOL_SOCKET, Consts.SO_RCVBUF, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_RCVBUFFORCE}: SO_RCVBUF beyond rmem_max (needs CAP_NET_ADMIN). Write-only. */
    public static final SockOpt<Integer> SO_RCVBUFFORCE =
            def("SO_RCVBUFFORCE", Level.SOL_SOCKET, Consts.SO_RCVBUFFORCE, OptCodec.integer(0, Integer.MAX_VALUE), WO);
    /** {@code SO_RCVLOWAT}: The minimum byte count a receive waits for. */
    public static final SockOpt<Integer> SO_RCVLOWAT =
            def("SO_RCVLOWAT", Level.SOL_SOCKET, Consts.SO_RCVLOWAT, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_RCVTIMEO}: The receive timeout; zero means none. */
    public static final SockOpt<Duration> SO_RCVTIMEO =
            def("SO_RCVTIMEO", Level.SOL_SOCKET, Consts.SO_RCVTIMEO, OptCodec.timeval(), RW);
    /** {@code SO_REUSEADDR}: Allow binding to an address in TIME_WAIT. */
    public static final SockOpt<Boolean> SO_REUSEADDR =
            def("SO_REUSEADDR", Level.SOL_SOCKET, Consts.SO_REUSEADDR, OptCodec.bool(), RW);
    /** {@code SO_REUSEPORT}: Allow several sockets to bind the same port. */
    public static final SockOpt<Boolean> SO_REUSEPORT =
            def("SO_REUSEPORT", Level.SOL_SOCKET, Consts.SO_REUSEPORT, OptCodec.bool(), RW);
    /** {@code SO_RXQ_OVFL}: Receive the drop count as SO_RXQ_OVFL control messages. */
    public static final SockOpt<Boolean> SO_RXQ_OVFL =
            def("SO_RXQ_OVFL", Level.SOL_SOCKET, Consts.SO_RXQ_OVFL, OptCodec.bool(), RW);
    /** {@code SO_SELECT_ERR_QUEUE}: Report error-queue events as POLLPRI too. */
    public static final SockOpt<Boolean> SO_SELECT_ERR_QUEUE =
            def("SO_SELECT_ERR_QUEUE", Level.SOL_SOCKET, Consts.SO_SELECT_ERR_QUEUE, OptCodec.bool(), RW);
    /** {@code SO_SNDBUF}: The send buffer size (the kernel doubles what is set, socket(7)). */
    public static final SockOpt<Integer> SO_SNDBUF =
            def("SO_SNDBUF", Level.SOL_SOCKET, Consts.SO_SNDBUF, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_SNDBUFFORCE}: SO_SNDBUF beyond wmem_max (needs CAP_NET_ADMIN). Write-only. */
    public static final SockOpt<Integer> SO_SNDBUFFORCE =
            def("SO_SNDBUFFORCE", Level.SOL_SOCKET, Consts.SO_SNDBUFFORCE, OptCodec.integer(0, Integer.MAX_VALUE), WO);
    /** {@code SO_SNDTIMEO}: The send timeout; zero means none. */
    public static final SockOpt<Duration> SO_SNDTIMEO =
            def("SO_SNDTIMEO", Level.SOL_SOCKET, Consts.SO_SNDTIMEO, OptCodec.timeval(), RW);
    /** {@code SO_TIMESTAMP}: Receive SCM_TIMESTAMP (struct timeval) control messages. */
    public static final SockOpt<Boolean> SO_TIMESTAMP =
            def("SO_TIMESTAMP", Level.SOL_SOCKET, Consts.SO_TIMESTAMP, OptCodec.bool(), RW);
    /** {@code SO_TIMESTAMPING}: The SOF_TIMESTAMPING_* flags. */
    public static final SockOpt<Integer> SO_TIMESTAMPING =
            def("SO_TIMESTAMPING", Level.SOL_SOCKET, Consts.SO_TIMESTAMPING, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code SO_TIMESTAMPNS}: Receive SCM_TIMESTAMPNS (struct timespec) control messages. */
    public static final SockOpt<Boolean> SO_TIMESTAMPNS =
            def("SO_TIMESTAMPNS", Level.SOL_SOCKET, Consts.SO_TIMESTAMPNS, OptCodec.bool(), RW);
    /** {@code SO_TYPE}: The socket type. Read-only. */
    public static final SockOpt<SocketType> SO_TYPE =
            def("SO_TYPE", Level.SOL_SOCKET, Consts.SO_TYPE, OptCodec.<SocketType>mapped(SocketType.class, OptCodec.integer(), v -> new SocketType(v), x -> x.value()), RO);
    /** {@code SO_WIFI_STATUS}: Receive SCM_WIFI_STATUS control messages. */
    public static final SockOpt<Boolean> SO_WIFI_STATUS =
            def("SO_WIFI_STATUS", Level.SOL_SOCKET, Consts.SO_WIFI_STATUS, OptCodec.bool(), RW);
    /** {@code SO_ZEROCOPY}: Allow MSG_ZEROCOPY sends. */
    public static final SockOpt<Boolean> SO_ZEROCOPY =
            def("SO_ZEROCOPY", Level.SOL_SOCKET, Consts.SO_ZEROCOPY, OptCodec.bool(), RW);

    // ---------------------------------------------------------------- IP
    /** {@code IP_ADD_MEMBERSHIP}: Join a multicast group. Write-only. */
    public static final SockOpt<IpMreqn> IP_ADD_MEMBERSHIP =
            def("IP_ADD_MEMBERSHIP", Level.IP, Consts.IP_ADD_MEMBERSHIP, OptCodec.ipMreqn(), WO);
    /** {@code IP_BIND_ADDRESS_NO_PORT}: Delay the port choice of bind(2) with port 0 until connect(2). */
    public static final SockOpt<Boolean> IP_BIND_ADDRESS_NO_PORT =
            def("IP_BIND_ADDRESS_NO_PORT", Level.IP, Consts.IP_BIND_ADDRESS_NO_PORT, OptCodec.bool(), RW);
    /** {@code IP_CHECKSUM}: Receive the packet checksum as a control message. */
    public static final SockOpt<Boolean> IP_CHECKSUM =
            def("IP_CHECKSUM", Level.IP, Consts.IP_CHECKSUM, OptCodec.bool(), RW);
    /** {@code IP_DROP_MEMBERSHIP}: Leave a multicast group. Write-only. */
    public static final SockOpt<IpMreqn> IP_DROP_MEMBERSHIP =
            def("IP_DROP_MEMBERSHIP", Level.IP, Consts.IP_DROP_MEMBERSHIP, OptCodec.ipMreqn(), WO);
    /** {@code IP_FREEBIND}: Allow binding to a non-local address. */
    public static final SockOpt<Boolean> IP_FREEBIND =
            def("IP_FREEBIND", Level.IP, Consts.IP_FREEBIND, OptCodec.bool(), RW);
    /** {@code IP_HDRINCL}: The application supplies the IP header (raw sockets). */
    public static final SockOpt<Boolean> IP_HDRINCL =
            def("IP_HDRINCL", Level.IP, Consts.IP_HDRINCL, OptCodec.bool(), RW);
    /** {@code IP_MINTTL}: Drop packets with a smaller TTL. */
    public static final SockOpt<Integer> IP_MINTTL =
            def("IP_MINTTL", Level.IP, Consts.IP_MINTTL, OptCodec.integer(0, 255), RW);
    /** {@code IP_MTU}: The path MTU of a connected socket. Read-only. */
    public static final SockOpt<Integer> IP_MTU =
            def("IP_MTU", Level.IP, Consts.IP_MTU, OptCodec.integer(), RO);
    /** {@code IP_MTU_DISCOVER}: Path MTU discovery mode (IP_PMTUDISC_*). */
    public static final SockOpt<Integer> IP_MTU_DISCOVER =
            def("IP_MTU_DISCOVER", Level.IP, Consts.IP_MTU_DISCOVER, OptCodec.integer(Consts.IP_PMTUDISC_DONT, Consts.IP_PMTUDISC_OMIT), RW);
    /** {@code IP_MULTICAST_ALL}: Receive from every group joined on the system, not only this socket's. */
    public static final SockOpt<Boolean> IP_MULTICAST_ALL =
            def("IP_MULTICAST_ALL", Level.IP, Consts.IP_MULTICAST_ALL, OptCodec.bool(), RW);
    /** {@code IP_MULTICAST_IF}: The local address of the interface for outgoing multicast (0.0.0.0 for the default). */
    public static final SockOpt<Inet4Address> IP_MULTICAST_IF =
            def("IP_MULTICAST_IF", Level.IP, Consts.IP_MULTICAST_IF, OptCodec.inAddr(), RW);
    /** {@code IP_MULTICAST_LOOP}: Loop outgoing multicast back to local listeners. */
    public static final SockOpt<Boolean> IP_MULTICAST_LOOP =
            def("IP_MULTICAST_LOOP", Level.IP, Consts.IP_MULTICAST_LOOP, OptCodec.bool(), RW);
    /** {@code IP_MULTICAST_TTL}: TTL of outgoing multicast (-1 for the default). */
    public static final SockOpt<Integer> IP_MULTICAST_TTL =
            def("IP_MULTICAST_TTL", Level.IP, Consts.IP_MULTICAST_TTL, OptCodec.integer(-1, 255), RW);
    /** {@code IP_NODEFRAG}: Do not reassemble fragments (raw sockets). */
    public static final SockOpt<Boolean> IP_NODEFRAG =
            def("IP_NODEFRAG", Level.IP, Consts.IP_NODEFRAG, OptCodec.bool(), RW);
    /** {@code IP_OPTIONS}: IP options sent with every packet. */
    public static final SockOpt<byte[]> IP_OPTIONS =
            def("IP_OPTIONS", Level.IP, Consts.IP_OPTIONS, OptCodec.bytes(MAX_IPOPTLEN, 0), RW);
    /** {@code IP_PASSSEC}: Receive SCM_SECURITY control messages. */
    public static final SockOpt<Boolean> IP_PASSSEC =
            def("IP_PASSSEC", Level.IP, Consts.IP_PASSSEC, OptCodec.bool(), RW);
    /** {@code IP_PKTINFO}: Receive IP_PKTINFO control messages. */
    public static final SockOpt<Boolean> IP_PKTINFO =
            def("IP_PKTINFO", Level.IP, Consts.IP_PKTINFO, OptCodec.bool(), RW);
    /** {@code IP_RECVERR}: Queue extended errors on the error queue. */
    public static final SockOpt<Boolean> IP_RECVERR =
            def("IP_RECVERR", Level.IP, Consts.IP_RECVERR, OptCodec.bool(), RW);
    /** {@code IP_RECVERR_RFC4884}: Extended errors carry RFC 4884 ICMP extensions. */
    public static final SockOpt<Boolean> IP_RECVERR_RFC4884 =
            def("IP_RECVERR_RFC4884", Level.IP, Consts.IP_RECVERR_RFC4884, OptCodec.bool(), RW);
    /** {@code IP_RECVFRAGSIZE}: Receive the largest fragment size as a control message. */
    public static final SockOpt<Boolean> IP_RECVFRAGSIZE =
            def("IP_RECVFRAGSIZE", Level.IP, Consts.IP_RECVFRAGSIZE, OptCodec.bool(), RW);
    /** {@code IP_RECVOPTS}: Receive the IP options as a control message. */
    public static final SockOpt<Boolean> IP_RECVOPTS =
            def("IP_RECVOPTS", Level.IP, Consts.IP_RECVOPTS, OptCodec.bool(), RW);
    /** {@code IP_RECVORIGDSTADDR}: Receive the original destination address as a control message. */
    public static final SockOpt<Boolean> IP_RECVORIGDSTADDR =
            def("IP_RECVORIGDSTADDR", Level.IP, Consts.IP_RECVORIGDSTADDR, OptCodec.bool(), RW);
    /** {@code IP_RECVTOS}: Receive IP_TOS control messages. */
    public static final SockOpt<Boolean> IP_RECVTOS =
            def("IP_RECVTOS", Level.IP, Consts.IP_RECVTOS, OptCodec.bool(), RW);
    /** {@code IP_RECVTTL}: Receive IP_TTL control messages. */
    public static final SockOpt<Boolean> IP_RECVTTL =
            def("IP_RECVTTL", Level.IP, Consts.IP_RECVTTL, OptCodec.bool(), RW);
    /** {@code IP_RETOPTS}: Receive the raw IP options as a control message. */
    public static final SockOpt<Boolean> IP_RETOPTS =
            def("IP_RETOPTS", Level.IP, Consts.IP_RETOPTS, OptCodec.bool(), RW);
    /** {@code IP_ROUTER_ALERT}: Receive packets with the router alert option (raw sockets). */
    public static final SockOpt<Boolean> IP_ROUTER_ALERT =
            def("IP_ROUTER_ALERT", Level.IP, Consts.IP_ROUTER_ALERT, OptCodec.bool(), RW);
    /** {@code IP_TOS}: The type-of-service byte (DSCP and ECN). */
    public static final SockOpt<Integer> IP_TOS =
            def("IP_TOS", Level.IP, Consts.IP_TOS, OptCodec.integer(0, 255), RW);
    /** {@code IP_TRANSPARENT}: Transparent proxying (needs CAP_NET_ADMIN). */
    public static final SockOpt<Boolean> IP_TRANSPARENT =
            def("IP_TRANSPARENT", Level.IP, Consts.IP_TRANSPARENT, OptCodec.bool(), RW);
    /** {@code IP_TTL}: Time to live of unicast packets. */
    public static final SockOpt<Integer> IP_TTL =
            def("IP_TTL", Level.IP, Consts.IP_TTL, OptCodec.integer("-1 (the default) or 1..255", v -> v == -1 || (v >= 1 && v <= 255)), RW);
    /** {@code IP_UNICAST_IF}: The interface index unicast packets leave by (0 for any). */
    public static final SockOpt<Integer> IP_UNICAST_IF =
            def("IP_UNICAST_IF", Level.IP, Consts.IP_UNICAST_IF, OptCodec.ifindexNetworkOrder(), RW);

    // ---------------------------------------------------------------- IPV6
    /** {@code IPV6_ADDR_PREFERENCES}: Source address preferences (IPV6_PREFER_SRC_*). */
    public static final SockOpt<Integer> IPV6_ADDR_PREFERENCES =
            def("IPV6_ADDR_PREFERENCES", Level.IPV6, Consts.IPV6_ADDR_PREFERENCES, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code IPV6_AUTOFLOWLABEL}: Generate flow labels automatically. */
    public static final SockOpt<Boolean> IPV6_AUTOFLOWLABEL =
            def("IPV6_AUTOFLOWLABEL", Level.IPV6, Consts.IPV6_AUTOFLOWLABEL, OptCodec.bool(), RW);
    /** {@code IPV6_CHECKSUM}: The offset of the checksum the kernel fills in (raw sockets; -1 when off). */
    public static final SockOpt<Integer> IPV6_CHECKSUM =
            def("IPV6_CHECKSUM", Level.IPV6, Consts.IPV6_CHECKSUM, OptCodec.integer("-1 (off) or an even offset >= 0", v -> v == -1 || (v >= 0 && v % 2 == 0)), RW);
    /** {@code IPV6_DONTFRAG}: Do not fragment outgoing packets. */
    public static final SockOpt<Boolean> IPV6_DONTFRAG =
            def("IPV6_DONTFRAG", Level.IPV6, Consts.IPV6_DONTFRAG, OptCodec.bool(), RW);
    /** {@code IPV6_FLOWINFO}: Receive the flow information as a control message. */
    public static final SockOpt<Boolean> IPV6_FLOWINFO =
            def("IPV6_FLOWINFO", Level.IPV6, Consts.IPV6_FLOWINFO, OptCodec.bool(), RW);
    /** {@code IPV6_FREEBIND}: Allow binding to a non-local address. */
    public static final SockOpt<Boolean> IPV6_FREEBIND =
            def("IPV6_FREEBIND", Level.IPV6, Consts.IPV6_FREEBIND, OptCodec.bool(), RW);
    /** {@code IPV6_JOIN_GROUP}: Join a multicast group. Write-only. */
    public static final SockOpt<Ipv6Mreq> IPV6_JOIN_GROUP =
            def("IPV6_JOIN_GROUP", Level.IPV6, Consts.IPV6_JOIN_GROUP, OptCodec.ipv6Mreq(), WO);
    /** {@code IPV6_LEAVE_GROUP}: Leave a multicast group. Write-only. */
    public static final SockOpt<Ipv6Mreq> IPV6_LEAVE_GROUP =
            def("IPV6_LEAVE_GROUP", Level.IPV6, Consts.IPV6_LEAVE_GROUP, OptCodec.ipv6Mreq(), WO);
    /** {@code IPV6_MINHOPCOUNT}: Drop packets with a smaller hop limit. */
    public static final SockOpt<Integer> IPV6_MINHOPCOUNT =
            def("IPV6_MINHOPCOUNT", Level.IPV6, Consts.IPV6_MINHOPCOUNT, OptCodec.integer(0, 255), RW);
    /** {@code IPV6_MTU}: Read: the path MTU of a connected socket. Set: the MTU used for fragmentation. */
    public static final SockOpt<Integer> IPV6_MTU =
            def("IPV6_MTU", Level.IPV6, Consts.IPV6_MTU, OptCodec.integer("0 (path MTU) or >= 1280", v -> v == 0 || v >= IPV6_MIN_MTU), RW);
    /** {@code IPV6_MTU_DISCOVER}: Path MTU discovery mode (IPV6_PMTUDISC_*). */
    public static final SockOpt<Integer> IPV6_MTU_DISCOVER =
            def("IPV6_MTU_DISCOVER", Level.IPV6, Consts.IPV6_MTU_DISCOVER, OptCodec.integer(Consts.IPV6_PMTUDISC_DONT, Consts.IPV6_PMTUDISC_OMIT), RW);
    /** {@code IPV6_MULTICAST_ALL}: Receive from every group joined on the system, not only this socket's. */
    public static final SockOpt<Boolean> IPV6_MULTICAST_ALL =
            def("IPV6_MULTICAST_ALL", Level.IPV6, Consts.IPV6_MULTICAST_ALL, OptCodec.bool(), RW);
    /** {@code IPV6_MULTICAST_HOPS}: Hop limit of outgoing multicast (-1 for the default). */
    public static final SockOpt<Integer> IPV6_MULTICAST_HOPS =
            def("IPV6_MULTICAST_HOPS", Level.IPV6, Consts.IPV6_MULTICAST_HOPS, OptCodec.integer(-1, 255), RW);
    /** {@code IPV6_MULTICAST_IF}: The interface index for outgoing multicast (0 for the default). */
    public static final SockOpt<Integer> IPV6_MULTICAST_IF =
            def("IPV6_MULTICAST_IF", Level.IPV6, Consts.IPV6_MULTICAST_IF, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code IPV6_MULTICAST_LOOP}: Loop outgoing multicast back to local listeners. */
    public static final SockOpt<Boolean> IPV6_MULTICAST_LOOP =
            def("IPV6_MULTICAST_LOOP", Level.IPV6, Consts.IPV6_MULTICAST_LOOP, OptCodec.bool(), RW);
    /** {@code IPV6_RECVDSTOPTS}: Receive destination options as control messages. */
    public static final SockOpt<Boolean> IPV6_RECVDSTOPTS =
            def("IPV6_RECVDSTOPTS", Level.IPV6, Consts.IPV6_RECVDSTOPTS, OptCodec.bool(), RW);
    /** {@code IPV6_RECVERR}: Queue extended errors on the error queue. */
    public static final SockOpt<Boolean> IPV6_RECVERR =
            def("IPV6_RECVERR", Level.IPV6, Consts.IPV6_RECVERR, OptCodec.bool(), RW);
    /** {@code IPV6_RECVERR_RFC4884}: Extended errors carry RFC 4884 ICMP extensions. */
    public static final SockOpt<Boolean> IPV6_RECVERR_RFC4884 =
            def("IPV6_RECVERR_RFC4884", Level.IPV6, Consts.IPV6_RECVERR_RFC4884, OptCodec.bool(), RW);
    /** {@code IPV6_RECVFRAGSIZE}: Receive the largest fragment size as a control message. */
    public static final SockOpt<Boolean> IPV6_RECVFRAGSIZE =
            def("IPV6_RECVFRAGSIZE", Level.IPV6, Consts.IPV6_RECVFRAGSIZE, OptCodec.bool(), RW);
    /** {@code IPV6_RECVHOPLIMIT}: Receive IPV6_HOPLIMIT control messages. */
    public static final SockOpt<Boolean> IPV6_RECVHOPLIMIT =
            def("IPV6_RECVHOPLIMIT", Level.IPV6, Consts.IPV6_RECVHOPLIMIT, OptCodec.bool(), RW);
    /** {@code IPV6_RECVHOPOPTS}: Receive hop-by-hop options as control messages. */
    public static final SockOpt<Boolean> IPV6_RECVHOPOPTS =
            def("IPV6_RECVHOPOPTS", Level.IPV6, Consts.IPV6_RECVHOPOPTS, OptCodec.bool(), RW);
    /** {@code IPV6_RECVORIGDSTADDR}: Receive the original destination address as a control message. */
    public static final SockOpt<Boolean> IPV6_RECVORIGDSTADDR =
            def("IPV6_RECVORIGDSTADDR", Level.IPV6, Consts.IPV6_RECVORIGDSTADDR, OptCodec.bool(), RW);
    /** {@code IPV6_RECVPATHMTU}: Receive IPV6_PATHMTU control messages. */
    public static final SockOpt<Boolean> IPV6_RECVPATHMTU =
            def("IPV6_RECVPATHMTU", Level.IPV6, Consts.IPV6_RECVPATHMTU, OptCodec.bool(), RW);
    /** {@code IPV6_RECVPKTINFO}: Receive IPV6_PKTINFO control messages. */
    public static final SockOpt<Boolean> IPV6_RECVPKTINFO =
            def("IPV6_RECVPKTINFO", Level.IPV6, Consts.IPV6_RECVPKTINFO, OptCodec.bool(), RW);
    /** {@code IPV6_RECVRTHDR}: Receive routing headers as control messages. */
    public static final SockOpt<Boolean> IPV6_RECVRTHDR =
            def("IPV6_RECVRTHDR", Level.IPV6, Consts.IPV6_RECVRTHDR, OptCodec.bool(), RW);
    /** {@code IPV6_RECVTCLASS}: Receive IPV6_TCLASS control messages. */
    public static final SockOpt<Boolean> IPV6_RECVTCLASS =
            def("IPV6_RECVTCLASS", Level.IPV6, Consts.IPV6_RECVTCLASS, OptCodec.bool(), RW);
    /** {@code IPV6_TCLASS}: The traffic class of outgoing packets (-1 for the default). */
    public static final SockOpt<Integer> IPV6_TCLASS =
            def("IPV6_TCLASS", Level.IPV6, Consts.IPV6_TCLASS, OptCodec.integer(-1, 255), RW);
    /** {@code IPV6_TRANSPARENT}: Transparent proxying (needs CAP_NET_ADMIN). */
    public static final SockOpt<Boolean> IPV6_TRANSPARENT =
            def("IPV6_TRANSPARENT", Level.IPV6, Consts.IPV6_TRANSPARENT, OptCodec.bool(), RW);
    /** {@code IPV6_UNICAST_HOPS}: Hop limit of outgoing unicast (-1 for the default). */
    public static final SockOpt<Integer> IPV6_UNICAST_HOPS =
            def("IPV6_UNICAST_HOPS", Level.IPV6, Consts.IPV6_UNICAST_HOPS, OptCodec.integer(-1, 255), RW);
    /** {@code IPV6_UNICAST_IF}: The interface index unicast packets leave by (0 for any). */
    public static final SockOpt<Integer> IPV6_UNICAST_IF =
            def("IPV6_UNICAST_IF", Level.IPV6, Consts.IPV6_UNICAST_IF, OptCodec.ifindexNetworkOrder(), RW);
    /** {@code IPV6_V6ONLY}: Restrict an AF_INET6 socket to IPv6 only. */
    public static final SockOpt<Boolean> IPV6_V6ONLY =
            def("IPV6_V6ONLY", Level.IPV6, Consts.IPV6_V6ONLY, OptCodec.bool(), RW);

    // ---------------------------------------------------------------- TCP
    /** {@code TCP_CONGESTION}: The congestion control algorithm ("cubic", "reno", ...). */
    public static final SockOpt<String> TCP_CONGESTION =
            def("TCP_CONGESTION", Level.TCP, Consts.TCP_CONGESTION, OptCodec.cString(TCP_CA_NAME_MAX, false), RW);
    /** {@code TCP_CORK}: Hold back partial frames until uncorked. */
    public static final SockOpt<Boolean> TCP_CORK =
            def("TCP_CORK", Level.TCP, Consts.TCP_CORK, OptCodec.bool(), RW);
    /** {@code TCP_DEFER_ACCEPT}: Seconds to wait for data before accept(2) returns (the kernel rounds up to its retransmission steps). */
    public static final SockOpt<Integer> TCP_DEFER_ACCEPT =
            def("TCP_DEFER_ACCEPT", Level.TCP, Consts.TCP_DEFER_ACCEPT, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code TCP_FASTOPEN}: The TCP Fast Open queue length of a listening socket. */
    public static final SockOpt<Integer> TCP_FASTOPEN =
            def("TCP_FASTOPEN", Level.TCP, Consts.TCP_FASTOPEN, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code TCP_FASTOPEN_CONNECT}: Fast Open on connect(2). */
    public static final SockOpt<Boolean> TCP_FASTOPEN_CONNECT =
            def("TCP_FASTOPEN_CONNECT", Level.TCP, Consts.TCP_FASTOPEN_CONNECT, OptCodec.bool(), RW);
    /** {@code TCP_FASTOPEN_NO_COOKIE}: Fast Open without a cookie. */
    public static final SockOpt<Boolean> TCP_FASTOPEN_NO_COOKIE =
            def("TCP_FASTOPEN_NO_COOKIE", Level.TCP, Consts.TCP_FASTOPEN_NO_COOKIE, OptCodec.bool(), RW);
    /** {@code TCP_INFO}: The connection's state and statistics. Read-only. */
    public static final SockOpt<TcpInfo> TCP_INFO =
            def("TCP_INFO", Level.TCP, Consts.TCP_INFO, OptCodec.tcpInfo(), RO);
    /** {@code TCP_INQ}: Receive the unread byte count as a TCP_CM_INQ control message. */
    public static final SockOpt<Boolean> TCP_INQ =
            def("TCP_INQ", Level.TCP, Consts.TCP_INQ, OptCodec.bool(), RW);
    /** {@code TCP_KEEPCNT}: Keep-alive probes before the connection is dropped. */
    public static final SockOpt<Integer> TCP_KEEPCNT =
            def("TCP_KEEPCNT", Level.TCP, Consts.TCP_KEEPCNT, OptCodec.integer(1, 127), RW);
    /** {@code TCP_KEEPIDLE}: Idle seconds before keep-alive probes start. */
    public static final SockOpt<Integer> TCP_KEEPIDLE =
            def("TCP_KEEPIDLE", Level.TCP, Consts.TCP_KEEPIDLE, OptCodec.integer(1, 32767), RW);
    /** {@code TCP_KEEPINTVL}: Seconds between keep-alive probes. */
    public static final SockOpt<Integer> TCP_KEEPINTVL =
            def("TCP_KEEPINTVL", Level.TCP, Consts.TCP_KEEPINTVL, OptCodec.integer(1, 32767), RW);
    /** {@code TCP_LINGER2}: Seconds in FIN_WAIT2 (-1 to skip it). */
    public static final SockOpt<Integer> TCP_LINGER2 =
            def("TCP_LINGER2", Level.TCP, Consts.TCP_LINGER2, OptCodec.integer(), RW);
    /** {@code TCP_MAXSEG}: The maximum segment size. */
    public static final SockOpt<Integer> TCP_MAXSEG =
            def("TCP_MAXSEG", Level.TCP, Consts.TCP_MAXSEG, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code TCP_NODELAY}: Disable Nagle's algorithm. */
    public static final SockOpt<Boolean> TCP_NODELAY =
            def("TCP_NODELAY", Level.TCP, Consts.TCP_NODELAY, OptCodec.bool(), RW);
    /** {@code TCP_NOTSENT_LOWAT}: Unsent bytes below which the socket is writable (unsigned; -1 for no limit). */
    public static final SockOpt<Integer> TCP_NOTSENT_LOWAT =
            def("TCP_NOTSENT_LOWAT", Level.TCP, Consts.TCP_NOTSENT_LOWAT, OptCodec.integer(), RW);
    /** {@code TCP_QUICKACK}: Acknowledge at once (not sticky: the kernel may leave quick-ack mode). */
    public static final SockOpt<Boolean> TCP_QUICKACK =
            def("TCP_QUICKACK", Level.TCP, Consts.TCP_QUICKACK, OptCodec.bool(), RW);
    /** {@code TCP_SAVE_SYN}: Save the SYN of incoming connections for TCP_SAVED_SYN. */
    public static final SockOpt<Boolean> TCP_SAVE_SYN =
            def("TCP_SAVE_SYN", Level.TCP, Consts.TCP_SAVE_SYN, OptCodec.bool(), RW);
    /** {@code TCP_SYNCNT}: SYN retransmits before connect(2) gives up. */
    public static final SockOpt<Integer> TCP_SYNCNT =
            def("TCP_SYNCNT", Level.TCP, Consts.TCP_SYNCNT, OptCodec.integer(1, 127), RW);
    /** {@code TCP_THIN_LINEAR_TIMEOUTS}: Linear timeouts for thin streams. */
    public static final SockOpt<Boolean> TCP_THIN_LINEAR_TIMEOUTS =
            def("TCP_THIN_LINEAR_TIMEOUTS", Level.TCP, Consts.TCP_THIN_LINEAR_TIMEOUTS, OptCodec.bool(), RW);
    /** {@code TCP_TX_DELAY}: Microseconds to delay sends by (testing; needs CAP_NET_ADMIN). */
    public static final SockOpt<Integer> TCP_TX_DELAY =
            def("TCP_TX_DELAY", Level.TCP, Consts.TCP_TX_DELAY, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code TCP_USER_TIMEOUT}: Milliseconds unacknowledged data may stay before the connection is dropped. */
    public static final SockOpt<Integer> TCP_USER_TIMEOUT =
            def("TCP_USER_TIMEOUT", Level.TCP, Consts.TCP_USER_TIMEOUT, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code TCP_WINDOW_CLAMP}: The largest receive window advertised. */
    public static final SockOpt<Integer> TCP_WINDOW_CLAMP =
            def("TCP_WINDOW_CLAMP", Level.TCP, Consts.TCP_WINDOW_CLAMP, OptCodec.integer(0, Integer.MAX_VALUE), RW);

    // ---------------------------------------------------------------- UDP
    /** {@code UDP_CORK}: Hold back data until uncorked, then send one datagram. */
    public static final SockOpt<Boolean> UDP_CORK =
            def("UDP_CORK", Level.UDP, Consts.UDP_CORK, OptCodec.bool(), RW);
    /** {@code UDP_GRO}: Receive coalesced datagrams (generic receive offload). */
    public static final SockOpt<Boolean> UDP_GRO =
            def("UDP_GRO", Level.UDP, Consts.UDP_GRO, OptCodec.bool(), RW);
    /** {@code UDP_NO_CHECK6_RX}: Accept IPv6 UDP datagrams with a zero checksum. */
    public static final SockOpt<Boolean> UDP_NO_CHECK6_RX =
            def("UDP_NO_CHECK6_RX", Level.UDP, Consts.UDP_NO_CHECK6_RX, OptCodec.bool(), RW);
    /** {@code UDP_NO_CHECK6_TX}: Send IPv6 UDP datagrams with a zero checksum. */
    public static final SockOpt<Boolean> UDP_NO_CHECK6_TX =
            def("UDP_NO_CHECK6_TX", Level.UDP, Consts.UDP_NO_CHECK6_TX, OptCodec.bool(), RW);
    /** {@code UDP_SEGMENT}: The segment size for UDP GSO (0 for off). */
    public static final SockOpt<Integer> UDP_SEGMENT =
            def("UDP_SEGMENT", Level.UDP, Consts.UDP_SEGMENT, OptCodec.integer(0, 65535), RW);

    // ---------------------------------------------------------------- RAW
    /** {@code ICMP_FILTER}: The ICMP types a raw ICMP socket drops: bit n set drops type n (struct icmp_filter). */
    public static final SockOpt<Integer> ICMP_FILTER =
            def("ICMP_FILTER", Level.RAW, Consts.ICMP_FILTER, OptCodec.integer(), RW);
    /** {@code ICMPV6_FILTER}: The ICMPv6 types a raw ICMPv6 socket drops: 256 bits, bit n set drops type n (struct icmp6_filter). */
    public static final SockOpt<byte[]> ICMPV6_FILTER =
            def("ICMPV6_FILTER", Level.ICMPV6, Consts.ICMPV6_FILTER, OptCodec.bytes(32, 32), RW);

    // ---------------------------------------------------------------- PACKET
    /** {@code PACKET_AUXDATA}: Receive PACKET_AUXDATA control messages (VLAN tag, checksum status). */
    public static final SockOpt<Boolean> PACKET_AUXDATA =
            def("PACKET_AUXDATA", Level.PACKET, Consts.PACKET_AUXDATA, OptCodec.bool(), RW);
    /** {@code PACKET_FANOUT}: Fanout group: id | mode &lt;&lt; 16 | flags &lt;&lt; 16 (PACKET_FANOUT_*); 0 when none. */
    public static final SockOpt<Integer> PACKET_FANOUT =
            def("PACKET_FANOUT", Level.PACKET, Consts.PACKET_FANOUT, OptCodec.integer(), RW);
    /** {@code PACKET_IGNORE_OUTGOING}: Do not see outgoing packets. */
    public static final SockOpt<Boolean> PACKET_IGNORE_OUTGOING =
            def("PACKET_IGNORE_OUTGOING", Level.PACKET, Consts.PACKET_IGNORE_OUTGOING, OptCodec.bool(), RW);
    /** {@code PACKET_LOSS}: Skip malformed frames in a TX ring instead of stopping. */
    public static final SockOpt<Boolean> PACKET_LOSS =
            def("PACKET_LOSS", Level.PACKET, Consts.PACKET_LOSS, OptCodec.bool(), RW);
    /** {@code PACKET_ORIGDEV}: Report the original device, not the bond or bridge, in addresses. */
    public static final SockOpt<Boolean> PACKET_ORIGDEV =
            def("PACKET_ORIGDEV", Level.PACKET, Consts.PACKET_ORIGDEV, OptCodec.bool(), RW);
    /** {@code PACKET_QDISC_BYPASS}: Send past the queueing discipline. */
    public static final SockOpt<Boolean> PACKET_QDISC_BYPASS =
            def("PACKET_QDISC_BYPASS", Level.PACKET, Consts.PACKET_QDISC_BYPASS, OptCodec.bool(), RW);
    /** {@code PACKET_RESERVE}: Headroom bytes before each frame in a ring. */
    public static final SockOpt<Integer> PACKET_RESERVE =
            def("PACKET_RESERVE", Level.PACKET, Consts.PACKET_RESERVE, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code PACKET_STATISTICS}: Packets and drops since the last read (the read resets them). Read-only. */
    public static final SockOpt<PacketStatistics> PACKET_STATISTICS =
            def("PACKET_STATISTICS", Level.PACKET, Consts.PACKET_STATISTICS, OptCodec.packetStatistics(), RO);
    /** {@code PACKET_TIMESTAMP}: The timestamp source of ring frames (SOF_TIMESTAMPING_*). */
    public static final SockOpt<Integer> PACKET_TIMESTAMP =
            def("PACKET_TIMESTAMP", Level.PACKET, Consts.PACKET_TIMESTAMP, OptCodec.integer(0, Integer.MAX_VALUE), RW);
    /** {@code PACKET_TX_HAS_OFF}: TX ring frames carry their data offset. */
    public static final SockOpt<Boolean> PACKET_TX_HAS_OFF =
            def("PACKET_TX_HAS_OFF", Level.PACKET, Consts.PACKET_TX_HAS_OFF, OptCodec.bool(), RW);
    /** {@code PACKET_VERSION}: The ring format (TPACKET_V1..V3). */
    public static final SockOpt<Integer> PACKET_VERSION =
            def("PACKET_VERSION", Level.PACKET, Consts.PACKET_VERSION, OptCodec.integer(Consts.TPACKET_V1, Consts.TPACKET_V3), RW);
    /** {@code PACKET_VNET_HDR}: Frames carry a virtio_net_hdr. */
    public static final SockOpt<Boolean> PACKET_VNET_HDR =
            def("PACKET_VNET_HDR", Level.PACKET, Consts.PACKET_VNET_HDR, OptCodec.bool(), RW);

    // ---------------------------------------------------------------- lookup

    /** {@return every option of the catalogue, grouped by level (SOL_SOCKET, IP, IPV6, TCP, UDP, RAW, ICMPV6, PACKET)} */
    public static List<SockOpt<?>> known() {
        return Collections.unmodifiableList(KNOWN);
    }

    /**
     * {@return the catalogue's options at {@code level}}
     *
     * @param level the protocol level
     */
    public static List<SockOpt<?>> known(Level level) {
        Objects.requireNonNull(level, "level");
        return KNOWN.stream().filter(o -> o.level.equals(level)).toList();
    }

    /** The levels the catalogue covers, in its order. */
    static List<Level> levels() {
        return KNOWN.stream().map(SockOpt::level).distinct().toList();
    }

    /** The prefixes a CLISP keyword drops: {@code :rcvbuf} is SO_RCVBUF. */
    private static final List<String> PREFIXES = List.of("SO_", "IP_", "IPV6_", "TCP_", "UDP_", "PACKET_");

    /**
     * {@return the option with C name {@code name} ({@code "SO_RCVBUF"}, any case)} CLISP's keyword form
     * without the prefix ({@code "rcvbuf"}, {@code ":debug"}, {@code "v6only"}) is accepted too when it
     * names one option only ({@code "mtu"} is both IP_MTU and IPV6_MTU, so it is not).
     *
     * @param name the C name, e.g. {@code "SO_RCVBUF"}
     * @throws IllegalArgumentException for an unknown or ambiguous name; the message lists the candidates
     */
    public static SockOpt<?> valueOf(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.strip().replaceFirst("^:", "").replace('-', '_').toUpperCase(Locale.ROOT);
        SockOpt<?> o = BY_NAME.get(key);
        if (o != null) return o;
        List<SockOpt<?>> found = new ArrayList<>();
        for (String p : PREFIXES) {
            SockOpt<?> c = BY_NAME.get(p + key);
            if (c != null) found.add(c);
        }
        if (found.size() == 1) return found.get(0);
        if (found.size() > 1) throw new IllegalArgumentException("socket option '" + name + "' is ambiguous: " + found);
        throw new IllegalArgumentException("unknown socket option '" + name + "'; known: " + BY_NAME.keySet());
    }

    /**
     * {@return any option as raw bytes, for what the catalogue lacks: reads give the bytes the kernel wrote
     * (up to {@value Scratch#MISC_SIZE}), writes pass the array as it is}
     *
     * @param level the protocol level
     * @param optname the C option number
     */
    public static SockOpt<byte[]> raw(Level level, int optname) {
        Objects.requireNonNull(level, "level");
        String n = KNOWN.stream().filter(o -> o.level.equals(level) && o.optname == optname)
                .map(SockOpt::name).findFirst().orElse(Integer.toString(optname));
        return new SockOpt<>(n, level, optname, OptCodec.bytes(Scratch.MISC_SIZE, 0), RW, true);
    }

    // ---------------------------------------------------------------- accessors

    /** {@return the C name, e.g. {@code "SO_RCVBUF"} (for a {@link #raw} option not in the catalogue, the number)} */
    public String name() { return name; }

    /** {@return the level, e.g. {@link Level#SOL_SOCKET}} */
    public Level level() { return level; }

    /** {@return the C option number, e.g. 8 for SO_RCVBUF} */
    public int optname() { return optname; }

    /** {@return the Java type of values} */
    public Class<T> type() { return codec.type(); }

    /** {@return whether {@code getsockopt(2)} reads it} */
    public boolean readable() { return readable; }

    /** {@return whether {@code setsockopt(2)} writes it} */
    public boolean writable() { return writable; }

    /** {@return whether this is a {@link #raw} bytes option} */
    public boolean isRaw() { return raw; }

    /**
     * Checks a value for this option as {@link #set} would, without any call: its type, its range, and
     * that the option can be written.
     *
     * @param value the value to check
     * @return the value as the option stores it
     * @throws UnsupportedOperationException when the option is read-only
     * @throws IllegalArgumentException when the value is of the wrong type or out of range
     */
    public T check(Object value) {
        if (!writable) throw new UnsupportedOperationException(name + " is read-only");
        Objects.requireNonNull(value, () -> name + " value");
        if (!codec.type().isInstance(value))
            throw new IllegalArgumentException(name + " takes a " + codec.type().getSimpleName() + ", not a "
                    + value.getClass().getSimpleName());
        T v = codec.type().cast(value);
        codec.check(name, v);
        return v;
    }

    // ---------------------------------------------------------------- the calls both faces use

    /** {@code getsockopt(2)}. */
    T get(int fd) throws ErrnoException {
        if (!readable) throw new UnsupportedOperationException(name + " is write-only");
        Sys.checkFd(fd);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment v = s.misc(codec.size());
            int len = Sys.getsockopt(s, fd, level.value(), optname, v, "getsockopt");
            return codec.decode(v, len);
        }
    }

    /** {@code setsockopt(2)} of a value already {@link #check checked}. */
    void setChecked(int fd, T value) throws ErrnoException {
        Sys.checkFd(fd);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment v = codec.encode(value, s);
            Sys.setsockopt(s, fd, level.value(), optname, v, "setsockopt");
        }
    }

    /** {@code setsockopt(2)}: checks the value first. */
    void set(int fd, Object value) throws ErrnoException {
        setChecked(fd, check(value));
    }

    /** Reads the option, or gives the kernel's refusal as CLISP's :ERROR does. */
    Object getOrError(int fd) {
        try {
            return get(fd);
        } catch (ErrnoException e) {
            return e;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        return o instanceof SockOpt<?> other && raw && other.raw && level.equals(other.level) && optname == other.optname;
    }

    @Override
    public int hashCode() {
        return raw ? 31 * level.hashCode() + optname : System.identityHashCode(this);
    }

    /** The C name; a raw option shows as {@code raw(LEVEL, name)}. */
    @Override
    public String toString() {
        return raw ? "raw(" + level + ", " + name + ")" : name;
    }
}
