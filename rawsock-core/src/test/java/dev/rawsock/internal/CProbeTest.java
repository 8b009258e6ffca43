package dev.rawsock.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.rawsock.TestSupport.check;
import static dev.rawsock.TestSupport.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles a C probe with gcc and checks every hand-written layout in {@link Layouts} (sizeof and the
 * offsetof of every named field) and every constant in {@link Consts} against the system headers.
 * Layouts and constants are found by reflection, so a new one is checked without touching this test.
 */
class CProbeTest {
    /** Headers the probe includes; a constant or struct from another header needs its header here. */
    static final List<String> HEADERS = List.of(
            "sys/types.h", "sys/socket.h", "sys/un.h", "netinet/in.h", "netinet/tcp.h", "netinet/udp.h",
            "arpa/inet.h", "netdb.h", "net/if.h", "net/if_arp.h", "ifaddrs.h", "poll.h", "sys/epoll.h",
            "sys/eventfd.h", "fcntl.h", "sys/mman.h", "sys/uio.h", "sys/time.h", "time.h", "limits.h",
            "linux/if_packet.h", "linux/if_ether.h", "linux/netlink.h", "linux/sockios.h", "linux/icmp.h",
            "linux/errqueue.h", "linux/filter.h", "linux/net_tstamp.h", "sys/ioctl.h", "stddef.h", "stdio.h",
            "linux/if_link.h", "linux/rtnetlink.h", "linux/if_addr.h", "linux/neighbour.h", "linux/if_tun.h",
            "linux/veth.h", "sched.h");

    /**
     * Constants the probe cannot see, each checked by hand in {@link #constantsOutsideTheHeaders()}:
     * SCM_MAX_FD is kernel-internal; ICMPV6_FILTER is glibc's ICMP6_FILTER; IPPROTO_L2TP is only in
     * {@code <linux/in.h>}, which clashes with {@code <netinet/in.h>}; NI_NUMERICSCOPE is RFC 3493's,
     * which glibc does not define.
     */
    static final Set<String> NOT_IN_HEADERS = Set.of("SCM_MAX_FD", "ICMPV6_FILTER", "IPPROTO_L2TP", "NI_NUMERICSCOPE");
    /** Constants that are enum members, not macros, so {@code #ifdef} cannot see them. */
    static final Set<String> ENUMS = Set.of("TPACKET_V1", "TPACKET_V2", "TPACKET_V3");
    /** Prefixes of rtnetlink's enum members (attribute types, scopes, tables, states). */
    static final List<String> ENUM_PREFIXES = List.of("IFLA_", "IFA_", "RTA_", "RTAX_", "NDA_", "RTN_", "RT_SCOPE_",
            "RT_TABLE_", "IF_OPER_", "VETH_INFO_", "NLMSGERR_ATTR_");

    static final Map<String, Long> C = new LinkedHashMap<>();
    static final List<String> MISSING = new ArrayList<>();

    @BeforeAll
    static void runProbe() throws Exception {
        assumeTrue(onPath("gcc"), "gcc is not installed: cannot check layouts and constants against the C headers");
        Path dir = Files.createTempDirectory("rawsock-probe");
        StringBuilder c = new StringBuilder("#define _GNU_SOURCE 1\n");
        for (String h : HEADERS) c.append("#include <").append(h).append(">\n");
        c.append("int main(void) {\n");
        for (Field f : Layouts.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !(f.get(null) instanceof GroupLayout g)) continue;
            String struct = "struct " + g.name().orElseThrow(() -> new AssertionError(f.getName() + " has no C name"));
            c.append("  printf(\"S ").append(g.name().get()).append(" %zu\\n\", sizeof(").append(struct).append("));\n");
            for (MemoryLayout m : g.memberLayouts()) {
                if (m instanceof PaddingLayout || m.name().isEmpty()) continue;
                String field = m.name().get();
                c.append("  printf(\"O ").append(g.name().get()).append('.').append(field)
                        .append(" %zu\\n\", offsetof(").append(struct).append(", ").append(field).append("));\n");
            }
        }
        for (Field f : Consts.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || NOT_IN_HEADERS.contains(f.getName())) continue;
            String n = f.getName();
            if (ENUMS.contains(n) || ENUM_PREFIXES.stream().anyMatch(n::startsWith)) {
                c.append("  printf(\"C ").append(n).append(" %lld\\n\", (long long)(").append(n).append("));\n");
                continue;
            }
            c.append("#ifdef ").append(n).append("\n  printf(\"C ").append(n).append(" %lld\\n\", (long long)(").append(n)
                    .append("));\n#else\n  printf(\"M ").append(n).append("\\n\");\n#endif\n");
        }
        c.append("  return 0;\n}\n");
        Path src = dir.resolve("probe.c"), exe = dir.resolve("probe");
        Files.writeString(src, c);
        String out = check(60, List.of("gcc", "-o", exe.toString(), src.toString()));
        String probe = check(60, List.of(exe.toString()));
        for (String line : probe.split("\n")) {
            String[] p = line.split(" ");
            if (p[0].equals("M")) MISSING.add(p[1]);
            else if (p.length == 3) C.put(p[0] + " " + p[1], Long.parseLong(p[2]));
        }
        assertTrue(!C.isEmpty(), "probe printed nothing: " + out);
    }

    @Test
    void everyLayoutMatchesSizeofAndOffsetof() throws Exception {
        int checked = 0;
        for (Field f : Layouts.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || !(f.get(null) instanceof GroupLayout g)) continue;
            String name = g.name().get();
            assertEquals(C.get("S " + name), g.byteSize(), "sizeof(struct " + name + ")");
            for (MemoryLayout m : g.memberLayouts()) {
                if (m instanceof PaddingLayout || m.name().isEmpty()) continue;
                String field = m.name().get();
                assertEquals(C.get("O " + name + "." + field), g.byteOffset(MemoryLayout.PathElement.groupElement(field)),
                        "offsetof(struct " + name + ", " + field + ")");
                checked++;
            }
        }
        assertTrue(checked > 50, "only " + checked + " fields checked");
    }

    @Test
    void everyConstantMatchesTheHeaders() throws Exception {
        assertTrue(MISSING.isEmpty(), "constants no included header defines (add the header to HEADERS, or to NOT_IN_HEADERS with a reason): " + MISSING);
        int checked = 0;
        for (Field f : Consts.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || NOT_IN_HEADERS.contains(f.getName())) continue;
            long java = ((Number) f.get(null)).longValue();
            Long c = C.get("C " + f.getName());
            assertEquals(c, java, f.getName());
            checked++;
        }
        assertTrue(checked > 300, "only " + checked + " constants checked");
    }

    @Test
    void constantsOutsideTheHeaders() {
        assertEquals(115, Consts.IPPROTO_L2TP);      // IANA protocol numbers; linux/in.h
        assertEquals(0x100, Consts.NI_NUMERICSCOPE); // RFC 3493
        // include/net/scm.h: #define SCM_MAX_FD 253 (not exported to userspace headers)
        assertEquals(253, Consts.SCM_MAX_FD);
        // include/uapi/linux/icmpv6.h: #define ICMPV6_FILTER 1 (glibc's netinet/icmp6.h calls it ICMP6_FILTER)
        assertEquals(1, Consts.ICMPV6_FILTER);
    }

    /** Every {@link dev.rawsock.Errno}: its number from errno.h and its text from strerror(3), in the C locale. */
    @Test
    void errnoNamesNumbersAndTextsMatchTheHeaders() throws Exception {
        Path dir = Files.createTempDirectory("rawsock-errno");
        StringBuilder c = new StringBuilder("#include <errno.h>\n#include <stdio.h>\n#include <string.h>\nint main(void){\n");
        for (dev.rawsock.Errno e : dev.rawsock.Errno.values()) {
            c.append("  printf(\"%d|").append(e.name()).append("|%s\\n\", ").append(e.name()).append(", strerror(").append(e.name()).append("));\n");
        }
        for (String alias : List.of("EWOULDBLOCK", "EDEADLOCK", "ENOTSUP")) {
            c.append("  printf(\"%d|").append(alias).append("|%s\\n\", ").append(alias).append(", strerror(").append(alias).append("));\n");
        }
        c.append("return 0;}\n");
        Path src = dir.resolve("e.c"), exe = dir.resolve("e");
        Files.writeString(src, c);
        check(60, List.of("gcc", "-o", exe.toString(), src.toString()));
        int checked = 0;
        for (String line : check(60, List.of("env", "LC_ALL=C", exe.toString())).split("\n")) {
            String[] p = line.split("\\|", 3);
            dev.rawsock.Errno e = dev.rawsock.Errno.forName(p[1]).orElseThrow(() -> new AssertionError(p[1]));
            assertEquals(Integer.parseInt(p[0]), e.number(), p[1]);
            assertEquals(p[2], e.description(), p[1]);
            assertEquals(Integer.parseInt(p[0]), Errno.valueOf(p[1]), p[1]);
            checked++;
        }
        assertTrue(checked >= 130, "only " + checked + " errno names checked");
        // the internal names agree with the table, and numbers Linux leaves out keep their number
        for (int n = 1; n <= 140; n++) {
            int k = n;
            assertEquals(dev.rawsock.Errno.of(n).map(Enum::name).orElse("errno " + n), Errno.name(n));
            dev.rawsock.Errno.of(n).ifPresent(e -> assertEquals(k, e.number()));
        }
        assertEquals("errno 41", Errno.name(41));
    }
}
