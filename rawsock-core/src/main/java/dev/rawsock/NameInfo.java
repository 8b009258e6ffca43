package dev.rawsock;

/**
 * What {@code getnameinfo(3)} gives for a socket address: CLISP's two values of
 * {@code RAWSOCK:GETNAMEINFO}.
 *
 * @param node    host name, or the numeric address (with {@code %scope} for a scoped IPv6 one)
 * @param service service name, or the port number as text
 */
public record NameInfo(String node, String service) {}
