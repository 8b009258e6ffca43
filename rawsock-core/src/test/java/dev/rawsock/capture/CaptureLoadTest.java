package dev.rawsock.capture;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ring under load, on lo only, bounded in count (100,000 datagrams) and time (60 s): flat out,
 * reporting what was captured and dropped; and paced at 50,000 packets/s, where nothing may be dropped.
 */
class CaptureLoadTest {
    private static final int COUNT = 100_000;

    record Result(long sent, long captured, CaptureStats stats, double seconds, double sendSeconds) {}

    /**
     * Sends COUNT 32-byte datagrams to a sink on 127.0.0.1 from another thread ({@code rate} per
     * second, 0: as fast as it goes) while this thread counts what a ring capture with filter
     * {@code udp dst port P} delivers.
     */
    private static Result run(int rate, Capture.Options options) throws Exception {
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            src.connect(new InetSocketAddress("127.0.0.1", port));
            try (Capture c = Capture.open("lo", options.filter("udp dst port " + port))) {
                assertTrue(c.usesRing(), () -> "ring refused: " + c.ringRefusedReason());
                AtomicLong sent = new AtomicLong();
                AtomicLong sendNanos = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                long t0 = System.nanoTime();
                Thread sender = Thread.ofPlatform().name("udp-sender").start(() -> {
                    ByteBuffer payload = ByteBuffer.allocateDirect(32);
                    long start = System.nanoTime();
                    long deadline = start + 60_000_000_000L;
                    try {
                        for (int i = 0; i < COUNT && System.nanoTime() < deadline; i++) {
                            if (rate > 0 && i % 50 == 0) {
                                // Batches of 50, each due at start + i / rate: park most of the wait, spin the rest.
                                long due = start + (long) i * 1_000_000_000L / rate;
                                long wait;
                                while ((wait = due - System.nanoTime()) > 0) {
                                    if (wait > 200_000) LockSupport.parkNanos(wait - 100_000);
                                    else Thread.onSpinWait();
                                }
                            }
                            payload.clear();
                            payload.putInt(0, i);
                            src.write(payload);
                            sent.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                    sendNanos.set(System.nanoTime() - start);
                });
                long captured = 0;
                long end = System.nanoTime() + 70_000_000_000L;
                while (System.nanoTime() < end) {
                    int n = c.forEach(0, Duration.ofMillis(200), p -> { });
                    captured += n;
                    if (n == 0 && !sender.isAlive()) break;
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                sender.join(10_000);
                assertFalse(sender.isAlive(), "sender finished");
                if (failure.get() != null) throw new AssertionError("sender failed", failure.get());
                return new Result(sent.get(), captured, c.stats(), secs, sendNanos.get() / 1e9);
            }
        }
    }

    @Test
    void flatOutReportsCapturedAndDropped() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        Result r = run(0, Capture.Options.defaults());
        System.out.printf("flat out: sent %d in %.2f s (%.0f/s), captured %d, kernel received %d, dropped %d (default 4 MiB ring)%n",
                r.sent(), r.sendSeconds(), r.sent() / r.sendSeconds(), r.captured(), r.stats().received(), r.stats().dropped());
        assertEquals(COUNT, r.sent());
        assertTrue(r.captured() > 0);
        assertEquals(r.stats().received() - r.stats().dropped(), r.captured(), "every delivered packet was read");
        assertTrue(r.stats().received() <= COUNT, "no packet counted twice");
    }

    @Test
    void pacedAt50kPerSecondDropsNothing() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        // A 16 MiB ring holds ~100,000 of these frames: a GC pause or a busy neighbour on this shared
        // 2-core machine cannot overflow it, so a drop would mean the capture does not keep up.
        Result r = run(50_000, Capture.Options.defaults().ringSize(16 << 20));
        System.out.printf("paced 50k/s: sent %d in %.2f s (%.0f/s), captured %d, kernel received %d, dropped %d%n",
                r.sent(), r.sendSeconds(), r.sent() / r.sendSeconds(), r.captured(), r.stats().received(), r.stats().dropped());
        assertEquals(COUNT, r.sent());
        assertEquals(0, r.stats().dropped(), "nothing dropped at 50,000 packets/s");
        assertEquals(COUNT, r.captured(), "every datagram captured once");
        assertEquals(COUNT, r.stats().received());
    }
}
