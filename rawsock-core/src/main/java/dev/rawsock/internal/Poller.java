package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one epoll thread that parks and wakes virtual threads, the way the JDK's own
 * {@code sun.nio.ch.Poller} does: a virtual thread that must wait for a socket registers the fd here
 * (EPOLLONESHOT) and parks, so it never blocks its carrier in native code. The poller thread, a
 * daemon platform thread, sits in {@code epoll_wait(2)} and unparks every thread waiting on an fd
 * that became ready. Waking is a hint: woken threads retry their call and wait again on EAGAIN.
 */
public final class Poller {
    private static final int MAX_EVENTS = 64;

    private final int epfd;
    private final Object lock = new Object();
    /** fd -> threads parked on it; guarded by lock. */
    private final Map<Integer, List<Thread>> waiters = new HashMap<>();
    /** fd -> union of the events those threads want; guarded by lock. */
    private final Map<Integer, Integer> interest = new HashMap<>();
    /** fds currently in the epoll set (maybe disarmed by ONESHOT); guarded by lock. */
    private final Set<Integer> added = new HashSet<>();
    private final MemorySegment ctlEvent = Arena.global().allocate(Layouts.EPOLL_EVENT);
    private final MemorySegment ctlErrno = Arena.global().allocate(Libc.CAPTURE_LAYOUT);

    private static volatile Poller instance;

    /**
     * The poller, started on first use. When it cannot start (epoll_create1 fails, EMFILE when the
     * process is out of fds) the caller gets that error and the next call tries again.
     */
    public static Poller get() throws ErrnoException {
        Poller p = instance;
        if (p != null) return p;
        synchronized (Poller.class) {
            if (instance == null) instance = start();
            return instance;
        }
    }

    /** {@link #wakeAll} when the poller runs at all (nobody can be parked in it otherwise). */
    public static void wakeAllIfRunning(int fd) {
        Poller p = instance;
        if (p != null) p.wakeAll(fd);
    }

    private static Poller start() throws ErrnoException {
        int ep;
        try (Scratch s = Scratch.acquire()) {
            do ep = Libc.epoll_create1(s.errno, Consts.EPOLL_CLOEXEC); while (Sys.retry(ep, s, "epoll_create1", -1));
        }
        Poller p = new Poller(ep);
        Thread t = Thread.ofPlatform().daemon().name("rawsock-poller").unstarted(p::run);
        t.start();
        return p;
    }

    private Poller(int epfd) {
        this.epfd = epfd;
    }

    /**
     * Parks the current thread until {@code fd} may have one of {@code events} (EPOLL* bits), until
     * {@code nanos} pass ({@code <= 0}: no limit), until {@link #wakeAll} for the fd, or at once when
     * the thread is interrupted (park does not wait then). Spurious returns are allowed: the caller
     * retries its call and checks its own state, deadline and interrupt status.
     */
    public void await(int fd, int events, long nanos) throws ErrnoException {
        await(fd, events, nanos, null);
    }

    /**
     * As {@link #await(int, int, long)}, but parks only if {@code stillWanted} (checked after the
     * registration, so that a {@link #wakeAll} racing with it cannot be missed) is true.
     */
    public void await(int fd, int events, long nanos, BooleanSupplier stillWanted) throws ErrnoException {
        Thread me = Thread.currentThread();
        register(fd, events, me);
        try {
            if (stillWanted != null && !stillWanted.getAsBoolean()) return;
            if (nanos > 0) LockSupport.parkNanos(this, nanos);
            else LockSupport.park(this);
        } finally {
            deregister(fd, me);
        }
    }

    /** Registers before parking, so a wake-up that comes between the two is not lost (park's permit). */
    private void register(int fd, int events, Thread t) throws ErrnoException {
        synchronized (lock) {
            waiters.computeIfAbsent(fd, k -> new ArrayList<>(2)).add(t);
            int want = interest.getOrDefault(fd, 0) | events;
            interest.put(fd, want);
            arm(fd, want);
        }
    }

    private void deregister(int fd, Thread t) {
        synchronized (lock) {
            List<Thread> ws = waiters.get(fd);
            if (ws != null) {
                ws.remove(t);
                if (ws.isEmpty()) {
                    waiters.remove(fd);
                    interest.remove(fd);
                }
            }
        }
    }

    /** epoll_ctl MOD, or ADD when the fd is not (or no longer) in the set; guarded by lock. */
    private void arm(int fd, int events) throws ErrnoException {
        ctlEvent.set(JAVA_INT, Layouts.EPOLL_EVENTS, events | Consts.EPOLLONESHOT);
        ctlEvent.set(JAVA_LONG.withByteAlignment(4), Layouts.EPOLL_DATA, fd);
        int op = added.contains(fd) ? Consts.EPOLL_CTL_MOD : Consts.EPOLL_CTL_ADD;
        for (int attempt = 0; attempt < 3; attempt++) {
            int r = Libc.epoll_ctl(ctlErrno, epfd, op, fd, ctlEvent);
            if (r == 0) {
                added.add(fd);
                return;
            }
            int e = Libc.errno(ctlErrno);
            if (e == Errno.ENOENT) op = Consts.EPOLL_CTL_ADD;        // closed and reopened under the same number
            else if (e == Errno.EEXIST) op = Consts.EPOLL_CTL_MOD;
            else if (e != Errno.EINTR) {
                added.remove(fd);
                throw new ErrnoException("epoll_ctl", e, fd);
            }
        }
        throw new ErrnoException("epoll_ctl", Errno.EINVAL, fd);
    }

    /**
     * Wakes every thread waiting on {@code fd} and drops the fd from the epoll set; called before the
     * fd is closed, so that no registration outlives it.
     */
    public void wakeAll(int fd) {
        List<Thread> ws;
        synchronized (lock) {
            ws = waiters.remove(fd);
            interest.remove(fd);
            if (added.remove(fd)) Libc.epoll_ctl(ctlErrno, epfd, Consts.EPOLL_CTL_DEL, fd, ctlEvent);
        }
        if (ws != null) for (Thread t : ws) LockSupport.unpark(t);
    }

    private void run() {
        MemorySegment events = Arena.global().allocate(Layouts.EPOLL_EVENT, MAX_EVENTS);
        MemorySegment errno = Arena.global().allocate(Libc.CAPTURE_LAYOUT);
        long stride = Layouts.EPOLL_EVENT.byteSize();
        List<Thread> ready = new ArrayList<>();
        while (true) {
            int n = Libc.epoll_wait(errno, epfd, events, MAX_EVENTS, -1);
            if (n <= 0) continue;  // EINTR: wait again
            synchronized (lock) {
                for (int i = 0; i < n; i++) {
                    int fd = (int) events.get(JAVA_LONG.withByteAlignment(4), i * stride + Layouts.EPOLL_DATA);
                    interest.remove(fd);  // ONESHOT: disarmed until someone registers again
                    List<Thread> ws = waiters.get(fd);
                    if (ws != null) ready.addAll(ws);
                }
            }
            for (Thread t : ready) LockSupport.unpark(t);
            ready.clear();
        }
    }
}
