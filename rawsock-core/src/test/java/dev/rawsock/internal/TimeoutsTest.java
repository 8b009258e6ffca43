package dev.rawsock.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimeoutsTest {
    @Test
    void durationsSaturate() {
        assertEquals(0, Timeouts.nanos(Duration.ZERO));
        assertEquals(1_500_000, Timeouts.nanos(Duration.ofNanos(1_500_000)));
        assertEquals(Long.MAX_VALUE / 2, Timeouts.nanos(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Long.MAX_VALUE / 2, Timeouts.nanos(Duration.ofDays(200 * 365)));
    }

    @Test
    void pollMillisRoundUp() {
        assertEquals(1, Timeouts.pollMillis(1));
        assertEquals(1, Timeouts.pollMillis(1_000_000));
        assertEquals(2, Timeouts.pollMillis(1_000_001));
        assertEquals(1, Timeouts.pollMillis(0));
        assertEquals(Integer.MAX_VALUE, Timeouts.pollMillis(Long.MAX_VALUE));
    }
}
