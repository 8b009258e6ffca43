package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Libc;

import java.io.IOException;

/**
 * {@code getaddrinfo(3)} or {@code getnameinfo(3)} failed: CLISP's {@code RAWSOCK:EAI} condition.
 * Carries the {@code EAI_*} code, its C name, and {@code gai_strerror(3)}'s text; for
 * {@code EAI_SYSTEM} also the {@code errno} the C library left.
 *
 * <p>The message reads like {@code getaddrinfo(node=nowhere., service=null): EAI_NONAME (Name or
 * service not known)}.
 */
public class GaiException extends IOException {
    private static final long serialVersionUID = 1L;
    private static final ConstTable EAI = ConstTable.of("EAI_");

    /** The {@code EAI_*} value the resolver returned. */
    private final int code;
    /** {@code errno} for {@code EAI_SYSTEM}, else 0. */
    private final int errno;

    /**
     * An exception for a failed resolver call; its message is built from {@code context} and the code.
     *
     * @param context what was called, e.g. {@code "getaddrinfo(node=x, service=null)"}
     * @param code    the {@code EAI_*} value (negative on glibc)
     * @param errno   {@code errno} for {@code EAI_SYSTEM}, else 0 (ignored for other codes)
     */
    public GaiException(String context, int code, int errno) {
        super(message(context, code, errno));
        this.code = code;
        this.errno = code == Consts.EAI_SYSTEM ? errno : 0;
    }

    private static String message(String context, int code, int errno) {
        StringBuilder sb = new StringBuilder();
        if (context != null) sb.append(context).append(": ");
        sb.append(codeName(code)).append(" (").append(Libc.gai_strerror(code)).append(')');
        if (code == Consts.EAI_SYSTEM) sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        return sb.toString();
    }

    /** {@return the {@code EAI_*} code, e.g. -2 for {@code EAI_NONAME} on glibc} */
    public int code() { return code; }

    /** {@return the C name of {@link #code()}, e.g. {@code "EAI_NONAME"}; {@code "EAI N"} when glibc defines no name for it} */
    public String codeName() { return codeName(code); }

    /** {@return the {@code errno} that came with {@code EAI_SYSTEM}; 0 for every other code} */
    public int errno() { return errno; }

    /**
     * {@return the C name of an {@code EAI_*} code, e.g. {@code "EAI_AGAIN"} for -3; {@code "EAI N"} when unknown}
     *
     * @param code an {@code EAI_*} value
     */
    public static String codeName(int code) {
        String n = EAI.name(code);
        return n != null ? n : "EAI " + code;
    }
}
