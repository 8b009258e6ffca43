package dev.rawsock;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * One entry of {@code getifaddrs(3)}: an interface with one of its addresses (AF_INET, AF_INET6 with
 * its scope id, or AF_PACKET with the hardware address and the link's counters). CLISP's
 * {@code RAWSOCK:IFADDRS}.
 *
 * @param name        interface name, e.g. {@code "lo"}
 * @param flags       the interface's flags ({@code ifa_flags})
 * @param address     the address ({@code ifa_addr}), or null when the kernel gives none
 * @param netmask     its netmask ({@code ifa_netmask}), or null (AF_PACKET entries have none)
 * @param destination broadcast address, or the peer of a point-to-point address ({@code ifa_ifu}:
 *                    {@code ifa_broadaddr}/{@code ifa_dstaddr}), or null
 * @param data        the link's counters for an AF_PACKET entry ({@code ifa_data}), null for others
 */
public record IfAddrs(String name, Set<IfFlag> flags, SockAddr address, SockAddr netmask,
                      SockAddr destination, LinkStats data) {
    /** Copies {@code flags}, so the entry stays immutable. */
    public IfAddrs {
        flags = Collections.unmodifiableSet(flags.isEmpty() ? EnumSet.noneOf(IfFlag.class) : EnumSet.copyOf(flags));
    }

    /**
     * {@code ifa_broadaddr}: the destination when the interface is not point-to-point, else null.
     *
     * @return the broadcast address, or null
     */
    public SockAddr broadcast() {
        return flags.contains(IfFlag.POINTOPOINT) ? null : destination;
    }

    /**
     * {@code ifa_dstaddr}: the destination when the interface is point-to-point, else null.
     *
     * @return the peer address, or null
     */
    public SockAddr pointToPoint() {
        return flags.contains(IfFlag.POINTOPOINT) ? destination : null;
    }
}
