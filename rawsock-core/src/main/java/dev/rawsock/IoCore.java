package dev.rawsock;

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
                        case SEND -> Sys.send(s, fd, m, len, callFlags);
                        case RECV -> Sys.recv(s, fd, m, len, callFlags);
                        case SENDTO -> {
                            int alen = 0;
                            if (addr != null) {
                                MemorySegment.copy(addr.storage, 0, s.addr, JAVA_BYTE, 0, addr.size);
                                alen = addr.size;
                            }
                            yield Sys.sendto(s, fd, m, len, callFlags, alen);
                        }
                        case RECVFROM -> Sys.recvfrom(s, fd, m, len, callFlags);
                        case READ -> Sys.read(s, fd, m, len);
                        default -> Sys.write(s, fd, m, len);
                    };
                    if (n >= 0) {
                        if (m != data && !output(op)) MemorySegment.copy(m, 0, data, 0, Math.min(n, len));
                        if (op == RECVFROM && addr != null) fill(addr, s);
                        return n;
                    }
                }
                if (facade) {
                    if (!emulate || (Sys.getFlags(fd) & Consts.O_NONBLOCK) != 0)
                        throw new ErrnoException(NAME[op], Errno.EAGAIN, fd);
                    Poller.get().await(fd, output(op) ? Consts.EPOLLOUT : Consts.EPOLLIN, 0);
                } else {
                    if ((flags & Consts.MSG_DONTWAIT) != 0) throw new ErrnoException(NAME[op], Errno.EAGAIN, fd);
                    if (deadline == 0) deadline = h.deadline();
                    h.await(output(op) ? Consts.POLLOUT : Consts.POLLIN, deadline, NAME[op]);
                }
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
        } catch (ErrnoException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("unexpected on a caller's fd", e);
        }
    }

    /** The SockAddr the kernel wrote into the scratch's address area. */
    static void fill(SockAddr into, Scratch s) {
        into.filled(Sys.copyOut(s, into.storage));
    }

    /** {@link #transfer} over a ByteBuffer's position..limit, advancing the position by the bytes moved. */
    static int transfer(FdHandle h, int fd, int op, ByteBuffer buf, int flags, SockAddr addr) throws IOException {
        if (!output(op) && buf.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only buffer");
        MemorySegment seg = MemorySegment.ofBuffer(buf);
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
                if (facade) throw new ErrnoException(name, Errno.EAGAIN, fd);
                if (deadline == 0) deadline = h.deadline();
                h.await(write ? Consts.POLLOUT : Consts.POLLIN, deadline, name);
            }
        } finally {
            if (!facade) h.end();
        }
    }

    /** The facade's readv/writev. */
    static long vectorFacade(int fd, boolean write, byte[][] iov, int start, int end) throws ErrnoException {
        try {
            return vector(null, fd, write, iov, start, end);
        } catch (ErrnoException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("unexpected on a caller's fd", e);
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
}
