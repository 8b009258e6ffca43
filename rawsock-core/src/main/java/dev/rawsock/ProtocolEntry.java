package dev.rawsock;

import java.util.List;

/**
 * An entry of the protocols database ({@code /etc/protocols}), as {@code struct protoent}
 * ({@code getprotobyname(3)}) gives it: CLISP's {@code RAWSOCK:PROTOCOL}.
 *
 * @param name    official name, e.g. {@code "icmp"}
 * @param aliases other names, e.g. {@code ["ICMP"]}
 * @param proto   protocol number, e.g. 1
 */
public record ProtocolEntry(String name, List<String> aliases, int proto) {
    /** Copies {@code aliases}, so the entry stays immutable. */
    public ProtocolEntry {
        aliases = List.copyOf(aliases);
    }
}
