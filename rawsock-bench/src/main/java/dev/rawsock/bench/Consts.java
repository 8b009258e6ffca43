package dev.rawsock.bench;

/** The few C constants the JNA column needs (Linux values; rawsock's own live in its internal Consts). */
final class Consts {
    private Consts() {}

    static final int AF_UNIX = 1, AF_INET = 2;
    static final int SOCK_STREAM = 1, SOCK_DGRAM = 2;
    static final int MSG_NOSIGNAL = 0x4000, MSG_DONTWAIT = 0x40;
    static final int SOCKADDR_IN_SIZE = 16;
}
