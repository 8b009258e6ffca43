package dev.rawsock.packet;

import java.nio.ByteBuffer;

/**
 * One packet record of a pcap file.
 * @param timestampNanos time the packet was captured, nanoseconds since the Unix epoch
 * @param wireLength     the packet's length on the wire ({@code orig_len})
 * @param data           the captured bytes ({@code incl_len} of them), read-only
 */
public record PcapRecord(long timestampNanos, int wireLength, ByteBuffer data) implements Frame {
    /** Keeps a read-only view of {@code data}: whoever reads the record cannot change the bytes through it. */
    public PcapRecord {
        data = data.asReadOnlyBuffer();
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
}
