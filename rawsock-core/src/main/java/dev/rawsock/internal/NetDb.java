package dev.rawsock.internal;

import dev.rawsock.GaiException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The name services: the protocols and networks databases through glibc's reentrant {@code _r}
 * functions, and {@code getaddrinfo(3)}/{@code getnameinfo(3)}. The enumerations
 * ({@code getprotoent_r}, {@code getnetent_r}) share one cursor per process, so they run under one
 * lock each. Results are plain Java values, freed of C memory before returning.
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
        return lookup(Layouts.PROTOENT, NetDb::proto,
                (a, ent, buf, size, res) -> Libc.getprotobyname_r(a.allocateFrom(name), ent, buf, size, res));
    }

    /** getprotobynumber_r(3). */
    public static Entry protoByNumber(int number) {
        return lookup(Layouts.PROTOENT, NetDb::proto,
                (a, ent, buf, size, res) -> Libc.getprotobynumber_r(number, ent, buf, size, res));
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
        return lookup(Layouts.NETENT, NetDb::net, (a, ent, buf, size, res) ->
                Libc.getnetbyname_r(a.allocateFrom(name), ent, buf, size, res, a.allocate(JAVA_INT)));
    }

    /** getnetbyaddr_r(3); {@code net} in host order, as the C call takes it. */
    public static Entry netByAddr(int net, int type) {
        return lookup(Layouts.NETENT, NetDb::net, (a, ent, buf, size, res) ->
                Libc.getnetbyaddr_r(net, type, ent, buf, size, res, a.allocate(JAVA_INT)));
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

    /** One reentrant lookup: fills {@code ent} using {@code buf}, sets {@code *res}; 0, ERANGE or another error. */
    private interface ReentrantCall {
        int call(Arena a, MemorySegment ent, MemorySegment buf, long size, MemorySegment res);
    }

    /**
     * Runs a {@code get*by*_r} lookup, with a 4 times larger buffer each time it says ERANGE (an entry
     * with many aliases); the entry read out, or null when there is none.
     */
    private static Entry lookup(MemoryLayout entry, Function<MemorySegment, Entry> read, ReentrantCall call) {
        for (int size = BUF; size <= ERANGE_MAX; size *= 4) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ent = a.allocate(entry), buf = a.allocate(size), res = a.allocate(ADDRESS);
                int r = call.call(a, ent, buf, size, res);
                if (r == Errno.ERANGE) continue;
                return r == 0 && !res.get(ADDRESS, 0).equals(MemorySegment.NULL) ? read.apply(ent) : null;
            }
        }
        return null;
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

    // ------------------------------------------------------------- getaddrinfo, getnameinfo

    /** One {@code struct addrinfo}, read out: the sockaddr as its {@code ai_addrlen} bytes. */
    public record AddrInfoEntry(int flags, int family, int socktype, int protocol, byte[] addr, String canonname) {}

    /**
     * getaddrinfo(3): every result in the resolver's order; {@code freeaddrinfo} always runs.
     * @param hints null for a NULL hints pointer, else {flags, family, socktype, protocol}
     * @throws GaiException for any non-zero return (with errno for EAI_SYSTEM)
     */
    public static List<AddrInfoEntry> getaddrinfo(String node, String service, int[] hints) throws GaiException {
        if (node != null) checkName(node, "node");
        if (service != null) checkName(service, "service");
        List<AddrInfoEntry> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined(); Scratch s = Scratch.acquire()) {
            MemorySegment h = MemorySegment.NULL;
            if (hints != null) {
                h = a.allocate(Layouts.ADDRINFO);
                h.set(JAVA_INT, AI_FLAGS, hints[0]);
                h.set(JAVA_INT, AI_FAMILY, hints[1]);
                h.set(JAVA_INT, AI_SOCKTYPE, hints[2]);
                h.set(JAVA_INT, AI_PROTOCOL, hints[3]);
            }
            MemorySegment res = a.allocate(ADDRESS);
            int r = Libc.getaddrinfo(s.errno, node == null ? MemorySegment.NULL : a.allocateFrom(node),
                    service == null ? MemorySegment.NULL : a.allocateFrom(service), h, res);
            if (r != 0) throw new GaiException("getaddrinfo(node=" + node + ", service=" + service + ")", r, s.errno());
            MemorySegment head = res.get(ADDRESS, 0);
            try {
                MemorySegment p = head;
                // A bound on the walk: a corrupt list must not loop forever.
                for (int i = 0; !p.equals(MemorySegment.NULL) && i < 1 << 16; i++) {
                    MemorySegment ai = p.reinterpret(Layouts.ADDRINFO.byteSize());
                    int len = ai.get(JAVA_INT, AI_ADDRLEN);
                    MemorySegment addr = ai.get(ADDRESS, AI_ADDR);
                    byte[] bytes = addr.equals(MemorySegment.NULL) || len <= 0 ? new byte[0]
                            : addr.reinterpret(Math.min(len, Layouts.SOCKADDR_STORAGE_SIZE)).toArray(JAVA_BYTE);
                    out.add(new AddrInfoEntry(ai.get(JAVA_INT, AI_FLAGS), ai.get(JAVA_INT, AI_FAMILY),
                            ai.get(JAVA_INT, AI_SOCKTYPE), ai.get(JAVA_INT, AI_PROTOCOL), bytes,
                            cString(ai.get(ADDRESS, AI_CANONNAME))));
                    p = ai.get(ADDRESS, AI_NEXT);
                }
            } finally {
                if (!head.equals(MemorySegment.NULL)) Libc.freeaddrinfo(head);
            }
        }
        return out;
    }

    /**
     * getnameinfo(3) on the {@code len} bytes of a sockaddr: {node, service}, each with room for
     * NI_MAXHOST and NI_MAXSERV, so EAI_OVERFLOW cannot happen.
     */
    public static String[] getnameinfo(byte[] sockaddr, int len, int flags) throws GaiException {
        try (Scratch s = Scratch.acquire()) {
            MemorySegment addr = s.addr;
            addr.fill((byte) 0);
            MemorySegment.copy(sockaddr, 0, addr, JAVA_BYTE, 0, len);
            MemorySegment buf = s.buffer(Consts.NI_MAXHOST + Consts.NI_MAXSERV);
            MemorySegment host = buf.asSlice(0, Consts.NI_MAXHOST), serv = buf.asSlice(Consts.NI_MAXHOST, Consts.NI_MAXSERV);
            host.set(JAVA_BYTE, 0, (byte) 0);
            serv.set(JAVA_BYTE, 0, (byte) 0);
            int r = Libc.getnameinfo(s.errno, addr, len, host, Consts.NI_MAXHOST, serv, Consts.NI_MAXSERV, flags);
            if (r != 0) throw new GaiException("getnameinfo", r, s.errno());
            return new String[] {host.getString(0), serv.getString(0)};
        }
    }

    private static final long AI_FLAGS = Layouts.off(Layouts.ADDRINFO, "ai_flags"),
            AI_FAMILY = Layouts.off(Layouts.ADDRINFO, "ai_family"),
            AI_SOCKTYPE = Layouts.off(Layouts.ADDRINFO, "ai_socktype"),
            AI_PROTOCOL = Layouts.off(Layouts.ADDRINFO, "ai_protocol"),
            AI_ADDRLEN = Layouts.off(Layouts.ADDRINFO, "ai_addrlen"),
            AI_ADDR = Layouts.off(Layouts.ADDRINFO, "ai_addr"),
            AI_CANONNAME = Layouts.off(Layouts.ADDRINFO, "ai_canonname"),
            AI_NEXT = Layouts.off(Layouts.ADDRINFO, "ai_next");

    // ------------------------------------------------------------- C strings

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
