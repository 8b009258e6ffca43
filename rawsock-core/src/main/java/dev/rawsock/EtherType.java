package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;

import java.util.ArrayList;
import java.util.List;

/**
 * An Ethernet type ({@code ETH_P_*}, {@code <linux/if_ether.h>}) in host order, as the header and
 * the IEEE registry write it: {@link #IP} is 0x0800. AF_PACKET sockets want it in network byte order
 * as their protocol ({@code socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP))}, packet(7)):
 * {@link #protocol()} gives that {@link Protocol}, which a {@code Protocol} alone cannot name
 * ({@code Protocol.ETH_P_IP} is 8, the same int as {@code IPPROTO_EGP}). Open-ended: any 16-bit
 * value is one; {@code toString()} prints the C name when there is one.
 *
 * @param value the Ethernet type, 0 to 0xFFFF
 */
public record EtherType(int value) {
    private static final ConstTable ETH = ConstTable.of("ETH_P_");

    /** {@code ETH_P_ALL}: every frame (a pseudo type for AF_PACKET sockets, never on the wire). */
    public static final EtherType ALL = new EtherType(Consts.ETH_P_ALL);
    /** {@code ETH_P_IP}: IPv4. */
    public static final EtherType IP = new EtherType(Consts.ETH_P_IP);
    /** {@code ETH_P_ARP}: ARP. */
    public static final EtherType ARP = new EtherType(Consts.ETH_P_ARP);
    /** {@code ETH_P_RARP}: reverse ARP. */
    public static final EtherType RARP = new EtherType(Consts.ETH_P_RARP);
    /** {@code ETH_P_IPV6}: IPv6. */
    public static final EtherType IPV6 = new EtherType(Consts.ETH_P_IPV6);
    /** {@code ETH_P_8021Q}: an IEEE 802.1Q VLAN tag. */
    public static final EtherType VLAN = new EtherType(Consts.ETH_P_8021Q);
    /** {@code ETH_P_8021AD}: an IEEE 802.1ad service VLAN tag (QinQ). */
    public static final EtherType QINQ = new EtherType(Consts.ETH_P_8021AD);
    /** {@code ETH_P_LLDP}: the Link Layer Discovery Protocol. */
    public static final EtherType LLDP = new EtherType(Consts.ETH_P_LLDP);

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException unless 0 &lt;= value &lt;= 0xFFFF
     */
    public EtherType {
        if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException("Ethernet type must be 0..0xFFFF: " + value);
    }

    /** {@return the protocol an AF_PACKET socket needs for this type: {@code htons(value)}, as {@link Protocol#ethernet(int)}} */
    public Protocol protocol() {
        return Protocol.ethernet(value);
    }

    /**
     * {@return the Ethernet type an AF_PACKET protocol stands for: {@code ntohs(protocol.value())}}
     * {@code of(Protocol.ETH_P_ALL)} is {@link #ALL}.
     *
     * @param protocol a protocol as {@link Protocol#ethernet(int)} makes it
     * @throws IllegalArgumentException when the value is not 16 bits
     */
    public static EtherType of(Protocol protocol) {
        return new EtherType(Rawsock.ntohs(protocol.value()));
    }

    /**
     * {@return the type named {@code name}: {@code "IP"}, {@code "ETH_P_IP"}, {@code "ipv6"}, any case}
     *
     * @param name a C name with or without its {@code ETH_P_} prefix
     * @throws IllegalArgumentException for an unknown name; the message lists every known one
     */
    public static EtherType valueOf(String name) {
        return new EtherType(ETH.parse(name, "Ethernet type"));
    }

    /** {@return every type with a C name, in the order of {@code <linux/if_ether.h>} as Consts lists them} */
    public static List<EtherType> known() {
        List<EtherType> out = new ArrayList<>();
        for (int v : ETH.values()) out.add(new EtherType(v));
        return out;
    }

    /** {@return the C name, e.g. {@code "ETH_P_IP"}, or null} */
    public String cName() {
        return ETH.name(value);
    }

    /** {@return the C name, or the value as {@code 0x88b5} when it has none} */
    @Override
    public String toString() {
        String n = cName();
        return n != null ? n : String.format("0x%04x", value);
    }
}
