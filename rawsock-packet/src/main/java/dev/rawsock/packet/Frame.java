package dev.rawsock.packet;

import java.nio.ByteBuffer;

/**
 * A captured or stored packet: what {@code CapturedPacket} and {@code PcapRecord} have in common,
 * so that a capture handler can hand its packets straight to a {@code PcapWriter}.
 */
public interface Frame {
    /** {@return time the packet was seen, nanoseconds since the Unix epoch} */
    long timestampNanos();

    /** {@return length of the packet on the wire; {@code data().remaining()} is less when it was cut to a snaplen} */
    int wireLength();

    /** {@return the bytes captured, from position to limit; read-only, and maybe valid only for a limited time} */
    ByteBuffer data();
}
