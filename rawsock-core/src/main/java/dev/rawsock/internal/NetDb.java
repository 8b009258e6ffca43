package dev.rawsock.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The protocols and networks databases through glibc's reentrant {@code _r} functions; the
 * enumerations ({@code getprotoent_r}, {@code getnetent_r}) share one cursor per process, so they
 * run under one lock each. Results are plain Java values, freed of C memory before returning.
 */
public final class NetDb {
    private NetDb() {}

    /** A protoent or netent, read out: name, aliases and number (net numbers as unsigned ints). */
    public record Entry(String name, List<String> aliases, int number, int type) {}

    private static final Object PROTO_CURSOR = new Object();
    private static final Object NET_CURSOR = new Object();
    private static final int BUF = 4096;
    private static final int ERANGE_MAX = 1 << 20;

    /** Rejects a name that C would cut at an embedded NUL. */
    public static String checkName(String s, String what) {
        if (s == null) throw new NullPointerException(what);
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException(what + " contains a NUL character: " + s.replace("\0", "\\0"));
        return s;
    }

    /** getprotobyname_r(3). */
    public static Entry protoByName(String name) {
        checkName(name, "protocol name");
        for (int size = BUF; size <= ERANGE_MAX; size *= 4) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.PROTOENT), buf = a.allocate(size), res = a.allocate(ADDRESS);
                int r = Libc.getprotobyname_r(a.allocateFrom(name), ent, buf, size, res);
                if (r == Errno.ERANGE) continue;
                return r == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL) ? proto(ent) : null;
            }
        }
        return null;
    }

    /** getprotobynumber_r(3). */
    public static Entry protoByNumber(int number) {
        for (int size = BUF; size <= ERANGE_MAX; size *= 4) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.PROTOENT), buf = a.allocate(size), res = a.allocate(ADDRESS);
                int r = Libc.getprotobynumber_r(number, ent, buf, size, res);
                if (r == Errno.ERANGE) continue;
                return r == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL) ? proto(ent) : null;
            }
        }
        return null;
    }

    /** setprotoent/getprotoent_r/endprotoent: every entry, under the process-wide cursor lock. */
    public static List<Entry> protoAll() {
        List<Entry> out = new ArrayList<>();
        synchronized (PROTO_CURSOR) {
            Libc.setprotoent(0);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.PROTOENT), buf = a.allocate(ERANGE_MAX / 16), res = a.allocate(ADDRESS);
                while (Libc.getprotoent_r(ent, buf, buf.byteSize(), res) == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                    out.add(proto(ent));
                }
            } finally {
                Libc.endprotoent();
            }
        }
        return out;
    }

    /** getnetbyname_r(3). */
    public static Entry netByName(String name) {
        checkName(name, "network name");
        for (int size = BUF; size <= ERANGE_MAX; size *= 4) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.NETENT), buf = a.allocate(size), res = a.allocate(ADDRESS),
                        h = a.allocate(JAVA_INT);
                int r = Libc.getnetbyname_r(a.allocateFrom(name), ent, buf, size, res, h);
                if (r == Errno.ERANGE) continue;
                return r == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL) ? net(ent) : null;
            }
        }
        return null;
    }

    /** getnetbyaddr_r(3); {@code net} in host order, as the C call takes it. */
    public static Entry netByAddr(int net, int type) {
        for (int size = BUF; size <= ERANGE_MAX; size *= 4) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.NETENT), buf = a.allocate(size), res = a.allocate(ADDRESS),
                        h = a.allocate(JAVA_INT);
                int r = Libc.getnetbyaddr_r(net, type, ent, buf, size, res, h);
                if (r == Errno.ERANGE) continue;
                return r == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL) ? net(ent) : null;
            }
        }
        return null;
    }

    /** setnetent/getnetent_r/endnetent: every entry, under the process-wide cursor lock. */
    public static List<Entry> netAll() {
        List<Entry> out = new ArrayList<>();
        synchronized (NET_CURSOR) {
            Libc.setnetent(0);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(Layouts.NETENT), buf = a.allocate(ERANGE_MAX / 16), res = a.allocate(ADDRESS),
                        h = a.allocate(JAVA_INT);
                while (Libc.getnetent_r(ent, buf, buf.byteSize(), res, h) == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                    out.add(net(ent));
                }
            } finally {
                Libc.endnetent();
            }
        }
        return out;
    }

    private static Entry proto(MemorySegment ent) {
        return new Entry(cString(ent.get(ADDRESS, Layouts.off(Layouts.PROTOENT, "p_name"))),
                stringArray(ent.get(ADDRESS, Layouts.off(Layouts.PROTOENT, "p_aliases"))),
                ent.get(JAVA_INT, Layouts.off(Layouts.PROTOENT, "p_proto")), 0);
    }

    private static Entry net(MemorySegment ent) {
        return new Entry(cString(ent.get(ADDRESS, Layouts.off(Layouts.NETENT, "n_name"))),
                stringArray(ent.get(ADDRESS, Layouts.off(Layouts.NETENT, "n_aliases"))),
                ent.get(JAVA_INT, Layouts.off(Layouts.NETENT, "n_net")),
                ent.get(JAVA_INT, Layouts.off(Layouts.NETENT, "n_addrtype")));
    }

    /** A NUL-terminated C string at a pointer the C library gave us; null for NULL. */
    public static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) return null;
        return p.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** A NULL-terminated array of C strings (h_aliases style). */
    public static List<String> stringArray(MemorySegment p) {
        List<String> out = new ArrayList<>();
        if (p.equals(MemorySegment.NULL)) return out;
        MemorySegment arr = p.reinterpret(Long.MAX_VALUE);
        for (long i = 0; i < 4096; i++) {
            MemorySegment s = arr.getAtIndex(ADDRESS, i);
            if (s.equals(MemorySegment.NULL)) break;
            out.add(cString(s));
        }
        return out;
    }
}
