package dev.rawsock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.*;

/** The blocking and close protocol of RawSocket (docs/architecture.md). Every wait is bounded. */
class ConcurrencyTest {
    /** Waits until {@code t} is blocked (parked or in a native wait), bounded. */
    static void awaitBlocked(Thread t) throws InterruptedException {
        TestSupport.awaitBlocked(t);
    }

    void closeWhileBlocked(Thread.Builder builder) throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread t = builder.start(() -> {
            try {
                p[0].recv(new byte[10]);
                got.set(new AssertionError("recv returned"));
            } catch (Throwable e) {
                got.set(e);
            }
        });
        awaitBlocked(t);
        p[0].close();
        t.join(10_000);
        assertFalse(t.isAlive(), "blocked thread did not wake on close");
        assertInstanceOf(AsynchronousCloseException.class, got.get());
        assertFalse(p[0].isOpen());
        assertErrno(assertThrows(ErrnoException.class, () -> p[0].recv(new byte[1])), Errno.EBADF);
        p[1].close();
    }

    @Test
    void closeWakesPlatformThread() throws Exception {
        closeWhileBlocked(Thread.ofPlatform().daemon());
    }

    @Test
    void closeWakesVirtualThread() throws Exception {
        closeWhileBlocked(Thread.ofVirtual());
    }

    @Test
    void closeWakesAcceptor() throws Exception {
        try (RawSocket l = RawSocket.open(Domain.INET, SocketType.STREAM)) {
            l.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            l.listen();
            CompletableFuture<Throwable> f = new CompletableFuture<>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    l.accept();
                    f.complete(null);
                } catch (Throwable e) {
                    f.complete(e);
                }
            });
            awaitBlocked(t);
            l.close();
            assertInstanceOf(AsynchronousCloseException.class, f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void timeouts() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try (RawSocket a = p[0]; RawSocket b = p[1]) {
            a.timeout(Duration.ofMillis(50));
            assertThrows(SocketTimeoutException.class, () -> a.recv(new byte[4]));
            Future<Class<?>> v;
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                v = ex.submit(() -> {
                    try {
                        a.recv(new byte[4]);
                        return null;
                    } catch (SocketTimeoutException e) {
                        return e.getClass();
                    }
                });
                assertEquals(SocketTimeoutException.class, v.get(10, TimeUnit.SECONDS));
            }
            assertEquals(Duration.ofMillis(50), a.timeout());
            b.send(new byte[] {7});
            byte[] in = new byte[4];
            assertEquals(1, a.recv(in));
            assertEquals(7, in[0]);
        }
    }

    @Test
    @Timeout(120)
    void twoThousandVirtualThreadsBlockedWhileANewOneRunsPromptly() throws Exception {
        int n = 2000;
        List<RawSocket[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) pairs.add(RawSocket.pair(Domain.UNIX, SocketType.DGRAM));
        CountDownLatch done = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        try {
            for (RawSocket[] p : pairs) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        byte[] b = new byte[8];
                        int r = p[0].recv(b);
                        if (r == 1 && b[0] == 42) done.countDown();
                    } catch (IOException e) {
                        // counted as not done
                    }
                }));
            }
            for (Thread t : threads) awaitBlocked(t);
            // the carriers are free: a new virtual thread runs and finishes while all 2,000 wait
            CompletableFuture<Integer> quick = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> quick.complete(6 * 7));
            assertEquals(42, quick.get(5, TimeUnit.SECONDS));
            assertEquals(n, done.getCount(), "nobody got data yet");
            for (RawSocket[] p : pairs) p[1].send(new byte[] {42});
            assertTrue(done.await(60, TimeUnit.SECONDS), "left waiting: " + done.getCount());
        } finally {
            for (RawSocket[] p : pairs) {
                p[0].close();
                p[1].close();
            }
            for (Thread t : threads) t.join(10_000);
        }
    }

    @Test
    @Timeout(300)
    void hundredThousandOpenCloseCyclesLeakNoFd() throws Exception {
        // warm up (the JDK opens its own fds lazily), then count
        for (int i = 0; i < 100; i++) RawSocket.open(Domain.INET, SocketType.DGRAM).close();
        long before = TestSupport.openFds();
        for (int i = 0; i < 100_000; i++) {
            RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM);
            s.close();
            s.close();  // idempotent
        }
        assertEquals(before, TestSupport.openFds());
        for (int i = 0; i < 1000; i++) Rawsock.sockClose(Rawsock.socket(Domain.UNIX, SocketType.STREAM));
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    @Timeout(120)
    void eightWritersIntoOneSocketLoseNothing() throws Exception {
        int writers = 8, each = 2000;
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try (RawSocket out = p[0]; RawSocket in = p[1]) {
            int[] counts = new int[writers];
            Thread reader = Thread.ofPlatform().start(() -> {
                byte[] b = new byte[16];
                try {
                    in.timeout(Duration.ofSeconds(30));
                    for (int i = 0; i < writers * each; i++) {
                        int r = in.recv(b);
                        if (r == 5) counts[b[0]]++;
                    }
                } catch (IOException e) {
                    // the assertion below reports the shortfall
                }
            });
            List<Thread> ws = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte id = (byte) w;
                ws.add(Thread.ofPlatform().start(() -> {
                    byte[] msg = {id, 1, 2, 3, 4};
                    try {
                        for (int i = 0; i < each; i++) assertEquals(5, out.send(msg));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : ws) t.join(60_000);
            reader.join(60_000);
            assertFalse(reader.isAlive());
            for (int w = 0; w < writers; w++) assertEquals(each, counts[w], "writer " + w);
        }
    }

    @Test
    void adoptAndRelease() throws Exception {
        int fd = Rawsock.socket(Domain.INET, SocketType.DGRAM);
        RawSocket s = RawSocket.adopt(fd);
        assertEquals(fd, s.fd());
        s.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
        int back = s.release();
        assertEquals(fd, back);
        assertFalse(s.isOpen());
        s.close();  // no effect: the fd now belongs to the caller
        assertErrno(assertThrows(ErrnoException.class, s::localAddress), Errno.EBADF);
        assertNotNull(Rawsock.getsockname(back));  // still open
        Rawsock.sockClose(back);
    }

    @Test
    void unreachableSocketsAreClosedByTheCleaner() throws Exception {
        for (int i = 0; i < 50; i++) RawSocket.open(Domain.INET, SocketType.DGRAM).close();
        long before = TestSupport.openFds();
        for (int i = 0; i < 200; i++) RawSocket.open(Domain.INET, SocketType.DGRAM);  // never closed
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TestSupport.openFds() > before + 10 && System.nanoTime() < end) {
            System.gc();
            Thread.sleep(50);
        }
        assertTrue(TestSupport.openFds() <= before + 10, "fds still open: " + (TestSupport.openFds() - before));
    }

    @Test
    @Timeout(120)
    void tenThousandVirtualThreadsDoingFacadeIo() throws Exception {
        // 10,000 virtual threads send on a blocking fd through the facade; the receive queue fills,
        // so most of them must wait (in the poller, not on a carrier) until the reader drains it.
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        int total = 10_000;
        int[] received = new int[1];
        long scratchBefore = dev.rawsock.internal.Scratch.created();
        Thread reader = Thread.ofPlatform().start(() -> {
            byte[] b = new byte[64];
            try {
                for (int i = 0; i < total; i++) {
                    if (Rawsock.poll(pair[1], java.util.Set.of(PollEvent.IN), 30_000).isEmpty()) return;
                    if (Rawsock.recv(pair[1], b) == 64) received[0]++;
                }
            } catch (ErrnoException e) {
                // the count below shows the shortfall
            }
        });
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < total; i++) fs.add(ex.submit(() -> Rawsock.send(pair[0], new byte[64])));
            }
            for (Future<Integer> f : fs) assertEquals(64, f.get());
            reader.join(60_000);
            assertEquals(total, received[0]);
            // a parked virtual thread holds no scratch memory: the areas made stay near the carrier count
            long made = dev.rawsock.internal.Scratch.created() - scratchBefore;
            assertTrue(made < 200, made + " scratch areas for " + total + " virtual threads");
        } finally {
            Rawsock.sockClose(pair[0]);
            Rawsock.sockClose(pair[1]);
        }
    }
}
