package dev.rawsock.internal;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Every C struct rawsock passes to or reads from the kernel and C library, as an FFM layout named as
 * the C struct, with fields named as in C; {@code CProbeTest} compiles a C probe and checks
 * every struct's {@code sizeof} and every field's {@code offsetof} against these. Linux LP64
 * (x86_64, aarch64); the one difference between the two, {@code struct epoll_event}'s packing, is
 * handled where it is declared.
 *
 * <p>Multi-byte fields that the kernel keeps in network byte order (ports, IPv4 addresses,
 * {@code sll_protocol}) are declared as plain host-order values here; the code that reads them swaps.
 */
public final class Layouts {
    private Layouts() {}

    /** Byte offset of a named field of a struct layout. */
    public static long off(GroupLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    private static final ValueLayout.OfShort U16 = JAVA_SHORT;
    private static final ValueLayout.OfInt U32 = JAVA_INT;

    // ------------------------------------------------------------- addresses

    /** {@code struct sockaddr_storage} ({@code <bits/socket.h>}): 128 bytes, 8-aligned. */
    public static final StructLayout SOCKADDR_STORAGE = structLayout(
            U16.withName("ss_family"),
            sequenceLayout(118, JAVA_BYTE).withName("__ss_padding"),
            JAVA_LONG.withName("__ss_align")).withName("sockaddr_storage");
    public static final int SOCKADDR_STORAGE_SIZE = (int) SOCKADDR_STORAGE.byteSize();

    /** {@code struct sockaddr_in} ({@code <netinet/in.h>}). */
    public static final StructLayout SOCKADDR_IN = structLayout(
            U16.withName("sin_family"),
            U16.withName("sin_port"),
            U32.withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero")).withName("sockaddr_in");
    public static final long SIN_PORT = off(SOCKADDR_IN, "sin_port");
    public static final long SIN_ADDR = off(SOCKADDR_IN, "sin_addr");

    /** {@code struct sockaddr_in6} ({@code <netinet/in.h>}). */
    public static final StructLayout SOCKADDR_IN6 = structLayout(
            U16.withName("sin6_family"),
            U16.withName("sin6_port"),
            U32.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            U32.withName("sin6_scope_id")).withName("sockaddr_in6");
    public static final long SIN6_PORT = off(SOCKADDR_IN6, "sin6_port");
    public static final long SIN6_FLOWINFO = off(SOCKADDR_IN6, "sin6_flowinfo");
    public static final long SIN6_ADDR = off(SOCKADDR_IN6, "sin6_addr");
    public static final long SIN6_SCOPE_ID = off(SOCKADDR_IN6, "sin6_scope_id");

    /** {@code struct sockaddr_un} ({@code <sys/un.h>}): 108 bytes of path, so 107 plus the NUL. */
    public static final StructLayout SOCKADDR_UN = structLayout(
            U16.withName("sun_family"),
            sequenceLayout(108, JAVA_BYTE).withName("sun_path")).withName("sockaddr_un");
    public static final long SUN_PATH = off(SOCKADDR_UN, "sun_path");
    public static final int SUN_PATH_SIZE = 108;

    /** {@code struct sockaddr_ll} ({@code <linux/if_packet.h>}). */
    public static final StructLayout SOCKADDR_LL = structLayout(
            U16.withName("sll_family"),
            U16.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            U16.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            sequenceLayout(8, JAVA_BYTE).withName("sll_addr")).withName("sockaddr_ll");
    public static final long SLL_PROTOCOL = off(SOCKADDR_LL, "sll_protocol");
    public static final long SLL_IFINDEX = off(SOCKADDR_LL, "sll_ifindex");
    public static final long SLL_HATYPE = off(SOCKADDR_LL, "sll_hatype");
    public static final long SLL_PKTTYPE = off(SOCKADDR_LL, "sll_pkttype");
    public static final long SLL_HALEN = off(SOCKADDR_LL, "sll_halen");
    public static final long SLL_ADDR = off(SOCKADDR_LL, "sll_addr");

    /** {@code struct sockaddr_nl} ({@code <linux/netlink.h>}). */
    public static final StructLayout SOCKADDR_NL = structLayout(
            U16.withName("nl_family"),
            U16.withName("nl_pad"),
            U32.withName("nl_pid"),
            U32.withName("nl_groups")).withName("sockaddr_nl");
    public static final long NL_PID = off(SOCKADDR_NL, "nl_pid");
    public static final long NL_GROUPS = off(SOCKADDR_NL, "nl_groups");

    // ------------------------------------------------------------- netlink messages (internal.Netlink encodes them)

    /** {@code struct nlmsghdr} ({@code <linux/netlink.h>}): every netlink message starts with one. */
    public static final StructLayout NLMSGHDR = structLayout(
            U32.withName("nlmsg_len"),
            U16.withName("nlmsg_type"),
            U16.withName("nlmsg_flags"),
            U32.withName("nlmsg_seq"),
            U32.withName("nlmsg_pid")).withName("nlmsghdr");
    /** {@code struct nlmsgerr} ({@code <linux/netlink.h>}): the payload of NLMSG_ERROR (an ack when error is 0). */
    public static final StructLayout NLMSGERR = structLayout(
            JAVA_INT.withName("error"),
            NLMSGHDR.withName("msg")).withName("nlmsgerr");
    /** {@code struct ifinfomsg} ({@code <linux/rtnetlink.h>}): the fixed part of RTM_*LINK. */
    public static final StructLayout IFINFOMSG = structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("__ifi_pad"),
            U16.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            U32.withName("ifi_flags"),
            U32.withName("ifi_change")).withName("ifinfomsg");
    public static final long IFI_TYPE = off(IFINFOMSG, "ifi_type"), IFI_INDEX = off(IFINFOMSG, "ifi_index"),
            IFI_FLAGS = off(IFINFOMSG, "ifi_flags"), IFI_CHANGE = off(IFINFOMSG, "ifi_change");
    /** {@code struct ifaddrmsg} ({@code <linux/if_addr.h>}): the fixed part of RTM_*ADDR. */
    public static final StructLayout IFADDRMSG = structLayout(
            JAVA_BYTE.withName("ifa_family"),
            JAVA_BYTE.withName("ifa_prefixlen"),
            JAVA_BYTE.withName("ifa_flags"),
            JAVA_BYTE.withName("ifa_scope"),
            U32.withName("ifa_index")).withName("ifaddrmsg");
    public static final long IFA_PREFIXLEN = off(IFADDRMSG, "ifa_prefixlen"), IFA_FLAGS8 = off(IFADDRMSG, "ifa_flags"),
            IFA_SCOPE = off(IFADDRMSG, "ifa_scope"), IFA_INDEX = off(IFADDRMSG, "ifa_index");
    /** {@code struct ifa_cacheinfo} ({@code <linux/if_addr.h>}): lifetimes in seconds, 0xFFFFFFFF is forever. */
    public static final StructLayout IFA_CACHEINFO = structLayout(
            U32.withName("ifa_prefered"),
            U32.withName("ifa_valid"),
            U32.withName("cstamp"),
            U32.withName("tstamp")).withName("ifa_cacheinfo");
    public static final long IFA_PREFERED = off(IFA_CACHEINFO, "ifa_prefered"), IFA_VALID = off(IFA_CACHEINFO, "ifa_valid");
    /** {@code struct rtmsg} ({@code <linux/rtnetlink.h>}): the fixed part of RTM_*ROUTE. */
    public static final StructLayout RTMSG = structLayout(
            JAVA_BYTE.withName("rtm_family"),
            JAVA_BYTE.withName("rtm_dst_len"),
            JAVA_BYTE.withName("rtm_src_len"),
            JAVA_BYTE.withName("rtm_tos"),
            JAVA_BYTE.withName("rtm_table"),
            JAVA_BYTE.withName("rtm_protocol"),
            JAVA_BYTE.withName("rtm_scope"),
            JAVA_BYTE.withName("rtm_type"),
            U32.withName("rtm_flags")).withName("rtmsg");
    public static final long RTM_DST_LEN = off(RTMSG, "rtm_dst_len"), RTM_TABLE = off(RTMSG, "rtm_table"),
            RTM_PROTOCOL = off(RTMSG, "rtm_protocol"), RTM_SCOPE = off(RTMSG, "rtm_scope"), RTM_TYPE = off(RTMSG, "rtm_type");
    /** {@code struct ndmsg} ({@code <linux/neighbour.h>}): the fixed part of RTM_*NEIGH. */
    public static final StructLayout NDMSG = structLayout(
            JAVA_BYTE.withName("ndm_family"),
            JAVA_BYTE.withName("ndm_pad1"),
            U16.withName("ndm_pad2"),
            JAVA_INT.withName("ndm_ifindex"),
            U16.withName("ndm_state"),
            JAVA_BYTE.withName("ndm_flags"),
            JAVA_BYTE.withName("ndm_type")).withName("ndmsg");
    public static final long NDM_IFINDEX = off(NDMSG, "ndm_ifindex"), NDM_STATE = off(NDMSG, "ndm_state"),
            NDM_FLAGS = off(NDMSG, "ndm_flags"), NDM_TYPE = off(NDMSG, "ndm_type");
    /**
     * The first nine counters of {@code struct rtnl_link_stats64} ({@code <linux/if_link.h>}), in
     * {@code LinkStats}' order. Private, so the C probe does not compare its size: the kernel's struct is
     * longer and grows with kernel versions; these nine {@code __u64} come first in every version.
     */
    private static final StructLayout RTNL_LINK_STATS64_HEAD = structLayout(
            JAVA_LONG.withName("rx_packets"),
            JAVA_LONG.withName("tx_packets"),
            JAVA_LONG.withName("rx_bytes"),
            JAVA_LONG.withName("tx_bytes"),
            JAVA_LONG.withName("rx_errors"),
            JAVA_LONG.withName("tx_errors"),
            JAVA_LONG.withName("rx_dropped"),
            JAVA_LONG.withName("tx_dropped"),
            JAVA_LONG.withName("multicast"));
    /** How many bytes of IFLA_STATS64 rawsock reads: the nine counters. */
    public static final long STATS64_HEAD_SIZE = RTNL_LINK_STATS64_HEAD.byteSize();

    // ------------------------------------------------------------- I/O vectors and messages

    /** {@code struct iovec} ({@code <bits/types/struct_iovec.h>}). */
    public static final StructLayout IOVEC = structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");
    public static final long IOV_BASE = off(IOVEC, "iov_base");
    public static final long IOV_LEN = off(IOVEC, "iov_len");

    /** {@code struct msghdr} ({@code <bits/socket.h>}). */
    public static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4)).withName("msghdr");
    public static final long MSG_NAME = off(MSGHDR, "msg_name");
    public static final long MSG_NAMELEN = off(MSGHDR, "msg_namelen");
    public static final long MSG_IOV = off(MSGHDR, "msg_iov");
    public static final long MSG_IOVLEN = off(MSGHDR, "msg_iovlen");
    public static final long MSG_CONTROL = off(MSGHDR, "msg_control");
    public static final long MSG_CONTROLLEN = off(MSGHDR, "msg_controllen");
    public static final long MSG_FLAGS = off(MSGHDR, "msg_flags");

    /** {@code struct cmsghdr} ({@code <bits/socket.h>}); the data follows at CMSG_ALIGN(sizeof). */
    public static final StructLayout CMSGHDR = structLayout(
            JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type")).withName("cmsghdr");

    /** {@code struct mmsghdr} ({@code <bits/socket.h>}, _GNU_SOURCE). */
    public static final StructLayout MMSGHDR = structLayout(
            MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"),
            paddingLayout(4)).withName("mmsghdr");
    public static final long MMSG_LEN = off(MMSGHDR, "msg_len");

    // ------------------------------------------------------------- waiting

    /** {@code struct pollfd} ({@code <sys/poll.h>}). */
    public static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents")).withName("pollfd");
    public static final long POLLFD_FD = off(POLLFD, "fd");
    public static final long POLLFD_EVENTS = off(POLLFD, "events");
    public static final long POLLFD_REVENTS = off(POLLFD, "revents");

    /**
     * {@code struct epoll_event} ({@code <sys/epoll.h>}): packed on x86_64 (12 bytes), naturally
     * aligned elsewhere (16 bytes), as glibc declares it.
     */
    public static final StructLayout EPOLL_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"))
            ? structLayout(JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"))
                    .withName("epoll_event")
            : structLayout(JAVA_INT.withName("events"), paddingLayout(4), JAVA_LONG.withName("data"))
                    .withName("epoll_event");
    public static final long EPOLL_EVENTS = off(EPOLL_EVENT, "events");
    public static final long EPOLL_DATA = off(EPOLL_EVENT, "data");

    /** {@code struct timeval} ({@code <bits/types/struct_timeval.h>}). */
    public static final StructLayout TIMEVAL = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_usec")).withName("timeval");

    /** {@code struct timespec} ({@code <bits/types/struct_timespec.h>}). */
    public static final StructLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@code struct linger} ({@code <bits/socket.h>}). */
    public static final StructLayout LINGER = structLayout(
            JAVA_INT.withName("l_onoff"),
            JAVA_INT.withName("l_linger")).withName("linger");

    /** {@code struct ucred} ({@code <bits/socket.h>}, _GNU_SOURCE). */
    public static final StructLayout UCRED = structLayout(
            JAVA_INT.withName("pid"),
            JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid")).withName("ucred");

    // ------------------------------------------------------------- interfaces

    /** {@code struct ifmap} ({@code <net/if.h>}), the widest member of ifreq's union. */
    public static final StructLayout IFMAP = structLayout(
            JAVA_LONG.withName("mem_start"),
            JAVA_LONG.withName("mem_end"),
            JAVA_SHORT.withName("base_addr"),
            JAVA_BYTE.withName("irq"),
            JAVA_BYTE.withName("dma"),
            JAVA_BYTE.withName("port"),
            paddingLayout(3)).withName("ifmap");

    /** {@code struct ifreq} ({@code <net/if.h>}): a 16-byte name, then a 24-byte union. */
    public static final StructLayout IFREQ = structLayout(
            sequenceLayout(Consts.IF_NAMESIZE, JAVA_BYTE).withName("ifr_name"),
            unionLayout(
                    SOCKADDR_IN.withName("ifru_addr"),
                    JAVA_SHORT.withName("ifru_flags"),
                    JAVA_INT.withName("ifru_ivalue"),
                    JAVA_INT.withName("ifru_mtu"),
                    IFMAP.withName("ifru_map"),
                    ADDRESS.withName("ifru_data")).withName("ifr_ifru")).withName("ifreq");
    /** Where the union of {@code struct ifreq} starts: ifr_flags, ifr_mtu, ifr_addr, ifr_hwaddr all live here. */
    public static final long IFR_IFRU = off(IFREQ, "ifr_ifru");

    /** {@code struct if_nameindex} ({@code <net/if.h>}). */
    public static final StructLayout IF_NAMEINDEX = structLayout(
            JAVA_INT.withName("if_index"),
            paddingLayout(4),
            ADDRESS.withName("if_name")).withName("if_nameindex");

    /** {@code struct ifaddrs} ({@code <ifaddrs.h>}); ifa_ifu is the broadcast/destination union. */
    public static final StructLayout IFADDRS = structLayout(
            ADDRESS.withName("ifa_next"),
            ADDRESS.withName("ifa_name"),
            JAVA_INT.withName("ifa_flags"),
            paddingLayout(4),
            ADDRESS.withName("ifa_addr"),
            ADDRESS.withName("ifa_netmask"),
            ADDRESS.withName("ifa_ifu"),
            ADDRESS.withName("ifa_data")).withName("ifaddrs");

    // ------------------------------------------------------------- name service

    /** {@code struct addrinfo} ({@code <netdb.h>}). */
    public static final StructLayout ADDRINFO = structLayout(
            JAVA_INT.withName("ai_flags"),
            JAVA_INT.withName("ai_family"),
            JAVA_INT.withName("ai_socktype"),
            JAVA_INT.withName("ai_protocol"),
            JAVA_INT.withName("ai_addrlen"),
            paddingLayout(4),
            ADDRESS.withName("ai_addr"),
            ADDRESS.withName("ai_canonname"),
            ADDRESS.withName("ai_next")).withName("addrinfo");

    /** {@code struct protoent} ({@code <netdb.h>}). */
    public static final StructLayout PROTOENT = structLayout(
            ADDRESS.withName("p_name"),
            ADDRESS.withName("p_aliases"),
            JAVA_INT.withName("p_proto"),
            paddingLayout(4)).withName("protoent");

    /** {@code struct netent} ({@code <netdb.h>}). */
    public static final StructLayout NETENT = structLayout(
            ADDRESS.withName("n_name"),
            ADDRESS.withName("n_aliases"),
            JAVA_INT.withName("n_addrtype"),
            JAVA_INT.withName("n_net")).withName("netent");

    // ------------------------------------------------------------- names and interfaces

    /**
     * {@code struct rtnl_link_stats} ({@code <linux/if_link.h>}): what glibc's getifaddrs(3) copies
     * into {@code ifa_data} of an AF_PACKET entry (the IFLA_STATS attribute). Older kernels send fewer
     * fields (rx_nohandler came in 4.6), so readers take only the leading ones they need.
     */
    public static final StructLayout RTNL_LINK_STATS = structLayout(
            U32.withName("rx_packets"),
            U32.withName("tx_packets"),
            U32.withName("rx_bytes"),
            U32.withName("tx_bytes"),
            U32.withName("rx_errors"),
            U32.withName("tx_errors"),
            U32.withName("rx_dropped"),
            U32.withName("tx_dropped"),
            U32.withName("multicast"),
            U32.withName("collisions"),
            U32.withName("rx_length_errors"),
            U32.withName("rx_over_errors"),
            U32.withName("rx_crc_errors"),
            U32.withName("rx_frame_errors"),
            U32.withName("rx_fifo_errors"),
            U32.withName("rx_missed_errors"),
            U32.withName("tx_aborted_errors"),
            U32.withName("tx_carrier_errors"),
            U32.withName("tx_fifo_errors"),
            U32.withName("tx_heartbeat_errors"),
            U32.withName("tx_window_errors"),
            U32.withName("rx_compressed"),
            U32.withName("tx_compressed"),
            U32.withName("rx_nohandler")).withName("rtnl_link_stats");
    /** Bytes of rtnl_link_stats up to and including {@code multicast}: the part LinkStats reads. */
    public static final long RTNL_LINK_STATS_READ = off(RTNL_LINK_STATS, "multicast") + 4;

    // ------------------------------------------------------------- messages and control messages

    /** {@code struct in_pktinfo} ({@code <netinet/in.h>}): the IP_PKTINFO payload; addresses in network order. */
    public static final StructLayout IN_PKTINFO = structLayout(
            JAVA_INT.withName("ipi_ifindex"),
            U32.withName("ipi_spec_dst"),
            U32.withName("ipi_addr")).withName("in_pktinfo");
    public static final long IPI_IFINDEX = off(IN_PKTINFO, "ipi_ifindex");
    public static final long IPI_SPEC_DST = off(IN_PKTINFO, "ipi_spec_dst");
    public static final long IPI_ADDR = off(IN_PKTINFO, "ipi_addr");

    /** {@code struct in6_pktinfo} ({@code <netinet/in.h>}, _GNU_SOURCE): the IPV6_PKTINFO payload. */
    public static final StructLayout IN6_PKTINFO = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipi6_addr"),
            JAVA_INT.withName("ipi6_ifindex")).withName("in6_pktinfo");
    public static final long IPI6_ADDR = off(IN6_PKTINFO, "ipi6_addr");
    public static final long IPI6_IFINDEX = off(IN6_PKTINFO, "ipi6_ifindex");

    /**
     * {@code struct sock_extended_err} ({@code <linux/errqueue.h>}): the IP_RECVERR/IPV6_RECVERR
     * payload; the offender's sockaddr ({@code SO_EE_OFFENDER}) follows it in the same control message.
     */
    public static final StructLayout SOCK_EXTENDED_ERR = structLayout(
            U32.withName("ee_errno"),
            JAVA_BYTE.withName("ee_origin"),
            JAVA_BYTE.withName("ee_type"),
            JAVA_BYTE.withName("ee_code"),
            JAVA_BYTE.withName("ee_pad"),
            U32.withName("ee_info"),
            U32.withName("ee_data")).withName("sock_extended_err");
    public static final long EE_ERRNO = off(SOCK_EXTENDED_ERR, "ee_errno");
    public static final long EE_ORIGIN = off(SOCK_EXTENDED_ERR, "ee_origin");
    public static final long EE_TYPE = off(SOCK_EXTENDED_ERR, "ee_type");
    public static final long EE_CODE = off(SOCK_EXTENDED_ERR, "ee_code");
    public static final long EE_INFO = off(SOCK_EXTENDED_ERR, "ee_info");
    public static final long EE_DATA = off(SOCK_EXTENDED_ERR, "ee_data");

    /** cmsghdr field offsets (the struct is declared above, with msghdr). */
    public static final long CMSG_LEN_FIELD = off(CMSGHDR, "cmsg_len");
    public static final long CMSG_LEVEL = off(CMSGHDR, "cmsg_level");
    public static final long CMSG_TYPE = off(CMSGHDR, "cmsg_type");
    /** msghdr inside mmsghdr starts at 0: offsets of MSGHDR apply to an mmsghdr too. */
    public static final long MMSG_HDR = off(MMSGHDR, "msg_hdr");
    /** ucred field offsets. */
    public static final long UCRED_PID = off(UCRED, "pid");
    public static final long UCRED_UID = off(UCRED, "uid");
    public static final long UCRED_GID = off(UCRED, "gid");

    // ------------------------------------------------------------- socket options and ioctls

    /** {@code struct ip_mreqn} ({@code <netinet/in.h>}): IP_ADD_MEMBERSHIP, IP_MULTICAST_IF. */
    public static final StructLayout IP_MREQN = structLayout(
            U32.withName("imr_multiaddr"),
            U32.withName("imr_address"),
            JAVA_INT.withName("imr_ifindex")).withName("ip_mreqn");
    public static final long IMR_MULTIADDR = off(IP_MREQN, "imr_multiaddr");
    public static final long IMR_ADDRESS = off(IP_MREQN, "imr_address");
    public static final long IMR_IFINDEX = off(IP_MREQN, "imr_ifindex");

    /** {@code struct ipv6_mreq} ({@code <netinet/in.h>}): IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP. */
    public static final StructLayout IPV6_MREQ = structLayout(
            sequenceLayout(16, JAVA_BYTE).withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface")).withName("ipv6_mreq");
    public static final long IPV6MR_MULTIADDR = off(IPV6_MREQ, "ipv6mr_multiaddr");
    public static final long IPV6MR_INTERFACE = off(IPV6_MREQ, "ipv6mr_interface");

    /** {@code struct icmp_filter} ({@code <linux/icmp.h>}): bit n set drops ICMP type n. */
    public static final StructLayout ICMP_FILTER = structLayout(
            U32.withName("data")).withName("icmp_filter");

    /** {@code struct tpacket_stats} ({@code <linux/if_packet.h>}): PACKET_STATISTICS for TPACKET_V1/V2. */
    public static final StructLayout TPACKET_STATS = structLayout(
            U32.withName("tp_packets"),
            U32.withName("tp_drops")).withName("tpacket_stats");

    /** {@code struct tpacket_stats_v3} ({@code <linux/if_packet.h>}): PACKET_STATISTICS for TPACKET_V3. */
    public static final StructLayout TPACKET_STATS_V3 = structLayout(
            U32.withName("tp_packets"),
            U32.withName("tp_drops"),
            U32.withName("tp_freeze_q_cnt")).withName("tpacket_stats_v3");
    public static final long TP_PACKETS = off(TPACKET_STATS_V3, "tp_packets");
    public static final long TP_DROPS = off(TPACKET_STATS_V3, "tp_drops");
    public static final long TP_FREEZE_Q_CNT = off(TPACKET_STATS_V3, "tp_freeze_q_cnt");

    /**
     * {@code struct tcp_info} ({@code <linux/tcp.h>}, the kernel's uapi header, not glibc's shorter
     * {@code <netinet/tcp.h>} copy). Bytes 6 and 7 are bitfields (snd_wscale:4, rcv_wscale:4;
     * delivery_rate_app_limited:1, fastopen_client_fail:2): unnamed here because offsetof cannot
     * name a bitfield; {@link #TCPI_WSCALE} and {@link #TCPI_FLAGS7} address them. Newer kernels
     * append fields; getsockopt(2) writes min(our size, theirs), and older kernels write less,
     * so readers check the returned length per field.
     *
     * <p>Not public: glibc's {@code <netinet/tcp.h>} declares an older, shorter {@code struct tcp_info}
     * that clashes with the kernel's, so {@code CProbeTest} (which sees public layouts, through glibc's
     * headers) cannot check it; {@code SockOptProbeTest} checks it against {@code <linux/tcp.h>}.
     */
    static final StructLayout TCP_INFO = structLayout(
            JAVA_BYTE.withName("tcpi_state"),
            JAVA_BYTE.withName("tcpi_ca_state"),
            JAVA_BYTE.withName("tcpi_retransmits"),
            JAVA_BYTE.withName("tcpi_probes"),
            JAVA_BYTE.withName("tcpi_backoff"),
            JAVA_BYTE.withName("tcpi_options"),
            paddingLayout(2),
            U32.withName("tcpi_rto"),
            U32.withName("tcpi_ato"),
            U32.withName("tcpi_snd_mss"),
            U32.withName("tcpi_rcv_mss"),
            U32.withName("tcpi_unacked"),
            U32.withName("tcpi_sacked"),
            U32.withName("tcpi_lost"),
            U32.withName("tcpi_retrans"),
            U32.withName("tcpi_fackets"),
            U32.withName("tcpi_last_data_sent"),
            U32.withName("tcpi_last_ack_sent"),
            U32.withName("tcpi_last_data_recv"),
            U32.withName("tcpi_last_ack_recv"),
            U32.withName("tcpi_pmtu"),
            U32.withName("tcpi_rcv_ssthresh"),
            U32.withName("tcpi_rtt"),
            U32.withName("tcpi_rttvar"),
            U32.withName("tcpi_snd_ssthresh"),
            U32.withName("tcpi_snd_cwnd"),
            U32.withName("tcpi_advmss"),
            U32.withName("tcpi_reordering"),
            U32.withName("tcpi_rcv_rtt"),
            U32.withName("tcpi_rcv_space"),
            U32.withName("tcpi_total_retrans"),
            JAVA_LONG.withName("tcpi_pacing_rate"),
            JAVA_LONG.withName("tcpi_max_pacing_rate"),
            JAVA_LONG.withName("tcpi_bytes_acked"),
            JAVA_LONG.withName("tcpi_bytes_received"),
            U32.withName("tcpi_segs_out"),
            U32.withName("tcpi_segs_in"),
            U32.withName("tcpi_notsent_bytes"),
            U32.withName("tcpi_min_rtt"),
            U32.withName("tcpi_data_segs_in"),
            U32.withName("tcpi_data_segs_out"),
            JAVA_LONG.withName("tcpi_delivery_rate"),
            JAVA_LONG.withName("tcpi_busy_time"),
            JAVA_LONG.withName("tcpi_rwnd_limited"),
            JAVA_LONG.withName("tcpi_sndbuf_limited"),
            U32.withName("tcpi_delivered"),
            U32.withName("tcpi_delivered_ce"),
            JAVA_LONG.withName("tcpi_bytes_sent"),
            JAVA_LONG.withName("tcpi_bytes_retrans"),
            U32.withName("tcpi_dsack_dups"),
            U32.withName("tcpi_reord_seen"),
            U32.withName("tcpi_rcv_ooopack"),
            U32.withName("tcpi_snd_wnd")).withName("tcp_info");
    /** Byte 6 of tcp_info: snd_wscale in the low nibble, rcv_wscale in the high (little-endian bitfield order). */
    public static final long TCPI_WSCALE = off(TCP_INFO, "tcpi_options") + 1;
    /** Byte 7 of tcp_info: delivery_rate_app_limited in bit 0, fastopen_client_fail in bits 1-2. */
    public static final long TCPI_FLAGS7 = off(TCP_INFO, "tcpi_options") + 2;

    /**
     * {@code struct sockaddr} ({@code <bits/socket.h>}): what {@code ifr_hwaddr} holds, a family
     * (ARPHRD_*) then 14 bytes of address.
     */
    public static final StructLayout SOCKADDR = structLayout(
            U16.withName("sa_family"),
            sequenceLayout(14, JAVA_BYTE).withName("sa_data")).withName("sockaddr");
    public static final long SA_DATA = off(SOCKADDR, "sa_data");

    // ------------------------------------------------------------- capture

    /**
     * {@code struct tpacket_req} ({@code <linux/if_packet.h>}): PACKET_RX_RING's argument for TPACKET_V1/V2;
     * its fields sit where {@link #TPACKET_REQ3}'s first four do (the {@code TP_*} offsets below serve both).
     */
    public static final StructLayout TPACKET_REQ = structLayout(
            U32.withName("tp_block_size"),
            U32.withName("tp_block_nr"),
            U32.withName("tp_frame_size"),
            U32.withName("tp_frame_nr")).withName("tpacket_req");

    /** {@code struct tpacket_req3} ({@code <linux/if_packet.h>}): PACKET_RX_RING's argument for TPACKET_V3. */
    public static final StructLayout TPACKET_REQ3 = structLayout(
            U32.withName("tp_block_size"),
            U32.withName("tp_block_nr"),
            U32.withName("tp_frame_size"),
            U32.withName("tp_frame_nr"),
            U32.withName("tp_retire_blk_tov"),
            U32.withName("tp_sizeof_priv"),
            U32.withName("tp_feature_req_word")).withName("tpacket_req3");
    public static final long TP_BLOCK_SIZE = off(TPACKET_REQ3, "tp_block_size");
    public static final long TP_BLOCK_NR = off(TPACKET_REQ3, "tp_block_nr");
    public static final long TP_FRAME_SIZE = off(TPACKET_REQ3, "tp_frame_size");
    public static final long TP_FRAME_NR = off(TPACKET_REQ3, "tp_frame_nr");
    public static final long TP_RETIRE_BLK_TOV = off(TPACKET_REQ3, "tp_retire_blk_tov");
    public static final long TP_SIZEOF_PRIV = off(TPACKET_REQ3, "tp_sizeof_priv");
    public static final long TP_FEATURE_REQ_WORD = off(TPACKET_REQ3, "tp_feature_req_word");

    /** {@code struct tpacket_bd_ts} ({@code <linux/if_packet.h>}): ts_usec and ts_nsec share the second word. */
    public static final StructLayout TPACKET_BD_TS = structLayout(
            U32.withName("ts_sec"),
            U32.withName("ts_nsec")).withName("tpacket_bd_ts");

    /** {@code struct tpacket_hdr_v1} ({@code <linux/if_packet.h>}): the header of one TPACKET_V3 block. */
    public static final StructLayout TPACKET_HDR_V1 = structLayout(
            U32.withName("block_status"),
            U32.withName("num_pkts"),
            U32.withName("offset_to_first_pkt"),
            U32.withName("blk_len"),
            JAVA_LONG.withName("seq_num"),
            TPACKET_BD_TS.withName("ts_first_pkt"),
            TPACKET_BD_TS.withName("ts_last_pkt")).withName("tpacket_hdr_v1");

    /** {@code struct tpacket_block_desc} ({@code <linux/if_packet.h>}); {@code hdr} is a one-member union. */
    public static final StructLayout TPACKET_BLOCK_DESC = structLayout(
            U32.withName("version"),
            U32.withName("offset_to_priv"),
            TPACKET_HDR_V1.withName("hdr")).withName("tpacket_block_desc");
    private static final long BD_HDR = off(TPACKET_BLOCK_DESC, "hdr");
    /** Offsets inside a block, from its start (the block descriptor). */
    public static final long BD_BLOCK_STATUS = BD_HDR + off(TPACKET_HDR_V1, "block_status");
    public static final long BD_NUM_PKTS = BD_HDR + off(TPACKET_HDR_V1, "num_pkts");
    public static final long BD_OFFSET_TO_FIRST_PKT = BD_HDR + off(TPACKET_HDR_V1, "offset_to_first_pkt");
    public static final long BD_BLK_LEN = BD_HDR + off(TPACKET_HDR_V1, "blk_len");
    public static final long BD_SEQ_NUM = BD_HDR + off(TPACKET_HDR_V1, "seq_num");

    /** {@code struct tpacket_hdr_variant1} ({@code <linux/if_packet.h>}): RX hash and VLAN tag. */
    public static final StructLayout TPACKET_HDR_VARIANT1 = structLayout(
            U32.withName("tp_rxhash"),
            U32.withName("tp_vlan_tci"),
            U16.withName("tp_vlan_tpid"),
            U16.withName("tp_padding")).withName("tpacket_hdr_variant1");

    /** {@code struct tpacket3_hdr} ({@code <linux/if_packet.h>}): one frame's header inside a block. */
    public static final StructLayout TPACKET3_HDR = structLayout(
            U32.withName("tp_next_offset"),
            U32.withName("tp_sec"),
            U32.withName("tp_nsec"),
            U32.withName("tp_snaplen"),
            U32.withName("tp_len"),
            U32.withName("tp_status"),
            U16.withName("tp_mac"),
            U16.withName("tp_net"),
            TPACKET_HDR_VARIANT1.withName("hv1"),
            sequenceLayout(8, JAVA_BYTE).withName("tp_padding")).withName("tpacket3_hdr");
    public static final long TP3_NEXT_OFFSET = off(TPACKET3_HDR, "tp_next_offset");
    public static final long TP3_SEC = off(TPACKET3_HDR, "tp_sec");
    public static final long TP3_NSEC = off(TPACKET3_HDR, "tp_nsec");
    public static final long TP3_SNAPLEN = off(TPACKET3_HDR, "tp_snaplen");
    public static final long TP3_LEN = off(TPACKET3_HDR, "tp_len");
    public static final long TP3_STATUS = off(TPACKET3_HDR, "tp_status");
    public static final long TP3_MAC = off(TPACKET3_HDR, "tp_mac");
    public static final long TP3_NET = off(TPACKET3_HDR, "tp_net");
    private static final long TP3_HV1 = off(TPACKET3_HDR, "hv1");
    public static final long TP3_VLAN_TCI = TP3_HV1 + off(TPACKET_HDR_VARIANT1, "tp_vlan_tci");
    public static final long TP3_VLAN_TPID = TP3_HV1 + off(TPACKET_HDR_VARIANT1, "tp_vlan_tpid");
    /**
     * Where the frame's {@code struct sockaddr_ll} starts, from the frame's start: the kernel puts it
     * right after the TPACKET_ALIGN'ed header ({@code TPACKET3_HDRLEN} minus the sockaddr_ll).
     */
    public static final long TP3_SOCKADDR_LL = (TPACKET3_HDR.byteSize() + 15) & ~15L;

    /** {@code struct tpacket2_hdr} ({@code <linux/if_packet.h>}): the header of one TPACKET_V2 frame slot. */
    public static final StructLayout TPACKET2_HDR = structLayout(
            U32.withName("tp_status"),
            U32.withName("tp_len"),
            U32.withName("tp_snaplen"),
            U16.withName("tp_mac"),
            U16.withName("tp_net"),
            U32.withName("tp_sec"),
            U32.withName("tp_nsec"),
            U16.withName("tp_vlan_tci"),
            U16.withName("tp_vlan_tpid"),
            sequenceLayout(4, JAVA_BYTE).withName("tp_padding")).withName("tpacket2_hdr");
    public static final long TP2_STATUS = off(TPACKET2_HDR, "tp_status");
    public static final long TP2_LEN = off(TPACKET2_HDR, "tp_len");
    public static final long TP2_SNAPLEN = off(TPACKET2_HDR, "tp_snaplen");
    public static final long TP2_MAC = off(TPACKET2_HDR, "tp_mac");
    public static final long TP2_SEC = off(TPACKET2_HDR, "tp_sec");
    public static final long TP2_NSEC = off(TPACKET2_HDR, "tp_nsec");
    public static final long TP2_VLAN_TCI = off(TPACKET2_HDR, "tp_vlan_tci");
    public static final long TP2_VLAN_TPID = off(TPACKET2_HDR, "tp_vlan_tpid");
    /** Where a V2 frame's {@code struct sockaddr_ll} starts: after the TPACKET_ALIGN'ed header ({@code TPACKET2_HDRLEN} minus it). */
    public static final long TP2_SOCKADDR_LL = (TPACKET2_HDR.byteSize() + 15) & ~15L;

    // struct tpacket_stats_v3 (PACKET_STATISTICS) is in the options section above.

    /**
     * {@code struct tpacket_auxdata} ({@code <linux/if_packet.h>}): the {@code PACKET_AUXDATA} control
     * message a packet socket adds to each {@code recvmsg(2)} once the option is on; the recvfrom
     * capture's only way to learn the wire length and a VLAN tag the kernel took off.
     */
    public static final StructLayout TPACKET_AUXDATA = structLayout(
            U32.withName("tp_status"),
            U32.withName("tp_len"),
            U32.withName("tp_snaplen"),
            U16.withName("tp_mac"),
            U16.withName("tp_net"),
            U16.withName("tp_vlan_tci"),
            U16.withName("tp_vlan_tpid")).withName("tpacket_auxdata");
    public static final long AUX_STATUS = off(TPACKET_AUXDATA, "tp_status");
    public static final long AUX_LEN = off(TPACKET_AUXDATA, "tp_len");
    public static final long AUX_SNAPLEN = off(TPACKET_AUXDATA, "tp_snaplen");
    public static final long AUX_VLAN_TCI = off(TPACKET_AUXDATA, "tp_vlan_tci");
    public static final long AUX_VLAN_TPID = off(TPACKET_AUXDATA, "tp_vlan_tpid");

    /** {@code struct sock_filter} ({@code <linux/filter.h>}): one classic BPF instruction. */
    public static final StructLayout SOCK_FILTER = structLayout(
            U16.withName("code"),
            JAVA_BYTE.withName("jt"),
            JAVA_BYTE.withName("jf"),
            U32.withName("k")).withName("sock_filter");
    public static final long SF_CODE = off(SOCK_FILTER, "code");
    public static final long SF_JT = off(SOCK_FILTER, "jt");
    public static final long SF_JF = off(SOCK_FILTER, "jf");
    public static final long SF_K = off(SOCK_FILTER, "k");

    /** {@code struct sock_fprog} ({@code <linux/filter.h>}): SO_ATTACH_FILTER's argument. */
    public static final StructLayout SOCK_FPROG = structLayout(
            U16.withName("len"),
            paddingLayout(6),
            ADDRESS.withName("filter")).withName("sock_fprog");
    public static final long FPROG_LEN = off(SOCK_FPROG, "len");
    public static final long FPROG_FILTER = off(SOCK_FPROG, "filter");

    /** {@code struct packet_mreq} ({@code <linux/if_packet.h>}): PACKET_ADD/DROP_MEMBERSHIP's argument. */
    public static final StructLayout PACKET_MREQ = structLayout(
            JAVA_INT.withName("mr_ifindex"),
            U16.withName("mr_type"),
            U16.withName("mr_alen"),
            sequenceLayout(8, JAVA_BYTE).withName("mr_address")).withName("packet_mreq");
    public static final long MR_IFINDEX = off(PACKET_MREQ, "mr_ifindex");
    public static final long MR_TYPE = off(PACKET_MREQ, "mr_type");
    public static final long MR_ALEN = off(PACKET_MREQ, "mr_alen");

}
