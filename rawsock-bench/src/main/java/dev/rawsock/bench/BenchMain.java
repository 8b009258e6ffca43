package dev.rawsock.bench;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every benchmark's columns in one run and writes {@code latest.json} and {@code latest.md}.
 *
 * <p>For each benchmark the C baseline runs right before and right after its JMH runs. Every column
 * is the best ~1 s window: the best JMH measurement iteration, the best 1 s window of the two C
 * runs. The machine is shared (2 cores, several builds at once), and load only ever slows a window
 * down, so the best window is the fairest comparison; means are kept in the JSON ({@code means}).
 * JMH runs with {@code -prof gc}; its {@code gc.alloc.rate.norm} for the rawsock method is
 * {@code rawsock_alloc_bytes_per_op}.
 *
 * <pre>
 * BenchMain --out DIR [--cbin DIR] [--quick | --smoke] [--only NAME,...]
 * </pre>
 * {@code --cbin} holds the C baselines {@code io} and {@code checksum} (built by rawsock-bench/run);
 * without them the C column is null. {@code --smoke} runs each benchmark for about a second in this
 * JVM (forks 0): for the test that checks the output, not for numbers.
 */
public final class BenchMain {
    /**
     * One benchmark: its JMH class, unit, the C baseline's arguments, and ops-to-unit scale. A
     * {@code latency} benchmark reports time per operation: {@code scale / (ops/s)}, so that the best
     * (fastest) window is its lowest value.
     */
    record Bench(String name, String unit, String jmhClass, List<String> cArgs, double scale, boolean latency) {
        Bench(String name, String unit, String jmhClass, List<String> cArgs, double scale) {
            this(name, unit, jmhClass, cArgs, scale, false);
        }
    }

    static final List<Bench> BENCHES = List.of(
            new Bench("socketpair-pingpong", "ops/s", "SocketpairPingpong", List.of("io", "pingpong"), 1),
            new Bench("udp-loopback", "ops/s", "UdpLoopback", List.of("io", "udp"), 1),
            new Bench("udp-batch", "packets/s", "UdpBatch", List.of("io", "udp-batch"), 1),
            new Bench("checksum-1500", "GB/s", "Checksum1500", List.of("checksum"), 1500 / 1e9),
            new Bench("capture-latency", "µs", "CaptureLatency", List.of("none"), 1e6, true),
            // no C baseline: the comparison is RawChannel against Netty's own EpollDatagramChannel
            new Bench("netty-udp-echo", "datagrams/s", "NettyUdpEcho", List.of("none"), 1),
            // no C baseline: libpcap's compiler runs only inside tcpdump's own process here
            new Bench("bpf-compile", "µs", "BpfCompile", List.of("none"), 1e6, true),
            // processes, not JMH (CliStartup): ./rawsock ifaddrs against java -version and ip -br addr
            new Bench("cli-startup", "ms", null, List.of("none"), 1, true));

    /** Run lengths of one mode. */
    record Mode(String name, int forks, int warmups, TimeValue warmup, int iterations, TimeValue iteration,
                double cSeconds) {}

    static final Mode FULL = new Mode("full", 2, 5, TimeValue.seconds(1), 10, TimeValue.seconds(1), 5);
    static final Mode QUICK = new Mode("quick", 1, 5, TimeValue.seconds(1), 5, TimeValue.seconds(1), 3);
    static final Mode SMOKE = new Mode("smoke", 0, 1, TimeValue.milliseconds(150), 1, TimeValue.milliseconds(250), 0.2);

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
            throws IOException, RunnerException, InterruptedException {
        Files.createDirectories(out);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Bench b : BENCHES) {
            if (only != null && !only.contains(b.name())) continue;
            System.err.printf("== %s (%s)%n", b.name(), mode.name());
            if (b.jmhClass() == null) {
                rows.add(CliStartup.row(b, mode == SMOKE ? 2 : CliStartup.RUNS));
                continue;
            }
            boolean io = b.cArgs().get(0).equals("io");
            double[] c1 = runC(cbin, b, mode, false);
            double[] t1 = io ? runC(cbin, b, mode, true) : null;
            Map<String, RunResult> jmh = runJmh(b, mode);
            double[] t2 = io ? runC(cbin, b, mode, true) : null;
            double[] c2 = runC(cbin, b, mode, false);
            Double c = c1 == null || c2 == null ? null : Math.max(c1[1], c2[1]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", b.name());
            row.put("unit", b.unit());
            row.put("c", scaled(c, b));
            row.put("rawsock", score(jmh, "rawsock", b));
            row.put("nio", score(jmh, "nio", b));
            row.put("jna", score(jmh, "jna", b));
            row.put("rawsock_alloc_bytes_per_op", alloc(jmh.get("rawsock")));
            // Other ways to call rawsock (rawsockByteBuffer, rawsockArray, ...): extra keys, for the notes.
            Map<String, Object> variants = new LinkedHashMap<>();
            for (String m : jmh.keySet()) {
                if (!m.startsWith("rawsock") || m.equals("rawsock")) continue;
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("score", score(jmh, m, b));
                v.put("alloc_bytes_per_op", alloc(jmh.get(m)));
                variants.put(m, v);
            }
            if (!variants.isEmpty()) row.put("rawsock_variants", variants);
            if (jmh.containsKey("bareFfm")) {
                // Diagnostic: bare FFM downcalls with errno capture, rawsock's floor.
                row.put("bare_ffm", score(jmh, "bareFfm", b));
                row.put("bare_ffm_alloc_bytes_per_op", alloc(jmh.get("bareFfm")));
            }
            if (t1 != null && t2 != null) {
                // Diagnostic: the same C with an idle second thread, so its fd table is shared as in any JVM.
                row.put("c_multithreaded", scaled(Math.max(t1[1], t2[1]), b));
            }
            if (jmh.containsKey("nettyEpoll")) row.put("netty_epoll", score(jmh, "nettyEpoll", b));
            if (jmh.containsKey("bareFfmCritical")) row.put("bare_ffm_critical", score(jmh, "bareFfmCritical", b));
            // Means over the whole runs, for comparison with the best windows above.
            Map<String, Object> means = new LinkedHashMap<>();
            if (c1 != null) means.put("c", scaled((c1[0] + c2[0]) / 2, b));
            for (String m : jmh.keySet()) means.put(m, scaled(jmh.get(m).getPrimaryResult().getScore(), b));
            row.put("means", means);
            if (c1 != null) row.put("c_best_before_after", List.of(scaled(c1[1], b), scaled(c2[1], b)));
            rows.add(row);
        }
        if (only == null || only.contains("sniff-print")) {
            // Not JMH: two printing processes at one load (see SniffPrint); "c" is tcpdump.
            System.err.printf("== sniff-print (%s)%n", mode.name());
            rows.add(SniffPrint.run(mode));
        }
        String machine = Machine.describe();
        Files.writeString(out.resolve("latest.json"), Report.json(machine, mode.name(), rows), StandardCharsets.UTF_8);
        String markdown = Report.markdown(machine, mode.name(), rows);
        Files.writeString(out.resolve("latest.md"), markdown, StandardCharsets.UTF_8);
        System.err.println(markdown);
        return rows;
    }

    private static Double scaled(double v, Bench b) {
        return b.latency() ? (v > 0 ? b.scale() / v : null) : v * b.scale();
    }

    private static Double scaled(Double v, Bench b) {
        return v == null ? null : scaled(v.doubleValue(), b);
    }

    private static Double score(Map<String, RunResult> jmh, String method, Bench b) {
        RunResult r = jmh.get(method);
        return r == null ? null : scaled(best(r), b);
    }

    /**
     * The best measurement iteration of a run: on a shared machine the least disturbed one, and
     * what the C baselines' best window is compared with.
     */
    static double best(RunResult r) {
        double best = 0;
        for (BenchmarkResult br : r.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) best = Math.max(best, ir.getPrimaryResult().getScore());
        }
        return best;
    }

    /** gc.alloc.rate.norm (bytes per operation) of a run, or null when the gc profiler gave none. */
    static Double alloc(RunResult r) {
        if (r == null) return null;
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) return e.getValue().getScore();
        }
        return null;
    }

    private static Map<String, RunResult> runJmh(Bench b, Mode mode) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(Pattern.quote(BenchMain.class.getPackageName() + "." + b.jmhClass() + ".") + ".*")
                .forks(mode.forks())
                .warmupIterations(mode.warmups())
                .warmupTime(mode.warmup())
                .measurementIterations(mode.iterations())
                .measurementTime(mode.iteration())
                .threads(1)
                .addProfiler("gc")
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED")
                .shouldFailOnError(true)
                .verbosity(mode == SMOKE ? VerboseMode.SILENT : VerboseMode.NORMAL);
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, RunResult> byMethod = new LinkedHashMap<>();
        for (RunResult r : results) {
            String full = r.getParams().getBenchmark();
            byMethod.put(full.substring(full.lastIndexOf('.') + 1), r);
        }
        return byMethod;
    }

    private static final Pattern OPS = Pattern.compile("\"ops_per_s\":\\s*([0-9.eE+-]+)");
    private static final Pattern BEST = Pattern.compile("\"best_window_ops_per_s\":\\s*([0-9.eE+-]+)");

    /**
     * Runs the C baseline for {@code mode.cSeconds()}: its ops/s over the whole run and in its best
     * ~1 s window, or null when there is no binary.
     */
    static double[] runC(Path cbin, Bench b, Mode mode, boolean threaded) throws IOException, InterruptedException {
        if (cbin == null) return null;
        Path exe = cbin.resolve(b.cArgs().get(0));
        if (!Files.isExecutable(exe)) return null;
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(b.cArgs().subList(1, b.cArgs().size()));
        cmd.add(String.format(Locale.ROOT, "%.3f", mode.cSeconds()));
        if (threaded) cmd.add("--threaded");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        Matcher m = OPS.matcher(text), best = BEST.matcher(text);
        if (rc != 0 || !m.find() || !best.find())
            throw new IOException("C baseline " + cmd + " failed (exit " + rc + "): " + text);
        System.err.print("C " + String.join(" ", cmd.subList(1, cmd.size())) + ": " + text);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(best.group(1))};
    }

    /** Today, to the second (for the report header). */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
