package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/** Events of {@code poll(2)} ({@code POLL*}, {@code <bits/poll.h>}). */
public enum PollEvent {
    IN(Consts.POLLIN), PRI(Consts.POLLPRI), OUT(Consts.POLLOUT), ERR(Consts.POLLERR), HUP(Consts.POLLHUP),
    NVAL(Consts.POLLNVAL), RDHUP(Consts.POLLRDHUP);

    private final short value;

    PollEvent(short value) { this.value = value; }

    /** The C bit, e.g. {@code POLLIN} = 1. */
    public short value() { return value; }

    /** The bits of a set or-ed together. */
    public static short mask(Set<PollEvent> events) {
        int m = 0;
        for (PollEvent e : events) m |= e.value;
        return (short) m;
    }

    /** The events set in {@code revents}. */
    public static Set<PollEvent> of(int bits) {
        EnumSet<PollEvent> s = EnumSet.noneOf(PollEvent.class);
        for (PollEvent e : values()) if ((bits & e.value) != 0) s.add(e);
        return s;
    }
}
