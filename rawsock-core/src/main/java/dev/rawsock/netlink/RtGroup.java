package dev.rawsock.netlink;

import dev.rawsock.internal.Consts;

/** rtnetlink multicast groups a {@link RtNetlink.Monitor} listens to ({@code RTMGRP_*}, rtnetlink(7)). */
public enum RtGroup {
    /** {@code RTMGRP_LINK}: links created, changed, deleted. */
    LINK(Consts.RTMGRP_LINK),
    /** {@code RTMGRP_IPV4_IFADDR}: IPv4 addresses. */
    IPV4_ADDRESS(Consts.RTMGRP_IPV4_IFADDR),
    /** {@code RTMGRP_IPV6_IFADDR}: IPv6 addresses. */
    IPV6_ADDRESS(Consts.RTMGRP_IPV6_IFADDR),
    /** {@code RTMGRP_IPV4_ROUTE}: IPv4 routes. */
    IPV4_ROUTE(Consts.RTMGRP_IPV4_ROUTE),
    /** {@code RTMGRP_IPV6_ROUTE}: IPv6 routes. */
    IPV6_ROUTE(Consts.RTMGRP_IPV6_ROUTE),
    /** {@code RTMGRP_NEIGH}: neighbour entries. */
    NEIGHBOUR(Consts.RTMGRP_NEIGH);

    private final int bit;

    RtGroup(int bit) { this.bit = bit; }

    /** {@return the group's bit in {@code nl_groups}} */
    public int bit() { return bit; }
}
