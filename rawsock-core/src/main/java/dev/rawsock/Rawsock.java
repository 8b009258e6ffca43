package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Libc;
import dev.rawsock.internal.NetDb;
import dev.rawsock.internal.NetIf;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The functions of CLISP's RAWSOCK package, one static method each, on {@code int} file
 * descriptors: a CLISP user can port code line by line. Every failing system call throws
 * {@link ErrnoException}; bad arguments throw {@link IllegalArgumentException} or
 * {@link IndexOutOfBoundsException} before any call. Buffers take {@code start} (inclusive) and
 * {@code end} (exclusive), as CLISP's {@code :START}/{@code :END}.
 *
 * <p>The facade keeps the caller's fds as they are (blocking or not) and never changes their mode.
 * On a platform thread a call on a blocking fd blocks in the kernel, as in C. A virtual thread never
 * blocks its carrier there: socket calls add MSG_DONTWAIT, {@code sockRead}/{@code sockWrite} use
 * {@code preadv2(2)}/{@code pwritev2(2)} with RWF_NOWAIT, {@code accept} polls first (so another
 * thread accepting the same connection in between makes this one wait in {@code accept(2)}, as C
 * would), and the thread parks in rawsock's poller until the fd is ready. Such a wait honours the
 * socket's SO_RCVTIMEO/SO_SNDTIMEO (EAGAIN when it passes, as a blocking call gives), and an
 * interrupt ends it with an {@link ErrnoException} EINTR (a signal's answer in C), the thread's
 * interrupt status kept and the fd left open: it is the caller's. For owned sockets with
 * close-while-blocked safety and timeouts, use {@link RawSocket}.
 */
public final class Rawsock {
    private Rawsock() {}

    // ================================================================ sockets

    /**
     * {@code socket(2)}: a new socket's fd. Null domain means AF_UNSPEC, null type or protocol 0.
     *
     * @param domain the address family ({@code AF_*}); null means {@code AF_UNSPEC}
     * @param type the socket type ({@code SOCK_*})
     * @param protocol the protocol; null means 0 (the default for the domain and type)
     * @return the new socket's file descriptor
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static int socket(Domain domain, SocketType type, Protocol protocol) throws ErrnoException {
        return Sys.socket(Domain.of(domain), SocketType.of(type), Protocol.of(protocol));
    }

    /**
     * {@code socket(2)} with protocol 0.
     *
     * @param domain the address family ({@code AF_*}); null means {@code AF_UNSPEC}
     * @param type the socket type ({@code SOCK_*})
     * @return the new socket's file descriptor
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static int socket(Domain domain, SocketType type) throws ErrnoException {
        return socket(domain, type, (Protocol) null);
    }

    /**
     * {@code socket(2)} with a protocol given by name (a constant name, or one for {@code getprotobyname(3)}).
     *
     * @param domain the address family ({@code AF_*}); null means {@code AF_UNSPEC}
     * @param type the socket type ({@code SOCK_*})
     * @param protocolName a protocol constant name or a name for {@code getprotobyname(3)}
     * @return the new socket's file descriptor
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static int socket(Domain domain, SocketType type, String protocolName) throws ErrnoException {
        return socket(domain, type, protocolName == null ? null : Protocol.valueOf(protocolName));
    }

    /**
     * {@code socket(2)} with raw C values.
     *
     * @param domain the raw {@code AF_*} value
     * @param type the raw {@code SOCK_*} value, {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} or-ed in as wanted
     * @param protocol the raw protocol number, 0 for the default
     * @return the new socket's file descriptor
     * @throws ErrnoException if {@code socket(2)} fails
     */
    public static int socket(int domain, int type, int protocol) throws ErrnoException {
        return Sys.socket(domain, type, protocol);
    }

    /**
     * {@code socketpair(2)}: two connected sockets' fds.
     *
     * @param domain the address family ({@code AF_*}); null means {@code AF_UNSPEC}
     * @param type the socket type ({@code SOCK_*})
     * @param protocol the protocol; null means 0 (the default for the domain and type)
     * @return the two file descriptors
     * @throws ErrnoException if {@code socketpair(2)} fails
     */
    public static int[] socketpair(Domain domain, SocketType type, Protocol protocol) throws ErrnoException {
        return Sys.socketpair(Domain.of(domain), SocketType.of(type), Protocol.of(protocol));
    }

    /**
     * {@code socketpair(2)} with protocol 0.
     *
     * @param domain the address family ({@code AF_*}); null means {@code AF_UNSPEC}
     * @param type the socket type ({@code SOCK_*})
     * @return the two file descriptors
     * @throws ErrnoException if {@code socketpair(2)} fails
     */
    public static int[] socketpair(Domain domain, SocketType type) throws ErrnoException {
        return socketpair(domain, type, null);
    }

    /**
     * {@code bind(2)}.
     *
     * @param fd the socket's file descriptor
     * @param address the socket address
     * @throws ErrnoException if {@code bind(2)} fails
     */
    public static void bind(int fd, SockAddr address) throws ErrnoException {
        Sys.checkFd(fd);
        Objects.requireNonNull(address, "address");
        Sys.bind(fd, address.storage, address.size);
    }

    /**
     * {@code connect(2)}. On a non-blocking fd a connection under way throws EINPROGRESS, as in C.
     * On a virtual thread and a blocking fd the call runs on a platform thread while the virtual
     * thread parks (connect has no per-call non-blocking flag, and the fd's mode is the caller's); an
     * interrupt ends the wait with EINTR while the connection goes on being made, as after a signal in C.
     *
     * @param fd the socket's file descriptor
     * @param address the socket address
     * @throws ErrnoException if {@code connect(2)} fails
     */
    public static void connect(int fd, SockAddr address) throws ErrnoException {
        int r = IoCore.connect(fd, address);
        if (r != 0) throw new ErrnoException("connect", r, fd);
    }

    /**
     * {@code accept(2)}: the new connection's fd; when {@code fillOrNull} is given, it receives the
     * peer's address (family and length included).
     *
     * @param fd the socket's file descriptor
     * @param fillOrNull receives the peer's address; null when not wanted
     * @return the new connection's file descriptor
     * @throws ErrnoException if {@code accept(2)} fails
     */
    public static int accept(int fd, SockAddr fillOrNull) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.ACCEPT, null, fillOrNull, 0, 0, 0);
    }

    /**
     * {@code getpeername(2)}.
     *
     * @param fd the socket's file descriptor
     * @return the peer's address
     * @throws ErrnoException if {@code getpeername(2)} fails
     */
    public static SockAddr getpeername(int fd) throws ErrnoException {
        return getpeername(fd, SockAddr.of(Domain.UNSPEC));
    }

    /**
     * {@code getpeername(2)} into {@code into} (whatever it held); returns it.
     *
     * @param fd the socket's file descriptor
     * @param into the address to fill; whatever it held is replaced
     * @return {@code into}, filled with the peer's address
     * @throws ErrnoException if {@code getpeername(2)} fails
     */
    public static SockAddr getpeername(int fd, SockAddr into) throws ErrnoException {
        Sys.checkFd(fd);
        into.filled(Sys.getpeername(fd, into.storage));
        return into;
    }

    /**
     * {@code getsockname(2)}.
     *
     * @param fd the socket's file descriptor
     * @return the socket's own address
     * @throws ErrnoException if {@code getsockname(2)} fails
     */
    public static SockAddr getsockname(int fd) throws ErrnoException {
        return getsockname(fd, SockAddr.of(Domain.UNSPEC));
    }

    /**
     * {@code getsockname(2)} into {@code into} (whatever it held); returns it.
     *
     * @param fd the socket's file descriptor
     * @param into the address to fill; whatever it held is replaced
     * @return {@code into}, filled with the socket's own address
     * @throws ErrnoException if {@code getsockname(2)} fails
     */
    public static SockAddr getsockname(int fd, SockAddr into) throws ErrnoException {
        Sys.checkFd(fd);
        into.filled(Sys.getsockname(fd, into.storage));
        return into;
    }

    /**
     * {@code listen(2)} with backlog SOMAXCONN: CLISP's SOCK-LISTEN.
     *
     * @param fd the socket's file descriptor
     * @throws ErrnoException if {@code listen(2)} fails
     */
    public static void sockListen(int fd) throws ErrnoException {
        sockListen(fd, Consts.SOMAXCONN);
    }

    /**
     * {@code listen(2)}.
     *
     * @param fd the socket's file descriptor
     * @param backlog the queue length for pending connections, at least 0
     * @throws ErrnoException if {@code listen(2)} fails
     */
    public static void sockListen(int fd, int backlog) throws ErrnoException {
        Sys.checkFd(fd);
        if (backlog < 0) throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
        Sys.listen(fd, backlog);
    }

    /**
     * {@code close(2)}: CLISP's SOCK-CLOSE; returns 0. On a virtual thread, a socket with
     * {@code SO_LINGER} on is closed on a platform thread while the virtual thread parks (close(2)
     * may wait the linger time); an interrupt does not end that wait, since a close must not look
     * failed, and the interrupt status is kept.
     *
     * @param fd the socket's file descriptor
     * @return 0, as CLISP's SOCK-CLOSE
     * @throws ErrnoException if {@code close(2)} fails
     */
    public static int sockClose(int fd) throws ErrnoException {
        IoCore.close(fd);
        return 0;
    }

    /**
     * {@code sockatmark(3)}: whether the socket is at the out-of-band mark.
     *
     * @param fd the socket's file descriptor
     * @return whether the next byte to read is at the out-of-band mark
     * @throws ErrnoException if {@code sockatmark(3)} fails
     */
    public static boolean sockatmark(int fd) throws ErrnoException {
        Sys.checkFd(fd);
        return Sys.sockatmark(fd);
    }

    /**
     * {@code shutdown(2)}.
     *
     * @param fd the socket's file descriptor
     * @param how which direction(s) to shut down
     * @throws ErrnoException if {@code shutdown(2)} fails
     */
    public static void shutdown(int fd, Shutdown how) throws ErrnoException {
        Sys.checkFd(fd);
        Sys.shutdown(fd, Objects.requireNonNull(how, "how").value());
    }

    /**
     * {@code poll(2)} on one fd: the events that happened, empty on timeout.
     *
     * @param fd the socket's file descriptor
     * @param events the events to wait for
     * @param timeoutMillis -1 to wait without limit, 0 to look without waiting
     * @return the events that happened; empty on timeout
     * @throws ErrnoException if {@code poll(2)} fails
     */
    public static Set<PollEvent> poll(int fd, Set<PollEvent> events, int timeoutMillis) throws ErrnoException {
        try {
            return PollEvent.of(IoCore.poll(null, fd, PollEvent.mask(events), timeoutMillis));
        } catch (java.io.IOException e) {
            throw IoCore.onlyErrno(e);
        }
    }

    // ================================================================ data

    /**
     * {@code send(2)} of the whole buffer. MSG_NOSIGNAL is always added: SIGPIPE never kills the JVM.
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to send
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws ErrnoException if {@code send(2)} fails
     */
    public static int send(int fd, byte[] buf, MsgFlag... flags) throws ErrnoException {
        return send(fd, buf, 0, buf.length, flags);
    }

    /**
     * {@code send(2)} of {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to send
     * @param start index of the first byte
     * @param end index after the last byte
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws ErrnoException if {@code send(2)} fails
     */
    public static int send(int fd, byte[] buf, int start, int end, MsgFlag... flags) throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.SEND, heap(buf, start, end), null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recv(2)} into the whole buffer: the byte count (with TRUNC, the real length).
     *
     * @param fd the socket's file descriptor
     * @param buf the array to receive into
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recv(2)} fails
     */
    public static int recv(int fd, byte[] buf, MsgFlag... flags) throws ErrnoException {
        return recv(fd, buf, 0, buf.length, flags);
    }

    /**
     * {@code recv(2)} into {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the array to receive into
     * @param start index of the first byte
     * @param end index after the last byte
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received (with {@code TRUNC}, a datagram's real length); 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recv(2)} fails
     */
    public static int recv(int fd, byte[] buf, int start, int end, MsgFlag... flags) throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.RECV, heap(buf, start, end), null, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code sendto(2)} of the whole buffer to {@code to} (null: the connected peer).
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to send
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendto(2)} fails
     */
    public static int sendto(int fd, byte[] buf, SockAddr to, MsgFlag... flags) throws ErrnoException {
        return sendto(fd, buf, 0, buf.length, to, flags);
    }

    /**
     * {@code sendto(2)} of {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to send
     * @param start index of the first byte
     * @param end index after the last byte
     * @param to the destination; null sends to the connected peer
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendto(2)} fails
     */
    public static int sendto(int fd, byte[] buf, int start, int end, SockAddr to, MsgFlag... flags) throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.SENDTO, heap(buf, start, end), to, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code recvfrom(2)} into the whole buffer; {@code fillOrNull} receives the sender's address.
     *
     * @param fd the socket's file descriptor
     * @param buf the array to receive into
     * @param fillOrNull receives the peer's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recvfrom(2)} fails
     */
    public static int recvfrom(int fd, byte[] buf, SockAddr fillOrNull, MsgFlag... flags) throws ErrnoException {
        return recvfrom(fd, buf, 0, buf.length, fillOrNull, flags);
    }

    /**
     * {@code recvfrom(2)} into {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the array to receive into
     * @param start index of the first byte
     * @param end index after the last byte
     * @param fillOrNull receives the peer's address; null when not wanted
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recvfrom(2)} fails
     */
    public static int recvfrom(int fd, byte[] buf, int start, int end, SockAddr fillOrNull, MsgFlag... flags)
            throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.RECVFROM, heap(buf, start, end), fillOrNull, 0, 0, MsgFlag.mask(flags));
    }

    /**
     * {@code read(2)} into the whole buffer: CLISP's SOCK-READ. 0 means end of stream.
     *
     * @param fd the socket's file descriptor
     * @param buf the array to read into
     * @return the number of bytes read; 0 at end of stream
     * @throws ErrnoException if {@code read(2)} fails
     */
    public static int sockRead(int fd, byte[] buf) throws ErrnoException {
        return sockRead(fd, buf, 0, buf.length);
    }

    /**
     * {@code read(2)} into {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the array to read into
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the number of bytes read; 0 at end of stream
     * @throws ErrnoException if {@code read(2)} fails
     */
    public static int sockRead(int fd, byte[] buf, int start, int end) throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.READ, heap(buf, start, end), null, 0, 0, 0);
    }

    /**
     * {@code readv(2)} into every array of {@code iovec}.
     *
     * @param fd the socket's file descriptor
     * @param iovec the buffers, filled or drained in order
     * @return the number of bytes read; 0 at end of stream
     * @throws ErrnoException if {@code readv(2)} fails
     */
    public static int sockRead(int fd, byte[][] iovec) throws ErrnoException {
        return sockRead(fd, iovec, 0, iovec.length);
    }

    /**
     * {@code readv(2)} into the arrays {@code iovec[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param iovec the buffers, filled or drained in order
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @return the number of bytes read; 0 at end of stream
     * @throws ErrnoException if {@code readv(2)} fails
     */
    public static int sockRead(int fd, byte[][] iovec, int start, int end) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.READV, iovec, null, start, end, 0);
    }

    /**
     * {@code write(2)} of the whole buffer: CLISP's SOCK-WRITE.
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to write
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws ErrnoException if {@code write(2)} fails
     */
    public static int sockWrite(int fd, byte[] buf) throws ErrnoException {
        return sockWrite(fd, buf, 0, buf.length);
    }

    /**
     * {@code write(2)} of {@code buf[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param buf the bytes to write
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws ErrnoException if {@code write(2)} fails
     */
    public static int sockWrite(int fd, byte[] buf, int start, int end) throws ErrnoException {
        IoCore.range(buf.length, start, end);
        return (int) IoCore.facade(fd, IoCore.Op.WRITE, heap(buf, start, end), null, 0, 0, 0);
    }

    /**
     * {@code writev(2)} of every array of {@code iovec}.
     *
     * @param fd the socket's file descriptor
     * @param iovec the buffers, filled or drained in order
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws ErrnoException if {@code writev(2)} fails
     */
    public static int sockWrite(int fd, byte[][] iovec) throws ErrnoException {
        return sockWrite(fd, iovec, 0, iovec.length);
    }

    /**
     * {@code writev(2)} of the arrays {@code iovec[start..end)}.
     *
     * @param fd the socket's file descriptor
     * @param iovec the buffers, filled or drained in order
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @return the number of bytes written (may be fewer than given on a stream)
     * @throws ErrnoException if {@code writev(2)} fails
     */
    public static int sockWrite(int fd, byte[][] iovec, int start, int end) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.WRITEV, iovec, null, start, end, 0);
    }

    static MemorySegment heap(byte[] buf, int start, int end) {
        return MemorySegment.ofArray(buf).asSlice(start, end - start);
    }

    // ================================================================ byte order

    /**
     * {@code htonl(3)}: 0 &lt;= n &lt;= 0xFFFFFFFF, swapped to network order (on this little-endian host).
     *
     * @param n the value, 0..0xFFFFFFFF
     * @return {@code n} in network byte order
     */
    public static long htonl(long n) {
        if (n < 0 || n > 0xFFFF_FFFFL) throw new IllegalArgumentException("htonl takes 0..0xFFFFFFFF: " + n);
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? n : Integer.reverseBytes((int) n) & 0xFFFF_FFFFL;
    }

    /**
     * {@code ntohl(3)}.
     *
     * @param n the value, 0..0xFFFFFFFF
     * @return {@code n} in host byte order
     */
    public static long ntohl(long n) {
        if (n < 0 || n > 0xFFFF_FFFFL) throw new IllegalArgumentException("ntohl takes 0..0xFFFFFFFF: " + n);
        return htonl(n);
    }

    /**
     * {@code htons(3)}: 0 &lt;= n &lt;= 0xFFFF.
     *
     * @param n the value, 0..0xFFFF
     * @return {@code n} in network byte order
     */
    public static int htons(int n) {
        if (n < 0 || n > 0xFFFF) throw new IllegalArgumentException("htons takes 0..0xFFFF: " + n);
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN ? n : Short.reverseBytes((short) n) & 0xFFFF;
    }

    /**
     * {@code ntohs(3)}.
     *
     * @param n the value, 0..0xFFFF
     * @return {@code n} in host byte order
     */
    public static int ntohs(int n) {
        if (n < 0 || n > 0xFFFF) throw new IllegalArgumentException("ntohs takes 0..0xFFFF: " + n);
        return htons(n);
    }

    // ================================================================ addresses

    /**
     * {@code inet_pton(3)}: the bytes of a textual IPv4 (4) or IPv6 (16) address.
     *
     * @param domain the address family
     * @param text the textual address
     * @return the 4 or 16 address bytes
     * @throws IllegalArgumentException when {@code text} is not an address of {@code domain}
     */
    public static byte[] convertAddress(Domain domain, String text) {
        int af = Domain.of(domain);
        int size = addressSize(af);
        NetDb.checkName(text, "address");
        try (Scratch s = Scratch.acquire()) {
            byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (t.length > 255) throw new IllegalArgumentException("not an " + domain + " address: " + text);
            MemorySegment src = s.buffer(t.length + 1);
            MemorySegment.copy(t, 0, src, JAVA_BYTE, 0, t.length);
            src.set(JAVA_BYTE, t.length, (byte) 0);
            MemorySegment dst = s.misc(16);
            if (Libc.inet_pton(af, src, dst) != 1) throw new IllegalArgumentException("not an " + domain + " address: " + text);
            return dst.asSlice(0, size).toArray(JAVA_BYTE);
        }
    }

    /**
     * {@code inet_ntop(3)}: the text of a 4-byte (INET) or 16-byte (INET6) address.
     *
     * @param domain the address family
     * @param address the 4 or 16 address bytes, in network order
     * @return the address as text
     */
    public static String convertAddress(Domain domain, byte[] address) {
        int af = Domain.of(domain);
        int size = addressSize(af);
        if (address.length != size)
            throw new IllegalArgumentException(domain + " addresses have " + size + " bytes, not " + address.length);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment src = s.misc(16 + Consts.INET6_ADDRSTRLEN);
            MemorySegment.copy(address, 0, src, JAVA_BYTE, 0, size);
            MemorySegment dst = src.asSlice(16);
            MemorySegment r = Libc.inet_ntop(s.errno, af, src, dst, Consts.INET6_ADDRSTRLEN);
            if (r.equals(MemorySegment.NULL)) throw new IllegalArgumentException("inet_ntop failed for " + domain);
            return dst.getString(0);
        }
    }

    /**
     * An address given as an integer (CLISP's backward-compatible form): for INET the 32-bit
     * address in host order ({@code 0x7F000001} is 127.0.0.1); for INET6 the low 64 bits of the
     * address, the high 64 zero.
     *
     * @param domain the address family
     * @param address the address as an integer (see above)
     * @return the address as text
     */
    public static String convertAddress(Domain domain, long address) {
        int af = Domain.of(domain);
        if (af == Consts.AF_INET) {
            if (address < 0 || address > 0xFFFF_FFFFL) throw new IllegalArgumentException("IPv4 address out of range: " + address);
            return convertAddress(domain, ByteBuffer.allocate(4).putInt((int) address).array());
        }
        if (af == Consts.AF_INET6) {
            if (address < 0) throw new IllegalArgumentException("address must be >= 0: " + address);
            return convertAddress(domain, ByteBuffer.allocate(16).putLong(8, address).array());
        }
        throw new IllegalArgumentException("convertAddress takes INET or INET6, not " + domain);
    }

    private static int addressSize(int af) {
        if (af == Consts.AF_INET) return 4;
        if (af == Consts.AF_INET6) return 16;
        throw new IllegalArgumentException("convertAddress takes INET or INET6, not " + new Domain(af));
    }

    /**
     * {@return CLISP's {@code make-sockaddr}: an empty address of the family's standard size}
     *
     * @param domain the address family
     */
    public static SockAddr makeSockaddr(Domain domain) {
        return SockAddr.of(domain);
    }

    /**
     * {@code make-sockaddr} with {@code dataSize} zero bytes of data.
     *
     * @param domain the address family
     * @param dataSize the number of data bytes
     * @return a new address of {@code domain}
     */
    public static SockAddr makeSockaddr(Domain domain, int dataSize) {
        return SockAddr.of(domain, dataSize);
    }

    /**
     * {@code make-sockaddr} with the given data bytes.
     *
     * @param domain the address family
     * @param data the data bytes (after the family)
     * @return a new address of {@code domain}
     */
    public static SockAddr makeSockaddr(Domain domain, byte[] data) {
        return SockAddr.of(domain, data);
    }

    /**
     * {@return CLISP's {@code sockaddr-family}}
     *
     * @param address the address
     */
    public static Domain sockaddrFamily(SockAddr address) {
        return address.family();
    }

    /**
     * {@return CLISP's {@code sockaddr-data}: a live view of the address's data bytes}
     *
     * @param address the address
     */
    public static ByteBuffer sockaddrData(SockAddr address) {
        return address.data();
    }

    /**
     * CLISP's {@code open-unix-socket}: a socket of {@code type} connected to the Unix socket at
     * {@code path}, and the address. The fd is closed again if the connect fails.
     *
     * @param path the file system path of the Unix socket
     * @param type the socket type ({@code SOCK_*})
     * @return the connected socket's fd (the caller closes it) and the address
     * @throws ErrnoException if {@code socket(2)} or {@code connect(2)} fails
     */
    public static OpenedSocket openUnixSocket(Path path, SocketType type) throws ErrnoException {
        SockAddr a = SockAddr.unix(path);
        int fd = socket(Domain.UNIX, type == null ? SocketType.STREAM : type);
        try {
            connect(fd, a);
        } catch (ErrnoException | RuntimeException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        return new OpenedSocket(fd, a);
    }

    /**
     * {@link #openUnixSocket(Path, SocketType)} with SOCK_STREAM.
     *
     * @param path the file system path of the Unix socket
     * @return the connected socket's fd (the caller closes it) and the address
     * @throws ErrnoException if {@code socket(2)} or {@code connect(2)} fails
     */
    public static OpenedSocket openUnixSocket(Path path) throws ErrnoException {
        return openUnixSocket(path, SocketType.STREAM);
    }

    // ================================================================ messages, batches, streams

    /**
     * {@link #sendmsg(int, Message, MsgFlag...)} with no flags. No varargs: where the JIT does not
     * inline the call, an empty {@code MsgFlag[]} would be allocated per call.
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendmsg(2)} fails
     */
    public static int sendmsg(int fd, Message message) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.SENDMSG, message, null, 0, Message.require(message).iovec().length, 0);
    }

    /**
     * {@code sendmsg(2)} of every part of the message's iovec, to its {@link Message#addr()} (null:
     * the connected peer), with its control data. Sets {@link Message#length()}.
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @param flags {@code MSG_*} flags for the call
     * @return the bytes sent
     * @throws IllegalArgumentException for a null iovec part, more than IOV_MAX parts, or control
     *         bytes that are not whole control messages (before any call)
     * @throws ErrnoException if {@code sendmsg(2)} fails
     */
    public static int sendmsg(int fd, Message message, MsgFlag... flags) throws ErrnoException {
        return sendmsg(fd, message, 0, Message.require(message).iovec().length, flags);
    }

    /**
     * {@code sendmsg(2)} of the iovec parts {@code start..end} (CLISP's :START/:END apply to the iovec).
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes sent
     * @throws ErrnoException if {@code sendmsg(2)} fails
     */
    public static int sendmsg(int fd, Message message, int start, int end, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.SENDMSG, message, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@link #recvmsg(int, Message, MsgFlag...)} with no flags. No varargs: where the JIT does not
     * inline the call, an empty {@code MsgFlag[]} would be allocated per call.
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recvmsg(2)} fails
     */
    public static int recvmsg(int fd, Message message) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.RECVMSG, message, null, 0, Message.require(message).iovec().length, 0);
    }

    /**
     * {@code recvmsg(2)} into every part of the message's iovec; fills its address (when not null),
     * its control buffer (up to the buffer's length), {@link Message#flags()} and
     * {@link Message#length()}. Received fds are close-on-exec (MSG_CMSG_CLOEXEC); those in a
     * control message cut short (MSG_CTRUNC) are closed. {@link MsgFlag#ERRQUEUE} reads the error
     * queue and, as in C, never waits (EAGAIN when empty).
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @param flags {@code MSG_*} flags for the call
     * @return the bytes received (with {@link MsgFlag#TRUNC}: the datagram's real length)
     * @throws ErrnoException if {@code recvmsg(2)} fails
     */
    public static int recvmsg(int fd, Message message, MsgFlag... flags) throws ErrnoException {
        return recvmsg(fd, message, 0, Message.require(message).iovec().length, flags);
    }

    /**
     * {@code recvmsg(2)} into the iovec parts {@code start..end}.
     *
     * @param fd the socket's file descriptor
     * @param message the message: address, iovec buffers, control buffer
     * @param start index of the first iovec part
     * @param end index after the last iovec part
     * @param flags {@code MSG_*} flags for the call
     * @return the number of bytes received; 0 at end of stream or for an empty datagram
     * @throws ErrnoException if {@code recvmsg(2)} fails
     */
    public static int recvmsg(int fd, Message message, int start, int end, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.RECVMSG, message, null, start, end, MsgFlag.mask(flags));
    }

    /**
     * {@code sendmmsg(2)}: sends the messages in order (each its whole iovec) in one call. Each sent
     * message's {@link Message#length()} is its {@code msg_len}.
     *
     * @param fd the socket's file descriptor
     * @param messages the messages, one {@code struct mmsghdr} each
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were sent (the kernel sends at most 1024 per call)
     * @throws ErrnoException if {@code sendmmsg(2)} fails
     */
    public static int sendmmsg(int fd, Message[] messages, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.SENDMMSG, messages, null, 0, messages.length, MsgFlag.mask(flags));
    }

    /**
     * {@code recvmmsg(2)}: receives up to {@code messages.length} messages in one call; each received
     * one gets its address, control data, flags and {@link Message#length()} ({@code msg_len}).
     * Unlike bare C, it waits only for the first message (MSG_WAITFORONE is always added): on a
     * blocking fd, C would wait until every slot is filled.
     *
     * @param fd the socket's file descriptor
     * @param messages the messages, one {@code struct mmsghdr} each
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages arrived
     * @throws ErrnoException if {@code recvmmsg(2)} fails
     */
    public static int recvmmsg(int fd, Message[] messages, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.RECVMMSG, messages, null, 0, messages.length, MsgFlag.mask(flags));
    }

    /**
     * {@code recvmmsg(2)} into a {@link DatagramBatch}'s native slots: allocates nothing once warm.
     * Waits for the first datagram only (MSG_WAITFORONE), then takes what else is queued.
     *
     * @param fd the socket's file descriptor
     * @param batch the datagram slots
     * @return how many datagrams arrived (slots {@code 0..r)})
     * @throws ErrnoException if {@code recvmmsg(2)} fails
     */
    public static int recvmmsg(int fd, DatagramBatch batch) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.RECV_BATCH, batch, null, 0, batch.count(), 0);
    }

    /**
     * {@link #recvmmsg(int, DatagramBatch)} with flags.
     *
     * @param fd the socket's file descriptor
     * @param batch the datagram slots
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were received
     * @throws ErrnoException if {@code recvmmsg(2)} fails
     */
    public static int recvmmsg(int fd, DatagramBatch batch, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.RECV_BATCH, batch, null, 0, batch.count(), MsgFlag.mask(flags));
    }

    /**
     * {@code sendmmsg(2)} of a {@link DatagramBatch}'s slots {@code 0..n)}; returns how many were sent.
     *
     * @param fd the socket's file descriptor
     * @param batch the datagram slots
     * @param n how many slots, from slot 0, to send
     * @return how many messages were sent
     * @throws ErrnoException if {@code sendmmsg(2)} fails
     */
    public static int sendmmsg(int fd, DatagramBatch batch, int n) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.SEND_BATCH, batch, null, 0, n, 0);
    }

    /**
     * {@link #sendmmsg(int, DatagramBatch, int)} with flags.
     *
     * @param fd the socket's file descriptor
     * @param batch the datagram slots
     * @param n how many slots, from slot 0, to send
     * @param flags {@code MSG_*} flags for the call
     * @return how many messages were sent
     * @throws ErrnoException if {@code sendmmsg(2)} fails
     */
    public static int sendmmsg(int fd, DatagramBatch batch, int n, MsgFlag... flags) throws ErrnoException {
        return (int) IoCore.facade(fd, IoCore.Op.SEND_BATCH, batch, null, 0, n, MsgFlag.mask(flags));
    }

    /**
     * CLISP's {@code EXT:MAKE-STREAM}: {@code dup(2)}s {@code fd} (close-on-exec) and returns
     * streams over the copy. Closing the stream closes only the copy; the caller still closes
     * {@code fd}. The streams block until data can move whatever the fd's mode (they wait in
     * {@code poll(2)}, or in rawsock's poller on a virtual thread), and closing the stream wakes a
     * thread blocked in it.
     *
     * @param fd the socket's file descriptor
     * @return the stream over the duplicate fd
     * @throws ErrnoException if {@code dup(2)} fails
     */
    public static FdStream makeStream(int fd) throws ErrnoException {
        Sys.checkFd(fd);
        int dup = Sys.dup(fd);
        try {
            return new FdStream(dup);
        } catch (ErrnoException | RuntimeException e) {
            Sys.closeQuietly(dup);
            throw e;
        }
    }

    /**
     * CLISP's {@code open-unix-socket-stream}: {@link #openUnixSocket(Path, SocketType)} with its
     * socket made a stream (which owns the socket: closing the stream closes it).
     *
     * @param path the file system path of the Unix socket
     * @param type the socket type ({@code SOCK_*})
     * @return the stream over the connected socket and the address
     * @throws ErrnoException if {@code socket(2)}, {@code connect(2)} or {@code dup(2)} fails
     */
    public static OpenedStream openUnixSocketStream(Path path, SocketType type) throws ErrnoException {
        OpenedSocket s = openUnixSocket(path, type);
        try {
            return new OpenedStream(new FdStream(s.fd()), s.address());
        } catch (ErrnoException | RuntimeException e) {
            Sys.closeQuietly(s.fd());
            throw e;
        }
    }

    /**
     * {@link #openUnixSocketStream(Path, SocketType)} with SOCK_STREAM.
     *
     * @param path the file system path of the Unix socket
     * @return the stream over the connected socket and the address
     * @throws ErrnoException if {@code socket(2)}, {@code connect(2)} or {@code dup(2)} fails
     */
    public static OpenedStream openUnixSocketStream(Path path) throws ErrnoException {
        return openUnixSocketStream(path, SocketType.STREAM);
    }

    // ================================================================ names and interfaces
    // getaddrinfo, getnameinfo, protocol, network, ifNameIndex, ifaddrs.

    /**
     * {@code getaddrinfo(3)} with NULL hints (so glibc's defaults, AI_V4MAPPED | AI_ADDRCONFIG): the
     * addresses for {@code node} and {@code service}, in the resolver's order. Either may be null,
     * not both. CLISP's {@code (getaddrinfo :node :service)}.
     *
     * @param node the host name or numeric address; null for none
     * @param service the service name or port number; null for none
     * @return the results, in the resolver's order
     * @throws GaiException when the resolver fails (EAI_NONAME for an unknown name, ...)
     * @throws IllegalArgumentException when {@code node} or {@code service} contains a NUL
     */
    public static List<AddrInfo> getaddrinfo(String node, String service) throws GaiException {
        return getaddrinfo(node, service, null);
    }

    /**
     * {@code getaddrinfo(3)} with {@code hints} (null: NULL hints): every result in the resolver's
     * order, {@code canonname} on the first when {@link AiFlag#CANONNAME} is given;
     * {@code freeaddrinfo(3)} always runs.
     *
     * @param node the host name or numeric address; null for none
     * @param service the service name or port number; null for none
     * @param hints the wanted family, type, protocol and {@code AI_*} flags; null for none
     * @return the results, in the resolver's order
     * @throws GaiException when the resolver fails; {@link GaiException#errno()} for EAI_SYSTEM
     * @throws IllegalArgumentException when {@code node} or {@code service} contains a NUL
     */
    public static List<AddrInfo> getaddrinfo(String node, String service, AddrInfo.Hints hints) throws GaiException {
        int[] h = hints == null ? null : new int[] {hints.aiFlagsValue(), Domain.of(hints.aiFamily()),
                SocketType.of(hints.aiSocktype()), Protocol.of(hints.aiProtocol())};
        List<AddrInfo> out = new ArrayList<>();
        for (NetDb.AddrInfoEntry e : NetDb.getaddrinfo(node, service, h)) {
            out.add(new AddrInfo(AiFlag.of(e.flags()), new Domain(e.family()), new SocketType(e.socktype()),
                    new Protocol(e.protocol()), e.addr().length >= 2 ? SockAddr.fromBytes(e.addr()) : SockAddr.of(new Domain(e.family())),
                    e.canonname()));
        }
        return List.copyOf(out);
    }

    /**
     * {@code getnameinfo(3)}: host and service of a socket address (numeric where a name is not
     * found, unless {@link NiFlag#NAMEREQD}). CLISP's {@code (getnameinfo address ...)}. A scoped
     * IPv6 address reads {@code fe80::1%eth0}, or {@code fe80::1%2} with {@link NiFlag#NUMERICSCOPE}.
     *
     * @param address the address to look up
     * @param flags {@code MSG_*} flags for the call
     * @return the host and the service
     * @throws GaiException when the resolver fails (EAI_NONAME with NAMEREQD, EAI_FAMILY, ...)
     */
    public static NameInfo getnameinfo(SockAddr address, NiFlag... flags) throws GaiException {
        Objects.requireNonNull(address, "address");
        int mask = NiFlag.mask(flags);
        // glibc has no NI_NUMERICSCOPE (it rejects the RFC 3493 bit with EAI_BADFLAGS) and names the
        // scope of a link-local address by interface; so the flag is applied here, on its output.
        String[] r = NetDb.getnameinfo(address.storage, address.size, mask & ~NiFlag.NUMERICSCOPE.value());
        String node = r[0];
        int pct = node.indexOf('%');
        if ((mask & NiFlag.NUMERICSCOPE.value()) != 0 && pct >= 0 && address.familyValue() == Consts.AF_INET6) {
            node = node.substring(0, pct + 1) + Integer.toUnsignedString(address.scopeId());
        }
        return new NameInfo(node, r[1]);
    }

    /**
     * {@code getprotobyname_r(3)}: the protocols database entry named {@code name} (or one of its
     * aliases), empty when there is none.
     *
     * @param name the protocol's name or alias, e.g. {@code "icmp"}
     * @return the entry, or empty when there is none
     * @throws IllegalArgumentException when {@code name} contains a NUL
     */
    public static Optional<ProtocolEntry> protocol(String name) {
        return Optional.ofNullable(NetDb.protoByName(name)).map(Rawsock::protocolEntry);
    }

    /**
     * {@code getprotobynumber_r(3)}: the protocols database entry for {@code number}, empty when there is none.
     *
     * @param number the protocol number
     * @return the entry, or empty when there is none
     */
    public static Optional<ProtocolEntry> protocol(int number) {
        return Optional.ofNullable(NetDb.protoByNumber(number)).map(Rawsock::protocolEntry);
    }

    /**
     * {@code setprotoent(3)}/{@code getprotoent_r(3)}/{@code endprotoent(3)}: every entry of the
     * protocols database in file order; calls from several threads never interleave their cursors.
     *
     * @return every entry, in file order
     */
    public static List<ProtocolEntry> protocol() {
        return NetDb.protoAll().stream().map(Rawsock::protocolEntry).toList();
    }

    /**
     * {@code getnetbyname_r(3)}: the networks database entry named {@code name} (or an alias), empty
     * when there is none.
     *
     * @param name the network's name or alias, e.g. {@code "loopback"}
     * @return the entry, or empty when there is none
     * @throws IllegalArgumentException when {@code name} contains a NUL
     */
    public static Optional<NetworkEntry> network(String name) {
        return Optional.ofNullable(NetDb.netByName(name)).map(Rawsock::networkEntry);
    }

    /**
     * {@code getnetbyaddr_r(3)}: the networks database entry for network number {@code net} (host
     * order: 127.0.0.0 is {@code 0x7F000000L}) of address type {@code type} (AF_INET), empty when none.
     *
     * @param net the network number in host order, 0..0xFFFFFFFF
     * @param type the address type ({@code n_addrtype}), AF_INET (2)
     * @return the entry, or empty when there is none
     * @throws IllegalArgumentException unless 0 &lt;= net &lt;= 0xFFFFFFFF
     */
    public static Optional<NetworkEntry> network(long net, int type) {
        if (net < 0 || net > 0xFFFF_FFFFL) throw new IllegalArgumentException("network number must be 0..0xFFFFFFFF: " + net);
        return Optional.ofNullable(NetDb.netByAddr((int) net, type)).map(Rawsock::networkEntry);
    }

    /**
     * {@code setnetent(3)}/{@code getnetent_r(3)}/{@code endnetent(3)}: every entry of the networks
     * database in file order; calls from several threads never interleave their cursors.
     *
     * @return every entry, in file order
     */
    public static List<NetworkEntry> network() {
        return NetDb.netAll().stream().map(Rawsock::networkEntry).toList();
    }

    private static ProtocolEntry protocolEntry(NetDb.Entry e) {
        return new ProtocolEntry(e.name(), e.aliases(), e.number());
    }

    private static NetworkEntry networkEntry(NetDb.Entry e) {
        return new NetworkEntry(e.name(), e.aliases(), e.type(), Integer.toUnsignedLong(e.number()));
    }

    /**
     * {@code if_nametoindex(3)}: the index of interface {@code name}.
     *
     * @param name the interface name, e.g. {@code "lo"}
     * @return the interface index
     * @throws IllegalArgumentException for a name of 16+ bytes, an empty one, or one with a NUL or '/'
     * @throws ErrnoException ENODEV when there is no such interface
     */
    public static int ifNameIndex(String name) throws ErrnoException {
        return NetIf.index(name);
    }

    /**
     * {@code if_indextoname(3)}: the name of interface {@code index}.
     *
     * @param index the interface index, greater than 0
     * @return the interface name
     * @throws IllegalArgumentException when {@code index <= 0}
     * @throws ErrnoException ENXIO when there is no such interface
     */
    public static String ifNameIndex(int index) throws ErrnoException {
        return NetIf.name(index);
    }

    /**
     * {@code if_nameindex(3)}: every interface, index to name (the C list is freed with {@code if_freenameindex}).
     *
     * @return every interface, index to name
     * @throws ErrnoException if {@code if_nameindex(3)} fails
     */
    public static SortedMap<Integer, String> ifNameIndex() throws ErrnoException {
        return Collections.unmodifiableSortedMap(NetIf.all());
    }

    /**
     * {@code getifaddrs(3)}: every interface address in the C library's order: AF_PACKET entries
     * (hardware address, link counters), AF_INET and AF_INET6 (with the scope id of link-local
     * addresses); {@code freeifaddrs(3)} always runs.
     *
     * @return every interface address
     * @throws ErrnoException if {@code getifaddrs(3)} fails
     */
    public static List<IfAddrs> ifaddrs() throws ErrnoException {
        return ifaddrs(null, null);
    }

    /**
     * {@code getifaddrs(3)}, filtered as CLISP's {@code (ifaddrs :flags-or :flags-and)}: the entries
     * whose interface has every flag of {@code flagsAnd} and at least one of {@code flagsOr}. A null
     * or empty set sets no constraint.
     *
     * @param flagsOr  flags of which the interface must have at least one; null or empty: no constraint
     * @param flagsAnd flags the interface must all have; null or empty: no constraint
     * @return the entries that pass the filter
     * @throws ErrnoException if {@code getifaddrs(3)} fails
     */
    public static List<IfAddrs> ifaddrs(Set<IfFlag> flagsOr, Set<IfFlag> flagsAnd) throws ErrnoException {
        int or = flagsOr == null ? 0 : IfFlag.mask(flagsOr);
        int and = flagsAnd == null ? 0 : IfFlag.mask(flagsAnd);
        List<IfAddrs> out = new ArrayList<>();
        for (NetIf.IfAddr e : NetIf.ifaddrs()) {
            if ((e.flags() & and) != and || (or != 0 && (e.flags() & or) == 0)) continue;
            long[] st = e.stats();
            LinkStats stats = st == null ? null : new LinkStats(st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7], st[8]);
            out.add(new IfAddrs(e.name(), IfFlag.of(e.flags()), sockaddr(e.addr()), sockaddr(e.netmask()),
                    sockaddr(e.destination()), stats));
        }
        return List.copyOf(out);
    }

    private static SockAddr sockaddr(byte[] raw) {
        return raw == null ? null : SockAddr.fromBytes(raw);
    }

    // ================================================================ socket options, configdev

    /**
     * {@code getsockopt(2)}: the value of one option (CLISP's {@code socket-option} with a name).
     *
     * @param <T> the Java type of the option's value
     * @param fd the socket's file descriptor
     * @param option the option
     * @return the option's value
     * @throws UnsupportedOperationException when the option is write-only
     * @throws ErrnoException when the kernel refuses (ENOPROTOOPT for an option this socket lacks)
     */
    public static <T> T socketOption(int fd, SockOpt<T> option) throws ErrnoException {
        return Objects.requireNonNull(option, "option").get(fd);
    }

    /**
     * {@code setsockopt(2)}: sets one option. The value is checked (type and range) before the call.
     *
     * @param <T> the Java type of the option's value
     * @param fd the socket's file descriptor
     * @param option the option
     * @param value the value to set, checked against the option's type and range first
     * @throws UnsupportedOperationException when the option is read-only
     * @throws IllegalArgumentException when the value is out of the option's range
     * @throws ErrnoException if {@code setsockopt(2)} fails
     */
    public static <T> void setSocketOption(int fd, SockOpt<T> option, T value) throws ErrnoException {
        Objects.requireNonNull(option, "option").set(fd, value);
    }

    /**
     * {@code getsockopt(2)} of every readable option of the catalogue at {@code level}, in catalogue
     * order; an option the kernel refuses maps to its {@link ErrnoException} (CLISP's {@code :ERROR}).
     * Reading {@link SockOpt#SO_ERROR} clears the pending error and {@link SockOpt#PACKET_STATISTICS}
     * resets the counters, as in C.
     *
     * @param fd the socket's file descriptor
     * @param level the protocol level whose catalogue options are read
     * @return option to value (or the {@link ErrnoException} that refused it), in catalogue order
     */
    public static java.util.Map<SockOpt<?>, Object> socketOptions(int fd, Level level) {
        Sys.checkFd(fd);
        java.util.Map<SockOpt<?>, Object> m = new java.util.LinkedHashMap<>();
        for (SockOpt<?> o : SockOpt.known(level)) if (o.readable()) m.put(o, o.getOrError(fd));
        return m;
    }

    /**
     * {@code getsockopt(2)} of every readable option at every level (CLISP's {@code socket-option}
     * with {@code :ALL}): level to option to value, a refused option mapping to its {@link ErrnoException}.
     *
     * @param fd the socket's file descriptor
     * @return level to option to value (or the {@link ErrnoException} that refused it)
     */
    public static java.util.Map<Level, java.util.Map<SockOpt<?>, Object>> socketOptions(int fd) {
        Sys.checkFd(fd);
        java.util.Map<Level, java.util.Map<SockOpt<?>, Object>> m = new java.util.LinkedHashMap<>();
        for (Level l : SockOpt.levels()) m.put(l, socketOptions(fd, l));
        return m;
    }

    /**
     * {@code setsockopt(2)} of several options, in the map's order. Every value is checked before the
     * first call; the first refusal stops the rest and throws.
     *
     * @param fd the socket's file descriptor
     * @param options the options and their values, applied in the map's order
     * @throws ErrnoException if {@code setsockopt(2)} fails
     */
    public static void setSocketOptions(int fd, java.util.Map<SockOpt<?>, ?> options) throws ErrnoException {
        Sys.checkFd(fd);
        Objects.requireNonNull(options, "options");
        java.util.List<Object> checked = new java.util.ArrayList<>(options.size());
        for (java.util.Map.Entry<SockOpt<?>, ?> e : options.entrySet())
            checked.add(Objects.requireNonNull(e.getKey(), "option").check(e.getValue()));
        int i = 0;
        for (SockOpt<?> o : options.keySet()) setUnchecked(fd, o, checked.get(i++));
    }

    @SuppressWarnings("unchecked")
    private static <T> void setUnchecked(int fd, SockOpt<T> option, Object value) throws ErrnoException {
        option.setChecked(fd, (T) value);
    }

    /**
     * CLISP's {@code configdev}: with {@code ioctl(2)} on the caller's socket {@code fd} (any AF_INET
     * socket), turns PROMISC and NOARP on or off for {@code ifname} (SIOCGIFFLAGS/SIOCSIFFLAGS) and, when
     * {@code addressOrNull} is given, sets its IPv4 address (SIOCSIFADDR). CLISP copies the name with
     * strncpy and so cuts a long one silently; a name of 16+ bytes is an IllegalArgumentException here.
     *
     * @param fd the socket's file descriptor
     * @param ifname the interface name, at most 15 bytes
     * @param addressOrNull the IPv4 address to set; null leaves it unchanged
     * @param promisc whether to turn promiscuous mode on
     * @param noarp whether to turn ARP off
     * @throws ErrnoException ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN
     */
    public static void configdev(int fd, String ifname, java.net.Inet4Address addressOrNull, boolean promisc, boolean noarp)
            throws ErrnoException {
        Sys.checkFd(fd);
        Interfaces.configdev(fd, ifname, addressOrNull, promisc, noarp);
    }

    // ================================================================ checksums
    // ipcsum, icmpcsum, tcpcsum, udpcsum with CLISP's semantics.

    /**
     * CLISP's IPCSUM: the IPv4 header checksum of an Ethernet frame (the first 14 bytes are the
     * Ethernet header), stored in place at frame bytes 24-25 in network order and returned as CLISP
     * returns it on x86: the two stored bytes read little-endian. A zero 1024-byte frame with bytes
     * 12=8, 14=0x45, 17=40, 22=0x40, 23=6, 26=10, 29=10 gives 51056 (stored bytes 0x70, 0xC7).
     * Pure Java; see {@link dev.rawsock.packet.Checksums#ipcsum}.
     *
     * @param frame the Ethernet frame
     * @return the checksum as CLISP returns it: the two stored bytes read little-endian
     * @throws IllegalArgumentException when the IHL is below 5 or the header does not fit in the frame
     */
    public static int ipcsum(byte[] frame) {
        return ipcsum(frame, 0, frame.length);
    }

    /**
     * {@link #ipcsum(byte[])} on the frame in {@code frame[start..end)}.
     *
     * @param frame the Ethernet frame
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the checksum as CLISP returns it: the two stored bytes read little-endian
     */
    public static int ipcsum(byte[] frame, int start, int end) {
        return dev.rawsock.packet.Checksums.ipcsum(frame, start, end);
    }

    /**
     * CLISP's ICMPCSUM: the ICMP checksum of the IPv4 payload of an Ethernet frame (length from
     * the IP total length), stored in network order, returned read little-endian as CLISP does.
     *
     * @param frame the Ethernet frame
     * @return the checksum as CLISP returns it: the two stored bytes read little-endian
     * @throws IllegalArgumentException when the frame is shorter than its headers claim
     */
    public static int icmpcsum(byte[] frame) {
        return icmpcsum(frame, 0, frame.length);
    }

    /**
     * {@link #icmpcsum(byte[])} on the frame in {@code frame[start..end)}.
     *
     * @param frame the Ethernet frame
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the checksum as CLISP returns it: the two stored bytes read little-endian
     */
    public static int icmpcsum(byte[] frame, int start, int end) {
        return dev.rawsock.packet.Checksums.icmpcsum(frame, start, end);
    }

    /**
     * CLISP's TCPCSUM: the TCP checksum (IPv4 pseudo-header, lengths from the IP header) of an
     * Ethernet frame, stored in network order and returned as that big-endian value.
     *
     * @param frame the Ethernet frame
     * @return the stored checksum as its big-endian value
     * @throws IllegalArgumentException when the frame is shorter than its headers claim
     */
    public static int tcpcsum(byte[] frame) {
        return tcpcsum(frame, 0, frame.length);
    }

    /**
     * {@link #tcpcsum(byte[])} on the frame in {@code frame[start..end)}.
     *
     * @param frame the Ethernet frame
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the stored checksum as its big-endian value
     */
    public static int tcpcsum(byte[] frame, int start, int end) {
        return dev.rawsock.packet.Checksums.tcpcsum(frame, start, end);
    }

    /**
     * CLISP's UDPCSUM: as {@link #tcpcsum(byte[])} for UDP (covering the IP payload length, as
     * CLISP does), stored in network order and returned as that big-endian value.
     *
     * @param frame the Ethernet frame
     * @return the stored checksum as its big-endian value
     * @throws IllegalArgumentException when the frame is shorter than its headers claim
     */
    public static int udpcsum(byte[] frame) {
        return udpcsum(frame, 0, frame.length);
    }

    /**
     * {@link #udpcsum(byte[])} on the frame in {@code frame[start..end)}.
     *
     * @param frame the Ethernet frame
     * @param start index of the first byte
     * @param end index after the last byte
     * @return the stored checksum as its big-endian value
     */
    public static int udpcsum(byte[] frame, int start, int end) {
        return dev.rawsock.packet.Checksums.udpcsum(frame, start, end);
    }

}
