package dev.rawsock.capture;

import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An interrupted reader closes the capture and gets {@link ClosedByInterruptException}, as
 * {@code java.net.Socket} on a virtual thread and the NIO channels do: on platform and virtual
 * threads, in {@code next} and {@code forEach}, on each reader (V3 ring, V2 ring, recvmsg).
 */
class CaptureInterruptTest {
    private static final boolean CAP = CaptureSupport.canCapture();
    /** Nothing on lo matches it: the reader waits until something ends the wait. */
    private static final String NOTHING = "ether proto 0x88b5";

    private static Capture.Options options(int reader) {
        return Capture.Options.defaults().filter(NOTHING).ring(reader < 2).immediate(reader == 1);
    }

    @Test
    void interruptingAWaitingReaderClosesTheCapture() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        for (boolean virtual : new boolean[] {false, true}) {
            for (int reader = 0; reader < 3; reader++) {
                for (boolean forEach : new boolean[] {false, true}) {
                    String what = (virtual ? "virtual" : "platform") + " thread, reader " + reader + (forEach ? ", forEach" : ", next");
                    Capture c = Capture.open("lo", options(reader));
                    try {
                        AtomicReference<Throwable> thrown = new AtomicReference<>();
                        AtomicBoolean stillInterrupted = new AtomicBoolean();
                        Runnable body = () -> {
                            try {
                                if (forEach) c.forEach(0, null, p -> { });
                                else c.next(null);
                            } catch (Throwable t) {
                                thrown.set(t);
                            }
                            stillInterrupted.set(Thread.currentThread().isInterrupted());
                        };
                        Thread t = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body);
                        waitUntilWaiting(t, what);
                        t.interrupt();
                        t.join(Duration.ofSeconds(10));
                        assertFalse(t.isAlive(), what + ": the interrupted reader returned (it neither hangs nor spins)");
                        assertInstanceOf(ClosedByInterruptException.class, thrown.get(), what);
                        assertTrue(stillInterrupted.get(), what + ": the interrupt status stays set, as with NIO channels");
                        assertFalse(c.isOpen(), what + ": the interrupt closed the capture");
                    } finally {
                        c.close();
                    }
                }
            }
        }
    }

    @Test
    void anAlreadyInterruptedThreadDoesNotWait() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        for (boolean virtual : new boolean[] {false, true}) {
            try (Capture c = Capture.open("lo", options(0))) {
                AtomicReference<Throwable> thrown = new AtomicReference<>();
                Runnable body = () -> {
                    Thread.currentThread().interrupt();
                    try {
                        c.next(Duration.ofSeconds(30));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                };
                Thread t = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
                t.join(Duration.ofSeconds(10));
                assertFalse(t.isAlive(), "returned at once");
                assertInstanceOf(ClosedByInterruptException.class, thrown.get());
                assertFalse(c.isOpen());
            }
        }
    }

    /** Waits (bounded) until the thread's stack shows it waiting inside the capture. */
    private static void waitUntilWaiting(Thread t, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("await")
                    && f.getClassName().endsWith("CaptureSocket"))) return;
            Thread.sleep(5);
        }
        throw new AssertionError(what + ": the reader never started waiting");
    }
}
