package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.IfReq;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.NetIf;
import dev.rawsock.internal.Scratch;
import dev.rawsock.internal.Sys;
import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.LinkType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Packet capture on an {@code AF_PACKET} socket ({@code packet(7)}), the way libpcap does it on
 * Linux, in pure Java: a {@code TPACKET_V3} receive ring shared with the kernel through
 * {@code mmap(2)}, walked in place, each block handed back to the kernel when its packets are done.
 *
 * <pre>{@code
 * try (Capture c = Capture.open("lo", Capture.Options.defaults().filter("udp port 53"));
 *      PcapWriter w = PcapWriter.create(Path.of("dns.pcap"))) {
 *     c.forEach(100, Duration.ofSeconds(10), w::write);
 * }
 * }</pre>
 *
 * <p>How it is set up: as libpcap does, the socket is opened with protocol 0, so that it receives
 * nothing yet; the ring is configured ({@code PACKET_VERSION} = {@code TPACKET_V3},
 * {@code PACKET_RX_RING} with a {@code struct tpacket_req3}) and mapped; the filter is attached
 * ({@code SO_ATTACH_FILTER}, its {@code ret} values lowered to the snaplen so that the kernel copies no
 * more); only then is the socket bound to the interface with {@code ETH_P_ALL}, so that no packet the
 * filter would reject is ever queued. Promiscuous mode is a
 * {@code PACKET_ADD_MEMBERSHIP} of type {@code PACKET_MR_PROMISC}: it belongs to the socket, and the
 * kernel drops it when the socket closes. Where the kernel refuses the ring (the setsockopt or the
 * mmap fails) the capture falls back to one {@code recvmsg(2)} per packet; {@link #usesRing()}
 * tells which. That path turns {@code PACKET_AUXDATA} on, as libpcap does, so that each packet
 * comes with its {@code struct tpacket_auxdata}: the wire length and the VLAN tag the kernel took
 * off, which is put back into the data exactly as on the ring.
 *
 * <p>On the loopback device every packet passes the tap twice, once going out and once coming in;
 * as libpcap does, the outgoing copy is skipped (by {@code PACKET_IGNORE_OUTGOING} when capturing on
 * the loopback interface itself, in Java when capturing on all interfaces), so each packet is seen
 * once.
 *
 * <p>Threads: one thread at a time reads ({@link #next}, {@link #forEach}); others wait for it.
 * {@link #close()} may come from any thread, once or many times: it closes the socket, which wakes a
 * reader waiting in {@code next} or {@code forEach} (that reader throws
 * {@link AsynchronousCloseException}), waits for the reader to leave the ring (and for a running
 * {@link Handler} call to return), then unmaps the ring. Waiting is {@code poll(2)} through
 * {@link RawSocket#poll}: a virtual thread parks instead of blocking its carrier. Calls after close
 * throw {@link ErrnoException} EBADF. A capture nobody closed is closed when it becomes unreachable.
 *
 * <p>Interrupts: a reader that is interrupted (platform or virtual thread), or that comes to
 * {@code next} or {@code forEach} with its interrupt status set, closes the capture and throws
 * {@link java.nio.channels.ClosedByInterruptException}, keeping its interrupt status, as
 * {@code java.net.Socket} does on a virtual thread and the NIO channels do everywhere. A virtual
 * thread sees the interrupt at once; a platform thread waiting in {@code poll(2)}, which an interrupt
 * does not wake, within a tenth of a second.
 */
public final class Capture implements AutoCloseable {
    /** What {@link #forEach} calls for each packet; may throw {@link IOException} (so {@code pcapWriter::write} fits). */
    @FunctionalInterface
    public interface Handler {
        /**
         * Takes one packet; the packet and its {@link CapturedPacket#data()} are valid only during this
         * call (the capture fills the same object with the next packet): copy what you keep.
         *
         * @param packet the packet
         * @throws IOException anything the handler throws; it ends {@link Capture#forEach} and propagates
         */
        void handle(CapturedPacket packet) throws IOException;
    }

    /**
     * How to open a capture; fluent, starting from {@link #defaults()}. Bad values are an
     * {@link IllegalArgumentException} at once, before any system call.
     */
    public static final class Options {
        /** libpcap's MAXIMUM_SNAPLEN: the longest packet any link carries. */
        public static final int MAX_SNAPLEN = 262_144;
        private static final int PAGE = 4096;

        private BpfProgram filter;
        private String filterExpression;        // when the filter came as an expression: compiled again for the link type
        private int netmask = BpfProgram.Options.NETMASK_UNKNOWN;
        private boolean immediate;
        private boolean promiscuous;
        private int snaplen = MAX_SNAPLEN;
        private int blockSize = 256 * 1024;
        private int blockCount = 0;             // 0: from ringBytes
        private long ringBytes = 4L << 20;
        private Duration blockTimeout = Duration.ofMillis(10);
        private int fanoutGroup = -1;
        private FanoutMode fanoutMode;
        private boolean ignoreOutgoing;
        private boolean ring = true;

        private Options() {}

        /**
         * No filter, not promiscuous, snaplen 262144, a 4 MiB ring of 256 KiB blocks retired after
         * 10 ms, no fanout, outgoing packets kept (except the loopback's duplicate copy).
         *
         * @return new options with these defaults
         */
        public static Options defaults() {
            return new Options();
        }

        /** {@return a copy to change without changing this one} */
        public Options copy() {
            Options o = new Options();
            o.filter = filter;
            o.filterExpression = filterExpression;
            o.netmask = netmask;
            o.immediate = immediate;
            o.promiscuous = promiscuous;
            o.snaplen = snaplen;
            o.blockSize = blockSize;
            o.blockCount = blockCount;
            o.ringBytes = ringBytes;
            o.blockTimeout = blockTimeout;
            o.fanoutGroup = fanoutGroup;
            o.fanoutMode = fanoutMode;
            o.ignoreOutgoing = ignoreOutgoing;
            o.ring = ring;
            return o;
        }

        /**
         * A pcap-filter expression, compiled now by {@link BpfProgram#compile(String, BpfProgram.Target)}
         * for {@link BpfProgram.Target#LINUX_SOCKET} (an expression that does not parse is an
         * {@link IllegalArgumentException}); null for none. The kernel runs the filter on the frame
         * after it took the outer VLAN tag off, so {@code vlan} tests the tag in the metadata or in
         * the packet, as libpcap's live filters do; the capture puts the tag back into
         * {@link CapturedPacket#data()}, where {@link BpfProgram#matches(dev.rawsock.packet.Frame)}
         * finds it and gives the same verdict. On an interface whose link type is not Ethernet
         * ({@link Capture#linkType()}: "any", tun, ...) the expression is compiled again for that link
         * type when the capture opens ({@link BpfProgram#compile(String, int, BpfProgram.Options)}),
         * and {@link Capture#open} throws {@link IllegalArgumentException} for one that link type
         * cannot support (such as {@code ether host} on raw IP).
         *
         * @param pcapFilter the expression, or null for no filter
         * @return these options
         */
        public Options filter(String pcapFilter) {
            this.filter = pcapFilter == null ? null : BpfProgram.compile(pcapFilter, LinkType.ETHERNET, compileOptions(netmask));
            this.filterExpression = pcapFilter;
            return this;
        }

        /**
         * The IPv4 netmask the filter's {@code ip broadcast} tests the host part under, as libpcap
         * takes it from the device ({@code pcap_lookupnet(3PCAP)}) and passes it to
         * {@code pcap_compile(3PCAP)}; {@link BpfProgram.Options#NETMASK_UNKNOWN} (the default)
         * refuses {@code ip broadcast}. Give it before {@link #filter(String)}, which compiles at
         * once; an expression given before is compiled again with it.
         *
         * @param netmask the netmask, such as {@code 0xffffff00} for a /24
         * @return these options
         */
        public Options netmask(int netmask) {
            if (filterExpression != null) {
                this.filter = BpfProgram.compile(filterExpression, LinkType.ETHERNET, compileOptions(netmask));
            }
            this.netmask = netmask;
            return this;
        }

        private static BpfProgram.Options compileOptions(int netmask) {
            return BpfProgram.Options.defaults().withTarget(BpfProgram.Target.LINUX_SOCKET).withNetmask(netmask);
        }

        /**
         * A classic BPF program the kernel runs on each packet, attached as given; null for none. A
         * program compiled for {@link BpfProgram.Target#OFFLINE} sees no outer VLAN tag here (the
         * kernel took it off): compile for {@link BpfProgram.Target#LINUX_SOCKET} to filter on it.
         * The program reads frames of the capture's {@link Capture#linkType()}: on "any" (and other
         * cooked captures) a program for {@link LinkType#LINUX_SLL2} frames, which the capture rewrites
         * for the kernel as libpcap does ({@link BpfProgram#forCookedSocket()}).
         *
         * @param program the program, or null for no filter
         * @return these options
         */
        public Options filter(BpfProgram program) {
            this.filter = program;
            this.filterExpression = null;
            return this;
        }

        /**
         * Whether each packet is delivered as soon as the kernel has it (libpcap's immediate mode,
         * {@code pcap_set_immediate_mode(3PCAP)}): a {@code TPACKET_V2} ring, which wakes the reader
         * for every packet, instead of the {@code TPACKET_V3} ring, which hands packets over a block
         * at a time (when the block is full or {@link #blockTimeout} retires it). Costs more wake-ups
         * under load. The ring's size still follows {@link #ringSize}; the block options do not apply.
         *
         * @param on true for immediate delivery
         * @return these options
         */
        public Options immediate(boolean on) {
            this.immediate = on;
            return this;
        }

        /**
         * Whether to put the interface in promiscuous mode while the capture is open (needs an interface).
         *
         * @param on true for promiscuous mode
         * @return these options
         */
        public Options promiscuous(boolean on) {
            this.promiscuous = on;
            return this;
        }

        /**
         * At most this many bytes of each packet are kept (1..262144).
         *
         * @param bytes the most bytes kept per packet, 1..262144
         * @return these options
         */
        public Options snaplen(int bytes) {
            if (bytes < 1 || bytes > MAX_SNAPLEN)
                throw new IllegalArgumentException("snaplen must be 1.." + MAX_SNAPLEN + ": " + bytes);
            this.snaplen = bytes;
            return this;
        }

        /**
         * The ring's total size; the block count becomes {@code ceil(bytes / blockSize)}. At most
         * {@code Integer.MAX_VALUE} bytes in all.
         *
         * @param bytes the size in bytes
         * @return these options
         */
        public Options ringSize(long bytes) {
            if (bytes < PAGE || bytes > Integer.MAX_VALUE)
                throw new IllegalArgumentException("ring size must be " + PAGE + ".." + Integer.MAX_VALUE + " bytes: " + bytes);
            this.ringBytes = bytes;
            this.blockCount = 0;
            return this;
        }

        /**
         * The size of one ring block ({@code tp_block_size}): a multiple of 4096; a packet longer
         * than a block (less its 48-byte header) is cut to fit.
         *
         * @param bytes the size in bytes
         * @return these options
         */
        public Options blockSize(int bytes) {
            if (bytes < PAGE || bytes % PAGE != 0)
                throw new IllegalArgumentException("block size must be a positive multiple of " + PAGE + ": " + bytes);
            this.blockSize = bytes;
            return this;
        }

        /**
         * The number of ring blocks ({@code tp_block_nr}), at least 1.
         *
         * @param count the number of blocks
         * @return these options
         */
        public Options blockCount(int count) {
            if (count < 1) throw new IllegalArgumentException("block count must be >= 1: " + count);
            this.blockCount = count;
            return this;
        }

        /**
         * How long the kernel waits before handing over a block that is not full
         * ({@code tp_retire_blk_tov}, whole milliseconds, 1..65535); {@link Duration#ZERO} lets the
         * kernel choose from the link speed. This bounds how late a packet shows up on a quiet link.
         *
         * @param timeout the retire timeout, whole milliseconds 1..65535, or {@link Duration#ZERO} for the kernel's choice
         * @return these options
         */
        public Options blockTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            long ms = timeout.toMillis();
            if (timeout.isNegative() || ms > 0xFFFF || (!timeout.isZero() && ms == 0))
                throw new IllegalArgumentException("block timeout must be 0 or 1..65535 ms: " + timeout);
            this.blockTimeout = timeout;
            return this;
        }

        /**
         * Joins fanout group {@code group} (0..65535) with {@code mode} ({@code PACKET_FANOUT}): the
         * kernel spreads the interface's packets over the group's sockets.
         *
         * @param group the fanout group id, 0..65535
         * @param mode how the kernel spreads packets over the group
         * @return these options
         */
        public Options fanout(int group, FanoutMode mode) {
            Objects.requireNonNull(mode, "mode");
            if (group < 0 || group > 0xFFFF) throw new IllegalArgumentException("fanout group must be 0..65535: " + group);
            this.fanoutGroup = group;
            this.fanoutMode = mode;
            return this;
        }

        /**
         * Whether to skip packets this host sends ({@code PACKET_IGNORE_OUTGOING}).
         *
         * @param on true to skip them
         * @return these options
         */
        public Options ignoreOutgoing(boolean on) {
            this.ignoreOutgoing = on;
            return this;
        }

        /**
         * Whether to use the mmap ring (the default); false receives each packet with {@code recvmsg(2)}
         * (and its {@code PACKET_AUXDATA}), as happens anyway where the kernel refuses the ring.
         *
         * @param on true to use the ring, false for {@code recvmsg(2)}
         * @return these options
         */
        public Options ring(boolean on) {
            this.ring = on;
            return this;
        }

        int blocks() {
            return blockCount > 0 ? blockCount : (int) Math.max(1, (ringBytes + blockSize - 1) / blockSize);
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();
    /**
     * {@code PACKET_FANOUT_FLAG_IGNORE_OUTGOING} (include/uapi/linux/if_packet.h, Linux 4.20+): the
     * group's hook skips outgoing packets. Not in Consts because the userspace headers that the C probe
     * test compiles against here predate it; the kernel refuses it with EINVAL where unknown.
     */
    private static final int PACKET_FANOUT_FLAG_IGNORE_OUTGOING = 0x4000;

    private final CaptureSocket cs;
    private final RawSocket sock;
    private final int ifindex;
    private boolean ignoringOutgoing;                   // PACKET_IGNORE_OUTGOING is on
    private final ReentrantLock ioLock = new ReentrantLock();  // the reader; close takes it to unmap
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final Cleaner.Cleanable cleanable;          // closes the shared arena: the ring mapping or the receive buffer
    private final PacketReader reader;                  // guarded by ioLock
    private final String ringRefused;                   // why there is no ring, or null
    private final int snaplen;
    private BpfProgram userFilter;                      // the filter, when it runs here and not in the kernel; set in start

    // PACKET_STATISTICS resets the kernel's counters on each read: the totals live here. Guarded by fdLock.
    private long received;
    private long dropped;

    /**
     * Opens a capture on interface {@code ifnameOrNull} (null: every interface), set up as
     * {@code options} say (see the class comment for the system calls, in order). A missing interface
     * is an {@link ErrnoException} ENODEV; a process without {@code CAP_NET_RAW} gets an
     * {@link ErrnoException} EPERM whose message says that capture needs it.
     *
     * @param ifnameOrNull the interface name, or null for every interface
     * @param options how to set the capture up
     * @return the open capture
     * @throws IOException {@link ErrnoException} if a system call fails (ENODEV, EPERM, ...), as the description says
     */
    public static Capture open(String ifnameOrNull, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Options o = options.copy();
        if (o.promiscuous && ifnameOrNull == null)
            throw new IllegalArgumentException("promiscuous mode needs an interface, not all of them");
        long ringTotal = (long) o.blockSize * o.blocks();
        if (o.ring && ringTotal > Integer.MAX_VALUE)
            throw new IllegalArgumentException("ring of " + ringTotal + " bytes is over " + Integer.MAX_VALUE);
        int ifindex = ifnameOrNull == null ? 0 : NetIf.index(ifnameOrNull);
        // Protocol 0: the socket receives nothing until bind names ETH_P_ALL, after the filter and ring are in place.
        RawSocket sock = packetSocket(SocketType.RAW);
        int linkType = LinkType.LINUX_SLL2;
        try {
            if (ifnameOrNull != null) linkType = linkTypeOf(IfReq.hwtype(sock.fd(), ifnameOrNull));
            if (linkType == LinkType.LINUX_SLL2) {
                sock.close();
                sock = packetSocket(SocketType.DGRAM);
            }
        } catch (Throwable t) {
            try {
                sock.close();
            } catch (ErrnoException ignored) {
                // the setup error is the one to report
            }
            throw t;
        }
        Capture c;
        try {
            c = new Capture(sock, ifindex, linkType, o);
        } catch (Throwable t) {
            try {
                sock.close();
            } catch (ErrnoException ignored) {
                // the setup error is the one to report
            }
            throw t;
        }
        try {
            c.start(o);
            return c;
        } catch (Throwable t) {
            try {
                c.close();
            } catch (ErrnoException ignored) {
                // the setup error is the one to report
            }
            throw t;
        }
    }

    /**
     * {@link #open(String, Options)} with {@link Options#defaults()}.
     *
     * @param ifnameOrNull the interface name, or null for every interface
     * @return the open capture
     * @throws IOException {@link ErrnoException} if a system call fails (ENODEV, EPERM, ...), as the description says
     */
    public static Capture open(String ifnameOrNull) throws IOException {
        return open(ifnameOrNull, Options.defaults());
    }

    private static RawSocket packetSocket(SocketType type) throws ErrnoException {
        try {
            return RawSocket.open(Domain.PACKET, type);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EPERM || e.errno() == Errno.EACCES) throw new NeedsCapNetRaw(e);
            throw e;
        }
    }

    /**
     * The link type a device's ARPHRD type is captured as, after libpcap's {@code map_arphrd_to_dlt}:
     * Ethernet-like devices and the loopback as Ethernet, devices without a link-layer header (tun,
     * {@code ARPHRD_NONE}; {@code ARPHRD_RAWIP}) as raw IP, radiotap as radiotap; anything else in
     * cooked mode, as {@link LinkType#LINUX_SLL2}.
     */
    static int linkTypeOf(int arphrd) {
        return switch (arphrd) {
            case Consts.ARPHRD_ETHER, Consts.ARPHRD_IEEE802, Consts.ARPHRD_LOOPBACK -> LinkType.ETHERNET;
            case Consts.ARPHRD_NONE, Consts.ARPHRD_RAWIP -> LinkType.RAW;
            case Consts.ARPHRD_IEEE80211_RADIOTAP -> LinkType.IEEE802_11_RADIOTAP;
            default -> LinkType.LINUX_SLL2;
        };
    }

    /** EPERM from socket(AF_PACKET), saying what is missing. */
    private static final class NeedsCapNetRaw extends ErrnoException {
        private static final long serialVersionUID = 1L;

        NeedsCapNetRaw(ErrnoException cause) {
            super(cause.function(), cause.errno(), cause.socket());
            initCause(cause);
        }

        @Override
        public String getMessage() {
            return super.getMessage() + ": packet capture needs CAP_NET_RAW (run as root, or give the java"
                    + " binary the capability: setcap cap_net_raw+ep)";
        }
    }

    private Capture(RawSocket sock, int ifindex, int linkType, Options o) throws IOException {
        this.sock = sock;
        this.cs = new CaptureSocket(sock, linkType, linkType == LinkType.LINUX_SLL2);
        this.ifindex = ifindex;
        this.snaplen = o.snaplen;
        cs.onInterrupt = this::closeQuietly;
        int fd = sock.fd();

        boolean loopback = ifindex != 0 && isLoopback(fd, ifindex);
        if (o.ignoreOutgoing || loopback) {
            try {
                Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_IGNORE_OUTGOING, 1, "setsockopt(PACKET_IGNORE_OUTGOING)");
                ignoringOutgoing = true;
            } catch (ErrnoException e) {
                // Older kernels (< 4.20) lack it: skip in Java instead (the loopback's copies are always skipped there).
                cs.skipOutgoing = o.ignoreOutgoing;
            }
        }

        Arena a = Arena.ofShared();
        this.cleanable = CLEANER.register(this, () -> closeArena(a));
        PacketReader r = null;
        String refused = o.ring ? null : "ring turned off in the options";
        if (o.ring) {
            try {
                r = o.immediate
                        ? new RingV2Reader(cs, a, o.snaplen, frameBytes(fd, ifindex, o.snaplen), (long) o.blockSize * o.blocks())
                        : new RingReader(cs, a, o.snaplen, o.blockSize, o.blocks(), o.blockTimeout);
            } catch (ErrnoException e) {
                refused = e.getMessage();
            }
        }
        this.ringRefused = refused;
        // As libpcap: without the ring, the tag and the wire length come in a control message.
        this.reader = r != null ? r : new SocketReader(cs, a, o.snaplen);
    }

    /**
     * How many bytes of packet an immediate ring's slot holds: the snaplen, but no more than the
     * device's MTU and a link-layer header with a VLAN tag can fill (64 KiB on "any"), as libpcap
     * sizes its V2 frames; a longer packet is cut to the slot.
     */
    private static int frameBytes(int fd, int ifindex, int snaplen) throws ErrnoException {
        int most = 65_536;
        if (ifindex != 0) most = IfReq.mtu(fd, NetIf.name(ifindex)) + 2 * Consts.ETH_ALEN + 2 + CaptureSocket.VLAN_TAG_LEN;
        return Math.max(1, Math.min(snaplen, most));
    }

    /**
     * Attaches the filter, binds (from here on packets arrive), then joins the promiscuous membership
     * and the fanout group. On failure {@link #open} closes the capture, ring and all.
     */
    private void start(Options o) throws IOException {
        int fd = sock.fd();
        BpfProgram filter = filterFor(o, cs.linkType);
        // A cooked socket's filter sees no link-layer header: the program's header loads become
        // metadata loads, or, where it reads a header field the kernel cannot supply, it runs here.
        BpfProgram kernel = filter == null || !cs.cooked ? filter : filter.forCookedSocket();
        if (filter != null && kernel == null) userFilter = filter;
        if (kernel != null) {
            try {
                attach(kernel, o.snaplen);
            } catch (ErrnoException e) {
                // EINVAL: a program the kernel will not run (a backward jump; one whose jumps span more
                // than its translation to eBPF can encode); ENOMEM: one over net.core.optmem_max. As
                // libpcap, filter in user space then, the kernel passing everything.
                if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOMEM) throw e;
                userFilter = filter;
                kernel = null;
            }
        }
        if (kernel == null) attach(null, o.snaplen);
        sock.bind(SockAddr.packet(ifindex, Consts.ETH_P_ALL));

        if (o.promiscuous) {
            try (Scratch s = Scratch.acquire()) {
                MemorySegment mreq = s.misc(Layouts.PACKET_MREQ.byteSize());
                mreq.set(JAVA_INT, Layouts.MR_IFINDEX, ifindex);
                mreq.set(JAVA_SHORT, Layouts.MR_TYPE, (short) Consts.PACKET_MR_PROMISC);
                Sys.setsockopt(fd, Consts.SOL_PACKET, Consts.PACKET_ADD_MEMBERSHIP, mreq, "setsockopt(PACKET_ADD_MEMBERSHIP)");
            }
        }
        if (o.fanoutMode != null) {
            // The kernel takes a fanout only on a bound (running) socket. A group's packets go through the
            // group's own hook, which ignores the member's PACKET_IGNORE_OUTGOING: the group must be told
            // itself, or on lo it would hand the outgoing copies (skipped here) to some members and the
            // incoming ones to others.
            int arg = o.fanoutGroup | (o.fanoutMode.value() << 16);
            if (ignoringOutgoing) {
                try {
                    Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_FANOUT,
                            arg | (PACKET_FANOUT_FLAG_IGNORE_OUTGOING << 16), "setsockopt(PACKET_FANOUT)");
                    return;
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EINVAL) throw e;
                    cs.skipOutgoing = o.ignoreOutgoing;  // a kernel without the flag: skip in Java
                }
            }
            Sys.setsockoptInt(fd, Consts.SOL_PACKET, Consts.PACKET_FANOUT, arg, "setsockopt(PACKET_FANOUT)");
        }
    }

    /**
     * Attaches {@code program} (null: only the snaplen, if the ring needs it). With the ring the kernel
     * copies only what the filter returns, so the snaplen goes into the program. Without the ring the
     * program stays as given and the data are cut in Java (the iovec holds a snaplen), so that
     * recvmsg's MSG_TRUNC length stays the packet's own even where PACKET_AUXDATA is missing.
     */
    private void attach(BpfProgram program, int snap) throws IOException {
        BpfProgram p = usesRing() ? withSnaplen(program, snap) : program;
        if (p != null) {
            sock.attachFilter(p);
            drain(sock.fd());
        }
    }

    /**
     * The filter for frames of {@code linkType}: an expression compiled for Ethernet at
     * {@link Options#filter(String)} is good as it is on Ethernet; on another link type it is compiled
     * again for that link type, as libpcap compiles for the handle's link type (an expression that
     * link type cannot support is an {@link IllegalArgumentException}, before the socket is bound).
     */
    private static BpfProgram filterFor(Options o, int linkType) {
        if (o.filterExpression == null || linkType == LinkType.ETHERNET) return o.filter;
        return BpfProgram.compile(o.filterExpression, linkType, Options.compileOptions(o.netmask));
    }

    /**
     * The program the kernel runs on the ring: the filter with its returns lowered to the snaplen
     * ({@link BpfProgram#withSnaplen}); with no filter and a snaplen below the maximum,
     * {@code ret #snaplen} alone; null when there is nothing to attach.
     */
    static BpfProgram withSnaplen(BpfProgram filter, int snaplen) {
        if (filter == null && snaplen >= Options.MAX_SNAPLEN) return null;
        return (filter == null ? BpfProgram.acceptAll() : filter).withSnaplen(snaplen);
    }

    /** SIOCGIFFLAGS on the interface: whether it is a loopback. */
    private static boolean isLoopback(int fd, int ifindex) throws ErrnoException {
        return (IfReq.flags(fd, NetIf.name(ifindex)) & Consts.IFF_LOOPBACK) != 0;
    }

    /**
     * Empties the receive queue of whatever arrived before the filter was in place (bounded). With the
     * socket still unbound on protocol 0 there is normally nothing; this keeps the guarantee if that changes.
     */
    private static void drain(int fd) throws ErrnoException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment one = s.misc(1);
            for (int i = 0; i < 100_000; i++) {
                if (Sys.recv(s, fd, one, 1, Consts.MSG_DONTWAIT | Consts.MSG_TRUNC) < 0) return;
            }
        }
    }

    // ================================================================ reading

    /**
     * {@return the next packet, waiting at most {@code timeout} for it (null: no limit; zero: only what is
     * already there); null when the time runs out} The packet's data stay valid until the next call;
     * the packet object is the caller's (unlike the one {@link #forEach} hands on, which is reused).
     *
     * @param timeout how long to wait; null for no limit
     * @throws AsynchronousCloseException when another thread closes the capture meanwhile
     * @throws java.nio.channels.ClosedByInterruptException when the thread is interrupted (the capture is then closed)
     * @throws ErrnoException EBADF after close, or the socket's error (e.g. ENETDOWN when the interface goes away)
     */
    public CapturedPacket next(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        ioLock.lock();
        try {
            cs.ensureOpen("next");
            CapturedPacket p = read(deadline);
            return p == null ? null : p.detached();
        } finally {
            ioLock.unlock();
        }
    }

    /**
     * Hands packets to {@code handler} until {@code count} have been handled ({@code count <= 0}: no
     * limit) or {@code timeout} has passed in all (null: no limit), or the capture is closed from
     * within the handler. Returns how many were handled. A {@link Handler} exception ends the loop
     * and propagates. The handler gets the same {@link CapturedPacket} object each time, filled
     * with the packet at hand, so that the loop allocates nothing per packet.
     *
     * @param count the number of packets to handle; 0 or less for no limit
     * @param timeout how long to wait; null for no limit
     * @param handler what to do with each packet
     * @return how many packets were handled
     * @throws AsynchronousCloseException when another thread closes the capture while this one waits
     * @throws java.nio.channels.ClosedByInterruptException when the thread is interrupted (the capture is then closed)
     */
    public int forEach(int count, Duration timeout, Handler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        long deadline = deadline(timeout);
        int n = 0;
        ioLock.lock();  // held across the handler, so that a concurrent close does not unmap the packet under it
        try {
            cs.ensureOpen("forEach");
            while (count <= 0 || n < count) {
                CapturedPacket p = read(deadline);
                if (p == null) break;
                handler.handle(p);
                n++;
                if (cs.closed) break;
            }
            return n;
        } finally {
            ioLock.unlock();
        }
    }

    /**
     * Hands {@code handler} what the capture already holds, at most {@code max} packets
     * ({@code max <= 0}: all of them), and never waits: the read for event loops (Netty's epoll,
     * your own {@code epoll_wait} on {@link #fd()}), which call it when the fd is readable, whichever
     * reader the capture uses (TPACKET_V3 or V2 ring, or recvmsg). Returns how many were handled;
     * 0 when nothing was there.
     *
     * @param max the most packets to handle; 0 or less for no limit
     * @param handler what to do with each packet
     * @return how many packets were handled
     * @throws IOException EBADF after close, the socket's error, or what the handler throws
     */
    public int drainReady(int max, Handler handler) throws IOException {
        return forEach(max, Duration.ZERO, handler);
    }

    /** The reader's next packet that the filter in user space, if there is one, accepts; null at the deadline. */
    private CapturedPacket read(long deadline) throws IOException {
        cs.checkInterrupt();
        BpfProgram f = userFilter;
        while (true) {
            CapturedPacket p = reader.next(deadline);
            if (p == null || f == null || f.matches(p, p.meta())) return p;
        }
    }

    /** 0 for no limit, else an absolute System.nanoTime() deadline (never 0). */
    private static long deadline(Duration timeout) {
        if (timeout == null) return 0;
        if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout: " + timeout);
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            return 0;
        }
        long d = System.nanoTime() + nanos;
        return d == 0 ? 1 : d;
    }

    // ================================================================ state

    /**
     * {@return the counters since the capture was opened: {@code getsockopt(PACKET_STATISTICS)}
     * ({@code packet(7)}), which reads and resets the kernel's counters, added to the totals so far}
     *
     * @throws ErrnoException if {@code getsockopt(2)} fails (EBADF after close)
     */
    public CaptureStats stats() throws ErrnoException {
        cs.fdLock.lock();
        try {
            cs.ensureOpen("stats");
            try (Scratch s = Scratch.acquire()) {
                MemorySegment st = s.misc(Layouts.TPACKET_STATS_V3.byteSize());
                Sys.getsockopt(sock.fd(), Consts.SOL_PACKET, Consts.PACKET_STATISTICS, st, "getsockopt(PACKET_STATISTICS)");
                received += Integer.toUnsignedLong(st.get(JAVA_INT, Layouts.TP_PACKETS));
                dropped += Integer.toUnsignedLong(st.get(JAVA_INT, Layouts.TP_DROPS));
                return new CaptureStats(received, dropped, userFilter != null);
            }
        } finally {
            cs.fdLock.unlock();
        }
    }

    /** {@return whether packets come through the mmap ring (false: recvmsg, because the ring was turned off or refused)} */
    public boolean usesRing() {
        return ringRefused == null;
    }

    /** {@return why there is no ring (the kernel's refusal or the option), or null when there is one} */
    public String ringRefusedReason() {
        return ringRefused;
    }

    /**
     * {@return the link type of the frames this capture delivers ({@link LinkType}): what a pcap file of
     * them is written as, and what a filter program for it reads} From the interface's hardware type
     * ({@code SIOCGIFHWADDR}'s {@code ARPHRD_*}), as libpcap maps it: {@link LinkType#ETHERNET} for
     * Ethernet devices and the loopback, {@link LinkType#RAW} for devices without a link-layer header
     * such as tun (the data start with the IP header); {@link LinkType#LINUX_SLL2} on "any" (a
     * null interface) and on devices libpcap captures in cooked mode, where the data start with the
     * 20-byte SLL2 header (protocol, interface index, hardware type, packet type, address) that the
     * capture builds from each packet's {@code sockaddr_ll}, as libpcap's "any" device does.
     */
    public int linkType() {
        return cs.linkType;
    }

    /**
     * {@return whether the filter runs in Java ({@link BpfProgram#matches(dev.rawsock.packet.Frame,
     * BpfProgram.PacketMeta)}) on every packet instead of in the kernel} As libpcap does, a capture
     * filters in user space when the kernel refuses the program ({@code SO_ATTACH_FILTER} fails with
     * EINVAL) or, on a cooked socket, when the program reads a header field the kernel cannot supply;
     * the kernel then passes every packet, which costs more. {@link #stats()} says so too.
     */
    public boolean filtersInUserSpace() {
        return userFilter != null;
    }

    /** {@return the interface index captured on, 0 for all} */
    public int ifindex() {
        return ifindex;
    }

    /** {@return the ring's size in bytes (0 without a ring)} */
    public long ringSize() {
        return reader.ringSize();
    }

    /** {@return the socket's fd while open (for poll/epoll loops of one's own); owned by the capture} */
    public int fd() {
        return sock.fd();
    }

    /** {@return whether {@link #close()} has not been called} */
    public boolean isOpen() {
        return !cs.closed;
    }

    /**
     * Closes once, from any thread: closes the socket (a reader waiting in {@link #next} or
     * {@link #forEach} throws {@link AsynchronousCloseException}; the kernel drops the promiscuous
     * membership and the fanout), waits for the reader to leave the ring and any running
     * {@link Handler} to return, then unmaps the ring ({@code munmap(2)}). Later calls do nothing.
     */
    @Override
    public void close() throws ErrnoException {
        if (!closeStarted.compareAndSet(false, true)) return;
        cs.closed = true;
        ErrnoException failure = null;
        cs.fdLock.lock();
        try {
            sock.close();
        } catch (ErrnoException e) {
            failure = e;
        } finally {
            cs.fdLock.unlock();
        }
        ioLock.lock();
        try {
            cleanable.clean();
        } finally {
            ioLock.unlock();
        }
        if (failure != null) throw failure;
    }

    /** Close for a reader that was interrupted: the exception it gets says why; a failed close(2) adds nothing. */
    private void closeQuietly() {
        try {
            close();
        } catch (ErrnoException ignored) {
            // the fd is gone either way
        }
    }

    /**
     * Closes the shared arena (munmap of the ring). Closing waits for no one; should another thread
     * be reading an old packet's buffer at that instant, the JDK refuses, and we try again shortly.
     */
    private static void closeArena(Arena a) {
        for (int i = 0; i < 1000; i++) {
            try {
                a.close();
                return;
            } catch (IllegalStateException e) {
                if (!a.scope().isAlive()) return;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Capture[" + (cs.closed ? "closed" : "fd=" + sock.fd()) + " ifindex=" + ifindex + " "
                + LinkType.name(cs.linkType) + " " + reader.describe() + (userFilter != null ? " user-space filter" : "") + "]";
    }
}
