package dev.rawsock.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every benchmark's columns in paired, interleaved rounds and writes {@code latest.json} and
 * {@code latest.md}.
 *
 * <p>A round measures every column of a benchmark once, one after the other: each C baseline (its own
 * process for a fixed time) and each JMH method (its own fork, warmed up, then measured), the order
 * rotated by one column per round. Within a round a JMH column counts its fork's best measurement
 * iteration and a C column its best window of the same length ({@link #best}); benchmarks whose work
 * is one thread run every column's measured thread on one CPU ({@link Affinity}). A column's value is the median of
 * its rounds. A ratio is
 * computed per round from the two columns measured within seconds of each other in that round, and
 * reported as the median over rounds with its spread (min, max): load from other processes on a
 * shared machine then shows up as spread instead of silently moving one column.
 * JMH runs with {@code -prof gc}; its {@code gc.alloc.rate.norm} for the rawsock method is
 * {@code rawsock_alloc_bytes_per_op}: per fork the least over its measurement iterations, the
 * median of that over rounds. The least, because a quick fork's first iterations can still run
 * code C2 has not compiled yet: there the JDK's downcalls allocate their errno-capture slice per
 * call (JFR showed those samples only in a fork's first 1-2 s), while an allocation the library
 * made per call would show in every iteration.
 *
 * <pre>
 * BenchMain --out DIR [--cbin DIR] [--quick | --smoke] [--only NAME,...]
 * </pre>
 * {@code --cbin} holds the C baselines {@code io}, {@code checksum} and {@code checksum-native}
 * (built by rawsock-bench/run); without them the C columns are null. {@code --smoke} runs each
 * benchmark for about a second in this JVM (forks 0, one round): for the test that checks the
 * output, not for numbers.
 */
public final class BenchMain {
    /**
     * One benchmark: its JMH class (methods are its columns), unit, the C baselines (column name to
     * the binary and its arguments; the run time is appended), JMH parameters, and the ops-to-unit
     * scale. A {@code latency} benchmark reports time per operation: {@code scale / (ops/s)}.
     */
    record Bench(String name, String unit, String jmhClass, Map<String, List<String>> c, Map<String, String> params,
                 double scale, boolean latency) {
        Bench(String name, String unit, String jmhClass, Map<String, List<String>> c, double scale) {
            this(name, unit, jmhClass, c, Map.of(), scale, false);
        }

        /** Whether a higher value is better (throughput), as opposed to a latency. */
        boolean higherIsBetter() {
            return !latency;
        }
    }

    private static Map<String, List<String>> io(String mode) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("c", List.of("io", mode));
        // The same C with an idle second thread, so its fd table is shared as in any JVM.
        m.put("c_multithreaded", List.of("io", mode, "--threaded"));
        return m;
    }

    private static Bench checksum(int size) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("c", List.of("checksum", Integer.toString(size)));
        m.put("c_native", List.of("checksum-native", Integer.toString(size)));
        return new Bench("checksum-" + size, "GB/s", "Checksum", m, Map.of("size", Integer.toString(size)), size / 1e9, false);
    }

    static final List<Bench> BENCHES = List.of(
            new Bench("socketpair-pingpong", "ops/s", "SocketpairPingpong", io("pingpong"), 1),
            new Bench("udp-loopback", "ops/s", "UdpLoopback", io("udp"), 1),
            new Bench("udp-batch", "packets/s", "UdpBatch", io("udp-batch"), 1),
            new Bench("udp-gso", "packets/s", "UdpGso", udpGso(), 1),
            checksum(64),
            checksum(1500),
            checksum(65536),
            new Bench("capture-latency", "µs", "CaptureLatency", Map.of(), Map.of(), 1e6, true),
            // no C baseline: the comparison is RawChannel against Netty's own EpollDatagramChannel
            new Bench("netty-udp-echo", "datagrams/s", "NettyUdpEcho", Map.of(), 1),
            // no C baseline: libpcap's compiler runs only inside tcpdump's own process here
            new Bench("bpf-compile", "µs", "BpfCompile", Map.of(), Map.of(), 1e6, true),
            // not JMH: a C sender floods a veth pair, rawsock and tcpdump capture in turn (CaptureFlood)
            new Bench("capture-flood", "packets", null, Map.of(), 1),
            // processes, not JMH (CliStartup): ./rawsock ifaddrs against java -version and ip -br addr
            new Bench("cli-startup", "ms", null, Map.of(), Map.of(), 1, true));

    /**
     * Whether a benchmark's measured threads run pinned to one CPU ({@link Affinity}): those whose
     * work is one thread, the C baselines' loops and the JMH methods alike, which say so by their
     * states extending {@link PinnedThread}; the others need both CPUs (a sender and a capturer, an
     * event loop and its client) and run as the scheduler places them.
     */
    static boolean pinned(Bench b) {
        return b.jmhClass() != null && Arrays.stream(jmhClass(b).getClasses()).anyMatch(PinnedThread.class::isAssignableFrom);
    }

    private static Map<String, List<String>> udpGso() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("c", List.of("io", "udp-gso"));
        m.put("c_sendmmsg", List.of("io", "udp-gso-sendmmsg"));
        return m;
    }

    /** Run lengths of one mode: rounds, and per round one fork of each JMH method and one run of each C baseline. */
    record Mode(String name, int rounds, int forks, int warmups, TimeValue warmup, int iterations, TimeValue iteration,
                double cSeconds) {}

    static final Mode FULL = new Mode("full", 7, 1, 3, TimeValue.seconds(1), 5, TimeValue.seconds(1), 5);
    /**
     * Under 10 minutes on 2 cores: about 135 JMH forks (27 columns in 5 rounds) and 70 C runs. A fork
     * took about 4 s on a loaded machine, of which JVM start and JMH set-up are half, so each fork
     * warms up for 0.8 s (the FFM paths are compiled within milliseconds at these call rates) and
     * measures four 0.2 s iterations; a C run takes 0.8 s in four 0.2 s windows.
     */
    static final Mode QUICK = new Mode("quick", 5, 1, 2, TimeValue.milliseconds(400), 4, TimeValue.milliseconds(200), 0.8);
    static final Mode SMOKE = new Mode("smoke", 1, 0, 1, TimeValue.milliseconds(150), 1, TimeValue.milliseconds(250), 0.2);

    /** A ratio whose spread over rounds, (max - min) / median, is wider than this is not quoted. */
    static final double UNRELIABLE_SPREAD = 0.10;

    public static void main(String[] args) throws Exception {
        Path out = null, cbin = null;
        Mode mode = FULL;
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--cbin" -> cbin = Path.of(args[++i]);
                case "--quick" -> mode = QUICK;
                case "--smoke" -> mode = SMOKE;
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: BenchMain --out DIR [--cbin DIR] [--quick|--smoke] [--only NAME,...]");
            }
        }
        if (out == null) throw new IllegalArgumentException("--out DIR is required");
        run(out, cbin, mode, only);
    }

    /** Runs the benchmarks (all, or those named in {@code only}) and writes both result files into {@code out}. */
    public static List<Map<String, Object>> run(Path out, Path cbin, Mode mode, List<String> only)
            throws Exception {
        Files.createDirectories(out);
        List<Map<String, Object>> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (Bench b : BENCHES) {
            if (only != null && !only.contains(b.name())) continue;
            System.err.printf("== %s (%s, %d rounds)%n", b.name(), mode.name(), mode.rounds());
            long t0 = System.nanoTime();
            if (b.name().equals("cli-startup")) {
                rows.add(CliStartup.row(b, mode == SMOKE ? 2 : CliStartup.RUNS));
            } else {
                int cpu = pinned(b) ? Affinity.resolve(Affinity.cpu()) : -1;
                Map<String, Object> r = b.jmhClass() == null ? CaptureFlood.row(b, cbin, mode) : row(b, rounds(b, cbin, mode, cpu));
                if (cpu >= 0) r.put("pinned_cpu", cpu);
                rows.add(r);
            }
            took(b.name(), t0, start);
        }
        if (only == null || only.contains("sniff-print")) {
            // Not JMH: two printing processes at one load (see SniffPrint); "c" is tcpdump.
            System.err.printf("== sniff-print (%s, %d rounds)%n", mode.name(), mode.rounds());
            long t0 = System.nanoTime();
            rows.add(SniffPrint.run(mode));
            took("sniff-print", t0, start);
        }
        String machine = Machine.describe();
        Files.writeString(out.resolve("latest.json"), Report.json(machine, mode.name(), rows), StandardCharsets.UTF_8);
        String markdown = Report.markdown(machine, mode.name(), rows);
        Files.writeString(out.resolve("latest.md"), markdown, StandardCharsets.UTF_8);
        System.err.println(markdown);
        return rows;
    }

    /** Progress: how long an entry took and the run so far (the quick run's budget is 10 minutes on 2 cores). */
    private static void took(String name, long t0, long start) {
        long now = System.nanoTime();
        System.err.printf(Locale.ROOT, "== %s took %.0f s (%.1f min so far)%n", name, (now - t0) / 1e9, (now - start) / 60e9);
    }

    /** Per column, its value in each round (in the benchmark's unit), and per JMH column its allocation per op. */
    record Rounds(Map<String, List<Double>> values, Map<String, List<Double>> alloc) {}

    /** One measurable column: a C baseline or a JMH method. */
    private record Column(String key, List<String> cArgs, String method) {}

    /** The rounds of one benchmark; {@code cpu} >= 0: its measured threads pinned there ({@link Affinity}). */
    static Rounds rounds(Bench b, Path cbin, Mode mode, int cpu) throws Exception {
        List<Column> cols = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : b.c().entrySet()) {
            if (cbin != null && Files.isExecutable(cbin.resolve(e.getValue().get(0)))) cols.add(new Column(e.getKey(), e.getValue(), null));
        }
        for (String m : methods(b)) cols.add(new Column(key(m), null, m));
        Map<String, List<Double>> values = new LinkedHashMap<>(), alloc = new LinkedHashMap<>();
        for (Column c : cols) values.put(c.key(), new ArrayList<>());
        for (int r = 0; r < mode.rounds(); r++) {
            for (int i = 0; i < cols.size(); i++) {
                Column c = cols.get((i + r) % cols.size());  // rotated: no column always runs first or last
                if (c.method() == null) {
                    values.get(c.key()).add(scaled(Affinity.on(cpu, () -> runC(cbin, c.cArgs(), mode)), b));
                } else {
                    RunResult res = runJmh(b, c.method(), mode, cpu);
                    values.get(c.key()).add(scaled(best(res), b));
                    Double a = alloc(res);
                    if (a != null) alloc.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(a);
                }
            }
        }
        return new Rounds(values, alloc);
    }

    /** The benchmark methods of a JMH class, by name. */
    static List<String> methods(Bench b) {
        return Arrays.stream(jmhClass(b).getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                .map(Method::getName).sorted(Comparator.naturalOrder()).toList();
    }

    /** A benchmark's JMH class. */
    private static Class<?> jmhClass(Bench b) {
        try {
            return Class.forName(BenchMain.class.getPackageName() + "." + b.jmhClass());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no benchmark class " + b.jmhClass(), e);
        }
    }

    /** The JSON key of a method's column: rawsock variants keep their method name; bareFfm becomes bare_ffm. */
    static String key(String method) {
        if (method.startsWith("rawsock")) return method;
        return method.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** The JSON row of a benchmark from its rounds: medians, allocation, variants, per-round values and paired ratios. */
    static Map<String, Object> row(Bench b, Rounds rs) {
        Map<String, List<Double>> v = rs.values();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", b.name());
        row.put("unit", b.unit());
        for (String col : List.of("c", "rawsock", "nio", "jna")) row.put(col, median(v.get(col)));
        row.put("rawsock_alloc_bytes_per_op", median(rs.alloc().get("rawsock")));
        // Other ways to call rawsock (rawsockByteBuffer, rawsockArray, ...): extra keys, for the notes.
        Map<String, Object> variants = new LinkedHashMap<>();
        for (String k : v.keySet()) {
            if (!k.startsWith("rawsock") || k.equals("rawsock")) continue;
            Map<String, Object> var = new LinkedHashMap<>();
            var.put("score", median(v.get(k)));
            var.put("alloc_bytes_per_op", median(rs.alloc().get(k)));
            variants.put(k, var);
        }
        if (!variants.isEmpty()) row.put("rawsock_variants", variants);
        for (String k : v.keySet()) {
            if (row.containsKey(k) || k.startsWith("rawsock")) continue;
            row.put(k, median(v.get(k)));  // diagnostics: bare_ffm, c_multithreaded, c_native, netty_epoll, ...
            if (rs.alloc().containsKey(k)) row.put(k + "_alloc_bytes_per_op", median(rs.alloc().get(k)));
        }
        Map<String, Object> means = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : v.entrySet()) means.put(e.getKey(), mean(e.getValue()));
        row.put("means", means);
        row.put("rounds", new LinkedHashMap<>(v));
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String col : List.of("c", "nio", "jna", "bare_ffm", "bare_ffm_critical", "c_multithreaded", "netty_epoll", "c_native")) {
            paired(ratios, "rawsock_over_" + col, v.get("rawsock"), v.get(col), b);
        }
        if (b.name().equals("udp-gso")) {
            paired(ratios, "gso_over_sendmmsg", v.get("c"), v.get("c_sendmmsg"), b);
            paired(ratios, "rawsock_gso_over_sendmmsg", v.get("rawsock"), v.get("rawsockSendmmsg"), b);
        }
        // Each way of calling rawsock against the best of them in the same round.
        List<String> ways = v.keySet().stream().filter(k -> k.startsWith("rawsock") && !k.equals("rawsockBlock")
                && !k.equals("rawsockSendmmsg")).toList();
        if (ways.size() > 1) {
            int n = v.get(ways.get(0)).size();
            List<Double> best = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                double top = Double.NaN;
                for (String w : ways) {
                    double x = v.get(w).get(r);
                    if (Double.isNaN(top) || (b.higherIsBetter() ? x > top : x < top)) top = x;
                }
                best.add(top);
            }
            for (String w : ways) paired(ratios, w + "_over_best", v.get(w), best, b);
        }
        row.put("ratios", ratios);
        List<String> unreliable = new ArrayList<>();
        for (Map.Entry<String, Object> e : ratios.entrySet()) {
            if (e.getKey().endsWith("_min") || e.getKey().endsWith("_max")) continue;
            if (!reliable(ratios, e.getKey())) unreliable.add(e.getKey());
        }
        row.put("unreliable_ratios", unreliable);
        return row;
    }

    /**
     * Puts the median over rounds of {@code a[r] / b[r]} (for a latency {@code b[r] / a[r]}, so that
     * above 1 still means rawsock is better) under {@code name}, and its min and max beside it.
     */
    static void paired(Map<String, Object> ratios, String name, List<Double> a, List<Double> b, Bench bench) {
        if (a == null || b == null || a.isEmpty() || a.size() != b.size()) return;
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i), y = b.get(i);
            if (x > 0 && y > 0) r.add(bench.higherIsBetter() ? x / y : y / x);
        }
        if (r.isEmpty()) return;
        ratios.put(name, median(r));
        ratios.put(name + "_min", r.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        ratios.put(name + "_max", r.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** Whether a ratio's spread over rounds, (max - min) / median, is within {@link #UNRELIABLE_SPREAD}. */
    static boolean reliable(Map<String, Object> ratios, String name) {
        if (!(ratios.get(name) instanceof Double m) || !(ratios.get(name + "_min") instanceof Double lo)
                || !(ratios.get(name + "_max") instanceof Double hi)) return true;
        return (hi - lo) / m <= UNRELIABLE_SPREAD;
    }

    static Double median(List<Double> xs) {
        if (xs == null || xs.isEmpty()) return null;
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static Double mean(List<Double> xs) {
        if (xs == null || xs.isEmpty()) return null;
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static double scaled(double v, Bench b) {
        return b.latency() ? (v > 0 ? b.scale() / v : Double.NaN) : v * b.scale();
    }

    /**
     * gc.alloc.rate.norm (bytes per operation) of a run: the least over its measurement iterations
     * (see the class comment), or the run's own figure where iterations give none; null when the gc
     * profiler gave none.
     */
    static Double alloc(RunResult r) {
        if (r == null) return null;
        Double least = null;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                for (Map.Entry<String, Result> e : i.getSecondaryResults().entrySet()) {
                    if (e.getKey().endsWith("gc.alloc.rate.norm"))
                        least = least == null ? e.getValue().getScore() : Math.min(least, e.getValue().getScore());
                }
            }
        }
        if (least != null) return least;
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) return e.getValue().getScore();
        }
        return null;
    }

    /**
     * A fork's value: its best measurement iteration (ops/s; for a latency benchmark that is its
     * shortest time). Work on the other CPU and the host only ever slow a window down, and in
     * bursts: one disturbed 0.2 s iteration moved a fork's mean by up to 40% on this machine, and so
     * a round's ratio. The best of four is the least disturbed, as a C baseline's best window is
     * ({@link #runC}); both look at windows of the same length.
     */
    static double best(RunResult r) {
        double top = Double.NaN;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                double x = i.getPrimaryResult().getScore();
                if (Double.isNaN(top) || x > top) top = x;
            }
        }
        return Double.isNaN(top) ? r.getPrimaryResult().getScore() : top;
    }

    private static RunResult runJmh(Bench b, String method, Mode mode, int cpu) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(BenchMain.class.getPackageName() + "." + b.jmhClass() + "." + method) + "$")
                .forks(mode.forks())
                .warmupIterations(mode.warmups())
                .warmupTime(mode.warmup())
                .measurementIterations(mode.iterations())
                .measurementTime(mode.iteration())
                .threads(1)
                .addProfiler("gc")
                .jvmArgsAppend(cpu < 0 ? new String[] {"--enable-native-access=ALL-UNNAMED"}
                        : new String[] {"--enable-native-access=ALL-UNNAMED", "-D" + Affinity.PROPERTY + "=" + cpu})
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);  // one line per fork instead (below)
        for (Map.Entry<String, String> p : b.params().entrySet()) o.param(p.getKey(), p.getValue());
        Collection<RunResult> results = new Runner(o.build()).run();
        if (results.size() != 1) throw new IllegalStateException(b.jmhClass() + "." + method + ": " + results.size() + " results");
        RunResult r = results.iterator().next();
        System.err.printf(Locale.ROOT, "  %s.%s: %.1f%n", b.jmhClass(), method, r.getPrimaryResult().getScore());
        return r;
    }

    private static final Pattern OPS = Pattern.compile("\"best_window_ops_per_s\":\\s*([0-9.eE+-]+)");

    /**
     * Runs a C baseline for {@code mode.cSeconds()}: its ops/s in its best window, windows as long as
     * a JMH measurement iteration (see {@link #best}).
     */
    static double runC(Path cbin, List<String> args, Mode mode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(cbin.resolve(args.get(0)).toString());
        cmd.add(args.get(1));
        cmd.add(String.format(Locale.ROOT, "%.3f", mode.cSeconds()));
        cmd.addAll(args.subList(2, args.size()));
        cmd.add("--window");
        cmd.add(String.format(Locale.ROOT, "%.3f", mode.iteration().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        Matcher m = OPS.matcher(text);
        if (rc != 0 || !m.find()) throw new IOException("C baseline " + cmd + " failed (exit " + rc + "): " + text);
        System.err.print("  C " + String.join(" ", cmd.subList(1, cmd.size())) + ": " + text);
        return Double.parseDouble(m.group(1));
    }

    /** Today, to the second (for the report header). */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
