package dev.rawsock.capture;

import dev.rawsock.internal.Consts;

/**
 * How a {@code PACKET_FANOUT} group spreads packets over its sockets ({@code packet(7)},
 * {@code PACKET_FANOUT_*} in {@code <linux/if_packet.h>}).
 */
public enum FanoutMode {
    /** PACKET_FANOUT_HASH: by flow hash, so one flow always reaches the same socket. */
    HASH(Consts.PACKET_FANOUT_HASH),
    /** PACKET_FANOUT_LB: round robin. */
    LB(Consts.PACKET_FANOUT_LB),
    /** PACKET_FANOUT_CPU: by the CPU the packet arrived on. */
    CPU(Consts.PACKET_FANOUT_CPU),
    /** PACKET_FANOUT_ROLLOVER: fill one socket, then the next. */
    ROLLOVER(Consts.PACKET_FANOUT_ROLLOVER),
    /** PACKET_FANOUT_RND: at random. */
    RND(Consts.PACKET_FANOUT_RND),
    /** PACKET_FANOUT_QM: by the packet's recorded receive queue. */
    QM(Consts.PACKET_FANOUT_QM);

    private final int value;

    FanoutMode(int value) {
        this.value = value;
    }

    /** {@return the C value} */
    public int value() {
        return value;
    }
}
