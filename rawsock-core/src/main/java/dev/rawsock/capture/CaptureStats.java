package dev.rawsock.capture;

/**
 * Counters of a {@link Capture} since it was opened, from {@code PACKET_STATISTICS}
 * ({@code struct tpacket_stats_v3}, {@code packet(7)}). As in libpcap's {@code ps_recv}, {@code received}
 * counts every packet that passed the filter, those then dropped included; {@code dropped} counts
 * those the kernel had no room for in the ring (or receive queue). On the loopback device the
 * outgoing copy of a packet that the capture skips is not counted where the kernel could be told to
 * ignore it ({@code PACKET_IGNORE_OUTGOING}).
 *
 * @param received packets that passed the filter ({@code tp_packets})
 * @param dropped  packets lost for want of room ({@code tp_drops})
 */
public record CaptureStats(long received, long dropped) {
    /** {@return packets delivered to the capture: {@code received - dropped}} */
    public long delivered() {
        return received - dropped;
    }
}
