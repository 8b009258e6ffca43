package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Layouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The zero-copy, zero-allocation form of {@code sendmmsg(2)}/{@code recvmmsg(2)}: {@code count}
 * datagram slots of {@code bufferSize} bytes each, with their {@code struct mmsghdr}, {@code iovec}
 * and {@code sockaddr_storage} arrays, all in native memory allocated once by {@link #allocate}
 * and freed by {@link #close()}. A receive fills slots {@code 0..r)} ({@link #data(int)},
 * {@link #length(int)}, {@link #address(int)}); a send of {@code n} slots sends what
 * {@link #put(int, byte[])} (or writing {@link #buffer(int)} and {@link #setLength(int, int)})
 * staged there, each to its {@link #setAddress(int, SockAddr) address}. A receive leaves each
 * sender's address in its slot, so sending the same slots back answers every sender.
 *
 * <p>UDP offloads: {@link #setSegmentSize(int, int)} makes a slot's send one UDP_SEGMENT (GSO) send,
 * the kernel cutting its bytes into datagrams; on a socket with {@link SockOpt#UDP_GRO} on, a
 * receive may coalesce datagrams of one flow into a slot, and {@link #segmentSize(int)} says into
 * datagrams of which size to cut it back ({@code udp(7)}).
 *
 * <p>Not thread-safe: one call uses a batch at a time. Use with {@link Rawsock#recvmmsg(int, DatagramBatch)}
 * and {@link Rawsock#sendmmsg(int, DatagramBatch, int)} (and {@code RawSocket.recv/send}).
 */
public final class DatagramBatch implements AutoCloseable {
    /** The kernel handles at most UIO_MAXIOV (1024) messages per sendmmsg/recvmmsg call. */
    public static final int MAX_COUNT = Consts.IOV_MAX;
    private static final int MAX_BUFFER = 1 << 24;
    private static final long MMSG = Layouts.MMSGHDR.byteSize();
    private static final long IOV = Layouts.IOVEC.byteSize();
    private static final int NAME = Layouts.SOCKADDR_STORAGE_SIZE;
    /** CMSG_ALIGN(sizeof(struct cmsghdr)): where a control message's data starts. */
    private static final long CMSG_HDR = (Layouts.CMSGHDR.byteSize() + 7) & ~7L;
    /** CMSG_SPACE(sizeof(int)): room for the one UDP_SEGMENT or UDP_GRO message a slot carries. */
    private static final long CTL = CMSG_HDR + 8;

    private final Arena arena;
    private final int count;
    private final int bufferSize;
    final MemorySegment hdrs;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment[] slots;
    /** Per slot the UDP_SEGMENT size its sends carry; 0: a plain send. */
    private final char[] gso;

    private DatagramBatch(int count, int bufferSize) {
        this.count = count;
        this.bufferSize = bufferSize;
        long stride = (bufferSize + 7L) & ~7L;
        this.arena = Arena.ofShared();
        MemorySegment all = arena.allocate(count * (MMSG + IOV + NAME + CTL) + count * stride, 16);
        hdrs = all.asSlice(0, count * MMSG);
        iovs = all.asSlice(count * MMSG, count * IOV);
        names = all.asSlice(count * (MMSG + IOV), (long) count * NAME);
        controls = all.asSlice(count * (MMSG + IOV + NAME), count * CTL);
        slots = new MemorySegment[count];
        gso = new char[count];
        long data = count * (MMSG + IOV + NAME + CTL);
        for (int i = 0; i < count; i++) {
            slots[i] = all.asSlice(data + i * stride, bufferSize);
            long h = i * MMSG;
            hdrs.set(ADDRESS, h + Layouts.MSG_NAME, names.asSlice((long) i * NAME, NAME));
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, 0);
            hdrs.set(ADDRESS, h + Layouts.MSG_IOV, iovs.asSlice(i * IOV, IOV));
            hdrs.set(JAVA_LONG, h + Layouts.MSG_IOVLEN, 1);
            hdrs.set(ADDRESS, h + Layouts.MSG_CONTROL, controls.asSlice(i * CTL, CTL));  // used when msg_controllen > 0
            iovs.set(ADDRESS, i * IOV + Layouts.IOV_BASE, slots[i]);
            iovs.set(JAVA_LONG, i * IOV + Layouts.IOV_LEN, 0);
        }
    }

    /**
     * {@return a batch of {@code count} slots (1..1024) of {@code bufferSize} bytes each (1..16 MiB)}
     *
     * @param count the number of slots, 1..1024
     * @param bufferSize bytes per slot, 1..16 MiB
     */
    public static DatagramBatch allocate(int count, int bufferSize) {
        if (count < 1 || count > MAX_COUNT) throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ": " + count);
        if (bufferSize < 1 || bufferSize > MAX_BUFFER)
            throw new IllegalArgumentException("bufferSize must be 1.." + MAX_BUFFER + ": " + bufferSize);
        return new DatagramBatch(count, bufferSize);
    }

    /** {@return the number of slots} */
    public int count() {
        return count;
    }

    /** {@return bytes per slot} */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * {@return the datagram in slot {@code i}: what the last receive put there, or what {@link #put} staged
     * ({@code min(length(i), bufferSize())} bytes, a view of the native slot)}
     *
     * @param i the slot index, 0..count()-1
     */
    public MemorySegment data(int i) {
        return slots[check(i)].asSlice(0, Math.min(length(i), bufferSize));
    }

    /**
     * {@return the whole slot {@code i} ({@link #bufferSize()} bytes), to write a datagram in place; then {@link #setLength}}
     *
     * @param i the slot index, 0..count()-1
     */
    public MemorySegment buffer(int i) {
        return slots[check(i)];
    }

    /**
     * {@return bytes in slot {@code i}: after a receive the {@code msg_len} the kernel gave (with MSG_TRUNC
     * passed, the datagram's real length, maybe over {@link #bufferSize()}); after {@link #put}, the
     * staged length; after a send, the bytes sent}
     *
     * @param i the slot index, 0..count()-1
     */
    public int length(int i) {
        return hdrs.get(JAVA_INT, check(i) * MMSG + Layouts.MMSG_LEN);
    }

    /**
     * Sets how many bytes of slot {@code i} the next send sends.
     *
     * @param i the slot index, 0..count()-1
     * @param length bytes to send, 0..bufferSize()
     */
    public void setLength(int i, int length) {
        check(i);
        if (length < 0 || length > bufferSize) throw new IllegalArgumentException("length must be 0.." + bufferSize + ": " + length);
        hdrs.set(JAVA_INT, i * MMSG + Layouts.MMSG_LEN, length);
    }

    /**
     * {@return whether the datagram received in slot {@code i} was longer than the slot (MSG_TRUNC)}
     *
     * @param i the slot index, 0..count()-1
     */
    public boolean truncated(int i) {
        return (hdrs.get(JAVA_INT, check(i) * MMSG + Layouts.MSG_FLAGS) & Consts.MSG_TRUNC) != 0;
    }

    /**
     * {@return the address of slot {@code i} (the sender, after a receive), or null when it has none}
     *
     * @param i the slot index, 0..count()-1
     */
    public SockAddr address(int i) {
        int len = hdrs.get(JAVA_INT, check(i) * MMSG + Layouts.MSG_NAMELEN);
        if (len <= 0) return null;
        SockAddr a = SockAddr.of(Domain.UNSPEC);
        address(i, a);
        return a;
    }

    /**
     * Copies the address of slot {@code i} into {@code into} (no allocation); false when the slot has none.
     *
     * @param i the slot index, 0..count()-1
     * @param into the address to fill
     * @return whether the slot had an address
     */
    public boolean address(int i, SockAddr into) {
        int len = Math.min(hdrs.get(JAVA_INT, check(i) * MMSG + Layouts.MSG_NAMELEN), NAME);
        if (len <= 0) return false;
        MemorySegment.copy(names, JAVA_BYTE, (long) i * NAME, into.storage, 0, len);
        into.filled(len);
        return true;
    }

    /**
     * Sets the destination of slot {@code i} for the next send (null: none, for a connected socket).
     *
     * @param i the slot index, 0..count()-1
     * @param address the destination for the next send; null for the connected peer
     */
    public void setAddress(int i, SockAddr address) {
        check(i);
        if (address == null) {
            hdrs.set(JAVA_INT, i * MMSG + Layouts.MSG_NAMELEN, 0);
            return;
        }
        int size = address.size;  // once: a receive into the same address may change it meanwhile
        MemorySegment.copy(address.storage, 0, names, JAVA_BYTE, (long) i * NAME, size);
        hdrs.set(JAVA_INT, i * MMSG + Layouts.MSG_NAMELEN, size);
    }

    /**
     * Copies {@code bytes} into slot {@code i} and sets its length.
     *
     * @param i the slot index, 0..count()-1
     * @param bytes the datagram
     */
    public void put(int i, byte[] bytes) {
        put(i, bytes, 0, bytes.length);
    }

    /**
     * Copies {@code bytes[start..end)} into slot {@code i} and sets its length.
     *
     * @param i the slot index, 0..count()-1
     * @param bytes the datagram
     * @param start index of the datagram's first byte
     * @param end index after its last byte
     */
    public void put(int i, byte[] bytes, int start, int end) {
        check(i);
        Objects.checkFromToIndex(start, end, bytes.length);
        int n = end - start;
        if (n > bufferSize) throw new IllegalArgumentException(n + " bytes do not fit a " + bufferSize + "-byte slot");
        MemorySegment.copy(bytes, start, slots[i], JAVA_BYTE, 0, n);
        hdrs.set(JAVA_INT, i * MMSG + Layouts.MMSG_LEN, n);
    }

    /**
     * Copies the remaining bytes of {@code buf} into slot {@code i}, sets its length, and advances the position.
     *
     * @param i the slot index, 0..count()-1
     * @param buf the datagram, from position to limit
     */
    public void put(int i, ByteBuffer buf) {
        check(i);
        int n = buf.remaining();
        if (n > bufferSize) throw new IllegalArgumentException(n + " bytes do not fit a " + bufferSize + "-byte slot");
        MemorySegment.copy(MemorySegment.ofBuffer(buf), 0, slots[i], 0, n);
        buf.position(buf.position() + n);
        hdrs.set(JAVA_INT, i * MMSG + Layouts.MMSG_LEN, n);
    }

    /**
     * Makes every later send of slot {@code i} one UDP_SEGMENT send (generic segmentation offload,
     * {@code udp(7)}): the kernel cuts the slot's bytes into datagrams of {@code segmentSize} bytes
     * (the last one may be shorter), each with its own UDP header, for the cost of one datagram
     * through the stack. A slot of 64 KiB holds 46 segments of 1,400 bytes over IPv4; more than the
     * kernel takes in one send fails with EMSGSIZE or EINVAL. Stays set until changed; 0 turns it off.
     *
     * @param i the slot index, 0..count()-1
     * @param segmentSize bytes per datagram, 1..65535, or 0 for a plain send
     */
    public void setSegmentSize(int i, int segmentSize) {
        check(i);
        if (segmentSize < 0 || segmentSize > 0xFFFF)
            throw new IllegalArgumentException("segment size must be 0..65535: " + segmentSize);
        gso[i] = (char) segmentSize;
    }

    /**
     * {@return the size of the datagrams the kernel coalesced into slot {@code i} on the last receive
     * (generic receive offload: {@link SockOpt#UDP_GRO} on), to cut {@link #data(int)} back into them
     * (the last one may be shorter); 0 when the slot holds one datagram as it was sent}
     *
     * @param i the slot index, 0..count()-1
     */
    public int segmentSize(int i) {
        long h = check(i) * MMSG;
        long len = hdrs.get(JAVA_LONG, h + Layouts.MSG_CONTROLLEN);
        // the kernel leaves msg_controllen at what it wrote; a slot carries room for one message
        if (len < CMSG_HDR + 4 || len > CTL) return 0;
        long c = i * CTL;
        if (controls.get(JAVA_INT, c + Layouts.CMSG_LEVEL) != Consts.SOL_UDP
                || controls.get(JAVA_INT, c + Layouts.CMSG_TYPE) != Consts.UDP_GRO) return 0;
        return controls.get(JAVA_INT, c + CMSG_HDR);
    }

    /** Frees the native memory; the batch is unusable afterwards. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    // ------------------------------------------------------------------ for IoCore

    /** Before recvmmsg of {@code n} slots: full-size iovecs, room for any address and a UDP_GRO message, clean flags. */
    void prepareReceive(int n) {
        for (int i = 0; i < n; i++) {
            long h = i * MMSG;
            iovs.set(JAVA_LONG, i * IOV + Layouts.IOV_LEN, bufferSize);
            hdrs.set(JAVA_INT, h + Layouts.MSG_NAMELEN, NAME);
            hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, CTL);
            hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
            hdrs.set(JAVA_INT, h + Layouts.MMSG_LEN, 0);
        }
    }

    /** Before sendmmsg of {@code n} slots: each iovec as long as its staged length, a UDP_SEGMENT message where set. */
    void prepareSend(int n) {
        for (int i = 0; i < n; i++) {
            long h = i * MMSG;
            iovs.set(JAVA_LONG, i * IOV + Layouts.IOV_LEN, Math.min(hdrs.get(JAVA_INT, h + Layouts.MMSG_LEN), bufferSize));
            if (gso[i] != 0) {
                // written each time: a receive into this batch overwrites the control area
                long c = i * CTL;
                controls.set(JAVA_LONG, c + Layouts.CMSG_LEN_FIELD, CMSG_HDR + 2);
                controls.set(JAVA_INT, c + Layouts.CMSG_LEVEL, Consts.SOL_UDP);
                controls.set(JAVA_INT, c + Layouts.CMSG_TYPE, Consts.UDP_SEGMENT);
                controls.set(JAVA_SHORT, c + CMSG_HDR, (short) gso[i]);
                hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, CTL);
            } else {
                hdrs.set(JAVA_LONG, h + Layouts.MSG_CONTROLLEN, 0);
            }
            hdrs.set(JAVA_INT, h + Layouts.MSG_FLAGS, 0);
        }
    }

    private int check(int i) {
        return Objects.checkIndex(i, count);
    }

    @Override
    public String toString() {
        return "DatagramBatch[" + count + " x " + bufferSize + " bytes" + (arena.scope().isAlive() ? "" : ", closed") + "]";
    }
}
