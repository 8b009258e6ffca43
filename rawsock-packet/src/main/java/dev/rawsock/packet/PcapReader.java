package dev.rawsock.packet;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a classic libpcap file of either byte order, with microsecond or nanosecond timestamps.
 * A damaged file (bad magic, a truncated header, a record longer than the snaplen or than what is
 * left of the file, a captured length above the wire length) is an {@link IOException} whose
 * message names the file and the offset. Not thread-safe.
 */
public final class PcapReader implements Closeable {
    /** Link type {@code LINKTYPE_ETHERNET} (1): every record starts with an Ethernet header. */
    public static final int LINKTYPE_ETHERNET = Packets.LINKTYPE_ETHERNET;
    /** Link type {@code LINKTYPE_RAW} (101): every record starts with an IPv4 or IPv6 header. */
    public static final int LINKTYPE_RAW = Packets.LINKTYPE_RAW;

    private final Path path;
    private final FileChannel channel;
    private long size;
    private final ByteBuffer header = ByteBuffer.allocate(24);
    private final ByteOrder order;
    private final boolean nanos;
    private final int major, minor, snaplen, linktype;
    private long offset;

    private PcapReader(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        if (size < 24) throw damaged(0, "file of " + size + " bytes is shorter than the 24-byte pcap header");
        readFully(header, 0);
        int magic = header.getInt(0);
        ByteOrder o = ByteOrder.BIG_ENDIAN;
        boolean ns;
        if (magic == PcapWriter.MAGIC_MICROS || magic == PcapWriter.MAGIC_NANOS) {
            ns = magic == PcapWriter.MAGIC_NANOS;
        } else if (Integer.reverseBytes(magic) == PcapWriter.MAGIC_MICROS || Integer.reverseBytes(magic) == PcapWriter.MAGIC_NANOS) {
            o = ByteOrder.LITTLE_ENDIAN;
            ns = Integer.reverseBytes(magic) == PcapWriter.MAGIC_NANOS;
        } else {
            throw damaged(0, String.format("bad magic 0x%08x (not a classic pcap file)", magic));
        }
        order = o;
        nanos = ns;
        header.order(order);
        major = header.getShort(4) & 0xFFFF;
        minor = header.getShort(6) & 0xFFFF;
        if (major != 2) throw damaged(4, "unsupported pcap version " + major + "." + minor);
        snaplen = header.getInt(16);
        linktype = header.getInt(20) & 0xFFFF; // the upper bits carry FCS information
        offset = 24;
    }

    /**
     * Opens a pcap file and reads its header.
     *
     * @param path the file
     * @return a reader positioned at the first record
     * @throws IOException if the file cannot be read or its header is damaged
     */
    public static PcapReader open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new PcapReader(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** {@return the file being read, as given to {@link #open}} */
    public Path path() { return path; }
    /** {@return the link type of every record ({@link #LINKTYPE_ETHERNET}, {@link #LINKTYPE_RAW}, ...)} */
    public int linktype() { return linktype; }
    /** {@return the file's snaplen: no record is longer} */
    public int snaplen() { return snaplen; }
    /** {@return whether timestamps are in nanoseconds (else microseconds)} */
    public boolean nanos() { return nanos; }
    /** {@return the byte order the file was written in} */
    public ByteOrder byteOrder() { return order; }
    /** {@return the file header's {@code version_major} (always 2: other versions are refused as damaged)} */
    public int versionMajor() { return major; }
    /** {@return the file header's {@code version_minor} (4 in every file libpcap writes)} */
    public int versionMinor() { return minor; }
    /** {@return offset in the file of the next record} */
    public long position() { return offset; }

    /**
     * {@return the next record, or null at the end of the file}
     * @throws IOException when the file is damaged; the message names the offset
     */
    public PcapRecord next() throws IOException {
        if (offset == size) size = channel.size(); // a file still being written may have grown
        if (offset == size) return null;
        long at = offset;
        if (size - at < 16) throw damaged(at, "truncated record header (" + (size - at) + " of 16 bytes)");
        ByteBuffer h = ByteBuffer.allocate(16).order(order);
        readFully(h, at);
        long sec = h.getInt(0) & 0xFFFF_FFFFL;
        long frac = h.getInt(4) & 0xFFFF_FFFFL;
        long incl = h.getInt(8) & 0xFFFF_FFFFL;
        long orig = h.getInt(12) & 0xFFFF_FFFFL;
        long limit = snaplen > 0 ? Integer.toUnsignedLong(snaplen) : PcapWriter.DEFAULT_SNAPLEN;
        if (incl > limit) throw damaged(at, "record of " + incl + " bytes is longer than the snaplen " + limit);
        if (incl > size - at - 16)
            throw damaged(at, "record of " + incl + " bytes is longer than the " + (size - at - 16) + " bytes left in the file");
        if (incl > Integer.MAX_VALUE - 16) throw damaged(at, "record of " + incl + " bytes is too large to hold");
        if (orig < incl) throw damaged(at, "wire length " + orig + " is less than the captured length " + incl);
        if (orig > Integer.MAX_VALUE) throw damaged(at, "wire length " + orig + " is too large");
        ByteBuffer data = ByteBuffer.allocate((int) incl);
        readFully(data, at + 16);
        offset = at + 16 + incl;
        long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
        return new PcapRecord(ts, (int) orig, data);
    }

    private void readFully(ByteBuffer b, long at) throws IOException {
        b.clear();
        long p = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n < 0) throw new EOFException(path + ": unexpected end of file at offset " + p);
            p += n;
        }
        b.flip();
    }

    private IOException damaged(long at, String what) {
        return new IOException(path + ": damaged pcap file at offset " + at + ": " + what);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
