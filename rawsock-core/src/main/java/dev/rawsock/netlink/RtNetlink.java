package dev.rawsock.netlink;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.IfFlag;
import dev.rawsock.LinkStats;
import dev.rawsock.MsgFlag;
import dev.rawsock.NetNamespace;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.Rawsock;
import dev.rawsock.SockAddr;
import dev.rawsock.SockOpt;
import dev.rawsock.SocketType;
import dev.rawsock.Level;
import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Errno;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.Netlink;
import dev.rawsock.internal.Sys;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An rtnetlink connection: an {@code AF_NETLINK}/{@code NETLINK_ROUTE} socket (rtnetlink(7)) with
 * the requests {@code ip link|addr|route|neigh} make. Each method sends one request and reads its
 * answer: a dump ({@code NLM_F_DUMP}, every part of a multipart reply) or an acknowledgement. A
 * refusal is a {@link NetlinkException} carrying the kernel's errno and extended-ack text; a reply
 * that is truncated or malformed is a {@link ProtocolException}, never an out-of-bounds read. Bad
 * arguments (a name of 16+ bytes, a prefix out of range, an address of the wrong family) are an
 * {@link IllegalArgumentException} before anything is sent.
 *
 * <p>The socket lives in the network namespace it was opened in: {@link #open(Path)} opens one in
 * another namespace (such as {@code /var/run/netns/NAME} of {@code ip netns}). Blocking, timeouts,
 * close and virtual threads behave as for any {@link RawSocket}. One request at a time: the methods
 * are synchronized.
 *
 * <pre>{@code
 * try (RtNetlink rt = RtNetlink.open()) {
 *     rt.addVeth("v0", "v1");
 *     rt.addAddress("v0", InetAddress.getByName("10.9.0.1"), 24);
 *     rt.setUp("v0");
 *     rt.routes(Domain.INET).forEach(System.out::println);
 * }
 * }</pre>
 */
public final class RtNetlink implements AutoCloseable {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    /** Large enough for the kernel's biggest dump part (it fills up to 32 KiB, more with big pages). */
    private static final int RECV_BUFFER = 1 << 17;
    /** How long one answer may take before the request fails: the kernel answers at once or not at all. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final long FOREVER = 0xFFFFFFFFL;

    private final RawSocket sock;
    private final byte[] buf = new byte[RECV_BUFFER];
    private int seq = (int) (System.nanoTime() & 0x3FFFFFFF);

    private RtNetlink(RawSocket sock) {
        this.sock = sock;
    }

    /**
     * Opens an rtnetlink socket in this thread's network namespace: {@code socket(AF_NETLINK,
     * SOCK_RAW, NETLINK_ROUTE)}, {@code bind(2)} with pid 0 (the kernel picks one), and extended acks
     * on ({@code NETLINK_EXT_ACK}).
     *
     * @return the connection
     * @throws ErrnoException if {@code socket(2)} or {@code bind(2)} fails
     */
    public static RtNetlink open() throws ErrnoException {
        return new RtNetlink(openSocket(0));
    }

    /**
     * Opens an rtnetlink socket in the network namespace at {@code namespace} (e.g.
     * {@code /var/run/netns/NAME}, or {@code /proc/PID/ns/net}); see {@link NetNamespace}.
     *
     * @param namespace the namespace file
     * @return the connection, which stays in that namespace
     * @throws IOException if the namespace cannot be entered or the socket cannot be opened
     */
    public static RtNetlink open(Path namespace) throws IOException {
        return NetNamespace.call(namespace, RtNetlink::open);
    }

    static RawSocket openSocket(int groups) throws ErrnoException {
        RawSocket s = RawSocket.open(Domain.NETLINK, SocketType.RAW, Protocol.NETLINK_ROUTE);
        try {
            s.bind(SockAddr.netlink(0, groups));
            try {
                s.setOption(SockOpt.raw(Level.NETLINK, Consts.NETLINK_EXT_ACK), intBytes(1));
            } catch (ErrnoException old) {
                // Kernels before 4.12 have no extended acks: errors then come without text.
            }
            return s;
        } catch (ErrnoException | RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(HOST).putInt(v).array();
    }

    private static void closeQuietly(RawSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already failing: the first exception is the one to report
        }
    }

    /** {@return the netlink socket's file descriptor} */
    public int fd() {
        return sock.fd();
    }

    /**
     * Closes the socket.
     *
     * @throws ErrnoException if {@code close(2)} fails
     */
    @Override
    public void close() throws ErrnoException {
        sock.close();
    }

    // ============================================================ links

    /**
     * {@return every link, as {@code ip -s link show} lists them (RTM_GETLINK dump)}
     *
     * @throws IOException if the request fails or the reply is malformed
     */
    public synchronized List<Link> links() throws IOException {
        List<Link> out = new ArrayList<>();
        for (Netlink.Message m : dump(new Netlink.Request(Consts.RTM_GETLINK, Consts.NLM_F_DUMP, Layouts.IFINFOMSG)))
            if (m.type() == Consts.RTM_NEWLINK) out.add(parseLink(m));
        return out;
    }

    /**
     * {@return the link named {@code name}, or empty}
     *
     * @param name an interface name (1..15 bytes)
     * @throws IOException if the request fails (other than "no such device") or the reply is malformed
     */
    public synchronized Optional<Link> link(String name) throws IOException {
        Netlink.Request r = new Netlink.Request(Consts.RTM_GETLINK, 0, Layouts.IFINFOMSG).attrString(Consts.IFLA_IFNAME, checkName(name));
        try {
            for (Netlink.Message m : exchange(r, false)) if (m.type() == Consts.RTM_NEWLINK) return Optional.of(parseLink(m));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) return Optional.empty();
            throw e;
        }
        return Optional.empty();
    }

    /**
     * {@return the index of the link named {@code name}}
     *
     * @param name an interface name
     * @throws IOException if there is no such link or the request fails
     */
    public int index(String name) throws IOException {
        return link(name).orElseThrow(() -> new IllegalArgumentException("no link named '" + name + "'")).index();
    }

    /**
     * Creates a veth pair ({@code ip link add NAME type veth peer name PEER}).
     *
     * @param name the new link's name
     * @param peer its peer's name
     * @throws IOException if the kernel refuses (e.g. EEXIST)
     */
    public synchronized void addVeth(String name, String peer) throws IOException {
        Netlink.Request r = newLink(name, "veth").begin(Consts.IFLA_INFO_DATA).begin(Consts.VETH_INFO_PEER);
        // VETH_INFO_PEER holds a whole (zeroed) ifinfomsg, then the peer's attributes.
        r.zeros((int) Layouts.IFINFOMSG.byteSize());
        ackOnly(r.attrString(Consts.IFLA_IFNAME, checkName(peer)).end().end().end());
    }

    /**
     * Creates a bridge ({@code ip link add NAME type bridge}).
     *
     * @param name the bridge's name
     * @throws IOException if the kernel refuses
     */
    public synchronized void addBridge(String name) throws IOException {
        ackOnly(newLink(name, "bridge").end());
    }

    /**
     * Creates a VXLAN link ({@code ip link add NAME type vxlan id VNI [dev DEV] dstport PORT}).
     *
     * @param name the link's name
     * @param vni the VXLAN network identifier, 0..2^24-1
     * @param device the underlying interface's name, or null
     * @param dstPort the UDP destination port, 0..65535 (4789 is IANA's)
     * @throws IOException if the kernel refuses or {@code device} does not exist
     */
    public synchronized void addVxlan(String name, int vni, String device, int dstPort) throws IOException {
        if (vni < 0 || vni >= 1 << 24) throw new IllegalArgumentException("VNI " + vni + " out of range 0..16777215");
        if (dstPort < 0 || dstPort > 0xFFFF) throw new IllegalArgumentException("port " + dstPort + " out of range 0..65535");
        int dev = device == null ? 0 : indexUnlocked(device);
        Netlink.Request r = newLink(name, "vxlan").begin(Consts.IFLA_INFO_DATA).attrU32(Consts.IFLA_VXLAN_ID, vni);
        if (dev != 0) r.attrU32(Consts.IFLA_VXLAN_LINK, dev);
        ackOnly(r.attrU16Be(Consts.IFLA_VXLAN_PORT, dstPort).end().end());
    }

    /**
     * Creates an 802.1Q VLAN link ({@code ip link add NAME link PARENT type vlan id ID}); needs the
     * kernel's 8021q module.
     *
     * @param name the link's name
     * @param parent the parent interface's name
     * @param id the VLAN id, 0..4095
     * @throws IOException if the kernel refuses (EOPNOTSUPP without the 8021q module) or the parent does not exist
     */
    public synchronized void addVlan(String name, String parent, int id) throws IOException {
        if (id < 0 || id > 4095) throw new IllegalArgumentException("VLAN id " + id + " out of range 0..4095");
        checkName(name);
        int link = indexUnlocked(parent);
        ackOnly(newLink(name, "vlan").begin(Consts.IFLA_INFO_DATA).attrU16(Consts.IFLA_VLAN_ID, id).end().end()
                .attrU32(Consts.IFLA_LINK, link));
    }

    /** RTM_NEWLINK with create|excl, the name, and an open IFLA_LINKINFO holding the kind. */
    private static Netlink.Request newLink(String name, String kind) {
        return new Netlink.Request(Consts.RTM_NEWLINK, Consts.NLM_F_CREATE | Consts.NLM_F_EXCL | Consts.NLM_F_ACK, Layouts.IFINFOMSG)
                .attrString(Consts.IFLA_IFNAME, checkName(name))
                .begin(Consts.IFLA_LINKINFO).attrString(Consts.IFLA_INFO_KIND, kind);
    }

    /**
     * Deletes a link ({@code ip link del NAME}); a veth's peer goes with it. Tun/tap devices are deleted
     * this way too (they are created with {@code TUNSETIFF}, see {@link dev.rawsock.TunDevice}).
     *
     * @param name the link's name
     * @throws IOException if the kernel refuses (ENODEV when there is no such link)
     */
    public synchronized void deleteLink(String name) throws IOException {
        ackOnly(new Netlink.Request(Consts.RTM_DELLINK, Consts.NLM_F_ACK, Layouts.IFINFOMSG).attrString(Consts.IFLA_IFNAME, checkName(name)));
    }

    /**
     * Sets a link up ({@code ip link set NAME up}).
     *
     * @param name the link
     * @throws IOException if the kernel refuses
     */
    public void setUp(String name) throws IOException {
        setFlags(name, true);
    }

    /**
     * Sets a link down ({@code ip link set NAME down}).
     *
     * @param name the link
     * @throws IOException if the kernel refuses
     */
    public void setDown(String name) throws IOException {
        setFlags(name, false);
    }

    private synchronized void setFlags(String name, boolean up) throws IOException {
        ackOnly(setLink(name).fixedInt(Layouts.IFI_FLAGS, up ? Consts.IFF_UP : 0).fixedInt(Layouts.IFI_CHANGE, Consts.IFF_UP));
    }

    /**
     * Sets a link's MTU ({@code ip link set NAME mtu N}).
     *
     * @param name the link
     * @param mtu the MTU, positive
     * @throws IOException if the kernel refuses (EINVAL outside the driver's range)
     */
    public synchronized void setMtu(String name, int mtu) throws IOException {
        if (mtu <= 0) throw new IllegalArgumentException("MTU " + mtu + " must be positive");
        ackOnly(setLink(name).attrU32(Consts.IFLA_MTU, mtu));
    }

    /**
     * Sets a link's link-layer address ({@code ip link set NAME address MAC}).
     *
     * @param name the link
     * @param address the address, 1..32 bytes (6 for Ethernet)
     * @throws IOException if the kernel refuses
     */
    public synchronized void setAddress(String name, byte[] address) throws IOException {
        if (address.length == 0 || address.length > 32) throw new IllegalArgumentException("link-layer address of " + address.length + " bytes");
        ackOnly(setLink(name).attr(Consts.IFLA_ADDRESS, address));
    }

    /**
     * Makes a link a port of {@code master} (a bridge), or frees it with null
     * ({@code ip link set NAME master M} / {@code nomaster}).
     *
     * @param name the link
     * @param master the master's name, or null
     * @throws IOException if the kernel refuses
     */
    public synchronized void setMaster(String name, String master) throws IOException {
        int m = master == null ? 0 : indexUnlocked(master);
        ackOnly(setLink(name).attrU32(Consts.IFLA_MASTER, m));
    }

    /**
     * Moves a link into the network namespace at {@code namespace} ({@code ip link set NAME netns NS}).
     *
     * @param name the link
     * @param namespace the namespace file, e.g. {@code /var/run/netns/NAME}
     * @throws IOException if the namespace cannot be opened or the kernel refuses
     */
    public synchronized void setNamespace(String name, Path namespace) throws IOException {
        int fd = Sys.open(namespace.toString(), Consts.O_RDONLY);
        try {
            ackOnly(setLink(name).attrU32(Consts.IFLA_NET_NS_FD, fd));
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    private static Netlink.Request setLink(String name) {
        return new Netlink.Request(Consts.RTM_NEWLINK, Consts.NLM_F_ACK, Layouts.IFINFOMSG).attrString(Consts.IFLA_IFNAME, checkName(name));
    }

    private Link parseLink(Netlink.Message m) throws ProtocolException {
        ByteBuffer b = m.body();
        int fixed = (int) Layouts.IFINFOMSG.byteSize();
        Map<Integer, ByteBuffer> a = Netlink.attrs(b, fixed);
        ByteBuffer name = a.get(Consts.IFLA_IFNAME);
        if (name == null) throw new ProtocolException("malformed RTM_NEWLINK: no IFLA_IFNAME");
        String kind = null;
        ByteBuffer info = a.get(Consts.IFLA_LINKINFO);
        if (info != null) {
            ByteBuffer k = Netlink.nested(info).get(Consts.IFLA_INFO_KIND);
            if (k != null) kind = Netlink.string(k);
        }
        LinkStats stats = null;
        ByteBuffer s = a.get(Consts.IFLA_STATS64);
        if (s != null && s.limit() >= Layouts.STATS64_HEAD_SIZE) {
            long[] v = new long[9];
            for (int i = 0; i < 9; i++) v[i] = Netlink.u64(s, i * 8);
            stats = new LinkStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
        }
        return new Link(b.getInt((int) Layouts.IFI_INDEX), Netlink.string(name), Short.toUnsignedInt(b.getShort((int) Layouts.IFI_TYPE)),
                ifFlags(b.getInt((int) Layouts.IFI_FLAGS)), optU32(a, Consts.IFLA_MTU), optBytes(a, Consts.IFLA_ADDRESS),
                optBytes(a, Consts.IFLA_BROADCAST), kind, optU32(a, Consts.IFLA_MASTER), optU32(a, Consts.IFLA_LINK),
                a.containsKey(Consts.IFLA_OPERSTATE) ? OperState.of(Netlink.u8(a.get(Consts.IFLA_OPERSTATE))) : OperState.UNKNOWN, stats);
    }

    private static Set<IfFlag> ifFlags(int bits) {
        Set<IfFlag> s = EnumSet.noneOf(IfFlag.class);
        for (IfFlag f : IfFlag.values()) if ((bits & f.value()) != 0) s.add(f);
        return s;
    }

    // ============================================================ addresses

    /**
     * {@return every address of every link, IPv4 and IPv6 ({@code ip addr}; RTM_GETADDR dump)}
     *
     * @throws IOException if the request fails or the reply is malformed
     */
    public synchronized List<Address> addresses() throws IOException {
        List<Address> out = new ArrayList<>();
        for (Netlink.Message m : dump(new Netlink.Request(Consts.RTM_GETADDR, Consts.NLM_F_DUMP, Layouts.IFADDRMSG)))
            if (m.type() == Consts.RTM_NEWADDR) out.add(parseAddress(m));
        return out;
    }

    /**
     * Adds an address that never expires ({@code ip addr add ADDR/PREFIX dev NAME}); an IPv4
     * address gets the subnet's broadcast address, as {@code ip ... brd +} gives it.
     *
     * @param name the link
     * @param address the address; its family decides IPv4 or IPv6
     * @param prefixLength 0..32 or 0..128
     * @throws IOException if the kernel refuses (EEXIST when it is there already)
     */
    public void addAddress(String name, InetAddress address, int prefixLength) throws IOException {
        addAddress(name, address, prefixLength, Set.of(), null, null);
    }

    /**
     * Adds an address with flags and lifetimes ({@code ip addr add ... valid_lft V preferred_lft P}).
     *
     * @param name the link
     * @param address the address
     * @param prefixLength 0..32 or 0..128
     * @param flags flags such as {@link AddressFlag#NODAD} or {@link AddressFlag#NOPREFIXROUTE}
     * @param valid how long it stays, whole seconds; null for forever
     * @param preferred how long it is preferred (at most {@code valid}); null for forever
     * @throws IOException if the kernel refuses
     */
    public synchronized void addAddress(String name, InetAddress address, int prefixLength, Set<AddressFlag> flags,
                                        Duration valid, Duration preferred) throws IOException {
        checkPrefix(address, prefixLength);
        long v = lifetime(valid, "valid"), p = lifetime(preferred, "preferred");
        if (p > v) throw new IllegalArgumentException("preferred lifetime " + preferred + " is longer than the valid one " + valid);
        Netlink.Request r = addressRequest(Consts.RTM_NEWADDR, Consts.NLM_F_CREATE | Consts.NLM_F_EXCL, indexUnlocked(name), address, prefixLength);
        if (address instanceof Inet4Address && prefixLength < 31) r.attr(Consts.IFA_BROADCAST, broadcast(address.getAddress(), prefixLength));
        int f = AddressFlag.mask(flags);
        if (f != 0) r.attrU32(Consts.IFA_FLAGS, f);
        if (valid != null || preferred != null) {
            byte[] ci = new byte[(int) Layouts.IFA_CACHEINFO.byteSize()];
            ByteBuffer.wrap(ci).order(HOST).putInt((int) Layouts.IFA_PREFERED, (int) p).putInt((int) Layouts.IFA_VALID, (int) v);
            r.attr(Consts.IFA_CACHEINFO, ci);
        }
        ackOnly(r);
    }

    /**
     * Deletes an address ({@code ip addr del ADDR/PREFIX dev NAME}).
     *
     * @param name the link
     * @param address the address
     * @param prefixLength its prefix length
     * @throws IOException if the kernel refuses (EADDRNOTAVAIL when it is not there)
     */
    public synchronized void deleteAddress(String name, InetAddress address, int prefixLength) throws IOException {
        checkPrefix(address, prefixLength);
        ackOnly(addressRequest(Consts.RTM_DELADDR, 0, indexUnlocked(name), address, prefixLength));
    }

    private static Netlink.Request addressRequest(int type, int flags, int index, InetAddress address, int prefixLength) {
        byte[] a = address.getAddress();
        return new Netlink.Request(type, flags | Consts.NLM_F_ACK, Layouts.IFADDRMSG)
                .fixedByte(0, family(address)).fixedByte(Layouts.IFA_PREFIXLEN, prefixLength).fixedInt(Layouts.IFA_INDEX, index)
                .attr(Consts.IFA_LOCAL, a).attr(Consts.IFA_ADDRESS, a);
    }

    private static long lifetime(Duration d, String what) {
        if (d == null) return FOREVER;
        if (d.isNegative() || d.getSeconds() >= FOREVER) throw new IllegalArgumentException(what + " lifetime " + d + " out of range 0..2^32-2 s");
        return d.getSeconds();
    }

    private static byte[] broadcast(byte[] a, int prefix) {
        byte[] b = a.clone();
        for (int bit = prefix; bit < 32; bit++) b[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        return b;
    }

    private Address parseAddress(Netlink.Message m) throws ProtocolException {
        ByteBuffer b = m.body();
        Map<Integer, ByteBuffer> a = Netlink.attrs(b, (int) Layouts.IFADDRMSG.byteSize());
        int family = Byte.toUnsignedInt(b.get(0));
        InetAddress addr = inet(a.get(Consts.IFA_ADDRESS), family), local = inet(a.get(Consts.IFA_LOCAL), family);
        if (addr == null && local == null) throw new ProtocolException("malformed RTM_NEWADDR: no IFA_ADDRESS");
        InetAddress me = local != null ? local : addr;
        InetAddress peer = local != null && addr != null && !addr.equals(local) ? addr : null;
        int flags = a.containsKey(Consts.IFA_FLAGS) ? Netlink.u32(a.get(Consts.IFA_FLAGS)) : Byte.toUnsignedInt(b.get((int) Layouts.IFA_FLAGS8));
        Duration valid = null, preferred = null;
        ByteBuffer ci = a.get(Consts.IFA_CACHEINFO);
        if (ci != null && ci.limit() >= Layouts.IFA_CACHEINFO.byteSize()) {
            valid = seconds(Integer.toUnsignedLong(ci.getInt((int) Layouts.IFA_VALID)));
            preferred = seconds(Integer.toUnsignedLong(ci.getInt((int) Layouts.IFA_PREFERED)));
        }
        ByteBuffer label = a.get(Consts.IFA_LABEL);
        return new Address(b.getInt((int) Layouts.IFA_INDEX), me, Byte.toUnsignedInt(b.get((int) Layouts.IFA_PREFIXLEN)), peer,
                inet(a.get(Consts.IFA_BROADCAST), family), Byte.toUnsignedInt(b.get((int) Layouts.IFA_SCOPE)),
                AddressFlag.of(flags), label == null ? null : Netlink.string(label), valid, preferred);
    }

    private static Duration seconds(long s) {
        return s == FOREVER ? null : Duration.ofSeconds(s);
    }

    // ============================================================ routes

    /**
     * {@return every route of {@code family} in every table ({@code ip route show table all}; RTM_GETROUTE dump)}
     *
     * @param family {@link Domain#INET} or {@link Domain#INET6}
     * @throws IOException if the request fails or the reply is malformed
     */
    public synchronized List<Route> routes(Domain family) throws IOException {
        int f = routeFamily(family);
        List<Route> out = new ArrayList<>();
        for (Netlink.Message m : dump(new Netlink.Request(Consts.RTM_GETROUTE, Consts.NLM_F_DUMP, Layouts.RTMSG).fixedByte(0, f)))
            if (m.type() == Consts.RTM_NEWROUTE) out.add(parseRoute(m));
        return out;
    }

    /**
     * Adds a route ({@code ip route add}).
     *
     * @param route the route
     * @throws IOException if the kernel refuses (EEXIST)
     */
    public synchronized void addRoute(Route route) throws IOException {
        ackOnly(routeRequest(Consts.RTM_NEWROUTE, Consts.NLM_F_CREATE | Consts.NLM_F_EXCL, route));
    }

    /**
     * Adds or replaces a route ({@code ip route replace}).
     *
     * @param route the route
     * @throws IOException if the kernel refuses
     */
    public synchronized void replaceRoute(Route route) throws IOException {
        ackOnly(routeRequest(Consts.RTM_NEWROUTE, Consts.NLM_F_CREATE | Consts.NLM_F_REPLACE, route));
    }

    /**
     * Deletes a route ({@code ip route del}).
     *
     * @param route the route
     * @throws IOException if the kernel refuses (ESRCH when there is none)
     */
    public synchronized void deleteRoute(Route route) throws IOException {
        ackOnly(routeRequest(Consts.RTM_DELROUTE, 0, route));
    }

    private static Netlink.Request routeRequest(int type, int flags, Route r) {
        Netlink.Request q = new Netlink.Request(type, flags | Consts.NLM_F_ACK, Layouts.RTMSG)
                .fixedByte(0, routeFamily(r.family())).fixedByte(Layouts.RTM_DST_LEN, r.prefixLength())
                .fixedByte(Layouts.RTM_TABLE, r.table() < 256 ? r.table() : Consts.RT_TABLE_UNSPEC)
                .fixedByte(Layouts.RTM_PROTOCOL, r.protocol()).fixedByte(Layouts.RTM_SCOPE, r.scope())
                .fixedByte(Layouts.RTM_TYPE, r.type());
        if (r.table() >= 256) q.attrU32(Consts.RTA_TABLE, r.table());
        if (r.destination() != null) q.attr(Consts.RTA_DST, r.destination().getAddress());
        if (r.gateway() != null) q.attr(Consts.RTA_GATEWAY, r.gateway().getAddress());
        if (r.outputIndex() != 0) q.attrU32(Consts.RTA_OIF, r.outputIndex());
        if (r.priority() >= 0) q.attrU32(Consts.RTA_PRIORITY, r.priority());
        if (r.preferredSource() != null) q.attr(Consts.RTA_PREFSRC, r.preferredSource().getAddress());
        if (r.mtu() > 0) q.begin(Consts.RTA_METRICS).attrU32(Consts.RTAX_MTU, r.mtu()).end();
        return q;
    }

    private static int routeFamily(Domain family) {
        if (family.equals(Domain.INET)) return Consts.AF_INET;
        if (family.equals(Domain.INET6)) return Consts.AF_INET6;
        throw new IllegalArgumentException("routes are INET or INET6, not " + family);
    }

    private Route parseRoute(Netlink.Message m) throws ProtocolException {
        ByteBuffer b = m.body();
        Map<Integer, ByteBuffer> a = Netlink.attrs(b, (int) Layouts.RTMSG.byteSize());
        int family = Byte.toUnsignedInt(b.get(0));
        int mtu = 0;
        ByteBuffer metrics = a.get(Consts.RTA_METRICS);
        if (metrics != null && Netlink.nested(metrics).containsKey(Consts.RTAX_MTU)) mtu = Netlink.u32(Netlink.nested(metrics).get(Consts.RTAX_MTU));
        int table = a.containsKey(Consts.RTA_TABLE) ? Netlink.u32(a.get(Consts.RTA_TABLE)) : Byte.toUnsignedInt(b.get((int) Layouts.RTM_TABLE));
        Domain d = family == Consts.AF_INET ? Domain.INET : family == Consts.AF_INET6 ? Domain.INET6 : null;
        if (d == null) throw new ProtocolException("RTM_NEWROUTE of family " + family + " in an INET/INET6 dump");
        int dstLen = Byte.toUnsignedInt(b.get((int) Layouts.RTM_DST_LEN));
        InetAddress dst = inet(a.get(Consts.RTA_DST), family);
        if (dst == null && dstLen != 0) throw new ProtocolException("malformed RTM_NEWROUTE: prefix " + dstLen + " without RTA_DST");
        if (dstLen > (family == Consts.AF_INET ? 32 : 128)) throw new ProtocolException("malformed RTM_NEWROUTE: prefix length " + dstLen);
        return new Route(d, dst, dstLen, inet(a.get(Consts.RTA_GATEWAY), family), optU32(a, Consts.RTA_OIF), table,
                Byte.toUnsignedInt(b.get((int) Layouts.RTM_PROTOCOL)), Byte.toUnsignedInt(b.get((int) Layouts.RTM_SCOPE)),
                Byte.toUnsignedInt(b.get((int) Layouts.RTM_TYPE)),
                a.containsKey(Consts.RTA_PRIORITY) ? Netlink.u32(a.get(Consts.RTA_PRIORITY)) : -1,
                inet(a.get(Consts.RTA_PREFSRC), family), mtu);
    }

    // ============================================================ neighbours

    /**
     * {@return every neighbour entry, IPv4 (ARP) and IPv6 (NDP) ({@code ip neigh}; RTM_GETNEIGH dump)}
     *
     * @throws IOException if the request fails or the reply is malformed
     */
    public synchronized List<Neighbour> neighbours() throws IOException {
        List<Neighbour> out = new ArrayList<>();
        for (Netlink.Message m : dump(new Netlink.Request(Consts.RTM_GETNEIGH, Consts.NLM_F_DUMP, Layouts.NDMSG)))
            if (m.type() == Consts.RTM_NEWNEIGH) {
                Neighbour n = parseNeighbour(m);
                if (n != null) out.add(n);
            }
        return out;
    }

    /**
     * Adds or replaces a permanent neighbour entry ({@code ip neigh replace ADDR lladdr MAC dev NAME nud permanent}).
     *
     * @param name the link
     * @param address the neighbour's IP address
     * @param linkAddress its link-layer address (6 bytes on Ethernet)
     * @throws IOException if the kernel refuses
     */
    public synchronized void addNeighbour(String name, InetAddress address, byte[] linkAddress) throws IOException {
        if (linkAddress.length == 0 || linkAddress.length > 32) throw new IllegalArgumentException("link-layer address of " + linkAddress.length + " bytes");
        ackOnly(neighbourRequest(Consts.RTM_NEWNEIGH, Consts.NLM_F_CREATE | Consts.NLM_F_REPLACE, indexUnlocked(name), address)
                .fixedShort(Layouts.NDM_STATE, Consts.NUD_PERMANENT).attr(Consts.NDA_LLADDR, linkAddress));
    }

    /**
     * Deletes a neighbour entry ({@code ip neigh del ADDR dev NAME}).
     *
     * @param name the link
     * @param address the neighbour's IP address
     * @throws IOException if the kernel refuses (ENOENT when there is none)
     */
    public synchronized void deleteNeighbour(String name, InetAddress address) throws IOException {
        ackOnly(neighbourRequest(Consts.RTM_DELNEIGH, 0, indexUnlocked(name), address));
    }

    private static Netlink.Request neighbourRequest(int type, int flags, int index, InetAddress address) {
        return new Netlink.Request(type, flags | Consts.NLM_F_ACK, Layouts.NDMSG).fixedByte(0, family(address))
                .fixedInt(Layouts.NDM_IFINDEX, index).attr(Consts.NDA_DST, address.getAddress());
    }

    /** Null for entries without an IP destination (bridge FDB entries share the message type). */
    private Neighbour parseNeighbour(Netlink.Message m) throws ProtocolException {
        ByteBuffer b = m.body();
        Map<Integer, ByteBuffer> a = Netlink.attrs(b, (int) Layouts.NDMSG.byteSize());
        int family = Byte.toUnsignedInt(b.get(0));
        InetAddress dst = family == Consts.AF_INET || family == Consts.AF_INET6 ? inet(a.get(Consts.NDA_DST), family) : null;
        if (dst == null) return null;
        return new Neighbour(b.getInt((int) Layouts.NDM_IFINDEX), dst, optBytes(a, Consts.NDA_LLADDR),
                NeighbourState.of(Short.toUnsignedInt(b.getShort((int) Layouts.NDM_STATE))),
                (b.get((int) Layouts.NDM_FLAGS) & Consts.NTF_ROUTER) != 0);
    }

    // ============================================================ events

    /**
     * Subscribes to changes ({@code ip monitor}): a new socket bound to the groups; read it with
     * {@link Monitor#next(Duration)}, from a virtual thread if you like.
     *
     * @param groups the groups to hear (none: all of them)
     * @return the monitor, to close when done
     * @throws ErrnoException if the socket cannot be opened
     */
    public static Monitor monitor(RtGroup... groups) throws ErrnoException {
        return new Monitor(openSocket(groupBits(groups)));
    }

    /**
     * {@link #monitor(RtGroup...)} in the network namespace at {@code namespace}.
     *
     * @param namespace the namespace file
     * @param groups the groups to hear (none: all of them)
     * @return the monitor
     * @throws IOException if the namespace cannot be entered or the socket cannot be opened
     */
    public static Monitor monitor(Path namespace, RtGroup... groups) throws IOException {
        int bits = groupBits(groups);
        return NetNamespace.call(namespace, () -> new Monitor(openSocket(bits)));
    }

    private static int groupBits(RtGroup... groups) {
        int bits = 0;
        for (RtGroup g : groups.length == 0 ? RtGroup.values() : groups) bits |= g.bit();
        return bits;
    }

    /** A subscription to rtnetlink's change notifications; close it when done. */
    public static final class Monitor implements AutoCloseable {
        private final RawSocket sock;
        private final RtNetlink parser;
        private final byte[] buf = new byte[RECV_BUFFER];
        private final java.util.ArrayDeque<RtEvent> pending = new java.util.ArrayDeque<>();

        private Monitor(RawSocket sock) {
            this.sock = sock;
            this.parser = new RtNetlink(sock);
        }

        /**
         * {@return the next change, or null when {@code timeout} passes first}
         *
         * @param timeout how long to wait; null waits without bound
         * @throws IOException if receiving fails (ENOBUFS when events were lost because they were not read
         *                     fast enough) or a notification is malformed
         */
        public RtEvent next(Duration timeout) throws IOException {
            while (pending.isEmpty()) {
                sock.timeout(timeout);
                int n;
                try {
                    n = sock.recv(buf, MsgFlag.TRUNC);
                } catch (java.net.SocketTimeoutException e) {
                    return null;
                }
                if (n > buf.length) throw new ProtocolException("netlink notification of " + n + " bytes cut to " + buf.length);
                for (Netlink.Message m : Netlink.split(buf, n)) {
                    RtEvent e = parser.event(m);
                    if (e != null) pending.add(e);
                }
            }
            return pending.poll();
        }

        /** {@return the socket's file descriptor} */
        public int fd() {
            return sock.fd();
        }

        /**
         * Closes the subscription; a thread blocked in {@link #next} gets an exception.
         *
         * @throws ErrnoException if close fails
         */
        @Override
        public void close() throws ErrnoException {
            sock.close();
        }
    }

    private RtEvent event(Netlink.Message m) throws ProtocolException {
        return switch (m.type()) {
            case Consts.RTM_NEWLINK, Consts.RTM_DELLINK -> new RtEvent.LinkEvent(m.type() == Consts.RTM_DELLINK, parseLink(m));
            case Consts.RTM_NEWADDR, Consts.RTM_DELADDR -> new RtEvent.AddressEvent(m.type() == Consts.RTM_DELADDR, parseAddress(m));
            case Consts.RTM_NEWROUTE, Consts.RTM_DELROUTE -> {
                int f = Byte.toUnsignedInt(m.body().get(0));
                yield f == Consts.AF_INET || f == Consts.AF_INET6 ? new RtEvent.RouteEvent(m.type() == Consts.RTM_DELROUTE, parseRoute(m)) : null;
            }
            case Consts.RTM_NEWNEIGH, Consts.RTM_DELNEIGH -> {
                Neighbour n = parseNeighbour(m);
                yield n == null ? null : new RtEvent.NeighbourEvent(m.type() == Consts.RTM_DELNEIGH, n);
            }
            default -> null;
        };
    }

    // ============================================================ the exchange

    private int indexUnlocked(String name) throws IOException {
        Netlink.Request r = new Netlink.Request(Consts.RTM_GETLINK, 0, Layouts.IFINFOMSG).attrString(Consts.IFLA_IFNAME, checkName(name));
        try {
            for (Netlink.Message m : exchange(r, false)) if (m.type() == Consts.RTM_NEWLINK) return m.body().getInt((int) Layouts.IFI_INDEX);
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ENODEV) throw e;
        }
        throw new IllegalArgumentException("no link named '" + name + "'");
    }

    private List<Netlink.Message> dump(Netlink.Request r) throws IOException {
        return exchange(r, true);
    }

    private void ackOnly(Netlink.Request r) throws IOException {
        exchange(r, false);
    }

    /**
     * Sends {@code r} and reads until its end: NLMSG_DONE for a dump, the NLMSG_ERROR (ack) for an
     * NLM_F_ACK request, the first reply for a plain get. Messages of other sequence numbers (late
     * answers to an earlier, interrupted request) are skipped.
     */
    private List<Netlink.Message> exchange(Netlink.Request r, boolean isDump) throws IOException {
        int mySeq = ++seq;
        sock.send(r.finish(mySeq));
        List<Netlink.Message> out = new ArrayList<>();
        sock.timeout(ANSWER_TIMEOUT);
        while (true) {
            int n = sock.recv(buf, MsgFlag.TRUNC);
            if (n > buf.length) throw new ProtocolException("netlink reply of " + n + " bytes cut to " + buf.length);
            for (Netlink.Message m : Netlink.split(buf, n)) {
                if (m.seq() != mySeq) continue;
                if (m.error()) {
                    Netlink.Ack ack = Netlink.ack(m);
                    if (ack.errno() != 0) throw new NetlinkException(requestName(r.type()), ack.errno(), sock.fd(), ack.message());
                    return out;
                }
                if (m.done()) return out;
                out.add(m);
                if (!isDump && (m.flags() & Consts.NLM_F_MULTI) == 0) return out;
            }
        }
    }

    private static String requestName(int type) {
        return switch (type) {
            case Consts.RTM_NEWLINK -> "RTM_NEWLINK";
            case Consts.RTM_DELLINK -> "RTM_DELLINK";
            case Consts.RTM_GETLINK -> "RTM_GETLINK";
            case Consts.RTM_NEWADDR -> "RTM_NEWADDR";
            case Consts.RTM_DELADDR -> "RTM_DELADDR";
            case Consts.RTM_GETADDR -> "RTM_GETADDR";
            case Consts.RTM_NEWROUTE -> "RTM_NEWROUTE";
            case Consts.RTM_DELROUTE -> "RTM_DELROUTE";
            case Consts.RTM_GETROUTE -> "RTM_GETROUTE";
            case Consts.RTM_NEWNEIGH -> "RTM_NEWNEIGH";
            case Consts.RTM_DELNEIGH -> "RTM_DELNEIGH";
            case Consts.RTM_GETNEIGH -> "RTM_GETNEIGH";
            default -> "RTM " + type;
        };
    }

    // ============================================================ small helpers

    static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty interface name");
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length >= Consts.IF_NAMESIZE)
            throw new IllegalArgumentException("interface name '" + name + "' is " + b.length + " bytes; at most " + (Consts.IF_NAMESIZE - 1));
        for (byte c : b)
            if (c == 0 || c == '/' || c == ' ' || c == ':') throw new IllegalArgumentException("interface name '" + name + "' holds a NUL, '/', ':' or space");
        return name;
    }

    private static void checkPrefix(InetAddress address, int prefixLength) {
        int bits = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > bits)
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + bits + " for " + address.getHostAddress());
    }

    /** An address as {@code ip} prints it (inet_ntop: IPv6 compressed, no scope). */
    static String text(InetAddress a) {
        return Rawsock.convertAddress(a instanceof Inet4Address ? Domain.INET : Domain.INET6, a.getAddress());
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? Consts.AF_INET : Consts.AF_INET6;
    }

    private static int optU32(Map<Integer, ByteBuffer> a, int type) throws ProtocolException {
        ByteBuffer v = a.get(type);
        return v == null ? 0 : Netlink.u32(v);
    }

    private static byte[] optBytes(Map<Integer, ByteBuffer> a, int type) {
        ByteBuffer v = a.get(type);
        return v == null ? new byte[0] : Netlink.bytes(v);
    }

    private static InetAddress inet(ByteBuffer a, int family) throws ProtocolException {
        if (a == null) return null;
        int want = family == Consts.AF_INET ? 4 : family == Consts.AF_INET6 ? 16 : -1;
        if (a.limit() != want) throw new ProtocolException("malformed address attribute: " + a.limit() + " bytes for family " + family);
        try {
            return InetAddress.getByAddress(Netlink.bytes(a));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes always make an address
        }
    }
}
