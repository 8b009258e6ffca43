package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.FdHandle;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * An owned socket: the way most Java code should use rawsock. Thread-safe; {@link AutoCloseable}.
 *
 * <p>The fd is kept {@code O_NONBLOCK | O_CLOEXEC}; blocking is emulated: each call is tried, and on
 * EAGAIN the thread waits for readiness and tries again. A platform thread waits in {@code poll(2)}
 * on the fd and the socket's wake-up eventfd; a virtual thread parks in rawsock's one epoll poller
 * thread, so it never blocks its carrier in native code. {@link #close()} wakes every waiter (they
 * throw {@link java.nio.channels.AsynchronousCloseException}), waits until no thread is inside a
 * system call on the fd, then closes it: the fd number is never reused under a thread still using
 * it. {@link #timeout(Duration)} bounds each wait ({@link java.net.SocketTimeoutException}). A socket
 * that becomes unreachable without being closed is closed by a {@link java.lang.ref.Cleaner}.
 *
 * <h2 id="exceptions">Exceptions of the calls that may wait</h2>
 * A call that waits for the socket throws {@link ErrnoException} when its C call fails (named in
 * the method's doc), {@link java.net.SocketTimeoutException} when {@link #timeout(Duration)} passes,
 * {@link java.nio.channels.AsynchronousCloseException} when another thread closes the socket
 * meanwhile, and {@link java.net.SocketException} "Closed by interrupt" when its thread is
 * interrupted before or during the wait: the interrupt closes the socket (as {@code java.net.Socket}
 * does on a virtual thread) and the thread's interrupt status stays set. This holds for platform
 * and virtual threads alike; a platform thread sees the interrupt within
 * 50 ms, a virtual thread at once. A call that
 * finds data ready does not look at the interrupt status.
 *
 * <p>Every {@link Rawsock} function that takes a socket has a method here, taking {@code byte[]}
 * (with start/end), {@link ByteBuffer} (position to limit, the position advanced as NIO channels do)
 * or {@link MemorySegment} (native segments go to the kernel without a copy). After close, calls
 * throw {@link ErrnoException} EBADF.
 */
public final class RawSocket implements AutoCloseable {
    private final FdHandle handle;

    private RawSocket(int fd) throws ErrnoException {
        FdHandle h;
        try {
            h = new FdHandle(fd, this);
        } catch (ErrnoException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        this.handle = h;
    }

    // ================================================================ opening

    /**
     * {@code socket(2)} with SOCK_NONBLOCK|SOCK_CLOEXEC: a new owned socket.
     *
     * @param domain the address family
     * @param type the socket type ({@code SOCK_*})
     * @param protocol the protocol; null means 0 (the default for the domain and type)
     * @return the new socket
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static RawSocket open(Domain domain, SocketType type, Protocol protocol) throws ErrnoException {
        int fd = Sys.socket(Domain.of(domain), SocketType.of(type) | Consts.SOCK_NONBLOCK | Consts.SOCK_CLOEXEC,
                Protocol.of(protocol));
        return new RawSocket(fd);
    }

    /**
     * {@code socket(2)} with protocol 0.
     *
     * @param domain the address family
     * @param type the socket type ({@code SOCK_*})
     * @return the new socket
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static RawSocket open(Domain domain, SocketType type) throws ErrnoException {
        return open(domain, type, null);
    }

    /**
     * {@code socketpair(2)}: two connected owned sockets.
     *
     * @param domain the address family
     * @param type the socket type ({@code SOCK_*})
     * @return the two connected sockets
     * @throws ErrnoException if {@code socketpair(2)} fails
     */
    public static RawSocket[] pair(Domain domain, SocketType type) throws ErrnoException {
        int[] fds = Sys.socketpair(Domain.of(domain), SocketType.of(type) | Consts.SOCK_NONBLOCK | Consts.SOCK_CLOEXEC, 0);
        RawSocket a;
        try {
            a = new RawSocket(fds[0]);
        } catch (ErrnoException e) {
            Sys.closeQuietly(fds[1]);
            throw e;
        }
        return new RawSocket[] {a, new RawSocket(fds[1])};
    }

    /**
     * Takes ownership of an existing socket fd (from {@link Rawsock#socket}, an inherited fd, ...):
     * it is made non-blocking and close-on-exec, and closing this RawSocket closes it.
     *
     * @param fd the file descriptor to take ownership of
     * @return the socket that now owns {@code fd}
     * @throws ErrnoException if {@code fcntl(2)} fails (EBADF for an fd that is not open)
     */
    public static RawSocket adopt(int fd) throws ErrnoException {
        Sys.checkFd(fd);
        return new RawSocket(fd);
    }

    /** {@return the file descriptor, for use with {@link Rawsock} functions; still owned by this socket} */
    public int fd() {
        return handle.fd();
    }

    /**
     * Detaches the fd: waits for calls in progress to leave, puts it back in blocking mode and returns
     * it; this RawSocket is then closed and the caller owns the fd.
     *
     * @return the file descriptor, now the caller's
     * @throws ErrnoException if {@code fcntl(2)} fails
     * @throws IllegalStateException if the socket is already closed (or released)
     */
    public int release() throws ErrnoException {
        return handle.release();
    }

    /** {@return whether the socket is still open} */
    public boolean isOpen() {
        return handle.isOpen();
    }

    /**
     * Limits every later wait for readiness (receive, send, accept, connect) to {@code timeout};
     * {@code null} or zero means no limit. Past it the call throws {@link java.net.SocketTimeoutException}.
     *
     * @param timeout the longest wait of each call; null or zero means no limit
     * @return this socket
     */
    public RawSocket timeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        handle.timeoutNanos(timeout == null ? 0 : Math.max(timeout.isZero() ? 0 : 1, saturatedNanos(timeout)));
        return this;
    }

    /** {@return the timeout set by {@link #timeout(Duration)}, or {@link Duration#ZERO} for none} */
    public Duration timeout() {
        return Duration.ofNanos(handle.timeoutNanos());
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * Closes the socket once: wakes blocked threads (AsynchronousCloseException), waits for threads
     * inside a call to leave, then {@code close(2)}. Later calls are no-ops.
     */
    @Override
    public void close() throws ErrnoException {
        handle.close();
    }

    // ================================================================ addresses and connections

    /**
     * {@code bind(2)}.
     *
     * @param address the socket address
     * @throws ErrnoException if {@code bind(2)} fails
     */
    public void bind(SockAddr address) throws ErrnoException {
        Objects.requireNonNull(address, "address");
        int fd = handle.begin("bind");
        try {
            Sys.bind(fd, address.storage, address.size);
        } finally {
            handle.end();
        }
    }

    /**
     * {@code connect(2)}, waiting for a stream connection to complete (POLLOUT then SO_ERROR), as
     * a blocking connect would.
     *
     * @param address the socket address
     * @throws IOException if {@code connect(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public void connect(SockAddr address) throws IOException {
        Objects.requireNonNull(address, "address");
        int fd = handle.begin("connect");
        try {
            int r = Sys.connect(fd, address.storage, address.size);
            if (r == 0) return;
            if (r == Errno.EAGAIN && address.familyValue() == Consts.AF_UNIX) {
                // A Unix stream listener's backlog is full: retry as a blocking connect would wait.
                long deadline = handle.deadline();
                while (r == Errno.EAGAIN) {
                    handle.await(Consts.POLLOUT, deadline, "connect");
                    r = Sys.connect(fd, address.storage, address.size);
                }
                if (r == 0) return;
            }
            handle.await(Consts.POLLOUT, handle.deadline(), "connect");
            int err;
            while ((err = Sys.getsockoptInt(fd, Consts.SOL_SOCKET, Consts.SO_ERROR, "getsockopt(SO_ERROR)")) == 0
                    && !connected(fd)) {
                handle.await(Consts.POLLOUT, handle.deadline(), "connect");
            }
            if (err != 0) throw new ErrnoException("connect", err, fd);
        } finally {
            handle.end();
        }
    }

    private static boolean connected(int fd) {
        try {
            Sys.getpeername(fd, new byte[SockAddr.CAPACITY]);
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * {@code listen(2)} with backlog SOMAXCONN.
     *
     * @throws ErrnoException if {@code listen(2)} fails
     */
    public void listen() throws ErrnoException {
        listen(Consts.SOMAXCONN);
    }

    /**
     * {@code listen(2)}.
     *
     * @param backlog the queue length for pending connections, at least 0
     * @throws ErrnoException if {@code listen(2)} fails
     */
    public void listen(int backlog) throws ErrnoException {
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
        int fd = handle.begin("listen");
        try {
            Sys.listen(fd, backlog);
        } finally {
            handle.end();
        }
    }

    /**
     * {@code accept4(2)}: the next connection, as an owned socket.
     *
     * @return the new connection, owned by the caller
     * @throws IOException if {@code accept4(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public RawSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * {@code accept4(2)}; {@code peerOrNull} receives the peer's address.
     *
     * @param peerOrNull receives the peer's address; null when not wanted
     * @return the new connection, owned by the caller
     * @throws IOException if {@code accept4(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public RawSocket accept(SockAddr peerOrNull) throws IOException {
        return new RawSocket((int) IoCore.io(handle, IoCore.Op.ACCEPT, null, peerOrNull, Consts.SOCK_NONBLOCK | Consts.SOCK_CLOEXEC, 0, 0));
    }

    /**
     * {@code getsockname(2)}.
     *
     * @return the socket's own address
     * @throws ErrnoException if {@code getsockname(2)} fails
     */
    public SockAddr localAddress() throws ErrnoException {
        int fd = handle.begin("getsockname");
        try {
            return Rawsock.getsockname(fd);
        } finally {
            handle.end();
        }
    }

    /**
     * {@code getpeername(2)}.
     *
     * @return the peer's address
     * @throws ErrnoException if {@code getpeername(2)} fails
     */
    public SockAddr peerAddress() throws ErrnoException {
        int fd = handle.begin("getpeername");
        try {
            return Rawsock.getpeername(fd);
        } finally {
            handle.end();
        }
    }

    /**
     * {@code shutdown(2)}.
     *
     * @param how which direction(s) to shut down
     * @throws ErrnoException if {@code shutdown(2)} fails
     */
    public void shutdown(Shutdown how) throws ErrnoException {
        Objects.requireNonNull(how, "how");
        int fd = handle.begin("shutdown");
        try {
            Sys.shutdown(fd, how.value());
        } finally {
            handle.end();
        }
    }

    /**
     * {@code sockatmark(3)}.
     *
     * @return whether the next byte to read is at the out-of-band mark
     * @throws ErrnoException if {@code sockatmark(3)} fails
     */
    public boolean atMark() throws ErrnoException {
        int fd = handle.begin("sockatmark");
        try {
            return Sys.sockatmark(fd);
        } finally {
            handle.end();
        }
    }

    /**
     * Waits until one of {@code events} happens or {@code timeoutMillis} pass (-1: no limit):
     * {@code poll(2)}. Returns the events that happened, empty on timeout.
     *
     * @param events the events to wait for
     * @param timeoutMillis -1 to wait without limit, 0 to look without waiting
     * @return the events that happened; empty on timeout
     * @throws IOException if {@code poll(2)} fails, or the wait ends by close or interrupt (see <a href="#exceptions">the class doc</a>); the timeout gives an empty set, not an exception
     */
    public Set<PollEvent> poll(Set<PollEvent> events, int timeoutMillis) throws IOException {
        return PollEvent.of(IoCore.poll(handle, -1, PollEvent.mask(events), timeoutMillis));
    }

    // ================================================================ send / recv

    /**
     * {@code send(2)} of the whole array, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the bytes to send
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(byte[] buf) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SEND, buf, null, 0, buf.length, 0);
    }

    /**
     * {@code send(2)} of the whole array.
     *
     * @param buf the bytes to send
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(byte[] buf, MsgFlag... flags) throws IOException {
        return send(buf, 0, buf.length, flags);
    }

    /**
     * {@code send(2)} of {@code buf[start..end)}.
     *
     * @param buf the bytes to send
     * @param start index of the first byte
     * @param end index after the last byte
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(byte[] buf, int start, int end, MsgFlag... flags) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.io(handle, IoCore.Op.SEND, buf, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code send(2)} of the buffer's remaining bytes, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the bytes from position to limit; the position advances past what was sent
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(ByteBuffer buf) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SEND, buf, null, 0, 0, 0);
    }

    /**
     * {@code send(2)} of the buffer's remaining bytes; its position advances.
     *
     * @param buf the bytes from position to limit; the position advances past what was sent
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(ByteBuffer buf, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SEND, buf, null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code send(2)} of a segment, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long send(MemorySegment seg) throws IOException {
        return IoCore.io(handle, IoCore.Op.SEND, seg, null, 0, 0, 0);
    }

    /**
     * {@code send(2)} of a segment (native: no copy).
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code send(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long send(MemorySegment seg, MsgFlag... flags) throws IOException {
        return IoCore.io(handle, IoCore.Op.SEND, seg, null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recv(2)} into the whole array, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the array to receive into
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(byte[] buf) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECV, buf, null, 0, buf.length, 0);
    }

    /**
     * {@code recv(2)} into the whole array.
     *
     * @param buf the array to receive into
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(byte[] buf, MsgFlag... flags) throws IOException {
        return recv(buf, 0, buf.length, flags);
    }

    /**
     * {@code recv(2)} into {@code buf[start..end)}; with TRUNC the datagram's real length.
     *
     * @param buf the array to receive into
     * @param start index of the first byte
     * @param end index after the last byte
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(byte[] buf, int start, int end, MsgFlag... flags) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.io(handle, IoCore.Op.RECV, buf, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code recv(2)} into the buffer's remaining space, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf receives at its position, up to its limit; the position advances past the bytes
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(ByteBuffer buf) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECV, buf, null, 0, 0, 0);
    }

    /**
     * {@code recv(2)} into the buffer's remaining space; its position advances.
     *
     * @param buf receives at its position, up to its limit; the position advances past the bytes
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(ByteBuffer buf, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECV, buf, null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recv(2)} into a segment, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long recv(MemorySegment seg) throws IOException {
        return IoCore.io(handle, IoCore.Op.RECV, seg, null, 0, 0, 0);
    }

    /**
     * {@code recv(2)} into a segment (native: no copy).
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long recv(MemorySegment seg, MsgFlag... flags) throws IOException {
        return IoCore.io(handle, IoCore.Op.RECV, seg, null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code sendto(2)} of the whole array to {@code to}, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the bytes to send
     * @param to the destination; null sends to the connected peer
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendTo(byte[] buf, SockAddr to) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SENDTO, buf, to, 0, buf.length, 0);
    }

    /**
     * {@code sendto(2)} of the whole array to {@code to}.
     *
     * @param buf the bytes to send
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendTo(byte[] buf, SockAddr to, MsgFlag... flags) throws IOException {
        return sendTo(buf, 0, buf.length, to, flags);
    }

    /**
     * {@code sendto(2)} of {@code buf[start..end)} to {@code to}.
     *
     * @param buf the bytes to send
     * @param start index of the first byte
     * @param end index after the last byte
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendTo(byte[] buf, int start, int end, SockAddr to, MsgFlag... flags) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.io(handle, IoCore.Op.SENDTO, buf, to, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code sendto(2)} of the buffer's remaining bytes, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the bytes from position to limit; the position advances past what was sent
     * @param to the destination; null sends to the connected peer
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendTo(ByteBuffer buf, SockAddr to) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SENDTO, buf, to, 0, 0, 0);
    }

    /**
     * {@code sendto(2)} of the buffer's remaining bytes.
     *
     * @param buf the bytes from position to limit; the position advances past what was sent
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendTo(ByteBuffer buf, SockAddr to, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SENDTO, buf, to, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code sendto(2)} of a segment, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @param to the destination; null sends to the connected peer
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long sendTo(MemorySegment seg, SockAddr to) throws IOException {
        return IoCore.io(handle, IoCore.Op.SENDTO, seg, to, 0, 0, 0);
    }

    /**
     * {@code sendto(2)} of a segment.
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code sendto(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long sendTo(MemorySegment seg, SockAddr to, MsgFlag... flags) throws IOException {
        return IoCore.io(handle, IoCore.Op.SENDTO, seg, to, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recvfrom(2)} into the whole array, no flags; {@code from} (may be null) receives the sender.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf the array to receive into
     * @param from receives the sender's address; null when not wanted
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvFrom(byte[] buf, SockAddr from) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECVFROM, buf, from, 0, buf.length, 0);
    }

    /**
     * {@code recvfrom(2)} into the whole array; {@code from} (may be null) receives the sender.
     *
     * @param buf the array to receive into
     * @param from receives the sender's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvFrom(byte[] buf, SockAddr from, MsgFlag... flags) throws IOException {
        return recvFrom(buf, 0, buf.length, from, flags);
    }

    /**
     * {@code recvfrom(2)} into {@code buf[start..end)}.
     *
     * @param buf the array to receive into
     * @param start index of the first byte
     * @param end index after the last byte
     * @param from receives the sender's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvFrom(byte[] buf, int start, int end, SockAddr from, MsgFlag... flags) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.io(handle, IoCore.Op.RECVFROM, buf, from, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code recvfrom(2)} into the buffer's remaining space, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param buf receives at its position, up to its limit; the position advances past the bytes
     * @param from receives the sender's address; null when not wanted
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvFrom(ByteBuffer buf, SockAddr from) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECVFROM, buf, from, 0, 0, 0);
    }

    /**
     * {@code recvfrom(2)} into the buffer's remaining space.
     *
     * @param buf receives at its position, up to its limit; the position advances past the bytes
     * @param from receives the sender's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvFrom(ByteBuffer buf, SockAddr from, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECVFROM, buf, from, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recvfrom(2)} into a segment, no flags.
     * No varargs: where the JIT does not inline the call, an empty {@code MsgFlag[]} would be
     * allocated per call (16 B/call under JMH {@code -prof gc}).
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @param from receives the sender's address; null when not wanted
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long recvFrom(MemorySegment seg, SockAddr from) throws IOException {
        return IoCore.io(handle, IoCore.Op.RECVFROM, seg, from, 0, 0, 0);
    }

    /**
     * {@code recvfrom(2)} into a segment.
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @param from receives the sender's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvfrom(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long recvFrom(MemorySegment seg, SockAddr from, MsgFlag... flags) throws IOException {
        return IoCore.io(handle, IoCore.Op.RECVFROM, seg, from, 0, 0, MsgFlag.mask(flags));
    }

    // ================================================================ read / write

    /**
     * {@code read(2)} into the whole array; 0 at end of stream.
     *
     * @param buf the array to receive into
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code read(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int read(byte[] buf) throws IOException {
        return read(buf, 0, buf.length);
    }

    /**
     * {@code read(2)} into {@code buf[start..end)}.
     *
     * @param buf the array to receive into
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code read(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int read(byte[] buf, int start, int end) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) endOfStream(IoCore.io(handle, IoCore.Op.READ, Rawsock.heap(buf, start, end), null, 0, 0, 0), end > start);
    }

    /**
     * {@code readv(2)} into every array of {@code iovec}.
     *
     * @param iovec the buffers, filled or drained in order
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code readv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int read(byte[][] iovec) throws IOException {
        return read(iovec, 0, iovec.length);
    }

    /**
     * {@code readv(2)} into the arrays {@code iovec[start..end)}.
     *
     * @param iovec the buffers, filled or drained in order
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code readv(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int read(byte[][] iovec, int start, int end) throws IOException {
        boolean asked = false;
        for (int i = Math.max(0, start); i < Math.min(end, iovec.length) && !asked; i++) asked = iovec[i] != null && iovec[i].length > 0;
        return (int) endOfStream(IoCore.io(handle, IoCore.Op.READV, iovec, null, start, end, 0), asked);
    }

    /**
     * {@code read(2)} into the buffer's remaining space.
     *
     * @param buf receives at its position, up to its limit; the position advances past the bytes
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code read(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int read(ByteBuffer buf) throws IOException {
        return (int) endOfStream(IoCore.io(handle, IoCore.Op.READ, buf, null, 0, 0, 0), buf.hasRemaining());
    }

    /**
     * {@code read(2)} into a segment.
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @return the number of bytes read; -1 at end of stream on a stream socket (0 is an empty datagram)
     * @throws IOException if {@code read(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long read(MemorySegment seg) throws IOException {
        return endOfStream(IoCore.io(handle, IoCore.Op.READ, seg, null, 0, 0, 0), seg.byteSize() > 0);
    }

    /**
     * {@code write(2)} of the whole array (one call: may write less on a stream).
     *
     * @param buf the bytes to send
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code write(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int write(byte[] buf) throws IOException {
        return write(buf, 0, buf.length);
    }

    /**
     * {@code write(2)} of {@code buf[start..end)}.
     *
     * @param buf the bytes to send
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code write(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int write(byte[] buf, int start, int end) throws IOException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.io(handle, IoCore.Op.WRITE, Rawsock.heap(buf, start, end), null, 0, 0, 0);
    }

    /**
     * {@code writev(2)} of every array of {@code iovec}.
     *
     * @param iovec the buffers, filled or drained in order
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code writev(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int write(byte[][] iovec) throws IOException {
        return write(iovec, 0, iovec.length);
    }

    /**
     * {@code writev(2)} of the arrays {@code iovec[start..end)}.
     *
     * @param iovec the buffers, filled or drained in order
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code writev(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int write(byte[][] iovec, int start, int end) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.WRITEV, iovec, null, start, end, 0);
    }

    /**
     * {@code write(2)} of the buffer's remaining bytes.
     *
     * @param buf the bytes from position to limit; the position advances past what was sent
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code write(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int write(ByteBuffer buf) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.WRITE, buf, null, 0, 0, 0);
    }

    /**
     * {@code write(2)} of a segment.
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws IOException if {@code write(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public long write(MemorySegment seg) throws IOException {
        return IoCore.io(handle, IoCore.Op.WRITE, seg, null, 0, 0, 0);
    }

    // ================================================================ messages, batches, streams

    /**
     * {@code sendmsg(2)} of every iovec part of {@code message}, to its address (null: the peer),
     * with its control data; waits while the send buffer is full. See {@link Rawsock#sendmsg(int, Message, MsgFlag...)}.
     *
     * @param message the message: address, iovec buffers, control buffer
     * @param flags {@code MSG_*} flags for the call
     * @return the bytes sent
     * @throws IOException if {@code sendmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendMsg(Message message, MsgFlag... flags) throws IOException {
        return sendMsg(message, 0, Message.require(message).iovec().length, flags);
    }

    /**
     * {@code sendmsg(2)} of the iovec parts {@code start..end}.
     *
     * @param message the message: address, iovec buffers, control buffer
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws IOException if {@code sendmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendMsg(Message message, int start, int end, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SENDMSG, message, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code recvmsg(2)} into every iovec part of {@code message}; fills its address, control
     * buffer, flags and length; waits for data (or the timeout). Received fds are close-on-exec;
     * those in a control message cut short (MSG_CTRUNC) are closed. MSG_ERRQUEUE never waits.
     * See {@link Rawsock#recvmsg(int, Message, MsgFlag...)}.
     *
     * @param message the message: address, iovec buffers, control buffer
     * @param flags {@code MSG_*} flags for the call
     * @return the bytes received
     * @throws IOException if {@code recvmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvMsg(Message message, MsgFlag... flags) throws IOException {
        return recvMsg(message, 0, Message.require(message).iovec().length, flags);
    }

    /**
     * {@code recvmsg(2)} into the iovec parts {@code start..end}.
     *
     * @param message the message: address, iovec buffers, control buffer
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws IOException if {@code recvmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvMsg(Message message, int start, int end, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECVMSG, message, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code sendmmsg(2)} of {@code messages} in one call; returns how many were sent.
     *
     * @param messages the messages, one {@code struct mmsghdr} each
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were sent
     * @throws IOException if {@code sendmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int sendMmsg(Message[] messages, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SENDMMSG, messages, null, 0, messages.length, MsgFlag.mask(flags));
    }

    /**
     * {@code recvmmsg(2)} into {@code messages}: waits for the first, then takes what else is queued
     * (the fd is non-blocking); returns how many arrived.
     *
     * @param messages the messages, one {@code struct mmsghdr} each
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were received
     * @throws IOException if {@code recvmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recvMmsg(Message[] messages, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECVMMSG, messages, null, 0, messages.length, MsgFlag.mask(flags));
    }

    /**
     * {@code sendmmsg(2)} of slots {@code 0..n)} of {@code batch}, each to its address (none: the
     * connected peer); no copy, no allocation once warm. Waits while the send buffer is full.
     *
     * @param batch the datagram slots
     * @param n how many slots, from slot 0, to send
     * @return how many datagrams were sent
     * @throws IOException if {@code sendmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(DatagramBatch batch, int n) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SEND_BATCH, batch, null, 0, n, 0);
    }

    /**
     * {@link #send(DatagramBatch, int)} with flags.
     *
     * @param batch the datagram slots
     * @param n how many slots, from slot 0, to send
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were sent
     * @throws IOException if {@code sendmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int send(DatagramBatch batch, int n, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.SEND_BATCH, batch, null, 0, n, MsgFlag.mask(flags));
    }

    /**
     * {@code recvmmsg(2)} into {@code batch}: waits for the first datagram (or the timeout), then
     * takes up to {@code batch.count()} that are queued; no copy, no allocation once warm.
     *
     * @param batch the datagram slots
     * @return how many datagrams arrived (slots {@code 0..r)})
     * @throws IOException if {@code recvmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(DatagramBatch batch) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECV_BATCH, batch, null, 0, batch.count(), 0);
    }

    /**
     * {@link #recv(DatagramBatch)} with flags.
     *
     * @param batch the datagram slots
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were received
     * @throws IOException if {@code recvmmsg(2)} fails, or a wait ends (see <a href="#exceptions">the class doc</a>)
     */
    public int recv(DatagramBatch batch, MsgFlag... flags) throws IOException {
        return (int) IoCore.io(handle, IoCore.Op.RECV_BATCH, batch, null, 0, batch.count(), MsgFlag.mask(flags));
    }

    /**
     * An {@link java.io.InputStream} reading this socket ({@code recv(2)}): blocks as the socket
     * does (timeout included), -1 at end of stream. Closing it closes the socket, as with
     * {@link java.net.Socket#getInputStream()}.
     *
     * @return the stream
     */
    public java.io.InputStream inputStream() {
        return FdStream.input(handle, true, this::close);
    }

    /** {@return an {@link java.io.OutputStream} writing this socket ({@code send(2)}, every byte); closing it closes the socket} */
    public java.io.OutputStream outputStream() {
        return FdStream.output(handle, true, this::close);
    }

    // ================================================================ options

    /**
     * {@code getsockopt(2)}: the value of one option, as {@link Rawsock#socketOption}.
     *
     * @param <T> the Java type of the option's value
     * @param option the option
     * @return the option's value
     * @throws UnsupportedOperationException when the option is write-only
     * @throws ErrnoException if {@code getsockopt(2)} fails
     */
    public <T> T option(SockOpt<T> option) throws ErrnoException {
        Objects.requireNonNull(option, "option");
        if (!option.readable()) throw new UnsupportedOperationException(option.name() + " is write-only");
        int fd = handle.begin("getsockopt");
        try {
            return option.get(fd);
        } finally {
            handle.end();
        }
    }

    /**
     * {@code setsockopt(2)}: sets one option, the value checked (type, range) before the call, as
     * {@link Rawsock#setSocketOption}. Returns this socket, for chaining.
     *
     * @param <T> the Java type of the option's value
     * @param option the option
     * @param value the value to set, checked against the option's type and range first
     * @return this socket
     * @throws UnsupportedOperationException when the option is read-only
     * @throws ErrnoException if {@code setsockopt(2)} fails
     */
    public <T> RawSocket setOption(SockOpt<T> option, T value) throws ErrnoException {
        T v = Objects.requireNonNull(option, "option").check(value);
        int fd = handle.begin("setsockopt");
        try {
            option.setChecked(fd, v);
        } finally {
            handle.end();
        }
        return this;
    }

    /**
     * Every readable option at {@code level}, refused ones mapped to their {@link ErrnoException}: {@link Rawsock#socketOptions(int, Level)}.
     *
     * @param level the protocol level whose catalogue options are read
     * @return option to value (or the {@link ErrnoException} that refused it), in catalogue order
     * @throws ErrnoException EBADF when the socket is closed (refused options are mapped, not thrown)
     */
    public java.util.Map<SockOpt<?>, Object> options(Level level) throws ErrnoException {
        Objects.requireNonNull(level, "level");
        int fd = handle.begin("getsockopt");
        try {
            return Rawsock.socketOptions(fd, level);
        } finally {
            handle.end();
        }
    }

    /**
     * Every readable option at every level: {@link Rawsock#socketOptions(int)}.
     *
     * @return level to option to value (or the {@link ErrnoException} that refused it)
     * @throws ErrnoException EBADF when the socket is closed (refused options are mapped, not thrown)
     */
    public java.util.Map<Level, java.util.Map<SockOpt<?>, Object>> options() throws ErrnoException {
        int fd = handle.begin("getsockopt");
        try {
            return Rawsock.socketOptions(fd);
        } finally {
            handle.end();
        }
    }

    /**
     * Sets several options, all checked before the first call: {@link Rawsock#setSocketOptions}.
     *
     * @param options the options and their values, applied in the map's order
     * @return this socket
     * @throws ErrnoException if {@code setsockopt(2)} refuses an option (the rest are not set)
     */
    public RawSocket setOptions(java.util.Map<SockOpt<?>, ?> options) throws ErrnoException {
        Objects.requireNonNull(options, "options");
        for (java.util.Map.Entry<SockOpt<?>, ?> e : options.entrySet())
            Objects.requireNonNull(e.getKey(), "option").check(e.getValue());
        int fd = handle.begin("setsockopt");
        try {
            Rawsock.setSocketOptions(fd, options);
        } finally {
            handle.end();
        }
        return this;
    }

    // ================================================================ filters
    // attachFilter, detachFilter.

    /**
     * Attaches a classic BPF program: {@code setsockopt(SO_ATTACH_FILTER)} with a native
     * {@code struct sock_fprog} ({@code socket(7)}, {@code <linux/filter.h>}). A {@code BpfProgram}
     * has passed the verifier when it was made, so the kernel gets only programs it accepts; this
     * replaces any filter the socket had. From then on the kernel queues only what the program accepts.
     *
     * @param program the classic BPF program
     * @throws ErrnoException if {@code setsockopt(2)} fails
     */
    public void attachFilter(dev.rawsock.packet.BpfProgram program) throws ErrnoException {
        Objects.requireNonNull(program, "program");
        byte[] insns = program.toBytes();
        int fd = handle.begin("setsockopt(SO_ATTACH_FILTER)");
        try {
            dev.rawsock.internal.SockFilters.attach(fd, insns);
        } finally {
            handle.end();
        }
    }

    /**
     * Removes the socket's filter: {@code setsockopt(SO_DETACH_FILTER)} ({@code socket(7)}).
     * Returns false, with nothing changed, when the socket had none (the kernel's ENOENT).
     *
     * @return whether a filter was removed
     * @throws ErrnoException if {@code setsockopt(2)} fails
     */
    public boolean detachFilter() throws ErrnoException {
        int fd = handle.begin("setsockopt(SO_DETACH_FILTER)");
        try {
            return dev.rawsock.internal.SockFilters.detach(fd);
        } finally {
            handle.end();
        }
    }

    // ================================================================ event loops: try once, never wait

    /**
     * What the {@code try...} methods return when the kernel would have to wait ({@code EAGAIN}):
     * negative, so it cannot be taken for a length (0 is a valid, empty datagram) or for
     * {@link #END_OF_STREAM}.
     */
    public static final int WOULD_BLOCK = -2;

    /** What {@code tryRecv} returns when the peer of a stream socket has shut down its side. */
    public static final int END_OF_STREAM = -1;

    /** 0 until known; 1 for a SOCK_STREAM socket (where 0 bytes mean end of stream), 2 otherwise. */
    private volatile int streamKind;

    /**
     * {@code recvfrom(2)} with {@code MSG_DONTWAIT}, once: the receive for event loops (Netty's epoll,
     * your own {@code epoll_wait} on {@link #fd()}), which wait for readiness themselves and must not
     * block or pay an exception for "nothing there". Never waits, ignores {@link #timeout(Duration)}.
     *
     * @param seg the memory to receive into (a native segment is filled without a copy)
     * @param from filled with the sender's address; null when not wanted
     * @return the number of bytes received (0: an empty datagram), {@link #END_OF_STREAM} when a stream
     *         socket's peer has shut down, or {@link #WOULD_BLOCK} when nothing is queued
     * @throws ErrnoException if {@code recvfrom(2)} fails otherwise (EBADF once closed)
     */
    public long tryRecv(MemorySegment seg, SockAddr from) throws ErrnoException {
        long n = IoCore.tryTransfer(handle, false, seg, 0, from);
        return n == 0 && isStream() ? END_OF_STREAM : n;
    }

    /**
     * {@link #tryRecv(MemorySegment, SockAddr)} into the buffer's remaining space; on success its
     * position advances past the bytes received (by at most its remaining space).
     *
     * @param buf receives at its position, up to its limit
     * @param from filled with the sender's address; null when not wanted
     * @return bytes received, {@link #END_OF_STREAM} or {@link #WOULD_BLOCK}
     * @throws ErrnoException if {@code recvfrom(2)} fails otherwise
     */
    public int tryRecv(ByteBuffer buf, SockAddr from) throws ErrnoException {
        if (buf.isReadOnly()) throw new IllegalArgumentException("cannot receive into a read-only buffer");
        long n = tryRecv(MemorySegment.ofBuffer(buf), from);
        if (n > 0) buf.position(buf.position() + (int) Math.min(n, buf.remaining()));
        return (int) n;
    }

    /**
     * {@code sendto(2)} with {@code MSG_DONTWAIT}, once: the send for event loops. On
     * {@link #WOULD_BLOCK} nothing was sent; wait for writability ({@code EPOLLOUT}) and try again.
     *
     * @param seg the bytes to send (a native segment goes to the kernel without a copy)
     * @param to the destination; null for the connected peer (or a bound packet socket's default)
     * @return the number of bytes sent, or {@link #WOULD_BLOCK}
     * @throws ErrnoException if {@code sendto(2)} fails otherwise
     */
    public long trySend(MemorySegment seg, SockAddr to) throws ErrnoException {
        return IoCore.tryTransfer(handle, true, seg, 0, to);
    }

    /**
     * {@link #trySend(MemorySegment, SockAddr)} of the buffer's remaining bytes; on success its
     * position advances past what was sent.
     *
     * @param buf the bytes from position to limit
     * @param to the destination; null for the connected peer
     * @return bytes sent, or {@link #WOULD_BLOCK}
     * @throws ErrnoException if {@code sendto(2)} fails otherwise
     */
    public int trySend(ByteBuffer buf, SockAddr to) throws ErrnoException {
        long n = trySend(MemorySegment.ofBuffer(buf), to);
        if (n > 0) buf.position(buf.position() + (int) n);
        return (int) n;
    }

    /**
     * {@code recvmmsg(2)} with {@code MSG_DONTWAIT}, once, into slots {@code 0..n)} of {@code batch}:
     * takes what is queued, up to {@code n} datagrams, without waiting for more.
     *
     * @param batch the datagram slots
     * @param n the most datagrams to take, 0..batch.count()
     * @return how many datagrams arrived (slots {@code 0..r)}), or {@link #WOULD_BLOCK} when none was queued
     * @throws ErrnoException if {@code recvmmsg(2)} fails otherwise
     */
    public int tryRecv(DatagramBatch batch, int n) throws ErrnoException {
        return IoCore.tryBatch(handle, false, batch, n, 0);
    }

    /**
     * {@code sendmmsg(2)} with {@code MSG_DONTWAIT}, once, of slots {@code 0..n)} of {@code batch}:
     * the kernel may take fewer than {@code n}; send the rest (from slot r on) after writability.
     *
     * @param batch the datagram slots
     * @param n how many slots, from slot 0, to send
     * @return how many datagrams were sent (from slot 0), or {@link #WOULD_BLOCK} when not even the first fit
     * @throws ErrnoException if {@code sendmmsg(2)} fails otherwise
     */
    public int trySend(DatagramBatch batch, int n) throws ErrnoException {
        return IoCore.tryBatch(handle, true, batch, n, 0);
    }

    private boolean isStream() throws ErrnoException {
        int k = streamKind;
        if (k == 0) streamKind = k = option(SockOpt.SO_TYPE).value() == Consts.SOCK_STREAM ? 1 : 2;
        return k == 1;
    }

    /** {@code fd=N} or {@code closed}, with the local address when it has one. */
    @Override
    public String toString() {
        if (!handle.isOpen()) return "RawSocket[closed]";
        String local;
        try {
            local = localAddress().toString();
        } catch (ErrnoException e) {
            local = "?";
        }
        return "RawSocket[fd=" + handle.fd() + " " + local + "]";
    }

    /** SO_TYPE, read when first needed (0: not yet, -1: unknown). */
    private int type;

    /**
     * A read that moved nothing although room was given is the end of stream on a SOCK_STREAM
     * socket: -1, as NIO channels and InputStreams say it; elsewhere 0 is an empty datagram.
     */
    private long endOfStream(long n, boolean asked) {
        if (n != 0 || !asked) return n;
        int t = type;
        if (t == 0) {
            try {
                int fd = handle.begin("getsockopt");
                try {
                    t = Sys.getsockoptInt(fd, Consts.SOL_SOCKET, Consts.SO_TYPE, "getsockopt(SO_TYPE)");
                } finally {
                    handle.end();
                }
            } catch (ErrnoException e) {
                t = -1;
            }
            type = t;
        }
        return t == Consts.SOCK_STREAM ? -1 : 0;
    }

    /** The handle, for the package's own transfer code. */
    FdHandle handle() {
        return handle;
    }
}
