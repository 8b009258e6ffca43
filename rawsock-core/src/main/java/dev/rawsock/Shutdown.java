package dev.rawsock;

import dev.rawsock.internal.Consts;

/** The {@code how} of {@code shutdown(2)}: SHUT_RD, SHUT_WR, SHUT_RDWR. */
public enum Shutdown {
    READ(Consts.SHUT_RD), WRITE(Consts.SHUT_WR), BOTH(Consts.SHUT_RDWR);

    private final int value;

    Shutdown(int value) { this.value = value; }

    /** The C value. */
    public int value() { return value; }
}
