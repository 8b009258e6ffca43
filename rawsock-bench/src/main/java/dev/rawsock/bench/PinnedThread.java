package dev.rawsock.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * Base of the thread-scoped JMH states of the pinned benchmarks (extending it is what makes one pinned: {@link BenchMain#pinned}): before a
 * fork measures, its benchmark thread pins itself to the CPU BenchMain chose ({@link Affinity}).
 * Nothing happens outside BenchMain's forks (no {@code rawsock.bench.cpu} property).
 */
public abstract class PinnedThread {
    /** Pins the thread that runs the benchmark method (JMH runs a thread-scoped state's set-up on it). */
    @Setup(Level.Trial)
    public void pinBenchmarkThread() {
        Affinity.pinThisThreadAsTold();
    }
}
