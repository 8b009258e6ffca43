package dev.rawsock.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helpers: run the command in-process or as a process, network namespaces, privileges. */
final class Cli {
    private Cli() {}

    record Result(int rc, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines() {
            // The launcher's one-time build notice is not the command's output.
            return err.isEmpty() ? List.of() : Arrays.stream(err.split("\n"))
                    .filter(l -> !l.startsWith("rawsock: building")).toList();
        }

        @Override
        public String toString() {
            return "rc=" + rc + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code Main.run} in this JVM. */
    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            rc = Main.run(o, e, args);
        }
        return new Result(rc, out.toString(), err.toString());
    }

    /** The launcher at the repository root (the tests run in the module's directory). */
    static Path launcher() {
        return Path.of("..", "rawsock").toAbsolutePath().normalize();
    }

    /** {@code ./rawsock args...} as a process; the first use may build the project. */
    static Result launch(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        return exec(cmd, Duration.ofMinutes(5));
    }

    /** Runs a command to its end (killed past the timeout), stdin empty. */
    static Result exec(List<String> cmd, Duration timeout) {
        return exec(cmd, java.util.Map.of(), timeout);
    }

    /** {@link #exec(List, Duration)} with these variables added to (or, with a null value, removed from) the environment. */
    static Result exec(List<String> cmd, java.util.Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("rs-cli-out", ".txt"), err = Files.createTempFile("rs-cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd);
                env.forEach((k, v) -> {
                    if (v == null) pb.environment().remove(k);
                    else pb.environment().put(k, v);
                });
                Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError("timed out after " + timeout + ": " + cmd + "\n" + Files.readString(out) + Files.readString(err));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result sh(String... cmd) {
        return exec(List.of(cmd), Duration.ofSeconds(60));
    }

    static boolean isRoot() {
        return "0".equals(statusField("Uid:"));
    }

    /** CAP_NET_RAW (bit 13) in the effective set. */
    static boolean capNetRaw() {
        String caps = statusField("CapEff:");
        return caps != null && (Long.parseUnsignedLong(caps, 16) & (1L << 13)) != 0;
    }

    private static String statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) return line.substring(name.length()).trim().split("\\s+")[0];
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    static boolean have(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) if (Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    /** Root with iproute2: we can make network namespaces. */
    static boolean canNetns() {
        return isRoot() && have("ip");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The library, the CLI and picocli copied to a fresh directory that every user may read (the test
     * class path may sit under a private home), as a class path string. Delete with {@link #deleteTree}.
     */
    static Path readableClassPath() throws IOException {
        Path dir = Files.createTempDirectory("rs-cli-cp");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!(e.contains("rawsock-packet") || e.contains("rawsock-core") || e.contains("rawsock-cli") || e.contains("picocli"))) continue;
            if (e.contains("test-classes")) continue;
            Path src = Path.of(e);
            Path dst = dir.resolve((n++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (Stream<Path> all = Files.walk(src)) {
                    for (Path s : (Iterable<Path>) all::iterator) {
                        Path d = dst.resolve(src.relativize(s).toString());
                        if (Files.isDirectory(s)) Files.createDirectories(d);
                        else Files.copy(s, d);
                    }
                }
            } else if (Files.isRegularFile(src)) {
                Files.copy(src, dst);
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return dir;
    }

    static String classPathOf(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return String.join(java.io.File.pathSeparator, s.sorted().map(Path::toString).toList());
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    /** A network namespace this test owns, deleted on close. */
    static final class Netns implements AutoCloseable {
        final String name;

        Netns(String tag) {
            name = "rs-cli-" + tag + "-" + ThreadLocalRandom.current().nextInt(100000);
            Result r = sh("ip", "netns", "add", name);
            if (r.rc() != 0) throw new AssertionError("ip netns add " + name + ": " + r);
            must("ip", "link", "set", "lo", "up");
        }

        /** Runs {@code cmd} inside the namespace (must succeed). */
        Result must(String... cmd) {
            Result r = in(cmd);
            if (r.rc() != 0) throw new AssertionError(String.join(" ", cmd) + " in " + name + ": " + r);
            return r;
        }

        Result in(String... cmd) {
            return in(Duration.ofSeconds(60), cmd);
        }

        Result in(Duration timeout, String... cmd) {
            List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
            all.addAll(List.of(cmd));
            return exec(all, timeout);
        }

        @Override
        public void close() {
            sh("ip", "netns", "del", name);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Waits (at most 30 s) until {@code file} exists and holds {@code text}; fails the test if it never does. */
    static void awaitContains(Path file, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) return;
            Thread.sleep(20);
        }
        throw new AssertionError(file + " never said '" + text + "': " + (Files.exists(file) ? Files.size(file) + " bytes" : "(missing)"));
    }
}
