package dev.rawsock.cli;

import dev.rawsock.netlink.Address;
import dev.rawsock.netlink.Link;
import dev.rawsock.netlink.RtNetlink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rawsock addr}: list addresses like {@code ip -br addr}, or {@code add|del ADDR/PREFIX dev NAME}
 * as {@code ip addr} does, IPv4 and IPv6 (rtnetlink).
 */
@Command(name = "addr", mixinStandardHelpOptions = true,
        description = {"List addresses like ip -br addr, or add and delete them (rtnetlink).",
                "  rawsock addr [-n NETNS]",
                "  rawsock addr add|del ADDR/PREFIX dev NAME"})
final class AddrCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetlinkText.NetnsOption ns;

    @Parameters(paramLabel = "words", arity = "0..*", description = "show (default), add or del, then ADDR/PREFIX dev NAME.")
    List<String> words = List.of();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (RtNetlink rt = ns.open()) {
            LinkCommand.Words w = new LinkCommand.Words(spec, words);
            String verb = w.hasNext() ? w.next() : "show";
            switch (verb) {
                case "show", "list", "ls" -> list(rt, out);
                case "add", "del", "delete" -> {
                    Cidr c = cidr(spec, w.next("ADDR/PREFIX"));
                    w.expect("dev");
                    String dev = w.next("NAME");
                    w.end();
                    if (verb.equals("add")) rt.addAddress(dev, c.address(), c.prefix());
                    else rt.deleteAddress(dev, c.address(), c.prefix());
                }
                default -> throw new ParameterException(spec.commandLine(), "unknown verb '" + verb + "' (show, add, del)");
            }
        }
        out.flush();
        return 0;
    }

    private static void list(RtNetlink rt, PrintWriter out) throws IOException {
        List<Link> links = rt.links();
        List<Address> addrs = rt.addresses();
        Map<Integer, String> names = NetlinkText.names(links);
        for (Link l : links) {
            StringBuilder a = new StringBuilder();
            for (Address x : addrs) if (x.index() == l.index()) a.append(x.cidr()).append(' ');
            out.printf("%-16s %-14s %s%n", NetlinkText.name(l, names::get), l.operState(), a);
        }
    }

    /** An address with its prefix length. */
    record Cidr(InetAddress address, int prefix) {}

    /** {@code 10.0.0.1/24}, {@code fd00::1/64}; without a prefix, the host's (32 or 128), as ip takes it. */
    static Cidr cidr(CommandSpec spec, String s) {
        int slash = s.indexOf('/');
        String a = slash < 0 ? s : s.substring(0, slash);
        if (!Hosts.isNumeric(a)) throw new ParameterException(spec.commandLine(), "'" + a + "' is not a numeric address");
        InetAddress addr = Hosts.resolve(a, null);
        int bits = addr.getAddress().length * 8, prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "bad prefix length in '" + s + "'");
            }
            if (prefix < 0 || prefix > bits) throw new ParameterException(spec.commandLine(), "prefix length " + prefix + " out of range 0.." + bits);
        }
        return new Cidr(addr, prefix);
    }
}
