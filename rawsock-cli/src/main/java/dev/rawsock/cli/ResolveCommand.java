package dev.rawsock.cli;

import dev.rawsock.AddrInfo;
import dev.rawsock.AiFlag;
import dev.rawsock.Domain;
import dev.rawsock.GaiException;
import dev.rawsock.NameInfo;
import dev.rawsock.NiFlag;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rawsock resolve}: getaddrinfo(3) printed as {@code getent ahosts} does (address, socket
 * type, the canonical name on the first line); {@code --reverse}: getnameinfo(3) of an address.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = "Look a name up with getaddrinfo(3) (like getent ahosts), or an address with getnameinfo(3) (--reverse).")
final class ResolveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FamilyOptions families;

    @Option(names = {"-r", "--reverse"}, description = "The name is an address: find its host name.")
    boolean reverse;

    @Parameters(paramLabel = "name", description = "Host name (or, with --reverse, an address).")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Domain family = families.family();
        if (reverse) {
            List<AddrInfo> numeric;
            try {
                numeric = Rawsock.getaddrinfo(name, null, AddrInfo.hints().flags(AiFlag.NUMERICHOST).family(family)
                        .socktype(SocketType.DGRAM));
            } catch (GaiException e) {
                throw new CliException(name + ": not a numeric address (" + Hosts.gaiText(e) + ")", e);
            }
            SockAddr a = numeric.get(0).address();
            NameInfo ni;
            try {
                ni = Rawsock.getnameinfo(a, NiFlag.NAMEREQD);
            } catch (GaiException e) {
                throw new CliException(name + ": " + Hosts.gaiText(e), e);
            }
            out.printf("%-15s %s%n", Hosts.text(a.inetAddress()), ni.node());
        } else {
            List<AddrInfo> all;
            try {
                all = Rawsock.getaddrinfo(name, null, AddrInfo.hints().flags(AiFlag.CANONNAME).family(family));
            } catch (GaiException e) {
                throw new CliException(name + ": " + Hosts.gaiText(e), e);
            }
            boolean first = true;
            for (AddrInfo ai : all) {
                InetAddress addr = ai.address().inetAddress();
                String type = ai.type().toString().replaceFirst("^SOCK_", "").toUpperCase(Locale.ROOT);
                String canon = first && ai.canonname() != null ? ai.canonname() : "";
                out.printf("%-15s %-6s %s%n", Hosts.text(addr), type, canon);
                first = false;
            }
        }
        out.flush();
        return 0;
    }
}
