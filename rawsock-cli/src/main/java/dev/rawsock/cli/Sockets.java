package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.Errno;
import dev.rawsock.ErrnoException;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;

/** What several subcommands do the same way with a socket: privilege fallbacks and the TTL. */
final class Sockets {
    private Sockets() {}

    /** Whether a socket(2) failed for want of a privilege (or a sysctl's permission) rather than for another reason. */
    static boolean denied(ErrnoException e) {
        return e.is(Errno.EPERM, Errno.EACCES);
    }

    /** The socket, or null when this process may not open one of that kind (so the caller can fall back). */
    static RawSocket openUnlessDenied(Domain d, SocketType t, Protocol p) throws ErrnoException {
        try {
            return RawSocket.open(d, t, p);
        } catch (ErrnoException e) {
            if (denied(e)) return null;
            throw e;
        }
    }

    /** The unicast TTL (IPv4) or hop limit (IPv6) of the packets {@code s} sends. */
    static void setTtl(RawSocket s, boolean v6, int ttl) throws ErrnoException {
        if (v6) s.setOption(SockOpt.IPV6_UNICAST_HOPS, ttl);
        else s.setOption(SockOpt.IP_TTL, ttl);
    }
}
