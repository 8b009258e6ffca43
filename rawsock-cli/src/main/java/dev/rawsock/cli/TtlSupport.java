package dev.rawsock.cli;

import dev.rawsock.RawSocket;

/** Setting IP_TTL / IPV6_UNICAST_HOPS: needs the socket-option API (issue 5), not on this branch yet. */
final class TtlSupport {
    private TtlSupport() {}

    static void set(RawSocket s, boolean v6, int ttl) {
        throw new CliException("-t needs socket options (SockOpt), which this build does not have yet");
    }
}
