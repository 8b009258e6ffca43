package dev.rawsock;

import dev.rawsock.internal.Consts;

/** The {@code how} of {@code shutdown(2)}: SHUT_RD, SHUT_WR, SHUT_RDWR. */
public enum Shutdown {
    /** {@code SHUT_RD}: stop receiving; further receives return end of file. */
    READ(Consts.SHUT_RD),
    /** {@code SHUT_WR}: stop sending; the peer sees end of file (TCP sends FIN). */
    WRITE(Consts.SHUT_WR),
    /** {@code SHUT_RDWR}: stop both receiving and sending. */
    BOTH(Consts.SHUT_RDWR);

    private final int value;

    Shutdown(int value) { this.value = value; }

    /** {@return the C value} */
    public int value() { return value; }
}
