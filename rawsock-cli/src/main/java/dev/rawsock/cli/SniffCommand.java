package dev.rawsock.cli;

import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CaptureStats;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.Frame;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.Packets;
import dev.rawsock.packet.PcapNgWriter;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code rawsock sniff}: live capture through {@link Capture} (AF_PACKET, TPACKET_V3 ring, the filter
 * compiled by {@link BpfProgram}) or a pcap file through {@link PcapReader}; one tcpdump-like line per
 * packet, or with {@code -w} a pcap file and a live count on stderr. Ctrl-C ends it with the counts.
 */
@Command(name = "sniff", mixinStandardHelpOptions = true,
        description = "Capture packets (AF_PACKET) or read a pcap file; print one line per packet or write a pcap file.")
final class SniffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-i", paramLabel = "interface",
            description = "Interface to capture on; any (the default): all of them, as LINUX_SLL2 frames.")
    String iface;

    @Option(names = {"--immediate", "--immediate-mode"},
            description = "Deliver each packet as soon as it arrives (a TPACKET_V2 ring), not a ring block at a time.")
    boolean immediate;

    @Option(names = "-c", paramLabel = "count", description = "Stop after count packets.")
    int count;

    @Option(names = "-w", paramLabel = "file.pcap", description = "Write the packets to a pcap file instead of printing them.")
    Path write;

    @Option(names = "--pcapng", description = "Write -w as pcapng (the default for a file named *.pcapng).")
    boolean pcapng;

    @Option(names = "-r", paramLabel = "file.pcap", description = "Read packets from a pcap file instead of an interface.")
    Path read;

    @Option(names = "-s", paramLabel = "snaplen", description = "Bytes to keep of each packet (default 262144).")
    int snaplen = Capture.Options.MAX_SNAPLEN;

    @Option(names = "--promisc",
            description = "Put the interface in promiscuous mode (off by default: the host's interfaces stay as they are).")
    boolean promisc;

    @Option(names = "--timeout", paramLabel = "seconds", description = "Stop after this long (default: no limit).")
    double timeout;

    @Parameters(paramLabel = "filter", arity = "0..*", description = "A pcap-filter expression, e.g. udp port 53.")
    List<String> filter = new ArrayList<>();

    private final Object lock = new Object();
    private long captured;
    private boolean reported;
    private volatile boolean interrupted;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (count < 0) throw new ParameterException(spec.commandLine(), "count must be positive: " + count);
        if (snaplen < 1 || snaplen > Capture.Options.MAX_SNAPLEN)
            throw new ParameterException(spec.commandLine(), "snaplen must be 1.." + Capture.Options.MAX_SNAPLEN + ": " + snaplen);
        if (timeout < 0) throw new ParameterException(spec.commandLine(), "timeout must not be negative: " + timeout);
        if (read != null && (iface != null || promisc)) throw new ParameterException(spec.commandLine(), "-r reads a file: no -i or --promisc");
        String expr = String.join(" ", filter).trim();
        BpfProgram program;
        try {
            // A live socket sees frames whose outer VLAN tag the kernel took off: compile for it.
            program = expr.isEmpty() ? null
                    : BpfProgram.compile(expr, read != null ? BpfProgram.Target.OFFLINE : BpfProgram.Target.LINUX_SOCKET);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "bad filter '" + expr + "': " + e.getMessage());
        }
        return read != null ? readFile(program) : live(program, expr);
    }

    private int readFile(BpfProgram program) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (PcapReader r = PcapReader.open(read); Out w = write == null ? null : writer(r.linktype(), null, null)) {
            for (PcapRecord rec; (count == 0 || captured < count) && (rec = r.next()) != null; ) {
                if (program != null && !program.matches(rec.bytes())) continue;
                captured++;
                if (w != null) w.write(rec);
                else out.println(line(rec, rec.linkType()));
            }
        }
        out.flush();
        return 0;
    }

    private int live(BpfProgram program, String expr) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Capture.Options o = Capture.Options.defaults().snaplen(snaplen).promiscuous(promisc).immediate(immediate);
        // as an expression, so that the capture compiles it for its interface's link type
        if (program != null) o.filter(expr);
        String on = iface == null || iface.equals("any") ? null : iface;
        Capture c;
        try {
            c = Capture.open(on, o);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (ErrnoException e) {
            if (Sockets.denied(e))
                throw new CliException("capture needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep on the java binary)", e);
            if (e.is(Errno.ENODEV)) throw new CliException(iface + ": no such interface", e);
            throw e;
        }
        CountDownLatch finished = new CountDownLatch(1);
        Out w = null;
        Thread hook = new Thread(() -> {
            // Ctrl-C: read the counters while the socket is open, stop the reader, let it close the file.
            interrupted = true;
            CaptureStats st = stats(c);
            try {
                c.close();
                finished.await(5, TimeUnit.SECONDS);
            } catch (ErrnoException | InterruptedException ignored) {
                // exiting anyway
            }
            summary(err, st, true);
        }, "rawsock-sniff-summary");
        try (c) {
            int linkType = c.linkType();
            w = write == null ? null : writer(linkType, on == null ? "any" : on, c);
            err.printf("listening on %s, link-type %s (%s), snapshot length %d bytes%s%n", on == null ? "any" : on,
                    LinkType.name(linkType), LinkType.description(linkType).orElse("?"), snaplen,
                    expr.isEmpty() ? "" : ", filter \"" + expr + "\"");
            err.flush();
            Runtime.getRuntime().addShutdownHook(hook);
            Out writer = w;
            long[] lastShown = {System.nanoTime()};
            try {
                c.forEach(count, timeout > 0 ? Duration.ofNanos((long) (timeout * 1e9)) : null, p -> {
                    synchronized (lock) {
                        captured++;
                    }
                    if (writer != null) {
                        writer.write(p);
                        long now = System.nanoTime();
                        if (now - lastShown[0] > 200_000_000L) {
                            lastShown[0] = now;
                            err.print("\rGot " + captured);
                            err.flush();
                        }
                    } else {
                        out.println(line(p, linkType));
                        out.flush();
                    }
                });
            } catch (AsynchronousCloseException e) {
                if (!interrupted) throw e;
            } catch (ErrnoException e) {
                if (!interrupted) throw e;
            }
            if (w != null) w.close();
            w = null;
            if (!interrupted) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook reports
                }
                summary(err, stats(c), false);
            }
        } finally {
            try {
                if (w != null) w.close();
            } finally {
                finished.countDown();
            }
        }
        out.flush();
        return 0;
    }

    /** The -w file, classic pcap or pcapng; closing a live capture's pcapng file records its counts. */
    private interface Out extends java.io.Closeable {
        void write(Frame f) throws IOException;
    }

    /** pcapng for --pcapng or a name ending in .pcapng (one interface, named), else classic pcap. */
    private Out writer(int linktype, String ifname, Capture c) throws IOException {
        if (!pcapng && !write.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pcapng")) {
            PcapWriter w = PcapWriter.create(write, linktype, snaplen);
            return new Out() {
                @Override public void write(Frame f) throws IOException { w.write(f); }
                @Override public void close() throws IOException { w.close(); }
            };
        }
        PcapNgWriter w = PcapNgWriter.create(write);
        w.addInterface(ifname, linktype, snaplen);
        return new Out() {
            @Override public void write(Frame f) throws IOException { w.write(f); }

            @Override public void close() throws IOException {
                CaptureStats st = c == null ? null : stats(c);
                if (st != null) w.statistics(0, st.received(), st.dropped());
                w.close();
            }
        };
    }

    private static CaptureStats stats(Capture c) {
        try {
            return c.stats();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** tcpdump's closing counts, on stderr. */
    private void summary(PrintWriter err, CaptureStats st, boolean fromHook) {
        synchronized (lock) {
            if (reported) return;
            reported = true;
            if (write != null) err.print("\rGot " + captured + "\n");
            else if (fromHook) err.println();
            err.printf("%d packets captured%n", captured);
            if (st != null) {
                err.printf("%d packets received by filter%n", st.received());
                err.printf("%d packets dropped by kernel%n", st.dropped());
            }
            err.flush();
        }
    }

    /** {@code HH:MM:SS.micros} (local time, as tcpdump) and the packet's one-line description. */
    static String line(Frame f, int linktype) {
        long ns = f.timestampNanos();
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L), ZoneId.systemDefault());
        ByteBuffer d = f.data();
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%06d %s", t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000,
                Packets.describe(d, linktype));
    }
}
