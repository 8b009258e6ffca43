package dev.rawsock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark for about a second (JMH in this JVM, one short iteration; the C baselines
 * for 0.2 s) and checks what the run writes: the JSON schema, a number in every column that
 * applies, null in the others, and the markdown table. No timing is asserted.
 */
class BenchSmokeTest {
    /** Columns each benchmark must fill; the rest of c/rawsock/nio/jna must be null. */
    static final Map<String, Set<String>> COLUMNS = Map.ofEntries(
            Map.entry("socketpair-pingpong", Set.of("c", "rawsock", "nio", "jna")),
            Map.entry("udp-loopback", Set.of("c", "rawsock", "nio", "jna")),
            Map.entry("udp-batch", Set.of("c", "rawsock")),
            Map.entry("udp-gso", Set.of("c", "rawsock")),
            Map.entry("checksum-64", Set.of("c", "rawsock")),
            Map.entry("checksum-1500", Set.of("c", "rawsock")),
            Map.entry("checksum-65536", Set.of("c", "rawsock")),
            Map.entry("capture-latency", Set.of("rawsock")),
            Map.entry("netty-udp-echo", Set.of("rawsock")),
            Map.entry("bpf-compile", Set.of("rawsock")),
            Map.entry("cli-startup", Set.of("rawsock")),
            Map.entry("sniff-print", Set.of("c", "rawsock")),
            Map.entry("capture-flood", Set.of("rawsock")));

    @Test
    void everyBenchmarkRunsAndTheResultFilesHaveTheSchema(@TempDir Path dir) throws Exception {
        Path cbin = compileBaselines(dir);
        Path out = dir.resolve("results");
        BenchMain.run(out, cbin, BenchMain.SMOKE, null);

        Object parsed = new ObjectMapper().readValue(Files.readString(out.resolve("latest.json")), Object.class);
        Map<?, ?> top = assertInstanceOf(Map.class, parsed);
        assertInstanceOf(String.class, top.get("machine"));
        assertTrue(((String) top.get("machine")).contains("cores"), "machine says what it is: " + top.get("machine"));
        List<?> benches = assertInstanceOf(List.class, top.get("benchmarks"));
        Set<String> names = new TreeSet<>();
        for (Object o : benches) {
            Map<?, ?> b = assertInstanceOf(Map.class, o);
            String name = assertInstanceOf(String.class, b.get("name"));
            names.add(name);
            assertInstanceOf(String.class, b.get("unit"), name);
            Set<String> want = COLUMNS.get(name);
            assertTrue(want != null, "unknown benchmark " + name);
            if (name.equals("sniff-print")) {
                // tcpdump in "c", sniff in "rawsock"; skipped (columns null) only where it cannot run
                if (b.get("skipped") != null) continue;
                for (String col : List.of("c", "rawsock", "tcpdump_drops", "rawsock_drops", "tcpdump_cpu_s_per_mpkt",
                        "rawsock_cpu_s_per_mpkt")) {
                    double v = assertInstanceOf(Number.class, b.get(col), name + "." + col).doubleValue();
                    assertTrue(v >= 0 && (v > 0 || col.endsWith("drops")), name + "." + col + " = " + v);
                }
                Map<?, ?> ratios = assertInstanceOf(Map.class, b.get("ratios"), name + " ratios");
                for (String k : List.of("rawsock_cpu_over_tcpdump", "rawsock_cpu_over_tcpdump_min", "rawsock_cpu_over_tcpdump_max"))
                    assertInstanceOf(Number.class, ratios.get(k), name + " ratios." + k);
                continue;
            }
            if (b.get("skipped") != null) {
                // capture-flood needs the C sender, tcpdump and network namespaces; it says why it did not run
                assertEquals("capture-flood", name, name + " skipped: " + b.get("skipped"));
                continue;
            }
            if (name.equals("capture-flood")) {
                for (String k : List.of("rawsock", "tcpdump", "rawsock_drops", "tcpdump_drops", "rawsock_cpu_s_per_mpkt",
                        "tcpdump_cpu_s_per_mpkt")) {
                    assertInstanceOf(Number.class, b.get(k), name + "." + k);
                }
                assertTrue(((Number) b.get("rawsock")).doubleValue() > 0, "rawsock captured the flood: " + b);
                assertTrue(((Number) b.get("tcpdump")).doubleValue() > 0, "tcpdump captured the flood: " + b);
                Map<?, ?> rounds = assertInstanceOf(Map.class, b.get("rounds"), name + ".rounds");
                for (String who : List.of("rawsock", "tcpdump")) {
                    for (Object w : assertInstanceOf(List.class, rounds.get(who + "_warm_up_floods"), who + "_warm_up_floods")) {
                        double n = ((Number) w).doubleValue();
                        assertTrue(n >= CaptureFlood.WARM_UP_FLOODS && n <= CaptureFlood.MAX_WARM_UP_FLOODS, who + " warmed up by " + n + " floods");
                    }
                }
                assertInstanceOf(Map.class, b.get("cpus"), name + ".cpus (where sender and capturer ran)");
                assertInstanceOf(Map.class, b.get("ratios"), name + " ratios");
                continue;
            }
            for (String col : List.of("c", "rawsock", "nio", "jna", "rawsock_alloc_bytes_per_op")) {
                assertTrue(b.containsKey(col), name + " has key " + col);
            }
            for (String col : List.of("c", "rawsock", "nio", "jna")) {
                if (want.contains(col) && !(col.equals("c") && cbin == null)) {
                    double v = assertInstanceOf(Number.class, b.get(col), name + "." + col).doubleValue();
                    assertTrue(v > 0, name + "." + col + " = " + v);
                } else if (!want.contains(col)) {
                    assertNull(b.get(col), name + "." + col + " does not apply");
                }
            }
            if (name.equals("netty-udp-echo")) {
                double netty = assertInstanceOf(Number.class, b.get("netty_epoll"), name + ".netty_epoll").doubleValue();
                assertTrue(netty > 0, name + ".netty_epoll = " + netty);
            }
            if (cbin != null && want.contains("c") && !name.startsWith("checksum") && !name.equals("udp-gso")) {
                double mt = assertInstanceOf(Number.class, b.get("c_multithreaded"), name + ".c_multithreaded").doubleValue();
                assertTrue(mt > 0, name + ".c_multithreaded = " + mt);
            }
            Map<?, ?> ratios = assertInstanceOf(Map.class, b.get("ratios"), name + " ratios");
            if (name.equals("cli-startup")) {
                // Processes, not JMH: no allocation figure; the JVM's own start is the reference.
                assertNull(b.get("rawsock_alloc_bytes_per_op"), name + " allocation does not apply");
                for (String col : List.of("jvm", "rawsock_dist")) {
                    double v = assertInstanceOf(Number.class, b.get(col), name + "." + col).doubleValue();
                    assertTrue(v > 0, name + "." + col + " = " + v);
                }
                assertInstanceOf(Number.class, ratios.get("rawsock_over_jvm"), name + " rawsock_over_jvm in " + ratios);
                continue;
            }
            double alloc = assertInstanceOf(Number.class, b.get("rawsock_alloc_bytes_per_op"), name + " alloc").doubleValue();
            assertTrue(alloc >= 0, name + " alloc " + alloc);
            for (Object k : ratios.keySet()) {
                String r = (String) k;
                if (r.endsWith("_min") || r.endsWith("_max")) continue;
                // every ratio has its spread over rounds beside it
                assertInstanceOf(Number.class, ratios.get(r + "_min"), name + " " + r + "_min");
                assertInstanceOf(Number.class, ratios.get(r + "_max"), name + " " + r + "_max");
            }
            if (want.contains("c") && cbin != null) assertTrue(ratios.containsKey("rawsock_over_c"), name + " rawsock_over_c: " + ratios);
            if (name.equals("udp-gso") && cbin != null) {
                assertInstanceOf(Number.class, b.get("c_sendmmsg"), name + ".c_sendmmsg");
                assertInstanceOf(Number.class, ratios.get("gso_over_sendmmsg"), name + " gso_over_sendmmsg");
                assertInstanceOf(Number.class, ratios.get("rawsock_gso_over_sendmmsg"), name + " rawsock_gso_over_sendmmsg");
            }
            if (name.startsWith("checksum")) {
                Map<?, ?> variants = assertInstanceOf(Map.class, b.get("rawsock_variants"), name + " variants");
                assertEquals(Set.of("rawsockArray", "rawsockByteBuffer"), variants.keySet(), name);
                assertTrue(ratios.containsKey("rawsockByteBuffer_over_best"), name + " " + ratios);
                if (cbin != null) assertInstanceOf(Number.class, b.get("c_native"), name + ".c_native");
            }
            assertInstanceOf(List.class, b.get("unreliable_ratios"), name + " unreliable_ratios");
        }
        Set<String> expected = new TreeSet<>();
        for (BenchMain.Bench b : BenchMain.BENCHES) expected.add(b.name());
        expected.add("sniff-print");
        assertEquals(expected, names, "every benchmark the driver knows is in the JSON");
        assertTrue(names.containsAll(Set.of("socketpair-pingpong", "udp-loopback")), names.toString());

        String md = Files.readString(out.resolve("latest.md"));
        assertTrue(md.contains("| benchmark | unit | C | rawsock | java.nio | JNA |"), md);
        assertTrue(md.contains("cli-startup rawsock ifaddrs/java -version: "), md);
        for (String n : names) assertTrue(md.contains("| " + n + " |"), n + " row in " + md);
    }

    /** The C baselines built as rawsock-bench/run builds them, or null (C column then null) without gcc. */
    private static Path compileBaselines(Path dir) throws Exception {
        Path src = Path.of("c").toAbsolutePath();
        if (!Files.isDirectory(src)) return null;
        Path bin = Files.createDirectories(dir.resolve("cbin"));
        if (!gcc(List.of("gcc", "-O2", "-pthread", "-o", bin.resolve("io").toString(), src.resolve("io.c").toString()))) return null;
        if (!gcc(List.of("gcc", "-O3", "-o", bin.resolve("checksum").toString(), src.resolve("checksum.c").toString()))) return null;
        if (!gcc(List.of("gcc", "-O3", "-march=native", "-o", bin.resolve("checksum-native").toString(),
                src.resolve("checksum.c").toString()))) return null;
        return bin;
    }

    private static boolean gcc(List<String> cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;  // no gcc here: the C column stays null, the rest is still checked
        }
    }
}
