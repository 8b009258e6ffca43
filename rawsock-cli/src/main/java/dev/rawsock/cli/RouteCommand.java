package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.netlink.Link;
import dev.rawsock.netlink.Route;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code rawsock route}: list routes like {@code ip route} (the main table, or {@code table N|all}),
 * or {@code add|del|replace PREFIX [via GW] [dev NAME] [metric N] [table N] [mtu N]} (rtnetlink).
 */
@Command(name = "route", mixinStandardHelpOptions = true,
        description = {"List routes like ip route, or add, replace and delete them (rtnetlink).",
                "  rawsock route [-6] [-n NETNS] [table N|all]",
                "  rawsock route add|replace|del PREFIX|default [via GW] [dev NAME] [metric N] [table N] [mtu N]"})
final class RouteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetlinkText.NetnsOption ns;

    @Option(names = "-6", description = "IPv6 routes (the default is IPv4, as for ip route).")
    boolean ipv6;

    @Option(names = "-4", description = "IPv4 routes (the default).")
    boolean ipv4;

    @Parameters(paramLabel = "words", arity = "0..*", description = "show (default) [table N|all], or add, replace, del and their words.")
    List<String> words = List.of();

    @Override
    public Integer call() throws IOException {
        if (ipv4 && ipv6) throw new ParameterException(spec.commandLine(), "-4 and -6 exclude each other");
        PrintWriter out = spec.commandLine().getOut();
        try (RtNetlink rt = ns.open()) {
            LinkCommand.Words w = new LinkCommand.Words(spec, words);
            String verb = !w.hasNext() || w.peek("table") ? "show" : w.next();
            switch (verb) {
                case "show", "list", "ls" -> {
                    Integer table = 254;
                    if (w.peek("table")) {
                        w.next();
                        String t = w.next("table");
                        table = t.equals("all") ? null : tableNumber(t);
                    }
                    w.end();
                    list(rt, out, table);
                }
                case "add", "replace", "del", "delete" -> {
                    Route r = route(rt, w);
                    switch (verb) {
                        case "add" -> rt.addRoute(r);
                        case "replace" -> rt.replaceRoute(r);
                        default -> rt.deleteRoute(r);
                    }
                }
                default -> throw new ParameterException(spec.commandLine(), "unknown verb '" + verb + "' (show, add, replace, del)");
            }
        }
        out.flush();
        return 0;
    }

    private int tableNumber(String t) {
        return switch (t) {
            case "main" -> 254;
            case "local" -> 255;
            case "default" -> 253;
            default -> {
                try {
                    yield Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "unknown table '" + t + "'");
                }
            }
        };
    }

    private Route route(RtNetlink rt, LinkCommand.Words w) throws IOException {
        String dst = w.next("PREFIX");
        Route r;
        if (dst.equals("default")) {
            r = Route.to(Hosts.resolve(ipv6 ? "::" : "0.0.0.0", null), 0);
        } else {
            AddrCommand.Cidr c = AddrCommand.cidr(spec, dst);
            r = Route.to(c.address(), c.prefix());
        }
        while (w.hasNext()) {
            String k = w.next();
            switch (k) {
                case "via" -> r = r.withGateway(AddrCommand.cidr(spec, w.next("GW")).address());
                case "dev" -> r = r.withOutputIndex(rt.index(w.next("NAME")));
                case "metric", "priority", "preference" -> r = r.withPriority(w.nextInt(k));
                case "table" -> r = r.withTable(tableNumber(w.next("table")));
                case "mtu" -> r = r.withMtu(w.nextInt(k));
                default -> throw new ParameterException(spec.commandLine(), "unknown route option '" + k + "'");
            }
        }
        return r;
    }

    private void list(RtNetlink rt, PrintWriter out, Integer table) throws IOException {
        List<Link> links = rt.links();
        Map<Integer, String> names = NetlinkText.names(links);
        for (Route r : rt.routes(ipv6 ? Domain.INET6 : Domain.INET)) {
            if (table != null && r.table() != table) continue;
            out.println(line(r, names::get, table == null));
        }
    }

    /** One route as {@code ip route} prints it (iproute2's print_route, in its order). */
    static String line(Route r, Function<Integer, String> names, boolean showTable) {
        StringBuilder sb = new StringBuilder();
        String type = NetlinkText.type(r.type());
        if (!type.isEmpty()) sb.append(type).append(' ');
        sb.append(r.destinationString()).append(' ');
        if (r.gateway() != null) sb.append("via ").append(Hosts.text(r.gateway())).append(' ');
        if (r.outputIndex() != 0) {
            String n = names.apply(r.outputIndex());
            sb.append("dev ").append(n == null ? "if" + r.outputIndex() : n).append(' ');
        }
        if (showTable && r.table() != 254) sb.append("table ").append(NetlinkText.table(r.table())).append(' ');
        if (r.protocol() != 3) sb.append("proto ").append(NetlinkText.protocol(r.protocol())).append(' ');
        if (r.scope() != 0) sb.append("scope ").append(NetlinkText.scope(r.scope())).append(' ');
        if (r.preferredSource() != null) sb.append("src ").append(Hosts.text(r.preferredSource())).append(' ');
        if (r.priority() >= 0) sb.append("metric ").append(r.priority()).append(' ');
        if (r.mtu() > 0) sb.append("mtu ").append(r.mtu()).append(' ');
        return sb.toString();
    }
}
