package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.Level;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rawsock sockopts}: every readable option of the catalogue on a fresh socket, read with
 * getsockopt(2): one row per option (level, C name, value, or the errno the kernel answered).
 */
@Command(name = "sockopts", mixinStandardHelpOptions = true,
        description = "Print every socket option of a fresh socket (getsockopt(2)) as a table.")
final class SockoptsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "domain", description = "INET (default), INET6, UNIX, PACKET, ...")
    String domain = "INET";

    @Parameters(index = "1", arity = "0..1", paramLabel = "type", description = "STREAM (default), DGRAM, RAW, SEQPACKET, ...")
    String type = "STREAM";

    @Parameters(index = "2", arity = "0..1", paramLabel = "protocol", description = "TCP, UDP, ICMP, ... (default: 0)")
    String protocol;

    @Override
    public Integer call() throws ErrnoException {
        PrintWriter out = spec.commandLine().getOut();
        Domain d;
        SocketType t;
        Protocol p;
        try {
            d = Domain.valueOf(domain);
            t = SocketType.valueOf(type);
            p = protocol == null ? null : Protocol.valueOf(protocol);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        RawSocket s;
        try {
            s = RawSocket.open(d, t, p);
        } catch (ErrnoException e) {
            throw new CliException("socket(" + d + ", " + t + (p == null ? ", 0" : ", " + p) + "): " + e.errnoName()
                    + (e.is(Errno.EPERM) ? " (needs CAP_NET_RAW)" : ""), e);
        }
        try (s) {
            out.printf("socket(%s, %s, %s)%n", d, t, p == null ? "0" : p);
            out.printf("%-10s %-28s %s%n", "LEVEL", "OPTION", "VALUE");
            for (Map.Entry<Level, Map<SockOpt<?>, Object>> level : Rawsock.socketOptions(s.fd()).entrySet()) {
                for (Map.Entry<SockOpt<?>, Object> o : level.getValue().entrySet()) {
                    out.printf("%-10s %-28s %s%n", level.getKey(), o.getKey().name(), show(o.getValue()));
                }
            }
        }
        out.flush();
        return 0;
    }

    static String show(Object v) {
        if (v instanceof ErrnoException e) return "error " + e.errnoName();
        if (v instanceof byte[] b) return b.length == 0 ? "(empty)" : HexFormat.of().formatHex(b);
        if (v instanceof String str && str.isEmpty()) return "(none)";
        if (v instanceof Duration d) return d.isZero() ? "0" : d.toMillis() + " ms";
        return String.valueOf(v);
    }
}
