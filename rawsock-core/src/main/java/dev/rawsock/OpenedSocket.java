package dev.rawsock;

/**
 * What {@link Rawsock#openUnixSocket} returns: CLISP's two values, a connected socket's fd and
 * the address it was connected to. The caller owns {@code fd} and closes it ({@link Rawsock#sockClose}).
 *
 * @param fd      the socket
 * @param address the Unix address it is connected to
 */
public record OpenedSocket(int fd, SockAddr address) {}
