package dev.rawsock;

/**
 * {@code struct tpacket_stats} / {@code tpacket_stats_v3} ({@code <linux/if_packet.h>}), what
 * {@link SockOpt#PACKET_STATISTICS} reads from an AF_PACKET socket. The kernel resets its counters on
 * every read, so each value counts since the previous read.
 *
 * @param packets          frames received ({@code tp_packets}; the kernel counts the dropped ones too)
 * @param drops            frames dropped for want of room ({@code tp_drops})
 * @param freezeQueueCount times a TPACKET_V3 ring's queue was frozen ({@code tp_freeze_q_cnt}); 0 before V3
 */
public record PacketStatistics(long packets, long drops, long freezeQueueCount) {}
