package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Interface names, indexes and addresses: {@code if_nametoindex(3)}, {@code if_indextoname(3)},
 * {@code if_nameindex(3)}, {@code getifaddrs(3)}.
 */
public final class NetIf {
    private NetIf() {}

    /**
     * Rejects what C would truncate or cut: a name of 16+ bytes (IF_NAMESIZE holds 15 and the NUL),
     * an empty one, or one with a NUL or '/' in it.
     */
    public static byte[] checkName(String ifname) {
        if (ifname == null) throw new NullPointerException("interface name");
        byte[] b = ifname.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0) throw new IllegalArgumentException("empty interface name");
        if (b.length >= Consts.IF_NAMESIZE)
            throw new IllegalArgumentException("interface name '" + ifname + "' is " + b.length
                    + " bytes; at most " + (Consts.IF_NAMESIZE - 1) + " fit in IF_NAMESIZE");
        for (byte c : b) {
            if (c == 0) throw new IllegalArgumentException("interface name contains a NUL: " + ifname.replace("\0", "\\0"));
            if (c == '/' ) throw new IllegalArgumentException("interface name contains '/': " + ifname);
        }
        return b;
    }

    /** if_nametoindex(3). */
    public static int index(String ifname) throws ErrnoException {
        byte[] b = checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment name = s.misc(Consts.IF_NAMESIZE);
            MemorySegment.copy(b, 0, name, JAVA_BYTE, 0, b.length);
            int r = Libc.if_nametoindex(s.errno, name);
            if (r == 0) throw new ErrnoException("if_nametoindex", s.errno() == 0 ? Errno.ENODEV : s.errno(), -1, ifname);
            return r;
        }
    }

    /** if_indextoname(3). */
    public static String name(int index) throws ErrnoException {
        if (index <= 0) throw new IllegalArgumentException("interface index must be > 0: " + index);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment buf = s.misc(Consts.IF_NAMESIZE);
            MemorySegment r = Libc.if_indextoname(s.errno, index, buf);
            if (r.equals(MemorySegment.NULL)) throw new ErrnoException("if_indextoname", s.errno(), -1, Integer.toString(index));
            return buf.getString(0);
        }
    }

    /** The name of an index, or null when there is no such interface (for toString paths). */
    public static String nameOrNull(int index) {
        if (index <= 0) return null;
        try {
            return name(index);
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** if_nameindex(3): every interface, index to name; the list is freed before returning. */
    public static SortedMap<Integer, String> all() throws ErrnoException {
        SortedMap<Integer, String> out = new TreeMap<>();
        try (Scratch s = Scratch.acquire()) {
            MemorySegment p = Libc.if_nameindex(s.errno);
            if (p.equals(MemorySegment.NULL)) throw new ErrnoException("if_nameindex", s.errno(), -1);
            try {
                long stride = Layouts.IF_NAMEINDEX.byteSize();
                long nameOff = Layouts.off(Layouts.IF_NAMEINDEX, "if_name");
                MemorySegment arr = p.reinterpret(stride * 65536L);
                for (long i = 0; i < 65536; i++) {
                    int idx = arr.get(JAVA_INT, i * stride);
                    if (idx == 0) break;
                    out.put(idx, NetDb.cString(arr.get(ADDRESS, i * stride + nameOff)));
                }
            } finally {
                Libc.if_freenameindex(p);
            }
        }
        return out;
    }

    /**
     * One {@code struct ifaddrs}, read out: each sockaddr as the bytes of its family's struct (null for
     * a NULL pointer); {@code stats} holds the leading {@code rtnl_link_stats} counters (unsigned) of
     * an AF_PACKET entry, null for others.
     */
    public record IfAddr(String name, int flags, byte[] addr, byte[] netmask, byte[] destination, long[] stats) {}

    /** getifaddrs(3): every entry in the C library's order; {@code freeifaddrs} always runs. */
    public static List<IfAddr> ifaddrs() throws ErrnoException {
        List<IfAddr> out = new ArrayList<>();
        try (Scratch s = Scratch.acquire()) {
            MemorySegment pp = s.misc(ADDRESS.byteSize());
            if (Libc.getifaddrs(s.errno, pp) != 0) throw new ErrnoException("getifaddrs", s.errno(), -1);
            MemorySegment head = pp.get(ADDRESS, 0);
            try {
                MemorySegment p = head;
                // A bound on the walk: a corrupt list must not loop forever.
                for (int i = 0; !p.equals(MemorySegment.NULL) && i < 1 << 20; i++) {
                    MemorySegment ifa = p.reinterpret(Layouts.IFADDRS.byteSize());
                    byte[] addr = sockaddr(ifa.get(ADDRESS, IFA_ADDR));
                    long[] stats = null;
                    MemorySegment data = ifa.get(ADDRESS, IFA_DATA);
                    // ifa_data is rtnl_link_stats only on the link (AF_PACKET) entries glibc makes.
                    if (addr != null && family(addr) == Consts.AF_PACKET && !data.equals(MemorySegment.NULL)) {
                        MemorySegment st = data.reinterpret(Layouts.RTNL_LINK_STATS_READ);
                        stats = new long[(int) (Layouts.RTNL_LINK_STATS_READ / 4)];
                        for (int k = 0; k < stats.length; k++) stats[k] = Integer.toUnsignedLong(st.get(JAVA_INT, 4L * k));
                    }
                    out.add(new IfAddr(NetDb.cString(ifa.get(ADDRESS, IFA_NAME)), ifa.get(JAVA_INT, IFA_FLAGS), addr,
                            sockaddr(ifa.get(ADDRESS, IFA_NETMASK)), sockaddr(ifa.get(ADDRESS, IFA_IFU)), stats));
                    p = ifa.get(ADDRESS, IFA_NEXT);
                }
            } finally {
                if (!head.equals(MemorySegment.NULL)) Libc.freeifaddrs(head);
            }
        }
        return out;
    }

    /** The bytes of a sockaddr getifaddrs made: its family's struct size (no length comes with it). */
    private static byte[] sockaddr(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) return null;
        int family = Short.toUnsignedInt(p.reinterpret(2).get(JAVA_SHORT_UNALIGNED, 0));
        long size = switch (family) {
            case Consts.AF_INET -> Layouts.SOCKADDR_IN.byteSize();
            case Consts.AF_INET6 -> Layouts.SOCKADDR_IN6.byteSize();
            case Consts.AF_PACKET -> Layouts.SOCKADDR_LL.byteSize();
            default -> 16;  // sizeof(struct sockaddr): all glibc fills for other families
        };
        return p.reinterpret(size).toArray(JAVA_BYTE);
    }

    private static int family(byte[] sockaddr) {
        return MemorySegment.ofArray(sockaddr).get(JAVA_SHORT_UNALIGNED, 0) & 0xffff;
    }

    private static final long IFA_NEXT = Layouts.off(Layouts.IFADDRS, "ifa_next"),
            IFA_NAME = Layouts.off(Layouts.IFADDRS, "ifa_name"),
            IFA_FLAGS = Layouts.off(Layouts.IFADDRS, "ifa_flags"),
            IFA_ADDR = Layouts.off(Layouts.IFADDRS, "ifa_addr"),
            IFA_NETMASK = Layouts.off(Layouts.IFADDRS, "ifa_netmask"),
            IFA_IFU = Layouts.off(Layouts.IFADDRS, "ifa_ifu"),
            IFA_DATA = Layouts.off(Layouts.IFADDRS, "ifa_data");
}
