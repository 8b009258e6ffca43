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
 * used per million packets. Both capturers are measured the same way: started, attached and warmed
 * up by unmeasured floods ({@link #WARM_UP_FLOODS}), then the CPU time of all the process's threads
 * ({@link #threadCpu}) from just before the measured flood starts until the capturer has taken all
 * of it in. JVM start-up and compilation stay outside the window, as they do for a capture that
 * runs for long. Rounds alternate which goes first.
 *
 * <p>The sender runs on one CPU and the capturer on another ({@link Placement}), so the two never
 * share one. A veth pair delivers in the sender's context (its receive softirq, the socket filter and
 * the copy into the ring run on the sending CPU), and where the scheduler put the capturer relative
 * to that moved both capturers' CPU time: unpinned, with the warm-up below, five rounds gave rawsock
 * 14-24 ms and tcpdump 22-32 ms per measured flood, and the ratio's rounds crossed 1.0; pinned, 12-16
 * ms and 23-25 ms. A JVM started on one CPU sizes itself for it (the serial collector, fewer compiler
 * threads), as a capture pinned in production would.
 *
 * <p>{@code main("capture", IFACE, COUNT, RING_BYTES)} is the rawsock side, run by the benchmark
 * inside the receiving namespace: it prints {@code ready}, then for each flood captures until COUNT
 * packets or 1 s of silence and prints {@code done CAPTURED DROPS}; a line {@code again} on its
 * stdin starts the next flood, the end of stdin ends it.
 */
public final class CaptureFlood {
    private CaptureFlood() {}

    static final int RING = 4 << 20;
    /**
     * Floods each capturer takes before the measured one, at least: the JVM compiles the capture loop
     * in the first, and compiles it again in the second after the first flood's end took a path the
     * loop had not seen (C2 drops code at such an "unstable if" and starts over). Warm-up goes on, up
     * to {@link #MAX_WARM_UP_FLOODS}, until a flood in which the JIT's compiler threads used under
     * {@link #JIT_SETTLED_NS}: after two alone, some measured floods still had 4-13 ms of compiling in
     * them, against 12-17 ms of capturing, and the ratio's rounds spread from 0.78 to 1.30.
     */
    static final int WARM_UP_FLOODS = 2;
    static final int MAX_WARM_UP_FLOODS = 6;
    static final long JIT_SETTLED_NS = 1_000_000;
    static final String FILTER = "udp and dst port 9";
    /** The sender's addresses on the veth pair (a private /24 that exists only in the two namespaces). */
    static final String SRC = "10.213.77.1", DST = "10.213.77.2";

    /** Packets and rate of one flood per mode: the rate is what tcpdump holds with no drops on the 2-core machine. */
    record Load(int count, int rate) {}

    /**
     * The CPUs the flood sender and the capturer run on (-1 for both: not pinned, when the machine
     * has one CPU or {@code RAWSOCK_BENCH_CPU=none}). The sender takes the benchmarks' CPU
     * ({@link Affinity#cpu}), the capturer the first other one.
     */
    record Placement(int sender, int capturer) {
        static Placement choose() {
            int s = Affinity.resolve(Affinity.cpu());
            int c = s < 0 ? -1 : Affinity.other(s);
            return c < 0 ? new Placement(-1, -1) : new Placement(s, c);
        }
    }

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
        Placement cpus = Placement.choose();
        String tag = Long.toString(ProcessHandle.current().pid());
        String nsS = "rsb-flood-s-" + tag, nsC = "rsb-flood-c-" + tag;
        Map<String, List<Double>> v = new LinkedHashMap<>();
        for (String k : List.of("rawsock", "tcpdump", "rawsock_drops", "tcpdump_drops", "rawsock_cpu_s_per_mpkt",
                "tcpdump_cpu_s_per_mpkt", "sent", "rawsock_warm_up_floods", "tcpdump_warm_up_floods",
                "rawsock_jit_s")) v.put(k, new ArrayList<>());
        try {
            setUp(nsS, nsC);
            for (int r = 0; r < mode.rounds(); r++) {
                for (int i = 0; i < 2; i++) {
                    boolean rawsock = (i + r) % 2 == 0;  // alternate which capture goes first
                    Measured m = round(rawsock, nsS, nsC, cbin, load, cpus);
                    String who = rawsock ? "rawsock" : "tcpdump";
                    v.get(who).add((double) m.captured());
                    v.get(who + "_drops").add((double) m.dropped());
                    v.get(who + "_cpu_s_per_mpkt").add(m.captured() > 0 ? m.cpuSeconds() / m.captured() * 1e6 : Double.NaN);
                    v.get("sent").add(m.sent());
                    v.get(who + "_warm_up_floods").add((double) m.warmUps());
                    if (rawsock) v.get("rawsock_jit_s").add(m.jitSeconds());
                    System.err.printf(Locale.ROOT, "  %s: captured %d of %.0f sent, dropped %d, %.3f CPU s (%.3f s of it compiling) after %d warm-up floods%n",
                            who, m.captured(), m.sent(), m.dropped(), m.cpuSeconds(), m.jitSeconds(), m.warmUps());
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
        Map<String, Object> placed = new LinkedHashMap<>();
        placed.put("sender", cpus.sender() < 0 ? null : (double) cpus.sender());
        placed.put("capturer", cpus.capturer() < 0 ? null : (double) cpus.capturer());
        row.put("cpus", placed);
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

    /**
     * One measured flood as one side captured it: the CPU seconds are all the capturer's threads',
     * {@code jitSeconds} the part of them in the JIT's compiler threads.
     */
    record Measured(long captured, long dropped, double cpuSeconds, double sent, int warmUps, double jitSeconds) {}

    /**
     * One measured flood captured by one side. The capturer is started, attached and handed
     * unmeasured floods of the same size until the JIT has settled ({@link #WARM_UP_FLOODS}: the JVM
     * compiles its capture loop there, as a long-running capture would have long before); the
     * measured window then runs from just before the measured flood starts until the capturer has
     * taken in all of it, and counts every thread of the capturing process.
     */
    private static Measured round(boolean rawsock, String nsS, String nsC, Path cbin, Load load, Placement cpus)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsC));
        if (rawsock) {
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    CaptureFlood.class.getName(), "capture", "fl1", Integer.toString(load.count()), Integer.toString(RING)));
        } else {
            cmd.addAll(List.of("tcpdump", "-i", "fl1", "-w", "/dev/null", "-B", Integer.toString(RING / 1024), "-n", FILTER));
        }
        Process p = start(cpus.capturer(), new ProcessBuilder(cmd).redirectErrorStream(true));
        // a bound on the whole round: killing the capture ends any read below with end of stream
        long bound = 90 + 4L * load.count() / load.rate();
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
            Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            long[] warm = {0, 0};
            int warmUps = 0;
            Map<String, Long> before = threadCpu(p.pid());
            while (true) {
                if (rawsock && warmUps > 0) again(in);
                double warmSent = flood(nsS, cbin, load, cpus);
                warm = rawsock ? rawsockDone(out) : tcpdumpSettled(p, out, warm[0] + warm[1] + (long) warmSent);
                warmUps++;
                Map<String, Long> after = threadCpu(p.pid());
                long jit = jitNanos(before, after);
                before = after;
                if (warmUps >= MAX_WARM_UP_FLOODS || (warmUps >= WARM_UP_FLOODS && jit < JIT_SETTLED_NS)) break;
            }
            Map<String, Long> t0 = before;  // read just after the last warm-up flood
            if (rawsock) again(in);
            double sent = flood(nsS, cbin, load, cpus);
            long[] end = rawsock ? rawsockDone(out) : tcpdumpSettled(p, out, warm[0] + warm[1] + (long) sent);
            Map<String, Long> t1 = threadCpu(p.pid());
            long captured = rawsock ? end[0] : end[0] - warm[0];
            long dropped = rawsock ? end[1] : end[1] - warm[1];
            if (rawsock) {
                p.getOutputStream().close();
            } else {
                p.toHandle().destroy();  // SIGTERM (Process.destroy would close our end of its output)
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) throw new IOException("capture did not exit: " + cmd);
            return new Measured(captured, dropped, nanosBetween(t0, t1) / 1e9, sent, warmUps, jitNanos(t0, t1) / 1e9);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Tells the rawsock capturer to count another flood. */
    private static void again(Writer in) throws IOException {
        in.write("again\n");
        in.flush();
    }

    /** The rawsock capturer's report of one flood, {@code done CAPTURED DROPS}: it stops at COUNT or after 1 s of silence. */
    private static long[] rawsockDone(BufferedReader out) throws IOException {
        String done = out.readLine();
        Matcher m = done == null ? null : Pattern.compile("done (\\d+) (\\d+)").matcher(done);
        if (m == null || !m.find()) throw new IOException("rawsock capture said " + done);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /**
     * tcpdump's running totals {captured, dropped by the kernel} once it has taken in {@code expected}
     * packets (captured or dropped), or when its totals have not moved for 1.5 s (its ring hands over
     * the last, partly filled block after its 1 s timeout). SIGUSR1 makes tcpdump print its
     * statistics and go on; bounded to 60 s.
     */
    private static long[] tcpdumpSettled(Process p, BufferedReader out, long expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long[] last = null;
        long stillSince = System.nanoTime();
        while (true) {
            long[] now = tcpdumpStats(p, out);
            if (now[0] + now[1] >= expected) return now;
            if (last == null || now[0] != last[0] || now[1] != last[1]) stillSince = System.nanoTime();
            else if (System.nanoTime() - stillSince > TimeUnit.MILLISECONDS.toNanos(1500)) return now;
            if (System.nanoTime() > deadline) throw new IOException("tcpdump did not settle: " + now[0] + " captured");
            last = now;
            Thread.sleep(100);
        }
    }

    private static final Pattern CAPTURED = Pattern.compile("(\\d+) packets? captured");
    private static final Pattern KERNEL_DROPS = Pattern.compile("(\\d+) packets? dropped by kernel");

    /** tcpdump's statistics so far, {captured, dropped by the kernel}: SIGUSR1, then the lines it prints. */
    private static long[] tcpdumpStats(Process p, BufferedReader out) throws IOException, InterruptedException {
        if (exec(List.of("kill", "-USR1", Long.toString(p.pid()))) != 0) throw new IOException("kill -USR1 tcpdump failed");
        long captured = -1;
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            // one line on SIGUSR1 ("N packets captured, N packets received by filter, N packets dropped
            // by kernel"), three at exit
            Matcher c = CAPTURED.matcher(line), d = KERNEL_DROPS.matcher(line);
            if (c.find()) captured = Long.parseLong(c.group(1));
            if (d.find() && captured >= 0) return new long[] {captured, Long.parseLong(d.group(1))};
        }
        throw new IOException("tcpdump ended without its statistics: " + seen);
    }

    /** Runs the C sender inside the sending namespace; how many it sent. */
    private static double flood(String nsS, Path cbin, Load load, Placement cpus) throws IOException, InterruptedException {
        double maxSeconds = 10 + 2.0 * load.count() / load.rate();
        List<String> cmd = List.of("ip", "netns", "exec", nsS, cbin.resolve("io").toString(), "flood",
                String.format(Locale.ROOT, "%.1f", maxSeconds), Integer.toString(load.count()), Integer.toString(load.rate()), DST);
        Process p = start(cpus.sender(), new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT));
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor((long) maxSeconds + 10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("the flood sender did not finish: " + cmd);
        }
        Matcher m = Pattern.compile("\"sent\": (\\d+)").matcher(text);
        if (p.exitValue() != 0 || !m.find()) throw new IOException("flood sender failed (exit " + p.exitValue() + "): " + text);
        return Double.parseDouble(m.group(1));
    }

    /** Starts a process on {@code cpu} (-1: anywhere): it inherits the mask of the thread that starts it. */
    private static Process start(int cpu, ProcessBuilder pb) throws IOException {
        try {
            return Affinity.on(cpu, pb::start);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** CPU time of a whole process so far, all its threads ({@link #threadCpu}), in seconds. */
    static double cpuSeconds(long pid) throws IOException {
        return nanosBetween(Map.of(), threadCpu(pid)) / 1e9;
    }

    /**
     * CPU time of each thread of a process so far, in nanoseconds, by {@code "TID name"}: each
     * thread's {@code sum_exec_runtime} (the first field of {@code /proc/PID/task/TID/schedstat}).
     * utime + stime in {@code /proc/PID/stat} count in 10 ms ticks, as coarse as tcpdump's whole
     * share of a quick flood. A thread that ends inside a window takes its time with it; the
     * capturers here keep theirs (tcpdump has one, the JVM's compiler and GC threads stay).
     */
    static Map<String, Long> threadCpu(long pid) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(t.resolve("schedstat"));
                    String name = Files.readString(t.resolve("comm")).strip();
                    m.put(t.getFileName() + " " + name, Long.parseLong(s.substring(0, s.indexOf(' '))));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return m;
    }

    /** CPU nanoseconds all threads used between two {@link #threadCpu} readings (a thread new since the first counts whole). */
    static long nanosBetween(Map<String, Long> before, Map<String, Long> after) {
        long ns = 0;
        for (var e : after.entrySet()) ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        return ns;
    }

    /** The part of {@link #nanosBetween} spent in the JIT's compiler threads (HotSpot names them "C1 CompilerThre…", "C2 CompilerThre…"). */
    static long jitNanos(Map<String, Long> before, Map<String, Long> after) {
        long ns = 0;
        for (var e : after.entrySet())
            if (e.getKey().contains(" CompilerThre")) ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        return ns;
    }

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
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            w.write("ready\n");
            w.flush();
            long dropsBefore = 0;
            do {
                // counting and discarding: the handler only counts; ends at COUNT or after 1 s without a packet
                n[0] = 0;
                long idleSince = System.nanoTime();
                long deadline = idleSince + TimeUnit.SECONDS.toNanos(120);
                while (n[0] < count && System.nanoTime() < deadline) {
                    int k = c.forEach((int) Math.min(count - n[0], 1 << 20), Duration.ofMillis(100), p -> n[0]++);
                    if (k > 0) idleSince = System.nanoTime();
                    else if (n[0] > 0 && System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(1)) break;
                }
                long drops = c.stats().dropped();
                w.write("done " + n[0] + " " + (drops - dropsBefore) + "\n");
                w.flush();
                dropsBefore = drops;
            } while ("again".equals(in.readLine()));  // the benchmark reads this process's CPU time in between
        }
    }
}
