package dev.rawsock.internal;

import dev.rawsock.TcpInfo;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.rawsock.TestSupport.check;
import static dev.rawsock.TestSupport.onPath;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What {@link CProbeTest} cannot see through glibc's headers: the kernel's {@code struct tcp_info}
 * (glibc's {@code <netinet/tcp.h>} has an older one and the two headers clash), its bitfields, the
 * TCP state names, and the kernel limits the option catalogue uses. The tcp_info probe sets every
 * field in C to a distinct value and dumps the bytes; the Java decoder must read each one back.
 */
class SockOptProbeTest {

    @Test
    void tcpInfoMatchesTheKernelHeaderFieldByField() throws Exception {
        assumeTrue(onPath("gcc"), "gcc is not installed: cannot check struct tcp_info");
        StringBuilder c = new StringBuilder("""
                #include <stddef.h>
                #include <stdio.h>
                #include <string.h>
                #include <netinet/ip.h>
                #include <linux/tcp.h>
                int main(void) {
                  struct tcp_info t; memset(&t, 0, sizeof t);
                  printf("S %zu\\n", sizeof t);
                  printf("C MAX_IPOPTLEN %d\\n", MAX_IPOPTLEN);
                """);
        Map<String, Long> set = new HashMap<>();
        int i = 0;
        for (MemoryLayout m : Layouts.TCP_INFO.memberLayouts()) {
            if (m instanceof PaddingLayout) continue;
            String f = m.name().orElseThrow();
            long v = (m.byteSize() == 1 ? 100 : m.byteSize() == 4 ? 0x01020300 : 0x0102030405060700L) + ++i;
            set.put(f, v);
            c.append("  t.").append(f).append(" = ").append(v).append("ULL;\n");
            c.append("  printf(\"O ").append(f).append(" %zu\\n\", offsetof(struct tcp_info, ").append(f).append("));\n");
        }
        // the bitfields, which have no offsetof
        c.append("""
                  t.tcpi_snd_wscale = 5; t.tcpi_rcv_wscale = 9;
                  t.tcpi_delivery_rate_app_limited = 1; t.tcpi_fastopen_client_fail = 2;
                  printf("B");
                  for (size_t k = 0; k < sizeof t; k++) printf(" %d", ((unsigned char *) &t)[k]);
                  printf("\\n");
                  return 0;
                }
                """);
        Path dir = Files.createTempDirectory("rawsock-tcpinfo");
        Path src = dir.resolve("p.c"), exe = dir.resolve("p");
        Files.writeString(src, c);
        check(60, List.of("gcc", "-o", exe.toString(), src.toString()));
        byte[] bytes = null;
        for (String line : check(60, List.of(exe.toString())).split("\n")) {
            String[] p = line.split(" ");
            switch (p[0]) {
                case "S" -> assertEquals(Long.parseLong(p[1]), Layouts.TCP_INFO.byteSize(), "sizeof(struct tcp_info)");
                case "O" -> assertEquals(Long.parseLong(p[2]), Layouts.off(Layouts.TCP_INFO, p[1]), "offsetof " + p[1]);
                case "C" -> assertEquals(Integer.parseInt(p[2]), constant("dev.rawsock.SockOpt", p[1]), p[1]);
                case "B" -> {
                    bytes = new byte[p.length - 1];
                    for (int k = 1; k < p.length; k++) bytes[k - 1] = (byte) Integer.parseInt(p[k]);
                }
                default -> throw new AssertionError(line);
            }
        }
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(bytes, 0, seg, JAVA_BYTE, 0, bytes.length);
        TcpInfo t = OptCodec.tcpInfo().decode(seg, bytes.length);
        int checked = 0;
        for (RecordComponent rc : TcpInfo.class.getRecordComponents()) {
            Object got = rc.getAccessor().invoke(t);
            String f = "tcpi_" + rc.getName().replaceAll("([A-Z])", "_$1").toLowerCase();
            switch (rc.getName()) {
                case "sndWscale" -> assertEquals(5, got);
                case "rcvWscale" -> assertEquals(9, got);
                case "deliveryRateAppLimited" -> assertEquals(true, got);
                case "fastopenClientFail" -> assertEquals(2, got);
                default -> {
                    Long v = set.get(f);
                    assertEquals(v, ((Number) got).longValue(), f);
                }
            }
            checked++;
        }
        assertEquals(TcpInfo.class.getRecordComponents().length, checked);
        // a shorter struct from an older kernel: the fields past its end read 0
        TcpInfo old = OptCodec.tcpInfo().decode(seg, 104);
        assertEquals(set.get("tcpi_total_retrans"), old.totalRetrans());
        assertEquals(0, old.pacingRate());
    }

    @Test
    void tcpStatesAndKernelLimits() throws Exception {
        assumeTrue(onPath("gcc"), "gcc is not installed");
        Path dir = Files.createTempDirectory("rawsock-tcpstates");
        Path src = dir.resolve("p.c"), exe = dir.resolve("p");
        Files.writeString(src, """
                #include <stdio.h>
                #include <netinet/tcp.h>
                int main(void) {
                  printf("%d %d %d %d %d %d %d %d %d %d %d\\n", TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV,
                         TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK,
                         TCP_LISTEN, TCP_CLOSING);
                  return 0;
                }
                """);
        check(60, List.of("gcc", "-o", exe.toString(), src.toString()));
        String[] v = check(60, List.of(exe.toString())).trim().split(" ");
        String[] names = {"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
                "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};
        for (int k = 0; k < names.length; k++) {
            TcpInfo t = OptCodec.tcpInfo().decode(stateSegment(Integer.parseInt(v[k])), 1);
            assertEquals(names[k], t.stateName());
        }
        // kernel-internal: include/net/tcp.h and include/net/ipv6.h (RFC 8200's 1280), no header to probe
        assertEquals(16, constant("dev.rawsock.SockOpt", "TCP_CA_NAME_MAX"));
        assertEquals(1280, constant("dev.rawsock.SockOpt", "IPV6_MIN_MTU"));
    }

    static MemorySegment stateSegment(int state) {
        MemorySegment s = Arena.ofAuto().allocate(Layouts.TCP_INFO.byteSize());
        s.set(JAVA_BYTE, 0, (byte) state);
        return s;
    }

    static int constant(String cls, String name) throws Exception {
        Field f = Class.forName(cls).getDeclaredField(name);
        f.setAccessible(true);
        return f.getInt(null);
    }
}
