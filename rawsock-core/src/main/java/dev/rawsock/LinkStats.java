package dev.rawsock;

/**
 * An interface's traffic counters as {@code getifaddrs(3)} gives them in {@code ifa_data} of its
 * AF_PACKET entry: the first fields of the kernel's {@code struct rtnl_link_stats}
 * ({@code <linux/if_link.h>}). The kernel gives these as 32-bit counters, so they wrap at 2^32; each
 * is read as unsigned.
 *
 * @param rxPackets packets received
 * @param txPackets packets sent
 * @param rxBytes bytes received
 * @param txBytes bytes sent
 * @param rxErrors bad packets received
 * @param txErrors packets that could not be sent
 * @param rxDropped received packets dropped (no buffer space, ...)
 * @param txDropped packets dropped on the way out
 * @param multicast multicast packets received
 */
public record LinkStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors,
                        long txErrors, long rxDropped, long txDropped, long multicast) {}
