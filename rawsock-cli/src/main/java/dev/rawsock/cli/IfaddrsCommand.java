package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.IfAddrs;
import dev.rawsock.IfFlag;
import dev.rawsock.LinkStats;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code rawsock ifaddrs}: getifaddrs(3) one line per interface like {@code ip -br addr} (name, state,
 * addresses with prefix lengths), then the interface flags; {@code -s} adds the link counters.
 */
@Command(name = "ifaddrs", mixinStandardHelpOptions = true,
        description = "List interfaces and their addresses (getifaddrs(3)), like ip -br addr.")
final class IfaddrsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--stats"}, description = "Also print each link's counters.")
    boolean stats;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Iface> byName = new LinkedHashMap<>();
        for (IfAddrs e : Rawsock.ifaddrs()) {
            Iface i = byName.computeIfAbsent(e.name(), n -> new Iface(n, e.flags()));
            SockAddr a = e.address();
            if (a == null) continue;
            if (a.family().equals(Domain.PACKET)) {
                if (e.data() != null) i.stats = e.data();
            } else if (a.family().equals(Domain.INET) || a.family().equals(Domain.INET6)) {
                i.addresses.add(Hosts.text(a.inetAddress()) + (e.netmask() == null ? "" : "/" + prefix(e.netmask())));
            }
        }
        for (Iface i : byName.values()) {
            String state = i.flags.contains(IfFlag.UP) ? (i.flags.contains(IfFlag.RUNNING) ? "UP" : "NO-CARRIER") : "DOWN";
            String flags = i.flags.stream().map(Enum::name).collect(Collectors.joining(","));
            out.printf("%-16s %-14s %s<%s>%n", i.name, state,
                    i.addresses.isEmpty() ? "" : String.join(" ", i.addresses) + " ", flags);
            if (stats && i.stats != null) {
                LinkStats s = i.stats;
                out.printf("    RX: %d bytes %d packets %d errors %d dropped %d multicast%n", s.rxBytes(), s.rxPackets(),
                        s.rxErrors(), s.rxDropped(), s.multicast());
                out.printf("    TX: %d bytes %d packets %d errors %d dropped%n", s.txBytes(), s.txPackets(), s.txErrors(),
                        s.txDropped());
            }
        }
        out.flush();
        return 0;
    }

    /** The prefix length of a netmask (its leading one bits). */
    static int prefix(SockAddr netmask) {
        int bits = 0;
        for (byte b : netmask.inetAddress().getAddress()) {
            if (b == (byte) 0xff) {
                bits += 8;
                continue;
            }
            bits += Integer.numberOfLeadingZeros(~(b & 0xff) & 0xff) - 24;
            break;
        }
        return bits;
    }

    private static final class Iface {
        final String name;
        final Set<IfFlag> flags;
        final List<String> addresses = new ArrayList<>();
        LinkStats stats;

        Iface(String name, Set<IfFlag> flags) {
            this.name = name;
            this.flags = flags;
        }
    }
}
