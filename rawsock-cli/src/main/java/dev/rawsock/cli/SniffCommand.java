package dev.rawsock.cli;

import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.IfFlag;
import dev.rawsock.Interfaces;
import dev.rawsock.Rawsock;
import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CaptureStats;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.Frame;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.PcapNgWriter;
import dev.rawsock.packet.PcapReader;
import dev.rawsock.packet.PcapRecord;
import dev.rawsock.packet.PcapWriter;
import dev.rawsock.packet.TcpdumpPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code rawsock sniff}: live capture through {@link Capture} (AF_PACKET, TPACKET_V3 ring, the filter
 * compiled by {@link BpfProgram}) or a pcap file through {@link PcapReader}; each packet printed as
 * {@code tcpdump -n} prints it ({@link TcpdumpPrinter}, with tcpdump's option letters), or with
 * {@code -w} a pcap file and a live count on stderr. Ctrl-C ends it with the counts.
 *
 * <p>Output is block-buffered as tcpdump's is without {@code -U}: lines go out when the buffer
 * fills, at most a second after they were printed, and at exit.
 */
@Command(name = "sniff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture packets (AF_PACKET) or read a pcap file; print each packet as tcpdump -n does, or write a pcap file.",
                "Takes tcpdump's option letters. Names are never resolved (-n is the only behaviour). The interface is never put",
                "in promiscuous mode unless --promisc is given: -p is accepted for tcpdump's command lines and changes nothing."})
final class SniffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-i", paramLabel = "interface",
            description = "Interface to capture on; any (the default): all of them, as LINUX_SLL2 frames.")
    String iface;

    @Option(names = {"--immediate", "--immediate-mode"},
            description = "Deliver each packet as soon as it arrives (a TPACKET_V2 ring), not a ring block at a time.")
    boolean immediate;

    @Option(names = "-D", description = "List the interfaces sniff can capture on, numbered as tcpdump -D numbers them, and exit.")
    boolean listInterfaces;

    @Option(names = "-n", description = "Accepted for tcpdump's command lines: addresses and ports are always printed as numbers.")
    boolean numeric;

    @Option(names = "-e", description = "Print the link-level header (MAC addresses, ethertype, VLAN tags) on each line.")
    boolean linkHeaders;

    @Option(names = "-x", description = "Print each packet in hex after its line, without (-x) or with (-xx) the link header.")
    boolean[] hex = new boolean[0];

    @Option(names = "-X", description = "Print each packet in hex and ASCII, without (-X) or with (-XX) the link header.")
    boolean[] hexAscii = new boolean[0];

    @Option(names = "-A", description = "Print each packet in ASCII, without (-A) or with (-AA) the link header.")
    boolean[] ascii = new boolean[0];

    @Option(names = "-q", description = "Quick output: less protocol information per line.")
    boolean quiet;

    @Option(names = "-t", description = "No time stamp; doubled (-tt) seconds since 1970, -ttt the delta to the previous packet, "
            + "-tttt date and time, -ttttt the delta to the first packet.")
    boolean[] time = new boolean[0];

    @Option(names = "-#", description = "Number the lines.")
    boolean numbered;

    @Option(names = "-S", description = "Print absolute TCP sequence numbers instead of relative ones.")
    boolean absoluteSeq;

    @Option(names = "-v", description = "Verbose: the IPv4 header fields (tos, ttl, id, offset, flags, proto, length), the IPv6 ones "
            + "(class, flowlabel, hlim, next-header, payload length) and checksum verdicts.")
    boolean verbose;

    @Option(names = "-B", paramLabel = "KiB", description = "Capture buffer (the packet ring) in KiB, as tcpdump -B.")
    int bufferKib;

    @Option(names = "-p", description = "Accepted for tcpdump's command lines: sniff is never promiscuous unless --promisc is given.")
    boolean noPromisc;

    @Option(names = "-c", paramLabel = "count", description = "Stop after count packets.")
    int count;

    @Option(names = "-w", paramLabel = "file.pcap", description = "Write the packets to a pcap file instead of printing them.")
    Path write;

    @Option(names = "--pcapng", description = "Write -w as pcapng (the default for a file named *.pcapng).")
    boolean pcapng;

    @Option(names = "-r", paramLabel = "file.pcap", description = "Read packets from a pcap file instead of an interface.")
    Path read;

    @Option(names = "-s", paramLabel = "snaplen", description = "Bytes to keep of each packet (default and 0: 262144).")
    int snaplen = Capture.Options.MAX_SNAPLEN;

    @Option(names = "--promisc",
            description = "Put the interface in promiscuous mode (off by default, whatever -p says: the host's interfaces stay as they are).")
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
        if (listInterfaces) return listInterfaces();
        if (count < 0) throw new ParameterException(spec.commandLine(), "count must be positive: " + count);
        if (snaplen == 0) snaplen = Capture.Options.MAX_SNAPLEN;
        if (bufferKib < 0 || bufferKib > (1 << 22)) throw new ParameterException(spec.commandLine(), "-B must be 1..4194304 KiB: " + bufferKib);
        if (time.length > 5) throw new ParameterException(spec.commandLine(), "at most five -t");
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
            if (w == null) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf("reading from file %s, link-type %s (%s), snapshot length %d%n", read, LinkType.name(r.linktype()),
                        LinkType.description(r.linktype()).orElse("unknown"), r.snaplen());
                err.flush();
            }
            // one printer per link type: a pcapng file may hold interfaces of several
            Map<Integer, TcpdumpPrinter> printers = new java.util.HashMap<>();
            StringBuilder line = new StringBuilder(256);
            for (PcapRecord rec; (count == 0 || captured < count) && (rec = r.next()) != null; ) {
                if (program != null && !program.matches(rec.bytes())) continue;
                captured++;
                if (w != null) w.write(rec);
                else print(out, printers.computeIfAbsent(rec.linkType(), lt -> printer(lt).nanoseconds(r.nanos())), line, rec);
            }
        }
        out.flush();
        return 0;
    }

    /** A printer with this command's options, for packets of {@code linktype}. */
    TcpdumpPrinter printer(int linktype) {
        TcpdumpPrinter.Timestamps ts = switch (time.length) {
            case 0 -> TcpdumpPrinter.Timestamps.TIME;
            case 1 -> TcpdumpPrinter.Timestamps.NONE;
            case 2 -> TcpdumpPrinter.Timestamps.UNIX;
            case 3 -> TcpdumpPrinter.Timestamps.DELTA;
            case 4 -> TcpdumpPrinter.Timestamps.DATE;
            default -> TcpdumpPrinter.Timestamps.SINCE_FIRST;
        };
        // tcpdump: -X wins over -x, which wins over -A; doubling the letter includes the link header
        TcpdumpPrinter.Dump dump = hexAscii.length > 0 ? (hexAscii.length > 1 ? TcpdumpPrinter.Dump.HEX_ASCII_LINK : TcpdumpPrinter.Dump.HEX_ASCII)
                : hex.length > 0 ? (hex.length > 1 ? TcpdumpPrinter.Dump.HEX_LINK : TcpdumpPrinter.Dump.HEX)
                : ascii.length > 0 ? (ascii.length > 1 ? TcpdumpPrinter.Dump.ASCII_LINK : TcpdumpPrinter.Dump.ASCII)
                : TcpdumpPrinter.Dump.NONE;
        return new TcpdumpPrinter(linktype).interfaceNames(SniffCommand::ifName).linkHeaders(linkHeaders).quiet(quiet).verbose(verbose).absoluteSequence(absoluteSeq)
                .numbered(numbered).timestamps(ts).dump(dump);
    }

    /**
     * One packet's text into {@code out} without flushing: PrintWriter flushes only on println and
     * printf, so lines collect in its buffer as tcpdump's collect in stdio's.
     */
    static void print(PrintWriter out, TcpdumpPrinter printer, StringBuilder line, Frame f) {
        line.setLength(0);
        MemorySegment data = MemorySegment.ofBuffer(f.data());
        // the record's lengths as they are: tcpdump says "[Invalid header: len(N) < caplen(M)]" of a bad one
        printer.print(line, f.timestampNanos(), data, f.wireLength());
        out.append(line);
    }

    /**
     * One packet as tcpdump -n prints it, with its local time stamp, by a fresh printer: without
     * the state a capture keeps (TCP sequence numbers are absolute from the second packet on).
     */
    static String line(Frame f, int linktype) {
        StringBuilder sb = new StringBuilder(128);
        MemorySegment data = MemorySegment.ofBuffer(f.data());
        new TcpdumpPrinter(linktype).interfaceNames(SniffCommand::ifName).print(sb, f.timestampNanos(), data,
                Math.max(f.wireLength(), data.byteSize()));
        // the printer ends each line (and any dump) with a newline; println adds it back
        if (!sb.isEmpty() && sb.charAt(sb.length() - 1) == '\n') sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private int live(BpfProgram program, String expr) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Capture.Options o = Capture.Options.defaults().snaplen(snaplen).promiscuous(promisc).immediate(immediate);
        if (bufferKib > 0) o.ringSize(bufferKib * 1024L);
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
            StringBuilder line = new StringBuilder(256);
            TcpdumpPrinter printer = printer(linkType);
            Thread flusher = writer != null ? null : Thread.ofPlatform().daemon().name("rawsock-sniff-flush").start(() -> {
                // tcpdump's stdio buffer reaches a pipe when full; a quiet capture should not hold lines forever
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(1000);
                        out.flush();
                    }
                } catch (InterruptedException done) {
                    // capture over
                }
            });
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
                        print(out, printer, line, p);
                    }
                });
            } catch (AsynchronousCloseException e) {
                if (!interrupted) throw e;
            } catch (ErrnoException e) {
                if (!interrupted) throw e;
            }
            if (flusher != null) flusher.interrupt();
            out.flush();
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

    /**
     * tcpdump -D: the interfaces in libpcap's order (up and running first, loopback after them,
     * then the ones not running, then the ones down; ties in index order) with "any" after the
     * first group, each with its state in brackets.
     */
    private int listInterfaces() throws ErrnoException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>(Rawsock.ifNameIndex().values());
        Map<String, Set<IfFlag>> flags = new java.util.HashMap<>();
        for (String n : names) flags.put(n, Interfaces.flags(n));
        names.add("any");
        flags.put("any", Set.of(IfFlag.UP, IfFlag.RUNNING));
        // List.sort is stable: equal merit keeps index order, and "any" comes after its group
        names.sort(java.util.Comparator.comparingLong(n -> merit(flags.get(n))));
        int i = 1;
        for (String n : names) {
            if (n.equals("any")) out.printf("%d.any (Pseudo-device that captures on all interfaces) [Up, Running]%n", i++);
            else out.printf("%d.%s %s%n", i++, n, state(flags.get(n)));
        }
        out.flush();
        return 0;
    }

    /** libpcap's figure of merit: lower is listed first. */
    private static long merit(Set<IfFlag> f) {
        long m = 0;
        if (!f.contains(IfFlag.RUNNING)) m |= 0x80000000L;
        if (!f.contains(IfFlag.UP)) m |= 0x40000000L;
        if (f.contains(IfFlag.LOOPBACK)) m |= 0x10000000L;
        return m;
    }

    /** if_indextoname(3), as tcpdump names the interface of a Linux cooked v2 record. */
    private static String ifName(int index) {
        try {
            return Rawsock.ifNameIndex(index);
        } catch (ErrnoException e) {
            return null;
        }
    }

    private static String state(Set<IfFlag> f) {
        List<String> s = new ArrayList<>();
        if (f.contains(IfFlag.UP)) s.add("Up");
        if (f.contains(IfFlag.RUNNING)) s.add("Running");
        if (f.contains(IfFlag.LOOPBACK)) s.add("Loopback");
        if (s.isEmpty()) s.add("none");
        if (!f.contains(IfFlag.LOOPBACK)) s.add(f.contains(IfFlag.RUNNING) ? "Connected" : "Disconnected");
        return "[" + String.join(", ", s) + "]";
    }
}
