package dev.rawsock;

import dev.rawsock.internal.Sys;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Range checks agree with the kernel: what the check lets through, the kernel takes and gives back. */
class SockOptPropertiesTest {
    static int fd;

    @BeforeContainer
    static void open() throws Exception {
        fd = Rawsock.socket(Domain.INET, SocketType.DGRAM);
    }

    @AfterContainer
    static void close() {
        Sys.closeQuietly(fd);
    }

    @Property(tries = 200)
    void ttlInRangeRoundTripsOutOfRangeIsRejected(@ForAll @IntRange(min = -300, max = 300) int ttl) throws Exception {
        if (ttl == -1 || (ttl >= 1 && ttl <= 255)) {
            Rawsock.setSocketOption(fd, SockOpt.IP_TTL, ttl);
            int got = Rawsock.socketOption(fd, SockOpt.IP_TTL);
            assertEquals(ttl == -1 ? got : ttl, got);  // -1 restores the default, whatever it is
            assertTrue(got >= 1 && got <= 255);
        } else {
            assertThrows(IllegalArgumentException.class, () -> Rawsock.setSocketOption(fd, SockOpt.IP_TTL, ttl));
        }
    }

    @Property(tries = 100)
    void lingerRoundTrips(@ForAll @IntRange(min = -1, max = 100_000) int seconds) throws Exception {
        Rawsock.setSocketOption(fd, SockOpt.SO_LINGER, seconds);
        assertEquals(seconds, Rawsock.socketOption(fd, SockOpt.SO_LINGER));
    }

    @Property(tries = 100)
    void timeoutsNeverComeBackShorterNorTurnIntoNone(@ForAll @LongRange(min = 1, max = 100_000_000_000L) long nanos)
            throws Exception {
        Duration d = Duration.ofNanos(nanos);
        Rawsock.setSocketOption(fd, SockOpt.SO_RCVTIMEO, d);
        Duration got = Rawsock.socketOption(fd, SockOpt.SO_RCVTIMEO);
        assertTrue(got.compareTo(d) >= 0, d + " came back as " + got);  // rounded up (µs, then jiffies), never to zero
        assertTrue(got.minus(d).toMillis() <= 10, d + " came back as " + got);
    }
}
