package dev.rawsock;

import dev.rawsock.internal.Cmsg;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.MsgHdr;
import dev.rawsock.internal.Poller;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The one data-transfer loop behind both faces: {@link Rawsock} (the caller's fds, their blocking
 * mode kept) and {@link RawSocket} (an owned non-blocking fd with emulated blocking), and the
 * streams over either. Every operation checks its input, then runs {@link #run}: try the call; on
 * EAGAIN wait the face's way and try again. Heap memory is staged through the thread's
 * {@link Scratch} (never a fresh Arena per call), native memory goes straight through, and the
 * scratch is given back before any wait, so a parked virtual thread holds no native memory.
 *
 * <p>The one rule for when a call must not block in the kernel ({@link #nowait}): on the caller's
 * fd, a virtual thread (it would pin its carrier) unless the caller asked for MSG_DONTWAIT; on a
 * stream that keeps the caller's fd mode, always (close must be able to wake it). Such calls add
 * MSG_DONTWAIT (socket calls) or use preadv2/pwritev2 with RWF_NOWAIT (read, write, readv, writev),
 * so the fd's shared O_NONBLOCK flag is never touched; accept, which has no per-call flag, polls
 * first; connect, which has neither a flag nor a readiness to wait for first, runs on a platform
 * thread while the virtual thread parks ({@link #connect}).
 */
final class IoCore {
    private IoCore() {}

    /** What a call moves, which decides how it is checked and staged. */
    private enum Kind { DATA, VECTOR, MESSAGE, MESSAGES, BATCH, ACCEPT }

    /** The operations, named by the C function each one calls. */
    enum Op {
        SEND("send", true, Kind.DATA), RECV("recv", false, Kind.DATA),
        SENDTO("sendto", true, Kind.DATA), RECVFROM("recvfrom", false, Kind.DATA),
        READ("read", false, Kind.DATA), WRITE("write", true, Kind.DATA),
        READV("readv", false, Kind.VECTOR), WRITEV("writev", true, Kind.VECTOR),
        SENDMSG("sendmsg", true, Kind.MESSAGE), RECVMSG("recvmsg", false, Kind.MESSAGE),
        SENDMMSG("sendmmsg", true, Kind.MESSAGES), RECVMMSG("recvmmsg", false, Kind.MESSAGES),
        SEND_BATCH("sendmmsg", true, Kind.BATCH), RECV_BATCH("recvmmsg", false, Kind.BATCH),
        ACCEPT("accept", false, Kind.ACCEPT);

        final String function;
        final boolean output;
        private final Kind kind;

        Op(String function, boolean output, Kind kind) {
            this.function = function;
            this.output = output;
            this.kind = kind;
        }

        /** send, recv, sendto, recvfrom: one buffer and MSG_* flags ({@link #once} takes these). */
        boolean socketData() {
            return kind == Kind.DATA && takesMsgFlags();
        }

        /** read/write/readv/writev and accept take no MSG_* flags: MSG_DONTWAIT cannot make them non-blocking. */
        boolean takesMsgFlags() {
            return kind != Kind.ACCEPT && this != READ && this != WRITE && kind != Kind.VECTOR;
        }
    }

    /** Checks a [start, end) range of an array before any call. */
    static int range(int length, int start, int end) {
        Objects.checkFromToIndex(start, end, length);
        return end - start;
    }

    /**
     * An owned socket's (or a stream's) operation.
     * @param target what the data moves through: a MemorySegment, ByteBuffer or byte[] (DATA), a byte[][]
     *               (VECTOR), a Message, a Message[], a DatagramBatch; for ACCEPT nothing
     * @param addr   SENDTO's destination (null: none), RECVFROM's and ACCEPT's source (null: not wanted)
     * @param a      first iovec part (VECTOR, MESSAGE); accept4's flags (ACCEPT); a byte[]'s start (DATA)
     * @param b      end of the iovec parts (VECTOR, MESSAGE); message count (MESSAGES, BATCH); a byte[]'s end (DATA)
     * @return the kernel's count: bytes, messages, or for ACCEPT the new fd
     */
    static long io(FdHandle h, Op op, Object target, SockAddr addr, int a, int b, int flags) throws IOException {
        Objects.requireNonNull(h);
        if (op.socketData() && (target instanceof MemorySegment || target instanceof ByteBuffer || target instanceof byte[])) {
            long r = once(h, op, target, addr, a, b, flags);
            if (r >= 0) return r;
            return run(h, -1, op, target, addr, a, b, flags, true);
        }
        return run(h, -1, op, target, addr, a, b, flags, false);
    }

    /**
     * {@link #run}'s first try of send, recv, sendto or recvfrom on an owned fd; -1 when the fd was
     * not ready (run then waits before it tries again). The same checks and the same {@link #data}
     * call as run's: what this saves is a call into run, whose switches C2 could not fold for the one
     * operation. Measured on a 64-byte socketpair round trip, in one JVM alternating slices with bare
     * FFM downcalls: the library's share fell from 6-7% to 4%. Its bytecode is small enough to
     * inline, but C2 usually compiles it (or {@link #io}) on its own first, and the downcalls inlined
     * into it then make it too large to inline into callers: that call boundary, not the handle's
     * atomic adds, is most of what is left (docs/architecture.md, Performance rules).
     */
    private static long once(FdHandle h, Op op, Object target, SockAddr addr, int start, int end, int flags)
            throws IOException {
        ByteBuffer buf = target instanceof ByteBuffer bb ? bb : null;
        byte[] array = target instanceof byte[] x ? x : null;
        if (array == null) checkReceivable(op, target);
        int fd = h.begin(op.function);
        try (Scratch s = Scratch.acquire()) {
            if (array != null) return staged(s, fd, op, array, start, end, addr, flags);
            MemorySegment seg = buf != null ? s.segment(buf, op.output) : (MemorySegment) target;
            long r = data(s, true, fd, op, seg, seg.byteSize(), addr, flags, false);
            if (r >= 0) advance(buf, r);
            return r;
        } finally {
            h.end();
        }
    }

    /**
     * {@link #once} for {@code array[start..end)}: staged through the scratch buffer straight from
     * and to the array, with no heap segment to stand for it (one per call otherwise, since once is
     * compiled on its own and the segment escapes into it: 0 B/op is the rule).
     */
    private static long staged(Scratch s, int fd, Op op, byte[] array, int start, int end, SockAddr addr, int flags)
            throws ErrnoException {
        int len = end - start;
        MemorySegment m = s.buffer(len);
        if (op.output) MemorySegment.copy(array, start, m, JAVA_BYTE, 0, len);
        long r = data(s, true, fd, op, m, len, addr, flags, false);
        if (r > 0 && !op.output) MemorySegment.copy(m, JAVA_BYTE, 0, array, start, (int) Math.min(r, len));
        return r;
    }

    /** A DATA operation's buffer or segment: not null, and writable when the call receives into it. */
    private static void checkReceivable(Op op, Object target) {
        if (target instanceof ByteBuffer bb) {
            if (!op.output && bb.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only buffer");
        } else {
            MemorySegment seg = (MemorySegment) Objects.requireNonNull(target, "segment");
            if (!op.output && seg.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only segment");
        }
    }

    /** Moves a ByteBuffer's position past the {@code n} bytes a call moved (null: a segment, nothing to move). */
    private static void advance(ByteBuffer buf, long n) {
        if (buf != null) buf.position(buf.position() + (int) Math.min(n, buf.remaining()));
    }

    /** The same operation on the caller's fd: only system-call errors can happen there. */
    static long facade(int fd, Op op, Object target, SockAddr addr, int a, int b, int flags) throws ErrnoException {
        try {
            return run(null, fd, op, target, addr, a, b, flags, false);
        } catch (IOException e) {
            throw onlyErrno(e);
        }
    }

    /**
     * On a caller's fd only system calls can fail (there is no handle to close or time out), so an
     * IOException there is an ErrnoException; anything else is a bug in rawsock.
     */
    static ErrnoException onlyErrno(IOException e) {
        if (e instanceof ErrnoException ee) return ee;
        throw new IllegalStateException("unexpected on a caller's fd", e);
    }

    /**
     * One read or write for a stream: recv/send on a socket, read/write otherwise.
     * @return bytes moved; 0 at end of stream (read)
     */
    static long stream(FdHandle h, boolean socket, boolean write, MemorySegment data) throws IOException {
        Op op = write ? (socket ? Op.SEND : Op.WRITE) : (socket ? Op.RECV : Op.READ);
        return run(h, -1, op, data, null, 0, 0, 0, false);
    }

    /** The one rule: whether this call must not block in the kernel (see the class comment). */
    private static boolean nowait(FdHandle h, int flags) {
        if (h != null) return h.modeKept();
        return (flags & Consts.MSG_DONTWAIT) == 0 && Thread.currentThread().isVirtual();
    }

    /**
     * The one loop: checks, then try / wait / try again until the call moves something or fails;
     * {@code tried}: {@link #once} just found the fd not ready, so wait before the first try.
     */
    private static long run(FdHandle h, int fd, Op op, Object target, SockAddr addr, int a, int b, int flags,
                            boolean tried) throws IOException {
        ByteBuffer buf = null;
        MemorySegment data = null;
        switch (op.kind) {
            case DATA -> {
                // a byte[] (from RawSocket, whose once took the first try) as a heap segment: this
                // path waits anyway, so the segment it allocates costs nothing that matters
                if (target instanceof byte[] array) target = Rawsock.heap(array, a, b);
                checkReceivable(op, target);
                if (target instanceof ByteBuffer bb) {
                    buf = bb;
                    try (Scratch s = Scratch.acquire()) {
                        data = s.segment(bb, op.output);
                    }
                } else {
                    data = (MemorySegment) target;
                }
            }
            case VECTOR -> {
                byte[][] iov = (byte[][]) Objects.requireNonNull(target, "iovec");
                range(iov.length, a, b);  // as for a byte[] range (a Message's iovec range is IllegalArgumentException)
                checkParts(iov, a, b);
            }
            case MESSAGE -> checkMessage((Message) target, a, b, op.output);
            case MESSAGES -> {
                Message[] ms = (Message[]) Objects.requireNonNull(target, "messages");
                for (int i = 0; i < b; i++) {
                    Message m = ms[i];
                    if (m == null) throw nullElement("message", i);
                    checkMessage(m, 0, m.iovec().length, op.output);
                }
            }
            case BATCH -> {
                DatagramBatch batch = (DatagramBatch) Objects.requireNonNull(target, "batch");
                if (b < 0 || b > batch.count()) throw new IllegalArgumentException("n must be 0.." + batch.count() + ": " + b);
            }
            case ACCEPT -> { }
        }
        if (h == null) Sys.checkFd(fd);
        if ((op.kind == Kind.BATCH || op.kind == Kind.MESSAGES) && b == 0) return 0;
        if (op == Op.RECVMSG || op == Op.RECVMMSG) flags |= Consts.MSG_CMSG_CLOEXEC;
        // recvmmsg on a blocking fd would otherwise wait until all n arrived (recvmmsg(2) BUGS)
        if (h == null && (op == Op.RECVMMSG || op == Op.RECV_BATCH)) flags |= Consts.MSG_WAITFORONE;
        boolean nowait = nowait(h, flags);
        if (h != null) fd = h.begin(op.function);
        try {
            long deadline = tried ? awaitReady(h, fd, op, nowait, flags, 0) : 0;
            while (true) {
                int callFlags = nowait && op.takesMsgFlags() ? flags | Consts.MSG_DONTWAIT : flags;
                long r;
                try (Scratch s = Scratch.acquire()) {
                    r = attempt(s, h, fd, op, target, data, addr, a, b, callFlags, nowait);
                }
                if (r >= 0) {
                    advance(buf, r);
                    return r;
                }
                if (r == Sys.NOWAIT_UNSUPPORTED) {
                    // the fd refuses RWF_NOWAIT (a tty): wait for readiness, then the plain call
                    nowait = false;
                    if (h != null) {
                        if (deadline == 0) deadline = h.deadline();
                        h.await(op.output ? Consts.POLLOUT : Consts.POLLIN, deadline, op.function);
                    }
                    continue;
                }
                deadline = awaitReady(h, fd, op, nowait, flags, deadline);
            }
        } finally {
            if (h != null) h.end();
        }
    }

    /** One try of the call; -1 on EAGAIN (or, for a nowait accept, when nothing is pending). */
    private static long attempt(Scratch s, FdHandle h, int fd, Op op, Object target, MemorySegment data, SockAddr addr,
                                int a, int b, int flags, boolean nowait) throws ErrnoException {
        return switch (op.kind) {
            case DATA -> data(s, h != null, fd, op, data, data.byteSize(), addr, flags, nowait);
            case VECTOR -> vector(s, fd, op.output, (byte[][]) target, a, b, nowait);
            case MESSAGE -> message(s, fd, op.output, (Message) target, null, 1, a, b, flags, false);
            case MESSAGES -> message(s, fd, op.output, null, (Message[]) target, b, 0, 0, flags, true);
            case BATCH -> {
                DatagramBatch batch = (DatagramBatch) target;
                if (op.output) batch.prepareSend(b);
                else batch.prepareReceive(b);
                yield op.output ? Sys.sendmmsg(s, fd, batch.hdrs, b, flags) : Sys.recvmmsg(s, fd, batch.hdrs, b, flags);
            }
            case ACCEPT -> {
                // accept has no per-call flag: poll first; another thread taking the connection in
                // between makes this one wait in accept, as C would
                if (nowait && pollOnce(s, fd, Consts.POLLIN, 0) == 0) yield -1;
                int[] len = new int[1];
                int c = Sys.accept(fd, addr == null ? null : addr.storage, len, a);
                if (c >= 0 && addr != null) addr.filled(len[0]);
                yield c;
            }
        };
    }

    /**
     * send/recv/sendto/recvfrom/read/write of one segment. Kept under C2's inlining limit for hot
     * methods (325 bytecodes) so {@link #once} inlines it: sendto, recvfrom, read and write, which
     * need more, are in {@link #other}.
     */
    private static long data(Scratch s, boolean owned, int fd, Op op, MemorySegment data, long len, SockAddr addr,
                             int flags, boolean nowait) throws ErrnoException {
        MemorySegment m = data.isNative() ? data : s.buffer(len);
        if (m != data && op.output) MemorySegment.copy(data, 0, m, 0, len);
        // an owned fd's calls cannot block (its waits are in Java): critical downcalls
        long n = op == Op.SEND ? (owned ? Sys.sendNow(s, fd, m, len, flags) : Sys.send(s, fd, m, len, flags))
                : op == Op.RECV ? (owned ? Sys.recvNow(s, fd, m, len, flags) : Sys.recv(s, fd, m, len, flags))
                : other(s, owned, fd, op, m, len, addr, flags, nowait);
        if (n >= 0 && m != data && !op.output) MemorySegment.copy(m, 0, data, 0, Math.min(n, len));
        return n;
    }

    /** {@link #data}'s sendto, recvfrom, read and write, on native memory {@code m}. */
    private static long other(Scratch s, boolean owned, int fd, Op op, MemorySegment m, long len, SockAddr addr,
                              int flags, boolean nowait) throws ErrnoException {
        return switch (op) {
            case SENDTO -> {
                int alen = addr == null ? 0 : addr.size;  // read once: the length given is the length copied
                if (alen > 0) MemorySegment.copy(addr.storage, 0, s.addr, JAVA_BYTE, 0, alen);
                yield owned ? Sys.sendtoNow(s, fd, m, len, flags, alen) : Sys.sendto(s, fd, m, len, flags, alen);
            }
            case RECVFROM -> {
                long n = owned ? Sys.recvfromNow(s, fd, m, len, flags) : Sys.recvfrom(s, fd, m, len, flags);
                if (n >= 0 && addr != null) addr.filled(Sys.copyOut(s, addr.storage));
                yield n;
            }
            default -> {
                if (!nowait) yield op.output ? Sys.write(s, fd, m, len) : Sys.read(s, fd, m, len);
                MemorySegment iov = s.misc(IOV);
                MsgHdr.iovec(iov, 0, m.address(), len);
                yield Sys.rwNowait(s, fd, op.output, iov, 1);
            }
        };
    }

    /**
     * The one rule for a null where an array element must be: NullPointerException naming it, as
     * {@link Objects#requireNonNull} would (built only when thrown: the hot path allocates nothing).
     */
    private static NullPointerException nullElement(String what, int index) {
        return new NullPointerException(what + " " + index + " is null");
    }

    /** Checks iovec parts {@code start..end}: in range, at most IOV_MAX, none null. */
    private static void checkParts(byte[][] iov, int start, int end) {
        if (start < 0 || end > iov.length || start > end)
            throw new IllegalArgumentException("iovec range [" + start + ", " + end + ") outside 0.." + iov.length);
        if (end - start > Consts.IOV_MAX)
            throw new IllegalArgumentException((end - start) + " iovec parts, over IOV_MAX " + Consts.IOV_MAX);
        for (int i = start; i < end; i++) if (iov[i] == null) throw nullElement("iovec part", i);
    }

    /**
     * Takes each of iovec parts {@code start..end} once into {@code refs} from {@code at}, so every length the
     * kernel is given and every copy after the call come from the same arrays, whatever another thread
     * stores into {@code iov} meanwhile.
     * @return their total length
     */
    private static long snapshot(byte[][] iov, int start, int end, Object[] refs, int at) {
        long total = 0;
        for (int i = start; i < end; i++) {
            byte[] p = iov[i];
            if (p == null) throw nullElement("iovec part", i);
            refs[at + i - start] = p;
            total += p.length;
        }
        return total;
    }

    /** readv/writev: the iovec array and the data both staged in the scratch buffer. */
    private static long vector(Scratch s, int fd, boolean write, byte[][] iov, int start, int end, boolean nowait)
            throws ErrnoException {
        int count = end - start;
        Object[] parts = s.refs(count);
        long total = snapshot(iov, start, end, parts, 0);
        long vecBytes = count * IOV;
        MemorySegment all = s.buffer(vecBytes + total);
        long base = all.address(), off = vecBytes;
        for (int i = 0; i < count; i++) {
            byte[] p = (byte[]) parts[i];
            if (write) MemorySegment.copy(p, 0, all, JAVA_BYTE, off, p.length);
            MsgHdr.iovec(all, i * IOV, base + off, p.length);
            off += p.length;
        }
        long n = nowait ? Sys.rwNowait(s, fd, write, all, count) : write ? Sys.writev(s, fd, all, count) : Sys.readv(s, fd, all, count);
        if (n > 0 && !write) {
            long left = n, src = vecBytes;
            for (int i = 0; i < count && left > 0; i++) {
                byte[] p = (byte[]) parts[i];
                int k = (int) Math.min(left, p.length);
                MemorySegment.copy(all, JAVA_BYTE, src, p, 0, k);
                src += p.length;
                left -= k;
            }
        }
        return n;
    }

    /**
     * poll(2) on one fd with a timeout (ms, -1: none). A platform thread on the caller's fd waits in
     * poll(2) as C does; everyone else waits the face's way: an owned socket through its handle (an
     * interrupt closes it), the caller's fd on a virtual thread in the Poller (an interrupt ends
     * the wait with EINTR, the fd left open).
     */
    static int poll(FdHandle h, int fd, short events, int timeoutMillis) throws IOException {
        boolean facade = h == null;
        if (facade) Sys.checkFd(fd);
        else fd = h.begin("poll");
        try {
            long deadline = timeoutMillis < 0 ? 0 : System.nanoTime() + timeoutMillis * 1_000_000L;
            boolean waitHere = facade && !Thread.currentThread().isVirtual();
            // an owned socket on a platform thread, not interrupted, that may wait: the handle's own
            // poll(2) of the fd (beside its wake-up eventfd) answers at once when the fd is ready and
            // gives back its revents, one system call per wake-up instead of a try, a wait and a
            // try again (a capture waits here once per ring block)
            boolean waitInHandle = !facade && timeoutMillis != 0 && !Thread.currentThread().isVirtual()
                    && !Thread.currentThread().isInterrupted();
            while (waitInHandle) {
                int revents;
                try {
                    revents = h.await(events, deadline, "poll");
                } catch (SocketTimeoutException e) {
                    return 0;
                }
                if (revents != 0) return revents;
            }
            while (true) {
                int revents;
                try (Scratch s = Scratch.acquire()) {
                    revents = pollOnce(s, fd, events, waitHere ? timeoutMillis : 0);
                }
                if (revents != 0 || waitHere) return revents;
                long left = deadline == 0 ? 0 : deadline - System.nanoTime();
                if (deadline != 0 && left <= 0) return 0;
                if (facade) {
                    parkFacade(fd, events & 0xffff, left, "poll");
                } else {
                    try {
                        h.await(events, deadline, "poll");
                    } catch (SocketTimeoutException e) {
                        return 0;
                    }
                }
            }
        } finally {
            if (!facade) h.end();
        }
    }

    private static int pollOnce(Scratch s, int fd, short events, int timeoutMillis) throws ErrnoException {
        MemorySegment p = s.misc(8);
        p.set(JAVA_INT, Layouts.POLLFD_FD, fd);
        p.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, events);
        int r = Sys.poll(s, p, 1, timeoutMillis);
        return r <= 0 ? 0 : p.get(JAVA_SHORT, Layouts.POLLFD_REVENTS) & 0xffff;
    }

    /**
     * Parks a virtual thread on the caller's fd for up to {@code nanos} ({@code <= 0}: no limit).
     * epoll refuses what is always ready (EPERM: a regular file), so for those the thread just
     * sleeps out the time, as poll(2) would for an event that never comes. An interrupt ends the
     * wait with EINTR and leaves the fd open (it is the caller's).
     */
    private static void parkFacade(int fd, int events, long nanos, String function) throws ErrnoException {
        if (Thread.currentThread().isInterrupted()) throw new ErrnoException(function, Errno.EINTR, fd);
        try {
            Poller.get().await(fd, events, nanos);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EPERM) throw e;
            if (nanos > 0) LockSupport.parkNanos(nanos);
            else LockSupport.park();
        }
        if (Thread.currentThread().isInterrupted()) throw new ErrnoException(function, Errno.EINTR, fd);
    }

    /**
     * Waits the face's way after EAGAIN. The caller's fd: EAGAIN is the answer (as in C) unless
     * this call only avoided blocking for itself on a blocking fd; then it parks, bounded by the
     * socket's SO_RCVTIMEO/SO_SNDTIMEO as a blocking call would be (EAGAIN when it passes). An owned
     * fd waits through {@link FdHandle#await}. The error queue never blocks (MSG_ERRQUEUE gives
     * EAGAIN when empty, as in C).
     * @return the operation's deadline (computed on the first wait; 0: none)
     */
    private static long awaitReady(FdHandle h, int fd, Op op, boolean nowait, int flags, long deadline) throws IOException {
        String name = op.function;
        if ((flags & Consts.MSG_ERRQUEUE) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
        boolean out = op.output;
        if (h == null) {
            if (!nowait || (Sys.getFlags(fd) & Consts.O_NONBLOCK) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
            if (deadline == 0) {
                long t = Sys.socketTimeoutNanos(fd, out);
                deadline = t == 0 ? 0 : System.nanoTime() + t;
            }
            long left = 0;
            if (deadline != 0) {
                left = deadline - System.nanoTime();
                if (left <= 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
            }
            parkFacade(fd, out ? Consts.EPOLLOUT : Consts.EPOLLIN, left, name);
            return deadline;
        }
        if ((flags & Consts.MSG_DONTWAIT) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
        if (deadline == 0) deadline = h.deadline();
        h.await(out ? Consts.POLLOUT : Consts.POLLIN, deadline, name);
        return deadline;
    }

    /**
     * Platform threads for a blocking connect(2) or lingering close(2) asked for on a virtual thread: created when needed,
     * gone after a minute idle.
     */
    private static final ExecutorService CONNECTS = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("rawsock-connect-close").unstarted(r));

    /**
     * connect(2) on the caller's fd. On a blocking fd a virtual thread would pin its carrier for as
     * long as the handshake takes (minutes when SYNs go unanswered), and connect has no per-call
     * non-blocking flag: so the call runs on a platform thread while the virtual thread parks. An
     * interrupt ends the wait with EINTR and, as after a signal in C, the connection goes on being
     * made in the background; the fd stays the caller's.
     * @return 0, or the errno of a connection under way (EINPROGRESS on a non-blocking fd)
     */
    static int connect(int fd, SockAddr address) throws ErrnoException {
        Sys.checkFd(fd);
        Objects.requireNonNull(address, "address");
        int len = address.size;  // once: the length given is the length copied
        if (!Thread.currentThread().isVirtual() || (Sys.getFlags(fd) & Consts.O_NONBLOCK) != 0)
            return Sys.connect(fd, address.storage, len);
        byte[] sa = Arrays.copyOf(address.storage, len);  // the caller may reuse its SockAddr meanwhile
        Future<Integer> r = CONNECTS.submit(() -> Sys.connect(fd, sa, len));
        try {
            return r.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // the status stays set, as for every facade wait
            throw new ErrnoException("connect", Errno.EINTR, fd);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrnoException ee) throw ee;
            throw new IllegalStateException("connect failed unexpectedly", e.getCause());
        }
    }

    /**
     * close(2) on the caller's fd. A socket with SO_LINGER on blocks close(2) until its unsent data
     * is acknowledged or the linger time passes, which on a virtual thread would pin the carrier that
     * long: so that close runs on a platform thread while the virtual thread parks. It waits without
     * giving up on an interrupt (the status is kept): a close must not look failed, since a retry could
     * close a number another thread has just been given. Any other fd closes here at once.
     */
    static void close(int fd) throws ErrnoException {
        Sys.checkFd(fd);
        if (!Thread.currentThread().isVirtual() || !lingers(fd)) {
            Sys.close(fd);
            return;
        }
        Future<?> r = CONNECTS.submit(() -> {
            Sys.close(fd);
            return null;
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    r.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrnoException ee) throw ee;
            throw new IllegalStateException("close failed unexpectedly", e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Whether close(2) of {@code fd} may wait: a socket with SO_LINGER on and a time above 0. */
    private static boolean lingers(int fd) {
        try {
            Integer secs = Rawsock.socketOption(fd, SockOpt.SO_LINGER);
            return secs != null && secs > 0;
        } catch (ErrnoException notASocket) {
            return false;  // ENOTSOCK and the like: close(2) does not linger
        }
    }

    // ================================================================ messages

    private static final long MMSG = MsgHdr.SIZE;
    private static final long IOV = MsgHdr.IOV;
    private static final int NAME_SIZE = Layouts.SOCKADDR_STORAGE_SIZE;

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Checks one message before any call: parts {@code start..end} of its iovec exist, none is null,
     * at most IOV_MAX of them, and (on send) its control bytes are well-formed.
     */
    static void checkMessage(Message m, int start, int end, boolean send) {
        Objects.requireNonNull(m, "message");
        checkParts(m.iovec(), start, end);
        if (send) ControlMessage.checkOutgoing(m.control());
    }

    /**
     * sendmsg/recvmsg ({@code batch} false: the message {@code one}, iovec parts {@code start..end}) or
     * sendmmsg/recvmmsg ({@code batch} true: {@code msgs[0..n)}, each whole iovec; {@code one} null).
     * Every msghdr, iovec array, address, control buffer and data byte is staged in the one scratch
     * buffer, laid out from one snapshot (in the scratch's refs: the n messages, then per message its
     * address, its control buffer and its parts), so nothing the kernel is told comes from a second read.
     * @return bytes moved (single) or messages moved (batch); -1 on EAGAIN
     */
    private static long message(Scratch s, int fd, boolean send, Message one, Message[] msgs, int n, int start, int end,
                                int flags, boolean batch) throws ErrnoException {
        Object[] refs = s.refs(n);
        int refCount = n;
        for (int i = 0; i < n; i++) {
            Message m = one != null ? one : msgs[i];
            if (m == null) throw nullElement("message", i);
            refs[i] = m;
            refCount += 2 + (batch ? m.iovec().length : end - start);
        }
        refs = s.refs(refCount);
        long need = n * MMSG;
        int at = n;
        for (int i = 0; i < n; i++) {
            Message m = (Message) refs[i];
            byte[][] iov = m.iovec();
            int a = batch ? 0 : start, b = batch ? iov.length : end;
            SockAddr sa = m.addr();
            byte[] ctl = m.control();
            refs[at] = sa;
            refs[at + 1] = ctl;
            long total = snapshot(iov, a, b, refs, at + 2);
            need += align8((b - a) * IOV) + (sa != null ? NAME_SIZE : 0) + align8(ctl.length) + align8(total);
            at += 2 + b - a;
        }
        MemorySegment all = s.buffer(need);
        stage(all, send, refs, n, batch, end - start);
        long r;
        if (batch) r = send ? Sys.sendmmsg(s, fd, all, n, flags) : Sys.recvmmsg(s, fd, all, n, flags);
        else r = send ? Sys.sendmsg(s, fd, all, flags) : Sys.recvmsg(s, fd, all, flags);
        if (r >= 0) unstage(all, send, refs, n, batch ? (int) r : 1, batch, end - start, r);
        return r;
    }

    /** How many iovec parts message {@code i} of the snapshot has. */
    private static int parts(Object[] refs, int i, boolean batch, int single) {
        return batch ? ((Message) refs[i]).iovec().length : single;
    }

    /** Lays the messages out in {@code all}: mmsghdrs first, then each message's region. */
    private static void stage(MemorySegment all, boolean send, Object[] refs, int n, boolean batch, int single) {
        long base = all.address();
        long off = n * MMSG;
        int at = n;
        for (int i = 0; i < n; i++) {
            SockAddr sa = (SockAddr) refs[at];
            byte[] ctl = (byte[]) refs[at + 1];
            int parts = parts(refs, i, batch, single);
            long vec = off;
            off += align8(parts * IOV);
            long name = 0, control = 0;
            int nameLen = 0;
            if (sa != null) {
                nameLen = send ? sa.size : NAME_SIZE;  // read once, and never over the NAME_SIZE bytes reserved
                if (send) MemorySegment.copy(sa.storage, 0, all, JAVA_BYTE, off, nameLen);
                name = base + off;
                off += NAME_SIZE;
            }
            if (ctl.length > 0) {
                // on receive only the msg_controllen bytes the kernel wrote are read back: no need to clear
                if (send) MemorySegment.copy(ctl, 0, all, JAVA_BYTE, off, ctl.length);
                control = base + off;
            }
            MsgHdr.set(all, i * MMSG, name, nameLen, parts > 0 ? base + vec : 0L, parts, control, ctl.length);
            off += align8(ctl.length);
            for (int k = 0; k < parts; k++) {
                byte[] p = (byte[]) refs[at + 2 + k];
                if (send) MemorySegment.copy(p, 0, all, JAVA_BYTE, off, p.length);
                MsgHdr.iovec(all, vec + k * IOV, base + off, p.length);
                off += p.length;
            }
            off = align8(off);
            at += 2 + parts;
        }
    }

    /** Copies results back into the first {@code done} messages (data, address, control, flags, length). */
    private static void unstage(MemorySegment all, boolean send, Object[] refs, int n, int done, boolean batch, int single,
                                long r) {
        long off = n * MMSG;
        int at = n;
        // regions were laid out for the n messages passed in; walk them in the same order
        for (int i = 0; i < done; i++) {
            Message m = (Message) refs[i];
            SockAddr sa = (SockAddr) refs[at];
            byte[] ctl = (byte[]) refs[at + 1];
            int parts = parts(refs, i, batch, single);
            long hdr = i * MMSG;
            long moved = batch ? MsgHdr.moved(all, hdr) : r;
            off += align8(parts * IOV);
            if (sa != null) {
                if (!send) {
                    int len = Math.min(MsgHdr.nameLen(all, hdr), NAME_SIZE);
                    MemorySegment.copy(all, JAVA_BYTE, off, sa.storage, 0, Math.max(0, len));
                    sa.filled(Math.max(0, len));
                }
                off += NAME_SIZE;
            }
            long ctlOff = off;
            off += align8(ctl.length);
            long total = 0;
            if (send) {
                m.sent((int) Math.min(moved, Integer.MAX_VALUE));
                for (int k = 0; k < parts; k++) total += ((byte[]) refs[at + 2 + k]).length;
            } else {
                // the kernel echoes MSG_CMSG_CLOEXEC (a request, not news about the message): leave it out
                int mflags = MsgHdr.flags(all, hdr) & ~Consts.MSG_CMSG_CLOEXEC;
                long clen = ctl.length == 0 ? 0 : Math.min(MsgHdr.controlLen(all, hdr), ctl.length);
                if (clen < 0) clen = 0;
                if (clen > 0) {
                    if ((mflags & Consts.MSG_CTRUNC) != 0) Cmsg.closeCutFds(all.asSlice(ctlOff, ctl.length), clen);
                    MemorySegment.copy(all, JAVA_BYTE, ctlOff, ctl, 0, (int) clen);
                }
                long left = moved, src = off;
                for (int k = 0; k < parts; k++) {
                    byte[] p = (byte[]) refs[at + 2 + k];
                    int take = (int) Math.min(left, p.length);
                    if (take > 0) MemorySegment.copy(all, JAVA_BYTE, src, p, 0, take);
                    left -= take;
                    src += p.length;
                    total += p.length;
                }
                m.received((int) Math.min(moved, Integer.MAX_VALUE), mflags, (int) clen);
            }
            off = align8(off + total);
            at += 2 + parts;
        }
    }

    // ================================================================ try once, for event loops

    /** What the try-once calls return when the kernel said EAGAIN: neither a length nor end of stream. */
    static final int WOULD_BLOCK = -2;

    /**
     * One sendto/recvfrom on an owned fd that never waits: an event loop calls it on readiness and
     * goes back to its own epoll on {@link #WOULD_BLOCK}, so EAGAIN costs no exception.
     * @param addr destination (send; null: none) or filled with the sender (receive; null: not wanted)
     * @return bytes moved, or {@link #WOULD_BLOCK}
     */
    static long tryTransfer(FdHandle h, boolean send, MemorySegment data, int flags, SockAddr addr) throws ErrnoException {
        Objects.requireNonNull(data, "segment");
        if (!send && data.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only segment");
        return tryOnce(h, send ? Op.SENDTO : Op.RECVFROM, data, addr, 0, flags);
    }

    /**
     * One sendmmsg/recvmmsg of slots {@code 0..n)} on an owned fd that never waits.
     * @return datagrams moved, or {@link #WOULD_BLOCK}
     */
    static int tryBatch(FdHandle h, boolean send, DatagramBatch b, int n, int flags) throws ErrnoException {
        Objects.requireNonNull(b, "batch");
        if (n < 0 || n > b.count()) throw new IllegalArgumentException("n must be 0.." + b.count() + ": " + n);
        return (int) tryOnce(h, send ? Op.SEND_BATCH : Op.RECV_BATCH, b, null, n, flags | Consts.MSG_DONTWAIT);
    }

    /** One {@link #attempt} between begin and end, EAGAIN as {@link #WOULD_BLOCK}. */
    private static long tryOnce(FdHandle h, Op op, Object target, SockAddr addr, int b, int flags) throws ErrnoException {
        int fd = h.begin(op.function);
        try {
            if (op.kind == Kind.BATCH && b == 0) return 0;
            long r;
            try (Scratch s = Scratch.acquire()) {
                r = attempt(s, h, fd, op, target, op.kind == Kind.DATA ? (MemorySegment) target : null, addr, 0, b, flags, false);
            }
            return r < 0 ? WOULD_BLOCK : r;
        } finally {
            h.end();
        }
    }
}
