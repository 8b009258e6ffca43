package dev.rawsock.netlink;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/** A neighbour entry's state bits ({@code NUD_*}, {@code <linux/neighbour.h>}), as {@code ip neigh} prints them. */
public enum NeighbourState {
    /** {@code NUD_INCOMPLETE}: resolution under way. */
    INCOMPLETE(Consts.NUD_INCOMPLETE),
    /** {@code NUD_REACHABLE}: confirmed reachable. */
    REACHABLE(Consts.NUD_REACHABLE),
    /** {@code NUD_STALE}: valid but not recently confirmed. */
    STALE(Consts.NUD_STALE),
    /** {@code NUD_DELAY}: waiting before probing. */
    DELAY(Consts.NUD_DELAY),
    /** {@code NUD_PROBE}: being probed. */
    PROBE(Consts.NUD_PROBE),
    /** {@code NUD_FAILED}: resolution failed. */
    FAILED(Consts.NUD_FAILED),
    /** {@code NUD_NOARP}: needs no resolution. */
    NOARP(Consts.NUD_NOARP),
    /** {@code NUD_PERMANENT}: configured by hand, never expires. */
    PERMANENT(Consts.NUD_PERMANENT);

    private final int value;

    NeighbourState(int value) { this.value = value; }

    /** {@return the C bit} */
    public int value() { return value; }

    static Set<NeighbourState> of(int bits) {
        Set<NeighbourState> s = EnumSet.noneOf(NeighbourState.class);
        for (NeighbourState f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }
}
