package dev.rawsock.netlink;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A neighbour (ARP or NDP) entry as {@code RTM_NEWNEIGH} describes it ({@code struct ndmsg} and its
 * {@code NDA_*} attributes): a line of {@code ip neigh}.
 *
 * @param index the interface index ({@code ndm_ifindex})
 * @param address the neighbour's IP address ({@code NDA_DST})
 * @param linkAddress its link-layer address ({@code NDA_LLADDR}), empty when unresolved
 * @param state the state bits ({@code ndm_state})
 * @param router whether it is a router ({@code NTF_ROUTER})
 */
public record Neighbour(int index, InetAddress address, byte[] linkAddress, Set<NeighbourState> state, boolean router) {
    /** Copies the array and the set. */
    public Neighbour {
        Objects.requireNonNull(address, "address");
        linkAddress = linkAddress.clone();
        state = Set.copyOf(state);
    }

    /** {@return a copy of the link-layer address} */
    @Override public byte[] linkAddress() { return linkAddress.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Neighbour n && index == n.index && address.equals(n.address)
                && Arrays.equals(linkAddress, n.linkAddress) && state.equals(n.state) && router == n.router;
    }

    @Override public int hashCode() { return Objects.hash(index, address, Arrays.hashCode(linkAddress), state, router); }

    @Override public String toString() {
        return RtNetlink.text(address) + " index " + index + " lladdr " + HexFormat.ofDelimiter(":").formatHex(linkAddress) + " " + state;
    }
}
