package dev.rawsock;

import dev.rawsock.internal.Errno;

import java.net.SocketException;

/**
 * A system call failed: the Java form of the seed's OS error, carrying the C function's name,
 * {@code errno} and the socket it was called on (the seed's {@code RAWSOCK-ERROR-SOCKET}).
 *
 * <p>The message reads like {@code sendto(fd=7): ECONNREFUSED (Connection refused)}; the text in
 * parentheses comes from {@code strerror(3)}.
 */
public class ErrnoException extends SocketException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int errno;
    private final int socket;

    /**
     * Built where a system call fails (mostly in the internal {@code Sys}); user code rarely needs one.
     *
     * @param function the C function that failed, e.g. {@code "sendto"}
     * @param errno    the value of {@code errno} it left
     * @param socket   the file descriptor it was called on, or -1 when there is none
     */
    public ErrnoException(String function, int errno, int socket) {
        super(message(function, errno, socket));
        this.function = function;
        this.errno = errno;
        this.socket = socket;
    }

    private static String message(String function, int errno, int socket) {
        StringBuilder sb = new StringBuilder(function);
        if (socket >= 0) sb.append("(fd=").append(socket).append(')');
        sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        return sb.toString();
    }

    /** {@return the C function that failed, e.g. {@code "sendto"}} */
    public String function() { return function; }

    /** {@return the {@code errno} value, e.g. 111 for ECONNREFUSED on Linux} */
    public int errno() { return errno; }

    /** {@return the symbolic name of {@link #errno()}, e.g. {@code "ECONNREFUSED"}, or {@code "errno 999"} when unknown} */
    public String errnoName() { return Errno.name(errno); }

    /** {@return the file descriptor the call was made on, or -1 (the seed's RAWSOCK-ERROR-SOCKET)} */
    public int socket() { return socket; }
}
