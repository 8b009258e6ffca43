package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.rawsock.internal.Errno.EAGAIN;
import static dev.rawsock.internal.Errno.EINTR;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The checked system calls both faces share: each calls its {@link Libc} binding, retries
 * {@code EINTR}, and turns any other failure into an {@link ErrnoException} naming the C function
 * and the fd. This is the one place where errno becomes an exception.
 *
 * <p>The I/O calls ({@code ...Io} suffix or taking a {@link Scratch}) return -1 for {@code EAGAIN}
 * instead of throwing, so that each face can wait its own way (the facade on the caller's blocking
 * fd; {@code RawSocket} with poll or the poller) and retry. Addresses are passed in C form:
 * a {@code byte[]} holding a sockaddr and its length; the scratch's {@link Scratch#addr} receives.
 */
public final class Sys {
    private Sys() {}

    /** True when the call returned -1 with EINTR (so: call again); throws for any other failure. */
    public static boolean retry(long r, Scratch s, String function, int fd) throws ErrnoException {
        if (r != -1) return false;
        int e = s.errno();
        if (e == EINTR) return true;
        throw new ErrnoException(function, e, fd);
    }

    /** Like {@link #retry} but lets EAGAIN/EWOULDBLOCK through: the caller sees r == -1 and waits. */
    public static boolean retryIo(long r, Scratch s, String function, int fd) throws ErrnoException {
        if (r != -1) return false;
        int e = s.errno();
        if (e == EINTR) return true;
        if (e == EAGAIN) return false;
        throw new ErrnoException(function, e, fd);
    }

    /** Rejects a negative fd before any call. */
    public static int checkFd(int fd) {
        if (fd < 0) throw new IllegalArgumentException("file descriptor must be >= 0: " + fd);
        return fd;
    }

    /** socket(2). */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.socket(s.errno, domain, type, protocol); while (retry(r, s, "socket", -1));
            return r;
        }
    }

    /** socketpair(2): the two fds. */
    public static int[] socketpair(int domain, int type, int protocol) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment sv = s.misc(8);
            int r;
            do r = Libc.socketpair(s.errno, domain, type, protocol, sv); while (retry(r, s, "socketpair", -1));
            return new int[] {sv.get(JAVA_INT, 0), sv.get(JAVA_INT, 4)};
        }
    }

    /** Copies a C sockaddr into the scratch's address area. */
    public static MemorySegment addr(Scratch s, byte[] sa, int len) {
        MemorySegment a = s.addr;
        MemorySegment.copy(sa, 0, a, JAVA_BYTE, 0, len);
        return a;
    }

    /** bind(2). */
    public static void bind(int fd, byte[] sa, int len) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment a = addr(s, sa, len);
            int r;
            do r = Libc.bind(s.errno, fd, a, len); while (retry(r, s, "bind", fd));
        }
    }

    /**
     * connect(2): 0 when connected, or the errno of a connection under way on a non-blocking fd
     * (EINPROGRESS, EAGAIN, EALREADY) for the caller to wait on.
     */
    public static int connect(int fd, byte[] sa, int len) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment a = addr(s, sa, len);
            while (true) {
                int r = Libc.connect(s.errno, fd, a, len);
                if (r == 0) return 0;
                int e = s.errno();
                if (e == EINTR) return Errno.EINPROGRESS;  // the kernel goes on connecting: wait for it
                if (e == Errno.EINPROGRESS || e == EAGAIN || e == Errno.EALREADY) return e;
                throw new ErrnoException("connect", e, fd);
            }
        }
    }

    /**
     * accept4(2): the new fd, or -1 on EAGAIN. When {@code into} is given it receives the peer's
     * sockaddr and the returned length is left in {@code lenOut[0]}.
     */
    public static int accept(int fd, byte[] into, int[] lenOut, int flags) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do {
                s.len.set(JAVA_INT, 0, Layouts.SOCKADDR_STORAGE_SIZE);
                r = Libc.accept4(s.errno, fd, s.addr, s.len, flags);
            } while (retryIo(r, s, "accept", fd));
            if (r >= 0 && into != null) lenOut[0] = copyOut(s, into);
            return r;
        }
    }

    /** Copies the scratch's returned sockaddr into {@code into}; returns the kernel's length (capped to the storage). */
    public static int copyOut(Scratch s, byte[] into) {
        int n = Math.min(s.len.get(JAVA_INT, 0), Math.min(into.length, Layouts.SOCKADDR_STORAGE_SIZE));
        MemorySegment.copy(s.addr, JAVA_BYTE, 0, into, 0, n);
        return n;
    }

    /** getsockname(2) into {@code into}; returns the length. */
    public static int getsockname(int fd, byte[] into) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do {
                s.len.set(JAVA_INT, 0, Layouts.SOCKADDR_STORAGE_SIZE);
                r = Libc.getsockname(s.errno, fd, s.addr, s.len);
            } while (retry(r, s, "getsockname", fd));
            return copyOut(s, into);
        }
    }

    /** getpeername(2) into {@code into}; returns the length. */
    public static int getpeername(int fd, byte[] into) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do {
                s.len.set(JAVA_INT, 0, Layouts.SOCKADDR_STORAGE_SIZE);
                r = Libc.getpeername(s.errno, fd, s.addr, s.len);
            } while (retry(r, s, "getpeername", fd));
            return copyOut(s, into);
        }
    }

    /** listen(2). */
    public static void listen(int fd, int backlog) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.listen(s.errno, fd, backlog); while (retry(r, s, "listen", fd));
        }
    }

    /** shutdown(2). */
    public static void shutdown(int fd, int how) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.shutdown(s.errno, fd, how); while (retry(r, s, "shutdown", fd));
        }
    }

    /** sockatmark(3). */
    public static boolean sockatmark(int fd) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.sockatmark(s.errno, fd); while (retry(r, s, "sockatmark", fd));
            return r == 1;
        }
    }

    /**
     * close(2). EINTR is not retried: on Linux the fd is released even then, and a retry could close
     * a number another thread has just been given.
     */
    public static void close(int fd) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r = Libc.close(s.errno, fd);
            if (r == -1 && s.errno() != EINTR) throw new ErrnoException("close", s.errno(), fd);
        }
    }

    /** close(2) for cleanup paths: never throws. */
    public static void closeQuietly(int fd) {
        if (fd < 0) return;
        try (Scratch s = Scratch.acquire()) {
            Libc.close(s.errno, fd);
        }
    }

    /** fcntl(F_GETFL). */
    public static int getFlags(int fd) throws ErrnoException {
        return fcntl(fd, Consts.F_GETFL, 0);
    }

    /** fcntl(2) with an int argument. */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.fcntl(s.errno, fd, cmd, arg); while (retry(r, s, "fcntl", fd));
            return r;
        }
    }

    /** Sets or clears O_NONBLOCK; returns whether it was set before. */
    public static boolean setNonBlocking(int fd, boolean on) throws ErrnoException {
        int fl = getFlags(fd);
        boolean was = (fl & Consts.O_NONBLOCK) != 0;
        if (was != on) fcntl(fd, Consts.F_SETFL, on ? fl | Consts.O_NONBLOCK : fl & ~Consts.O_NONBLOCK);
        return was;
    }

    /** dup(2) as F_DUPFD_CLOEXEC: a new fd for the same open socket, close-on-exec. */
    public static int dup(int fd) throws ErrnoException {
        return fcntl(fd, Consts.F_DUPFD_CLOEXEC, 0);
    }

    /** eventfd(2), non-blocking and close-on-exec. */
    public static int eventfd() throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.eventfd(s.errno, 0, Consts.EFD_CLOEXEC | Consts.EFD_NONBLOCK); while (retry(r, s, "eventfd", -1));
            return r;
        }
    }

    /** Adds 1 to an eventfd's counter, making it readable (wakes anyone polling it). */
    public static void signal(int eventfd) {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment one = s.misc(8);
            one.set(JAVA_LONG, 0, 1L);
            long r;
            do r = Libc.write(s.errno, eventfd, one, 8); while (r == -1 && s.errno() == EINTR);
        }
    }

    /** getsockopt(2) into {@code val}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int name, MemorySegment val, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            return getsockopt(s, fd, level, name, val, what);
        }
    }

    /** setsockopt(2) from {@code val} (its whole size). */
    public static void setsockopt(int fd, int level, int name, MemorySegment val, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            setsockopt(s, fd, level, name, val, what);
        }
    }

    /** getsockopt(2) into {@code val} with the caller's scratch (for errno and the length word); returns the length written. */
    public static int getsockopt(Scratch s, int fd, int level, int name, MemorySegment val, String what) throws ErrnoException {
        int r;
        do {
            s.len.set(JAVA_INT, 0, (int) val.byteSize());
            r = Libc.getsockopt(s.errno, fd, level, name, val, s.len);
        } while (retry(r, s, what, fd));
        return s.len.get(JAVA_INT, 0);
    }

    /** setsockopt(2) from {@code val} (its whole size) with the caller's scratch. */
    public static void setsockopt(Scratch s, int fd, int level, int name, MemorySegment val, String what) throws ErrnoException {
        int r;
        do r = Libc.setsockopt(s.errno, fd, level, name, val, (int) val.byteSize()); while (retry(r, s, what, fd));
    }

    /** ioctl(2) with a pointer argument (struct ifreq, ...), with the caller's scratch. */
    public static void ioctl(Scratch s, int fd, long request, MemorySegment arg, String what) throws ErrnoException {
        int r;
        do r = Libc.ioctl(s.errno, fd, request, arg); while (retry(r, s, what, fd));
    }

    /** An int-valued option (SO_ERROR, SO_TYPE, ...). */
    public static int getsockoptInt(int fd, int level, int name, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment v = s.misc(4);
            getsockopt(s, fd, level, name, v, what);
            return v.get(JAVA_INT, 0);
        }
    }

    /** Sets an int-valued option. */
    public static void setsockoptInt(int fd, int level, int name, int value, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment v = s.misc(4);
            v.set(JAVA_INT, 0, value);
            setsockopt(s, fd, level, name, v, what);
        }
    }

    /**
     * mmap(2) of {@code len} bytes of {@code fd} at offset 0: the mapping, as a zero-length segment
     * the caller reinterprets to {@code len} under its own arena.
     */
    public static MemorySegment mmap(long len, int prot, int flags, int fd) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment m;
            while (true) {
                m = Libc.mmap(s.errno, MemorySegment.NULL, len, prot, flags, fd, 0L);
                if (m.address() != -1L) return m;  // MAP_FAILED is (void *) -1
                if (s.errno() != EINTR) throw new ErrnoException("mmap", s.errno(), fd);
            }
        }
    }

    /** munmap(2). */
    public static void munmap(MemorySegment addr, long len) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.munmap(s.errno, addr, len); while (retry(r, s, "munmap", -1));
        }
    }

    /** ioctl(2) with a value argument ({@code TUNSETPERSIST} and friends). */
    public static void ioctlValue(int fd, long request, long arg, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.ioctlValue(s.errno, fd, request, arg); while (retry(r, s, what, fd));
        }
    }

    /** open(2) of {@code path} with {@code flags} (O_CLOEXEC always added); the new fd. */
    public static int open(String path, int flags) throws ErrnoException {
        try (Scratch s = Scratch.acquire(); Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            int r;
            do r = Libc.open(s.errno, p, flags | Consts.O_CLOEXEC, 0); while (retry(r, s, "open", -1));
            return r;
        }
    }

    /** setns(2) of the calling thread into the namespace open at {@code fd}. */
    public static void setns(int fd, int nstype) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.setns(s.errno, fd, nstype); while (retry(r, s, "setns", fd));
        }
    }

    /** ioctl(2) with a pointer argument; returns its non-negative result. */
    public static int ioctl(int fd, long request, MemorySegment arg, String what) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            int r;
            do r = Libc.ioctl(s.errno, fd, request, arg); while (retry(r, s, what, fd));
            return r;
        }
    }

    // ------------------------------------------------------------- I/O: -1 means EAGAIN

    /** send(2) on a native segment; -1 on EAGAIN. MSG_NOSIGNAL is always added. */
    public static long send(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do r = Libc.send(s.errno, fd, buf, len, flags | Consts.MSG_NOSIGNAL); while (retryIo(r, s, "send", fd));
        return r;
    }

    /** recv(2); -1 on EAGAIN. */
    public static long recv(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do r = Libc.recv(s.errno, fd, buf, len, flags); while (retryIo(r, s, "recv", fd));
        return r;
    }

    /** sendto(2) to the address in {@code s.addr} ({@code alen} bytes, 0 for none); -1 on EAGAIN. */
    public static long sendto(Scratch s, int fd, MemorySegment buf, long len, int flags, int alen) throws ErrnoException {
        MemorySegment a = alen == 0 ? MemorySegment.NULL : s.addr;
        long r;
        do r = Libc.sendto(s.errno, fd, buf, len, flags | Consts.MSG_NOSIGNAL, a, alen); while (retryIo(r, s, "sendto", fd));
        return r;
    }

    /** recvfrom(2); the sender lands in {@code s.addr}, its length in {@code s.len}; -1 on EAGAIN. */
    public static long recvfrom(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do {
            s.len.set(JAVA_INT, 0, Layouts.SOCKADDR_STORAGE_SIZE);
            r = Libc.recvfrom(s.errno, fd, buf, len, flags, s.addr, s.len);
        } while (retryIo(r, s, "recvfrom", fd));
        return r;
    }

    /**
     * send(2) that cannot block (MSG_DONTWAIT added), through the critical handle: for RawSocket's
     * owned non-blocking fds, whose waits happen in Java; -1 on EAGAIN.
     */
    public static long sendNow(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do r = Libc.sendCritical(s.errno, fd, buf, len, flags | Consts.MSG_NOSIGNAL | Consts.MSG_DONTWAIT);
        while (retryIo(r, s, "send", fd));
        return r;
    }

    /** recv(2) that cannot block, as {@link #sendNow}; -1 on EAGAIN. */
    public static long recvNow(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do r = Libc.recvCritical(s.errno, fd, buf, len, flags | Consts.MSG_DONTWAIT); while (retryIo(r, s, "recv", fd));
        return r;
    }

    /** sendto(2) that cannot block, as {@link #sendNow}, to {@code s.addr} ({@code alen} bytes, 0: none); -1 on EAGAIN. */
    public static long sendtoNow(Scratch s, int fd, MemorySegment buf, long len, int flags, int alen) throws ErrnoException {
        MemorySegment a = alen == 0 ? MemorySegment.NULL : s.addr;
        long r;
        do r = Libc.sendtoCritical(s.errno, fd, buf, len, flags | Consts.MSG_NOSIGNAL | Consts.MSG_DONTWAIT, a, alen);
        while (retryIo(r, s, "sendto", fd));
        return r;
    }

    /** recvfrom(2) that cannot block, as {@link #sendNow}; the sender lands in {@code s.addr}; -1 on EAGAIN. */
    public static long recvfromNow(Scratch s, int fd, MemorySegment buf, long len, int flags) throws ErrnoException {
        long r;
        do {
            s.len.set(JAVA_INT, 0, Layouts.SOCKADDR_STORAGE_SIZE);
            r = Libc.recvfromCritical(s.errno, fd, buf, len, flags | Consts.MSG_DONTWAIT, s.addr, s.len);
        } while (retryIo(r, s, "recvfrom", fd));
        return r;
    }

    /** read(2); -1 on EAGAIN. */
    public static long read(Scratch s, int fd, MemorySegment buf, long len) throws ErrnoException {
        long r;
        do r = Libc.read(s.errno, fd, buf, len); while (retryIo(r, s, "read", fd));
        return r;
    }

    /** write(2); -1 on EAGAIN. */
    public static long write(Scratch s, int fd, MemorySegment buf, long len) throws ErrnoException {
        long r;
        do r = Libc.write(s.errno, fd, buf, len); while (retryIo(r, s, "write", fd));
        return r;
    }

    /** readv(2) over {@code iovcnt} iovecs at {@code iov}; -1 on EAGAIN. */
    public static long readv(Scratch s, int fd, MemorySegment iov, int iovcnt) throws ErrnoException {
        long r;
        do r = Libc.readv(s.errno, fd, iov, iovcnt); while (retryIo(r, s, "readv", fd));
        return r;
    }

    /** writev(2); -1 on EAGAIN. */
    public static long writev(Scratch s, int fd, MemorySegment iov, int iovcnt) throws ErrnoException {
        long r;
        do r = Libc.writev(s.errno, fd, iov, iovcnt); while (retryIo(r, s, "writev", fd));
        return r;
    }

    /** What {@link #rwNowait} returns when the fd does not take RWF_NOWAIT (EOPNOTSUPP: a tty, some files). */
    public static final long NOWAIT_UNSUPPORTED = -2;

    /**
     * preadv2(2)/pwritev2(2) at the file position with RWF_NOWAIT: a read or write that never blocks,
     * without touching the fd's O_NONBLOCK flag (which a dup shares with the caller). -1 on EAGAIN,
     * {@link #NOWAIT_UNSUPPORTED} when the fd refuses the flag.
     */
    public static long rwNowait(Scratch s, int fd, boolean write, MemorySegment iov, int iovcnt) throws ErrnoException {
        long r;
        do r = write ? Libc.pwritev2(s.errno, fd, iov, iovcnt, -1L, Consts.RWF_NOWAIT)
                     : Libc.preadv2(s.errno, fd, iov, iovcnt, -1L, Consts.RWF_NOWAIT);
        while (r == -1 && s.errno() == EINTR);
        if (r != -1) return r;
        int e = s.errno();
        if (e == EAGAIN) return -1;
        if (e == Errno.EOPNOTSUPP) return NOWAIT_UNSUPPORTED;
        throw new ErrnoException(write ? "pwritev2" : "preadv2", e, fd);
    }

    /**
     * The socket's SO_RCVTIMEO ({@code send} false) or SO_SNDTIMEO in nanoseconds; 0 when none is
     * set or the fd is not a socket.
     */
    public static long socketTimeoutNanos(int fd, boolean send) {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment tv = s.misc(Layouts.TIMEVAL.byteSize());
            int r = Libc.getsockopt(s.errno, fd, Consts.SOL_SOCKET, send ? Consts.SO_SNDTIMEO : Consts.SO_RCVTIMEO, tv, lenOf(s, tv));
            if (r != 0) return 0;
            long sec = tv.get(JAVA_LONG, 0), usec = tv.get(JAVA_LONG, 8);
            if (sec < 0 || usec < 0) return 0;
            return sec >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2 : sec * 1_000_000_000L + usec * 1_000L;
        }
    }

    private static MemorySegment lenOf(Scratch s, MemorySegment val) {
        s.len.set(JAVA_INT, 0, (int) val.byteSize());
        return s.len;
    }

    /** sendmsg(2) on a filled msghdr; -1 on EAGAIN. MSG_NOSIGNAL is always added. */
    public static long sendmsg(Scratch s, int fd, MemorySegment msghdr, int flags) throws ErrnoException {
        long r;
        do r = Libc.sendmsg(s.errno, fd, msghdr, flags | Consts.MSG_NOSIGNAL); while (retryIo(r, s, "sendmsg", fd));
        return r;
    }

    /** recvmsg(2) on a filled msghdr; -1 on EAGAIN. */
    public static long recvmsg(Scratch s, int fd, MemorySegment msghdr, int flags) throws ErrnoException {
        long r;
        do r = Libc.recvmsg(s.errno, fd, msghdr, flags); while (retryIo(r, s, "recvmsg", fd));
        return r;
    }

    /**
     * poll(2) on {@code nfds} pollfds; returns the count ready, 0 on timeout, and also 0 when a
     * signal cut the wait short (callers loop on their own deadline).
     */
    public static int poll(Scratch s, MemorySegment fds, int nfds, int timeoutMillis) throws ErrnoException {
        int r = Libc.poll(s.errno, fds, nfds, timeoutMillis);
        if (r == -1) {
            if (s.errno() == EINTR) return 0;
            throw new ErrnoException("poll", s.errno(), fds.get(JAVA_INT, Layouts.POLLFD_FD));
        }
        return r;
    }

    // ------------------------------------------------------------- messages (issue 3)

    /** sendmmsg(2) over {@code vlen} mmsghdrs; the count sent, -1 on EAGAIN. MSG_NOSIGNAL is always added. */
    public static int sendmmsg(Scratch s, int fd, MemorySegment vec, int vlen, int flags) throws ErrnoException {
        int r;
        do r = Libc.sendmmsg(s.errno, fd, vec, vlen, flags | Consts.MSG_NOSIGNAL); while (retryIo(r, s, "sendmmsg", fd));
        return r;
    }

    /** recvmmsg(2) over {@code vlen} mmsghdrs, no timeout; the count received, -1 on EAGAIN. */
    public static int recvmmsg(Scratch s, int fd, MemorySegment vec, int vlen, int flags) throws ErrnoException {
        int r;
        do r = Libc.recvmmsg(s.errno, fd, vec, vlen, flags, MemorySegment.NULL); while (retryIo(r, s, "recvmmsg", fd));
        return r;
    }
}
