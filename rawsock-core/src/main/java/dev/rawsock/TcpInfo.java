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
