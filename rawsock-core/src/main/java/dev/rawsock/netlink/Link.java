package dev.rawsock.netlink;

import dev.rawsock.IfFlag;
import dev.rawsock.LinkStats;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A network link as {@code RTM_NEWLINK} describes it ({@code struct ifinfomsg} and its
 * {@code IFLA_*} attributes): what {@code ip -d link show} prints.
 *
 * @param index the interface index ({@code ifi_index})
 * @param name the name ({@code IFLA_IFNAME})
 * @param type the hardware type ({@code ARPHRD_*}: 1 Ethernet, 772 loopback, 65534 none, as for tun)
 * @param flags the interface flags ({@code ifi_flags})
 * @param mtu the MTU ({@code IFLA_MTU}), 0 when not given
 * @param address the link-layer address ({@code IFLA_ADDRESS}), empty when it has none
 * @param broadcast the link-layer broadcast address ({@code IFLA_BROADCAST}), empty when it has none
 * @param kind the driver kind ({@code IFLA_INFO_KIND}: "veth", "bridge", "vxlan", "tun"...), null for none
 * @param master the index of the master (a bridge this link is a port of), 0 for none
 * @param link the index of the link this one sits on or is paired with ({@code IFLA_LINK}: a veth's
 *             peer, a vlan's parent), 0 for none
 * @param operState the operational state ({@code IFLA_OPERSTATE})
 * @param stats the 64-bit counters ({@code IFLA_STATS64}), null when not given
 */
public record Link(int index, String name, int type, Set<IfFlag> flags, int mtu, byte[] address, byte[] broadcast,
                   String kind, int master, int link, OperState operState, LinkStats stats) {
    /** Copies the arrays and the set, so a Link does not change after it is made. */
    public Link {
        Objects.requireNonNull(name, "name");
        flags = Set.copyOf(flags);
        address = address.clone();
        broadcast = broadcast.clone();
        Objects.requireNonNull(operState, "operState");
    }

    /** {@return a copy of the link-layer address} */
    @Override public byte[] address() { return address.clone(); }
    /** {@return a copy of the link-layer broadcast address} */
    @Override public byte[] broadcast() { return broadcast.clone(); }

    /** {@return whether the link is administratively up ({@code IFF_UP})} */
    public boolean isUp() { return flags.contains(IfFlag.UP); }

    /** {@return the address as {@code ip} prints it ({@code aa:bb:cc:dd:ee:ff}), empty when there is none} */
    public String addressString() {
        return HexFormat.ofDelimiter(":").formatHex(address);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Link l && index == l.index && name.equals(l.name) && type == l.type && flags.equals(l.flags)
                && mtu == l.mtu && Arrays.equals(address, l.address) && Arrays.equals(broadcast, l.broadcast)
                && Objects.equals(kind, l.kind) && master == l.master && link == l.link && operState == l.operState
                && Objects.equals(stats, l.stats);
    }

    @Override public int hashCode() {
        return Objects.hash(index, name, type, flags, mtu, Arrays.hashCode(address), kind, master, link, operState);
    }

    @Override public String toString() {
        return index + ": " + name + (kind == null ? "" : " (" + kind + ")") + " mtu " + mtu + " " + operState + " " + addressString();
    }
}
