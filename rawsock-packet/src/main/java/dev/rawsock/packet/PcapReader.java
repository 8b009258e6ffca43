package dev.rawsock.packet;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a capture file: classic libpcap (either byte order, microsecond or nanosecond timestamps, and
 * the old "patched" format) or pcapng (any number of sections of either byte order, interfaces of any
 * link type and {@code if_tsresol}), told apart by the magic number at its start.
 *
 * <p>Classic files are read as libpcap 1.10 reads them: a record longer than the file's snaplen
 * delivers its first snaplen bytes (the rest is skipped), a wire length below the captured length is
 * delivered as it is, a timestamp fraction of a second or more is kept as it is; a file or record
 * libpcap refuses is refused. A wire length above 2^31-1 reads as {@link Integer#MAX_VALUE}. pcapng
 * Enhanced, Simple and (obsolete) Packet Blocks are records; Interface Statistics Blocks are kept
 * ({@link #statistics()}); Name Resolution, Decryption Secrets, custom and unknown blocks are skipped.
 *
 * <p>A damaged file is an {@link IOException} whose message names the file, the offset and what is
 * wrong, thrown by the call that reaches the damage: every good record before it is delivered first.
 * Not thread-safe.
 */
public final class PcapReader implements Closeable {
    /** Link type {@code LINKTYPE_ETHERNET} (1): every record starts with an Ethernet header. */
    public static final int LINKTYPE_ETHERNET = LinkType.ETHERNET;
    /** Link type {@code LINKTYPE_RAW} (101): every record starts with an IPv4 or IPv6 header. */
    public static final int LINKTYPE_RAW = LinkType.RAW;

    /** Alexey Kuznetzov's patched libpcap: 8 more bytes (ifindex, protocol, packet type) per record header. */
    static final int MAGIC_KUZNETZOV = 0xA1B2CD34;
    private static final int BT_PB = 2;
    /** libpcap's limits: a section header of at most 1 MiB; other blocks 16 MiB or what the snaplen needs. */
    private static final int SHB_MAX = 1 << 20, INITIAL_MAX_BLOCK = 16 << 20;
    private static final int NOT_SWAPPED = 0, MAYBE_SWAPPED = 1, SWAPPED = 2;
    private static final long[] POW10 = new long[20];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10; // 10^19 fits as an unsigned long
    }

    private final Path path;
    private final FileChannel channel;
    private final boolean ng;
    private long size;
    private long offset;
    private ByteOrder order;
    private int major, minor;

    // classic pcap
    private boolean nanos;
    private int recordHeader, lengths;
    private PcapInterface classic;

    // pcapng
    private final List<PcapInterface> interfaces = new ArrayList<>();
    private final List<Long> tsOffsets = new ArrayList<>();
    private final List<PcapStatistics> statistics = new ArrayList<>();
    private int section = -1, sectionStart;
    private long maxBlock = INITIAL_MAX_BLOCK;

    private PcapReader(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        if (size < 4) throw new IOException(path + ": damaged capture file at offset 0: file of " + size
                + " bytes is too short to hold a pcap or pcapng header");
        int magic = read(0, 4, ByteOrder.BIG_ENDIAN).getInt(0);
        ng = magic == PcapNgWriter.BT_SHB;
        if (ng) openNg();
        else openClassic(magic);
    }

    /**
     * Opens a classic pcap or a pcapng file and reads its header (for pcapng, up to its first interface).
     *
     * @param path the file
     * @return a reader positioned at the first record
     * @throws IOException if the file cannot be read, is of neither format, or its header is damaged
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
    /** {@return whether the file is pcapng (else classic pcap)} */
    public boolean isPcapNg() { return ng; }
    /**
     * {@return the link type of the file's first interface (of every record in a classic file), or -1 for a
     * pcapng file with no interface before its first packet; each record tells its own: {@link PcapRecord#linkType()}}
     */
    public int linktype() { return first() == null ? -1 : first().linkType(); }
    /** {@return the snaplen of the first interface (never negative): a classic file's records are cut to it} */
    public int snaplen() { return first() == null ? 0 : first().snaplen(); }
    /** {@return whether the first interface's timestamps are finer than microseconds (classic: the nanosecond magic)} */
    public boolean nanos() { return ng ? first() != null && first().finerThanMicros() : nanos; }
    /** {@return the byte order of the file (pcapng: of the section being read)} */
    public ByteOrder byteOrder() { return order; }
    /** {@return the file's major version (classic: 2, or 543 for DG/UX files; pcapng: 1)} */
    public int versionMajor() { return major; }
    /** {@return the file's minor version (classic: 4 in every file libpcap writes; pcapng: 0)} */
    public int versionMinor() { return minor; }
    /** {@return offset in the file of the next record (pcapng: of the next block)} */
    public long position() { return offset; }

    /** {@return the interfaces read so far, by id (a classic file has one)} */
    public List<PcapInterface> interfaces() {
        return ng ? List.copyOf(interfaces) : List.of(classic);
    }

    /** {@return the pcapng interface statistics blocks read so far (all of them once {@link #next()} returned null)} */
    public List<PcapStatistics> statistics() {
        return List.copyOf(statistics);
    }

    private PcapInterface first() {
        return ng ? (interfaces.isEmpty() ? null : interfaces.getFirst()) : classic;
    }

    /**
     * {@return the next record, or null at the end of the file}
     * @throws IOException when the file is damaged; the message names the file and the offset
     */
    public PcapRecord next() throws IOException {
        if (offset >= size) size = channel.size(); // a file still being written may have grown
        if (offset >= size) return null;
        return ng ? nextNg() : nextClassic();
    }

    // ---------------------------------------------------------------- classic pcap (libpcap's sf-pcap.c)

    private void openClassic(int magic) throws IOException {
        if (size < 24) throw damaged(0, "file of " + size + " bytes is shorter than the 24-byte pcap header");
        ByteBuffer h = read(0, 24, ByteOrder.BIG_ENDIAN);
        order = ByteOrder.BIG_ENDIAN;
        if (!classicMagic(magic)) {
            magic = Integer.reverseBytes(magic);
            order = ByteOrder.LITTLE_ENDIAN;
            if (!classicMagic(magic))
                throw damaged(0, String.format("bad magic 0x%08x (neither pcap nor pcapng)", Integer.reverseBytes(magic)));
        }
        h.order(order);
        nanos = magic == PcapWriter.MAGIC_NANOS;
        recordHeader = magic == MAGIC_KUZNETZOV ? 24 : 16;
        major = h.getShort(4) & 0xFFFF;
        minor = h.getShort(6) & 0xFFFF;
        if (major < 2) throw damaged(4, "archaic pcap version " + major + "." + minor);
        if (!(major == 2 && minor <= 4 || major == 543 && minor == 0))
            throw damaged(4, "unsupported pcap version " + major + "." + minor);
        // Before 2.3 caplen and len were written the other way round; 2.3 files exist both ways.
        lengths = major == 2 && minor > 3 ? NOT_SWAPPED : major == 2 && minor == 3 ? MAYBE_SWAPPED : SWAPPED;
        int network = h.getInt(20);
        int linktype = network & 0x03FFFFFF; // the top 6 bits carry the FCS length
        int fcs = (network & 0x04000000) != 0 ? (network >>> 28) * 2 : -1;
        int snaplen = adjustSnaplen(linktype, Integer.toUnsignedLong(h.getInt(16)));
        if (recordHeader == 24 && linktype == LinkType.ETHERNET) snaplen = snaplen <= Integer.MAX_VALUE - 14 ? snaplen + 14 : Integer.MAX_VALUE;
        classic = new PcapInterface(0, 0, linktype, snaplen, null, null,
                nanos ? PcapInterface.NANOSECONDS : PcapInterface.MICROSECONDS, fcs);
        offset = 24;
    }

    private static boolean classicMagic(int m) {
        return m == PcapWriter.MAGIC_MICROS || m == PcapWriter.MAGIC_NANOS || m == MAGIC_KUZNETZOV;
    }

    private PcapRecord nextClassic() throws IOException {
        long at = offset, left = size - at;
        if (left < recordHeader) throw damaged(at, "truncated record header (" + left + " of " + recordHeader + " bytes)");
        ByteBuffer h = read(at, 16, order);
        long sec = h.getInt(0) & 0xFFFF_FFFFL;
        long frac = h.getInt(4) & 0xFFFF_FFFFL;
        long incl = h.getInt(8) & 0xFFFF_FFFFL;
        long orig = h.getInt(12) & 0xFFFF_FFFFL;
        if (lengths == SWAPPED || lengths == MAYBE_SWAPPED && incl > orig) {
            long t = incl;
            incl = orig;
            orig = t;
        }
        int snaplen = classic.snaplen(), max = maxSnaplen(classic.linkType());
        if (incl > max)
            throw damaged(at, incl > snaplen ? "captured length " + incl + " is above the snaplen " + snaplen
                    : "captured length " + incl + " is above the maximum " + max + " for link type " + LinkType.name(classic.linkType()));
        if (incl > left - recordHeader)
            throw damaged(at, "record of " + incl + " bytes is longer than the " + (left - recordHeader) + " bytes left in the file");
        ByteBuffer data = read(at + recordHeader, (int) Math.min(incl, snaplen), order);
        offset = at + recordHeader + incl;
        return new PcapRecord(sec, nanos ? frac : frac * 1000, (int) Math.min(orig, Integer.MAX_VALUE), data, classic, List.of());
    }

    /** libpcap's {@code pcap_adjust_snapshot}: a snaplen of 0 or above 2^31-1 means the link type's maximum. */
    private static int adjustSnaplen(int linktype, long snaplen) {
        return snaplen == 0 || snaplen > Integer.MAX_VALUE ? maxSnaplen(linktype) : (int) snaplen;
    }

    /** libpcap's {@code max_snaplen_for_dlt}: the longest record it accepts of a link type. */
    static int maxSnaplen(int linktype) {
        return switch (linktype) {
            case 231 -> 128 << 20; // D-Bus
            case 279 -> 8 << 20; // EBHSCR
            case 249 -> 1 << 20; // USBPcap
            default -> PcapWriter.DEFAULT_SNAPLEN;
        };
    }

    // ---------------------------------------------------------------- pcapng (the IETF draft; libpcap's sf-pcapng.c)

    /** A block's start, total length and body (after type and length, before the trailing length), in its section's byte order. */
    private record Block(long at, int type, long length, ByteBuffer body) {}

    private void openNg() throws IOException {
        Block shb = readBlock(0);
        section(shb);
        offset = shb.length;
        // Read up to the first interface, as libpcap does, so that linktype() and snaplen() have an answer.
        while (interfaces.isEmpty()) {
            Block b = readBlock(offset);
            if (b == null || isPacket(b.type)) break;
            process(b);
            offset = b.at + b.length;
        }
    }

    private static boolean isPacket(int type) {
        return type == PcapNgWriter.BT_EPB || type == PcapNgWriter.BT_SPB || type == BT_PB;
    }

    private PcapRecord nextNg() throws IOException {
        for (;;) {
            Block b = readBlock(offset);
            if (b == null) return null;
            PcapRecord r = process(b);
            offset = b.at + b.length;
            if (r != null) return r;
        }
    }

    private PcapRecord process(Block b) throws IOException {
        return switch (b.type) {
            case PcapNgWriter.BT_SHB -> {
                section(b);
                yield null;
            }
            case PcapNgWriter.BT_IDB -> {
                addInterface(b);
                yield null;
            }
            case PcapNgWriter.BT_EPB, BT_PB -> packet(b);
            case PcapNgWriter.BT_SPB -> simplePacket(b);
            case PcapNgWriter.BT_ISB -> {
                interfaceStatistics(b);
                yield null;
            }
            default -> null; // name resolution, custom, decryption secrets, ...: nothing a record needs
        };
    }

    private Block readBlock(long at) throws IOException {
        long left = size - at;
        if (left == 0) {
            size = channel.size();
            left = size - at;
            if (left == 0) return null;
        }
        if (left < 12) throw damaged(at, "truncated block header (" + left + " of at least 12 bytes)");
        ByteBuffer h = read(at, 12, ByteOrder.BIG_ENDIAN);
        ByteOrder o = order;
        int type = h.getInt(0);
        if (type == PcapNgWriter.BT_SHB) {
            int bom = h.getInt(8);
            if (bom == PcapNgWriter.BYTE_ORDER_MAGIC) o = ByteOrder.BIG_ENDIAN;
            else if (Integer.reverseBytes(bom) == PcapNgWriter.BYTE_ORDER_MAGIC) o = ByteOrder.LITTLE_ENDIAN;
            else throw damaged(at + 8, String.format("bad byte-order magic 0x%08x in a section header block", bom));
        }
        h.order(o);
        type = h.getInt(0);
        long length = h.getInt(4) & 0xFFFF_FFFFL;
        if (type == PcapNgWriter.BT_SHB && (length < 28 || length > SHB_MAX))
            throw damaged(at, "section header block length " + length + " is outside 28.." + SHB_MAX);
        if (length < 12) throw damaged(at, "block length " + length + " is less than 12");
        if (length % 4 != 0) throw damaged(at, "block length " + length + " is not a multiple of 4");
        if (length > maxBlock) throw damaged(at, "block length " + length + " is above the maximum " + maxBlock);
        if (length > left)
            throw damaged(at, "block of " + length + " bytes is longer than the " + left + " bytes left in the file");
        ByteBuffer b = read(at, (int) length, o);
        long trailer = b.getInt((int) length - 4) & 0xFFFF_FFFFL;
        if (trailer != length) throw damaged(at, "block length " + length + " at its start and " + trailer + " at its end differ");
        return new Block(at, type, length, b.slice(8, (int) length - 12).order(o));
    }

    private void section(Block b) throws IOException {
        ByteBuffer body = b.body;
        int maj = body.getShort(4) & 0xFFFF, min = body.getShort(6) & 0xFFFF;
        if (maj != 1) throw damaged(b.at, "unsupported pcapng version " + maj + "." + min);
        order = body.order();
        major = maj;
        minor = min;
        section++;
        sectionStart = interfaces.size();
    }

    private void addInterface(Block b) throws IOException {
        ByteBuffer body = b.body;
        if (body.limit() < 8) throw tooShort(b, "interface description", 8);
        int linktype = body.getShort(0) & 0xFFFF;
        int snaplen = adjustSnaplen(linktype, body.getInt(4) & 0xFFFF_FFFFL);
        String name = null, description = null;
        int tsresol = -1, fcs = -1;
        long tsoffset = 0;
        boolean sawOffset = false;
        for (int p = 8; p + 4 <= body.limit(); ) {
            int code = body.getShort(p) & 0xFFFF, len = body.getShort(p + 2) & 0xFFFF;
            if (code == 0 || p + 4 + len > body.limit()) break;
            ByteBuffer v = body.slice(p + 4, len).order(body.order());
            switch (code) {
                case 2 -> name = string(v);
                case 3 -> description = string(v);
                case PcapNgWriter.IF_TSRESOL -> {
                    // libpcap refuses these, and so does Wireshark: the timestamps would be meaningless.
                    if (len != 1) throw damaged(b.at, "if_tsresol option of " + len + " bytes (not 1)");
                    if (tsresol >= 0) throw damaged(b.at, "more than one if_tsresol option");
                    tsresol = v.get(0) & 0xFF;
                    if ((tsresol & 0x80) != 0 ? (tsresol & 0x7F) > 63 : tsresol > 19)
                        throw damaged(b.at, String.format("if_tsresol 0x%02x is finer than a 64-bit timestamp can count", tsresol));
                }
                case PcapNgWriter.IF_FCSLEN -> {
                    if (len == 1) fcs = v.get(0) & 0xFF;
                }
                case 14 -> {
                    if (len != 8) throw damaged(b.at, "if_tsoffset option of " + len + " bytes (not 8)");
                    if (sawOffset) throw damaged(b.at, "more than one if_tsoffset option");
                    sawOffset = true;
                    tsoffset = v.getLong(0);
                }
                default -> { }
            }
            p += 4 + pad(len);
        }
        interfaces.add(new PcapInterface(interfaces.size(), section, linktype, snaplen, name, description,
                tsresol < 0 ? PcapInterface.MICROSECONDS : tsresol, fcs));
        tsOffsets.add(tsoffset);
        maxBlock = Math.max(maxBlock, 28L + maxSnaplen(linktype) + 131072 + 4);
    }

    /** An Enhanced Packet Block, or the obsolete Packet Block (a 16-bit interface id and a drop count instead of 32 bits). */
    private PcapRecord packet(Block b) throws IOException {
        ByteBuffer body = b.body;
        boolean enhanced = b.type == PcapNgWriter.BT_EPB;
        if (body.limit() < 20) throw tooShort(b, enhanced ? "enhanced packet" : "packet", 20);
        long id = enhanced ? body.getInt(0) & 0xFFFF_FFFFL : body.getShort(0) & 0xFFFF;
        PcapInterface iface = sectionInterface(b, id);
        long t = (long) body.getInt(4) << 32 | body.getInt(8) & 0xFFFF_FFFFL;
        long caplen = body.getInt(12) & 0xFFFF_FFFFL, len = body.getInt(16) & 0xFFFF_FFFFL;
        if (caplen > body.limit() - 20)
            throw damaged(b.at, "captured length " + caplen + " is longer than the block's " + (body.limit() - 20) + " bytes of packet data");
        List<String> comments = comments(body, 20 + pad((int) caplen));
        return record(iface, t, len, body.slice(20, (int) caplen), comments);
    }

    private PcapRecord simplePacket(Block b) throws IOException {
        ByteBuffer body = b.body;
        if (body.limit() < 4) throw tooShort(b, "simple packet", 4);
        PcapInterface iface = sectionInterface(b, 0);
        long len = body.getInt(0) & 0xFFFF_FFFFL;
        // No captured length: the wire length cut to the snaplen, and to what the block holds.
        int caplen = (int) Math.min(Math.min(len, iface.snaplen()), body.limit() - 4);
        return record(iface, 0, len, body.slice(4, caplen), List.of());
    }

    private void interfaceStatistics(Block b) throws IOException {
        ByteBuffer body = b.body;
        if (body.limit() < 12) throw tooShort(b, "interface statistics", 12);
        long id = body.getInt(0) & 0xFFFF_FFFFL;
        if (id >= interfaces.size() - sectionStart) return; // counts for an interface never described: nothing to tie them to
        int global = (int) (sectionStart + id);
        long t = (long) body.getInt(4) << 32 | body.getInt(8) & 0xFFFF_FFFFL;
        long[] counts = {-1, -1, -1, -1, -1}; // isb_ifrecv .. isb_usrdeliv (option codes 4..8)
        List<String> comments = new ArrayList<>();
        for (int p = 12; p + 4 <= body.limit(); ) {
            int code = body.getShort(p) & 0xFFFF, len = body.getShort(p + 2) & 0xFFFF;
            if (code == 0 || p + 4 + len > body.limit()) break;
            if (code == PcapNgWriter.OPT_COMMENT) comments.add(string(body.slice(p + 4, len)));
            else if (code >= PcapNgWriter.ISB_IFRECV && code <= PcapNgWriter.ISB_USRDELIV && len == 8) counts[code - 4] = body.getLong(p + 4);
            p += 4 + pad(len);
        }
        PcapInterface iface = interfaces.get(global);
        long nanos = seconds(iface, global, t) * 1_000_000_000L + fractionNanos(t, iface.tsResolution());
        statistics.add(new PcapStatistics(global, nanos, counts[0], counts[1], counts[2], counts[3], counts[4], comments));
    }

    private PcapInterface sectionInterface(Block b, long id) throws IOException {
        if (id >= interfaces.size() - sectionStart)
            throw damaged(b.at, "packet on interface " + id + ", but the section describes only " + (interfaces.size() - sectionStart));
        return interfaces.get((int) (sectionStart + id));
    }

    private PcapRecord record(PcapInterface iface, long t, long len, ByteBuffer data, List<String> comments) {
        return new PcapRecord(seconds(iface, iface.id(), t), fractionNanos(t, iface.tsResolution()),
                (int) Math.min(len, Integer.MAX_VALUE), data, iface, comments);
    }

    /** The comments among the options from {@code from}; options that run past the block end the list (libpcap ignores them too). */
    private static List<String> comments(ByteBuffer body, int from) {
        List<String> comments = List.of();
        for (int p = from; p >= 0 && p + 4 <= body.limit(); ) {
            int code = body.getShort(p) & 0xFFFF, len = body.getShort(p + 2) & 0xFFFF;
            if (code == 0 || p + 4 + len > body.limit()) break;
            if (code == PcapNgWriter.OPT_COMMENT) {
                if (comments.isEmpty()) comments = new ArrayList<>();
                comments.add(string(body.slice(p + 4, len)));
            }
            p += 4 + pad(len);
        }
        return comments;
    }

    private long seconds(PcapInterface iface, int global, long t) {
        return Long.divideUnsigned(t, unitsPerSecond(iface.tsResolution())) + tsOffsets.get(global);
    }

    private static long unitsPerSecond(int tsresol) {
        return (tsresol & 0x80) != 0 ? 1L << (tsresol & 0x7F) : POW10[tsresol];
    }

    /** The nanoseconds in the fraction of a second of {@code t} units of {@code if_tsresol}, rounded down. */
    static long fractionNanos(long t, int tsresol) {
        long rem = Long.remainderUnsigned(t, unitsPerSecond(tsresol));
        if ((tsresol & 0x80) != 0) {
            int n = tsresol & 0x7F;
            if (n == 0) return 0;
            // rem * 10^9 / 2^n in 128 bits: rem < 2^63, so the product fits and the quotient is below 10^9.
            long hi = Math.multiplyHigh(rem, 1_000_000_000L), lo = rem * 1_000_000_000L;
            return hi << (64 - n) | lo >>> n;
        }
        return tsresol <= 9 ? rem * POW10[9 - tsresol] : Long.divideUnsigned(rem, POW10[tsresol - 9]);
    }

    private static String string(ByteBuffer v) {
        byte[] a = new byte[v.remaining()];
        v.duplicate().get(a);
        int n = a.length;
        while (n > 0 && a[n - 1] == 0) n--; // some writers count a terminating NUL
        return new String(a, 0, n, StandardCharsets.UTF_8);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private IOException tooShort(Block b, String what, int need) {
        return damaged(b.at, what + " block of " + b.length + " bytes is too short (its fixed fields take " + (need + 12) + ")");
    }

    // ---------------------------------------------------------------- both

    private ByteBuffer read(long at, int n, ByteOrder o) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(o);
        long p = at;
        while (b.hasRemaining()) {
            int k = channel.read(b, p);
            if (k < 0) throw new EOFException(path + ": unexpected end of file at offset " + p);
            p += k;
        }
        return b.flip();
    }

    private IOException damaged(long at, String what) {
        return new IOException(path + ": damaged " + (ng ? "pcapng" : "pcap") + " file at offset " + at + ": " + what);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
