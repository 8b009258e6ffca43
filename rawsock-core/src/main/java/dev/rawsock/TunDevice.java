package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.IfReq;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A TUN (IP packets) or TAP (Ethernet frames) device: {@code open("/dev/net/tun")} and
 * {@code ioctl(TUNSETIFF)}, as the kernel's {@code Documentation/networking/tuntap.rst} describes.
 * Each {@link #read} returns one whole packet the kernel routed to the device; each {@link #write}
 * hands one packet to the kernel as if it arrived on the device.
 *
 * <p>The handle is a {@link RawSocket} over the device's fd: blocking, timeouts, close from another
 * thread and virtual threads behave exactly as for a socket. A tun fd has no batch read call: set
 * {@link Builder#vnetHeader(int)} with offloads to let the kernel pass up to 64 KiB super-packets
 * instead. The device disappears when the last fd closes, unless made {@link Builder#persistent};
 * a persistent one is deleted with {@code RtNetlink.deleteLink} ({@code ip link del}). Needs
 * CAP_NET_ADMIN; the device lives in the network namespace of the thread that opens it (see
 * {@link NetNamespace}).
 *
 * <pre>{@code
 * try (TunDevice tun = TunDevice.builder("tun0").open()) {
 *     byte[] packet = new byte[65535];
 *     int n = tun.read(packet);           // an IPv4 or IPv6 packet
 * }
 * }</pre>
 */
public final class TunDevice implements AutoCloseable {
    /** TUN carries IP packets (LINKTYPE_RAW); TAP carries Ethernet frames. */
    public enum Mode {
        /** {@code IFF_TUN}: layer 3, raw IP packets. */
        TUN,
        /** {@code IFF_TAP}: layer 2, Ethernet frames. */
        TAP
    }

    private final RawSocket sock;
    private final String name;
    private final Mode mode;
    private final int flags;

    private TunDevice(RawSocket sock, String name, Mode mode, int flags) {
        this.sock = sock;
        this.name = name;
        this.mode = mode;
        this.flags = flags;
    }

    /**
     * {@return a builder for a device named {@code name}; an empty name lets the kernel pick {@code tunN}/{@code tapN}}
     *
     * @param name the interface name (0..15 bytes)
     */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /** Options of a tun/tap device; {@link #open()} creates or attaches to it. */
    public static final class Builder {
        private final String name;
        private Mode mode = Mode.TUN;
        private boolean packetInfo, multiQueue, persistent;
        private int offloads = -1, owner = -1, group = -1;

        private Builder(String name) { this.name = name; }

        /** {@return this builder, for a TAP device (Ethernet frames)} */
        public Builder tap() { mode = Mode.TAP; return this; }
        /** {@return this builder, for a TUN device (IP packets; the default)} */
        public Builder tun() { mode = Mode.TUN; return this; }

        /**
         * {@return this builder} Keeps the 4-byte packet information header ({@code struct tun_pi}: flags
         * and protocol) before every packet; off by default ({@code IFF_NO_PI}).
         *
         * @param on whether each packet carries the header
         */
        public Builder packetInfo(boolean on) { packetInfo = on; return this; }

        /** {@return this builder} Opens one queue of a multi-queue device ({@code IFF_MULTI_QUEUE}): open it again for more queues. */
        public Builder multiQueue() { multiQueue = true; return this; }

        /**
         * {@return this builder} Prefixes every packet with a {@code struct virtio_net_hdr}
         * ({@code IFF_VNET_HDR}) and turns on the offloads {@code TUN_F_*} ({@code TUNSETOFFLOAD}).
         *
         * @param tunOffloads {@code TUN_F_CSUM} (1), {@code TUN_F_TSO4} (2), {@code TUN_F_TSO6} (4), ... or-ed; 0 for none
         */
        public Builder vnetHeader(int tunOffloads) {
            if (tunOffloads < 0 || tunOffloads > 0xFF) throw new IllegalArgumentException("TUN_F_* offloads " + tunOffloads + " out of range");
            offloads = tunOffloads;
            return this;
        }

        /**
         * {@return this builder} Lets user {@code uid} open the device without CAP_NET_ADMIN ({@code TUNSETOWNER}).
         *
         * @param uid the owner
         */
        public Builder owner(int uid) { owner = checkId(uid); return this; }
        /**
         * {@return this builder} Lets group {@code gid} open the device ({@code TUNSETGROUP}).
         *
         * @param gid the group
         */
        public Builder group(int gid) { group = checkId(gid); return this; }
        /**
         * {@return this builder} Keeps the device after the fd closes ({@code TUNSETPERSIST}).
         *
         * @param on whether it persists
         */
        public Builder persistent(boolean on) { persistent = on; return this; }

        private static int checkId(int id) {
            if (id < 0) throw new IllegalArgumentException("negative id " + id);
            return id;
        }

        /**
         * Opens {@code /dev/net/tun} and attaches it to the device ({@code TUNSETIFF}), creating it if
         * needed, then applies owner, group, offloads and persistence.
         *
         * @return the device
         * @throws ErrnoException if {@code open(2)} or an {@code ioctl(2)} fails (EPERM without CAP_NET_ADMIN, EBUSY for a busy
         *                        single-queue device, EINVAL when the name is of a device of another kind)
         */
        public TunDevice open() throws ErrnoException {
            int f = (mode == Mode.TAP ? Consts.IFF_TAP : Consts.IFF_TUN) | (packetInfo ? 0 : Consts.IFF_NO_PI)
                    | (multiQueue ? Consts.IFF_MULTI_QUEUE : 0) | (offloads >= 0 ? Consts.IFF_VNET_HDR : 0);
            int fd = Sys.open("/dev/net/tun", Consts.O_RDWR);
            try {
                String actual = IfReq.tunSetIff(fd, name, f);
                if (owner >= 0) Sys.ioctlValue(fd, Consts.TUNSETOWNER, owner, "ioctl");
                if (group >= 0) Sys.ioctlValue(fd, Consts.TUNSETGROUP, group, "ioctl");
                if (offloads >= 0) Sys.ioctlValue(fd, Consts.TUNSETOFFLOAD, offloads, "ioctl");
                if (persistent) Sys.ioctlValue(fd, Consts.TUNSETPERSIST, 1, "ioctl");
                return new TunDevice(RawSocket.adopt(fd), actual, mode, f);
            } catch (ErrnoException | RuntimeException e) {
                Sys.closeQuietly(fd);
                throw e;
            }
        }
    }

    /** {@return the device's name, as the kernel gave it} */
    public String name() { return name; }

    /** {@return TUN or TAP} */
    public Mode mode() { return mode; }

    /** {@return the {@code IFF_*} tun flags it was opened with} */
    public int flags() { return flags; }

    /** {@return the device's file descriptor, still owned by this object} */
    public int fd() { return sock.fd(); }

    /**
     * Sets how long {@link #read} and {@link #write} wait ({@code null} or zero: without bound).
     *
     * @param timeout the bound
     * @return this device
     */
    public TunDevice timeout(Duration timeout) {
        sock.timeout(timeout);
        return this;
    }

    /**
     * Makes the device outlive its fd, or not ({@code TUNSETPERSIST}).
     *
     * @param on whether it persists
     * @throws ErrnoException if the ioctl fails
     */
    public void persistent(boolean on) throws ErrnoException {
        Sys.ioctlValue(sock.fd(), Consts.TUNSETPERSIST, on ? 1 : 0, "ioctl");
    }

    /**
     * Reads one packet ({@code read(2)}), waiting for it; a packet longer than {@code buf} is cut short.
     *
     * @param buf where the packet goes
     * @return its length
     * @throws IOException as {@link RawSocket#read(byte[])}: a timeout, a close from another thread, a failed read
     */
    public int read(byte[] buf) throws IOException {
        return sock.read(buf);
    }

    /**
     * Reads one packet into {@code buf} from its position, advancing it.
     *
     * @param buf where the packet goes
     * @return its length
     * @throws IOException as {@link RawSocket#read(ByteBuffer)}
     */
    public int read(ByteBuffer buf) throws IOException {
        return sock.read(buf);
    }

    /**
     * Writes one packet ({@code write(2)}): the kernel receives it as if it arrived on the device.
     *
     * @param packet the whole packet (an IP packet for TUN, a frame for TAP)
     * @return the bytes written
     * @throws IOException as {@link RawSocket#write(byte[])}; EINVAL for a malformed packet
     */
    public int write(byte[] packet) throws IOException {
        return sock.write(packet);
    }

    /**
     * Writes one packet ({@code write(2)}) from {@code buf}'s remaining bytes, advancing its position.
     *
     * @param buf the packet
     * @return the bytes written
     * @throws IOException as {@link RawSocket#write(ByteBuffer)}
     */
    public int write(ByteBuffer buf) throws IOException {
        return sock.write(buf);
    }

    /** {@return whether the device's fd is still open} */
    public boolean isOpen() { return sock.isOpen(); }

    /**
     * Closes the fd; a non-persistent device disappears. A thread blocked in {@link #read} gets an
     * {@code AsynchronousCloseException}.
     *
     * @throws ErrnoException if {@code close(2)} fails
     */
    @Override
    public void close() throws ErrnoException {
        sock.close();
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + " " + mode + (sock.isOpen() ? "" : " closed") + "]";
    }
}
