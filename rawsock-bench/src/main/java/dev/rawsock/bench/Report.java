package dev.rawsock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the run's rows as latest.json and as latest.md (a table with ratios and the bar). */
final class Report {
    private Report() {}

    static final String STATISTIC = "best ~1 s window: JMH's best measurement iteration, the C baseline's best 1 s window"
            + " of its runs right before and after; means in \"means\"";

    /** Allocation below this many bytes per operation is JMH's own bookkeeping spread over the ops: zero. */
    static final double ZERO_ALLOC = 1.0;

    static String json(String machine, String mode, List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"machine\": ").append(value(machine)).append(",\n");
        sb.append("  \"mode\": ").append(value(mode)).append(",\n");
        sb.append("  \"statistic\": ").append(value(STATISTIC)).append(",\n");
        sb.append("  \"date\": ").append(value(BenchMain.now())).append(",\n");
        sb.append("  \"benchmarks\": [");
        for (int i = 0; i < rows.size(); i++) {
            sb.append(i == 0 ? "\n    " : ",\n    ").append(value(withRatios(rows, rows.get(i))));
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    /** The row plus a "ratios" object: rawsock over each other column present. */
    private static Map<String, Object> withRatios(List<Map<String, Object>> rows, Map<String, Object> row) {
        Map<String, Object> r = new java.util.LinkedHashMap<>(row);
        Map<String, Object> ratios = new java.util.LinkedHashMap<>();
        for (String col : List.of("c", "nio", "jna", "bare_ffm", "c_multithreaded", "netty_epoll", "jvm", "ip")) {
            Double v = ratio(row.get("rawsock"), row.get(col));
            if (v != null) ratios.put("rawsock_over_" + col, round(v));
        }
        if ("udp-batch".equals(row.get("name"))) {
            Double v = ratio(row.get("rawsock"), find(rows, "udp-loopback", "rawsock"));
            if (v != null) ratios.put("rawsock_over_rawsock_udp_loopback", round(v));
        }
        r.put("ratios", ratios);
        return r;
    }

    static Object find(List<Map<String, Object>> rows, String name, String col) {
        for (Map<String, Object> row : rows) if (name.equals(row.get("name"))) return row.get(col);
        return null;
    }

    static Double ratio(Object a, Object b) {
        if (!(a instanceof Double x) || !(b instanceof Double y) || y == 0) return null;
        return x / y;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static String value(Object v) {
        if (v == null) return "null";
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) return "null";
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%.3f", d);
        }
        if (v instanceof Number n) return n.toString();
        if (v instanceof Boolean b) return b.toString();
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (sb.length() > 1) sb.append(", ");
                sb.append(value(e.getKey())).append(": ").append(value(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                if (sb.length() > 1) sb.append(", ");
                sb.append(value(o));
            }
            return sb.append(']').toString();
        }
        String s = v.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    static String markdown(String machine, String mode, List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("# rawsock benchmarks\n\n");
        sb.append("Machine: ").append(machine).append("  \n");
        sb.append("Run: `rawsock-bench/run").append("quick".equals(mode) ? " --quick" : "smoke".equals(mode) ? "` (smoke test)" : "")
                .append("smoke".equals(mode) ? "" : "`").append(", ").append(BenchMain.now())
                .append(". Every column below was measured in this one run; C ran right before and after each benchmark's JMH runs."
                        + " Each value is the best ~1 s window (JMH's best iteration, C's best 1 s window): the machine is shared,"
                        + " and load only slows a window down. Means are in latest.json.\n\n");
        sb.append("| benchmark | unit | C | rawsock | java.nio | JNA | rawsock/C | rawsock/nio | rawsock/JNA | rawsock B/op |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            sb.append("| ").append(r.get("name")).append(" | ").append(r.get("unit"))
                    .append(" | ").append(num(r.get("c"))).append(" | ").append(num(r.get("rawsock")))
                    .append(" | ").append(num(r.get("nio"))).append(" | ").append(num(r.get("jna")))
                    .append(" | ").append(x(ratio(r.get("rawsock"), r.get("c"))))
                    .append(" | ").append(x(ratio(r.get("rawsock"), r.get("nio"))))
                    .append(" | ").append(x(ratio(r.get("rawsock"), r.get("jna"))))
                    .append(" | ").append(bytes(r.get("rawsock_alloc_bytes_per_op"))).append(" |\n");
        }
        List<String> extra = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (r.get("rawsock_variants") instanceof Map<?, ?> vs) {
                for (Map.Entry<?, ?> e : vs.entrySet()) {
                    Map<?, ?> v = (Map<?, ?>) e.getValue();
                    extra.add(String.format(Locale.ROOT, "- %s, rawsock called as `%s`: %s %s (%s of C), %s B/op",
                            r.get("name"), e.getKey(), num(v.get("score")), r.get("unit"),
                            x(ratio(v.get("score"), r.get("c"))), bytes(v.get("alloc_bytes_per_op"))));
                }
            }
            diagnostic(extra, r, "bare_ffm", "bare FFM downcalls with errno capture (rawsock's floor, diagnostic)", "bare FFM");
            diagnostic(extra, r, "bare_ffm_critical", "bare FFM with critical handles (as rawsock's owned fds, diagnostic)", "that");
            diagnostic(extra, r, "netty_epoll", "Netty's own EpollDatagramChannel, same echo pipeline and loop", "Netty");
            diagnostic(extra, r, "c_multithreaded", "C with an idle second thread (fd table shared, as in every JVM; diagnostic)", "that");
            if (r.get("c_best_before_after") instanceof List<?> l && l.size() == 2) {
                extra.add(String.format(Locale.ROOT, "- %s C best window before/after the JMH runs: %s / %s", r.get("name"), num(l.get(0)), num(l.get(1))));
            }
            if (r.get("tcpdump_drop_pct") instanceof Double t && r.get("rawsock_drop_pct") instanceof Double d) {
                extra.add(String.format(Locale.ROOT, "- %s at %s packets/s: packets never printed, tcpdump %.2f%%, rawsock sniff %.2f%% of %s",
                        r.get("name"), num(r.get("rate_pps")), t, d, num(r.get("packets"))));
            }
            if (r.get("means") instanceof Map<?, ?> m && m.get("c") != null && m.get("rawsock") != null) {
                extra.add(String.format(Locale.ROOT, "- %s means over whole runs: C %s, rawsock %s (%s)", r.get("name"),
                        num(m.get("c")), num(m.get("rawsock")), x(ratio(m.get("rawsock"), m.get("c")))));
            }
        }
        if (!extra.isEmpty()) sb.append("\n").append(String.join("\n", extra)).append("\n");
        sb.append("\n## Against the bar\n\n");
        for (Map<String, Object> r : rows) {
            String name = (String) r.get("name");
            switch (name) {
                case "socketpair-pingpong", "udp-loopback" -> {
                    bar(sb, name + " rawsock/C", ratio(r.get("rawsock"), r.get("c")), 0.9);
                    bar(sb, name + " rawsock/java.nio", ratio(r.get("rawsock"), r.get("nio")), 1.0);
                    bar(sb, name + " rawsock/JNA", ratio(r.get("rawsock"), r.get("jna")), 2.0);
                    Object a = r.get("rawsock_alloc_bytes_per_op");
                    sb.append("- ").append(name).append(" rawsock allocation: ").append(bytes(a)).append(" B/op ")
                            .append(a instanceof Double d ? (d < ZERO_ALLOC ? "(ok: 0)" : "(SHORT: want 0)") : "(not measured)").append('\n');
                }
                case "udp-batch" -> {
                    bar(sb, name + " rawsock/rawsock udp-loopback", ratio(r.get("rawsock"), find(rows, "udp-loopback", "rawsock")), 1.15);
                    bar(sb, name + " rawsock/C", ratio(r.get("rawsock"), r.get("c")), 0.9);
                }
                case "checksum-1500" -> bar(sb, name + " rawsock/C", ratio(r.get("rawsock"), r.get("c")), 0.8);
                // CPU per packet is lower-is-better: tcpdump's over sniff's, so that >= 1 means sniff spends no more
                case "sniff-print" -> {
                    bar(sb, name + " tcpdump CPU/rawsock sniff CPU", ratio(r.get("c"), r.get("rawsock")), 1.0);
                    if (r.get("tcpdump_drop_pct") instanceof Double t && r.get("rawsock_drop_pct") instanceof Double d)
                        sb.append("- ").append(name).append(" drops: rawsock sniff ").append(String.format(Locale.ROOT, "%.2f%%", d))
                                .append(", tcpdump ").append(String.format(Locale.ROOT, "%.2f%%", t))
                                .append(d <= t ? " ok (no more than tcpdump)" : " SHORT (more than tcpdump)").append('\n');
                }
                case "netty-udp-echo" -> bar(sb, name + " RawChannel/Netty EpollDatagramChannel",
                        ratio(r.get("rawsock"), r.get("netty_epoll")), 0.9);
                case "cli-startup" -> {
                    // Time, lower is better: the bar is a most.
                    Double x = ratio(r.get("rawsock"), r.get("jvm"));
                    sb.append(String.format(Locale.ROOT, "- %s rawsock ifaddrs/java -version: %s (want <= 4.00x) %s; %s ms against %s ms,"
                                    + " bin/rawsock alone %s ms, ip -br addr %s ms, AOT cache %s%n", name, x(x),
                            x == null ? "(not measured)" : x <= 4.0 ? "ok" : "SHORT", num(r.get("rawsock")), num(r.get("jvm")),
                            num(r.get("rawsock_dist")), num(r.get("ip")), Boolean.TRUE.equals(r.get("aot_cache")) ? "used" : "absent"));
                }
                default -> { }
            }
        }
        return sb.toString();
    }

    /** A note line for a diagnostic column {@code key} of row {@code r}, when it was measured: its score and how rawsock and C compare with it. */
    private static void diagnostic(List<String> extra, Map<String, Object> r, String key, String label, String that) {
        if (r.get(key) instanceof Double v) {
            extra.add(String.format(Locale.ROOT, "- %s, %s: %s %s; rawsock/%s %s, %s/C %s", r.get("name"), label, num(v), r.get("unit"),
                    that, x(ratio(r.get("rawsock"), v)), that, x(ratio(v, r.get("c")))));
        }
    }

    private static void bar(StringBuilder sb, String what, Double ratio, double want) {
        sb.append("- ").append(what).append(": ").append(x(ratio)).append(" (want >= ")
                .append(String.format(Locale.ROOT, "%.2fx", want)).append(") ")
                .append(ratio == null ? "(not measured)" : ratio >= want ? "ok" : "SHORT").append('\n');
    }

    private static String num(Object v) {
        if (!(v instanceof Double d)) return "–";
        if (d >= 1000) return String.format(Locale.ROOT, "%,.0f", d);
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String bytes(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : "–";
    }

    private static String x(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.2fx", r);
    }
}
