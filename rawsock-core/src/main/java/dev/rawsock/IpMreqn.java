package dev.rawsock;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * {@code struct ip_mreqn} ({@code <netinet/in.h>}): an IPv4 multicast group membership for
 * {@link SockOpt#IP_ADD_MEMBERSHIP} and {@link SockOpt#IP_DROP_MEMBERSHIP}. The interface is chosen by
 * {@code ifindex} when it is not 0, else by {@code interfaceAddress} (0.0.0.0: the kernel picks).
 *
 * @param group            the multicast group ({@code imr_multiaddr})
 * @param interfaceAddress a local address of the interface ({@code imr_address}); null means 0.0.0.0
 * @param ifindex          the interface index ({@code imr_ifindex}), 0 for any
 */
public record IpMreqn(Inet4Address group, Inet4Address interfaceAddress, int ifindex) {
    /**
     * Checks the fields before they reach {@code setsockopt(2)}.
     *
     * @throws NullPointerException     if {@code group} is null
     * @throws IllegalArgumentException if {@code ifindex} is negative
     */
    public IpMreqn {
        Objects.requireNonNull(group, "group");
        if (ifindex < 0) throw new IllegalArgumentException("interface index must be >= 0: " + ifindex);
    }

    /**
     * {@return membership of {@code group} on the interface with index {@code ifindex} (0: the kernel picks)}
     *
     * @param group the multicast group
     * @param ifindex the interface index, 0 for the kernel's choice
     */
    public static IpMreqn of(Inet4Address group, int ifindex) {
        return new IpMreqn(group, null, ifindex);
    }
}
