package dev.rawsock.netlink;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * An interface address as {@code RTM_NEWADDR} describes it ({@code struct ifaddrmsg} and its
 * {@code IFA_*} attributes): a line of {@code ip addr}.
 *
 * @param index the interface index ({@code ifa_index})
 * @param address the local address ({@code IFA_LOCAL}, or {@code IFA_ADDRESS} where there is no local one)
 * @param prefixLength the prefix length, 0..32 or 0..128
 * @param peer the peer of a point-to-point address ({@code IFA_ADDRESS} when it differs from the local one), or null
 * @param broadcast the broadcast address ({@code IFA_BROADCAST}), or null
 * @param scope the scope ({@code RT_SCOPE_*}: 0 global, 253 link, 254 host)
 * @param flags the flags ({@code IFA_FLAGS}, or the 8-bit {@code ifa_flags})
 * @param label the label ({@code IFA_LABEL}, IPv4 only), or null
 * @param validLifetime how long the address stays ({@code ifa_cacheinfo.ifa_valid}); null for forever
 * @param preferredLifetime how long it is preferred ({@code ifa_cacheinfo.ifa_prefered}); null for forever
 */
public record Address(int index, InetAddress address, int prefixLength, InetAddress peer, InetAddress broadcast,
                      int scope, Set<AddressFlag> flags, String label, Duration validLifetime, Duration preferredLifetime) {
    /** Copies the set. */
    public Address {
        Objects.requireNonNull(address, "address");
        flags = Set.copyOf(flags);
    }

    /** {@return the address and prefix as {@code ip} prints them, e.g. {@code 10.0.0.1/24}} */
    public String cidr() {
        return RtNetlink.text(address) + "/" + prefixLength;
    }

    @Override public String toString() {
        return cidr() + " index " + index + " scope " + scope + (flags.isEmpty() ? "" : " " + flags);
    }
}
