package dev.rawsock.bench;

import dev.rawsock.capture.Capture;
import dev.rawsock.capture.CaptureStats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code capture-flood}: c/io.c's flood mode sends a fixed number of 64-byte UDP datagrams at a fixed
 * rate from one network namespace through a veth pair into another (both made here and deleted
 * after); in turn a {@link Capture} (its ring, counting and discarding each packet, in its own JVM)
 * and {@code tcpdump -w /dev/null} with the same 4 MiB buffer capture them on the receiving end.
 * Reported per capture: packets captured, kernel drops, and the CPU seconds the capturing process
 * used per million packets ({@code utime + stime} from {@code /proc/PID/stat}, read when it is
 * ready and when the flood is over, so start-up is not counted). Rounds alternate which goes first.
 *
 * <p>{@code main("capture", IFACE, COUNT, RING_BYTES)} is the rawsock side, run by the benchmark
 * inside the receiving namespace: it prints {@code ready}, captures until COUNT packets or 1 s of
 * silence, prints {@code done CAPTURED DROPS}, and exits when its stdin closes.
 */
public final class CaptureFlood {
    private CaptureFlood() {}

    static final int RING = 4 << 20;
    static final String FILTER = "udp and dst port 9";
    /** The sender's addresses on the veth pair (a private /24 that exists only in the two namespaces). */
    static final String SRC = "10.213.77.1", DST = "10.213.77.2";

    /** Packets and rate of one flood per mode: the rate is what tcpdump holds with no drops on the 2-core machine. */
    record Load(int count, int rate) {}

    static Load load(BenchMain.Mode mode) {
        return switch (mode.name()) {
            case "smoke" -> new Load(2_000, 20_000);
            case "quick" -> new Load(200_000, 200_000);
            default -> new Load(1_000_000, 200_000);
        };
    }

    /** The row for latest.json, or a row of nulls with a {@code skipped} reason when the machine cannot run it. */
    static Map<String, Object> row(BenchMain.Bench b, Path cbin, BenchMain.Mode mode) throws IOException, InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", b.name());
        row.put("unit", b.unit());
        for (String k : List.of("c", "rawsock", "nio", "jna", "rawsock_alloc_bytes_per_op")) row.put(k, null);
        String why = cannotRun(cbin);
        if (why != null) {
            row.put("skipped", why);
            row.put("ratios", new LinkedHashMap<String, Object>());
            row.put("unreliable_ratios", List.of());
            System.err.println("  capture-flood skipped: " + why);
            return row;
        }
        Load load = load(mode);
        String tag = Long.toString(ProcessHandle.current().pid());
        String nsS = "rsb-flood-s-" + tag, nsC = "rsb-flood-c-" + tag;
        Map<String, List<Double>> v = new LinkedHashMap<>();
        for (String k : List.of("rawsock", "tcpdump", "rawsock_drops", "tcpdump_drops", "rawsock_cpu_s_per_mpkt",
                "tcpdump_cpu_s_per_mpkt", "sent")) v.put(k, new ArrayList<>());
        try {
            setUp(nsS, nsC);
            for (int r = 0; r < mode.rounds(); r++) {
                for (int i = 0; i < 2; i++) {
                    boolean rawsock = (i + r) % 2 == 0;  // alternate which capture goes first
                    double[] res = round(rawsock, nsS, nsC, cbin, load);
                    String who = rawsock ? "rawsock" : "tcpdump";
                    v.get(who).add(res[0]);
                    v.get(who + "_drops").add(res[1]);
                    v.get(who + "_cpu_s_per_mpkt").add(res[0] > 0 ? res[2] / res[0] * 1e6 : Double.NaN);
                    v.get("sent").add(res[3]);
                    System.err.printf(Locale.ROOT, "  %s: captured %.0f of %.0f sent, dropped %.0f, %.3f CPU s%n",
                            who, res[0], res[3], res[1], res[2]);
                }
            }
        } finally {
            ip("netns", "del", nsS);
            ip("netns", "del", nsC);
        }
        row.put("rawsock", BenchMain.median(v.get("rawsock")));
        row.put("tcpdump", BenchMain.median(v.get("tcpdump")));
        row.put("sent", BenchMain.median(v.get("sent")));
        // drops: the worst round, since the bar is none at all
        row.put("rawsock_drops", max(v.get("rawsock_drops")));
        row.put("tcpdump_drops", max(v.get("tcpdump_drops")));
        row.put("rawsock_cpu_s_per_mpkt", BenchMain.median(v.get("rawsock_cpu_s_per_mpkt")));
        row.put("tcpdump_cpu_s_per_mpkt", BenchMain.median(v.get("tcpdump_cpu_s_per_mpkt")));
        row.put("load", Map.of("packets", (double) load.count(), "packets_per_s", (double) load.rate()));
        row.put("rounds", v);
        Map<String, Object> ratios = new LinkedHashMap<>();
        // CPU per packet, rawsock over tcpdump: lower is better, so it is a plain quotient of the two
        BenchMain.paired(ratios, "rawsock_cpu_over_tcpdump", v.get("rawsock_cpu_s_per_mpkt"), v.get("tcpdump_cpu_s_per_mpkt"), b);
        row.put("ratios", ratios);
        row.put("unreliable_ratios", BenchMain.reliable(ratios, "rawsock_cpu_over_tcpdump") ? List.of() : List.of("rawsock_cpu_over_tcpdump"));
        return row;
    }

    private static Double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().stream().boxed().findFirst().orElse(null);
    }

    /** Why this machine cannot run the benchmark (no C sender, no tcpdump, no namespaces), or null. */
    static String cannotRun(Path cbin) throws InterruptedException {
        if (cbin == null || !Files.isExecutable(cbin.resolve("io"))) return "no C sender (c/io.c not built)";
        try {
            if (exec(List.of("tcpdump", "--version")) != 0) return "tcpdump does not run";
            if (exec(List.of("ip", "-V")) != 0) return "ip (iproute2) does not run";
        } catch (IOException e) {
            return "tcpdump or ip is missing: " + e.getMessage();
        }
        return null;
    }

    /** Two namespaces joined by a veth pair, addresses on both ends, links up. */
    private static void setUp(String nsS, String nsC) throws IOException, InterruptedException {
        ip("netns", "del", nsS);
        ip("netns", "del", nsC);
        must("netns", "add", nsS);
        must("netns", "add", nsC);
        must("-n", nsS, "link", "add", "fl0", "type", "veth", "peer", "name", "fl1", "netns", nsC);
        must("-n", nsS, "addr", "add", SRC + "/24", "dev", "fl0");
        must("-n", nsC, "addr", "add", DST + "/24", "dev", "fl1");
        must("-n", nsS, "link", "set", "fl0", "up");
        must("-n", nsC, "link", "set", "fl1", "up");
    }

    /** One flood captured by one side: {captured, dropped, CPU seconds, sent}. */
    private static double[] round(boolean rawsock, String nsS, String nsC, Path cbin, Load load)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsC));
        if (rawsock) {
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    CaptureFlood.class.getName(), "capture", "fl1", Integer.toString(load.count()), Integer.toString(RING)));
        } else {
            cmd.addAll(List.of("tcpdump", "-i", "fl1", "-w", "/dev/null", "-B", Integer.toString(RING / 1024), "-n", FILTER));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // a bound on the whole round: killing the capture ends any read below with end of stream
        long bound = 60 + 2L * load.count() / load.rate();
        java.util.concurrent.CompletableFuture.delayedExecutor(bound, TimeUnit.SECONDS).execute(p::destroyForcibly);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = rawsock ? "ready" : "listening on fl1";  // tcpdump: "tcpdump: listening on fl1, ..."
            List<String> seen = new ArrayList<>();
            for (String line; ; ) {
                line = out.readLine();
                if (line == null) throw new IOException("capture ended before it was ready: " + cmd + ": " + seen);
                seen.add(line);
                if (line.contains(ready)) break;
            }
            double cpu0 = cpuSeconds(p.pid());
            double sent = flood(nsS, cbin, load);
            double captured, dropped;
            double cpu1;
            if (rawsock) {
                String done = out.readLine();  // the capture stops at COUNT packets or after 1 s of silence
                Matcher m = done == null ? null : Pattern.compile("done (\\d+) (\\d+)").matcher(done);
                if (m == null || !m.find()) throw new IOException("rawsock capture said " + done);
                cpu1 = cpuSeconds(p.pid());
                captured = Double.parseDouble(m.group(1));
                dropped = Double.parseDouble(m.group(2));
                p.getOutputStream().close();
            } else {
                // tcpdump reports only when it exits: give the flood's tail its way through the ring
                // first (tcpdump's ring retires a block after at most 1 s), as rawsock waits 1 s of silence
                Thread.sleep(1200);
                cpu1 = cpuSeconds(p.pid());
                p.toHandle().destroy();  // SIGTERM (Process.destroy would close our end of its output): tcpdump prints its statistics
                StringBuilder rest = new StringBuilder();
                for (String line; (line = out.readLine()) != null; ) rest.append(line).append('\n');
                captured = number(rest, "(\\d+) packets? captured");
                dropped = number(rest, "(\\d+) packets? dropped by kernel");
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) throw new IOException("capture did not exit: " + cmd);
            return new double[] {captured, dropped, cpu1 - cpu0, sent};
        } finally {
            p.destroyForcibly();
        }
    }

    private static double number(CharSequence text, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IOException("tcpdump said no /" + regex + "/: " + text);
        return Double.parseDouble(m.group(1));
    }

    /** Runs the C sender inside the sending namespace; how many it sent. */
    private static double flood(String nsS, Path cbin, Load load) throws IOException, InterruptedException {
        double maxSeconds = 10 + 2.0 * load.count() / load.rate();
        List<String> cmd = List.of("ip", "netns", "exec", nsS, cbin.resolve("io").toString(), "flood",
                String.format(Locale.ROOT, "%.1f", maxSeconds), Integer.toString(load.count()), Integer.toString(load.rate()), DST);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor((long) maxSeconds + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the flood sender did not finish: " + cmd);
        }
        Matcher m = Pattern.compile("\"sent\": (\\d+)").matcher(text);
        if (p.exitValue() != 0 || !m.find()) throw new IOException("flood sender failed (exit " + p.exitValue() + "): " + text);
        return Double.parseDouble(m.group(1));
    }

    /** utime + stime of a whole process, all threads, from /proc/PID/stat (fields 14 and 15, in clock ticks). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ", field 3 (state) is f[0]: utime (14) is f[11], stime (15) f[12]
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    }

    /** sysconf(_SC_CLK_TCK): 100 on every Linux the kernel's USER_HZ covers. */
    private static final int CLOCK_TICKS = 100;

    private static void must(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        if (exec(cmd) != 0) throw new IOException("failed: " + String.join(" ", cmd));
    }

    private static void ip(String... args) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        try {
            exec(cmd);
        } catch (IOException e) {
            // cleanup of what may not exist
        }
    }

    private static int exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** The rawsock side of a round, in its own JVM inside the receiving namespace. */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("capture"))
            throw new IllegalArgumentException("usage: CaptureFlood capture IFACE COUNT RING_BYTES");
        int count = Integer.parseInt(args[2]);
        long[] n = {0};
        try (Capture c = Capture.open(args[1], Capture.Options.defaults().ringSize(Long.parseLong(args[3])).filter(FILTER))) {
            Writer w = new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8);
            w.write("ready\n");
            w.flush();
            // counting and discarding: the handler only counts; ends at COUNT or after 1 s without a packet
            long idleSince = System.nanoTime();
            long deadline = idleSince + TimeUnit.SECONDS.toNanos(120);
            while (n[0] < count && System.nanoTime() < deadline) {
                int k = c.forEach((int) Math.min(count - n[0], 1 << 20), Duration.ofMillis(100), p -> n[0]++);
                if (k > 0) idleSince = System.nanoTime();
                else if (n[0] > 0 && System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(1)) break;
            }
            CaptureStats st = c.stats();
            w.write("done " + n[0] + " " + st.dropped() + "\n");
            w.flush();
            System.in.read();  // the benchmark reads this process's CPU time, then closes stdin
        }
    }
}
