package dev.rawsock.internal;

import java.time.Duration;

/**
 * The one policy for turning a Java timeout into what the kernel waits with: a {@link Duration} into
 * nanoseconds for a {@code System.nanoTime()} deadline, and the nanoseconds left into the
 * milliseconds {@code poll(2)} takes.
 */
public final class Timeouts {
    private Timeouts() {}

    /**
     * The nanoseconds of a non-negative duration; one too long for a {@code long} (292 years) is
     * {@code Long.MAX_VALUE / 2}, which is no limit in practice and still leaves room to add it to
     * {@code System.nanoTime()} without overflow.
     */
    public static long nanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 2);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * The milliseconds to give {@code poll(2)} for {@code nanosLeft}: rounded up, so a wait never wakes
     * before its deadline only to wait again for 0 ms; at least 1 and at most {@code Integer.MAX_VALUE}.
     */
    public static int pollMillis(long nanosLeft) {
        if (nanosLeft <= 0) return 1;
        return (int) Math.min(Integer.MAX_VALUE, (nanosLeft - 1) / 1_000_000 + 1);
    }
}
