package dev.rawsock.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library bindings: every C function rawsock calls, bound here and nowhere else.
 *
 * <p>Shape (after jextract): one holder class per C function, named as the function, with a
 * {@code static final MethodHandle} linked when the holder is first used; a static method of the same
 * name calls it with {@code invokeExact}. Functions that set {@code errno} take the capture segment
 * ({@link Scratch#errno}) as their first argument, and their result is returned raw: checking it,
 * retrying {@code EINTR} and turning {@code errno} into an exception happen in {@link Sys}, the one
 * place that does. Sizes: {@code size_t}/{@code ssize_t}/{@code off_t} are {@code long},
 * {@code socklen_t}/{@code nfds_t}-as-int are {@code int} (LP64 Linux).
 *
 * <p>Why the calls are safe: every pointer passed is a segment whose bounds the caller checked
 * against the length passed with it, so the kernel never writes past memory we own; the JVM never
 * sees a raw pointer it did not get from the kernel or C library.
 */
public final class Libc {
    private Libc() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** Layout of the call-state segment that {@code captureCallState("errno")} fills. */
    public static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /** errno as the last call that took {@code capture} left it. */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Links a function that sets errno: its handle takes the capture segment first. */
    static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd, CAPTURE);
    }

    /** Links a variadic function that sets errno; {@code fixed} arguments come before the "...". */
    static MethodHandle errnoVariadic(String name, FunctionDescriptor fd, int fixed) {
        return LINKER.downcallHandle(find(name), fd, CAPTURE, Linker.Option.firstVariadicArg(fixed));
    }

    /** Links a function whose failure does not go through errno (or that cannot fail). */
    static MethodHandle plainCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd);
    }

    /** Links a call that cannot block and may be passed heap segments (no copy). */
    static MethodHandle criticalCall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(name), fd, CAPTURE, Linker.Option.critical(true));
    }

    /** Whether this C library has the function at all (for doctor and optional paths). */
    public static boolean has(String name) {
        return LOOKUP.find(name).isPresent();
    }

    private static MemorySegment find(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("C library has no " + name));
    }

    /** A C call never throws a checked exception; anything it throws is a JVM bug surfacing. */
    static AssertionError fail(Throwable t) {
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        return new AssertionError("unexpected from a downcall", t);
    }

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_II = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_IAI = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final FunctionDescriptor I_IAA = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final FunctionDescriptor L_IALI =
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final FunctionDescriptor L_IAL = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor L_IAI = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);

    // ---------------------------------------------------------------- sockets: <sys/socket.h>

    private static final class socket { static final MethodHandle MH = errnoCall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)); }
    /** socket(2). */
    public static int socket(MemorySegment e, int domain, int type, int protocol) {
        try { return (int) socket.MH.invokeExact(e, domain, type, protocol); } catch (Throwable t) { throw fail(t); }
    }

    private static final class socketpair { static final MethodHandle MH = errnoCall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)); }
    /** socketpair(2); {@code sv} holds two ints. */
    public static int socketpair(MemorySegment e, int domain, int type, int protocol, MemorySegment sv) {
        try { return (int) socketpair.MH.invokeExact(e, domain, type, protocol, sv); } catch (Throwable t) { throw fail(t); }
    }

    private static final class bind { static final MethodHandle MH = errnoCall("bind", I_IAI); }
    /** bind(2). */
    public static int bind(MemorySegment e, int fd, MemorySegment addr, int len) {
        try { return (int) bind.MH.invokeExact(e, fd, addr, len); } catch (Throwable t) { throw fail(t); }
    }

    private static final class connect { static final MethodHandle MH = errnoCall("connect", I_IAI); }
    /** connect(2). */
    public static int connect(MemorySegment e, int fd, MemorySegment addr, int len) {
        try { return (int) connect.MH.invokeExact(e, fd, addr, len); } catch (Throwable t) { throw fail(t); }
    }

    private static final class accept4 { static final MethodHandle MH = errnoCall("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)); }
    /** accept4(2); {@code addr}/{@code lenp} may be NULL. */
    public static int accept4(MemorySegment e, int fd, MemorySegment addr, MemorySegment lenp, int flags) {
        try { return (int) accept4.MH.invokeExact(e, fd, addr, lenp, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getsockname { static final MethodHandle MH = errnoCall("getsockname", I_IAA); }
    /** getsockname(2). */
    public static int getsockname(MemorySegment e, int fd, MemorySegment addr, MemorySegment lenp) {
        try { return (int) getsockname.MH.invokeExact(e, fd, addr, lenp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getpeername { static final MethodHandle MH = errnoCall("getpeername", I_IAA); }
    /** getpeername(2). */
    public static int getpeername(MemorySegment e, int fd, MemorySegment addr, MemorySegment lenp) {
        try { return (int) getpeername.MH.invokeExact(e, fd, addr, lenp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class listen { static final MethodHandle MH = errnoCall("listen", I_II); }
    /** listen(2). */
    public static int listen(MemorySegment e, int fd, int backlog) {
        try { return (int) listen.MH.invokeExact(e, fd, backlog); } catch (Throwable t) { throw fail(t); }
    }

    private static final class shutdown { static final MethodHandle MH = errnoCall("shutdown", I_II); }
    /** shutdown(2). */
    public static int shutdown(MemorySegment e, int fd, int how) {
        try { return (int) shutdown.MH.invokeExact(e, fd, how); } catch (Throwable t) { throw fail(t); }
    }

    private static final class sockatmark { static final MethodHandle MH = errnoCall("sockatmark", I_I); }
    /** sockatmark(3). */
    public static int sockatmark(MemorySegment e, int fd) {
        try { return (int) sockatmark.MH.invokeExact(e, fd); } catch (Throwable t) { throw fail(t); }
    }

    private static final class send { static final MethodHandle MH = errnoCall("send", L_IALI); }
    /** send(2). */
    public static long send(MemorySegment e, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) send.MH.invokeExact(e, fd, buf, len, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recv { static final MethodHandle MH = errnoCall("recv", L_IALI); }
    /** recv(2). */
    public static long recv(MemorySegment e, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) recv.MH.invokeExact(e, fd, buf, len, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class sendto { static final MethodHandle MH = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }
    /** sendto(2); {@code addr} may be NULL with {@code alen} 0. */
    public static long sendto(MemorySegment e, int fd, MemorySegment buf, long len, int flags,
                              MemorySegment addr, int alen) {
        try { return (long) sendto.MH.invokeExact(e, fd, buf, len, flags, addr, alen); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recvfrom { static final MethodHandle MH = errnoCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)); }
    /** recvfrom(2); {@code addr}/{@code lenp} may be NULL. */
    public static long recvfrom(MemorySegment e, int fd, MemorySegment buf, long len, int flags,
                                MemorySegment addr, MemorySegment lenp) {
        try { return (long) recvfrom.MH.invokeExact(e, fd, buf, len, flags, addr, lenp); } catch (Throwable t) { throw fail(t); }
    }

    // Critical forms (Linker.Option.critical: no Java-to-native thread-state transition) for calls
    // that cannot block: Sys.*Now passes MSG_DONTWAIT, and only RawSocket's owned fds use them.
    // Measured (rawsock-bench CoreOverhead.pingBare*): 5-15% off a 64-byte socketpair round trip.

    private static final class sendCritical { static final MethodHandle MH = criticalCall("send", L_IALI); }
    /** send(2), critical: only with MSG_DONTWAIT. */
    public static long sendCritical(MemorySegment e, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) sendCritical.MH.invokeExact(e, fd, buf, len, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recvCritical { static final MethodHandle MH = criticalCall("recv", L_IALI); }
    /** recv(2), critical: only with MSG_DONTWAIT. */
    public static long recvCritical(MemorySegment e, int fd, MemorySegment buf, long len, int flags) {
        try { return (long) recvCritical.MH.invokeExact(e, fd, buf, len, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class sendtoCritical { static final MethodHandle MH = criticalCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT)); }
    /** sendto(2), critical: only with MSG_DONTWAIT. */
    public static long sendtoCritical(MemorySegment e, int fd, MemorySegment buf, long len, int flags,
                                      MemorySegment addr, int alen) {
        try { return (long) sendtoCritical.MH.invokeExact(e, fd, buf, len, flags, addr, alen); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recvfromCritical { static final MethodHandle MH = criticalCall("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS)); }
    /** recvfrom(2), critical: only with MSG_DONTWAIT. */
    public static long recvfromCritical(MemorySegment e, int fd, MemorySegment buf, long len, int flags,
                                        MemorySegment addr, MemorySegment lenp) {
        try { return (long) recvfromCritical.MH.invokeExact(e, fd, buf, len, flags, addr, lenp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class sendmsg { static final MethodHandle MH = errnoCall("sendmsg", L_IAI); }
    /** sendmsg(2). */
    public static long sendmsg(MemorySegment e, int fd, MemorySegment msghdr, int flags) {
        try { return (long) sendmsg.MH.invokeExact(e, fd, msghdr, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recvmsg { static final MethodHandle MH = errnoCall("recvmsg", L_IAI); }
    /** recvmsg(2). */
    public static long recvmsg(MemorySegment e, int fd, MemorySegment msghdr, int flags) {
        try { return (long) recvmsg.MH.invokeExact(e, fd, msghdr, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class sendmmsg { static final MethodHandle MH = errnoCall("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    /** sendmmsg(2). */
    public static int sendmmsg(MemorySegment e, int fd, MemorySegment vec, int vlen, int flags) {
        try { return (int) sendmmsg.MH.invokeExact(e, fd, vec, vlen, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class recvmmsg { static final MethodHandle MH = errnoCall("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS)); }
    /** recvmmsg(2); {@code timeout} may be NULL. */
    public static int recvmmsg(MemorySegment e, int fd, MemorySegment vec, int vlen, int flags, MemorySegment timeout) {
        try { return (int) recvmmsg.MH.invokeExact(e, fd, vec, vlen, flags, timeout); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getsockopt { static final MethodHandle MH = errnoCall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    /** getsockopt(2). */
    public static int getsockopt(MemorySegment e, int fd, int level, int name, MemorySegment val, MemorySegment lenp) {
        try { return (int) getsockopt.MH.invokeExact(e, fd, level, name, val, lenp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class setsockopt { static final MethodHandle MH = errnoCall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT)); }
    /** setsockopt(2). */
    public static int setsockopt(MemorySegment e, int fd, int level, int name, MemorySegment val, int len) {
        try { return (int) setsockopt.MH.invokeExact(e, fd, level, name, val, len); } catch (Throwable t) { throw fail(t); }
    }

    // ---------------------------------------------------------------- files: <unistd.h>, <fcntl.h>, <sys/uio.h>

    private static final class close { static final MethodHandle MH = errnoCall("close", I_I); }
    /** close(2). */
    public static int close(MemorySegment e, int fd) {
        try { return (int) close.MH.invokeExact(e, fd); } catch (Throwable t) { throw fail(t); }
    }

    private static final class read { static final MethodHandle MH = errnoCall("read", L_IAL); }
    /** read(2). */
    public static long read(MemorySegment e, int fd, MemorySegment buf, long len) {
        try { return (long) read.MH.invokeExact(e, fd, buf, len); } catch (Throwable t) { throw fail(t); }
    }

    private static final class write { static final MethodHandle MH = errnoCall("write", L_IAL); }
    /** write(2). */
    public static long write(MemorySegment e, int fd, MemorySegment buf, long len) {
        try { return (long) write.MH.invokeExact(e, fd, buf, len); } catch (Throwable t) { throw fail(t); }
    }

    private static final class readv { static final MethodHandle MH = errnoCall("readv", L_IAI); }
    /** readv(2). */
    public static long readv(MemorySegment e, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) readv.MH.invokeExact(e, fd, iov, iovcnt); } catch (Throwable t) { throw fail(t); }
    }

    private static final class writev { static final MethodHandle MH = errnoCall("writev", L_IAI); }
    /** writev(2). */
    public static long writev(MemorySegment e, int fd, MemorySegment iov, int iovcnt) {
        try { return (long) writev.MH.invokeExact(e, fd, iov, iovcnt); } catch (Throwable t) { throw fail(t); }
    }

    private static final class preadv2 { static final MethodHandle MH = errnoCall("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT)); }
    /** preadv2(2); offset -1 reads at the file position, as readv(2) does. */
    public static long preadv2(MemorySegment e, int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try { return (long) preadv2.MH.invokeExact(e, fd, iov, iovcnt, offset, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class pwritev2 { static final MethodHandle MH = errnoCall("pwritev2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT)); }
    /** pwritev2(2); offset -1 writes at the file position, as writev(2) does. */
    public static long pwritev2(MemorySegment e, int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        try { return (long) pwritev2.MH.invokeExact(e, fd, iov, iovcnt, offset, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class fcntl { static final MethodHandle MH = errnoVariadic("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2); }
    /** fcntl(2) with an int argument (F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC). */
    public static int fcntl(MemorySegment e, int fd, int cmd, int arg) {
        try { return (int) fcntl.MH.invokeExact(e, fd, cmd, arg); } catch (Throwable t) { throw fail(t); }
    }

    private static final class ioctl { static final MethodHandle MH = errnoVariadic("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2); }
    /** ioctl(2) with a pointer argument (struct ifreq and friends). */
    public static int ioctl(MemorySegment e, int fd, long request, MemorySegment arg) {
        try { return (int) ioctl.MH.invokeExact(e, fd, request, arg); } catch (Throwable t) { throw fail(t); }
    }

    private static final class ioctlValue { static final MethodHandle MH = errnoVariadic("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2); }
    /** ioctl(2) whose argument is a value, not a pointer (TUNSETPERSIST, TUNSETOWNER, TUNSETOFFLOAD). */
    public static int ioctlValue(MemorySegment e, int fd, long request, long arg) {
        try { return (int) ioctlValue.MH.invokeExact(e, fd, request, arg); } catch (Throwable t) { throw fail(t); }
    }

    private static final class open { static final MethodHandle MH = errnoVariadic("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2); }
    /** open(2); {@code mode} matters only with O_CREAT. */
    public static int open(MemorySegment e, MemorySegment path, int flags, int mode) {
        try { return (int) open.MH.invokeExact(e, path, flags, mode); } catch (Throwable t) { throw fail(t); }
    }

    private static final class setns { static final MethodHandle MH = errnoCall("setns", I_II); }
    /** setns(2): moves the calling thread into the namespace behind {@code fd}. */
    public static int setns(MemorySegment e, int fd, int nstype) {
        try { return (int) setns.MH.invokeExact(e, fd, nstype); } catch (Throwable t) { throw fail(t); }
    }

    private static final class poll { static final MethodHandle MH = errnoCall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)); }
    /** poll(2). */
    public static int poll(MemorySegment e, MemorySegment fds, long nfds, int timeoutMillis) {
        try { return (int) poll.MH.invokeExact(e, fds, nfds, timeoutMillis); } catch (Throwable t) { throw fail(t); }
    }

    private static final class eventfd { static final MethodHandle MH = errnoCall("eventfd", I_II); }
    /** eventfd(2). */
    public static int eventfd(MemorySegment e, int initval, int flags) {
        try { return (int) eventfd.MH.invokeExact(e, initval, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class epoll_create1 { static final MethodHandle MH = errnoCall("epoll_create1", I_I); }
    /** epoll_create1(2). */
    public static int epoll_create1(MemorySegment e, int flags) {
        try { return (int) epoll_create1.MH.invokeExact(e, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class epoll_ctl { static final MethodHandle MH = errnoCall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)); }
    /** epoll_ctl(2). */
    public static int epoll_ctl(MemorySegment e, int epfd, int op, int fd, MemorySegment event) {
        try { return (int) epoll_ctl.MH.invokeExact(e, epfd, op, fd, event); } catch (Throwable t) { throw fail(t); }
    }

    private static final class epoll_wait { static final MethodHandle MH = errnoCall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    /** epoll_wait(2). */
    public static int epoll_wait(MemorySegment e, int epfd, MemorySegment events, int max, int timeout) {
        try { return (int) epoll_wait.MH.invokeExact(e, epfd, events, max, timeout); } catch (Throwable t) { throw fail(t); }
    }

    private static final class mmap { static final MethodHandle MH = errnoCall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG)); }
    /** mmap(2); returns MAP_FAILED (address -1) on error. */
    public static MemorySegment mmap(MemorySegment e, MemorySegment addr, long len, int prot, int flags, int fd, long off) {
        try { return (MemorySegment) mmap.MH.invokeExact(e, addr, len, prot, flags, fd, off); } catch (Throwable t) { throw fail(t); }
    }

    private static final class munmap { static final MethodHandle MH = errnoCall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)); }
    /** munmap(2). */
    public static int munmap(MemorySegment e, MemorySegment addr, long len) {
        try { return (int) munmap.MH.invokeExact(e, addr, len); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getpid { static final MethodHandle MH = plainCall("getpid", FunctionDescriptor.of(JAVA_INT)); }
    /** getpid(2). */
    public static int getpid() {
        try { return (int) getpid.MH.invokeExact(); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getuid { static final MethodHandle MH = plainCall("getuid", FunctionDescriptor.of(JAVA_INT)); }
    /** getuid(2). */
    public static int getuid() {
        try { return (int) getuid.MH.invokeExact(); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getgid { static final MethodHandle MH = plainCall("getgid", FunctionDescriptor.of(JAVA_INT)); }
    /** getgid(2). */
    public static int getgid() {
        try { return (int) getgid.MH.invokeExact(); } catch (Throwable t) { throw fail(t); }
    }

    // ---------------------------------------------------------------- text: <string.h>, <arpa/inet.h>

    private static final class strerror_r { static final MethodHandle MH = plainCall("strerror_r",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG)); }
    /** strerror(3) through glibc's GNU strerror_r, which returns a pointer to the text (maybe not {@code buf}). */
    public static String strerror(int errno) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            MemorySegment p = (MemorySegment) strerror_r.MH.invokeExact(errno, buf, 256L);
            return p.equals(MemorySegment.NULL) ? "errno " + errno : p.reinterpret(1024).getString(0);
        } catch (Throwable t) { throw fail(t); }
    }

    private static final class inet_pton { static final MethodHandle MH = plainCall("inet_pton",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)); }
    /** inet_pton(3): 1 when {@code src} parsed, 0 when it is not an address of that family. */
    public static int inet_pton(int af, MemorySegment src, MemorySegment dst) {
        try { return (int) inet_pton.MH.invokeExact(af, src, dst); } catch (Throwable t) { throw fail(t); }
    }

    private static final class inet_ntop { static final MethodHandle MH = errnoCall("inet_ntop",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)); }
    /** inet_ntop(3): NULL on error. */
    public static MemorySegment inet_ntop(MemorySegment e, int af, MemorySegment src, MemorySegment dst, int size) {
        try { return (MemorySegment) inet_ntop.MH.invokeExact(e, af, src, dst, size); } catch (Throwable t) { throw fail(t); }
    }

    // ---------------------------------------------------------------- names: <netdb.h>, <net/if.h>, <ifaddrs.h>

    private static final class getaddrinfo { static final MethodHandle MH = errnoCall("getaddrinfo",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)); }
    /** getaddrinfo(3): 0 or an EAI_* code (errno meaningful for EAI_SYSTEM). */
    public static int getaddrinfo(MemorySegment e, MemorySegment node, MemorySegment service,
                                  MemorySegment hints, MemorySegment resp) {
        try { return (int) getaddrinfo.MH.invokeExact(e, node, service, hints, resp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class freeaddrinfo { static final MethodHandle MH = plainCall("freeaddrinfo",
            FunctionDescriptor.ofVoid(ADDRESS)); }
    /** freeaddrinfo(3). */
    public static void freeaddrinfo(MemorySegment res) {
        try { freeaddrinfo.MH.invokeExact(res); } catch (Throwable t) { throw fail(t); }
    }

    private static final class gai_strerror { static final MethodHandle MH = plainCall("gai_strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT)); }
    /** gai_strerror(3). */
    public static String gai_strerror(int code) {
        try {
            MemorySegment p = (MemorySegment) gai_strerror.MH.invokeExact(code);
            return p.equals(MemorySegment.NULL) ? "EAI " + code : p.reinterpret(1024).getString(0);
        } catch (Throwable t) { throw fail(t); }
    }

    private static final class getnameinfo { static final MethodHandle MH = errnoCall("getnameinfo",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)); }
    /** getnameinfo(3): 0 or an EAI_* code. */
    public static int getnameinfo(MemorySegment e, MemorySegment addr, int alen, MemorySegment host, int hostlen,
                                  MemorySegment serv, int servlen, int flags) {
        try { return (int) getnameinfo.MH.invokeExact(e, addr, alen, host, hostlen, serv, servlen, flags); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getprotobyname_r { static final MethodHandle MH = plainCall("getprotobyname_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)); }
    /** getprotobyname_r(3): 0 or ERANGE etc.; {@code *result} is NULL when not found. */
    public static int getprotobyname_r(MemorySegment name, MemorySegment ent, MemorySegment buf, long buflen, MemorySegment result) {
        try { return (int) getprotobyname_r.MH.invokeExact(name, ent, buf, buflen, result); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getprotobynumber_r { static final MethodHandle MH = plainCall("getprotobynumber_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)); }
    /** getprotobynumber_r(3). */
    public static int getprotobynumber_r(int proto, MemorySegment ent, MemorySegment buf, long buflen, MemorySegment result) {
        try { return (int) getprotobynumber_r.MH.invokeExact(proto, ent, buf, buflen, result); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getprotoent_r { static final MethodHandle MH = plainCall("getprotoent_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS)); }
    /** getprotoent_r(3): walks the database that setprotoent opened; not reentrant across threads. */
    public static int getprotoent_r(MemorySegment ent, MemorySegment buf, long buflen, MemorySegment result) {
        try { return (int) getprotoent_r.MH.invokeExact(ent, buf, buflen, result); } catch (Throwable t) { throw fail(t); }
    }

    private static final class setprotoent { static final MethodHandle MH = plainCall("setprotoent", FunctionDescriptor.ofVoid(JAVA_INT)); }
    /** setprotoent(3). */
    public static void setprotoent(int stayOpen) {
        try { setprotoent.MH.invokeExact(stayOpen); } catch (Throwable t) { throw fail(t); }
    }

    private static final class endprotoent { static final MethodHandle MH = plainCall("endprotoent", FunctionDescriptor.ofVoid()); }
    /** endprotoent(3). */
    public static void endprotoent() {
        try { endprotoent.MH.invokeExact(); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getnetbyname_r { static final MethodHandle MH = plainCall("getnetbyname_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)); }
    /** getnetbyname_r(3) (glibc). */
    public static int getnetbyname_r(MemorySegment name, MemorySegment ent, MemorySegment buf, long buflen,
                                     MemorySegment result, MemorySegment herrno) {
        try { return (int) getnetbyname_r.MH.invokeExact(name, ent, buf, buflen, result, herrno); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getnetbyaddr_r { static final MethodHandle MH = plainCall("getnetbyaddr_r",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)); }
    /** getnetbyaddr_r(3) (glibc); {@code net} is a uint32_t in host order. */
    public static int getnetbyaddr_r(int net, int type, MemorySegment ent, MemorySegment buf, long buflen,
                                     MemorySegment result, MemorySegment herrno) {
        try { return (int) getnetbyaddr_r.MH.invokeExact(net, type, ent, buf, buflen, result, herrno); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getnetent_r { static final MethodHandle MH = plainCall("getnetent_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)); }
    /** getnetent_r(3) (glibc). */
    public static int getnetent_r(MemorySegment ent, MemorySegment buf, long buflen, MemorySegment result, MemorySegment herrno) {
        try { return (int) getnetent_r.MH.invokeExact(ent, buf, buflen, result, herrno); } catch (Throwable t) { throw fail(t); }
    }

    private static final class setnetent { static final MethodHandle MH = plainCall("setnetent", FunctionDescriptor.ofVoid(JAVA_INT)); }
    /** setnetent(3). */
    public static void setnetent(int stayOpen) {
        try { setnetent.MH.invokeExact(stayOpen); } catch (Throwable t) { throw fail(t); }
    }

    private static final class endnetent { static final MethodHandle MH = plainCall("endnetent", FunctionDescriptor.ofVoid()); }
    /** endnetent(3). */
    public static void endnetent() {
        try { endnetent.MH.invokeExact(); } catch (Throwable t) { throw fail(t); }
    }

    private static final class if_nametoindex { static final MethodHandle MH = errnoCall("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    /** if_nametoindex(3): 0 on error. */
    public static int if_nametoindex(MemorySegment e, MemorySegment name) {
        try { return (int) if_nametoindex.MH.invokeExact(e, name); } catch (Throwable t) { throw fail(t); }
    }

    private static final class if_indextoname { static final MethodHandle MH = errnoCall("if_indextoname",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS)); }
    /** if_indextoname(3): NULL on error; {@code buf} has IF_NAMESIZE bytes. */
    public static MemorySegment if_indextoname(MemorySegment e, int index, MemorySegment buf) {
        try { return (MemorySegment) if_indextoname.MH.invokeExact(e, index, buf); } catch (Throwable t) { throw fail(t); }
    }

    private static final class if_nameindex { static final MethodHandle MH = errnoCall("if_nameindex",
            FunctionDescriptor.of(ADDRESS)); }
    /** if_nameindex(3): NULL on error; free with {@link #if_freenameindex}. */
    public static MemorySegment if_nameindex(MemorySegment e) {
        try { return (MemorySegment) if_nameindex.MH.invokeExact(e); } catch (Throwable t) { throw fail(t); }
    }

    private static final class if_freenameindex { static final MethodHandle MH = plainCall("if_freenameindex",
            FunctionDescriptor.ofVoid(ADDRESS)); }
    /** if_freenameindex(3). */
    public static void if_freenameindex(MemorySegment p) {
        try { if_freenameindex.MH.invokeExact(p); } catch (Throwable t) { throw fail(t); }
    }

    private static final class getifaddrs { static final MethodHandle MH = errnoCall("getifaddrs",
            FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
    /** getifaddrs(3). */
    public static int getifaddrs(MemorySegment e, MemorySegment ifapp) {
        try { return (int) getifaddrs.MH.invokeExact(e, ifapp); } catch (Throwable t) { throw fail(t); }
    }

    private static final class freeifaddrs { static final MethodHandle MH = plainCall("freeifaddrs",
            FunctionDescriptor.ofVoid(ADDRESS)); }
    /** freeifaddrs(3). */
    public static void freeifaddrs(MemorySegment p) {
        try { freeifaddrs.MH.invokeExact(p); } catch (Throwable t) { throw fail(t); }
    }
}
