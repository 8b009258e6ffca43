package dev.rawsock.cli;

import dev.rawsock.netlink.Address;
import dev.rawsock.netlink.Link;
import dev.rawsock.netlink.Neighbour;
import dev.rawsock.netlink.RtEvent;
import dev.rawsock.netlink.RtGroup;
import dev.rawsock.netlink.RtNetlink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code rawsock monitor [link|address|route|neigh]...}: prints rtnetlink's change notifications as
 * they come, one line each in {@code ip monitor}'s words ("Deleted " before a removal), until
 * interrupted (or {@code -c N} events, or {@code --timeout} seconds).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Print link, address, route and neighbour changes as they happen (like ip monitor).")
final class MonitorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetlinkText.NetnsOption ns;

    @Option(names = "-c", paramLabel = "count", description = "Stop after count events.")
    long count = Long.MAX_VALUE;

    @Option(names = "--timeout", paramLabel = "seconds", description = "Stop after this long (default: no limit).")
    Double timeout;

    @Parameters(paramLabel = "objects", arity = "0..*", description = "What to watch: link, address, route, neigh (default: all).")
    List<String> objects = List.of();

    @Override
    public Integer call() throws IOException {
        Set<RtGroup> groups = EnumSet.noneOf(RtGroup.class);
        for (String o : objects) {
            switch (o) {
                case "link" -> groups.add(RtGroup.LINK);
                case "address", "addr" -> groups.addAll(List.of(RtGroup.IPV4_ADDRESS, RtGroup.IPV6_ADDRESS));
                case "route" -> groups.addAll(List.of(RtGroup.IPV4_ROUTE, RtGroup.IPV6_ROUTE));
                case "neigh" -> groups.add(RtGroup.NEIGHBOUR);
                default -> throw new ParameterException(spec.commandLine(), "unknown object '" + o + "' (link, address, route, neigh)");
            }
        }
        if (count < 1) throw new ParameterException(spec.commandLine(), "count must be positive: " + count);
        PrintWriter out = spec.commandLine().getOut();
        RtGroup[] g = groups.toArray(RtGroup[]::new);
        long end = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        try (RtNetlink.Monitor mon = ns.netns == null ? RtNetlink.monitor(g)
                : RtNetlink.monitor(dev.rawsock.NetNamespace.named(ns.netns), g);
             RtNetlink rt = ns.open()) {
            long seen = 0;
            while (seen < count) {
                long left = end - System.nanoTime();
                if (left <= 0) break;
                RtEvent e = mon.next(end == Long.MAX_VALUE ? null : Duration.ofNanos(left));
                if (e == null) break;
                out.println(line(e, rt));
                out.flush();
                seen++;
            }
        }
        return 0;
    }

    private static String line(RtEvent e, RtNetlink rt) throws IOException {
        String del = e.deleted() ? "Deleted " : "";
        return switch (e) {
            case RtEvent.LinkEvent le -> {
                Link l = le.link();
                yield del + l.index() + ": " + l.name() + ": " + NetlinkText.flags(l.flags()) + " mtu " + l.mtu()
                        + " state " + l.operState() + (l.address().length == 0 ? "" : " link/" + linkType(l.type()) + " " + l.addressString());
            }
            case RtEvent.AddressEvent ae -> {
                Address a = ae.address();
                yield del + a.index() + ": " + name(rt, a.index()) + "    " + (a.address() instanceof java.net.Inet4Address ? "inet " : "inet6 ")
                        + a.cidr() + " scope " + NetlinkText.scope(a.scope()) + (a.label() == null ? "" : " " + a.label());
            }
            case RtEvent.RouteEvent re -> del + RouteCommand.line(re.route(), i -> nameOrNull(rt, i), true).stripTrailing();
            case RtEvent.NeighbourEvent ne -> {
                Neighbour n = ne.neighbour();
                yield del + Hosts.text(n.address()) + " dev " + name(rt, n.index())
                        + (n.linkAddress().length == 0 ? "" : " lladdr " + HexFormat.ofDelimiter(":").formatHex(n.linkAddress()))
                        + " " + String.join(",", n.state().stream().map(Enum::name).toList());
            }
        };
    }

    private static String linkType(int arphrd) {
        return switch (arphrd) {
            case 1 -> "ether";
            case 772 -> "loopback";
            case 65534 -> "none";
            default -> Integer.toString(arphrd);
        };
    }

    private static String name(RtNetlink rt, int index) throws IOException {
        String n = nameOrNull(rt, index);
        return n == null ? "if" + index : n;
    }

    private static String nameOrNull(RtNetlink rt, int index) {
        try {
            for (Link l : rt.links()) if (l.index() == index) return l.name();
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
