package dev.rawsock.packet;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One packet record of a pcap or pcapng file.
 *
 * <p>The timestamp is kept as the file says it: {@code fractionNanos} is the file's fraction of a
 * second in nanoseconds and may be 1 s or more in a damaged classic pcap file (tcpdump prints such a
 * fraction as it is, and so can a printer that reads {@link #seconds()} and {@link #fractionNanos()}).
 *
 * @param seconds       seconds since the Unix epoch
 * @param fractionNanos the fraction of the second, in nanoseconds (below 10^9 unless the file says otherwise)
 * @param wireLength    the packet's length on the wire ({@code orig_len}); a file may say less than the
 *                      captured length, and that is delivered as it is
 * @param data          the captured bytes ({@code incl_len} of them), read-only
 * @param iface         the interface the packet was captured on (link type, name, ...)
 * @param comments      the record's {@code opt_comment} options, in file order (empty for classic pcap)
 */
public record PcapRecord(long seconds, long fractionNanos, int wireLength, ByteBuffer data, PcapInterface iface,
        List<String> comments) implements Frame {
    /** What a record made without an interface is given: interface 0, Ethernet, as before pcapng. */
    static final PcapInterface DEFAULT_INTERFACE =
            new PcapInterface(0, 0, LinkType.ETHERNET, PcapWriter.DEFAULT_SNAPLEN, null, null, PcapInterface.MICROSECONDS, -1);

    /**
     * Keeps a read-only view of {@code data} (whoever reads the record cannot change the bytes through
     * it) and an unmodifiable copy of {@code comments}.
     */
    public PcapRecord {
        Objects.requireNonNull(iface, "iface");
        data = data.asReadOnlyBuffer();
        comments = List.copyOf(comments);
    }

    /**
     * A record on interface 0 of link type Ethernet, without comments.
     *
     * @param timestampNanos time the packet was captured, nanoseconds since the Unix epoch
     * @param wireLength     the packet's length on the wire
     * @param data           the captured bytes
     */
    public PcapRecord(long timestampNanos, int wireLength, ByteBuffer data) {
        this(Math.floorDiv(timestampNanos, 1_000_000_000L), Math.floorMod(timestampNanos, 1_000_000_000L), wireLength, data,
                DEFAULT_INTERFACE, List.of());
    }

    /**
     * {@return time the packet was captured, nanoseconds since the Unix epoch: {@code seconds * 10^9 +
     * fractionNanos}} (pcapng allows times past 2262, which wrap here: read {@link #seconds()} for those)
     */
    @Override
    public long timestampNanos() {
        return seconds * 1_000_000_000L + fractionNanos;
    }

    /** The captured bytes, a fresh read-only view each call (position 0, limit the captured length). */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    /** {@return a copy of the captured bytes} */
    public byte[] bytes() {
        ByteBuffer d = data();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    /** {@return the link type of the record's interface: what header {@link #data()} starts with} */
    public int linkType() {
        return iface.linkType();
    }

    /** {@return the number of the record's interface in the file (0 in a classic pcap file)} */
    public int interfaceId() {
        return iface.id();
    }

    /** {@return the name of the record's interface, or null when the file does not name it} */
    public String interfaceName() {
        return iface.name();
    }
}
