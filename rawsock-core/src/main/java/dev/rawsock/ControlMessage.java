package dev.rawsock;

import dev.rawsock.internal.Cmsg;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.InetBytes;
import dev.rawsock.internal.Layouts;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One ancillary ("control") message of {@code sendmsg(2)}/{@code recvmsg(2)}, see {@code cmsg(3)}:
 * a level, a type and the data bytes. Linux's typed payloads have a factory (to send) and an
 * accessor (to read what was received); anything else is raw ({@link #of(Level, int, byte[])},
 * {@link #data()}).
 *
 * <table>
 * <caption>Typed control messages</caption>
 * <tr><th>level / type</th><th>factory</th><th>accessor</th></tr>
 * <tr><td>SOL_SOCKET / SCM_RIGHTS</td><td>{@link #scmRights(int...)}</td><td>{@link #fds()}</td></tr>
 * <tr><td>SOL_SOCKET / SCM_CREDENTIALS</td><td>{@link #credentials(int, int, int)}</td><td>{@link #credentials()}</td></tr>
 * <tr><td>SOL_SOCKET / SCM_TIMESTAMPNS</td><td>{@link #timestampNs(Instant)}</td><td>{@link #timestamp()}</td></tr>
 * <tr><td>IP / IP_PKTINFO, IPV6 / IPV6_PKTINFO</td><td>{@link #ipPktinfo}, {@link #ipv6Pktinfo}</td><td>{@link #packetInfo()}</td></tr>
 * <tr><td>IP / IP_TTL, IPV6 / IPV6_HOPLIMIT</td><td>{@link #ttl(int)}, {@link #hopLimit(int)}</td><td>{@link #ttl()}, {@link #hopLimit()}</td></tr>
 * <tr><td>IP / IP_TOS, IPV6 / IPV6_TCLASS</td><td>{@link #tos(int)}, {@link #trafficClass(int)}</td><td>{@link #tos()}, {@link #trafficClass()}</td></tr>
 * <tr><td>IP / IP_RECVERR, IPV6 / IPV6_RECVERR</td><td>{@link #extendedError(ExtendedError, Level)}</td><td>{@link #extendedError()}</td></tr>
 * <tr><td>UDP / UDP_SEGMENT, UDP / UDP_GRO</td><td>{@link #udpSegment(int)}, {@link #udpGro(int)}</td><td>{@link #segmentSize()}, {@link #groSize()}</td></tr>
 * </table>
 *
 * <p>An accessor called on a message of another kind throws {@link IllegalStateException}; one
 * whose data is too short for its kind throws {@link IllegalArgumentException}. File descriptors
 * in an SCM_RIGHTS message that {@link Message#controlMessages()} returned belong to the caller,
 * who must close them. Immutable; equal when level, type and data are.
 */
public final class ControlMessage {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    private final Level level;
    private final int type;
    private final byte[] data;

    private ControlMessage(Level level, int type, byte[] data) {
        this.level = level;
        this.type = type;
        this.data = data;
    }

    // ------------------------------------------------------------------ raw

    /**
     * {@return any control message: {@code level}, {@code type} and a copy of {@code data}}
     *
     * @param level the protocol level ({@code cmsg_level})
     * @param type the message type at that level ({@code cmsg_type})
     * @param data the data bytes, copied
     */
    public static ControlMessage of(Level level, int type, byte[] data) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(data, "data");
        if (Cmsg.space(data.length) > Integer.MAX_VALUE) throw new IllegalArgumentException("control data too long");
        return new ControlMessage(level, type, data.clone());
    }

    /**
     * {@code cmsg_level}.
     *
     * @return the level ({@code cmsg_level})
     */
    public Level level() {
        return level;
    }

    /**
     * {@code cmsg_type}.
     *
     * @return the type ({@code cmsg_type})
     */
    public int type() {
        return type;
    }

    /** {@return a copy of the data bytes ({@code CMSG_DATA}, {@code cmsg_len - CMSG_LEN(0)} bytes)} */
    public byte[] data() {
        return data.clone();
    }

    /**
     * {@code CMSG_SPACE(dataLength)}: bytes of control buffer one message with that much data takes.
     *
     * @param dataLength bytes of data
     * @return {@code CMSG_SPACE(dataLength)}
     */
    public static int space(int dataLength) {
        return fits(Cmsg.space(checkLength(dataLength)), dataLength, "CMSG_SPACE");
    }

    /**
     * {@code CMSG_LEN(dataLength)}: the {@code cmsg_len} of a message with that much data.
     *
     * @param dataLength bytes of data
     * @return {@code CMSG_LEN(dataLength)}
     */
    public static int len(int dataLength) {
        return fits(Cmsg.len(checkLength(dataLength)), dataLength, "CMSG_LEN");
    }

    private static int checkLength(int dataLength) {
        if (dataLength < 0) throw new IllegalArgumentException("data length must be >= 0: " + dataLength);
        return dataLength;
    }

    private static int fits(long size, int dataLength, String macro) {
        if (size > Integer.MAX_VALUE)
            throw new IllegalArgumentException(macro + "(" + dataLength + ") is over the largest int: no control buffer holds it");
        return (int) size;
    }

    /** {@return the bytes this message takes in a control buffer ({@code CMSG_SPACE} of its data)} */
    public int space() {
        return space(data.length);
    }

    /**
     * The kinds of control message this class decodes, each named as its {@code cmsg_type} in C;
     * {@link #OTHER} for any other level and type (read those with {@link #data()}).
     */
    public enum Kind {
        /** SOL_SOCKET / SCM_RIGHTS: {@link #fds()}. */
        SCM_RIGHTS,
        /** SOL_SOCKET / SCM_CREDENTIALS: {@link #credentials()}. */
        SCM_CREDENTIALS,
        /** SOL_SOCKET / SCM_TIMESTAMPNS (or SO_TIMESTAMPNS_NEW): {@link #timestamp()}. */
        SCM_TIMESTAMPNS,
        /** IP / IP_PKTINFO: {@link #packetInfo()}. */
        IP_PKTINFO,
        /** IPV6 / IPV6_PKTINFO: {@link #packetInfo()}. */
        IPV6_PKTINFO,
        /** IP / IP_TTL: {@link #ttl()}. */
        IP_TTL,
        /** IPV6 / IPV6_HOPLIMIT: {@link #hopLimit()}. */
        IPV6_HOPLIMIT,
        /** IP / IP_TOS: {@link #tos()}. */
        IP_TOS,
        /** IPV6 / IPV6_TCLASS: {@link #trafficClass()}. */
        IPV6_TCLASS,
        /** IP / IP_RECVERR: {@link #extendedError()}. */
        IP_RECVERR,
        /** IPV6 / IPV6_RECVERR: {@link #extendedError()}. */
        IPV6_RECVERR,
        /** UDP / UDP_SEGMENT: {@link #segmentSize()}. */
        UDP_SEGMENT,
        /** UDP / UDP_GRO: {@link #groSize()}. */
        UDP_GRO,
        /** A level and type this class does not decode. */
        OTHER
    }

    /** {@return what kind of message this is, from its level and type} */
    public Kind kind() {
        if (is(Consts.SOL_SOCKET, Consts.SCM_RIGHTS)) return Kind.SCM_RIGHTS;
        if (is(Consts.SOL_SOCKET, Consts.SCM_CREDENTIALS)) return Kind.SCM_CREDENTIALS;
        if (is(Consts.SOL_SOCKET, Consts.SCM_TIMESTAMPNS) || is(Consts.SOL_SOCKET, SO_TIMESTAMPNS_NEW)) return Kind.SCM_TIMESTAMPNS;
        if (is(Consts.SOL_IP, Consts.IP_PKTINFO)) return Kind.IP_PKTINFO;
        if (is(Consts.SOL_IPV6, Consts.IPV6_PKTINFO)) return Kind.IPV6_PKTINFO;
        if (is(Consts.SOL_IP, Consts.IP_TTL)) return Kind.IP_TTL;
        if (is(Consts.SOL_IPV6, Consts.IPV6_HOPLIMIT)) return Kind.IPV6_HOPLIMIT;
        if (is(Consts.SOL_IP, Consts.IP_TOS)) return Kind.IP_TOS;
        if (is(Consts.SOL_IPV6, Consts.IPV6_TCLASS)) return Kind.IPV6_TCLASS;
        if (is(Consts.SOL_IP, Consts.IP_RECVERR)) return Kind.IP_RECVERR;
        if (is(Consts.SOL_IPV6, Consts.IPV6_RECVERR)) return Kind.IPV6_RECVERR;
        if (is(Consts.SOL_UDP, Consts.UDP_SEGMENT)) return Kind.UDP_SEGMENT;
        if (is(Consts.SOL_UDP, Consts.UDP_GRO)) return Kind.UDP_GRO;
        return Kind.OTHER;
    }

    // ------------------------------------------------------------------ SCM_RIGHTS

    /**
     * SCM_RIGHTS ({@code unix(7)}): pass open file descriptors over a Unix socket.
     *
     * @param fds the open file descriptors to pass (the receiver gets new ones for the same files)
     * @return the control message
     * @throws IllegalArgumentException for a negative fd or more than SCM_MAX_FD (253) of them
     */
    public static ControlMessage scmRights(int... fds) {
        if (fds.length > Consts.SCM_MAX_FD)
            throw new IllegalArgumentException(fds.length + " file descriptors, over SCM_MAX_FD " + Consts.SCM_MAX_FD);
        ByteBuffer b = buf(4 * fds.length);
        for (int fd : fds) {
            if (fd < 0) throw new IllegalArgumentException("file descriptor must be >= 0: " + fd);
            b.putInt(fd);
        }
        return new ControlMessage(Level.SOL_SOCKET, Consts.SCM_RIGHTS, b.array());
    }

    /** {@return whether this is an SCM_RIGHTS message} */
    public boolean isScmRights() {
        return is(Consts.SOL_SOCKET, Consts.SCM_RIGHTS);
    }

    /**
     * The file descriptors of an SCM_RIGHTS message.
     *
     * @return the fds, one per int of its data
     * @throws IllegalArgumentException when this is not SCM_RIGHTS, or its data is not a whole number of ints
     */
    public int[] fds() {
        require(isScmRights(), "SCM_RIGHTS");
        if (data.length % 4 != 0)
            throw new IllegalArgumentException(raw() + ": SCM_RIGHTS data of " + data.length + " bytes is not a whole number of fds");
        ByteBuffer b = wrap();
        int[] fds = new int[data.length / 4];
        for (int i = 0; i < fds.length; i++) fds[i] = b.getInt();
        return fds;
    }

    // ------------------------------------------------------------------ SCM_CREDENTIALS

    /**
     * A process's credentials as {@code struct ucred} carries them.
     *
     * @param pid the process id
     * @param uid the user id
     * @param gid the group id
     */
    public record Credentials(int pid, int uid, int gid) {}

    /**
     * SCM_CREDENTIALS ({@code unix(7)}): the sender's pid, uid and gid (the kernel checks them unless
     * the sender has CAP_SYS_ADMIN / CAP_SETUID / CAP_SETGID); the receiver needs SO_PASSCRED.
     *
     * @param pid the process id
     * @param uid the user id
     * @param gid the group id
     * @return the control message
     */
    public static ControlMessage credentials(int pid, int uid, int gid) {
        ByteBuffer b = buf((int) Layouts.UCRED.byteSize());
        b.putInt((int) Layouts.UCRED_PID, pid).putInt((int) Layouts.UCRED_UID, uid).putInt((int) Layouts.UCRED_GID, gid);
        return new ControlMessage(Level.SOL_SOCKET, Consts.SCM_CREDENTIALS, b.array());
    }

    /** {@return the {@code struct ucred} of an SCM_CREDENTIALS message} */
    public Credentials credentials() {
        require(is(Consts.SOL_SOCKET, Consts.SCM_CREDENTIALS), "SCM_CREDENTIALS");
        ByteBuffer b = wrap(Layouts.UCRED.byteSize());
        return new Credentials(b.getInt((int) Layouts.UCRED_PID), b.getInt((int) Layouts.UCRED_UID), b.getInt((int) Layouts.UCRED_GID));
    }

    // ------------------------------------------------------------------ SCM_TIMESTAMPNS

    /**
     * SO_TIMESTAMPNS's message ({@code socket(7)}, a {@code struct timespec}); for round trips and tests.
     *
     * @param time the timestamp
     * @return the control message
     */
    public static ControlMessage timestampNs(Instant time) {
        ByteBuffer b = buf((int) Layouts.TIMESPEC.byteSize());
        b.putLong(time.getEpochSecond()).putLong(time.getNano());
        return new ControlMessage(Level.SOL_SOCKET, Consts.SCM_TIMESTAMPNS, b.array());
    }

    /** {@return the receive time of an SCM_TIMESTAMPNS message (SO_TIMESTAMPNS), in the realtime clock} */
    public Instant timestamp() {
        require(is(Consts.SOL_SOCKET, Consts.SCM_TIMESTAMPNS) || is(Consts.SOL_SOCKET, SO_TIMESTAMPNS_NEW), "SCM_TIMESTAMPNS");
        ByteBuffer b = wrap(Layouts.TIMESPEC.byteSize());
        long sec = b.getLong(), nsec = b.getLong();
        if (nsec < 0 || nsec >= 1_000_000_000L) throw new IllegalArgumentException("tv_nsec out of range: " + nsec);
        try {
            return Instant.ofEpochSecond(sec, nsec);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("timestamp out of range: " + sec, e);
        }
    }

    /** {@code SO_TIMESTAMPNS_NEW} ({@code <asm-generic/socket.h>}): same timespec on LP64. */
    private static final int SO_TIMESTAMPNS_NEW = 64;

    // ------------------------------------------------------------------ PKTINFO

    /**
     * What IP_PKTINFO / IPV6_PKTINFO say about a datagram: the interface it came in on (or should
     * go out of) and its destination address; for IPv4 also {@code ipi_spec_dst} (the local
     * address the route would use; null for IPv6).
     *
     * @param destination {@code ipi_addr}/{@code ipi6_addr}: the destination address in the IP header
     * @param ifindex the interface the packet arrived on ({@code ipi_ifindex}/{@code ipi6_ifindex})
     * @param specificDestination {@code ipi_spec_dst}: the local address the kernel would answer from (IPv4 only; null for IPv6)
     */
    public record PacketInfo(InetAddress destination, int ifindex, InetAddress specificDestination) {}

    /**
     * IP_PKTINFO ({@code ip(7)}, {@code struct in_pktinfo}): on send, the interface index and the
     * source address ({@code ipi_spec_dst}) to use; {@code addr} (ipi_addr) is ignored by the kernel
     * on send. Null addresses mean 0.0.0.0.
     *
     * @param ifindex {@code ipi_ifindex}: the interface to send on, 0 for the routing decision
     * @param specificDestination {@code ipi_spec_dst}: the source address to use; null means 0.0.0.0
     * @param addr {@code ipi_addr} (ignored by the kernel on send); null means 0.0.0.0
     * @return the control message
     */
    public static ControlMessage ipPktinfo(int ifindex, Inet4Address specificDestination, Inet4Address addr) {
        ByteBuffer b = buf((int) Layouts.IN_PKTINFO.byteSize());
        b.putInt((int) Layouts.IPI_IFINDEX, ifindex);
        if (specificDestination != null) b.put((int) Layouts.IPI_SPEC_DST, specificDestination.getAddress());
        if (addr != null) b.put((int) Layouts.IPI_ADDR, addr.getAddress());
        return new ControlMessage(Level.IP, Consts.IP_PKTINFO, b.array());
    }

    /**
     * IPV6_PKTINFO ({@code ipv6(7)}, {@code struct in6_pktinfo}): address and interface index.
     *
     * @param addr {@code ipi6_addr}: on send, the source address to use; null means ::, the kernel's choice
     * @param ifindex {@code ipi6_ifindex}: the interface to send on, 0 for the routing decision
     * @return the control message
     */
    public static ControlMessage ipv6Pktinfo(Inet6Address addr, int ifindex) {
        ByteBuffer b = buf((int) Layouts.IN6_PKTINFO.byteSize());
        if (addr != null) b.put((int) Layouts.IPI6_ADDR, addr.getAddress());
        b.putInt((int) Layouts.IPI6_IFINDEX, ifindex);
        return new ControlMessage(Level.IPV6, Consts.IPV6_PKTINFO, b.array());
    }

    /** {@return the destination and interface of an IP_PKTINFO or IPV6_PKTINFO message} */
    public PacketInfo packetInfo() {
        if (is(Consts.SOL_IP, Consts.IP_PKTINFO)) {
            ByteBuffer b = wrap(Layouts.IN_PKTINFO.byteSize());
            return new PacketInfo(addr(Layouts.IPI_ADDR, 4), b.getInt((int) Layouts.IPI_IFINDEX), addr(Layouts.IPI_SPEC_DST, 4));
        }
        require(is(Consts.SOL_IPV6, Consts.IPV6_PKTINFO), "IP_PKTINFO or IPV6_PKTINFO");
        ByteBuffer b = wrap(Layouts.IN6_PKTINFO.byteSize());
        return new PacketInfo(addr(Layouts.IPI6_ADDR, 16), b.getInt((int) Layouts.IPI6_IFINDEX), null);
    }

    // ------------------------------------------------------------------ int-valued

    /**
     * IP_TTL as sent ({@code ip(7)}: the TTL for this datagram) or received (IP_RECVTTL).
     *
     * @param ttl the TTL
     * @return the control message
     */
    public static ControlMessage ttl(int ttl) {
        return intMessage(Level.IP, Consts.IP_TTL, ttl);
    }

    /**
     * IPV6_HOPLIMIT ({@code ipv6(7)}, IPV6_RECVHOPLIMIT on receive).
     *
     * @param hopLimit the hop limit
     * @return the control message
     */
    public static ControlMessage hopLimit(int hopLimit) {
        return intMessage(Level.IPV6, Consts.IPV6_HOPLIMIT, hopLimit);
    }

    /**
     * IP_TOS ({@code ip(7)}); sent as an int, received (IP_RECVTOS) as one byte.
     *
     * @param tos the TOS byte
     * @return the control message
     */
    public static ControlMessage tos(int tos) {
        return intMessage(Level.IP, Consts.IP_TOS, tos);
    }

    /**
     * IPV6_TCLASS ({@code ipv6(7)}, IPV6_RECVTCLASS on receive).
     *
     * @param tclass the traffic class
     * @return the control message
     */
    public static ControlMessage trafficClass(int tclass) {
        return intMessage(Level.IPV6, Consts.IPV6_TCLASS, tclass);
    }

    /**
     * UDP_SEGMENT ({@code udp(7)}, GSO): the segment size, a 16-bit value.
     *
     * @param segmentSize the segment size in bytes
     * @return the control message
     */
    public static ControlMessage udpSegment(int segmentSize) {
        if (segmentSize < 0 || segmentSize > 0xFFFF) throw new IllegalArgumentException("UDP_SEGMENT size must be 0..65535: " + segmentSize);
        ByteBuffer b = buf(2);
        b.putShort((short) segmentSize);
        return new ControlMessage(Level.UDP, Consts.UDP_SEGMENT, b.array());
    }

    /**
     * UDP_GRO ({@code udp(7)}): the segment size of a coalesced datagram, as received with UDP_GRO on.
     *
     * @param segmentSize the segment size in bytes
     * @return the control message
     */
    public static ControlMessage udpGro(int segmentSize) {
        return intMessage(Level.UDP, Consts.UDP_GRO, segmentSize);
    }

    /** {@return the TTL of an IP_TTL message} */
    public int ttl() {
        require(is(Consts.SOL_IP, Consts.IP_TTL), "IP_TTL");
        return intData();
    }

    /** {@return the hop limit of an IPV6_HOPLIMIT message} */
    public int hopLimit() {
        require(is(Consts.SOL_IPV6, Consts.IPV6_HOPLIMIT), "IPV6_HOPLIMIT");
        return intData();
    }

    /** {@return the TOS byte of an IP_TOS message (a one-byte payload as received, or an int as sent)} */
    public int tos() {
        require(is(Consts.SOL_IP, Consts.IP_TOS), "IP_TOS");
        if (data.length >= 1 && data.length < 4) return data[0] & 0xff;
        return intData();
    }

    /** {@return the traffic class of an IPV6_TCLASS message} */
    public int trafficClass() {
        require(is(Consts.SOL_IPV6, Consts.IPV6_TCLASS), "IPV6_TCLASS");
        return intData();
    }

    /** {@return the segment size of a UDP_SEGMENT message (u16, or an int if a sender wrote one)} */
    public int segmentSize() {
        require(is(Consts.SOL_UDP, Consts.UDP_SEGMENT), "UDP_SEGMENT");
        if (data.length >= 2 && data.length < 4) return wrap().getShort() & 0xffff;
        return intData();
    }

    /** {@return the segment size of a UDP_GRO message} */
    public int groSize() {
        require(is(Consts.SOL_UDP, Consts.UDP_GRO), "UDP_GRO");
        return intData();
    }

    // ------------------------------------------------------------------ IP_RECVERR

    /**
     * A queued error ({@code struct sock_extended_err}, {@code ip(7)} IP_RECVERR) and the address of
     * the node that reported it ({@code SO_EE_OFFENDER}; null when the kernel gave none, as for
     * locally generated errors).
     *
     * @param errno  the error, e.g. ECONNREFUSED
     * @param origin SO_EE_ORIGIN_LOCAL (1), _ICMP (2), _ICMP6 (3), ...
     * @param type   the ICMP type (for ICMP origins)
     * @param code   the ICMP code
     * @param info   extra (the MTU for "fragmentation needed")
     * @param data {@code ee_data}: more data, e.g. the end of the completed range of a MSG_ZEROCOPY notification
     * @param offender {@code SO_EE_OFFENDER}: the address of the node that reported the error, or null
     */
    public record ExtendedError(int errno, int origin, int type, int code, int info, int data, SockAddr offender) {
        /** {@return the C name of {@link #errno()}, e.g. {@code "ECONNREFUSED"}} */
        public String errnoName() {
            return Errno.name(errno);
        }

        /** {@return who reported the error: {@link #origin()} as an {@link Origin}} */
        public Origin originKind() {
            return Origin.of(origin);
        }
    }

    /** {@code ee_origin}: who reported a queued error ({@code SO_EE_ORIGIN_*}, {@code <linux/errqueue.h>}). */
    public enum Origin {
        /** SO_EE_ORIGIN_NONE. */
        NONE(Consts.SO_EE_ORIGIN_NONE),
        /** SO_EE_ORIGIN_LOCAL: this host (e.g. EMSGSIZE for a too large datagram). */
        LOCAL(Consts.SO_EE_ORIGIN_LOCAL),
        /** SO_EE_ORIGIN_ICMP: an ICMP message; {@code type}/{@code code} are its. */
        ICMP(Consts.SO_EE_ORIGIN_ICMP),
        /** SO_EE_ORIGIN_ICMP6: an ICMPv6 message. */
        ICMP6(Consts.SO_EE_ORIGIN_ICMP6),
        /** SO_EE_ORIGIN_TXSTATUS: a transmit timestamp. */
        TXSTATUS(Consts.SO_EE_ORIGIN_TXSTATUS),
        /** SO_EE_ORIGIN_ZEROCOPY: a MSG_ZEROCOPY completion. */
        ZEROCOPY(Consts.SO_EE_ORIGIN_ZEROCOPY),
        /** SO_EE_ORIGIN_TXTIME: a SO_TXTIME drop. */
        TXTIME(Consts.SO_EE_ORIGIN_TXTIME),
        /** A value this list does not name. */
        OTHER(-1);

        private final int value;

        Origin(int value) {
            this.value = value;
        }

        /** {@return the {@code SO_EE_ORIGIN_*} number, -1 for {@link #OTHER}} */
        public int value() {
            return value;
        }

        /**
         * The origin of a number.
         *
         * @param value an {@code ee_origin}
         * @return its name, {@link #OTHER} when it has none here
         */
        public static Origin of(int value) {
            for (Origin o : values()) if (o.value == value) return o;
            return OTHER;
        }
    }

    /**
     * IP_RECVERR (level IP) or IPV6_RECVERR (level IPV6) carrying {@code e}: for round trips and tests.
     *
     * @param e the error to carry
     * @param level the protocol level ({@code cmsg_level})
     * @return the control message
     */
    public static ControlMessage extendedError(ExtendedError e, Level level) {
        int type = level.value() == Consts.SOL_IPV6 ? Consts.IPV6_RECVERR : Consts.IP_RECVERR;
        if (level.value() != Consts.SOL_IP && level.value() != Consts.SOL_IPV6)
            throw new IllegalArgumentException("IP_RECVERR lives at level IP or IPV6, not " + level);
        byte[] off = e.offender() == null ? new byte[16] : e.offender().bytes();
        int base = (int) Layouts.SOCK_EXTENDED_ERR.byteSize();
        ByteBuffer b = buf(base + off.length);
        b.putInt((int) Layouts.EE_ERRNO, e.errno())
                .put((int) Layouts.EE_ORIGIN, (byte) e.origin()).put((int) Layouts.EE_TYPE, (byte) e.type())
                .put((int) Layouts.EE_CODE, (byte) e.code())
                .putInt((int) Layouts.EE_INFO, e.info()).putInt((int) Layouts.EE_DATA, e.data());
        b.put(base, off);
        return new ControlMessage(level, type, b.array());
    }

    /** {@return the error of an IP_RECVERR or IPV6_RECVERR message, with its offender} */
    public ExtendedError extendedError() {
        require(is(Consts.SOL_IP, Consts.IP_RECVERR) || is(Consts.SOL_IPV6, Consts.IPV6_RECVERR), "IP_RECVERR or IPV6_RECVERR");
        int base = (int) Layouts.SOCK_EXTENDED_ERR.byteSize();
        ByteBuffer b = wrap(base);
        SockAddr offender = null;
        int rest = data.length - base;
        if (rest >= 2) {
            byte[] sa = Arrays.copyOfRange(data, base, base + Math.min(rest, SockAddr.CAPACITY));
            SockAddr a = SockAddr.fromBytes(sa);
            int f = a.familyValue();
            // the kernel leaves the offender AF_UNSPEC when there is none; trim to the family's size
            if (f == Consts.AF_INET && sa.length >= Layouts.SOCKADDR_IN.byteSize())
                offender = SockAddr.fromBytes(Arrays.copyOf(sa, (int) Layouts.SOCKADDR_IN.byteSize()));
            else if (f == Consts.AF_INET6 && sa.length >= Layouts.SOCKADDR_IN6.byteSize())
                offender = SockAddr.fromBytes(Arrays.copyOf(sa, (int) Layouts.SOCKADDR_IN6.byteSize()));
            else if (f != Consts.AF_UNSPEC) offender = a;
        }
        return new ExtendedError(b.getInt((int) Layouts.EE_ERRNO), b.get((int) Layouts.EE_ORIGIN) & 0xff,
                b.get((int) Layouts.EE_TYPE) & 0xff, b.get((int) Layouts.EE_CODE) & 0xff,
                b.getInt((int) Layouts.EE_INFO), b.getInt((int) Layouts.EE_DATA), offender);
    }

    // ------------------------------------------------------------------ encoding and parsing

    /** The control buffer holding {@code msgs} one after another, each CMSG_SPACE long. */
    static byte[] encode(ControlMessage... msgs) {
        long total = 0;
        for (ControlMessage m : msgs) {
            Objects.requireNonNull(m, "control message");
            total += Cmsg.space(m.data.length);
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("control messages too long: " + total + " bytes");
        byte[] out = new byte[(int) total];
        MemorySegment seg = MemorySegment.ofArray(out);
        long off = 0;
        for (ControlMessage m : msgs) {
            long d = Cmsg.put(seg, off, m.level.value(), m.type, m.data.length);
            MemorySegment.copy(m.data, 0, seg, JAVA_BYTE, d, m.data.length);
            off += Cmsg.space(m.data.length);
        }
        return out;
    }

    /**
     * {@return every whole control message in the first {@code length} bytes of {@code control}, as
     * {@code CMSG_FIRSTHDR}/{@code CMSG_NXTHDR} walk them} Reads nothing outside
     * {@code control[0..length)} whatever the bytes say: a message whose {@code cmsg_len} is below
     * the header size or reaches past the end (cut short, or a lie) ends the walk and is not returned.
     *
     * @param control the control buffer
     * @param length how many bytes of it hold control messages
     * @throws IllegalArgumentException when {@code length} is negative or beyond the array
     */
    public static List<ControlMessage> parse(byte[] control, int length) {
        if (length < 0 || length > control.length)
            throw new IllegalArgumentException("control length " + length + " outside 0.." + control.length);
        return parse(MemorySegment.ofArray(control), length);
    }

    /**
     * {@link #parse(byte[], int)} over the whole array.
     *
     * @param control the control buffer
     * @return the messages, in buffer order
     */
    public static List<ControlMessage> parse(byte[] control) {
        return parse(control, control.length);
    }

    static List<ControlMessage> parse(MemorySegment control, long length) {
        long limit = Cmsg.limit(control, length);
        List<ControlMessage> out = new ArrayList<>();
        for (long off = Cmsg.first(control, limit); off >= 0; off = Cmsg.next(control, limit, off)) {
            if (!Cmsg.whole(control, limit, off)) break;
            int n = (int) (Cmsg.cmsgLen(control, off) - Cmsg.HDR);
            byte[] d = new byte[n];
            MemorySegment.copy(control, JAVA_BYTE, Cmsg.data(off), d, 0, n);
            out.add(new ControlMessage(new Level(Cmsg.level(control, off)), Cmsg.type(control, off), d));
        }
        return out;
    }

    /**
     * Checks a raw control buffer before it is sent: every message whole, none claiming more than
     * the buffer holds, no SCM_RIGHTS over SCM_MAX_FD. The kernel would refuse some of this with
     * EINVAL; rawsock refuses all of it, with a reason, before the call.
     */
    static void checkOutgoing(byte[] control) {
        if (control.length == 0) return;
        MemorySegment seg = MemorySegment.ofArray(control);
        long limit = control.length;
        if (limit < Cmsg.HDR)
            throw new IllegalArgumentException("control buffer of " + limit + " bytes is too small for a cmsghdr (" + Cmsg.HDR + ")");
        for (long off = 0; off >= 0; off = Cmsg.next(seg, limit, off)) {
            long l = Cmsg.cmsgLen(seg, off);
            if (l < Cmsg.HDR || l > limit - off)
                throw new IllegalArgumentException("control buffer too small: message at offset " + off + " has cmsg_len " + l
                        + " but only " + (limit - off) + " bytes are left");
            if (Cmsg.level(seg, off) == Consts.SOL_SOCKET && Cmsg.type(seg, off) == Consts.SCM_RIGHTS
                    && (l - Cmsg.HDR) / 4 > Consts.SCM_MAX_FD)
                throw new IllegalArgumentException((l - Cmsg.HDR) / 4 + " file descriptors, over SCM_MAX_FD " + Consts.SCM_MAX_FD);
        }
    }

    // ------------------------------------------------------------------ helpers

    private boolean is(int lvl, int typ) {
        return level.value() == lvl && type == typ;
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new IllegalStateException("not an " + what + " control message");
    }

    private static ControlMessage intMessage(Level level, int type, int v) {
        ByteBuffer b = buf(4);
        b.putInt(v);
        return new ControlMessage(level, type, b.array());
    }

    private int intData() {
        return wrap(4).getInt(0);
    }

    private static ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(HOST);
    }

    private ByteBuffer wrap() {
        return ByteBuffer.wrap(data).order(HOST);
    }

    private ByteBuffer wrap(long need) {
        if (data.length < need)
            throw new IllegalArgumentException(raw() + ": data of " + data.length + " bytes, its kind needs " + need);
        return wrap();
    }

    private InetAddress addr(long off, int n) {
        return InetBytes.address(Arrays.copyOfRange(data, (int) off, (int) off + n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMessage m && m.level.equals(level) && m.type == type && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return (level.hashCode() * 31 + type) * 31 + Arrays.hashCode(data);
    }

    /** Readable: {@code SCM_RIGHTS [5, 6]}, {@code IP_TTL 64}, or level, type and hex data. */
    @Override
    public String toString() {
        try {
            Kind k = kind();
            Object value = switch (k) {
                case SCM_RIGHTS -> Arrays.toString(fds());
                case SCM_CREDENTIALS -> credentials();
                case SCM_TIMESTAMPNS -> timestamp();
                case IP_PKTINFO, IPV6_PKTINFO -> packetInfo();
                case IP_TTL -> ttl();
                case IPV6_HOPLIMIT -> hopLimit();
                case IP_TOS -> tos();
                case IPV6_TCLASS -> trafficClass();
                case IP_RECVERR, IPV6_RECVERR -> extendedError();
                case UDP_SEGMENT -> segmentSize();
                case UDP_GRO -> groSize();
                case OTHER -> null;
            };
            if (value != null) return k + " " + value;
        } catch (RuntimeException e) {
            // malformed payload: print it raw
        }
        return raw();
    }

    /** The raw form, which never decodes (so it is safe inside error messages of the decoders). */
    private String raw() {
        return "cmsg " + level + " type " + type + " " + HexFormat.of().formatHex(data);
    }
}
