package dev.rawsock.capture;

/**
 * Where a captured packet was going, from {@code sll_pkttype} ({@code PACKET_HOST} ...
 * {@code PACKET_OUTGOING}, {@code <linux/if_packet.h>}), in that order.
 */
public enum Direction {
    /** PACKET_HOST (0): addressed to this host. */
    HOST,
    /** PACKET_BROADCAST (1): link-layer broadcast. */
    BROADCAST,
    /** PACKET_MULTICAST (2): link-layer multicast. */
    MULTICAST,
    /** PACKET_OTHERHOST (3): addressed to another host, seen in promiscuous mode. */
    OTHERHOST,
    /** PACKET_OUTGOING (4): sent by this host. */
    OUTGOING;

    /**
     * {@return the direction for a {@code sll_pkttype}/{@code tp_pkttype} value, or null when it is none of these}
     *
     * @param pkttype a {@code PACKET_*} packet type
     */
    public static Direction ofPacketType(int pkttype) {
        return pkttype >= 0 && pkttype < VALUES.length ? VALUES[pkttype] : null;
    }

    private static final Direction[] VALUES = values();
}
