package dev.rawsock.cli;

import dev.rawsock.AddrInfo;
import dev.rawsock.Domain;
import dev.rawsock.GaiException;
import dev.rawsock.Rawsock;
import dev.rawsock.SocketType;

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

    /**
     * The first address of {@code host} in the wanted family ({@code 4}, {@code 6}, or {@code 0} for
     * either, IPv4 first as ping does). A failure is a {@link CliException} with the resolver's words.
     */
    static InetAddress resolve(String host, int family) {
        List<AddrInfo> all = lookup(host, family == 4 ? Domain.INET : family == 6 ? Domain.INET6 : null);
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
