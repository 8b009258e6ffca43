package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The owned state behind a {@code RawSocket}: a non-blocking, close-on-exec fd, the eventfd that
 * wakes its platform-thread waiters, and the count of threads inside a call on it.
 *
 * <p>How close is safe (as in the JDK's {@code sun.nio.ch}): every operation brackets its system
 * calls with {@link #begin(String)}/{@link #end()}, which count the threads inside with one atomic add
 * each: no lock on the fast path (rawsock-bench's CoreOverhead: a ReentrantLock pair per call cost
 * ~40 ns here, the two adds ~14 ns; under load 120 vs 55). {@link #close()} marks the handle
 * closing, wakes every waiter (eventfd for threads in {@code poll(2)}, the {@link Poller} for
 * virtual threads), waits until no thread is inside a call
 * on the fd, and only then closes it: an fd number is never closed, and so never reused, under a
 * thread still using it. Waiters that wake to a closing handle throw
 * {@link AsynchronousCloseException}. A {@link Cleaner} closes the fds of a handle nobody closed.
 *
 * <p>Interrupt, for platform and virtual threads alike (what {@code java.net.Socket} does on a
 * virtual thread): a thread that is interrupted before or while it waits in {@link #await} closes
 * the handle and throws {@link SocketException} "Closed by interrupt", its interrupt status kept.
 * It cannot wait for itself to leave, so {@link #closeByInterrupt} only marks the handle closing and
 * wakes the others; the last thread out of a call closes the fd. A virtual thread's park returns on
 * interrupt; poll(2) does not, so a platform thread waits in slices of {@link #SLICE_MILLIS} and
 * looks at its interrupt status between them (the JDK's own hook for this is not exported).
 */
public final class FdHandle {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int OPEN = 0, CLOSING = 1, CLOSED = 2;
    /** Longest single poll(2) of a platform thread: the bound on how late it sees an interrupt. */
    public static final int SLICE_MILLIS = 50;

    private final int fd;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile int state = OPEN;
    /** Set by an interrupted caller: no close() waits, so the last thread out of a call closes. Guarded by lock. */
    private boolean closeOnIdle;
    /**
     * Threads between begin and end. begin adds then reads {@code state}; stop writes {@code state}
     * then reads this: both volatile, so either begin sees the close or stop sees the thread inside.
     */
    private volatile int inside;
    private static final VarHandle INSIDE;
    static {
        try {
            INSIDE = MethodHandles.lookup().findVarHandle(FdHandle.class, "inside", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private int wakeFd = -1;            // eventfd, made on the first platform-thread wait; guarded by lock
    private volatile long timeoutNanos; // 0: none
    private final Fds fds;
    private final Cleaner.Cleanable cleanable;
    /** The fd's blocking mode is the caller's (a dup): calls must not block in the kernel, nor change it. */
    private final boolean modeKept;

    /** What the Cleaner closes: holds no reference to the handle or its socket. */
    private static final class Fds implements Runnable {
        volatile int fd;
        volatile int wakeFd = -1;

        Fds(int fd) { this.fd = fd; }

        @Override
        public void run() {
            Sys.closeQuietly(wakeFd);
            Sys.closeQuietly(fd);
        }
    }

    /**
     * Takes ownership of {@code fd} and makes it non-blocking and close-on-exec.
     * @param owner the object whose unreachability means nobody will close the fd
     */
    public FdHandle(int fd, Object owner) throws ErrnoException {
        this.fd = fd;
        this.modeKept = false;
        Sys.setNonBlocking(fd, true);
        Sys.fcntl(fd, Consts.F_SETFD, Consts.FD_CLOEXEC);
        this.fds = new Fds(fd);
        this.cleanable = CLEANER.register(owner, fds);
    }

    /**
     * Takes ownership of {@code fd} as it is, its blocking mode kept (a {@code dup} shares that
     * mode with the caller's fd, so rawsock's streams over one must not change it): the stream
     * code waits in {@link #await} before any call that could block.
     */
    public FdHandle(int fd, Object owner, boolean keepMode) throws ErrnoException {
        this.fd = fd;
        this.modeKept = keepMode;
        if (!keepMode) {
            Sys.setNonBlocking(fd, true);
            Sys.fcntl(fd, Consts.F_SETFD, Consts.FD_CLOEXEC);
        }
        this.fds = new Fds(fd);
        this.cleanable = CLEANER.register(owner, fds);
    }

    /** The fd number (valid while open). */
    public int fd() {
        return fd;
    }

    /** Whether the fd keeps the caller's blocking mode (so it may be blocking). */
    public boolean modeKept() {
        return modeKept;
    }

    /** Whether close or release has started. */
    public boolean isOpen() {
        return state == OPEN;
    }

    /** Per-operation wait limit, 0 for none. */
    public void timeoutNanos(long nanos) {
        timeoutNanos = nanos;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    /** Enters a call on the fd; throws EBADF when the handle is closed. Pair with {@link #end()}. */
    public int begin(String function) throws ErrnoException {
        INSIDE.getAndAdd(this, 1);
        if (state != OPEN) {
            end();
            throw new ErrnoException(function, Errno.EBADF, -1);
        }
        return fd;
    }

    /**
     * Leaves a call; the last thread out lets a waiting close go on. The signal is sent under the
     * lock, so it cannot fall between stop's check of {@code inside} and its wait.
     */
    public void end() {
        if ((int) INSIDE.getAndAdd(this, -1) == 1 && state != OPEN) {
            boolean close;
            lock.lock();
            try {
                idle.signalAll();
                close = closeOnIdle && state == CLOSING && inside == 0;
                if (close) state = CLOSED;
            } finally {
                lock.unlock();
            }
            if (close) cleanable.clean();
        }
    }

    /** A deadline for one operation: {@code System.nanoTime()} plus the timeout, or 0 for none. */
    public long deadline() {
        long t = timeoutNanos;
        return t == 0 ? 0 : System.nanoTime() + t;
    }

    /**
     * Waits (between {@code begin} and {@code end}) until the fd may be ready for {@code pollEvents}
     * (POLL* bits). Platform threads wait in poll(2) on the fd and the wake-up eventfd; virtual
     * threads park in the {@link Poller}. Throws {@link AsynchronousCloseException} when the handle
     * is closed meanwhile, {@link SocketTimeoutException} past {@code deadline} (0: none).
     *
     * @return the fd's {@code revents} from the platform thread's {@code poll(2)}, so a caller that
     *         polls for readiness needs no second call to learn it; 0 when unknown (a virtual
     *         thread's park, or a slice that ended with nothing ready)
     */
    public int await(short pollEvents, long deadline, String function) throws IOException {
        if (Thread.currentThread().isInterrupted()) throw closeByInterrupt();
        long nanos = 0;
        if (deadline != 0) {
            nanos = deadline - System.nanoTime();
            if (nanos <= 0) throw new SocketTimeoutException(function + "(fd=" + fd + "): timed out");
        }
        int revents = 0;
        if (Thread.currentThread().isVirtual()) {
            Poller.get().await(fd, pollEvents & 0xffff, nanos, this::isOpen);
        } else {
            int wake = wakeFd();
            try (Scratch s = Scratch.acquire()) {
                MemorySegment p = s.misc(16);
                p.set(JAVA_INT, Layouts.POLLFD_FD, fd);
                p.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, pollEvents);
                p.set(JAVA_INT, 8 + Layouts.POLLFD_FD, wake);
                p.set(JAVA_SHORT, 8 + Layouts.POLLFD_EVENTS, Consts.POLLIN);
                int ms = deadline == 0 ? SLICE_MILLIS : (int) Math.max(1, Math.min(SLICE_MILLIS, (nanos + 999_999) / 1_000_000));
                if (Sys.poll(s, p, 2, ms) > 0) revents = p.get(JAVA_SHORT, Layouts.POLLFD_REVENTS) & 0xffff;
            }
        }
        if (Thread.currentThread().isInterrupted()) throw closeByInterrupt();
        if (state != OPEN) throw new AsynchronousCloseException();
        return revents;
    }

    /**
     * The interrupted caller's close (it is inside a call, so it cannot wait for the fd to be idle):
     * marks the handle closing and wakes every waiter; the last thread to {@link #end()} closes the
     * fd. A close already under way keeps its own course.
     * @return the exception the interrupted call throws
     */
    public SocketException closeByInterrupt() {
        boolean wake = false;
        lock.lock();
        try {
            if (state == OPEN) {
                state = CLOSING;
                closeOnIdle = true;
                wake = true;
                if (wakeFd >= 0) Sys.signal(wakeFd);
            }
        } finally {
            lock.unlock();
        }
        if (wake) Poller.wakeAllIfRunning(fd);
        return new SocketException("Closed by interrupt");
    }

    private int wakeFd() throws ErrnoException {
        lock.lock();
        try {
            if (wakeFd < 0) {
                wakeFd = Sys.eventfd();
                fds.wakeFd = wakeFd;
                if (state != OPEN) Sys.signal(wakeFd);
            }
            return wakeFd;
        } finally {
            lock.unlock();
        }
    }

    /** Closes once: wakes waiters, waits for threads inside to leave, closes the fd. Idempotent. */
    public void close() throws ErrnoException {
        if (!stop(false)) return;
        cleanable.clean();  // closes wakeFd and fd, exactly once
    }

    /**
     * Stops using the fd without closing it: wakes waiters, waits for threads inside to leave, puts
     * the fd back in blocking mode, and returns it; the caller owns it from now on.
     */
    public int release() throws ErrnoException {
        // not a C call's failure, so no ErrnoException: the caller used a handle it had closed
        if (!stop(true)) throw new IllegalStateException("release: the socket is already closed");
        fds.fd = -1;
        cleanable.clean();  // closes only the eventfd now
        Sys.setNonBlocking(fd, false);
        return fd;
    }

    /** Stops the handle once; false when it is closed already (or, for a release, closing by interrupt). */
    private boolean stop(boolean release) {
        lock.lock();
        try {
            if (state == CLOSED) return false;
            if (state == OPEN) {
                state = CLOSING;
                if (wakeFd >= 0) Sys.signal(wakeFd);
            } else if (!closeOnIdle || release) {
                return false;  // another close() is waiting and will finish the job
            }
            closeOnIdle = false;  // this caller finishes it now, after the wait below
        } finally {
            lock.unlock();
        }
        Poller.wakeAllIfRunning(fd);
        lock.lock();
        try {
            // uninterruptibly: an interrupted closer would otherwise spin on await
            while (inside > 0) idle.awaitUninterruptibly();
            if (state == CLOSED) return false;
            state = CLOSED;
            return true;
        } finally {
            lock.unlock();
        }
    }
}
