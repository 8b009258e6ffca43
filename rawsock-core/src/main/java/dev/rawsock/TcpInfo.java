package dev.rawsock;

/**
 * {@code struct tcp_info} ({@code <linux/tcp.h>}), what {@code getsockopt(2)} gives for
 * {@link SockOpt#TCP_INFO}: the kernel's view of one TCP connection. Names follow the C fields
 * without their {@code tcpi_} prefix, in camel case. Unsigned 32-bit fields are widened to
 * {@code long} so none reads negative; the 64-bit ones ({@code pacingRate}, {@code bytesAcked},
 * ...) are unsigned too ({@code maxPacingRate} is -1, i.e. {@code ~0UL}, when unlimited).
 * Times ({@code rto}, {@code ato}, {@code rtt}, {@code rttvar}, {@code rcvRtt},
 * {@code minRtt}) are microseconds; {@code lastDataSent} and friends are milliseconds ago.
 * A field this kernel did not fill (an older kernel returns a shorter struct) is 0.
 *
 * @param state                  {@code tcpi_state}: the TCP state, see {@link #stateName()}
 * @param caState                {@code tcpi_ca_state}: congestion-avoidance state (0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss)
 * @param retransmits            {@code tcpi_retransmits}: retransmissions of the current unacknowledged segment
 * @param probes                 {@code tcpi_probes}: unanswered zero-window or keepalive probes
 * @param backoff                {@code tcpi_backoff}: RTO exponential backoff count
 * @param options                {@code tcpi_options}: negotiated options, {@code TCPI_OPT_*} bits (timestamps, SACK, window scale, ECN)
 * @param sndWscale              {@code tcpi_snd_wscale}: the peer's window scale shift
 * @param rcvWscale              {@code tcpi_rcv_wscale}: our window scale shift
 * @param deliveryRateAppLimited {@code tcpi_delivery_rate_app_limited}: the delivery rate was limited by the application, not the network
 * @param fastopenClientFail     {@code tcpi_fastopen_client_fail}: why a TCP Fast Open attempt as client failed (0: no failure)
 * @param rto                    {@code tcpi_rto}: retransmission timeout, microseconds
 * @param ato                    {@code tcpi_ato}: delayed-ack timeout, microseconds
 * @param sndMss                 {@code tcpi_snd_mss}: the sending maximum segment size
 * @param rcvMss                 {@code tcpi_rcv_mss}: the kernel's estimate of the peer's segment size
 * @param unacked                {@code tcpi_unacked}: segments sent and not yet acknowledged (for a listener: the accept queue length)
 * @param sacked                 {@code tcpi_sacked}: segments selectively acknowledged (for a listener: the accept queue limit)
 * @param lost                   {@code tcpi_lost}: segments considered lost
 * @param retrans                {@code tcpi_retrans}: segments retransmitted and not yet acknowledged
 * @param fackets                {@code tcpi_fackets}: forward-acknowledged segments (always 0 on current kernels)
 * @param lastDataSent           {@code tcpi_last_data_sent}: milliseconds since data was last sent
 * @param lastAckSent            {@code tcpi_last_ack_sent}: milliseconds since an ack was last sent (not filled by Linux: 0)
 * @param lastDataRecv           {@code tcpi_last_data_recv}: milliseconds since data was last received
 * @param lastAckRecv            {@code tcpi_last_ack_recv}: milliseconds since an ack was last received
 * @param pmtu                   {@code tcpi_pmtu}: the path MTU
 * @param rcvSsthresh            {@code tcpi_rcv_ssthresh}: the current window clamp we advertise
 * @param rtt                    {@code tcpi_rtt}: smoothed round-trip time, microseconds
 * @param rttvar                 {@code tcpi_rttvar}: round-trip time variation, microseconds
 * @param sndSsthresh            {@code tcpi_snd_ssthresh}: slow-start threshold, segments
 * @param sndCwnd                {@code tcpi_snd_cwnd}: congestion window, segments
 * @param advmss                 {@code tcpi_advmss}: the maximum segment size we advertise
 * @param reordering             {@code tcpi_reordering}: the reordering degree the kernel tolerates before calling a segment lost
 * @param rcvRtt                 {@code tcpi_rcv_rtt}: round-trip time seen by the receiver, microseconds
 * @param rcvSpace               {@code tcpi_rcv_space}: the receive buffer space auto-tuning aims at
 * @param totalRetrans           {@code tcpi_total_retrans}: retransmissions over the connection's life
 * @param pacingRate             {@code tcpi_pacing_rate}: the current pacing rate, bytes per second
 * @param maxPacingRate          {@code tcpi_max_pacing_rate}: the limit set by {@code SO_MAX_PACING_RATE}, bytes per second (-1: none)
 * @param bytesAcked             {@code tcpi_bytes_acked}: bytes the peer acknowledged (RFC 4898 {@code tcpEStatsAppHCThruOctetsAcked})
 * @param bytesReceived          {@code tcpi_bytes_received}: bytes received in order (RFC 4898 {@code tcpEStatsAppHCThruOctetsReceived})
 * @param segsOut                {@code tcpi_segs_out}: segments sent, retransmissions included
 * @param segsIn                 {@code tcpi_segs_in}: segments received
 * @param notsentBytes           {@code tcpi_notsent_bytes}: bytes in the send queue not yet sent
 * @param minRtt                 {@code tcpi_min_rtt}: the minimum round-trip time seen, microseconds
 * @param dataSegsIn             {@code tcpi_data_segs_in}: segments received that carried data
 * @param dataSegsOut            {@code tcpi_data_segs_out}: segments sent that carried data
 * @param deliveryRate           {@code tcpi_delivery_rate}: the most recent delivery rate, bytes per second
 * @param busyTime               {@code tcpi_busy_time}: microseconds spent with data in flight
 * @param rwndLimited            {@code tcpi_rwnd_limited}: microseconds limited by the peer's receive window
 * @param sndbufLimited          {@code tcpi_sndbuf_limited}: microseconds limited by our send buffer
 * @param delivered              {@code tcpi_delivered}: segments delivered to the peer, retransmissions included
 * @param deliveredCe            {@code tcpi_delivered_ce}: delivered segments the peer marked with ECN CE
 * @param bytesSent              {@code tcpi_bytes_sent}: bytes sent, retransmissions included
 * @param bytesRetrans           {@code tcpi_bytes_retrans}: bytes retransmitted
 * @param dsackDups              {@code tcpi_dsack_dups}: segments the peer reported received twice (D-SACK)
 * @param reordSeen              {@code tcpi_reord_seen}: reordering events seen
 * @param rcvOoopack             {@code tcpi_rcv_ooopack}: out-of-order packets received
 * @param sndWnd                 {@code tcpi_snd_wnd}: the peer's advertised receive window, bytes
 */
public record TcpInfo(
        int state,
        int caState,
        int retransmits,
        int probes,
        int backoff,
        int options,
        int sndWscale,
        int rcvWscale,
        boolean deliveryRateAppLimited,
        int fastopenClientFail,
        long rto,
        long ato,
        long sndMss,
        long rcvMss,
        long unacked,
        long sacked,
        long lost,
        long retrans,
        long fackets,
        long lastDataSent,
        long lastAckSent,
        long lastDataRecv,
        long lastAckRecv,
        long pmtu,
        long rcvSsthresh,
        long rtt,
        long rttvar,
        long sndSsthresh,
        long sndCwnd,
        long advmss,
        long reordering,
        long rcvRtt,
        long rcvSpace,
        long totalRetrans,
        long pacingRate,
        long maxPacingRate,
        long bytesAcked,
        long bytesReceived,
        long segsOut,
        long segsIn,
        long notsentBytes,
        long minRtt,
        long dataSegsIn,
        long dataSegsOut,
        long deliveryRate,
        long busyTime,
        long rwndLimited,
        long sndbufLimited,
        long delivered,
        long deliveredCe,
        long bytesSent,
        long bytesRetrans,
        long dsackDups,
        long reordSeen,
        long rcvOoopack,
        long sndWnd) {

    static final String[] STATES = {null, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
            "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

    /** {@return the C name of {@link #state()} ({@code "ESTABLISHED"}, {@code "LISTEN"}, ...), or the number} */
    public String stateName() {
        // the TCP_* states of <netinet/tcp.h>'s enum (SockOptProbeTest checks the order)
        return state >= 1 && state < STATES.length ? STATES[state] : Integer.toString(state);
    }
}
