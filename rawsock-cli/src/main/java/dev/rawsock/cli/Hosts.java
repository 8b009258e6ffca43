package dev.rawsock.cli;

import dev.rawsock.AddrInfo;
import dev.rawsock.Domain;
import dev.rawsock.GaiException;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/** Name to address for the subcommands that take a host, through the library's getaddrinfo. */
final class Hosts {
    private Hosts() {}

    /** An address as inet_ntop(3) writes it ({@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1}). */
    static String text(InetAddress a) {
        return Rawsock.convertAddress(a instanceof Inet6Address ? Domain.INET6 : Domain.INET, a.getAddress());
    }

    /** Whether {@code host} is an IPv4 or IPv6 address in text form rather than a name. */
    static boolean isNumeric(String host) {
        for (Domain d : new Domain[] {Domain.INET, Domain.INET6}) {
            try {
                Rawsock.convertAddress(d, host);
                return true;
            } catch (IllegalArgumentException notThisFamily) {
                // try the next
            }
        }
        return false;
    }

    /** The family that {@code -4} / {@code -6} ask for (null: either); both at once is a usage error. */
    static Domain family(CommandSpec spec, boolean ipv4, boolean ipv6) {
        if (ipv4 && ipv6) throw new ParameterException(spec.commandLine(), "-4 and -6 are mutually exclusive");
        return ipv4 ? Domain.INET : ipv6 ? Domain.INET6 : null;
    }

    /** The socket address of {@code a} and {@code port} in {@code a}'s own family. */
    static SockAddr sockAddr(InetAddress a, int port) {
        return a instanceof Inet6Address ? SockAddr.inet6(a, port) : SockAddr.inet(a, port);
    }

    /**
     * The first address of {@code host} in the wanted family (null for either, IPv4 first as ping
     * does). A failure is a {@link CliException} with the resolver's words.
     */
    static InetAddress resolve(String host, Domain family) {
        List<AddrInfo> all = lookup(host, family);
        for (AddrInfo a : all) if (a.family().equals(Domain.INET)) return a.address().inetAddress();
        for (AddrInfo a : all) if (a.family().equals(Domain.INET6)) return a.address().inetAddress();
        throw new CliException(host + ": Address family for hostname not supported");
    }

    /** getaddrinfo for datagram sockets (one entry per address), a failure in the resolver's words. */
    static List<AddrInfo> lookup(String host, Domain family) {
        try {
            return Rawsock.getaddrinfo(host, null, AddrInfo.hints().family(family).socktype(SocketType.DGRAM));
        } catch (GaiException e) {
            throw new CliException(host + ": " + gaiText(e), e);
        } catch (IllegalArgumentException e) {
            throw new CliException(host + ": " + e.getMessage(), e);
        }
    }

    /** gai_strerror's words out of the exception's message ("... EAI_NONAME (Name or service not known)"). */
    static String gaiText(GaiException e) {
        String m = e.getMessage();
        String key = e.codeName() + " (";
        int i = m.indexOf(key);
        if (i < 0) return m;
        int end = m.indexOf(')', i + key.length());
        return end < 0 ? m.substring(i + key.length()) : m.substring(i + key.length(), end);
    }
}
