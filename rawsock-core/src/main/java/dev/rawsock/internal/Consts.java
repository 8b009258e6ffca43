package dev.rawsock.internal;

/**
 * Every C constant rawsock uses, with the header it comes from; values are Linux's (x86_64 and
 * aarch64 agree on all of them). {@code CProbeTest} checks each one against the C headers with gcc.
 *
 * <p>The public value classes ({@code Domain}, {@code SocketType}, {@code Protocol}, ...) find their
 * known names here by prefix through {@link ConstTable}, so a name is spelled once.
 * Field order matters: where two names share a value, the first one is the one printed.
 */
public final class Consts {
    private Consts() {}

    // <bits/socket.h>: address families
    public static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_LOCAL = 1, AF_INET = 2, AF_AX25 = 3, AF_IPX = 4,
            AF_APPLETALK = 5, AF_NETROM = 6, AF_BRIDGE = 7, AF_ATMPVC = 8, AF_X25 = 9, AF_INET6 = 10,
            AF_ROSE = 11, AF_DECnet = 12, AF_NETBEUI = 13, AF_SECURITY = 14, AF_KEY = 15, AF_NETLINK = 16,
            AF_ROUTE = 16, AF_PACKET = 17, AF_ASH = 18, AF_ECONET = 19, AF_ATMSVC = 20, AF_RDS = 21,
            AF_SNA = 22, AF_IRDA = 23, AF_PPPOX = 24, AF_WANPIPE = 25, AF_LLC = 26, AF_IB = 27, AF_MPLS = 28,
            AF_CAN = 29, AF_TIPC = 30, AF_BLUETOOTH = 31, AF_IUCV = 32, AF_RXRPC = 33, AF_ISDN = 34,
            AF_PHONET = 35, AF_IEEE802154 = 36, AF_CAIF = 37, AF_ALG = 38, AF_NFC = 39, AF_VSOCK = 40,
            AF_KCM = 41, AF_QIPCRTR = 42, AF_SMC = 43, AF_XDP = 44, AF_MCTP = 45;

    // <bits/socket_type.h>
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4, SOCK_SEQPACKET = 5,
            SOCK_DCCP = 6, SOCK_PACKET = 10;
    public static final int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    // <netinet/in.h>: IPPROTO_*
    public static final int IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_IGMP = 2, IPPROTO_IPIP = 4,
            IPPROTO_TCP = 6, IPPROTO_EGP = 8, IPPROTO_PUP = 12, IPPROTO_UDP = 17, IPPROTO_IDP = 22,
            IPPROTO_TP = 29, IPPROTO_DCCP = 33, IPPROTO_IPV6 = 41, IPPROTO_ROUTING = 43, IPPROTO_FRAGMENT = 44,
            IPPROTO_RSVP = 46, IPPROTO_GRE = 47, IPPROTO_ESP = 50, IPPROTO_AH = 51, IPPROTO_ICMPV6 = 58,
            IPPROTO_NONE = 59, IPPROTO_DSTOPTS = 60, IPPROTO_MTP = 92, IPPROTO_BEETPH = 94, IPPROTO_ENCAP = 98,
            IPPROTO_PIM = 103, IPPROTO_COMP = 108, IPPROTO_L2TP = 115, IPPROTO_SCTP = 132, IPPROTO_MH = 135,
            IPPROTO_UDPLITE = 136, IPPROTO_MPLS = 137, IPPROTO_ETHERNET = 143, IPPROTO_RAW = 255,
            IPPROTO_MPTCP = 262;
    public static final int IPPROTO_HOPOPTS = 0;

    // <linux/if_ether.h>: ETH_P_* (host order, as in the header; AF_PACKET wants htons of these)
    public static final int ETH_P_LOOP = 0x0060, ETH_P_IP = 0x0800, ETH_P_X25 = 0x0805, ETH_P_ARP = 0x0806,
            ETH_P_RARP = 0x8035, ETH_P_8021Q = 0x8100, ETH_P_IPX = 0x8137, ETH_P_IPV6 = 0x86DD,
            ETH_P_PAUSE = 0x8808, ETH_P_SLOW = 0x8809, ETH_P_MPLS_UC = 0x8847, ETH_P_MPLS_MC = 0x8848,
            ETH_P_PPP_DISC = 0x8863, ETH_P_PPP_SES = 0x8864, ETH_P_8021AD = 0x88A8, ETH_P_LLDP = 0x88CC,
            ETH_P_MACSEC = 0x88E5, ETH_P_8021AH = 0x88E7, ETH_P_1588 = 0x88F7, ETH_P_802_3 = 0x0001,
            ETH_P_AX25 = 0x0002, ETH_P_ALL = 0x0003, ETH_P_802_2 = 0x0004;
    public static final int ETH_ALEN = 6, ETH_HLEN = 14, ETH_FRAME_LEN = 1514;

    // <linux/netlink.h>: NETLINK_* protocols
    public static final int NETLINK_ROUTE = 0, NETLINK_UNUSED = 1, NETLINK_USERSOCK = 2, NETLINK_FIREWALL = 3,
            NETLINK_SOCK_DIAG = 4, NETLINK_NFLOG = 5, NETLINK_XFRM = 6, NETLINK_SELINUX = 7, NETLINK_ISCSI = 8,
            NETLINK_AUDIT = 9, NETLINK_FIB_LOOKUP = 10, NETLINK_CONNECTOR = 11, NETLINK_NETFILTER = 12,
            NETLINK_IP6_FW = 13, NETLINK_DNRTMSG = 14, NETLINK_KOBJECT_UEVENT = 15, NETLINK_GENERIC = 16,
            NETLINK_SCSITRANSPORT = 18, NETLINK_ECRYPTFS = 19, NETLINK_RDMA = 20, NETLINK_CRYPTO = 21,
            NETLINK_SMC = 22;

    // <bits/socket.h>: MSG_*
    public static final int MSG_OOB = 0x01, MSG_PEEK = 0x02, MSG_DONTROUTE = 0x04, MSG_CTRUNC = 0x08,
            MSG_PROXY = 0x10, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
            MSG_FIN = 0x200, MSG_SYN = 0x400, MSG_CONFIRM = 0x800, MSG_RST = 0x1000, MSG_ERRQUEUE = 0x2000,
            MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000, MSG_BATCH = 0x40000,
            MSG_ZEROCOPY = 0x4000000, MSG_FASTOPEN = 0x20000000, MSG_CMSG_CLOEXEC = 0x40000000;

    // <sys/socket.h>: shutdown(2)
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    // <sys/socket.h>: listen(2) default, as glibc's SOMAXCONN
    public static final int SOMAXCONN = 4096;

    // <sys/poll.h>, <bits/poll.h>
    public static final short POLLIN = 0x001, POLLPRI = 0x002, POLLOUT = 0x004, POLLERR = 0x008,
            POLLHUP = 0x010, POLLNVAL = 0x020, POLLRDNORM = 0x040, POLLRDBAND = 0x080,
            POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;

    // <sys/epoll.h>
    public static final int EPOLLIN = 0x001, EPOLLPRI = 0x002, EPOLLOUT = 0x004, EPOLLERR = 0x008,
            EPOLLHUP = 0x010, EPOLLRDHUP = 0x2000, EPOLLONESHOT = 0x40000000, EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

    // <sys/eventfd.h>
    public static final int EFD_SEMAPHORE = 1, EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    // <fcntl.h>, <bits/fcntl-linux.h>
    public static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4,
            F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    // <sys/uio.h> (_GNU_SOURCE): preadv2/pwritev2 flags
    public static final int RWF_NOWAIT = 0x8;

    // <sys/mman.h>
    public static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_LOCKED = 0x2000,
            MAP_POPULATE = 0x8000, MAP_NORESERVE = 0x4000;

    // <bits/socket.h>, <asm-generic/socket.h>: levels
    public static final int SOL_SOCKET = 1, SOL_IP = 0, SOL_TCP = 6, SOL_UDP = 17, SOL_IPV6 = 41,
            SOL_ICMPV6 = 58, SOL_RAW = 255, SOL_PACKET = 263, SOL_NETLINK = 270;

    // <asm-generic/socket.h>: SO_*
    public static final int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_DONTROUTE = 5,
            SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_OOBINLINE = 10,
            SO_NO_CHECK = 11, SO_PRIORITY = 12, SO_LINGER = 13, SO_BSDCOMPAT = 14, SO_REUSEPORT = 15,
            SO_PASSCRED = 16, SO_PEERCRED = 17, SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20,
            SO_SNDTIMEO = 21, SO_BINDTODEVICE = 25, SO_ATTACH_FILTER = 26, SO_DETACH_FILTER = 27,
            SO_PEERNAME = 28, SO_TIMESTAMP = 29, SO_ACCEPTCONN = 30, SO_PEERSEC = 31, SO_SNDBUFFORCE = 32,
            SO_PASSSEC = 34, SO_TIMESTAMPNS = 35, SO_MARK = 36, SO_TIMESTAMPING = 37, SO_PROTOCOL = 38,
            SO_DOMAIN = 39, SO_RXQ_OVFL = 40, SO_WIFI_STATUS = 41, SO_PEEK_OFF = 42, SO_NOFCS = 43,
            SO_LOCK_FILTER = 44, SO_SELECT_ERR_QUEUE = 45, SO_BUSY_POLL = 46, SO_MAX_PACING_RATE = 47,
            SO_BPF_EXTENSIONS = 48, SO_INCOMING_CPU = 49, SO_ATTACH_BPF = 50, SO_INCOMING_NAPI_ID = 56,
            SO_COOKIE = 57, SO_PEERGROUPS = 59, SO_ZEROCOPY = 60, SO_TXTIME = 61, SO_BINDTOIFINDEX = 62,
            SO_RCVBUFFORCE = 33;
    public static final int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_TIMESTAMP = SO_TIMESTAMP,
            SCM_TIMESTAMPNS = SO_TIMESTAMPNS, SCM_TIMESTAMPING = SO_TIMESTAMPING;
    /** {@code SCM_MAX_FD} from the kernel's {@code include/net/scm.h}: most fds one SCM_RIGHTS message carries. */
    public static final int SCM_MAX_FD = 253;
    /** {@code IOV_MAX} ({@code <limits.h>}, {@code UIO_MAXIOV}). */
    public static final int IOV_MAX = 1024;

    // <linux/in.h>: IP_*
    public static final int IP_TOS = 1, IP_TTL = 2, IP_HDRINCL = 3, IP_OPTIONS = 4, IP_ROUTER_ALERT = 5,
            IP_RECVOPTS = 6, IP_RETOPTS = 7, IP_PKTINFO = 8, IP_PKTOPTIONS = 9, IP_MTU_DISCOVER = 10,
            IP_RECVERR = 11, IP_RECVTTL = 12, IP_RECVTOS = 13, IP_MTU = 14, IP_FREEBIND = 15,
            IP_IPSEC_POLICY = 16, IP_XFRM_POLICY = 17, IP_PASSSEC = 18, IP_TRANSPARENT = 19,
            IP_ORIGDSTADDR = 20, IP_RECVORIGDSTADDR = 20, IP_MINTTL = 21, IP_NODEFRAG = 22, IP_CHECKSUM = 23,
            IP_BIND_ADDRESS_NO_PORT = 24, IP_RECVFRAGSIZE = 25, IP_RECVERR_RFC4884 = 26,
            IP_MULTICAST_IF = 32, IP_MULTICAST_TTL = 33, IP_MULTICAST_LOOP = 34, IP_ADD_MEMBERSHIP = 35,
            IP_DROP_MEMBERSHIP = 36, IP_UNBLOCK_SOURCE = 37, IP_BLOCK_SOURCE = 38,
            IP_ADD_SOURCE_MEMBERSHIP = 39, IP_DROP_SOURCE_MEMBERSHIP = 40, IP_MSFILTER = 41,
            IP_MULTICAST_ALL = 49, IP_UNICAST_IF = 50;
    public static final int IP_PMTUDISC_DONT = 0, IP_PMTUDISC_WANT = 1, IP_PMTUDISC_DO = 2, IP_PMTUDISC_PROBE = 3;

    // <linux/in6.h>: IPV6_*
    public static final int IPV6_ADDRFORM = 1, IPV6_2292PKTINFO = 2, IPV6_2292HOPOPTS = 3,
            IPV6_CHECKSUM = 7, IPV6_2292HOPLIMIT = 8, IPV6_NEXTHOP = 9, IPV6_FLOWINFO = 11,
            IPV6_UNICAST_HOPS = 16, IPV6_MULTICAST_IF = 17, IPV6_MULTICAST_HOPS = 18, IPV6_MULTICAST_LOOP = 19,
            IPV6_JOIN_GROUP = 20, IPV6_ADD_MEMBERSHIP = 20, IPV6_LEAVE_GROUP = 21, IPV6_DROP_MEMBERSHIP = 21,
            IPV6_ROUTER_ALERT = 22, IPV6_MTU_DISCOVER = 23, IPV6_MTU = 24, IPV6_RECVERR = 25,
            IPV6_V6ONLY = 26, IPV6_JOIN_ANYCAST = 27, IPV6_LEAVE_ANYCAST = 28, IPV6_MULTICAST_ALL = 29,
            IPV6_ROUTER_ALERT_ISOLATE = 30, IPV6_RECVERR_RFC4884 = 31, IPV6_RECVPKTINFO = 49,
            IPV6_PKTINFO = 50, IPV6_RECVHOPLIMIT = 51, IPV6_HOPLIMIT = 52, IPV6_RECVHOPOPTS = 53,
            IPV6_HOPOPTS = 54, IPV6_RTHDRDSTOPTS = 55, IPV6_RECVRTHDR = 56, IPV6_RTHDR = 57,
            IPV6_RECVDSTOPTS = 58, IPV6_DSTOPTS = 59, IPV6_RECVPATHMTU = 60, IPV6_PATHMTU = 61,
            IPV6_DONTFRAG = 62, IPV6_RECVTCLASS = 66, IPV6_TCLASS = 67, IPV6_AUTOFLOWLABEL = 70,
            IPV6_ADDR_PREFERENCES = 72, IPV6_MINHOPCOUNT = 73, IPV6_ORIGDSTADDR = 74,
            IPV6_RECVORIGDSTADDR = 74, IPV6_TRANSPARENT = 75, IPV6_UNICAST_IF = 76, IPV6_RECVFRAGSIZE = 77,
            IPV6_FREEBIND = 78;

    // <linux/tcp.h>: TCP_*
    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5,
            TCP_KEEPCNT = 6, TCP_SYNCNT = 7, TCP_LINGER2 = 8, TCP_DEFER_ACCEPT = 9, TCP_WINDOW_CLAMP = 10,
            TCP_INFO = 11, TCP_QUICKACK = 12, TCP_CONGESTION = 13, TCP_MD5SIG = 14, TCP_THIN_LINEAR_TIMEOUTS = 16,
            TCP_THIN_DUPACK = 17, TCP_USER_TIMEOUT = 18, TCP_REPAIR = 19, TCP_REPAIR_QUEUE = 20,
            TCP_QUEUE_SEQ = 21, TCP_REPAIR_OPTIONS = 22, TCP_FASTOPEN = 23, TCP_TIMESTAMP = 24,
            TCP_NOTSENT_LOWAT = 25, TCP_CC_INFO = 26, TCP_SAVE_SYN = 27, TCP_SAVED_SYN = 28,
            TCP_REPAIR_WINDOW = 29, TCP_FASTOPEN_CONNECT = 30, TCP_ULP = 31, TCP_MD5SIG_EXT = 32,
            TCP_FASTOPEN_KEY = 33, TCP_FASTOPEN_NO_COOKIE = 34, TCP_ZEROCOPY_RECEIVE = 35, TCP_INQ = 36,
            TCP_TX_DELAY = 37;

    // <linux/udp.h>: UDP_*
    public static final int UDP_CORK = 1, UDP_ENCAP = 100, UDP_NO_CHECK6_TX = 101, UDP_NO_CHECK6_RX = 102,
            UDP_SEGMENT = 103, UDP_GRO = 104;

    // <linux/icmp.h>
    public static final int ICMP_FILTER = 1;
    // <linux/icmpv6.h>
    public static final int ICMPV6_FILTER = 1;

    // <linux/if_packet.h>: PACKET_* options and values
    public static final int PACKET_ADD_MEMBERSHIP = 1, PACKET_DROP_MEMBERSHIP = 2, PACKET_RECV_OUTPUT = 3,
            PACKET_RX_RING = 5, PACKET_STATISTICS = 6, PACKET_COPY_THRESH = 7, PACKET_AUXDATA = 8,
            PACKET_ORIGDEV = 9, PACKET_VERSION = 10, PACKET_HDRLEN = 11, PACKET_RESERVE = 12,
            PACKET_TX_RING = 13, PACKET_LOSS = 14, PACKET_VNET_HDR = 15, PACKET_TX_TIMESTAMP = 16,
            PACKET_TIMESTAMP = 17, PACKET_FANOUT = 18, PACKET_TX_HAS_OFF = 19, PACKET_QDISC_BYPASS = 20,
            PACKET_ROLLOVER_STATS = 21, PACKET_FANOUT_DATA = 22, PACKET_IGNORE_OUTGOING = 23;
    public static final int PACKET_HOST = 0, PACKET_BROADCAST = 1, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3,
            PACKET_OUTGOING = 4;
    public static final int PACKET_MR_MULTICAST = 0, PACKET_MR_PROMISC = 1, PACKET_MR_ALLMULTI = 2;
    public static final int TPACKET_V1 = 0, TPACKET_V2 = 1, TPACKET_V3 = 2;
    public static final int TP_STATUS_KERNEL = 0, TP_STATUS_USER = 1, TP_STATUS_VLAN_VALID = 0x10,
            TP_STATUS_VLAN_TPID_VALID = 0x40;
    public static final int PACKET_FANOUT_HASH = 0, PACKET_FANOUT_LB = 1, PACKET_FANOUT_CPU = 2,
            PACKET_FANOUT_ROLLOVER = 3, PACKET_FANOUT_RND = 4, PACKET_FANOUT_QM = 5, PACKET_FANOUT_CBPF = 6,
            PACKET_FANOUT_EBPF = 7, PACKET_FANOUT_FLAG_ROLLOVER = 0x1000, PACKET_FANOUT_FLAG_DEFRAG = 0x8000;

    // <net/if.h>: IFF_*
    public static final int IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_DEBUG = 0x4, IFF_LOOPBACK = 0x8,
            IFF_POINTOPOINT = 0x10, IFF_NOTRAILERS = 0x20, IFF_RUNNING = 0x40, IFF_NOARP = 0x80,
            IFF_PROMISC = 0x100, IFF_ALLMULTI = 0x200, IFF_MASTER = 0x400, IFF_SLAVE = 0x800,
            IFF_MULTICAST = 0x1000, IFF_PORTSEL = 0x2000, IFF_AUTOMEDIA = 0x4000, IFF_DYNAMIC = 0x8000,
            IFF_LOWER_UP = 0x10000, IFF_DORMANT = 0x20000, IFF_ECHO = 0x40000;
    /** {@code IF_NAMESIZE} ({@code <net/if.h>}): 16, the terminating NUL included. */
    public static final int IF_NAMESIZE = 16;

    // <linux/sockios.h>: SIOC*
    public static final int SIOCADDRT = 0x890B, SIOCDELRT = 0x890C, SIOCGIFNAME = 0x8910,
            SIOCSIFLINK = 0x8911, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914,
            SIOCGIFADDR = 0x8915, SIOCSIFADDR = 0x8916, SIOCGIFDSTADDR = 0x8917, SIOCSIFDSTADDR = 0x8918,
            SIOCGIFBRDADDR = 0x8919, SIOCSIFBRDADDR = 0x891a, SIOCGIFNETMASK = 0x891b,
            SIOCSIFNETMASK = 0x891c, SIOCGIFMETRIC = 0x891d, SIOCSIFMETRIC = 0x891e, SIOCGIFMTU = 0x8921,
            SIOCSIFMTU = 0x8922, SIOCSIFNAME = 0x8923, SIOCSIFHWADDR = 0x8924, SIOCGIFHWADDR = 0x8927,
            SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942, SIOCSIFTXQLEN = 0x8943, SIOCINQ = 0x541B,
            SIOCOUTQ = 0x5411, SIOCATMARK = 0x8905, SIOCGSTAMP = 0x8906, SIOCGSTAMPNS = 0x8907;
    // <net/if_arp.h>: ARPHRD_*
    public static final int ARPHRD_NETROM = 0, ARPHRD_ETHER = 1, ARPHRD_IEEE802 = 6, ARPHRD_RAWIP = 519,
            ARPHRD_LOOPBACK = 772, ARPHRD_IEEE80211_RADIOTAP = 803, ARPHRD_NONE = 0xFFFE;

    // <netdb.h>: AI_*, NI_*, EAI_*
    public static final int AI_PASSIVE = 0x0001, AI_CANONNAME = 0x0002, AI_NUMERICHOST = 0x0004,
            AI_V4MAPPED = 0x0008, AI_ALL = 0x0010, AI_ADDRCONFIG = 0x0020, AI_IDN = 0x0040,
            AI_CANONIDN = 0x0080, AI_NUMERICSERV = 0x0400;
    public static final int NI_NUMERICHOST = 1, NI_NUMERICSERV = 2, NI_NOFQDN = 4, NI_NAMEREQD = 8,
            NI_DGRAM = 16, NI_IDN = 32, NI_NUMERICSCOPE = 0x100;
    public static final int NI_MAXHOST = 1025, NI_MAXSERV = 32;
    public static final int EAI_BADFLAGS = -1, EAI_NONAME = -2, EAI_AGAIN = -3, EAI_FAIL = -4,
            EAI_FAMILY = -6, EAI_SOCKTYPE = -7, EAI_SERVICE = -8, EAI_MEMORY = -10, EAI_SYSTEM = -11,
            EAI_OVERFLOW = -12, EAI_NODATA = -5, EAI_ADDRFAMILY = -9, EAI_INPROGRESS = -100,
            EAI_CANCELED = -101, EAI_NOTCANCELED = -102, EAI_ALLDONE = -103, EAI_INTR = -104,
            EAI_IDN_ENCODE = -105;

    // <netinet/in.h>, <arpa/inet.h>
    public static final int INET_ADDRSTRLEN = 16, INET6_ADDRSTRLEN = 46;

    // ------------------------------------------------------------- messages and control messages
    // <linux/errqueue.h>: where a queued error came from (sock_extended_err.ee_origin)
    public static final int SO_EE_ORIGIN_NONE = 0, SO_EE_ORIGIN_LOCAL = 1, SO_EE_ORIGIN_ICMP = 2,
            SO_EE_ORIGIN_ICMP6 = 3, SO_EE_ORIGIN_TXSTATUS = 4, SO_EE_ORIGIN_ZEROCOPY = 5, SO_EE_ORIGIN_TXTIME = 6;
    // <linux/icmp.h>: the ICMP types and codes an IP_RECVERR error names
    public static final int ICMP_ECHOREPLY = 0, ICMP_DEST_UNREACH = 3, ICMP_SOURCE_QUENCH = 4, ICMP_REDIRECT = 5,
            ICMP_ECHO = 8, ICMP_TIME_EXCEEDED = 11, ICMP_PARAMETERPROB = 12;
    public static final int ICMP_NET_UNREACH = 0, ICMP_HOST_UNREACH = 1, ICMP_PROT_UNREACH = 2,
            ICMP_PORT_UNREACH = 3, ICMP_FRAG_NEEDED = 4;

    // ------------------------------------------------------------- socket options and ioctls
    // <bits/in.h>: IP_MTU_DISCOVER values beyond the four above, and IPV6_MTU_DISCOVER's
    public static final int IP_PMTUDISC_INTERFACE = 4, IP_PMTUDISC_OMIT = 5;
    public static final int IPV6_PMTUDISC_DONT = 0, IPV6_PMTUDISC_WANT = 1, IPV6_PMTUDISC_DO = 2,
            IPV6_PMTUDISC_PROBE = 3, IPV6_PMTUDISC_INTERFACE = 4, IPV6_PMTUDISC_OMIT = 5;
    // <netinet/tcp.h>: tcp_info.tcpi_options bits
    public static final int TCPI_OPT_TIMESTAMPS = 1, TCPI_OPT_SACK = 2, TCPI_OPT_WSCALE = 4, TCPI_OPT_ECN = 8,
            TCPI_OPT_ECN_SEEN = 16, TCPI_OPT_SYN_DATA = 32;
    // (TCP_CA_NAME_MAX, IPV6_MIN_MTU are kernel-internal and MAX_IPOPTLEN is <netinet/ip.h>'s: they live
    // next to their one use in SockOpt, checked by SockOptProbeTest.)

    // ------------------------------------------------------------- capture

    // <linux/if_packet.h>: tp_status bits of a received frame and block, beyond KERNEL/USER above
    public static final int TP_STATUS_COPY = 0x2, TP_STATUS_LOSING = 0x4, TP_STATUS_CSUMNOTREADY = 0x8,
            TP_STATUS_BLK_TMO = 0x20, TP_STATUS_CSUM_VALID = 0x80;
    // <linux/if_packet.h>: tp_feature_req_word of tpacket_req3
    public static final int TP_FT_REQ_FILL_RXHASH = 0x1;
    // <linux/if_packet.h>: PACKET_FANOUT flags beyond ROLLOVER/DEFRAG above. (PACKET_FANOUT_FLAG_IGNORE_OUTGOING,
    // 0x4000, is newer than the headers the C probe sees here: it lives in Capture.)
    public static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    /** {@code TPACKET_ALIGNMENT} ({@code <linux/if_packet.h>}): frames and headers align to 16. */
    public static final int TPACKET_ALIGNMENT = 16;
    // <linux/filter.h>: classic BPF
    /** {@code BPF_MAXINSNS}: the longest classic program the kernel takes. */
    public static final int BPF_MAXINSNS = 4096;

    // ------------------------------------------------------------- rtnetlink and tun/tap

    // <linux/netlink.h>: nlmsg_flags, message types, SOL_NETLINK options, extended-ack attributes
    public static final int NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8,
            NLM_F_DUMP_INTR = 0x10, NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300,
            NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800,
            NLM_F_CAPPED = 0x100, NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;
    // (These share the NETLINK_ prefix with the protocols; Protocol's name table leaves them out.)
    public static final int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_CAP_ACK = 10,
            NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    public static final int NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2;
    public static final int NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000,
            NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);
    // <linux/rtnetlink.h>: message types, multicast groups, route table/protocol/scope/type values
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19,
            RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22, RTM_NEWROUTE = 24, RTM_DELROUTE = 25,
            RTM_GETROUTE = 26, RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public static final int RTMGRP_LINK = 0x1, RTMGRP_NEIGH = 0x4, RTMGRP_IPV4_IFADDR = 0x10,
            RTMGRP_IPV4_ROUTE = 0x40, RTMGRP_IPV6_IFADDR = 0x100, RTMGRP_IPV6_ROUTE = 0x400;
    public static final int RT_TABLE_UNSPEC = 0, RT_TABLE_DEFAULT = 253, RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255;
    public static final int RTPROT_UNSPEC = 0, RTPROT_REDIRECT = 1, RTPROT_KERNEL = 2, RTPROT_BOOT = 3,
            RTPROT_STATIC = 4, RTPROT_RA = 9, RTPROT_DHCP = 16;
    public static final int RT_SCOPE_UNIVERSE = 0, RT_SCOPE_SITE = 200, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254,
            RT_SCOPE_NOWHERE = 255;
    public static final int RTN_UNSPEC = 0, RTN_UNICAST = 1, RTN_LOCAL = 2, RTN_BROADCAST = 3, RTN_ANYCAST = 4,
            RTN_MULTICAST = 5, RTN_BLACKHOLE = 6, RTN_UNREACHABLE = 7, RTN_PROHIBIT = 8, RTN_THROW = 9, RTN_NAT = 10;
    public static final int RTA_UNSPEC = 0, RTA_DST = 1, RTA_SRC = 2, RTA_IIF = 3, RTA_OIF = 4, RTA_GATEWAY = 5,
            RTA_PRIORITY = 6, RTA_PREFSRC = 7, RTA_METRICS = 8, RTA_MULTIPATH = 9, RTA_FLOW = 11,
            RTA_CACHEINFO = 12, RTA_TABLE = 15, RTA_MARK = 16, RTA_PREF = 20;
    public static final int RTAX_MTU = 2, RTAX_WINDOW = 3, RTAX_RTT = 4, RTAX_ADVMSS = 8, RTAX_HOPLIMIT = 10;
    // <linux/if_link.h>: IFLA_* link attributes and the nested IFLA_INFO_* / kind-specific ones
    public static final int IFLA_UNSPEC = 0, IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4,
            IFLA_LINK = 5, IFLA_QDISC = 6, IFLA_STATS = 7, IFLA_MASTER = 10, IFLA_TXQLEN = 13,
            IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17, IFLA_LINKINFO = 18, IFLA_NET_NS_PID = 19, IFLA_IFALIAS = 20,
            IFLA_STATS64 = 23, IFLA_NET_NS_FD = 28, IFLA_GROUP = 27, IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51;
    public static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, IFLA_INFO_SLAVE_KIND = 4;
    public static final int IFLA_VLAN_ID = 1, IFLA_VXLAN_ID = 1, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_PORT = 15;
    public static final int IF_OPER_UNKNOWN = 0, IF_OPER_NOTPRESENT = 1, IF_OPER_DOWN = 2,
            IF_OPER_LOWERLAYERDOWN = 3, IF_OPER_TESTING = 4, IF_OPER_DORMANT = 5, IF_OPER_UP = 6;
    // <linux/veth.h>
    public static final int VETH_INFO_PEER = 1;
    // <linux/if_addr.h>: IFA_* attributes and IFA_F_* flags
    public static final int IFA_UNSPEC = 0, IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4,
            IFA_ANYCAST = 5, IFA_CACHEINFO = 6, IFA_FLAGS = 8;
    public static final int IFA_F_SECONDARY = 0x01, IFA_F_NODAD = 0x02, IFA_F_OPTIMISTIC = 0x04,
            IFA_F_DADFAILED = 0x08, IFA_F_HOMEADDRESS = 0x10, IFA_F_DEPRECATED = 0x20, IFA_F_TENTATIVE = 0x40,
            IFA_F_PERMANENT = 0x80, IFA_F_MANAGETEMPADDR = 0x100, IFA_F_NOPREFIXROUTE = 0x200,
            IFA_F_MCAUTOJOIN = 0x400, IFA_F_STABLE_PRIVACY = 0x800;
    // <linux/neighbour.h>: NDA_* attributes, NUD_* states, NTF_* flags
    public static final int NDA_UNSPEC = 0, NDA_DST = 1, NDA_LLADDR = 2;
    public static final int NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_DELAY = 0x08,
            NUD_PROBE = 0x10, NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80, NUD_NONE = 0x00;
    public static final int NTF_USE = 0x01, NTF_SELF = 0x02, NTF_MASTER = 0x04, NTF_PROXY = 0x08, NTF_ROUTER = 0x80;
    // <linux/if_tun.h>: TUNSETIFF and friends (ioctl numbers _IOW('T', n, int)), IFF_* tun flags, TUN_F_* offloads
    public static final long TUNSETIFF = 0x400454caL, TUNSETPERSIST = 0x400454cbL, TUNSETOWNER = 0x400454ccL,
            TUNSETGROUP = 0x400454ceL, TUNSETOFFLOAD = 0x400454d0L, TUNGETIFF = 0x800454d2L,
            TUNSETVNETHDRSZ = 0x400454d8L;
    public static final int IFF_TUN = 0x0001, IFF_TAP = 0x0002, IFF_NO_PI = 0x1000, IFF_ONE_QUEUE = 0x2000,
            IFF_VNET_HDR = 0x4000, IFF_TUN_EXCL = 0x8000, IFF_MULTI_QUEUE = 0x0100;
    public static final int TUN_F_CSUM = 0x01, TUN_F_TSO4 = 0x02, TUN_F_TSO6 = 0x04, TUN_F_TSO_ECN = 0x08,
            TUN_F_UFO = 0x10;
    // <sched.h>: setns(2) namespace type
    public static final int CLONE_NEWNET = 0x40000000;
}
