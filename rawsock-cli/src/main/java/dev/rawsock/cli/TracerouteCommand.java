package dev.rawsock.cli;

import dev.rawsock.ControlMessage;
import dev.rawsock.Domain;
import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.Message;
import dev.rawsock.MsgFlag;
import dev.rawsock.PollEvent;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code rawsock traceroute}: UDP probes with rising TTL from an ordinary UDP socket; the ICMP
 * time-exceeded and port-unreachable answers come back on the socket's error queue (IP_RECVERR /
 * IPV6_RECVERR, read with recvmsg(MSG_ERRQUEUE)), as tracepath does: no privilege needed.
 * One line per hop, numeric, like {@code traceroute -n}.
 */
@Command(name = "traceroute", mixinStandardHelpOptions = true,
        description = "Print the route to a host: UDP probes with rising TTL, ICMP answers via IP_RECVERR.")
final class TracerouteCommand implements Callable<Integer> {
    static final int DATA_BYTES = 32;

    @Spec
    CommandSpec spec;

    @Mixin
    FamilyOptions families;

    @Option(names = {"-m", "--max-hops"}, paramLabel = "max_ttl", description = "Largest TTL to try (default 30).")
    int maxHops = 30;

    @Option(names = {"-f", "--first"}, paramLabel = "first_ttl", description = "TTL to start with (default 1).")
    int firstHop = 1;

    @Option(names = {"-q", "--queries"}, paramLabel = "n", description = "Probes per hop (default 3).")
    int queries = 3;

    @Option(names = {"-w", "--wait"}, paramLabel = "seconds", description = "How long to wait for each answer (default 5).")
    double wait = 5;

    @Option(names = {"-p", "--port"}, paramLabel = "port", description = "First destination port (default 33434), one more per probe.")
    int port = 33434;

    @Parameters(paramLabel = "host")
    String host;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Domain family = families.family();
        if (maxHops < 1 || maxHops > 255) throw new ParameterException(spec.commandLine(), "max hops must be 1..255: " + maxHops);
        if (firstHop < 1 || firstHop > maxHops) throw new ParameterException(spec.commandLine(), "first hop must be 1.." + maxHops + ": " + firstHop);
        if (queries < 1 || queries > 10) throw new ParameterException(spec.commandLine(), "queries per hop must be 1..10: " + queries);
        if (!(wait > 0) || wait > 60) throw new ParameterException(spec.commandLine(), "wait must be in (0, 60] seconds: " + wait);
        if (port < 1 || port > 65535) throw new ParameterException(spec.commandLine(), "port must be 1..65535: " + port);

        InetAddress target = Hosts.resolve(host, family);
        boolean v6 = target instanceof Inet6Address;
        Domain domain = v6 ? Domain.INET6 : Domain.INET;
        String targetText = Hosts.text(target);
        out.printf("traceroute to %s (%s), %d hops max, %d byte packets%n", host, targetText, maxHops,
                (v6 ? 40 : 20) + 8 + DATA_BYTES);
        out.flush();

        byte[] payload = new byte[DATA_BYTES];
        byte[] buf = new byte[2048];
        byte[] control = new byte[1024];
        int probe = 0;
        try (RawSocket s = RawSocket.open(domain, SocketType.DGRAM)) {
            s.setOption(v6 ? SockOpt.IPV6_RECVERR : SockOpt.IP_RECVERR, true);
            // Load and link the waiting and error-queue paths now, so the first hop's time is the network's.
            await(s, domain, -1, System.nanoTime() + 1_000_000, buf, control);
            for (int ttl = firstHop; ttl <= maxHops; ttl++) {
                Sockets.setTtl(s, v6, ttl);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%2d", ttl));
                String last = null;
                boolean done = false;
                for (int q = 0; q < queries; q++) {
                    int dport = 1 + (port - 1 + probe++) % 65535;
                    long sent = System.nanoTime();
                    s.sendTo(payload, Hosts.sockAddr(target, dport));
                    Answer a = await(s, domain, dport, sent + (long) (wait * 1e9), buf, control);
                    if (a == null) {
                        line.append(q == 0 ? "  *" : " *");
                        continue;
                    }
                    String from = a.from == null ? "?" : Hosts.text(a.from);
                    if (!from.equals(last)) line.append("  ").append(from);
                    last = from;
                    line.append(String.format(Locale.ROOT, "  %.3f ms", (a.arrived - sent) / 1e6));
                    String note = note(v6, a.type, a.code, a.from != null && a.from.equals(target));
                    if (!note.isEmpty()) line.append(' ').append(note);
                    if (reached(v6, a.type)) done = true;
                }
                out.println(line);
                out.flush();
                if (done) break;
            }
        }
        return 0;
    }

    private record Answer(InetAddress from, int type, int code, long arrived) {}

    /** Waits until the error queue holds the answer to the probe sent to {@code dport}, or the deadline. */
    private static Answer await(RawSocket s, Domain domain, int dport, long deadline, byte[] buf, byte[] control) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            Set<PollEvent> ev = s.poll(Set.of(PollEvent.IN, PollEvent.ERR), (int) Math.max(1, left / 1_000_000));
            long now = System.nanoTime();
            if (ev.contains(PollEvent.IN)) drain(s, buf);
            if (!ev.contains(PollEvent.ERR)) continue;
            while (true) {
                Message m = new Message(SockAddr.of(domain), buf).control(control);
                try {
                    s.recvMsg(m, MsgFlag.ERRQUEUE, MsgFlag.DONTWAIT);
                } catch (ErrnoException e) {
                    if (e.is(Errno.EAGAIN)) break;
                    throw e;
                }
                for (ControlMessage c : m.controlMessages()) {
                    ControlMessage.ExtendedError ee;
                    try {
                        ee = c.extendedError();
                    } catch (IllegalArgumentException notAnError) {
                        continue;
                    }
                    if (ee.originKind() != ControlMessage.Origin.ICMP && ee.originKind() != ControlMessage.Origin.ICMP6) continue;
                    // msg_name is the probe's destination: its port says which probe this answers
                    if (m.addr() == null || m.addr().port() != dport) continue;
                    return new Answer(ee.offender() == null ? null : ee.offender().inetAddress(), ee.type(), ee.code(), now);
                }
            }
        }
    }

    /** Ordinary datagrams (someone answered a probe with UDP): read and drop them. */
    private static void drain(RawSocket s, byte[] buf) throws IOException {
        for (int i = 0; i < 64; i++) {
            try {
                s.recv(buf, MsgFlag.DONTWAIT);
            } catch (ErrnoException e) {
                if (e.is(Errno.EAGAIN)) return;
                throw e;
            }
        }
    }

    /** Whether the answer ends the trace: a destination-unreachable of any kind (port unreachable: arrived). */
    static boolean reached(boolean v6, int type) {
        return v6 ? type == 1 : type == 3;
    }

    /** traceroute's annotations: !H !N !P !X ..., none for time-exceeded and the target's port unreachable. */
    static String note(boolean v6, int type, int code, boolean fromTarget) {
        if (!reached(v6, type)) return "";
        if (v6) {
            return switch (code) {
                case 4 -> fromTarget ? "" : "!P";
                case 0 -> "!N";
                case 1 -> "!X";
                case 3 -> "!H";
                default -> "!<" + code + ">";
            };
        }
        return switch (code) {
            case 3 -> fromTarget ? "" : "!P";
            case 0 -> "!N";
            case 1 -> "!H";
            case 2 -> "!P";
            case 4 -> "!F";
            case 13 -> "!X";
            default -> "!<" + code + ">";
        };
    }
}
