package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code rawsock doctor}: what this machine and process can do: JDK, kernel, CAP_NET_RAW, and which
 * socket kinds open here. Exit 0 when the library works at all (a Unix socket pair opens).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Show the JDK, kernel, privileges and which socket kinds open here.")
final class DoctorCommand implements Callable<Integer> {
    /** CAP_NET_RAW's bit in the capability sets of {@code /proc/self/status} ({@code <linux/capability.h>}). */
    private static final int CAP_NET_RAW = 13;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("java:        %s (%s)%n", Runtime.version(), System.getProperty("java.home"));
        out.printf("kernel:      %s %s (%s)%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.printf("native:      %s%n", nativeAccess());
        out.printf("uid:         %s%n", uid());
        out.printf("CAP_NET_RAW: %s%n", hasCapNetRaw() ? "yes" : "no");
        boolean unix = probe(out, "unix stream", Domain.UNIX, SocketType.STREAM, null);
        probe(out, "inet udp", Domain.INET, SocketType.DGRAM, null);
        probe(out, "inet6 udp", Domain.INET6, SocketType.DGRAM, null);
        probe(out, "raw icmp", Domain.INET, SocketType.RAW, Protocol.ICMP);
        probe(out, "raw icmpv6", Domain.INET6, SocketType.RAW, Protocol.ICMPV6);
        probe(out, "ping socket", Domain.INET, SocketType.DGRAM, Protocol.ICMP);
        probe(out, "packet", Domain.PACKET, SocketType.RAW, Protocol.ETH_P_ALL);
        probe(out, "netlink", Domain.NETLINK, SocketType.RAW, Protocol.NETLINK_ROUTE);
        out.flush();
        return unix ? 0 : 1;
    }

    private static boolean probe(PrintWriter out, String what, Domain d, SocketType t, Protocol p) {
        try (RawSocket s = RawSocket.open(d, t, p)) {
            out.printf("%-12s ok%n", what + ":");
            return true;
        } catch (ErrnoException e) {
            out.printf("%-12s no (%s%s)%n", what + ":", e.errnoName(), why(e, d, t));
            return false;
        }
    }

    /** Why a socket kind was refused, when the reason is a privilege or a sysctl. */
    private static String why(ErrnoException e, Domain d, SocketType t) {
        if (!Sockets.denied(e)) return "";
        if (t.equals(SocketType.DGRAM)) {
            String range = sysctl("net/ipv4/ping_group_range");  // one sysctl serves ICMP and ICMPv6 ping sockets
            return ": net.ipv4.ping_group_range is \"" + range + "\" and does not include this process's group";
        }
        return ": needs CAP_NET_RAW";
    }

    private static String sysctl(String key) {
        try {
            // readAllLines, not readString: readString trusts the size /proc reports and stops early
            return String.join(" ", Files.readAllLines(Path.of("/proc/sys", key))).trim().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String nativeAccess() {
        Module m = RawSocket.class.getModule();
        return m.isNamed() ? "module " + m.getName() + (m.isNativeAccessEnabled() ? " (enabled)" : " (not enabled: add --enable-native-access)")
                : "class path" + (m.isNativeAccessEnabled() ? " (enabled)" : " (not enabled: add --enable-native-access=ALL-UNNAMED)");
    }

    private static String uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) return line.substring(4).trim().split("\\s+")[0];
        }
        return "?";
    }

    /** Whether the effective capability set holds CAP_NET_RAW. */
    static boolean hasCapNetRaw() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
