package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.Set;

/**
 * Flags of {@code getnameinfo(3)} ({@code NI_*}, {@code <netdb.h>}): CLISP's
 * {@code :NOFQDN :NUMERICHOST :NAMEREQD :NUMERICSERV :NUMERICSCOPE :DGRAM} keywords, plus glibc's
 * {@code NI_IDN}.
 *
 * <p>{@link #NUMERICSCOPE} is RFC 3493's {@code NI_NUMERICSCOPE}, which glibc does not define (it
 * answers the bit with EAI_BADFLAGS and always names a link-local scope by interface): rawsock never
 * passes it to C and instead writes the scope id as a number itself ({@code fe80::1%2}, not
 * {@code fe80::1%eth0}).
 */
public enum NiFlag {
    /** {@code NI_NUMERICHOST}: give the host as a numeric address, never a name. */
    NUMERICHOST(Consts.NI_NUMERICHOST),
    /** {@code NI_NUMERICSERV}: give the service as a numeric port, never a name. */
    NUMERICSERV(Consts.NI_NUMERICSERV),
    /** {@code NI_NOFQDN}: give only the host-name part of local hosts, not the fully qualified name. */
    NOFQDN(Consts.NI_NOFQDN),
    /** {@code NI_NAMEREQD}: fail with {@code EAI_NONAME} if the host has no name, instead of giving the address. */
    NAMEREQD(Consts.NI_NAMEREQD),
    /** {@code NI_DGRAM}: look the service up as UDP instead of TCP (matters for the few ports that differ). */
    DGRAM(Consts.NI_DGRAM),
    /** {@code NI_IDN}: glibc: convert an IDNA (ASCII) host name back to the local character set. */
    IDN(Consts.NI_IDN),
    /**
     * {@code NI_NUMERICSCOPE}: give the scope id of a link-local address as a number (glibc lacks it:
     * rawsock writes the number itself, see the class comment).
     */
    NUMERICSCOPE(Consts.NI_NUMERICSCOPE);

    private final int value;

    NiFlag(int value) { this.value = value; }

    /** {@return the C bit, e.g. {@code NI_NUMERICHOST} = 1} */
    public int value() { return value; }

    /** {@return the C name, e.g. {@code "NI_NUMERICHOST"}} */
    public String cName() { return "NI_" + name(); }

    /**
     * {@return the bits of {@code flags} or-ed together (null or empty: 0)}
     *
     * @param flags the flags
     */
    public static int mask(NiFlag... flags) {
        return FlagBits.mask(NiFlag::value, flags);
    }

    /**
     * {@return the bits of a set or-ed together (null: 0)}
     *
     * @param flags the flags
     */
    public static int mask(Set<NiFlag> flags) {
        return FlagBits.mask(NiFlag::value, flags);
    }

    /**
     * {@return the flags set in {@code bits}}
     *
     * @param bits the C bits
     */
    public static Set<NiFlag> of(int bits) {
        return FlagBits.of(NiFlag.class, bits, NiFlag::value);
    }
}
