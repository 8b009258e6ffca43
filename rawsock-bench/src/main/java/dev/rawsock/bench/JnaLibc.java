package dev.rawsock.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The JNA column: libc's socket calls by JNA direct mapping ({@code Native.register}), the fastest
 * way JNA calls C. Sizes as on LP64 Linux: size_t/ssize_t are long, socklen_t is int.
 */
final class JnaLibc {
    private JnaLibc() {}

    static {
        Native.register(JnaLibc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static native int socket(int domain, int type, int protocol);
    static native int socketpair(int domain, int type, int protocol, int[] sv);
    static native int bind(int fd, Pointer addr, int len);
    static native int getsockname(int fd, Pointer addr, Pointer lenp);
    static native long send(int fd, Pointer buf, long len, int flags);
    static native long recv(int fd, Pointer buf, long len, int flags);
    static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int alen);
    static native long recvfrom(int fd, Pointer buf, long len, int flags, Pointer addr, Pointer lenp);
    static native int close(int fd);

    /** A connected AF_UNIX stream pair, blocking (setup for the bare-FFM and JNA columns). */
    static int[] unixStreamPair() {
        int[] sv = new int[2];
        check("socketpair", socketpair(Consts.AF_UNIX, Consts.SOCK_STREAM, 0, sv));
        return sv;
    }

    /** Throws when a setup call failed. */
    static int check(String what, long r) {
        if (r < 0) throw new IllegalStateException(what + " failed: errno " + Native.getLastError());
        return (int) r;
    }
}
