package dev.rawsock;

import dev.rawsock.packet.testing.ExternalTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What tests in every package share: finding and running external tools, counting this process's
 * fds, network namespaces of their own and child JVMs started in them.
 */
public final class TestSupport {
    private TestSupport() {}

    // ---------------------------------------------------------------- errors

    /** Fails unless {@code e} carries one of {@code expected}; the message shows what it carries. */
    public static ErrnoException assertErrno(ErrnoException e, Errno... expected) {
        if (!e.is(expected)) {
            throw new AssertionError("expected " + java.util.Arrays.toString(expected) + ", got " + e.getMessage(), e);
        }
        return e;
    }

    // ---------------------------------------------------------------- tools and processes

    /**
     * The absolute path of the executable {@code tool}, or null: PATH first, then the sbin folders
     * where Debian puts ip and tcpdump but a non-root PATH may leave out.
     */
    public static String which(String tool) {
        return ExternalTools.which(tool);
    }

    /** Whether {@link #which} finds {@code tool}. */
    public static boolean onPath(String tool) {
        return which(tool) != null;
    }

    /** An exit status and what the process wrote to stdout and stderr, merged. */
    public record Result(int rc, String out) {}

    /** Runs {@code cmd}, stderr merged into stdout; fails the test if it runs longer than {@code seconds}. */
    public static Result exec(int seconds, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + seconds + " s: " + String.join(" ", cmd) + "\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** {@link #exec} that also fails the test unless the command exits 0; its output. */
    public static String check(int seconds, List<String> cmd) throws IOException, InterruptedException {
        Result r = exec(seconds, cmd);
        assertEquals(0, r.rc(), () -> String.join(" ", cmd) + " failed:\n" + r.out());
        return r.out();
    }

    /** Open file descriptors of this process (entries of /proc/self/fd). */
    public static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ASCII bytes of {@code s}. */
    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code b} read as ASCII. */
    public static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------- network namespaces and child JVMs

    /** Bound on every {@code ip} call. */
    static final int IP_SECONDS = 30;

    /**
     * A new network namespace named {@code prefix} plus pid and a random number ({@code ip netns add});
     * the test is skipped, saying why, where ip is missing or namespaces cannot be made. The caller
     * deletes it with {@link #deleteNetns}.
     */
    public static String addNetns(String prefix) throws IOException, InterruptedException {
        assumeTrue(onPath("ip"), "iproute2's ip is not installed (Debian package iproute2)");
        String ns = prefix + ProcessHandle.current().pid() + "-" + ThreadLocalRandom.current().nextInt(1 << 20);
        Result add = exec(IP_SECONDS, List.of("ip", "netns", "add", ns));
        assumeTrue(add.rc() == 0, "cannot create a network namespace here (needs root / CAP_SYS_ADMIN): " + add.out());
        return ns;
    }

    /** {@code ip netns del}; null is ignored. Deleting a namespace destroys the veth ends in it. */
    public static void deleteNetns(String ns) throws IOException, InterruptedException {
        if (ns != null) exec(IP_SECONDS, List.of("ip", "netns", "del", ns));
    }

    /** Runs {@code ip ARGS}; fails the test unless it succeeds; its output. */
    public static String ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return check(IP_SECONDS, cmd);
    }

    /**
     * The command line of a child JVM running {@code main} with this JVM's class path, inside the
     * network namespace {@code ns} ({@code ip netns exec}).
     */
    public static List<String> javaInNetns(String ns, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Waits, bounded (10 s), until {@code t} sits in a wait: a virtual thread parked, a platform thread
     * parked or inside a rawsock downcall (poll(2), a blocking call), or ended; so the next step acts
     * on a thread that is really blocked, not one that might get there later.
     */
    public static void awaitBlocked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (t.isAlive()) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return;
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().equals("dev.rawsock.internal.Libc")) return;
            }
            if (System.nanoTime() > end) throw new AssertionError("thread never blocked: " + java.util.Arrays.toString(t.getStackTrace()));
            Thread.sleep(2);
        }
    }
}
