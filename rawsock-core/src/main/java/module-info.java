/**
 * rawsock: the whole BSD socket interface of Linux, raw sockets included, in pure Java
 * on the Foreign Function &amp; Memory API.
 */
module dev.rawsock {
    requires transitive dev.rawsock.packet;

    exports dev.rawsock;
    exports dev.rawsock.capture;
    exports dev.rawsock.netlink;
}
