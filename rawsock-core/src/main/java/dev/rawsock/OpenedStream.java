package dev.rawsock;

/**
 * What {@link Rawsock#openUnixSocketStream} returns: CLISP's two values, a stream over a socket
 * connected to a Unix socket and the address. Closing the stream closes the socket.
 *
 * @param stream  the streams over the connected socket
 * @param address the Unix address it is connected to
 */
public record OpenedStream(FdStream stream, SockAddr address) {}
