package dev.rawsock.packet;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes a pcapng file (the format Wireshark and dumpcap write; tcpdump and tshark read it): one
 * section in this machine's byte order, an Interface Description Block per {@link #addInterface}
 * (name, link type, snaplen, nanosecond timestamps), an Enhanced Packet Block per packet (with its
 * comment, if any), and at {@link #close()} an Interface Statistics Block per interface: the packets
 * written on it, their first and last times, and the capture's counts given to {@link #statistics}.
 * Packets longer than the interface's snaplen are cut to it, their wire length kept. Not thread-safe.
 */
public final class PcapNgWriter implements Closeable {
    static final int BT_SHB = 0x0A0D0D0A, BT_IDB = 1, BT_SPB = 3, BT_ISB = 5, BT_EPB = 6, BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int OPT_COMMENT = 1, IF_NAME = 2, IF_TSRESOL = 9, IF_FCSLEN = 13, SHB_USERAPPL = 4;
    static final int ISB_STARTTIME = 2, ISB_ENDTIME = 3, ISB_IFRECV = 4, ISB_IFDROP = 5, ISB_USRDELIV = 8;

    private final PcapOutput out;
    private final List<Iface> interfaces = new ArrayList<>();

    /** What the writer tracks per interface for its statistics block. */
    private static final class Iface {
        final PcapInterface info;
        long written, first = -1, last = -1, received = -1, dropped = -1;

        Iface(PcapInterface info) {
            this.info = info;
        }
    }

    private PcapNgWriter(PcapOutput out) {
        this.out = out;
    }

    /**
     * {@return a new (or truncated) pcapng file holding a Section Header Block; add interfaces before writing packets}
     *
     * @param path the file, created or truncated
     * @throws IOException if the file cannot be created or its header written
     */
    public static PcapNgWriter create(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        PcapOutput out = new PcapOutput(path);
        try {
            byte[] app = "rawsock".getBytes(StandardCharsets.UTF_8);
            int len = 28 + option(app.length) + 4;
            out.room(len).putInt(BT_SHB).putInt(len).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
                    .putLong(-1L); // section length unknown: packets are streamed
            putOption(out, SHB_USERAPPL, app);
            out.room(8).putInt(0).putInt(len);
            out.flush();
        } catch (IOException e) {
            out.abandon(e);
            throw e;
        }
        return new PcapNgWriter(out);
    }

    /** {@return the file being written} */
    public Path path() { return out.path; }

    /** {@return the interfaces added so far, in id order} */
    public List<PcapInterface> interfaces() {
        return interfaces.stream().map(i -> i.info).toList();
    }

    /**
     * Adds an interface with tcpdump's default snaplen (262144).
     *
     * @param name     its name ({@code if_name}), or null to leave it unnamed
     * @param linkType what header its packets start with ({@link LinkType}), 0..0xFFFF
     * @return its id, to pass to {@link #write(int, long, int, ByteBuffer, String)}; the first is 0
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public int addInterface(String name, int linkType) throws IOException {
        return addInterface(name, linkType, PcapWriter.DEFAULT_SNAPLEN);
    }

    /**
     * Adds an interface (an Interface Description Block, nanosecond timestamps).
     *
     * @param name     its name ({@code if_name}), or null to leave it unnamed
     * @param linkType what header its packets start with ({@link LinkType}), 0..0xFFFF
     * @param snaplen  the longest packet stored (1..2^31-1); longer ones are cut
     * @return its id; the first is 0
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public int addInterface(String name, int linkType, int snaplen) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) throw new IllegalArgumentException("link type out of range: " + linkType);
        if (snaplen <= 0) throw new IllegalArgumentException("snaplen must be > 0: " + snaplen);
        byte[] n = name == null ? null : utf8(name, "interface name");
        out.checkOpen("pcapng writer");
        int len = 16 + (n == null ? 0 : option(n.length)) + option(1) + 4 + 4;
        out.room(16).putInt(BT_IDB).putInt(len).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (n != null) putOption(out, IF_NAME, n);
        putOption(out, IF_TSRESOL, new byte[] {PcapInterface.NANOSECONDS});
        out.room(8).putInt(0).putInt(len);
        int id = interfaces.size();
        interfaces.add(new Iface(new PcapInterface(id, 0, linkType, snaplen, name, null, PcapInterface.NANOSECONDS, -1)));
        return id;
    }

    /**
     * Records the capture's counts for an interface, written in its statistics block at {@link #close()}
     * ({@code isb_ifrecv}, {@code isb_ifdrop}); a later call replaces them.
     *
     * @param iface    the interface's id
     * @param received packets the capture received (e.g. {@code CaptureStats.received()}), or -1 if unknown
     * @param dropped  packets it dropped, or -1 if unknown
     */
    public void statistics(int iface, long received, long dropped) {
        Iface i = iface(iface);
        i.received = received;
        i.dropped = dropped;
    }

    /**
     * Appends one packet (an Enhanced Packet Block): the bytes from {@code data}'s position to its limit
     * (the position does not move), cut to the interface's snaplen.
     *
     * @param iface          the interface's id, from {@link #addInterface}
     * @param timestampNanos nanoseconds since the Unix epoch, not negative
     * @param wireLength     the packet's length on the wire, at least {@code data.remaining()}
     * @param data           the packet bytes
     * @param comment        the packet's comment ({@code opt_comment}), or null
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(int iface, long timestampNanos, int wireLength, ByteBuffer data, String comment) throws IOException {
        Iface i = iface(iface);
        int len = data.remaining();
        if (wireLength < len)
            throw new IllegalArgumentException("wire length " + wireLength + " is less than the " + len + " bytes given");
        if (timestampNanos < 0) throw new IllegalArgumentException("timestamp before 1970: " + timestampNanos);
        byte[] c = comment == null ? null : utf8(comment, "comment");
        out.checkOpen("pcapng writer");
        int caplen = Math.min(len, i.info.snaplen());
        long blockLen = 28L + pad(caplen) + (c == null ? 0 : option(c.length) + 4) + 4;
        if (blockLen > Integer.MAX_VALUE) throw new IllegalArgumentException("packet of " + caplen + " bytes is too large for a block");
        out.room(28).putInt(BT_EPB).putInt((int) blockLen).putInt(iface).putInt((int) (timestampNanos >>> 32))
                .putInt((int) timestampNanos).putInt(caplen).putInt(wireLength);
        out.put(data, caplen);
        out.room(3).put(new byte[pad(caplen) - caplen]);
        if (c != null) {
            putOption(out, OPT_COMMENT, c);
            out.room(4).putInt(0);
        }
        out.room(4).putInt((int) blockLen);
        i.written++;
        if (i.first < 0) i.first = timestampNanos;
        i.last = timestampNanos;
    }

    /**
     * Appends a captured or stored frame on an interface, without a comment.
     *
     * @param iface the interface's id
     * @param frame the frame
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(int iface, Frame frame) throws IOException {
        write(iface, frame.timestampNanos(), frame.wireLength(), frame.data(), null);
    }

    /**
     * Appends a captured or stored frame on interface 0; fits {@code Capture.Handler} as {@code writer::write}.
     *
     * @param frame the frame
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void write(Frame frame) throws IOException {
        write(0, frame);
    }

    /**
     * Writes what is buffered to the file.
     *
     * @throws IOException if writing the file fails, or the writer is closed
     */
    public void flush() throws IOException {
        out.checkOpen("pcapng writer");
        out.flush();
    }

    /**
     * Writes each interface's statistics block, flushes and closes the file; closing again does nothing.
     *
     * @throws IOException if writing the file fails
     */
    @Override
    public void close() throws IOException {
        try {
            out.checkOpen("pcapng writer");
        } catch (IOException closed) {
            return;
        }
        try {
            for (Iface i : interfaces) writeStatistics(i);
        } finally {
            out.close();
        }
    }

    private void writeStatistics(Iface i) throws IOException {
        long now = System.currentTimeMillis() * 1_000_000L;
        int opts = (i.first >= 0 ? 2 * option(8) : 0) + (i.received >= 0 ? option(8) : 0) + (i.dropped >= 0 ? option(8) : 0)
                + option(8) + 4;
        int len = 20 + opts + 4;
        ByteBuffer b = out.room(len);
        b.putInt(BT_ISB).putInt(len).putInt(i.info.id()).putInt((int) (now >>> 32)).putInt((int) now);
        if (i.first >= 0) {
            timestampOption(b, ISB_STARTTIME, i.first);
            timestampOption(b, ISB_ENDTIME, i.last);
        }
        if (i.received >= 0) b.putShort((short) ISB_IFRECV).putShort((short) 8).putLong(i.received);
        if (i.dropped >= 0) b.putShort((short) ISB_IFDROP).putShort((short) 8).putLong(i.dropped);
        b.putShort((short) ISB_USRDELIV).putShort((short) 8).putLong(i.written);
        b.putInt(0).putInt(len);
    }

    /** A pcapng timestamp option: the high 32 bits first, each half in the section's byte order. */
    private static void timestampOption(ByteBuffer b, int code, long nanos) {
        b.putShort((short) code).putShort((short) 8).putInt((int) (nanos >>> 32)).putInt((int) nanos);
    }

    private Iface iface(int id) {
        if (id < 0 || id >= interfaces.size())
            throw new IllegalArgumentException("no interface " + id + " (" + interfaces.size() + " added)");
        return interfaces.get(id);
    }

    private static byte[] utf8(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) throw new IllegalArgumentException(what + " longer than 65535 bytes in UTF-8");
        return b;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    /** {@return the bytes an option of {@code n} value bytes takes: header and padding} */
    private static int option(int n) {
        return 4 + pad(n);
    }

    private static void putOption(PcapOutput out, int code, byte[] value) throws IOException {
        out.room(4).putShort((short) code).putShort((short) value.length);
        out.put(ByteBuffer.wrap(value), value.length);
        out.room(3).put(new byte[pad(value.length) - value.length]);
    }
}
