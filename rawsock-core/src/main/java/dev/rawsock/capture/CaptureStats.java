package dev.rawsock.capture;

/**
 * Counters of a {@link Capture} since it was opened, from {@code PACKET_STATISTICS}
 * ({@code struct tpacket_stats_v3}, {@code packet(7)}). As in libpcap's {@code ps_recv}, {@code received}
 * counts every packet that passed the filter, those then dropped included; {@code dropped} counts
 * those the kernel had no room for in the ring (or receive queue). On the loopback device the
 * outgoing copy of a packet that the capture skips is not counted where the kernel could be told to
 * ignore it ({@code PACKET_IGNORE_OUTGOING}). Where the filter runs in user space
 * ({@code filteredInUserSpace}), the kernel passes every packet, so {@code received} counts those
 * the filter then rejects too, as libpcap's counts do there.
 *
 * @param received packets that passed the filter ({@code tp_packets})
 * @param dropped  packets lost for want of room ({@code tp_drops})
 * @param filteredInUserSpace whether the filter runs in Java because the kernel refused it
 *                            ({@link Capture#filtersInUserSpace()})
 */
public record CaptureStats(long received, long dropped, boolean filteredInUserSpace) {
    /**
     * Counters of a capture whose filter the kernel runs.
     *
     * @param received packets that passed the filter
     * @param dropped packets lost for want of room
     */
    public CaptureStats(long received, long dropped) {
        this(received, dropped, false);
    }

    /** {@return packets delivered to the capture: {@code received - dropped}} */
    public long delivered() {
        return received - dropped;
    }
}
