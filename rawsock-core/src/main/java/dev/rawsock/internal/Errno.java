package dev.rawsock.internal;

/**
 * errno as the bindings use it: plain {@code int} constants for the values the internal code tests
 * right after a call, and the names and texts of the public {@link dev.rawsock.Errno}, which is the
 * one table of them.
 */
public final class Errno {
    private Errno() {}

    public static final int EPERM = dev.rawsock.Errno.EPERM.number(),
            ENOENT = dev.rawsock.Errno.ENOENT.number(),
            EINTR = dev.rawsock.Errno.EINTR.number(),
            EIO = dev.rawsock.Errno.EIO.number(),
            ENXIO = dev.rawsock.Errno.ENXIO.number(),
            EBADF = dev.rawsock.Errno.EBADF.number(),
            EAGAIN = dev.rawsock.Errno.EAGAIN.number(),
            ENOMEM = dev.rawsock.Errno.ENOMEM.number(),
            EACCES = dev.rawsock.Errno.EACCES.number(),
            EFAULT = dev.rawsock.Errno.EFAULT.number(),
            EBUSY = dev.rawsock.Errno.EBUSY.number(),
            EEXIST = dev.rawsock.Errno.EEXIST.number(),
            ENODEV = dev.rawsock.Errno.ENODEV.number(),
            EINVAL = dev.rawsock.Errno.EINVAL.number(),
            EMFILE = dev.rawsock.Errno.EMFILE.number(),
            ENOTTY = dev.rawsock.Errno.ENOTTY.number(),
            EPIPE = dev.rawsock.Errno.EPIPE.number(),
            ERANGE = dev.rawsock.Errno.ERANGE.number(),
            ENOSYS = dev.rawsock.Errno.ENOSYS.number(),
            ENOPROTOOPT = dev.rawsock.Errno.ENOPROTOOPT.number(),
            EPROTONOSUPPORT = dev.rawsock.Errno.EPROTONOSUPPORT.number(),
            ESOCKTNOSUPPORT = dev.rawsock.Errno.ESOCKTNOSUPPORT.number(),
            EOPNOTSUPP = dev.rawsock.Errno.EOPNOTSUPP.number(),
            EAFNOSUPPORT = dev.rawsock.Errno.EAFNOSUPPORT.number(),
            EADDRINUSE = dev.rawsock.Errno.EADDRINUSE.number(),
            EADDRNOTAVAIL = dev.rawsock.Errno.EADDRNOTAVAIL.number(),
            ENETUNREACH = dev.rawsock.Errno.ENETUNREACH.number(),
            ECONNRESET = dev.rawsock.Errno.ECONNRESET.number(),
            EISCONN = dev.rawsock.Errno.EISCONN.number(),
            ENOTCONN = dev.rawsock.Errno.ENOTCONN.number(),
            ETIMEDOUT = dev.rawsock.Errno.ETIMEDOUT.number(),
            ECONNREFUSED = dev.rawsock.Errno.ECONNREFUSED.number(),
            EHOSTUNREACH = dev.rawsock.Errno.EHOSTUNREACH.number(),
            EALREADY = dev.rawsock.Errno.EALREADY.number(),
            EINPROGRESS = dev.rawsock.Errno.EINPROGRESS.number(),
            ENOTSOCK = dev.rawsock.Errno.ENOTSOCK.number(),
            EDESTADDRREQ = dev.rawsock.Errno.EDESTADDRREQ.number(),
            EMSGSIZE = dev.rawsock.Errno.EMSGSIZE.number(),
            EPROTOTYPE = dev.rawsock.Errno.EPROTOTYPE.number();

    /** The symbolic name, e.g. {@code "ECONNREFUSED"}; {@code "errno N"} for a number Linux does not define. */
    public static String name(int errno) {
        return dev.rawsock.Errno.of(errno).map(Enum::name).orElse("errno " + errno);
    }

    /** The number for a symbolic name ({@code "EAGAIN"}, also the aliases EWOULDBLOCK, EDEADLOCK, ENOTSUP), or -1. */
    public static int valueOf(String name) {
        return dev.rawsock.Errno.forName(name).map(dev.rawsock.Errno::number).orElse(-1);
    }

    /** {@code strerror(errno)}: the C library's text for it (from the table where it names the number). */
    public static String describe(int errno) {
        return dev.rawsock.Errno.of(errno).map(dev.rawsock.Errno::description).orElseGet(() -> Libc.strerror(errno));
    }
}
