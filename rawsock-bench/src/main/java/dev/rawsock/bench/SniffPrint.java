package dev.rawsock.bench;

import dev.rawsock.Domain;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Packets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code sniff-print}: {@code rawsock sniff} against {@code tcpdump}, both printing every packet
 * ({@code -n}, into a pipe this process drains) at the same load: a bounded count of 64-byte UDP
 * frames sent at a fixed rate from one end of a veth pair to the other, inside a network namespace
 * made for the run. Both printers are measured the same way, in interleaved rounds (which goes first
 * alternates): started, attached and warmed up by an unmeasured burst of half as many frames, then
 * the CPU time of all the printing process's threads ({@link CaptureFlood#cpuSeconds}) from just
 * before the measured burst until the printer has caught up. Columns: CPU seconds per million
 * packets printed (tcpdump in "c", sniff in "rawsock"; lower is better) and, beside them, each
 * one's drops (packets sent but never printed, the worst round).
 */
final class SniffPrint {
    private SniffPrint() {}

    /** Send rate of the generator, frames per second (the rate of the 0.4% drop observation). */
    static final int RATE = 200_000;

    static long packets(BenchMain.Mode mode) {
        return switch (mode.name()) {
            case "smoke" -> 20_000;
            case "quick" -> 200_000;
            default -> 2_000_000;
        };
    }

    /** The benchmark row; columns null and "skipped" set when this machine cannot run it (not root, no tcpdump). */
    static Map<String, Object> run(BenchMain.Mode mode) throws IOException, InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", "sniff-print");
        row.put("unit", "CPU s per 1M packets printed (lower is better)");
        row.put("c", null);
        row.put("rawsock", null);
        row.put("nio", null);
        row.put("jna", null);
        row.put("rawsock_alloc_bytes_per_op", null);
        String why = cannotRun();
        if (why != null) {
            row.put("skipped", why);
            return row;
        }
        long n = packets(mode);
        String ns = "rsbench-sniff-" + ProcessHandle.current().pid();
        must(List.of("ip", "netns", "add", ns));
        try {
            must(List.of("ip", "-n", ns, "link", "add", "sp0", "type", "veth", "peer", "name", "sp1"));
            must(List.of("ip", "-n", ns, "link", "set", "sp0", "up"));
            must(List.of("ip", "-n", ns, "link", "set", "sp1", "up"));
            // Quiet the link: no IPv6 autoconfiguration traffic on it during the run.
            must(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            List<String> tcpdump = List.of("ip", "netns", "exec", ns, "tcpdump", "-n", "-i", "sp0", "-B", "4096");
            List<String> sniff = List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                    "dev.rawsock.cli.Main", "sniff", "-n", "-i", "sp0", "-B", "4096");
            Map<String, List<Double>> v = new LinkedHashMap<>();
            for (String k : List.of("tcpdump_cpu_s_per_mpkt", "rawsock_cpu_s_per_mpkt", "tcpdump_drops", "rawsock_drops"))
                v.put(k, new ArrayList<>());
            for (int r = 0; r < mode.rounds(); r++) {
                for (int i = 0; i < 2; i++) {
                    boolean rawsock = (i + r) % 2 == 1;  // alternate which printer goes first
                    String who = rawsock ? "rawsock" : "tcpdump";
                    double[] m = measure(rawsock ? sniff : tcpdump, ns, java, cp, n);
                    v.get(who + "_cpu_s_per_mpkt").add(m[0]);
                    v.get(who + "_drops").add(m[1]);
                    System.err.printf(Locale.ROOT, "  %s: %.3f CPU s per 1M printed, %.0f of %d never printed%n", who, m[0], m[1], n);
                }
            }
            Double t = BenchMain.median(v.get("tcpdump_cpu_s_per_mpkt")), s = BenchMain.median(v.get("rawsock_cpu_s_per_mpkt"));
            double tDrops = Collections.max(v.get("tcpdump_drops")), sDrops = Collections.max(v.get("rawsock_drops"));
            row.put("c", t);
            row.put("rawsock", s);
            row.put("tcpdump_cpu_s_per_mpkt", t);
            row.put("rawsock_cpu_s_per_mpkt", s);
            // drops: the worst round (under both the names and the earlier ones)
            row.put("tcpdump_drops", tDrops);
            row.put("rawsock_drops", sDrops);
            row.put("tcpdump_dropped", tDrops);
            row.put("rawsock_dropped", sDrops);
            row.put("tcpdump_drop_pct", 100 * tDrops / n);
            row.put("rawsock_drop_pct", 100 * sDrops / n);
            row.put("packets", (double) n);
            row.put("rate_pps", (double) RATE);
            row.put("rounds", v);
            Map<String, Object> ratios = new LinkedHashMap<>();
            // CPU per packet, sniff over tcpdump, paired within each round: lower is better, a plain quotient
            BenchMain.paired(ratios, "rawsock_cpu_over_tcpdump", v.get("rawsock_cpu_s_per_mpkt"), v.get("tcpdump_cpu_s_per_mpkt"),
                    BenchMain.BENCHES.get(0));
            row.put("ratios", ratios);
            row.put("unreliable_ratios", BenchMain.reliable(ratios, "rawsock_cpu_over_tcpdump") ? List.of() : List.of("rawsock_cpu_over_tcpdump"));
        } finally {
            run(List.of("ip", "netns", "del", ns));
        }
        return row;
    }

    static String cannotRun() throws IOException, InterruptedException {
        if (!"0".equals(run(List.of("id", "-u")).trim())) return "needs root (network namespaces, capture)";
        for (String tool : List.of("ip", "tcpdump")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).isBlank()) return tool + " is not installed";
        }
        return null;
    }

    /**
     * One printer at the load: {CPU seconds per million packets printed, packets never printed} of
     * the measured burst of {@code n}, after an unmeasured warm-up burst of {@code n / 2}.
     */
    private static double[] measure(List<String> printer, String ns, String java, String cp, long n)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile("sniff-print", ".err");
        Process p = new ProcessBuilder(printer).redirectError(err.toFile()).start();
        AtomicLong lines = new AtomicLong();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
                while (r.readLine() != null) lines.incrementAndGet();
            } catch (IOException ignored) {
                // the printer ended
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("listening on") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            if (!Files.readString(err).contains("listening on")) throw new IOException("printer never listened: " + Files.readString(err));
            send(ns, java, cp, n / 2);
            caughtUp(lines, n / 2);
            long before = lines.get();
            double cpu0 = CaptureFlood.cpuSeconds(p.pid());
            send(ns, java, cp, n);
            caughtUp(lines, before + n);
            double cpu = CaptureFlood.cpuSeconds(p.pid()) - cpu0;
            long printed = Math.min(lines.get() - before, n);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            drain.join(5000);
            return new double[] {cpu * 1e6 / Math.max(1, printed), n - printed};
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor();
            Files.deleteIfExists(err);
        }
    }

    /** Runs the generator for {@code n} frames inside the namespace (bounded: 10 minutes). */
    private static void send(String ns, String java, String cp, long n) throws IOException, InterruptedException {
        List<String> gen = List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                Generator.class.getName(), "sp1", Long.toString(n), Integer.toString(RATE));
        Process g = new ProcessBuilder(gen).redirectErrorStream(true).start();
        String gout = new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!g.waitFor(10, TimeUnit.MINUTES) || g.exitValue() != 0) throw new IOException("generator failed: " + gout);
    }

    /** Until the printer has printed {@code want} lines in all, or its count stopped growing for 1.5 s (bounded: 30 s). */
    private static void caughtUp(AtomicLong lines, long want) throws InterruptedException {
        long last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lines.get() != last && lines.get() < want && System.nanoTime() < deadline) {
            last = lines.get();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (lines.get() < want && System.nanoTime() < until) Thread.sleep(20);
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void must(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
    }

    /** Sends N frames of 64 bytes out of an interface at a fixed rate (run inside the namespace). */
    static final class Generator {
        private Generator() {}

        public static void main(String[] args) throws Exception {
            String ifname = args[0];
            long n = Long.parseLong(args[1]);
            int rate = Integer.parseInt(args[2]);
            byte[] src = dev.rawsock.Interfaces.hardwareAddress(ifname);
            byte[] udp = Packets.udp(InetAddress.getByName("10.77.0.1"), 40000, InetAddress.getByName("10.77.0.2"), 9, new byte[18]);
            byte[] frame = Packets.ethernet(new byte[] {2, 0, 0, 0, 0, 2}, src, 0x0800, udp);
            SockAddr to = SockAddr.packet(dev.rawsock.Rawsock.ifNameIndex(ifname), 0x0800);
            long start = System.nanoTime();
            try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
                for (long i = 0; i < n; i++) {
                    // vary the source port so lines differ as real traffic does
                    frame[14 + 20] = (byte) (0x9c + (i >>> 8 & 0x3));
                    frame[14 + 21] = (byte) i;
                    while (true) {
                        try {
                            s.sendTo(frame, to);
                            break;
                        } catch (dev.rawsock.ErrnoException e) {
                            if (!e.is(dev.rawsock.Errno.EAGAIN, dev.rawsock.Errno.ENOBUFS)) throw e;
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    if ((i & 255) == 255) {
                        long due = start + (i + 1) * 1_000_000_000L / rate;
                        long now;
                        while ((now = System.nanoTime()) < due) LockSupport.parkNanos(Math.min(due - now, 1_000_000));
                    }
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("sent %d frames in %.2f s (%.0f/s)%n", n, secs, n / secs);
        }
    }
}
