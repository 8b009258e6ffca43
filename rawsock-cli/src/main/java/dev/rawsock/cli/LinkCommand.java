package dev.rawsock.cli;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rawsock link}: list links like {@code ip -br link}, or change them as {@code ip link} does
 * (rtnetlink, not ioctl): {@code add NAME type veth peer NAME2}, {@code add NAME type bridge},
 * {@code add NAME type vxlan id VNI [dev DEV] [dstport P]}, {@code add NAME type vlan link DEV id N},
 * {@code set NAME up|down|mtu N|address MAC|master M|nomaster}, {@code del NAME}.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = {"List links like ip -br link, or add, set and delete them (rtnetlink).",
                "  rawsock link [-n NETNS]",
                "  rawsock link add NAME type veth peer NAME2",
                "  rawsock link add NAME type bridge",
                "  rawsock link add NAME type vxlan id VNI [dev DEV] [dstport PORT]",
                "  rawsock link add NAME type vlan link DEV id N",
                "  rawsock link set NAME up|down|mtu N|address MAC|master BRIDGE|nomaster",
                "  rawsock link del NAME"})
final class LinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NetlinkText.NetnsOption ns;

    @Parameters(paramLabel = "words", arity = "0..*", description = "show (default), add, set or del, then its words as for ip link.")
    List<String> words = List.of();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (RtNetlink rt = ns.open()) {
            Words w = new Words(spec, words);
            String verb = w.hasNext() ? w.next() : "show";
            switch (verb) {
                case "show", "list", "ls" -> list(rt, out);
                case "add" -> add(rt, w);
                case "set" -> set(rt, w);
                case "del", "delete" -> {
                    rt.deleteLink(w.next("NAME"));
                    w.end();
                }
                default -> throw new ParameterException(spec.commandLine(), "unknown verb '" + verb + "' (show, add, set, del)");
            }
        }
        out.flush();
        return 0;
    }

    private static void list(RtNetlink rt, PrintWriter out) throws IOException {
        List<Link> links = rt.links();
        Map<Integer, String> names = NetlinkText.names(links);
        for (Link l : links) {
            out.printf("%-16s %-14s %s%s %n", NetlinkText.name(l, names::get), l.operState(),
                    l.address().length == 0 ? "" : l.addressString() + " ", NetlinkText.flags(l.flags()));
        }
    }

    private void add(RtNetlink rt, Words w) throws IOException {
        String name = w.next("NAME");
        w.expect("type");
        String type = w.next("TYPE");
        switch (type) {
            case "veth" -> {
                w.expect("peer");
                if (w.peek("name")) w.next();
                rt.addVeth(name, w.next("PEER"));
            }
            case "bridge" -> rt.addBridge(name);
            case "vxlan" -> {
                int id = -1, port = 4789;
                String dev = null;
                while (w.hasNext()) {
                    String k = w.next();
                    switch (k) {
                        case "id", "vni" -> id = w.nextInt(k);
                        case "dev" -> dev = w.next("DEV");
                        case "dstport" -> port = w.nextInt(k);
                        default -> throw new ParameterException(spec.commandLine(), "unknown vxlan option '" + k + "'");
                    }
                }
                if (id < 0) throw new ParameterException(spec.commandLine(), "vxlan needs 'id VNI'");
                rt.addVxlan(name, id, dev, port);
            }
            case "vlan" -> {
                w.expect("link");
                String parent = w.next("DEV");
                w.expect("id");
                rt.addVlan(name, parent, w.nextInt("id"));
            }
            default -> throw new ParameterException(spec.commandLine(), "unsupported link type '" + type + "' (veth, bridge, vxlan, vlan)");
        }
        w.end();
    }

    private void set(RtNetlink rt, Words w) throws IOException {
        String name = w.next("NAME");
        if (!w.hasNext()) throw new ParameterException(spec.commandLine(), "set " + name + ": what? (up, down, mtu N, address MAC, master M, nomaster)");
        while (w.hasNext()) {
            String k = w.next();
            switch (k) {
                case "up" -> rt.setUp(name);
                case "down" -> rt.setDown(name);
                case "mtu" -> rt.setMtu(name, w.nextInt("mtu"));
                case "address" -> {
                    String mac = w.next("MAC");
                    byte[] a;
                    try {
                        a = HexFormat.ofDelimiter(":").parseHex(mac);
                    } catch (IllegalArgumentException e) {
                        throw new ParameterException(spec.commandLine(), "bad link-layer address '" + mac + "'");
                    }
                    rt.setAddress(name, a);
                }
                case "master" -> rt.setMaster(name, w.next("MASTER"));
                case "nomaster" -> rt.setMaster(name, null);
                default -> throw new ParameterException(spec.commandLine(), "unknown setting '" + k + "'");
            }
        }
    }

    /** The words after the verb, read one by one with usage errors that say what was missing. */
    static final class Words {
        private final CommandSpec spec;
        private final List<String> w;
        private int i;

        Words(CommandSpec spec, List<String> w) {
            this.spec = spec;
            this.w = w;
        }

        boolean hasNext() { return i < w.size(); }

        boolean peek(String s) { return i < w.size() && w.get(i).equals(s); }

        String next() { return w.get(i++); }

        String next(String what) {
            if (!hasNext()) throw new ParameterException(spec.commandLine(), "missing " + what);
            return next();
        }

        int nextInt(String what) {
            String s = next(what + " value");
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), what + " must be a number: '" + s + "'");
            }
        }

        void expect(String word) {
            String s = next("'" + word + "'");
            if (!s.equals(word)) throw new ParameterException(spec.commandLine(), "expected '" + word + "', not '" + s + "'");
        }

        void end() {
            if (hasNext()) throw new ParameterException(spec.commandLine(), "unexpected '" + w.get(i) + "'");
        }
    }
}
