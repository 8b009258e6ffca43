package dev.rawsock.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pins a benchmark's measured threads to one CPU: each C baseline process (started from a thread
 * pinned for the moment, whose mask it inherits) and, in each JMH fork, the thread that runs the
 * benchmark method ({@link PinnedThread}, told the CPU by the {@code rawsock.bench.cpu} property). The
 * fork's other threads (compiler, GC) stay free, so the JVM sizes itself for the whole machine and
 * compiles on the other CPU, as it would unpinned. Why: on this project's 2-vCPU machines the two
 * CPUs ran the same C loop at rates 30% apart (the block device's interrupts go to one of them), and a
 * thread the scheduler moved between them mid-run made a column's rounds differ by up to 40%;
 * pinned, the C pingpong's rounds agreed within 3%. Only benchmarks whose work is one thread are
 * pinned. (Pinning a whole fork instead left its compiler threads sharing the measured CPU, which
 * slowed a short fork's first iterations most for the column with the most code to compile.)
 *
 * <p>{@code sched_setaffinity(2)} on the calling thread (pid 0).
 * {@code RAWSOCK_BENCH_CPU} picks the CPU (default: the first one the process may use; CPU 0 here,
 * the one without the block device's interrupts); {@code RAWSOCK_BENCH_CPU=none} turns pinning off.
 */
final class Affinity {
    private Affinity() {}

    private static final Linker L = Linker.nativeLinker();
    /** int sched_{get,set}affinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask) */
    private static final FunctionDescriptor D = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
    private static final MethodHandle GET = L.downcallHandle(L.defaultLookup().find("sched_getaffinity").orElseThrow(), D);
    private static final MethodHandle SET = L.downcallHandle(L.defaultLookup().find("sched_setaffinity").orElseThrow(), D);
    /** glibc's cpu_set_t: 1024 bits. */
    private static final long SET_BYTES = 128;

    /** Pin to the first CPU the process may use. */
    static final int FIRST = -2;

    /** The CPU benchmarks are pinned to: -1 for none, {@link #FIRST} for the first allowed one. */
    static int cpu() {
        String v = System.getenv("RAWSOCK_BENCH_CPU");
        if (v == null || v.isBlank()) return FIRST;
        if (v.equals("none")) return -1;
        return Integer.parseInt(v.trim());
    }

    /** The system property that tells a JMH fork which CPU its benchmark thread runs on. */
    static final String PROPERTY = "rawsock.bench.cpu";

    /** {@code cpu} as a CPU number this process may use ({@link #FIRST}: the lowest), or -1 for none. */
    static int resolve(int cpu) {
        if (cpu == -1) return -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = allowed(a);
            if (cpu == FIRST) cpu = first(mask, -1);
            if (cpu < 0 || cpu >= SET_BYTES * 8 || !has(mask, cpu))
                throw new IllegalArgumentException("CPU " + cpu + " is not in this process's affinity mask (RAWSOCK_BENCH_CPU)");
            return cpu;
        }
    }

    /** The first CPU this process may use other than {@code cpu} (which must be >= 0), or -1 when it has no other. */
    static int other(int cpu) {
        try (Arena a = Arena.ofConfined()) {
            return first(allowed(a), cpu);
        }
    }

    /** The calling thread's affinity mask. */
    private static MemorySegment allowed(Arena a) {
        MemorySegment mask = a.allocate(SET_BYTES, 8);
        call(GET, mask, "sched_getaffinity");
        return mask;
    }

    /** The lowest CPU in {@code mask} other than {@code except}, or -1. */
    private static int first(MemorySegment mask, int except) {
        for (int c = 0; c < SET_BYTES * 8; c++) if (c != except && has(mask, c)) return c;
        return -1;
    }

    private static boolean has(MemorySegment mask, int cpu) {
        return (mask.get(JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0;
    }

    /** Runs {@code work} with the calling thread pinned to {@code cpu} (-1: as it is), then restores its mask. */
    static <T> T on(int cpu, Callable<T> work) throws Exception {
        if (cpu < 0) return work.call();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment old = allowed(a);
            pin(cpu);
            try {
                return work.call();
            } finally {
                call(SET, old, "sched_setaffinity");
            }
        }
    }

    /** Pins the calling thread to the CPU the {@link #PROPERTY} names, if it names one (a JMH fork's benchmark thread). */
    static void pinThisThreadAsTold() {
        String v = System.getProperty(PROPERTY);
        if (v != null) pin(Integer.parseInt(v));
    }

    private static void pin(int cpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(SET_BYTES, 8);
            one.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            call(SET, one, "sched_setaffinity");
        }
    }

    private static void call(MethodHandle h, MemorySegment mask, String name) {
        int r;
        try {
            r = (int) h.invokeExact(0, SET_BYTES, mask);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new IllegalStateException(name + " failed");
    }
}
