package dev.rawsock.packet;

import java.util.List;

/**
 * A pcapng Interface Statistics Block: an interface's capture counts at a moment. A count the file
 * does not give is -1.
 *
 * @param interfaceId    the interface, as {@link PcapInterface#id()}
 * @param timestampNanos when the counts were taken, nanoseconds since the Unix epoch
 * @param received       {@code isb_ifrecv}: packets the interface received
 * @param dropped        {@code isb_ifdrop}: packets dropped for lack of resources
 * @param filterAccepted {@code isb_filteraccept}: packets the filter accepted
 * @param osDropped      {@code isb_osdrop}: packets the operating system dropped
 * @param delivered      {@code isb_usrdeliv}: packets delivered to the application (written to the file)
 * @param comments       the block's {@code opt_comment} options
 */
public record PcapStatistics(int interfaceId, long timestampNanos, long received, long dropped, long filterAccepted,
        long osDropped, long delivered, List<String> comments) {
    /** Keeps an unmodifiable copy of {@code comments}. */
    public PcapStatistics {
        comments = List.copyOf(comments);
    }
}
