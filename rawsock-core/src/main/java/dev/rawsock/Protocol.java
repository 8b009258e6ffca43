package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.NetDb;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A protocol number, the third argument of {@code socket(2)}: {@code IPPROTO_*}
 * ({@code <netinet/in.h>}) for inet sockets, an Ethernet type in network byte order
 * ({@code ETH_P_*}, {@code <linux/if_ether.h>}) for AF_PACKET, {@code NETLINK_*} for netlink.
 * Open-ended: values are plain ints, so {@link #IP} and {@link #NETLINK_ROUTE} (both 0) are equal;
 * {@code toString()} prefers the IPPROTO name, so for AF_PACKET protocols {@link EtherType} is the
 * clearer type ({@code EtherType.IP.protocol()} is {@link #ETH_P_IP}). {@code null} where a Protocol
 * is expected means 0.
 *
 * @param value the C value passed to socket(2)
 */
public record Protocol(int value) {
    private static final ConstTable IPPROTO = ConstTable.of("IPPROTO_");
    private static final ConstTable ETH = ConstTable.of("ETH_P_");
    private static final ConstTable NETLINK = ConstTable.of("NETLINK_", "NETLINK_ADD_MEMBERSHIP", "NETLINK_DROP_MEMBERSHIP",
            "NETLINK_CAP_ACK", "NETLINK_EXT_ACK", "NETLINK_GET_STRICT_CHK");

    public static final Protocol IP = new Protocol(Consts.IPPROTO_IP);
    public static final Protocol ICMP = new Protocol(Consts.IPPROTO_ICMP);
    public static final Protocol IGMP = new Protocol(Consts.IPPROTO_IGMP);
    public static final Protocol TCP = new Protocol(Consts.IPPROTO_TCP);
    public static final Protocol UDP = new Protocol(Consts.IPPROTO_UDP);
    public static final Protocol IPV6 = new Protocol(Consts.IPPROTO_IPV6);
    public static final Protocol GRE = new Protocol(Consts.IPPROTO_GRE);
    public static final Protocol ICMPV6 = new Protocol(Consts.IPPROTO_ICMPV6);
    public static final Protocol SCTP = new Protocol(Consts.IPPROTO_SCTP);
    public static final Protocol UDPLITE = new Protocol(Consts.IPPROTO_UDPLITE);
    public static final Protocol RAW = new Protocol(Consts.IPPROTO_RAW);
    public static final Protocol MPTCP = new Protocol(Consts.IPPROTO_MPTCP);

    /** Every Ethernet frame (htons(ETH_P_ALL)), for AF_PACKET sockets. */
    public static final Protocol ETH_P_ALL = ethernet(Consts.ETH_P_ALL);
    public static final Protocol ETH_P_IP = ethernet(Consts.ETH_P_IP);
    public static final Protocol ETH_P_ARP = ethernet(Consts.ETH_P_ARP);
    public static final Protocol ETH_P_IPV6 = ethernet(Consts.ETH_P_IPV6);
    public static final Protocol ETH_P_8021Q = ethernet(Consts.ETH_P_8021Q);
    public static final Protocol ETH_P_RARP = ethernet(Consts.ETH_P_RARP);
    public static final Protocol ETH_P_LLDP = ethernet(Consts.ETH_P_LLDP);

    public static final Protocol NETLINK_ROUTE = new Protocol(Consts.NETLINK_ROUTE);
    public static final Protocol NETLINK_SOCK_DIAG = new Protocol(Consts.NETLINK_SOCK_DIAG);
    public static final Protocol NETLINK_AUDIT = new Protocol(Consts.NETLINK_AUDIT);
    public static final Protocol NETLINK_NETFILTER = new Protocol(Consts.NETLINK_NETFILTER);
    public static final Protocol NETLINK_KOBJECT_UEVENT = new Protocol(Consts.NETLINK_KOBJECT_UEVENT);
    public static final Protocol NETLINK_GENERIC = new Protocol(Consts.NETLINK_GENERIC);

    /**
     * {@return the protocol value an AF_PACKET socket needs for an Ethernet type: {@code htons(ethertype)}}
     * {@code ethernet(0x0003)} is {@link #ETH_P_ALL}.
     *
     * @param ethertype the Ethernet type in host order, e.g. 0x0800 ({@code ETH_P_IP}) or 0x0003 ({@code ETH_P_ALL})
     * @throws IllegalArgumentException unless 0 &lt;= ethertype &lt;= 0xFFFF
     */
    public static Protocol ethernet(int ethertype) {
        return new Protocol(Rawsock.htons(ethertype));
    }

    /**
     * {@return the protocol named {@code name}: an IPPROTO name with or without its prefix ({@code "ICMP"},
     * {@code "IPPROTO_ICMP"}), an {@code ETH_P_*} or {@code NETLINK_*} name, in any case; failing
     * those, a name from the protocols database ({@code getprotobyname(3)}, e.g. {@code "ipv6-icmp"})}
     *
     * @param name the name
     * @throws IllegalArgumentException for an unknown name; the message lists every known one
     */
    public static Protocol valueOf(String name) {
        NetDb.checkName(name, "protocol name");
        OptionalInt v = IPPROTO.value(name);
        if (v.isPresent()) return new Protocol(v.getAsInt());
        v = ETH.value(name);
        if (v.isPresent()) return ethernet(v.getAsInt());
        v = NETLINK.value(name);
        if (v.isPresent()) return new Protocol(v.getAsInt());
        if (!name.isEmpty()) {
            NetDb.Entry e = NetDb.protoByName(name);
            if (e != null) return new Protocol(e.number());
        }
        List<String> all = new ArrayList<>(IPPROTO.names());
        all.addAll(ETH.names());
        all.addAll(NETLINK.names());
        throw new IllegalArgumentException("unknown protocol '" + name + "' (not a known constant nor in the protocols database); known: "
                + String.join(", ", all));
    }

    /** {@return every protocol with a known C name: the IPPROTO values, then the ETH_P values (network order), then NETLINK} */
    public static List<Protocol> known() {
        List<Protocol> out = new ArrayList<>();
        for (int v : IPPROTO.values()) out.add(new Protocol(v));
        for (int v : ETH.values()) out.add(ethernet(v));
        for (int v : NETLINK.values()) if (!out.contains(new Protocol(v))) out.add(new Protocol(v));
        return out;
    }

    /** {@return the C name ({@code "IPPROTO_TCP"}, {@code "ETH_P_ALL"}, {@code "NETLINK_AUDIT"}) or null} */
    public String cName() {
        String n = IPPROTO.name(value);
        if (n == null && value >= 0 && value <= 0xFFFF) n = ETH.name(Rawsock.ntohs(value));
        if (n == null) n = NETLINK.name(value);
        return n;
    }

    @Override
    public String toString() {
        String n = cName();
        return n != null ? n : Integer.toString(value);
    }

    static int of(Protocol p) {
        return p == null ? 0 : p.value;
    }
}
