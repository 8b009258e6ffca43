package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/**
 * Flags of {@code getnameinfo(3)} ({@code NI_*}, {@code <netdb.h>}): the seed's
 * {@code :NOFQDN :NUMERICHOST :NAMEREQD :NUMERICSERV :NUMERICSCOPE :DGRAM} keywords, plus glibc's
 * {@code NI_IDN}.
 *
 * <p>{@link #NUMERICSCOPE} is RFC 3493's {@code NI_NUMERICSCOPE}, which glibc does not define (it
 * answers the bit with EAI_BADFLAGS and always names a link-local scope by interface): rawsock never
 * passes it to C and instead writes the scope id as a number itself ({@code fe80::1%2}, not
 * {@code fe80::1%eth0}).
 */
public enum NiFlag {
    NUMERICHOST(Consts.NI_NUMERICHOST), NUMERICSERV(Consts.NI_NUMERICSERV), NOFQDN(Consts.NI_NOFQDN),
    NAMEREQD(Consts.NI_NAMEREQD), DGRAM(Consts.NI_DGRAM), IDN(Consts.NI_IDN), NUMERICSCOPE(Consts.NI_NUMERICSCOPE);

    private final int value;

    NiFlag(int value) { this.value = value; }

    /** The C bit, e.g. {@code NI_NUMERICHOST} = 1. */
    public int value() { return value; }

    /** The C name, e.g. {@code "NI_NUMERICHOST"}. */
    public String cName() { return "NI_" + name(); }

    /** The bits of {@code flags} or-ed together (null or empty: 0). */
    public static int mask(NiFlag... flags) {
        int m = 0;
        if (flags != null) for (NiFlag f : flags) m |= f.value;
        return m;
    }

    /** The bits of a set or-ed together (null: 0). */
    public static int mask(Set<NiFlag> flags) {
        int m = 0;
        if (flags != null) for (NiFlag f : flags) m |= f.value;
        return m;
    }

    /** The flags set in {@code bits}. */
    public static Set<NiFlag> of(int bits) {
        EnumSet<NiFlag> s = EnumSet.noneOf(NiFlag.class);
        for (NiFlag f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }
}
