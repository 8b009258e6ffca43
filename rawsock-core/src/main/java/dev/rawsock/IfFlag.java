package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.Set;

/** Interface flags ({@code IFF_*}, {@code <net/if.h>}), as {@code SIOCGIFFLAGS} and {@code getifaddrs(3)} give them. */
public enum IfFlag {
    /** {@code IFF_UP}: the interface is administratively up. */
    UP(Consts.IFF_UP),
    /** {@code IFF_BROADCAST}: the broadcast address is valid. */
    BROADCAST(Consts.IFF_BROADCAST),
    /** {@code IFF_DEBUG}: internal debugging flag of the driver. */
    DEBUG(Consts.IFF_DEBUG),
    /** {@code IFF_LOOPBACK}: the interface is a loopback. */
    LOOPBACK(Consts.IFF_LOOPBACK),
    /** {@code IFF_POINTOPOINT}: the interface is a point-to-point link (it has a destination address). */
    POINTOPOINT(Consts.IFF_POINTOPOINT),
    /** {@code IFF_NOTRAILERS}: avoid trailers (obsolete, unused on Linux). */
    NOTRAILERS(Consts.IFF_NOTRAILERS),
    /** {@code IFF_RUNNING}: the interface is operationally up (resources allocated, carrier as the driver reports it). */
    RUNNING(Consts.IFF_RUNNING),
    /** {@code IFF_NOARP}: no ARP: link-layer addresses are not resolved on this interface. */
    NOARP(Consts.IFF_NOARP),
    /** {@code IFF_PROMISC}: promiscuous mode: the interface receives all packets on the link. */
    PROMISC(Consts.IFF_PROMISC),
    /** {@code IFF_ALLMULTI}: the interface receives all multicast packets. */
    ALLMULTI(Consts.IFF_ALLMULTI),
    /** {@code IFF_MASTER}: master of a load-balancing bundle (bonding). */
    MASTER(Consts.IFF_MASTER),
    /** {@code IFF_SLAVE}: slave of a load-balancing bundle (bonding). */
    SLAVE(Consts.IFF_SLAVE),
    /** {@code IFF_MULTICAST}: the interface supports multicast. */
    MULTICAST(Consts.IFF_MULTICAST),
    /** {@code IFF_PORTSEL}: the interface can select its media type. */
    PORTSEL(Consts.IFF_PORTSEL),
    /** {@code IFF_AUTOMEDIA}: automatic media selection is active. */
    AUTOMEDIA(Consts.IFF_AUTOMEDIA),
    /** {@code IFF_DYNAMIC}: the interface addresses are lost when it goes down (dial-up). */
    DYNAMIC(Consts.IFF_DYNAMIC),
    /** {@code IFF_LOWER_UP}: the driver signals the lower layer (carrier) is up. */
    LOWER_UP(Consts.IFF_LOWER_UP),
    /** {@code IFF_DORMANT}: the driver signals the interface is dormant (waiting for an external event). */
    DORMANT(Consts.IFF_DORMANT),
    /** {@code IFF_ECHO}: the interface echoes sent packets back. */
    ECHO(Consts.IFF_ECHO);

    private final int value;

    IfFlag(int value) { this.value = value; }

    /** {@return the C bit} */
    public int value() { return value; }

    /**
     * {@return the bits of a set or-ed together}
     *
     * @param flags the flags
     */
    public static int mask(Set<IfFlag> flags) {
        return FlagBits.mask(IfFlag::value, flags);
    }

    /**
     * {@return the flags set in {@code bits}}
     *
     * @param bits the C bits
     */
    public static Set<IfFlag> of(int bits) {
        return FlagBits.of(IfFlag.class, bits, IfFlag::value);
    }
}
