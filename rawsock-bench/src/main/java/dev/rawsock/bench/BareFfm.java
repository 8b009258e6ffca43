package dev.rawsock.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A diagnostic column, not a competitor: send/recv/sendto/recvfrom as bare FFM downcalls with errno
 * capture and nothing else (no handle state, no scratch, no retry). rawsock's distance from it is
 * the library's own overhead, which docs/architecture.md's performance rules keep within a few percent.
 */
final class BareFfm {
    private BareFfm() {}

    private static final Linker L = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    /** ssize_t send/recv(int fd, void *buf, size_t len, int flags) */
    private static final FunctionDescriptor SEND_RECV = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

    private static MethodHandle link(String name, FunctionDescriptor d, Linker.Option... options) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), d, options);
    }

    static final MethodHandle SEND = link("send", SEND_RECV, ERRNO);
    static final MethodHandle RECV = link("recv", SEND_RECV, ERRNO);
    static final MethodHandle SENDTO = link("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    static final MethodHandle RECVFROM = link("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), ERRNO);

    /** Linked with Linker.Option.critical: no thread-state transition (only for calls that cannot block). */
    static final MethodHandle SEND_CRITICAL = link("send", SEND_RECV, ERRNO, Linker.Option.critical(true));
    static final MethodHandle RECV_CRITICAL = link("recv", SEND_RECV, ERRNO, Linker.Option.critical(true));

    /** Critical and without errno capture: how much the capture itself costs (diagnostic only). */
    static final MethodHandle SEND_PLAIN = link("send", SEND_RECV, Linker.Option.critical(false));
    static final MethodHandle RECV_PLAIN = link("recv", SEND_RECV, Linker.Option.critical(false));

    static long sendCritical(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND_CRITICAL.invokeExact(errno, fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long recvCritical(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV_CRITICAL.invokeExact(errno, fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long sendPlain(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND_PLAIN.invokeExact(fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long recvPlain(int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV_PLAIN.invokeExact(fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The capture state, one per thread's benchmark state. */
    static MemorySegment capture(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    static long send(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) SEND.invokeExact(errno, fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long recv(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
        try {
            return (long) RECV.invokeExact(errno, fd, buf, len, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long sendto(MemorySegment errno, int fd, MemorySegment buf, long len, int flags, MemorySegment to, int tolen) {
        try {
            return (long) SENDTO.invokeExact(errno, fd, buf, len, flags, to, tolen);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static long recvfrom(MemorySegment errno, int fd, MemorySegment buf, long len, int flags, MemorySegment from, MemorySegment fromLen) {
        try {
            return (long) RECVFROM.invokeExact(errno, fd, buf, len, flags, from, fromLen);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
