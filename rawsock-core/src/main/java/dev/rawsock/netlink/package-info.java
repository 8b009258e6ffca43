/**
 * rtnetlink in pure Java: links, addresses, routes and neighbours listed, created, changed and
 * deleted over an {@code AF_NETLINK}/{@code NETLINK_ROUTE} socket (rtnetlink(7), netlink(7)), and
 * their changes as events: what iproute2's {@code ip} does. {@link dev.rawsock.netlink.RtNetlink} is
 * the entry point.
 *
 * <p>Which to use when: {@code Rawsock.ifaddrs}/{@code rawsock ifaddrs} ({@code getifaddrs(3)}) for a
 * quick read-only look at addresses; {@code Interfaces} and {@code Rawsock.configdev} (ioctl) for the
 * old single-IPv4-address configuration CLISP's {@code configdev} does; this package for everything
 * else: IPv6 and several addresses per link, routes, neighbours, new links (veth, bridge, vxlan,
 * vlan), moving links between namespaces, and change notifications.
 */
package dev.rawsock.netlink;
