package dev.rawsock;

/**
 * {@code struct ucred} ({@code <sys/socket.h>}): the credentials of the process at the other end of
 * a Unix socket, as {@link SockOpt#SO_PEERCRED} reads them (the peer's at {@code connect(2)} or
 * {@code socketpair(2)} time).
 *
 * @param pid the process id
 * @param uid the user id
 * @param gid the group id
 */
public record Ucred(int pid, int uid, int gid) {}
