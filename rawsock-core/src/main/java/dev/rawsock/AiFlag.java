package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.Set;

/**
 * Flags of {@code getaddrinfo(3)}'s hints ({@code AI_*}, {@code <netdb.h>}): CLISP's
 * {@code :PASSIVE :CANONNAME :NUMERICHOST :NUMERICSERV :V4MAPPED :ALL :ADDRCONFIG} keywords, plus
 * glibc's IDN flags.
 */
public enum AiFlag {
    /** {@code AI_PASSIVE}: with no node name, return wildcard addresses for {@code bind(2)} instead of loopback. */
    PASSIVE(Consts.AI_PASSIVE),
    /** {@code AI_CANONNAME}: return the canonical name of the host in the first result. */
    CANONNAME(Consts.AI_CANONNAME),
    /** {@code AI_NUMERICHOST}: the node name must be a numeric address; never do a name lookup. */
    NUMERICHOST(Consts.AI_NUMERICHOST),
    /** {@code AI_V4MAPPED}: with {@code AF_INET6} and no IPv6 result, return IPv4 addresses mapped to IPv6. */
    V4MAPPED(Consts.AI_V4MAPPED),
    /** {@code AI_ALL}: with {@code AI_V4MAPPED}, return both IPv6 and mapped IPv4 addresses. */
    ALL(Consts.AI_ALL),
    /** {@code AI_ADDRCONFIG}: return an address family only if the host has an address of that family configured. */
    ADDRCONFIG(Consts.AI_ADDRCONFIG),
    /** {@code AI_IDN}: glibc: convert an internationalized node name to IDNA (ASCII) before lookup. */
    IDN(Consts.AI_IDN),
    /** {@code AI_CANONIDN}: glibc: convert the canonical name back from IDNA to the local character set. */
    CANONIDN(Consts.AI_CANONIDN),
    /** {@code AI_NUMERICSERV}: the service must be a numeric port; never look it up. */
    NUMERICSERV(Consts.AI_NUMERICSERV);

    private final int value;

    AiFlag(int value) { this.value = value; }

    /** {@return the C bit, e.g. {@code AI_PASSIVE} = 1} */
    public int value() { return value; }

    /** {@return the C name, e.g. {@code "AI_PASSIVE"}} */
    public String cName() { return "AI_" + name(); }

    /**
     * {@return the bits of {@code flags} or-ed together (null or empty: 0)}
     *
     * @param flags the flags
     */
    public static int mask(AiFlag... flags) {
        return FlagBits.mask(AiFlag::value, flags);
    }

    /**
     * {@return the bits of a set or-ed together (null: 0)}
     *
     * @param flags the flags
     */
    public static int mask(Set<AiFlag> flags) {
        return FlagBits.mask(AiFlag::value, flags);
    }

    /**
     * {@return the flags set in {@code bits} (bits no constant names are dropped)}
     *
     * @param bits the C bits
     */
    public static Set<AiFlag> of(int bits) {
        return FlagBits.of(AiFlag.class, bits, AiFlag::value);
    }
}
