package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Interface names and indexes: {@code if_nametoindex(3)}, {@code if_indextoname(3)}, {@code if_nameindex(3)}. */
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
            if (r == 0) throw new ErrnoException("if_nametoindex(" + ifname + ")", s.errno() == 0 ? Errno.ENODEV : s.errno(), -1);
            return r;
        }
    }

    /** if_indextoname(3). */
    public static String name(int index) throws ErrnoException {
        if (index <= 0) throw new IllegalArgumentException("interface index must be > 0: " + index);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment buf = s.misc(Consts.IF_NAMESIZE);
            MemorySegment r = Libc.if_indextoname(s.errno, index, buf);
            if (r.equals(MemorySegment.NULL)) throw new ErrnoException("if_indextoname(" + index + ")", s.errno(), -1);
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
}
