package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.packet.internal.InetBytes;
import dev.rawsock.internal.Layouts;
import dev.rawsock.internal.NetIf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A socket address: the bytes of a C {@code struct sockaddr} and its length, with room for a whole
 * {@code struct sockaddr_storage} (128 bytes), so a call that fills one ({@code accept},
 * {@code recvfrom}, {@code recvmsg}, {@code getsockname}) sets its family and length to whatever the
 * kernel gave, whatever it held before. CLISP's {@code RAWSOCK:SOCKADDR}.
 *
 * <p>Mutable: {@link #data()} is a live view, and calls fill it in place; {@code equals} and
 * {@code hashCode} compare content (family, length and bytes), so do not mutate one used as a map key.
 * Not thread-safe: one thread fills or reads it at a time.
 *
 * <p>The field accessors ({@link #port()}, {@link #scopeId()}, {@link #ifindex()}, ...) read only
 * the first {@link #size()} bytes: they throw {@link IllegalStateException} for an address of another
 * family, and for one too short to hold the field (a 2-byte INET address has no port).
 *
 * <p>A {@link SocketAddress}, so it goes wherever Java and Netty take one (a Netty channel's
 * bind/connect, an {@code AddressedEnvelope}); {@link #toSocketAddress()} still gives the JDK's own
 * kind ({@link InetSocketAddress}, {@link UnixDomainSocketAddress}) where there is one.
 */
public final class SockAddr extends SocketAddress {
    /** Bytes a SockAddr can hold: {@code sizeof(struct sockaddr_storage)}. */
    public static final int CAPACITY = Layouts.SOCKADDR_STORAGE_SIZE;
    private static final long serialVersionUID = 1L;
    /** {@code sizeof(struct sockaddr)}: the size of an address of a family rawsock knows no struct for. */
    private static final int SOCKADDR_SIZE = 16;

    /** The C struct's bytes, family first, in a {@code sockaddr_storage}-sized buffer. */
    final byte[] storage = new byte[CAPACITY];
    /** How many bytes of {@link #storage} the address uses (its {@code socklen_t}). */
    int size;

    private SockAddr(int family, int size) {
        setFamily(family);
        this.size = size;
    }

    // ------------------------------------------------------------------ factories

    /**
     * {@return an empty address of {@code domain}'s standard size (sockaddr_in, sockaddr_in6, sockaddr_un,
     * sockaddr_ll, sockaddr_nl; {@code sizeof(struct sockaddr)} for others): CLISP's
     * {@code (make-sockaddr family)}}
     *
     * @param domain the address family
     */
    public static SockAddr of(Domain domain) {
        return new SockAddr(Domain.of(domain), standardSize(Domain.of(domain)));
    }

    /**
     * {@return an address of {@code domain} whose data part (the bytes after the family) has {@code dataSize} zero bytes}
     *
     * @param domain the address family
     * @param dataSize bytes of data after the family
     */
    public static SockAddr of(Domain domain, int dataSize) {
        if (dataSize < 0 || dataSize > CAPACITY - 2)
            throw new IllegalArgumentException("sockaddr data size must be 0.." + (CAPACITY - 2) + ": " + dataSize);
        return new SockAddr(Domain.of(domain), 2 + dataSize);
    }

    /**
     * {@return an address of {@code domain} whose data part is a copy of {@code data}}
     *
     * @param domain the address family
     * @param data the data bytes after the family, copied
     */
    public static SockAddr of(Domain domain, byte[] data) {
        SockAddr a = of(domain, data.length);
        System.arraycopy(data, 0, a.storage, 2, data.length);
        return a;
    }

    /**
     * {@return a sockaddr from its raw C bytes (family first, in host order), e.g. as another program wrote it}
     *
     * @param raw the C struct bytes, family first in host order
     */
    public static SockAddr fromBytes(byte[] raw) {
        if (raw.length < 2 || raw.length > CAPACITY)
            throw new IllegalArgumentException("a sockaddr has 2.." + CAPACITY + " bytes: " + raw.length);
        SockAddr a = new SockAddr(0, raw.length);
        System.arraycopy(raw, 0, a.storage, 0, raw.length);
        return a;
    }

    /**
     * {@return an IPv4 ({@code sockaddr_in}) or IPv6 ({@code sockaddr_in6}, with the scope id of an
     * {@link Inet6Address}) address}
     *
     * @param address the IP address
     * @param port the port, 0..65535
     * @throws IllegalArgumentException unless 0 &lt;= port &lt;= 65535
     */
    public static SockAddr inet(InetAddress address, int port) {
        checkPort(port);
        if (address instanceof Inet6Address a6) return inet6(a6, port, 0, a6.getScopeId());
        SockAddr a = new SockAddr(Consts.AF_INET, (int) Layouts.SOCKADDR_IN.byteSize());
        a.net16(Layouts.SIN_PORT, port);
        System.arraycopy(address.getAddress(), 0, a.storage, (int) Layouts.SIN_ADDR, 4);
        return a;
    }

    /**
     * {@code sockaddr_in6} for an IPv6 address (an IPv4 one becomes IPv4-mapped), scope id from the address.
     *
     * @param address the IP address
     * @param port the port, 0..65535
     * @return the {@code sockaddr_in6}
     */
    public static SockAddr inet6(InetAddress address, int port) {
        return inet6(address, port, 0, address instanceof Inet6Address a6 ? a6.getScopeId() : 0);
    }

    /**
     * {@code sockaddr_in6} with flow info and scope id (interface index for link-local addresses).
     *
     * @param address the IP address
     * @param port the port, 0..65535
     * @param flowInfo the IPv6 flow information ({@code sin6_flowinfo})
     * @param scopeId the scope id ({@code sin6_scope_id})
     * @return the {@code sockaddr_in6}
     */
    public static SockAddr inet6(InetAddress address, int port, int flowInfo, int scopeId) {
        checkPort(port);
        byte[] b = address.getAddress();
        if (b.length == 4) {  // IPv4-mapped ::ffff:a.b.c.d
            byte[] m = new byte[16];
            m[10] = m[11] = (byte) 0xff;
            System.arraycopy(b, 0, m, 12, 4);
            b = m;
        }
        SockAddr a = new SockAddr(Consts.AF_INET6, (int) Layouts.SOCKADDR_IN6.byteSize());
        a.net16(Layouts.SIN6_PORT, port);
        a.net32(Layouts.SIN6_FLOWINFO, flowInfo);
        System.arraycopy(b, 0, a.storage, (int) Layouts.SIN6_ADDR, 16);
        a.host32(Layouts.SIN6_SCOPE_ID, scopeId);
        return a;
    }

    /**
     * {@return a Unix-domain address for a filesystem path} Its length is that of the path plus the NUL, as
     * {@code SUN_LEN} gives.
     *
     * @param path the filesystem path
     * @throws IllegalArgumentException for a path over 107 bytes (UTF-8) or with a NUL in it
     */
    public static SockAddr unix(Path path) {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length == 0) throw new IllegalArgumentException("empty Unix socket path (use unixAbstract for abstract names)");
        for (byte c : p) if (c == 0) throw new IllegalArgumentException("Unix socket path contains a NUL: " + path);
        if (p.length > Layouts.SUN_PATH_SIZE - 1)
            throw new IllegalArgumentException("Unix socket path is " + p.length + " bytes, over the "
                    + (Layouts.SUN_PATH_SIZE - 1) + " that sun_path holds: " + path);
        SockAddr a = new SockAddr(Consts.AF_UNIX, (int) Layouts.SUN_PATH + p.length + 1);
        System.arraycopy(p, 0, a.storage, (int) Layouts.SUN_PATH, p.length);
        return a;
    }

    /**
     * {@return a Linux abstract Unix-domain address: sun_path starts with a NUL, then {@code name} (which may
     * hold any bytes); the length counts exactly those bytes}
     *
     * @param name the name after the leading NUL
     * @throws IllegalArgumentException for a name over 107 bytes
     */
    public static SockAddr unixAbstract(String name) {
        byte[] p = name.getBytes(StandardCharsets.UTF_8);
        if (p.length > Layouts.SUN_PATH_SIZE - 1)
            throw new IllegalArgumentException("abstract Unix name is " + p.length + " bytes, over "
                    + (Layouts.SUN_PATH_SIZE - 1) + ": " + name);
        SockAddr a = new SockAddr(Consts.AF_UNIX, (int) Layouts.SUN_PATH + 1 + p.length);
        System.arraycopy(p, 0, a.storage, (int) Layouts.SUN_PATH + 1, p.length);
        return a;
    }

    /**
     * {@return a {@code sockaddr_ll} for AF_PACKET: interface index and Ethernet type (host order, e.g.
     * 0x0800; stored in network order as the kernel wants)}
     *
     * @param ifindex the interface index ({@code sll_ifindex}), 0 for any
     * @param ethertype the Ethernet type, host order
     */
    public static SockAddr packet(int ifindex, int ethertype) {
        if (ifindex < 0) throw new IllegalArgumentException("interface index must be >= 0: " + ifindex);
        if (ethertype < 0 || ethertype > 0xFFFF) throw new IllegalArgumentException("ethertype must be 0..0xFFFF: " + ethertype);
        SockAddr a = new SockAddr(Consts.AF_PACKET, (int) Layouts.SOCKADDR_LL.byteSize());
        a.net16(Layouts.SLL_PROTOCOL, ethertype);
        a.host32(Layouts.SLL_IFINDEX, ifindex);
        return a;
    }

    /**
     * {@return a {@code sockaddr_ll} for {@code ifindex} and an Ethernet type, as {@link #packet(int, int)}}
     *
     * @param ifindex   the interface index, 0 for any
     * @param ethertype the Ethernet type
     * @throws IllegalArgumentException if ifindex is negative
     */
    public static SockAddr packet(int ifindex, EtherType ethertype) {
        return packet(ifindex, ethertype.value());
    }

    /**
     * {@return a {@code sockaddr_nl}: port id (0: the kernel) and multicast group bitmask}
     *
     * @param pid the port id ({@code nl_pid}), 0 for the kernel
     * @param groups the multicast group bitmask ({@code nl_groups})
     */
    public static SockAddr netlink(int pid, int groups) {
        SockAddr a = new SockAddr(Consts.AF_NETLINK, (int) Layouts.SOCKADDR_NL.byteSize());
        a.host32(Layouts.NL_PID, pid);
        a.host32(Layouts.NL_GROUPS, groups);
        return a;
    }

    /**
     * From a {@code java.net} address: {@link InetSocketAddress} (resolved) or
     * {@link UnixDomainSocketAddress}; a SockAddr is returned as it is.
     *
     * @param address the IP address
     * @return the address as a {@code sockaddr}
     * @throws IllegalArgumentException for an unresolved or unsupported address
     */
    public static SockAddr from(SocketAddress address) {
        if (address instanceof SockAddr sa) return sa;
        if (address instanceof InetSocketAddress isa) {
            if (isa.isUnresolved()) throw new IllegalArgumentException("unresolved address: " + isa);
            return inet(isa.getAddress(), isa.getPort());
        }
        if (address instanceof UnixDomainSocketAddress u) return unix(u.getPath());
        throw new IllegalArgumentException("no sockaddr for " + (address == null ? "null" : address.getClass().getName()));
    }

    /**
     * Back to {@code java.net}: {@link InetSocketAddress} for inet/inet6, {@link UnixDomainSocketAddress}
     * for a Unix path.
     *
     * @return the {@code java.net} address
     * @throws UnsupportedOperationException for other families and abstract or unnamed Unix addresses
     */
    public SocketAddress toSocketAddress() {
        int f = familyValue();
        if (f == Consts.AF_INET || f == Consts.AF_INET6) return new InetSocketAddress(inetAddress(), port());
        if (f == Consts.AF_UNIX) {
            Path p = path();
            if (p != null) return UnixDomainSocketAddress.of(p);
            throw new UnsupportedOperationException("java.net has no form for an abstract or unnamed Unix address: " + this);
        }
        throw new UnsupportedOperationException("java.net has no form for " + this);
    }

    // ------------------------------------------------------------------ accessors

    /** {@return the address family ({@code sa_family})} */
    public Domain family() {
        return new Domain(familyValue());
    }

    /** {@return the address length in bytes ({@code socklen_t}), family included} */
    public int size() {
        return size;
    }

    /**
     * {@return a live view of the bytes after the family ({@code sa_data}), big-endian: writing it changes the
     * address} CLISP's {@code sockaddr-data}.
     */
    public ByteBuffer data() {
        return ByteBuffer.wrap(storage, 2, Math.max(0, size - 2)).slice().order(ByteOrder.BIG_ENDIAN);
    }

    /** {@return a copy of the whole C struct ({@link #size()} bytes, family first in host order)} */
    public byte[] bytes() {
        return Arrays.copyOf(storage, size);
    }

    /** {@return the port of an inet or inet6 address} */
    public int port() {
        int f = requireFamily("port", Consts.AF_INET, Consts.AF_INET6);
        long off = f == Consts.AF_INET ? Layouts.SIN_PORT : Layouts.SIN6_PORT;
        return net16(field("port", off, 2));
    }

    /** {@return the IP address of an inet or inet6 address ({@link Inet6Address} with its scope id)} */
    public InetAddress inetAddress() {
        int f = requireFamily("inetAddress", Consts.AF_INET, Consts.AF_INET6);
        if (f == Consts.AF_INET) {
            int at = field("inetAddress", Layouts.SIN_ADDR, 4);
            return InetBytes.address(Arrays.copyOfRange(storage, at, at + 4));
        }
        int at = field("inetAddress", Layouts.SIN6_ADDR, 16);
        byte[] b = Arrays.copyOfRange(storage, at, at + 16);
        // the 24-byte RFC 2133 form has no scope id: none
        int scope = size >= Layouts.SIN6_SCOPE_ID + 4 ? scopeId() : 0;
        return scope != 0 ? InetBytes.v6(b, scope) : InetBytes.address(b);
    }

    /** {@return the scope id of an inet6 address (0 when none)} */
    public int scopeId() {
        requireFamily("scopeId", Consts.AF_INET6);
        return host32(field("scopeId", Layouts.SIN6_SCOPE_ID, 4));
    }

    /** {@return the flow info of an inet6 address} */
    public int flowInfo() {
        requireFamily("flowInfo", Consts.AF_INET6);
        return net32(field("flowInfo", Layouts.SIN6_FLOWINFO, 4));
    }

    /**
     * {@return the filesystem path of a Unix address, or null for an unnamed or abstract one (see
     * {@link #abstractName()})}
     */
    public Path path() {
        requireFamily("path", Consts.AF_UNIX);
        int start = (int) Layouts.SUN_PATH;
        if (size <= start || storage[start] == 0) return null;
        int end = start;
        while (end < size && storage[end] != 0) end++;
        return Path.of(new String(storage, start, end - start, StandardCharsets.UTF_8));
    }

    /** {@return the name of an abstract Unix address (after the leading NUL), or null when it is not abstract} */
    public String abstractName() {
        requireFamily("abstractName", Consts.AF_UNIX);
        int start = (int) Layouts.SUN_PATH;
        if (size <= start || storage[start] != 0) return null;
        return new String(storage, start + 1, size - start - 1, StandardCharsets.UTF_8);
    }

    /** {@return the interface index of a packet address ({@code sll_ifindex})} */
    public int ifindex() {
        requireFamily("ifindex", Consts.AF_PACKET);
        return host32(field("ifindex", Layouts.SLL_IFINDEX, 4));
    }

    /** {@return the Ethernet type of a packet address ({@code sll_protocol}), host order, e.g. 0x0800} */
    public int ethertype() {
        requireFamily("ethertype", Consts.AF_PACKET);
        return net16(field("ethertype", Layouts.SLL_PROTOCOL, 2));
    }

    /** {@return the packet type of a received packet address ({@code sll_pkttype}: PACKET_HOST ... PACKET_OUTGOING)} */
    public int packetType() {
        requireFamily("packetType", Consts.AF_PACKET);
        return storage[field("packetType", Layouts.SLL_PKTTYPE, 1)] & 0xff;
    }

    /** {@return the hardware address of a packet address ({@code sll_addr}, {@code sll_halen} bytes)} */
    public byte[] hardwareAddress() {
        requireFamily("hardwareAddress", Consts.AF_PACKET);
        int n = Math.min(8, storage[field("hardwareAddress", Layouts.SLL_HALEN, 1)] & 0xff);
        int at = field("hardwareAddress", Layouts.SLL_ADDR, n);
        return Arrays.copyOfRange(storage, at, at + n);
    }

    /** {@return the port id of a netlink address ({@code nl_pid})} */
    public int pid() {
        requireFamily("pid", Consts.AF_NETLINK);
        return host32(field("pid", Layouts.NL_PID, 4));
    }

    /** {@return the multicast groups of a netlink address ({@code nl_groups})} */
    public int groups() {
        requireFamily("groups", Consts.AF_NETLINK);
        return host32(field("groups", Layouts.NL_GROUPS, 4));
    }

    // ------------------------------------------------------------------ object

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr a && a.size == size && Arrays.equals(storage, 0, size, a.storage, 0, size);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) h = 31 * h + storage[i];
        return h;
    }

    /** Readable: {@code inet 127.0.0.1:80}, {@code inet6 [::1%1]:80}, {@code unix /tmp/s}, {@code packet lo proto 0x0800}. */
    @Override
    public String toString() {
        int f = familyValue();
        try {
            if (f == Consts.AF_INET && size >= 8) return "inet " + inetAddress().getHostAddress() + ":" + port();
            if (f == Consts.AF_INET6 && size >= 24) return "inet6 [" + inetAddress().getHostAddress() + "]:" + port();
            if (f == Consts.AF_UNIX) {
                if (size <= Layouts.SUN_PATH) return "unix (unnamed)";
                Path p = path();
                return p != null ? "unix " + p : "unix @" + abstractName();
            }
            if (f == Consts.AF_PACKET && size >= 12) {
                String ifname = NetIf.nameOrNull(ifindex());
                return "packet " + (ifname != null ? ifname : "ifindex " + ifindex())
                        + String.format(" proto 0x%04x", ethertype());
            }
            if (f == Consts.AF_NETLINK && size >= 12) return "netlink pid " + pid() + " groups 0x" + Integer.toHexString(groups());
        } catch (RuntimeException e) {
            // fall through to the raw form: toString never fails
        }
        return family() + " " + HexFormat.of().formatHex(storage, 2, Math.max(2, size));
    }

    // ------------------------------------------------------------------ internals

    int familyValue() {
        return ByteBuffer.wrap(storage, 0, 2).order(ByteOrder.nativeOrder()).getShort() & 0xffff;  // sa_family_t, host order
    }

    private void setFamily(int family) {
        ByteBuffer.wrap(storage, 0, 2).order(ByteOrder.nativeOrder()).putShort((short) family);
    }

    /** Sets the length after a call filled {@link #storage}; the family is already in the bytes. */
    void filled(int length) {
        if (length < 0 || length > CAPACITY) length = CAPACITY;
        if (length < size) Arrays.fill(storage, length, size, (byte) 0);
        size = length;
    }

    private static int standardSize(int family) {
        return switch (family) {
            case Consts.AF_INET -> (int) Layouts.SOCKADDR_IN.byteSize();
            case Consts.AF_INET6 -> (int) Layouts.SOCKADDR_IN6.byteSize();
            case Consts.AF_UNIX -> (int) Layouts.SOCKADDR_UN.byteSize();
            case Consts.AF_PACKET -> (int) Layouts.SOCKADDR_LL.byteSize();
            case Consts.AF_NETLINK -> (int) Layouts.SOCKADDR_NL.byteSize();
            default -> SOCKADDR_SIZE;
        };
    }

    private int requireFamily(String what, int... families) {
        int f = familyValue();
        for (int ok : families) if (f == ok) return f;
        throw new IllegalStateException(what + "() does not apply to " + family() + " address " + this);
    }

    /**
     * The offset of a field of {@code length} bytes at {@code off}, which must lie within the
     * address's {@link #size()}: bytes past it are not part of this address, whatever the storage holds.
     */
    private int field(String what, long off, int length) {
        if (off + length > size)
            throw new IllegalStateException(what + "() reads bytes " + off + ".." + (off + length) + " but this "
                    + family() + " address holds only " + size + " bytes");
        return (int) off;
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port must be 0..65535: " + port);
    }

    private int net16(long off) {
        return (storage[(int) off] & 0xff) << 8 | (storage[(int) off + 1] & 0xff);
    }

    private void net16(long off, int v) {
        storage[(int) off] = (byte) (v >>> 8);
        storage[(int) off + 1] = (byte) v;
    }

    private int net32(long off) {
        return ByteBuffer.wrap(storage, (int) off, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    }

    private void net32(long off, int v) {
        ByteBuffer.wrap(storage, (int) off, 4).order(ByteOrder.BIG_ENDIAN).putInt(v);
    }

    private int host32(long off) {
        return ByteBuffer.wrap(storage, (int) off, 4).order(ByteOrder.nativeOrder()).getInt();
    }

    private void host32(long off, int v) {
        ByteBuffer.wrap(storage, (int) off, 4).order(ByteOrder.nativeOrder()).putInt(v);
    }
}
