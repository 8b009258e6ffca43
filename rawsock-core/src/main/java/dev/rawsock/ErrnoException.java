package dev.rawsock;

import java.net.SocketException;

/**
 * A system call failed: the C function's name, its {@code errno} and the socket it was called on
 * (CLISP's {@code RAWSOCK:RAWSOCK-ERROR} with {@code RAWSOCK-ERROR-SOCKET}). Test which error it
 * is with {@link #is(Errno...)}.
 *
 * <p>The message reads like {@code sendto(fd=7): ECONNREFUSED (Connection refused)}; the text in
 * parentheses comes from {@code strerror(3)}. Where the call was made on behalf of something more
 * than its arguments say (an interface name, a capture that was closed), that goes in
 * {@link #context()} and the parentheses: {@code if_nametoindex(eth9): ENODEV (No such device)}.
 */
public class ErrnoException extends SocketException {
    private static final long serialVersionUID = 1L;

    /** The C function that failed (or would have been called). */
    private final String function;
    /** The {@code errno} value it left. */
    private final int errno;
    /** The file descriptor it was called on, -1 when none. */
    private final int socket;
    /** What the call was for beyond its arguments, or null. */
    private final String context;

    /**
     * Built where a system call fails (mostly in the internal {@code Sys}); user code rarely needs one.
     *
     * @param function the C function that failed, e.g. {@code "sendto"}
     * @param errno    the value of {@code errno} it left
     * @param socket   the file descriptor it was called on, or -1 when there is none
     */
    public ErrnoException(String function, int errno, int socket) {
        this(function, errno, socket, null);
    }

    /**
     * Built where a system call fails, or is refused before it is made (a closed socket is EBADF),
     * with a word on what it was for.
     *
     * @param function the C function that failed or would have been called, e.g. {@code "recvfrom"}
     * @param errno    the value of {@code errno}
     * @param socket   the file descriptor it was called on, or -1 when there is none
     * @param context  what the call was for, e.g. an interface name or {@code "Capture.next"}; null for none
     */
    public ErrnoException(String function, int errno, int socket, String context) {
        super(message(function, errno, socket, context));
        this.function = function;
        this.errno = errno;
        this.socket = socket;
        this.context = context;
    }

    private static String message(String function, int errno, int socket, String context) {
        StringBuilder sb = new StringBuilder(function);
        if (context != null || socket >= 0) {
            sb.append('(');
            if (context != null) sb.append(context);
            if (context != null && socket >= 0) sb.append(", ");
            if (socket >= 0) sb.append("fd=").append(socket);
            sb.append(')');
        }
        sb.append(": ").append(dev.rawsock.internal.Errno.name(errno))
                .append(" (").append(dev.rawsock.internal.Errno.describe(errno)).append(')');
        return sb.toString();
    }

    /** {@return the C function that failed, e.g. {@code "sendto"}} */
    public String function() { return function; }

    /** {@return what the call was for beyond its C name (an interface name, the Java operation), or null} */
    public String context() { return context; }

    /** {@return the {@code errno} value, e.g. 111 for ECONNREFUSED on Linux} */
    public int errno() { return errno; }

    /** {@return the symbolic name of {@link #errno()}, e.g. {@code "ECONNREFUSED"}, or {@code "errno 999"} when unknown} */
    public String errnoName() { return dev.rawsock.internal.Errno.name(errno); }

    /**
     * {@return whether {@link #errno()} is one of {@code errors}}
     * {@code e.is(Errno.EPERM, Errno.EACCES)} is true for either.
     *
     * @param errors the errors to test for
     */
    public boolean is(Errno... errors) {
        for (Errno e : errors) if (e.number() == errno) return true;
        return false;
    }

    /** {@return the file descriptor the call was made on, or -1 (CLISP's RAWSOCK-ERROR-SOCKET)} */
    public int socket() { return socket; }
}
