package dev.rawsock;

import dev.rawsock.internal.Cmsg;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.Poller;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The one data-transfer loop behind both faces: {@link Rawsock} (the caller's fds, their blocking
 * mode kept) and {@link RawSocket} (an owned non-blocking fd with emulated blocking). It stages heap
 * memory through the thread's {@link Scratch} (never a fresh Arena per call), passes native memory
 * straight through, and on EAGAIN waits the face's way with the scratch given back first, so a
 * parked virtual thread holds no native memory.
 */
final class IoCore {
    private IoCore() {}

    static final int SEND = 0, RECV = 1, SENDTO = 2, RECVFROM = 3, READ = 4, WRITE = 5;
    private static final String[] NAME = {"send", "recv", "sendto", "recvfrom", "read", "write"};

    private static boolean output(int op) {
        return op == SEND || op == SENDTO || op == WRITE;
    }

    private static boolean hasFlags(int op) {
        return op <= RECVFROM;
    }

    /** Checks a [start, end) range of an array before any call. */
    static int range(int length, int start, int end) {
        Objects.checkFromToIndex(start, end, length);
        return end - start;
    }

    /**
     * Moves bytes between {@code data} and the socket.
     * @param h      the owning handle, or null for the facade (then {@code fd} is the caller's)
     * @param addr   destination for SENDTO (null: none), filled with the source for RECVFROM (null: not wanted)
     * @return the byte count the kernel returned (for recv with MSG_TRUNC, maybe more than {@code data} holds)
     */
    static long transfer(FdHandle h, int fd, int op, MemorySegment data, int flags, SockAddr addr) throws IOException {
        boolean facade = h == null;
        // A virtual thread on the facade: never block the carrier in recv/send; poll via the Poller instead.
        boolean emulate = facade && hasFlags(op) && (flags & Consts.MSG_DONTWAIT) == 0 && Thread.currentThread().isVirtual();
        int callFlags = emulate ? flags | Consts.MSG_DONTWAIT : flags;
        long deadline = 0;
        if (!facade) fd = h.begin(NAME[op]);
        try {
            while (true) {
                try (Scratch s = Scratch.acquire()) {
                    long len = data.byteSize();
                    MemorySegment m = data.isNative() ? data : s.buffer(len);
                    if (m != data && output(op)) MemorySegment.copy(data, 0, m, 0, len);
                    long n = switch (op) {
                        // The owned fd's calls cannot block (its waits are in Java): critical downcalls.
                        case SEND -> facade ? Sys.send(s, fd, m, len, callFlags) : Sys.sendNow(s, fd, m, len, callFlags);
                        case RECV -> facade ? Sys.recv(s, fd, m, len, callFlags) : Sys.recvNow(s, fd, m, len, callFlags);
                        case SENDTO -> {
                            int alen = 0;
                            if (addr != null) {
                                MemorySegment.copy(addr.storage, 0, s.addr, JAVA_BYTE, 0, addr.size);
                                alen = addr.size;
                            }
                            yield facade ? Sys.sendto(s, fd, m, len, callFlags, alen) : Sys.sendtoNow(s, fd, m, len, callFlags, alen);
                        }
                        case RECVFROM -> facade ? Sys.recvfrom(s, fd, m, len, callFlags) : Sys.recvfromNow(s, fd, m, len, callFlags);
                        case READ -> Sys.read(s, fd, m, len);
                        default -> Sys.write(s, fd, m, len);
                    };
                    if (n >= 0) {
                        if (m != data && !output(op)) MemorySegment.copy(m, 0, data, 0, Math.min(n, len));
                        if (op == RECVFROM && addr != null) fill(addr, s);
                        return n;
                    }
                }
                deadline = awaitReady(h, fd, output(op), emulate, flags, deadline, NAME[op]);
            }
        } finally {
            if (!facade) h.end();
        }
    }

    /** The facade form: only system-call errors can happen. */
    static long facade(int fd, int op, MemorySegment data, int flags, SockAddr addr) throws ErrnoException {
        Sys.checkFd(fd);
        try {
            return transfer(null, fd, op, data, flags, addr);
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

    /** The SockAddr the kernel wrote into the scratch's address area. */
    static void fill(SockAddr into, Scratch s) {
        into.filled(Sys.copyOut(s, into.storage));
    }

    /** {@link #transfer} over a ByteBuffer's position..limit, advancing the position by the bytes moved. */
    static int transfer(FdHandle h, int fd, int op, ByteBuffer buf, int flags, SockAddr addr) throws IOException {
        if (!output(op) && buf.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only buffer");
        MemorySegment seg;
        try (Scratch s = Scratch.acquire()) {
            seg = s.segment(buf, output(op));
        }
        long n = transfer(h, fd, op, seg, flags, addr);
        buf.position(buf.position() + (int) Math.min(n, buf.remaining()));
        return (int) n;
    }

    /**
     * readv/writev over the parts {@code start..end} of {@code iov} (each whole array); the iovec
     * array and any staging live in the scratch buffer.
     */
    static long vector(FdHandle h, int fd, boolean write, byte[][] iov, int start, int end) throws IOException {
        int count = range(iov.length, start, end);
        if (count > Consts.IOV_MAX) throw new IllegalArgumentException(count + " iovec parts, over IOV_MAX " + Consts.IOV_MAX);
        long total = 0;
        for (int i = start; i < end; i++) {
            if (iov[i] == null) throw new NullPointerException("iovec part " + i + " is null");
            total += iov[i].length;
        }
        String name = write ? "writev" : "readv";
        boolean facade = h == null;
        if (facade) Sys.checkFd(fd);
        long deadline = 0;
        if (!facade) fd = h.begin(name);
        try {
            while (true) {
                try (Scratch s = Scratch.acquire()) {
                    long vecBytes = count * Layouts.IOVEC.byteSize();
                    MemorySegment all = s.buffer(vecBytes + total);
                    MemorySegment vec = all.asSlice(0, vecBytes);
                    long off = vecBytes;
                    for (int i = start; i < end; i++) {
                        MemorySegment part = all.asSlice(off, iov[i].length);
                        if (write) MemorySegment.copy(iov[i], 0, part, JAVA_BYTE, 0, iov[i].length);
                        long at = (i - start) * Layouts.IOVEC.byteSize();
                        vec.set(ADDRESS, at + Layouts.IOV_BASE, part);
                        vec.set(JAVA_LONG, at + Layouts.IOV_LEN, iov[i].length);
                        off += iov[i].length;
                    }
                    long n = write ? Sys.writev(s, fd, vec, count) : Sys.readv(s, fd, vec, count);
                    if (n >= 0) {
                        if (!write) {
                            long left = n, src = vecBytes;
                            for (int i = start; i < end && left > 0; i++) {
                                int k = (int) Math.min(left, iov[i].length);
                                MemorySegment.copy(all, JAVA_BYTE, src, iov[i], 0, k);
                                src += iov[i].length;
                                left -= k;
                            }
                        }
                        return n;
                    }
                }
                deadline = awaitReady(h, fd, write, false, 0, deadline, name);
            }
        } finally {
            if (!facade) h.end();
        }
    }

    /** The facade's readv/writev. */
    static long vectorFacade(int fd, boolean write, byte[][] iov, int start, int end) throws ErrnoException {
        try {
            return vector(null, fd, write, iov, start, end);
        } catch (IOException e) {
            throw onlyErrno(e);
        }
    }

    /** poll(2) on one fd with a timeout (ms, -1: none); on a virtual thread the wait parks in the Poller. */
    static int poll(FdHandle h, int fd, short events, int timeoutMillis) throws IOException {
        boolean facade = h == null;
        if (facade) Sys.checkFd(fd);
        else fd = h.begin("poll");
        try {
            long deadline = timeoutMillis < 0 ? 0 : System.nanoTime() + timeoutMillis * 1_000_000L;
            boolean waitHere = !Thread.currentThread().isVirtual() && facade;
            while (true) {
                int revents = pollOnce(fd, events, waitHere ? timeoutMillis : 0);
                if (revents != 0 || waitHere) return revents;
                long left = deadline == 0 ? 0 : deadline - System.nanoTime();
                if (deadline != 0 && left <= 0) return 0;
                if (facade) Poller.get().await(fd, events & 0xffff, left);
                else {
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

    private static int pollOnce(int fd, short events, int timeoutMillis) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment p = s.misc(8);
            p.set(JAVA_INT, Layouts.POLLFD_FD, fd);
            p.set(JAVA_SHORT, Layouts.POLLFD_EVENTS, events);
            int r = Sys.poll(s, p, 1, timeoutMillis);
            return r <= 0 ? 0 : p.get(JAVA_SHORT, Layouts.POLLFD_REVENTS) & 0xffff;
        }
    }

    // ================================================================ messages, batches, streams (issue 3)

    private static final long MMSG = Layouts.MMSGHDR.byteSize();
    private static final long IOV = Layouts.IOVEC.byteSize();
    private static final int NAME_SIZE = Layouts.SOCKADDR_STORAGE_SIZE;

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Checks one message before any call: parts {@code start..end} of its iovec exist, none is null,
     * at most IOV_MAX of them, and (on send) its control bytes are well-formed.
     * @return the total data bytes of those parts
     */
    static long checkMessage(Message m, int start, int end, boolean send) {
        if (m == null) throw new IllegalArgumentException("message is null");
        byte[][] iov = m.iovec();
        if (start < 0 || end > iov.length || start > end)
            throw new IllegalArgumentException("iovec range [" + start + ", " + end + ") outside 0.." + iov.length);
        if (end - start > Consts.IOV_MAX)
            throw new IllegalArgumentException((end - start) + " iovec parts, over IOV_MAX " + Consts.IOV_MAX);
        long total = 0;
        for (int i = start; i < end; i++) {
            if (iov[i] == null) throw new IllegalArgumentException("iovec part " + i + " is null");
            total += iov[i].length;
        }
        if (send) ControlMessage.checkOutgoing(m.control());
        return total;
    }

    /** Scratch bytes one message takes after its mmsghdr: iovec array, name, control, data. */
    private static long region(Message m, int start, int end, long total) {
        return align8((end - start) * IOV) + (m.addr() != null ? NAME_SIZE : 0) + align8(m.control().length) + align8(total);
    }

    /**
     * sendmsg/recvmsg ({@code batch} false: the message {@code one}, iovec parts {@code start..end}) or
     * sendmmsg/recvmmsg ({@code batch} true: {@code msgs[0..n)}, each whole iovec; {@code one} null).
     * A single message is passed alone, not in an array, so the call allocates nothing once warm. Every msghdr,
     * iovec array, address, control buffer and data byte is staged in the one scratch buffer.
     * @return bytes moved (single) or messages moved (batch)
     */
    static long message(FdHandle h, int fd, boolean send, Message one, Message[] msgs, int n, int start, int end, int flags,
                        boolean batch) throws IOException {
        String name = batch ? (send ? "sendmmsg" : "recvmmsg") : (send ? "sendmsg" : "recvmsg");
        if (!batch && one == null) throw new IllegalArgumentException("message is null");
        long need = n * MMSG;
        for (int i = 0; i < n; i++) {
            Message m = one != null ? one : msgs[i];
            int a = batch ? 0 : start, b = batch ? (m == null ? 0 : m.iovec().length) : end;
            need += region(m, a, b, checkMessage(m, a, b, send));
        }
        boolean facade = h == null;
        if (facade) Sys.checkFd(fd);
        if (!send) flags |= Consts.MSG_CMSG_CLOEXEC;
        // recvmmsg on a blocking fd would otherwise wait until all n arrived (recvmmsg(2) BUGS)
        if (batch && !send && facade) flags |= Consts.MSG_WAITFORONE;
        boolean emulate = facade && (flags & Consts.MSG_DONTWAIT) == 0 && Thread.currentThread().isVirtual();
        int callFlags = emulate ? flags | Consts.MSG_DONTWAIT : flags;
        long deadline = 0;
        if (!facade) fd = h.begin(name);
        try {
            while (true) {
                try (Scratch s = Scratch.acquire()) {
                    MemorySegment all = s.buffer(need);
                    stage(all, send, one, msgs, n, start, end, batch);
                    long r;
                    if (batch) r = send ? Sys.sendmmsg(s, fd, all, n, callFlags) : Sys.recvmmsg(s, fd, all, n, callFlags);
                    else r = send ? Sys.sendmsg(s, fd, all, callFlags) : Sys.recvmsg(s, fd, all, callFlags);
                    if (r >= 0) {
                        unstage(all, send, one, msgs, n, batch ? (int) r : 1, start, end, batch, r);
                        return r;
                    }
                }
                deadline = awaitReady(h, fd, send, emulate, flags, deadline, name);
            }
        } finally {
            if (!facade) h.end();
        }
    }

    /** Lays the messages out in {@code all}: mmsghdrs first, then each message's region. */
    private static void stage(MemorySegment all, boolean send, Message one, Message[] msgs, int n, int start, int end, boolean batch) {
        // pointers are written as 64-bit addresses (LP64: a pointer is a long), so staging makes no slice objects
        long base = all.address();
        long off = n * MMSG;
        for (int i = 0; i < n; i++) {
            Message m = one != null ? one : msgs[i];
            byte[][] iov = m.iovec();
            int a = batch ? 0 : start, b = batch ? iov.length : end;
            long hdr = i * MMSG;
            long vec = off;
            off += align8((b - a) * IOV);
            SockAddr sa = m.addr();
            if (sa != null) {
                if (send) MemorySegment.copy(sa.storage, 0, all, JAVA_BYTE, off, sa.size);
                all.set(JAVA_LONG, hdr + Layouts.MSG_NAME, base + off);
                all.set(JAVA_INT, hdr + Layouts.MSG_NAMELEN, send ? sa.size : NAME_SIZE);
                off += NAME_SIZE;
            } else {
                all.set(JAVA_LONG, hdr + Layouts.MSG_NAME, 0L);
                all.set(JAVA_INT, hdr + Layouts.MSG_NAMELEN, 0);
            }
            all.set(JAVA_LONG, hdr + Layouts.MSG_IOV, b > a ? base + vec : 0L);
            all.set(JAVA_LONG, hdr + Layouts.MSG_IOVLEN, b - a);
            byte[] ctl = m.control();
            if (ctl.length > 0) {
                // on receive only the msg_controllen bytes the kernel wrote are read back: no need to clear
                if (send) MemorySegment.copy(ctl, 0, all, JAVA_BYTE, off, ctl.length);
                all.set(JAVA_LONG, hdr + Layouts.MSG_CONTROL, base + off);
            } else {
                all.set(JAVA_LONG, hdr + Layouts.MSG_CONTROL, 0L);
            }
            all.set(JAVA_LONG, hdr + Layouts.MSG_CONTROLLEN, ctl.length);
            off += align8(ctl.length);
            all.set(JAVA_INT, hdr + Layouts.MSG_FLAGS, 0);
            all.set(JAVA_INT, hdr + Layouts.MMSG_LEN, 0);
            for (int k = a; k < b; k++) {
                int len = iov[k].length;
                if (send) MemorySegment.copy(iov[k], 0, all, JAVA_BYTE, off, len);
                long at = vec + (k - a) * IOV;
                all.set(JAVA_LONG, at + Layouts.IOV_BASE, base + off);
                all.set(JAVA_LONG, at + Layouts.IOV_LEN, len);
                off += len;
            }
            off = align8(off);
        }
    }

    /** Copies results back into the first {@code done} messages (data, address, control, flags, length). */
    private static void unstage(MemorySegment all, boolean send, Message one, Message[] msgs, int n, int done, int start, int end,
                                boolean batch, long r) {
        long off = n * MMSG;
        // regions were laid out for the n messages passed in; walk them in the same order
        for (int i = 0; i < done; i++) {
            Message m = one != null ? one : msgs[i];
            byte[][] iov = m.iovec();
            int a = batch ? 0 : start, b = batch ? iov.length : end;
            long hdr = i * MMSG;
            long moved = batch ? all.get(JAVA_INT, hdr + Layouts.MMSG_LEN) & 0xffffffffL : r;
            off += align8((b - a) * IOV);
            SockAddr sa = m.addr();
            if (sa != null) {
                if (!send) {
                    int len = Math.min(all.get(JAVA_INT, hdr + Layouts.MSG_NAMELEN), NAME_SIZE);
                    MemorySegment.copy(all, JAVA_BYTE, off, sa.storage, 0, Math.max(0, len));
                    sa.filled(Math.max(0, len));
                }
                off += NAME_SIZE;
            }
            byte[] ctl = m.control();
            long ctlOff = off;
            off += align8(ctl.length);
            if (send) {
                m.sent((int) Math.min(moved, Integer.MAX_VALUE));
            } else {
                // the kernel echoes MSG_CMSG_CLOEXEC (a request, not news about the message): leave it out
                int mflags = all.get(JAVA_INT, hdr + Layouts.MSG_FLAGS) & ~Consts.MSG_CMSG_CLOEXEC;
                long clen = ctl.length == 0 ? 0 : Math.min(all.get(JAVA_LONG, hdr + Layouts.MSG_CONTROLLEN), ctl.length);
                if (clen < 0) clen = 0;
                if (clen > 0) {
                    if ((mflags & Consts.MSG_CTRUNC) != 0) closeCutFds(all.asSlice(ctlOff, ctl.length), clen);
                    MemorySegment.copy(all, JAVA_BYTE, ctlOff, ctl, 0, (int) clen);
                }
                long left = moved;
                for (int k = a; k < b && left > 0; k++) {
                    int len = iov[k].length;
                    int take = (int) Math.min(left, len);
                    MemorySegment.copy(all, JAVA_BYTE, off, iov[k], 0, take);
                    left -= take;
                    off += len;
                }
                m.received((int) Math.min(moved, Integer.MAX_VALUE), mflags, (int) clen);
            }
            // skip the rest of this message's data region
            long total = 0;
            for (int k = a; k < b; k++) total += iov[k].length;
            off = ctlOff + align8(ctl.length) + align8(total);
        }
    }

    /**
     * With MSG_CTRUNC, an SCM_RIGHTS message whose cmsg_len reaches past what the kernel delivered is
     * not returned to the caller, so the fds whose numbers did arrive in it are closed here.
     */
    static void closeCutFds(MemorySegment control, long limit) {
        for (long off = Cmsg.first(control, limit); off >= 0; off = Cmsg.next(control, limit, off)) {
            if (Cmsg.whole(control, limit, off)) continue;
            if (Cmsg.level(control, off) == Consts.SOL_SOCKET && Cmsg.type(control, off) == Consts.SCM_RIGHTS) {
                long avail = Cmsg.available(control, limit, off);
                for (long k = 0; k + 4 <= avail; k += 4)
                    Sys.closeQuietly(control.get(JAVA_INT.withByteAlignment(1), Cmsg.data(off) + k));
            }
            return;
        }
    }

    /** The facade's message calls: only system-call errors can happen. */
    static long messageFacade(int fd, boolean send, Message one, Message[] msgs, int n, int start, int end, int flags,
                              boolean batch) throws ErrnoException {
        try {
            return message(null, fd, send, one, msgs, n, start, end, flags, batch);
        } catch (IOException e) {
            throw onlyErrno(e);
        }
    }

    /**
     * Waits the face's way after EAGAIN: the facade throws EAGAIN on a non-blocking fd (as C does)
     * and parks a virtual thread in the Poller; a handle waits through {@link FdHandle#await}.
     * The error queue never blocks (MSG_ERRQUEUE gives EAGAIN when empty, as in C).
     * @return the operation's deadline (computed on the first wait)
     */
    private static long awaitReady(FdHandle h, int fd, boolean out, boolean emulate, int flags, long deadline, String name)
            throws IOException {
        if ((flags & Consts.MSG_ERRQUEUE) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
        if (h == null) {
            if (!emulate || (Sys.getFlags(fd) & Consts.O_NONBLOCK) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
            Poller.get().await(fd, out ? Consts.EPOLLOUT : Consts.EPOLLIN, 0);
            return deadline;
        }
        if ((flags & Consts.MSG_DONTWAIT) != 0) throw new ErrnoException(name, Errno.EAGAIN, fd);
        if (deadline == 0) deadline = h.deadline();
        h.await(out ? Consts.POLLOUT : Consts.POLLIN, deadline, name);
        return deadline;
    }

    /**
     * sendmmsg/recvmmsg of slots {@code 0..n)} of a {@link DatagramBatch}: its native arrays go to
     * the kernel as they are, so once warm this allocates nothing.
     * @return the number of datagrams moved
     */
    static int batch(FdHandle h, int fd, boolean send, DatagramBatch b, int n, int flags) throws IOException {
        Objects.requireNonNull(b, "batch");
        if (n < 0 || n > b.count()) throw new IllegalArgumentException("n must be 0.." + b.count() + ": " + n);
        boolean facade = h == null;
        if (facade) Sys.checkFd(fd);
        if (n == 0) return 0;
        String name = send ? "sendmmsg" : "recvmmsg";
        if (!send && facade) flags |= Consts.MSG_WAITFORONE;
        boolean emulate = facade && (flags & Consts.MSG_DONTWAIT) == 0 && Thread.currentThread().isVirtual();
        int callFlags = emulate ? flags | Consts.MSG_DONTWAIT : flags;
        long deadline = 0;
        if (!facade) fd = h.begin(name);
        try {
            while (true) {
                if (send) b.prepareSend(n);
                else b.prepareReceive(n);
                try (Scratch s = Scratch.acquire()) {
                    int r = send ? Sys.sendmmsg(s, fd, b.hdrs, n, callFlags) : Sys.recvmmsg(s, fd, b.hdrs, n, callFlags);
                    if (r >= 0) return r;
                }
                deadline = awaitReady(h, fd, send, emulate, flags, deadline, name);
            }
        } finally {
            if (!facade) h.end();
        }
    }

    /** The facade's batch calls. */
    static int batchFacade(int fd, boolean send, DatagramBatch b, int n, int flags) throws ErrnoException {
        try {
            return batch(null, fd, send, b, n, flags);
        } catch (IOException e) {
            throw onlyErrno(e);
        }
    }

    /**
     * One read or write for {@link FdStream}: on a socket, recv/send with MSG_DONTWAIT (so the fd's
     * own mode does not matter) and a wait through the handle on EAGAIN; on anything else, a wait
     * for readiness before read/write, so a blocking fd never blocks inside the call and close can
     * always wake the thread. Heap bytes are staged through the scratch buffer.
     * @return bytes moved; 0 at end of stream (read)
     */
    static long stream(FdHandle h, boolean socket, boolean write, MemorySegment data) throws IOException {
        String name = write ? (socket ? "send" : "write") : (socket ? "recv" : "read");
        int fd = h.begin(name);
        try {
            long deadline = h.deadline();
            boolean ready = socket;
            while (true) {
                if (!ready) h.await(write ? Consts.POLLOUT : Consts.POLLIN, deadline, name);
                ready = false;
                try (Scratch s = Scratch.acquire()) {
                    long len = data.byteSize();
                    MemorySegment m = data.isNative() ? data : s.buffer(len);
                    if (m != data && write) MemorySegment.copy(data, 0, m, 0, len);
                    long n;
                    if (socket) n = write ? Sys.send(s, fd, m, len, Consts.MSG_DONTWAIT) : Sys.recv(s, fd, m, len, Consts.MSG_DONTWAIT);
                    else n = write ? Sys.write(s, fd, m, len) : Sys.read(s, fd, m, len);
                    if (n >= 0) {
                        if (m != data && !write) MemorySegment.copy(m, 0, data, 0, Math.min(n, len));
                        return n;
                    }
                }
            }
        } finally {
            h.end();
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
        int fd = h.begin(send ? "sendto" : "recvfrom");
        try (Scratch s = Scratch.acquire()) {
            long len = data.byteSize();
            MemorySegment m = data.isNative() ? data : s.buffer(len);
            long n;
            if (send) {
                if (m != data) MemorySegment.copy(data, 0, m, 0, len);
                int alen = 0;
                if (addr != null) {
                    MemorySegment.copy(addr.storage, 0, s.addr, JAVA_BYTE, 0, addr.size);
                    alen = addr.size;
                }
                n = Sys.sendtoNow(s, fd, m, len, flags, alen);
            } else {
                n = Sys.recvfromNow(s, fd, m, len, flags);
                if (n >= 0) {
                    if (m != data) MemorySegment.copy(m, 0, data, 0, Math.min(n, len));
                    if (addr != null) fill(addr, s);
                }
            }
            return n < 0 ? WOULD_BLOCK : n;
        } finally {
            h.end();
        }
    }

    /**
     * One sendmmsg/recvmmsg of slots {@code 0..n)} on an owned fd that never waits.
     * @return datagrams moved, or {@link #WOULD_BLOCK}
     */
    static int tryBatch(FdHandle h, boolean send, DatagramBatch b, int n, int flags) throws ErrnoException {
        Objects.requireNonNull(b, "batch");
        if (n < 0 || n > b.count()) throw new IllegalArgumentException("n must be 0.." + b.count() + ": " + n);
        int fd = h.begin(send ? "sendmmsg" : "recvmmsg");
        try {
            if (n == 0) return 0;
            if (send) b.prepareSend(n);
            else b.prepareReceive(n);
            try (Scratch s = Scratch.acquire()) {
                int callFlags = flags | Consts.MSG_DONTWAIT;
                int r = send ? Sys.sendmmsg(s, fd, b.hdrs, n, callFlags) : Sys.recvmmsg(s, fd, b.hdrs, n, callFlags);
                return r < 0 ? WOULD_BLOCK : r;
            }
        } finally {
            h.end();
        }
    }
}
