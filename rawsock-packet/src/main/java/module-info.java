/**
 * rawsock's packets: checksums, header views, pcap files, link types and classic BPF, in pure Java.
 * No native calls, no dependencies: usable without {@code --enable-native-access}.
 */
@SuppressWarnings("module")  // the qualified export names dev.rawsock, which is built after this module
module dev.rawsock.packet {
    exports dev.rawsock.packet;
    // a helper for the core module, not API
    exports dev.rawsock.packet.internal to dev.rawsock;
}
