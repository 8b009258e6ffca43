package dev.rawsock.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * cli-startup: how long {@code rawsock ifaddrs} takes from exec to exit, against {@code java -version}
 * on the same JDK (the floor of any Java command) and {@code ip -br addr} (what a C tool takes).
 * Not JMH: each sample is one process, wall time. The three commands run in interleaved rounds, so a
 * burst of load on the shared machine hits all of them alike; each column is the median of its runs.
 * {@code rawsock} is the repository's {@code ./rawsock} (its freshness check included);
 * {@code rawsock_dist} the distribution's {@code bin/rawsock} it runs, alone.
 */
final class CliStartup {
    private CliStartup() {}

    static final int RUNS = 10;

    /** The row for latest.json: medians in ms; {@code runs} rounds (a smoke run takes 2). */
    static Map<String, Object> row(BenchMain.Bench b, int runs) throws IOException, InterruptedException {
        Path root = repositoryRoot();
        String javaHome = System.getProperty("java.home");
        List<String> jvm = List.of(Path.of(javaHome, "bin", "java").toString(), "-version");
        List<String> launcher = List.of(root.resolve("rawsock").toString(), "ifaddrs");
        List<String> dist = List.of(root.resolve("rawsock-cli/target/dist/bin/rawsock").toString(), "ifaddrs");
        String ipPath = ip();
        List<String> ip = ipPath == null ? null : List.of(ipPath, "-br", "addr");
        // Untimed first calls: ./rawsock builds here when the sources changed, page cache warms.
        time(launcher, javaHome, TimeUnit.MINUTES.toMillis(10));
        time(jvm, javaHome, 60_000);
        double[] tj = new double[runs], tr = new double[runs], td = new double[runs], ti = new double[runs];
        for (int i = 0; i < runs; i++) {
            tj[i] = time(jvm, javaHome, 60_000);
            tr[i] = time(launcher, javaHome, 60_000);
            td[i] = time(dist, javaHome, 60_000);
            ti[i] = ip == null ? Double.NaN : time(ip, javaHome, 60_000);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", b.name());
        row.put("unit", b.unit());
        row.put("c", null);
        row.put("rawsock", median(tr));
        row.put("nio", null);
        row.put("jna", null);
        row.put("rawsock_alloc_bytes_per_op", null);
        row.put("rawsock_dist", median(td));
        row.put("jvm", median(tj));
        row.put("ip", ip == null ? null : median(ti));
        row.put("runs", runs);
        row.put("aot_cache", Files.isRegularFile(root.resolve("rawsock-cli/target/dist/lib/rawsock.aot")));
        return row;
    }

    /** Wall milliseconds of one run, output discarded; a failing command fails the benchmark. */
    private static double time(List<String> cmd, String javaHome, long timeoutMillis) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("JAVA_HOME", javaHome);  // the rawsock command on this very JDK
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException(cmd + " still running after " + timeoutMillis + " ms");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitValue() != 0) throw new IOException(cmd + " exited " + p.exitValue());
        return ms;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The directory holding the ./rawsock launcher: the working directory or one above (a module's tests). */
    private static Path repositoryRoot() throws IOException {
        List<Path> tried = new ArrayList<>();
        for (Path d = Path.of("").toAbsolutePath(); d != null && tried.size() < 3; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("rawsock")) && Files.isDirectory(d.resolve("rawsock-cli"))) return d;
            tried.add(d);
        }
        throw new IOException("no ./rawsock launcher in " + tried);
    }

    private static String ip() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "ip"))) return dir + "/ip";
        }
        return null;
    }
}
