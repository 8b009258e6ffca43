package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Faults a careless or hostile caller brings: interrupts and timeouts on platform and virtual
 * threads, close while threads sit in a call, carriers that must not be pinned, and inputs that must
 * be refused before the call. Every wait is for a condition with a bound.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)  // a regression that hangs fails, not the run
class ReliabilityTest {
    /** How long any condition here may take before the test fails (a stuck or spinning thread). */
    static final long BOUND_MS = 10_000;

    static Thread start(boolean virtual, Runnable r) {
        return virtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().daemon().start(r);
    }

    static void awaitBlocked(Thread t) throws InterruptedException {
        TestSupport.awaitBlocked(t);
    }

    static void joinBounded(Thread t) throws InterruptedException {
        t.join(BOUND_MS);
        assertFalse(t.isAlive(), () -> "thread still running after " + BOUND_MS + " ms (stuck or spinning): "
                + java.util.Arrays.toString(t.getStackTrace()));
    }

    // ------------------------------------------------------------------ interrupt: RawSocket

    interface Blocking {
        void call(RawSocket s) throws Exception;
    }

    private void interruptClosesTheSocket(boolean virtual, boolean listen, Blocking call) throws Exception {
        RawSocket[] pair = listen ? null : RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        RawSocket s = listen ? RawSocket.open(Domain.INET, SocketType.STREAM) : pair[0];
        try {
            if (listen) {
                s.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
                s.listen();
            }
            AtomicReference<Throwable> got = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Thread t = start(virtual, () -> {
                try {
                    call.call(s);
                } catch (Throwable e) {
                    got.set(e);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            awaitBlocked(t);
            t.interrupt();
            joinBounded(t);
            assertInstanceOf(SocketException.class, got.get());
            assertEquals("Closed by interrupt", got.get().getMessage());
            assertTrue(stillInterrupted.get(), "the interrupt status stays set");
            assertFalse(s.isOpen(), "the interrupt closed the socket");
            ErrnoException e = assertThrows(ErrnoException.class, () -> s.recv(new byte[1]));
            assertEquals(Errno.EBADF, e.errno());
        } finally {
            s.close();
            if (pair != null) pair[1].close();
        }
    }

    @Test
    void interruptInRecvClosesTheSocketOnPlatformAndVirtualThreads() throws Exception {
        for (boolean v : new boolean[] {false, true}) interruptClosesTheSocket(v, false, s -> s.recv(new byte[8]));
    }

    @Test
    void interruptInReadAcceptPollAndInputStreamClosesTheSocket() throws Exception {
        for (boolean v : new boolean[] {false, true}) {
            interruptClosesTheSocket(v, false, s -> s.read(new byte[8]));
            interruptClosesTheSocket(v, true, RawSocket::accept);
            interruptClosesTheSocket(v, false, s -> s.poll(EnumSet.of(PollEvent.IN), -1));
            interruptClosesTheSocket(v, false, s -> s.inputStream().read());
        }
    }

    @Test
    void anInterruptedThreadThatFindsDataReadyStillReads() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try {
            p[1].send(new byte[] {7});
            Thread.currentThread().interrupt();
            try {
                assertEquals(1, p[0].recv(new byte[4]));
                assertTrue(p[0].isOpen());
            } finally {
                assertTrue(Thread.interrupted());
            }
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    // ------------------------------------------------------------------ interrupt and timeout: facade

    @Test
    void interruptEndsAFacadeWaitWithEintrAndLeavesTheFdOpen() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try {
            for (int round = 0; round < 3; round++) {
                int which = round;
                AtomicReference<Throwable> got = new AtomicReference<>();
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        switch (which) {
                            case 0 -> Rawsock.recv(pair[0], new byte[8]);
                            case 1 -> Rawsock.sockRead(pair[0], new byte[8]);
                            default -> Rawsock.poll(pair[0], EnumSet.of(PollEvent.IN), -1);
                        }
                    } catch (Throwable e) {
                        got.set(e);
                    }
                });
                awaitBlocked(t);
                t.interrupt();
                joinBounded(t);
                ErrnoException e = assertInstanceOf(ErrnoException.class, got.get());
                assertEquals(Errno.EINTR, e.errno());
                // the caller's fd is still open and usable
                Rawsock.send(pair[1], new byte[] {1});
                assertEquals(1, Rawsock.recv(pair[0], new byte[8]));
            }
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    interface FacadeCall {
        void run() throws Exception;
    }

    /** Runs each call on a platform and on a virtual thread: each must end, bounded, with EAGAIN. */
    private static void assertEachTimesOut(FacadeCall... calls) throws InterruptedException {
        for (boolean v : new boolean[] {false, true}) {
            for (int w = 0; w < calls.length; w++) {
                FacadeCall call = calls[w];
                AtomicReference<Throwable> got = new AtomicReference<>();
                Thread t = start(v, () -> {
                    try {
                        call.run();
                    } catch (Throwable e) {
                        got.set(e);
                    }
                });
                joinBounded(t);
                String what = "virtual " + v + " call " + w;
                ErrnoException e = assertInstanceOf(ErrnoException.class, got.get(), what);
                assertEquals(Errno.EAGAIN, e.errno(), what);
            }
        }
    }

    @Test
    void socketTimeoutsHoldOnVirtualThreadsAsOnPlatformThreads() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try {
            Rawsock.setSocketOption(pair[0], SockOpt.SO_RCVTIMEO, Duration.ofMillis(100));
            assertEachTimesOut(() -> Rawsock.recv(pair[0], new byte[8]), () -> Rawsock.sockRead(pair[0], new byte[8]),
                    () -> Rawsock.recvmsg(pair[0], new Message(null, new byte[8])));
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    /** SO_SNDTIMEO on a full blocking socket: send, sockWrite (RWF_NOWAIT) and sendmsg end with EAGAIN. */
    @Test
    void sendTimeoutsHoldOnVirtualThreadsAsOnPlatformThreads() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try {
            Rawsock.setSocketOption(pair[0], SockOpt.SO_SNDTIMEO, Duration.ofMillis(100));
            byte[] chunk = new byte[64 * 1024];
            // fill the pair without blocking: the fd itself stays blocking
            for (int i = 0; i < 10_000; i++) {
                try {
                    Rawsock.send(pair[0], chunk, MsgFlag.DONTWAIT);
                } catch (ErrnoException full) {
                    assertEquals(Errno.EAGAIN, full.errno());
                    break;
                }
            }
            assertEquals(0, Sys.getFlags(pair[0]) & Consts.O_NONBLOCK, "the fd is blocking");
            assertEachTimesOut(() -> Rawsock.send(pair[0], chunk), () -> Rawsock.sockWrite(pair[0], chunk),
                    () -> Rawsock.sendmsg(pair[0], new Message(null, chunk)));
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    // ------------------------------------------------------------------ carriers

    /** More virtual threads in blocking facade calls than there are carriers: the others still run. */
    @Test
    void facadeCallsWithoutFlagsDoNotPinCarriers() throws Exception {
        int n = Runtime.getRuntime().availableProcessors() + 2;
        List<int[]> pairs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        RawSocket listener = RawSocket.open(Domain.INET, SocketType.STREAM);
        int lfd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        try {
            Rawsock.bind(lfd, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            Rawsock.sockListen(lfd);
            for (int i = 0; i < n; i++) {
                int[] p = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
                pairs.add(p);
                int kind = i % 3;
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        switch (kind) {
                            case 0 -> Rawsock.sockRead(p[0], new byte[1]);
                            case 1 -> Rawsock.sockRead(p[0], new byte[][] {new byte[1]});
                            default -> Sys.closeQuietly(Rawsock.accept(lfd, null));
                        }
                    } catch (ErrnoException e) {
                        // woken by the interrupt at the end on a failure
                    }
                }));
            }
            for (Thread t : readers) awaitBlocked(t);
            CompletableFuture<String> other = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> other.complete("ran"));
            assertEquals("ran", other.get(BOUND_MS, TimeUnit.MILLISECONDS));
            // the blocked readers are waiting, not spinning: feed them and they finish
            for (int[] p : pairs) Rawsock.sockWrite(p[1], new byte[] {1});
            for (int i = 0; i < n; i++) {
                if (i % 3 == 2) {
                    int c = Rawsock.socket(Domain.INET, SocketType.STREAM);
                    Rawsock.connect(c, Rawsock.getsockname(lfd));
                    Sys.closeQuietly(c);
                }
            }
            for (Thread t : readers) joinBounded(t);
        } finally {
            for (Thread t : readers) t.interrupt();
            for (int[] p : pairs) {
                Sys.closeQuietly(p[0]);
                Sys.closeQuietly(p[1]);
            }
            Sys.closeQuietly(lfd);
            listener.close();
        }
    }

    /**
     * connect on blocking fds to a listener whose accept queue is full: the SYNs go unanswered, so
     * each call waits; more of them on virtual threads than there are carriers, and other virtual
     * threads still run. An interrupt ends each with EINTR.
     */
    @Test
    void facadeConnectOnABlockingFdDoesNotPinACarrier() throws Exception {
        int n = Runtime.getRuntime().availableProcessors() + 2;
        int lfd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        List<Integer> fds = new ArrayList<>();
        List<Thread> connectors = new ArrayList<>();
        List<AtomicReference<Throwable>> got = new ArrayList<>();
        try {
            Rawsock.bind(lfd, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            Rawsock.sockListen(lfd, 0);
            SockAddr to = Rawsock.getsockname(lfd);
            int first = Rawsock.socket(Domain.INET, SocketType.STREAM);
            fds.add(first);
            Rawsock.connect(first, to);  // takes the one place in the queue, never accepted
            for (int i = 0; i < n; i++) {
                int fd = Rawsock.socket(Domain.INET, SocketType.STREAM);
                fds.add(fd);
                AtomicReference<Throwable> r = new AtomicReference<>();
                got.add(r);
                connectors.add(Thread.ofVirtual().start(() -> {
                    try {
                        Rawsock.connect(fd, to);
                    } catch (Throwable e) {
                        r.set(e);
                    }
                }));
            }
            for (Thread t : connectors) awaitBlocked(t);
            CompletableFuture<String> other = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> other.complete("ran"));
            assertEquals("ran", other.get(BOUND_MS, TimeUnit.MILLISECONDS));
            for (Thread t : connectors) t.interrupt();
            for (Thread t : connectors) joinBounded(t);
            for (AtomicReference<Throwable> r : got) {
                ErrnoException e = assertInstanceOf(ErrnoException.class, r.get());
                assertEquals(Errno.EINTR, e.errno());
            }
        } finally {
            for (Thread t : connectors) t.interrupt();
            Sys.closeQuietly(lfd);  // the connections still being made now meet a closed port
            for (int fd : fds) Sys.closeQuietly(fd);
        }
    }

    @Test
    void facadeCloseOfALingeringSocketDoesNotPinACarrier() throws Exception {
        int n = Runtime.getRuntime().availableProcessors() + 2;
        int lfd = Rawsock.socket(Domain.INET, SocketType.STREAM);
        List<Integer> mine = new ArrayList<>();
        List<Integer> peers = new ArrayList<>();
        List<Thread> closers = new ArrayList<>();
        List<AtomicReference<Throwable>> got = new ArrayList<>();
        try {
            Rawsock.bind(lfd, SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            Rawsock.sockListen(lfd, n);
            SockAddr to = Rawsock.getsockname(lfd);
            byte[] chunk = new byte[65536];
            for (int i = 0; i < n; i++) {
                int fd = Rawsock.socket(Domain.INET, SocketType.STREAM);
                mine.add(fd);
                Rawsock.connect(fd, to);
                peers.add(Rawsock.accept(lfd, null));
                // the peer never reads: fill both buffers, so close(2) has unsent data to linger on
                for (int k = 0; k < 10_000; k++) {
                    try {
                        Rawsock.send(fd, chunk, MsgFlag.DONTWAIT);
                    } catch (ErrnoException e) {
                        assertEquals(Errno.EAGAIN, e.errno(), e::toString);
                        break;
                    }
                }
                Rawsock.setSocketOption(fd, SockOpt.SO_LINGER, 60);
            }
            for (int fd : mine) {
                AtomicReference<Throwable> r = new AtomicReference<>();
                got.add(r);
                closers.add(Thread.ofVirtual().start(() -> {
                    try {
                        Rawsock.sockClose(fd);
                    } catch (Throwable e) {
                        r.set(e);
                    }
                }));
            }
            mine.clear();  // the closers own them now
            for (Thread t : closers) awaitBlocked(t);
            CompletableFuture<String> other = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> other.complete("ran"));
            assertEquals("ran", other.get(BOUND_MS, TimeUnit.MILLISECONDS));
            // a peer closing with unread data resets its connection, which ends the linger
            for (int fd : peers) Sys.closeQuietly(fd);
            peers.clear();
            for (Thread t : closers) joinBounded(t);
            for (AtomicReference<Throwable> r : got) assertNull(r.get());
        } finally {
            for (int fd : peers) Sys.closeQuietly(fd);
            for (Thread t : closers) t.join(BOUND_MS);
            for (int fd : mine) Sys.closeQuietly(fd);
            Sys.closeQuietly(lfd);
        }
    }

    // ------------------------------------------------------------------ FdStream over a pipe

    private static final MethodHandle PIPE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("pipe").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));

    static int[] pipe() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            assertEquals(0, (int) PIPE.invokeExact(fds));
            return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
        }
    }

    @Test
    void closingAStreamOverABlockingPipeWakesTwoReadersAndAWriter() throws Throwable {
        for (boolean v : new boolean[] {false, true}) {
            int[] p = pipe();
            int[] q = pipe();
            try {
                FdStream in = Rawsock.makeStream(p[0]);
                FdStream out = Rawsock.makeStream(q[1]);
                assertEquals(0, Sys.getFlags(p[0]) & Consts.O_NONBLOCK, "the pipe is blocking");
                List<AtomicReference<Throwable>> got = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    AtomicReference<Throwable> r = new AtomicReference<>();
                    got.add(r);
                    boolean writer = i == 2;
                    threads.add(start(v, () -> {
                        try {
                            if (writer) out.output().write(new byte[1 << 20]);  // more than the pipe holds
                            else in.input().read();
                        } catch (Throwable e) {
                            r.set(e);
                        }
                    }));
                }
                for (Thread t : threads) awaitBlocked(t);
                // one byte for two readers: one of them takes it, the other must stay wakeable
                Rawsock.sockWrite(p[1], new byte[] {1});
                Thread closer = start(false, () -> {
                    try {
                        in.close();
                        out.close();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                joinBounded(closer);
                for (Thread t : threads) joinBounded(t);
                int woken = 0;
                for (AtomicReference<Throwable> r : got) if (r.get() instanceof AsynchronousCloseException) woken++;
                assertTrue(woken >= 2, "the other reader and the writer get AsynchronousCloseException: " + got);
            } finally {
                for (int fd : new int[] {p[0], p[1], q[0], q[1]}) Sys.closeQuietly(fd);
            }
        }
    }

    /** An interrupted read of an FdStream closes the stream (its dup), never the caller's fd. */
    @Test
    void interruptInAStreamReadClosesTheStreamAndLeavesTheCallersFdOpen() throws Throwable {
        for (boolean v : new boolean[] {false, true}) {
            for (boolean socket : new boolean[] {false, true}) {
                int[] p = socket ? Rawsock.socketpair(Domain.UNIX, SocketType.STREAM) : pipe();
                try {
                    FdStream stream = Rawsock.makeStream(p[0]);
                    AtomicReference<Throwable> got = new AtomicReference<>();
                    Thread t = start(v, () -> {
                        try {
                            stream.input().read();
                        } catch (Throwable e) {
                            got.set(e);
                        }
                    });
                    awaitBlocked(t);
                    t.interrupt();
                    joinBounded(t);
                    String what = "virtual " + v + " socket " + socket;
                    assertInstanceOf(SocketException.class, got.get(), what);
                    assertThrows(IOException.class, () -> stream.input().read(), what + ": the stream is closed");
                    // the caller's own fd is open and reads what is written next
                    Rawsock.sockWrite(p[1], new byte[] {9});
                    byte[] one = new byte[1];
                    assertEquals(1, Rawsock.sockRead(p[0], one), what);
                    assertEquals(9, one[0], what);
                } finally {
                    Sys.closeQuietly(p[0]);
                    Sys.closeQuietly(p[1]);
                }
            }
        }
    }

    // ------------------------------------------------------------------ poll on a regular file

    @Test
    void pollOnARegularFileAnswersAsPollDoesOnBothKindsOfThread(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        OpenedFile file = OpenedFile.open(f);
        try {
            for (boolean v : new boolean[] {false, true}) {
                AtomicReference<Object> inOut = new AtomicReference<>(), pri = new AtomicReference<>();
                Thread t = start(v, () -> {
                    try {
                        inOut.set(Rawsock.poll(file.fd, EnumSet.of(PollEvent.IN, PollEvent.OUT), -1));
                        pri.set(Rawsock.poll(file.fd, EnumSet.of(PollEvent.PRI), 20));
                    } catch (Throwable e) {
                        inOut.set(e);
                    }
                });
                joinBounded(t);
                assertEquals(EnumSet.of(PollEvent.IN, PollEvent.OUT), inOut.get(), "virtual " + v);
                assertEquals(Set.of(), pri.get(), "virtual " + v);
            }
        } finally {
            file.close();
        }
    }

    /** A regular file opened read-write through the JDK, its fd number read from /proc. */
    record OpenedFile(java.io.RandomAccessFile raf, int fd) {
        static OpenedFile open(Path p) throws IOException {
            java.io.RandomAccessFile raf = new java.io.RandomAccessFile(p.toFile(), "rw");
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path link : (Iterable<Path>) s::iterator) {
                    try {
                        if (Files.readSymbolicLink(link).equals(p.toRealPath()))
                            return new OpenedFile(raf, Integer.parseInt(link.getFileName().toString()));
                    } catch (IOException gone) {
                        // the directory stream's own fd, closed by now
                    }
                }
            }
            raf.close();
            throw new IOException("no fd for " + p);
        }

        void close() throws IOException {
            raf.close();
        }
    }

    // ------------------------------------------------------------------ refused before the call

    @Test
    void receivingIntoReadOnlyMemoryIsRefusedAndTheDatagramStays() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try {
            p[0].timeout(Duration.ofSeconds(5));  // a regression that consumed the datagram would wait for the next
            p[1].send(new byte[] {1, 2, 3, 4, 5});
            MemorySegment heap = MemorySegment.ofArray(new byte[8]).asReadOnly();
            MemorySegment nat = Arena.ofAuto().allocate(8).asReadOnly();
            assertThrows(IllegalArgumentException.class, () -> p[0].recv(heap));
            assertThrows(IllegalArgumentException.class, () -> p[0].recv(nat));
            assertThrows(IllegalArgumentException.class, () -> p[0].read(nat));
            assertThrows(IllegalArgumentException.class, () -> p[0].recv(java.nio.ByteBuffer.allocate(8).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> p[0].recv(java.nio.ByteBuffer.allocateDirect(8).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> p[0].tryRecv(heap, null));
            assertThrows(IllegalArgumentException.class, () -> p[0].tryRecv(nat, null));
            assertThrows(IllegalArgumentException.class, () -> p[0].tryRecv(java.nio.ByteBuffer.allocate(8).asReadOnlyBuffer(), null));
            assertEquals(5, p[0].recv(new byte[8]), "the datagram was not consumed");
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void everyReadFormSaysMinusOneAtEndOfStreamAndZeroForAnEmptyDatagram() throws Exception {
        RawSocket[] s = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try {
            s[1].shutdown(Shutdown.WRITE);
            assertEquals(-1, s[0].read(new byte[4]));
            assertEquals(-1, s[0].read(new byte[4], 1, 3));
            assertEquals(-1, s[0].read(java.nio.ByteBuffer.allocate(4)));
            assertEquals(-1, s[0].read(java.nio.ByteBuffer.allocateDirect(4)));
            assertEquals(-1, s[0].read(Arena.ofAuto().allocate(4)));
            assertEquals(-1, s[0].read(new byte[][] {new byte[2], new byte[2]}));
            assertEquals(0, s[0].read(new byte[0]), "no room asked: 0");
        } finally {
            s[0].close();
            s[1].close();
        }
        RawSocket[] d = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try {
            d[1].send(new byte[0]);
            assertEquals(0, d[0].read(new byte[4]), "an empty datagram is 0, not the end");
        } finally {
            d[0].close();
            d[1].close();
        }
    }

    @Test
    void aNullIovecPartIsNullPointerExceptionOnEveryPath() throws Exception {
        RawSocket[] p = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try {
            byte[][] iov = {new byte[1], null};
            int fd = p[0].fd();
            assertThrows(NullPointerException.class, () -> Rawsock.sockWrite(fd, iov));
            assertThrows(NullPointerException.class, () -> Rawsock.sockRead(fd, iov));
            assertThrows(NullPointerException.class, () -> p[0].write(iov));
            assertThrows(NullPointerException.class, () -> Rawsock.sendmsg(fd, new Message(null, iov)));
            assertThrows(NullPointerException.class, () -> p[0].recvMsg(new Message(null, iov)));
            assertThrows(NullPointerException.class, () -> Rawsock.sendmmsg(fd, new Message[] {new Message(null, iov)}));
            assertThrows(NullPointerException.class, () -> Rawsock.sendmmsg(fd, new Message[] {null}));
            assertThrows(NullPointerException.class, () -> p[0].read(iov));
            assertThrows(NullPointerException.class, () -> p[0].read(iov, 0, 2));
            assertThrows(NullPointerException.class, () -> Rawsock.sockRead(fd, iov, 0, 2));
            assertThrows(NullPointerException.class, () -> Rawsock.recvmsg(fd, new Message(null, iov)));
            assertThrows(NullPointerException.class, () -> p[0].sendMsg(new Message(null, iov)));
            assertThrows(NullPointerException.class, () -> Rawsock.recvmmsg(fd, new Message[] {new Message(null, iov)}));
            assertThrows(NullPointerException.class, () -> p[0].write((byte[][]) null));
        } finally {
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void controlMessageSizesOverAnIntAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.space(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.len(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.space(Integer.MAX_VALUE - 8));
        assertEquals(ControlMessage.space(0) + 8, ControlMessage.space(8));
    }

    @Test
    void scmRightsDataThatIsNotWholeFdsIsAnIllegalArgument() {
        ControlMessage odd = ControlMessage.of(Level.SOL_SOCKET, Consts.SCM_RIGHTS, new byte[5]);
        assertThrows(IllegalArgumentException.class, odd::fds);
        assertArrayEquals(new int[] {7, 9}, ControlMessage.scmRights(7, 9).fds());
    }

    @Test
    void controlMessagesSayTheirKind() {
        ControlMessage odd = ControlMessage.of(Level.SOL_SOCKET, Consts.SCM_RIGHTS, new byte[5]);
        assertEquals(ControlMessage.Kind.SCM_RIGHTS, odd.kind());
        assertEquals(ControlMessage.Kind.IPV6_HOPLIMIT, ControlMessage.hopLimit(3).kind());
        assertEquals(ControlMessage.Kind.IP_TTL, ControlMessage.ttl(3).kind());
        assertEquals(ControlMessage.Kind.OTHER, ControlMessage.of(Level.SOL_SOCKET, 9999, new byte[4]).kind());
        assertEquals(ControlMessage.Origin.ICMP6, ControlMessage.Origin.of(3));
        assertEquals(ControlMessage.Origin.OTHER, ControlMessage.Origin.of(99));
    }

    @Test
    void sockAddrAccessorsNeverReadPastTheAddress() {
        SockAddr two = SockAddr.fromBytes(new byte[] {2, 0});
        assertEquals(Domain.INET, two.family());
        assertThrows(IllegalStateException.class, two::port);
        assertThrows(IllegalStateException.class, two::inetAddress);
        byte[] raw6 = new byte[25];
        raw6[0] = 10;
        SockAddr short6 = SockAddr.fromBytes(raw6);
        assertThrows(IllegalStateException.class, short6::scopeId);
        assertEquals(0, short6.port());
        assertNotNull(short6.inetAddress(), "24 bytes hold the address; no scope id: none");
        byte[] ll = new byte[6];
        ll[0] = 17;
        assertThrows(IllegalStateException.class, SockAddr.fromBytes(ll)::ifindex);
    }
}
