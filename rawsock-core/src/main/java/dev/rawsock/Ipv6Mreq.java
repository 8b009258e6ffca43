package dev.rawsock;

import java.net.Inet6Address;
import java.util.Objects;

/**
 * {@code struct ipv6_mreq} ({@code <netinet/in.h>}): an IPv6 multicast group membership for
 * {@link SockOpt#IPV6_JOIN_GROUP} and {@link SockOpt#IPV6_LEAVE_GROUP}.
 *
 * @param group   the multicast group ({@code ipv6mr_multiaddr})
 * @param ifindex the interface index ({@code ipv6mr_interface}), 0 for the kernel's choice
 */
public record Ipv6Mreq(Inet6Address group, int ifindex) {
    /**
     * Checks the fields before they reach {@code setsockopt(2)}.
     *
     * @throws NullPointerException     if {@code group} is null
     * @throws IllegalArgumentException if {@code ifindex} is negative
     */
    public Ipv6Mreq {
        Objects.requireNonNull(group, "group");
        if (ifindex < 0) throw new IllegalArgumentException("interface index must be >= 0: " + ifindex);
    }
}
