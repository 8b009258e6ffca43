/**
 * rawsock: the whole BSD socket interface of Linux, raw sockets included, in pure Java
 * on the Foreign Function &amp; Memory API.
 */
module dev.rawsock {
    exports dev.rawsock;
    exports dev.rawsock.packet;
    exports dev.rawsock.capture;
    exports dev.rawsock.netlink;
}
