package dev.rawsock.netty;

import dev.rawsock.Domain;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Netty tests share: leak counting at PARANOID, privilege probe, a private network namespace, bounded waits. */
final class NettyTestSupport {
    private NettyTestSupport() {}

    static final String NEEDS_ROOT = "needs CAP_NET_RAW and CAP_NET_ADMIN (run as root, as CI does)";

    /** Leaks Netty's detector reported in this JVM. Installed before any buffer class is loaded. */
    static final AtomicInteger LEAKS = new AtomicInteger();
    static final List<String> LEAK_REPORTS = java.util.Collections.synchronizedList(new ArrayList<>());

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String type, String records) {
                        LEAKS.incrementAndGet();
                        LEAK_REPORTS.add(type + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        LEAKS.incrementAndGet();
                        LEAK_REPORTS.add(type);
                    }
                };
            }
        });
    }

    /** Makes sure the leak counter is installed (call first in a test class). */
    static void init() {
        assertTrue(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID);
    }

    /** Whether this process may open raw and packet sockets. */
    static boolean privileged() {
        try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW, Protocol.ethernet(0))) {
            return s.isOpen();
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until {@code condition} holds, at most {@code seconds}; fails with {@code what} otherwise. */
    static void await(int seconds, BooleanSupplier condition, String what) throws InterruptedException {
        await(seconds, condition, () -> what);
    }

    /** {@link #await(int, BooleanSupplier, String)} with the message made when it fails (so it shows the state then). */
    static void await(int seconds, BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + seconds + " s: " + what.get());
            Thread.sleep(5);
        }
    }

    /** Open file descriptors of this process. */
    static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    // ---------------------------------------------------------------- a private network namespace per thread

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle UNSHARE = LINKER.downcallHandle(LINKER.defaultLookup().find("unshare").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETTID = LINKER.downcallHandle(LINKER.defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));
    private static final int CLONE_NEWNET = 0x40000000;

    private static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Runs {@code ip ARGS} in the calling thread's network namespace; fails unless it succeeds. */
    static String ip(String... args) throws Exception {
        return tool("ip", args);
    }

    /** Runs {@code tc ARGS} in the calling thread's network namespace; fails unless it succeeds. */
    static String tc(String... args) throws Exception {
        return tool("tc", args);
    }

    private static String tool(String name, String... args) throws Exception {
        int tid = gettid();
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/proc/" + ProcessHandle.current().pid() + "/task/" + tid + "/ns/net"));
        cmd.add(Files.isExecutable(Path.of("/usr/sbin/" + name)) ? "/usr/sbin/" + name : name);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    /** Sets a sysctl of the calling thread's network namespace (through nsenter, so never the host's). */
    static void netnsSysctl(String path, String value) throws Exception {
        int tid = gettid();
        Process p = new ProcessBuilder("nsenter", "--net=/proc/" + ProcessHandle.current().pid() + "/task/" + tid + "/ns/net",
                "sh", "-c", "echo '" + value + "' > /proc/sys/" + path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("sysctl " + path + " failed: " + out);
    }

    /**
     * Runs {@code body} on a fresh platform thread moved into a new, empty network namespace with lo up and a
     * veth pair {@code va}/{@code vb}, both up (MTU 1500). Sockets opened there stay
     * in that namespace, wherever the event loop that serves them runs; the namespace goes away with
     * the thread and the last socket.
     */
    static <T> T inVethNetns(Callable<T> body) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netty-test-netns").start(() -> {
            try {
                if ((int) UNSHARE.invokeExact(CLONE_NEWNET) != 0) throw new IllegalStateException("unshare(CLONE_NEWNET) failed");
                ip("link", "add", "va", "type", "veth", "peer", "name", "vb");
                ip("link", "set", "lo", "up");
                ip("link", "set", "va", "up");
                ip("link", "set", "vb", "up");
                out.set(body.call());
            } catch (Throwable e) {
                err.set(e);
            }
        });
        t.join(110_000);
        if (t.isAlive()) throw new AssertionError("namespace thread did not finish in 110 s");
        Throwable e = err.get();
        if (e instanceof Exception ex) throw ex;
        if (e instanceof Error er) throw er;
        if (e != null) throw new RuntimeException(e);
        return out.get();
    }
}
