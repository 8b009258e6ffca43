package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.Rawsock;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name to address for the subcommands that take a host. */
final class Hosts {
    private Hosts() {}

    /** An address as inet_ntop(3) writes it ({@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1}). */
    static String text(InetAddress a) {
        return Rawsock.convertAddress(a instanceof Inet6Address ? Domain.INET6 : Domain.INET, a.getAddress());
    }

    /**
     * The first address of {@code host} in the wanted family ({@code 4}, {@code 6}, or {@code 0} for
     * either, IPv4 first as ping does). A failure is a {@link CliException} with the resolver's words.
     */
    static InetAddress resolve(String host, int family) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) if (family != 6 && a instanceof Inet4Address) return a;
            for (InetAddress a : all) if (family != 4 && a instanceof Inet6Address) return a;
            throw new CliException(host + ": Address family for hostname not supported");
        } catch (UnknownHostException e) {
            String m = e.getMessage();
            throw new CliException(m != null && m.contains(":") ? m : host + ": Name or service not known");
        }
    }
}
