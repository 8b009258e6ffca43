package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/**
 * Flags of {@code send(2)}/{@code recv(2)} and friends, and of {@code msg_flags} on return
 * ({@code MSG_*}, {@code <bits/socket.h>}): the seed's {@code :OOB :PEEK :WAITALL :EOR} keywords.
 */
public enum MsgFlag {
    OOB(Consts.MSG_OOB), PEEK(Consts.MSG_PEEK), DONTROUTE(Consts.MSG_DONTROUTE), CTRUNC(Consts.MSG_CTRUNC),
    PROXY(Consts.MSG_PROXY), TRUNC(Consts.MSG_TRUNC), DONTWAIT(Consts.MSG_DONTWAIT), EOR(Consts.MSG_EOR),
    WAITALL(Consts.MSG_WAITALL), FIN(Consts.MSG_FIN), SYN(Consts.MSG_SYN), CONFIRM(Consts.MSG_CONFIRM),
    RST(Consts.MSG_RST), ERRQUEUE(Consts.MSG_ERRQUEUE), NOSIGNAL(Consts.MSG_NOSIGNAL), MORE(Consts.MSG_MORE),
    WAITFORONE(Consts.MSG_WAITFORONE), BATCH(Consts.MSG_BATCH), ZEROCOPY(Consts.MSG_ZEROCOPY),
    FASTOPEN(Consts.MSG_FASTOPEN), CMSG_CLOEXEC(Consts.MSG_CMSG_CLOEXEC);

    private final int value;

    MsgFlag(int value) { this.value = value; }

    /** The C bit, e.g. {@code MSG_PEEK} = 2. */
    public int value() { return value; }

    /** The C name, e.g. {@code "MSG_PEEK"}. */
    public String cName() { return "MSG_" + name(); }

    /** The bits of {@code flags} or-ed together (null or empty: 0). */
    public static int mask(MsgFlag... flags) {
        int m = 0;
        if (flags != null) for (MsgFlag f : flags) m |= f.value;
        return m;
    }

    /** The bits of a set or-ed together. */
    public static int mask(Set<MsgFlag> flags) {
        int m = 0;
        for (MsgFlag f : flags) m |= f.value;
        return m;
    }

    /** The flags set in {@code bits} (bits no constant names are dropped). */
    public static Set<MsgFlag> of(int bits) {
        EnumSet<MsgFlag> s = EnumSet.noneOf(MsgFlag.class);
        for (MsgFlag f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }
}
