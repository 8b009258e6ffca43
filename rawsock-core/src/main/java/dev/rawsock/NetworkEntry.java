package dev.rawsock;

import java.util.List;

/**
 * An entry of the networks database ({@code /etc/networks}), as {@code struct netent}
 * ({@code getnetbyname(3)}) gives it: CLISP's {@code RAWSOCK:NETWORK}.
 *
 * @param name    official name, e.g. {@code "loopback"}
 * @param aliases other names
 * @param type    address type ({@code n_addrtype}), AF_INET (2) for every entry glibc reads
 * @param net     network number in host order, unsigned ({@code n_net}): 127.0.0.0 is {@code 0x7F000000}
 */
public record NetworkEntry(String name, List<String> aliases, int type, long net) {
    /** Copies {@code aliases}, so the entry stays immutable. */
    public NetworkEntry {
        aliases = List.copyOf(aliases);
    }
}
