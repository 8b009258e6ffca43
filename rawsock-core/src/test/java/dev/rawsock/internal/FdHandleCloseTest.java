package dev.rawsock.internal;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.Rawsock;
import dev.rawsock.SocketType;
import org.junit.jupiter.api.Test;

import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The close protocol of {@link FdHandle} with its lock-free begin/end: close never returns while a
 * thread is between begin and end, every begin after close has started fails with EBADF, and
 * waiters wake with AsynchronousCloseException.
 */
class FdHandleCloseTest {
    @Test
    void closeWaitsForThreadsInsideAndLaterBeginsFailWithEbadf() throws Exception {
        for (int round = 0; round < 20; round++) {
            int[] sv = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
            Object owner = new Object();
            FdHandle h = new FdHandle(sv[0], owner);
            AtomicBoolean closeReturned = new AtomicBoolean();
            AtomicBoolean violated = new AtomicBoolean();
            AtomicInteger entered = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    long until = System.nanoTime() + 5_000_000_000L;
                    while (System.nanoTime() < until) {
                        try {
                            int fd = h.begin("test");
                            try {
                                entered.incrementAndGet();
                                if (fd != sv[0] || closeReturned.get()) violated.set(true);
                                Thread.onSpinWait();
                            } finally {
                                h.end();
                            }
                        } catch (ErrnoException e) {
                            if (e.errno() != Errno.EBADF) failure.set(e);
                            return;
                        }
                    }
                    failure.set(new AssertionError("begin never failed after close"));
                });
                threads.add(th);
            }
            started.await();
            while (entered.get() < 100) Thread.onSpinWait();
            h.close();
            closeReturned.set(true);
            for (Thread th : threads) th.join(10_000);
            for (Thread th : threads) assertFalse(th.isAlive(), "a thread kept entering a closed handle");
            assertEquals(null, failure.get());
            assertFalse(violated.get(), "close returned while a thread was inside");
            assertFalse(h.isOpen());
            ErrnoException e = assertThrows(ErrnoException.class, () -> h.begin("after"));
            assertEquals(Errno.EBADF, e.errno());
            Sys.closeQuietly(sv[1]);
        }
    }

    @Test
    void closeWakesAPlatformThreadWaitingInPoll() throws Exception {
        int[] sv = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        Object owner = new Object();
        FdHandle h = new FdHandle(sv[0], owner);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch inside = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                h.begin("recv");
                try {
                    inside.countDown();
                    h.await(Consts.POLLIN, System.nanoTime() + 10_000_000_000L, "recv");
                } finally {
                    h.end();
                }
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        inside.await();
        dev.rawsock.TestSupport.awaitBlocked(waiter);
        h.close();
        waiter.join(10_000);
        assertFalse(waiter.isAlive());
        assertInstanceOf(AsynchronousCloseException.class, thrown.get());
        assertTrue(!h.isOpen());
        Sys.closeQuietly(sv[1]);
    }
}
