package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.Set;

/** Events of {@code poll(2)} ({@code POLL*}, {@code <bits/poll.h>}). */
public enum PollEvent {
    /** {@code POLLIN}: there is data to read. */
    IN(Consts.POLLIN),
    /** {@code POLLPRI}: there is urgent data to read (e.g. TCP out-of-band data). */
    PRI(Consts.POLLPRI),
    /** {@code POLLOUT}: writing now will not block. */
    OUT(Consts.POLLOUT),
    /** {@code POLLERR}: an error condition (reported in {@code revents} only; always polled). */
    ERR(Consts.POLLERR),
    /** {@code POLLHUP}: hang-up: the peer closed the connection (reported in {@code revents} only; always polled). */
    HUP(Consts.POLLHUP),
    /** {@code POLLNVAL}: the descriptor is not open (reported in {@code revents} only). */
    NVAL(Consts.POLLNVAL),
    /** {@code POLLRDHUP}: the peer shut down its writing half of a stream socket. */
    RDHUP(Consts.POLLRDHUP);

    private final short value;

    PollEvent(short value) { this.value = value; }

    /** {@return the C bit, e.g. {@code POLLIN} = 1} */
    public short value() { return value; }

    /**
     * {@return the bits of a set or-ed together}
     *
     * @param events the events
     */
    public static short mask(Set<PollEvent> events) {
        return (short) FlagBits.mask(PollEvent::value, events);
    }

    /**
     * {@return the events set in {@code revents}}
     *
     * @param bits the C bits
     */
    public static Set<PollEvent> of(int bits) {
        return FlagBits.of(PollEvent.class, bits, PollEvent::value);
    }
}
