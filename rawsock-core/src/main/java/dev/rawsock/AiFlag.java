package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/**
 * Flags of {@code getaddrinfo(3)}'s hints ({@code AI_*}, {@code <netdb.h>}): the seed's
 * {@code :PASSIVE :CANONNAME :NUMERICHOST :NUMERICSERV :V4MAPPED :ALL :ADDRCONFIG} keywords, plus
 * glibc's IDN flags.
 */
public enum AiFlag {
    PASSIVE(Consts.AI_PASSIVE), CANONNAME(Consts.AI_CANONNAME), NUMERICHOST(Consts.AI_NUMERICHOST),
    V4MAPPED(Consts.AI_V4MAPPED), ALL(Consts.AI_ALL), ADDRCONFIG(Consts.AI_ADDRCONFIG), IDN(Consts.AI_IDN),
    CANONIDN(Consts.AI_CANONIDN), NUMERICSERV(Consts.AI_NUMERICSERV);

    private final int value;

    AiFlag(int value) { this.value = value; }

    /** The C bit, e.g. {@code AI_PASSIVE} = 1. */
    public int value() { return value; }

    /** The C name, e.g. {@code "AI_PASSIVE"}. */
    public String cName() { return "AI_" + name(); }

    /** The bits of {@code flags} or-ed together (null or empty: 0). */
    public static int mask(AiFlag... flags) {
        int m = 0;
        if (flags != null) for (AiFlag f : flags) m |= f.value;
        return m;
    }

    /** The bits of a set or-ed together (null: 0). */
    public static int mask(Set<AiFlag> flags) {
        int m = 0;
        if (flags != null) for (AiFlag f : flags) m |= f.value;
        return m;
    }

    /** The flags set in {@code bits} (bits no constant names are dropped). */
    public static Set<AiFlag> of(int bits) {
        EnumSet<AiFlag> s = EnumSet.noneOf(AiFlag.class);
        for (AiFlag f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }
}
