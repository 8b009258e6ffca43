package dev.rawsock.cli;

import dev.rawsock.IfFlag;
import dev.rawsock.NetNamespace;
import dev.rawsock.netlink.Link;
import dev.rawsock.netlink.RtNetlink;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code link}, {@code addr}, {@code route} and {@code monitor} share: the {@code -n NETNS}
 * option (as {@code ip -n}) and iproute2's words for flags, states, scopes and protocols, so the
 * listings read as {@code ip}'s do.
 */
final class NetlinkText {
    private NetlinkText() {}

    /** {@code -n NAME}: run in the network namespace {@code ip netns add NAME} made. */
    static final class NetnsOption {
        @Option(names = {"-n", "--netns"}, paramLabel = "name", description = "Work in the network namespace NAME (as ip -n).")
        String netns;

        RtNetlink open() throws IOException {
            return netns == null ? RtNetlink.open() : RtNetlink.open(NetNamespace.named(netns));
        }
    }

    /** iproute2's order of the flags in {@code <...>} (print_link_flags). */
    private static final List<IfFlag> ORDER = List.of(IfFlag.LOOPBACK, IfFlag.BROADCAST, IfFlag.POINTOPOINT, IfFlag.MULTICAST,
            IfFlag.NOARP, IfFlag.ALLMULTI, IfFlag.PROMISC, IfFlag.MASTER, IfFlag.SLAVE, IfFlag.DEBUG, IfFlag.DYNAMIC,
            IfFlag.AUTOMEDIA, IfFlag.PORTSEL, IfFlag.NOTRAILERS, IfFlag.UP, IfFlag.LOWER_UP, IfFlag.DORMANT, IfFlag.ECHO);

    /** {@code <BROADCAST,MULTICAST,UP,LOWER_UP>}, with NO-CARRIER first for an up link without carrier, as ip prints it. */
    static String flags(Set<IfFlag> f) {
        StringBuilder sb = new StringBuilder("<");
        if (f.contains(IfFlag.UP) && !f.contains(IfFlag.RUNNING)) sb.append("NO-CARRIER");
        for (IfFlag x : ORDER) {
            if (!f.contains(x)) continue;
            if (sb.length() > 1) sb.append(',');
            sb.append(x.name());
        }
        return sb.append('>').toString();
    }

    /** A link's name as {@code ip -br} prints it: {@code veth0@veth1} for a link on or paired with another. */
    static String name(Link l, Function<Integer, String> names) {
        if (l.link() == 0 || l.link() == l.index()) return l.name();
        String other = names.apply(l.link());
        return l.name() + "@" + (other == null ? "if" + l.link() : other);
    }

    static Map<Integer, String> names(List<Link> links) {
        return links.stream().collect(Collectors.toMap(Link::index, Link::name));
    }

    /** {@code rt_scopes}' names. */
    static String scope(int s) {
        return switch (s) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> Integer.toString(s);
        };
    }

    /** {@code rt_protos}' names. */
    static String protocol(int p) {
        return switch (p) {
            case 0 -> "unspec";
            case 1 -> "redirect";
            case 2 -> "kernel";
            case 3 -> "boot";
            case 4 -> "static";
            case 8 -> "gated";
            case 9 -> "ra";
            case 10 -> "mrt";
            case 11 -> "zebra";
            case 12 -> "bird";
            case 16 -> "dhcp";
            default -> Integer.toString(p);
        };
    }

    /** {@code rt_tables}' names. */
    static String table(int t) {
        return switch (t) {
            case 253 -> "default";
            case 254 -> "main";
            case 255 -> "local";
            default -> Integer.toString(t);
        };
    }

    /** Route types other than unicast, as ip prints them before the destination. */
    static String type(int t) {
        return switch (t) {
            case 1 -> "";
            case 2 -> "local";
            case 3 -> "broadcast";
            case 4 -> "anycast";
            case 5 -> "multicast";
            case 6 -> "blackhole";
            case 7 -> "unreachable";
            case 8 -> "prohibit";
            case 9 -> "throw";
            case 10 -> "nat";
            default -> Integer.toString(t);
        };
    }
}
