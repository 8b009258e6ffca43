package dev.rawsock.packet;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a classic libpcap file (the format tcpdump {@code -w} writes and tshark reads): a 24-byte
 * header, then one 16-byte record header and the captured bytes per packet, in this machine's byte
 * order. Packets longer than the snaplen are cut to it, their wire length kept, as a capture does.
 * Not thread-safe.
 */
public final class PcapWriter implements Closeable {
    /** Link types (the file header's {@code network} field). */
    public static final int LINKTYPE_ETHERNET = Packets.LINKTYPE_ETHERNET, LINKTYPE_RAW = Packets.LINKTYPE_RAW,
            LINKTYPE_LINUX_SLL = Packets.LINKTYPE_LINUX_SLL;
    /** Magic numbers of the microsecond and nanosecond variants. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4, MAGIC_NANOS = 0xA1B23C4D;
    /** tcpdump's default snaplen. */
    public static final int DEFAULT_SNAPLEN = 262144;

    private final PcapOutput out;
    private final int linktype, snaplen;
    private final boolean nanos;

    private PcapWriter(PcapOutput out, int linktype, int snaplen, boolean nanos) {
        this.out = out;
        this.linktype = linktype;
        this.snaplen = snaplen;
        this.nanos = nanos;
    }

    /**
     * {@return a new (or truncated) file of Ethernet frames, microsecond timestamps, snaplen 262144}
     *
     * @param path the file, created or truncated
     * @throws IOException if the file cannot be created or its header written
     */
    public static PcapWriter create(Path path) throws IOException {
        return create(path, LINKTYPE_ETHERNET, DEFAULT_SNAPLEN, false);
    }

    /**
     * {@return a new file of the given link type, microsecond timestamps, snaplen 262144}
     *
     * @param path the file, created or truncated
     * @param linktype the link type of every record ({@code LINKTYPE_*}), 0..0xFFFF
     * @throws IOException if the file cannot be created or its header written
     */
    public static PcapWriter create(Path path, int linktype) throws IOException {
        return create(path, linktype, DEFAULT_SNAPLEN, false);
    }

    /**
     * {@return a new file of the given link type and snaplen, microsecond timestamps}
     *
     * @param path the file, created or truncated
     * @param linktype the link type of every record ({@code LINKTYPE_*}), 0..0xFFFF
     * @param snaplen the longest record stored; longer packets are cut
     * @throws IOException if the file cannot be created or its header written
     */
    public static PcapWriter create(Path path, int linktype, int snaplen) throws IOException {
        return create(path, linktype, snaplen, false);
    }

    /**
     * {@return a new (or truncated) pcap file}
     *
     * @param path the file, created or truncated
     * @param linktype e.g. {@link #LINKTYPE_ETHERNET} or {@link #LINKTYPE_RAW} (0..0xFFFF)
     * @param snaplen  the longest record stored (1..2^31-1); longer packets are cut
     * @param nanos    nanosecond timestamps (magic 0xA1B23C4D) instead of microseconds
     * @throws IOException if the file cannot be created or its header written
     */
    public static PcapWriter create(Path path, int linktype, int snaplen, boolean nanos) throws IOException {
        Objects.requireNonNull(path, "path");
        if (linktype < 0 || linktype > 0xFFFF) throw new IllegalArgumentException("linktype out of range: " + linktype);
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be > 0: " + snaplen);
        PcapOutput out = new PcapOutput(path);
        try {
            out.room(24).putInt(nanos ? MAGIC_NANOS : MAGIC_MICROS).putShort((short) 2).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(snaplen).putInt(linktype);
            out.flush();
        } catch (IOException e) {
            out.abandon(e);
            throw e;
        }
        return new PcapWriter(out, linktype, snaplen, nanos);
    }

    /** {@return the file being written} */
    public Path path() { return out.path; }
    /** {@return the link type written in the file header ({@link #LINKTYPE_ETHERNET}, ...)} */
    public int linktype() { return linktype; }
    /** {@return the snaplen written in the file header: longer packets are cut to it} */
    public int snaplen() { return snaplen; }
    /** {@return whether timestamps are written in nanoseconds (else microseconds)} */
    public boolean nanos() { return nanos; }

    /**
     * Appends one packet: the bytes from {@code data}'s position to its limit (the position does not
     * move), cut to the snaplen.
     *
     * @param timestampNanos nanoseconds since the Unix epoch (0 .. 2^32 seconds)
     * @param wireLength     the packet's length on the wire, at least {@code data.remaining()}
     * @param data the packet bytes
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(long timestampNanos, int wireLength, ByteBuffer data) throws IOException {
        out.checkOpen("pcap writer");
        int len = data.remaining();
        if (wireLength < len)
            throw new IllegalArgumentException("wire length " + wireLength + " is less than the " + len + " bytes given");
        if (timestampNanos < 0) throw new IllegalArgumentException("timestamp before 1970: " + timestampNanos);
        long sec = timestampNanos / 1_000_000_000L;
        if (sec > 0xFFFF_FFFFL) throw new IllegalArgumentException("timestamp after 2106: " + timestampNanos);
        long frac = timestampNanos % 1_000_000_000L;
        int caplen = Math.min(len, snaplen);
        out.room(16).putInt((int) sec).putInt((int) (nanos ? frac : frac / 1000)).putInt(caplen).putInt(wireLength);
        out.put(data, caplen);
    }

    /**
     * Appends a packet whose wire length is its length.
     *
     * @param timestampNanos nanoseconds since the Unix epoch
     * @param data the packet bytes
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(long timestampNanos, byte[] data) throws IOException {
        write(timestampNanos, data.length, ByteBuffer.wrap(data));
    }

    /**
     * Appends a captured or stored frame; fits {@code Capture.Handler} as {@code writer::write}.
     *
     * @param frame the frame
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(Frame frame) throws IOException {
        write(frame.timestampNanos(), frame.wireLength(), frame.data());
    }

    /**
     * Writes what is buffered to the file.
     *
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void flush() throws IOException {
        out.checkOpen("pcap writer");
        out.flush();
    }

    /** Flushes and closes the file; closing again does nothing. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
