package dev.rawsock.netlink;

import dev.rawsock.Domain;
import dev.rawsock.internal.Consts;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A route as {@code RTM_NEWROUTE} describes it ({@code struct rtmsg} and its {@code RTA_*}
 * attributes): a line of {@code ip route}. Build one to add with {@link #to(InetAddress, int)} and the
 * {@code with...} methods; the defaults are those of {@code ip route add} (main table, protocol boot,
 * unicast, scope link without a gateway and global with one).
 *
 * @param family {@link Domain#INET} or {@link Domain#INET6}
 * @param destination the destination network ({@code RTA_DST}); null with prefix 0 for the default route
 * @param prefixLength the destination's prefix length ({@code rtm_dst_len})
 * @param gateway the next hop ({@code RTA_GATEWAY}), or null
 * @param outputIndex the output interface index ({@code RTA_OIF}), 0 for none
 * @param table the table ({@code RTA_TABLE} or {@code rtm_table}: 254 main, 255 local)
 * @param protocol who installed it ({@code RTPROT_*}: 2 kernel, 3 boot, 4 static)
 * @param scope the scope ({@code RT_SCOPE_*}: 0 global, 253 link, 254 host)
 * @param type the type ({@code RTN_*}: 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable)
 * @param priority the metric ({@code RTA_PRIORITY}), -1 for none
 * @param preferredSource the preferred source address ({@code RTA_PREFSRC}), or null
 * @param mtu the MTU metric ({@code RTAX_MTU} in {@code RTA_METRICS}), 0 for none
 */
public record Route(Domain family, InetAddress destination, int prefixLength, InetAddress gateway, int outputIndex,
                    int table, int protocol, int scope, int type, int priority, InetAddress preferredSource, int mtu) {
    /**
     * Checks that the addresses are of {@code family} and the prefix fits it.
     *
     * @throws IllegalArgumentException when an address is of another family or the prefix is out of range
     */
    public Route {
        Objects.requireNonNull(family, "family");
        if (!family.equals(Domain.INET) && !family.equals(Domain.INET6))
            throw new IllegalArgumentException("a route's family is INET or INET6, not " + family);
        int bits = family.equals(Domain.INET) ? 32 : 128;
        if (prefixLength < 0 || prefixLength > bits)
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + bits + " for " + family);
        checkFamily(family, destination, "destination");
        checkFamily(family, gateway, "gateway");
        checkFamily(family, preferredSource, "preferred source");
        if (destination == null && prefixLength != 0) throw new IllegalArgumentException("a route without a destination is the default route: prefix 0");
        if (table < 0 || outputIndex < 0 || mtu < 0) throw new IllegalArgumentException("negative table, interface index or mtu");
    }

    private static void checkFamily(Domain family, InetAddress a, String what) {
        if (a != null && (a instanceof Inet4Address) != family.equals(Domain.INET))
            throw new IllegalArgumentException(what + " " + a.getHostAddress() + " is not an " + family + " address");
    }

    /**
     * {@return a route to {@code destination/prefixLength} with {@code ip route add}'s defaults and no next hop yet}
     *
     * @param destination the network (its family is the route's)
     * @param prefixLength 0..32 or 0..128; 0 makes the default route of that family
     */
    public static Route to(InetAddress destination, int prefixLength) {
        Domain f = destination instanceof Inet4Address ? Domain.INET : Domain.INET6;
        return new Route(f, prefixLength == 0 ? null : destination, prefixLength, null, 0, Consts.RT_TABLE_MAIN,
                Consts.RTPROT_BOOT, Consts.RT_SCOPE_LINK, Consts.RTN_UNICAST, -1, null, 0);
    }

    /**
     * {@return this route through the next hop {@code gw}, global scope (as ip sets it with a gateway)}
     *
     * @param gw the gateway
     */
    public Route withGateway(InetAddress gw) {
        return new Route(family, destination, prefixLength, gw, outputIndex, table, protocol,
                gw == null ? Consts.RT_SCOPE_LINK : Consts.RT_SCOPE_UNIVERSE, type, priority, preferredSource, mtu);
    }

    /**
     * {@return this route out of interface {@code index}}
     *
     * @param index the interface index
     */
    public Route withOutputIndex(int index) {
        return new Route(family, destination, prefixLength, gateway, index, table, protocol, scope, type, priority, preferredSource, mtu);
    }

    /**
     * {@return this route in {@code table}}
     *
     * @param table the table number (254 main)
     */
    public Route withTable(int table) {
        return new Route(family, destination, prefixLength, gateway, outputIndex, table, protocol, scope, type, priority, preferredSource, mtu);
    }

    /**
     * {@return this route with metric {@code priority}}
     *
     * @param priority the metric, -1 for none
     */
    public Route withPriority(int priority) {
        return new Route(family, destination, prefixLength, gateway, outputIndex, table, protocol, scope, type, priority, preferredSource, mtu);
    }

    /**
     * {@return this route with the MTU metric {@code mtu}}
     *
     * @param mtu the MTU, 0 for none
     */
    public Route withMtu(int mtu) {
        return new Route(family, destination, prefixLength, gateway, outputIndex, table, protocol, scope, type, priority, preferredSource, mtu);
    }

    /**
     * {@return this route with {@code type} ({@code RTN_*})}
     *
     * @param type e.g. 6 for blackhole
     */
    public Route withType(int type) {
        return new Route(family, destination, prefixLength, gateway, outputIndex, table, protocol,
                type == Consts.RTN_UNICAST ? scope : Consts.RT_SCOPE_UNIVERSE, type, priority, preferredSource, mtu);
    }

    /** {@return the destination as {@code ip route} prints it: {@code default} or {@code 10.0.0.0/24}} */
    public String destinationString() {
        if (destination == null) return "default";
        int bits = family.equals(Domain.INET) ? 32 : 128;
        String a = RtNetlink.text(destination);
        return prefixLength == bits ? a : a + "/" + prefixLength;
    }
}
