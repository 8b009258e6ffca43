package dev.rawsock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the run's rows as latest.json and as latest.md (a table with ratios and the bar). */
final class Report {
    private Report() {}

    static final String STATISTIC = "median over interleaved rounds (each round runs every column once, order rotated);"
            + " ratios are medians of per-round ratios with their spread as <ratio>_min/<ratio>_max; per-round values in"
            + " \"rounds\", means in \"means\"";

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

    /**
     * The row with its paired ratios rounded, plus the one ratio across benchmarks (udp-batch over
     * udp-loopback, not paired: their rounds ran minutes apart; its spread pairs rounds by index).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withRatios(List<Map<String, Object>> rows, Map<String, Object> row) {
        Map<String, Object> r = new java.util.LinkedHashMap<>(row);
        Map<String, Object> ratios = new java.util.LinkedHashMap<>();
        if (row.get("ratios") instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                ratios.put(e.getKey(), e.getValue() instanceof Double d ? round(d) : e.getValue());
            }
        } else {
            // Rows measured once as whole processes (cli-startup): plain ratios, no rounds.
            for (String col : List.of("jvm", "ip")) {
                Double v = ratio(row.get("rawsock"), row.get(col));
                if (v != null) ratios.put("rawsock_over_" + col, round(v));
            }
        }
        if ("udp-batch".equals(row.get("name")) && find(rows, "udp-loopback", "rounds") instanceof Map<?, ?> lo
                && row.get("rounds") instanceof Map<?, ?> mine) {
            Map<String, Object> cross = new java.util.LinkedHashMap<>();
            BenchMain.paired(cross, "rawsock_over_rawsock_udp_loopback", (List<Double>) mine.get("rawsock"),
                    (List<Double>) lo.get("rawsock"), BenchMain.BENCHES.get(0));
            cross.replaceAll((k, v) -> round((Double) v));
            ratios.putAll(cross);
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
                .append(". Every benchmark ran in interleaved rounds: each round measures every column once (C, C with an idle"
                        + " thread, bare FFM, each rawsock variant, java.nio, JNA), the order rotated by one column per round."
                        + " Values are medians over rounds; a ratio is the median of the ratios within each round, with its"
                        + " spread (min-max) in brackets. A ratio whose spread is wider than "
                        + Math.round(BenchMain.UNRELIABLE_SPREAD * 100) + "% is marked **unreliable** and not to be quoted.\n\n");
        sb.append("| benchmark | unit | C | rawsock | java.nio | JNA | rawsock/C | rawsock/C idle thread | rawsock/bare FFM"
                + " | rawsock/nio | rawsock/JNA | rawsock B/op |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            sb.append("| ").append(r.get("name")).append(" | ").append(r.get("unit"))
                    .append(" | ").append(num(r.get("c"))).append(" | ").append(num(r.get("rawsock")))
                    .append(" | ").append(num(r.get("nio"))).append(" | ").append(num(r.get("jna")));
            for (String col : List.of("c", "c_multithreaded", "bare_ffm", "nio", "jna")) {
                sb.append(" | ").append(paired(r, "rawsock_over_" + col));
            }
            sb.append(" | ").append(bytes(r.get("rawsock_alloc_bytes_per_op"))).append(" |\n");
        }
        List<String> extra = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (r.get("rawsock_variants") instanceof Map<?, ?> vs) {
                for (Map.Entry<?, ?> e : vs.entrySet()) {
                    Map<?, ?> v = (Map<?, ?>) e.getValue();
                    extra.add(String.format(Locale.ROOT, "- %s, rawsock called as `%s`: %s %s, %s B/op; over the best variant %s",
                            r.get("name"), e.getKey(), num(v.get("score")), r.get("unit"), bytes(v.get("alloc_bytes_per_op")),
                            paired(r, e.getKey() + "_over_best")));
                }
                if (ratios(r).containsKey("rawsock_over_best"))
                    extra.add("- " + r.get("name") + ", `rawsock` over the best variant: " + paired(r, "rawsock_over_best"));
            }
            diagnostic(extra, r, "bare_ffm", "bare FFM downcalls with errno capture (rawsock's floor, diagnostic)");
            diagnostic(extra, r, "bare_ffm_critical", "bare FFM with critical handles (diagnostic)");
            diagnostic(extra, r, "netty_epoll", "Netty's own EpollDatagramChannel, same echo pipeline and loop");
            diagnostic(extra, r, "c_multithreaded", "C with an idle second thread (fd table shared, as in every JVM)");
            diagnostic(extra, r, "c_native", "C built with -O3 -march=native");
            if (r.get("tcpdump_drop_pct") instanceof Double t && r.get("rawsock_drop_pct") instanceof Double d) {
                extra.add(String.format(Locale.ROOT, "- %s at %s packets/s: packets never printed, tcpdump %.2f%%, rawsock sniff %.2f%% of %s",
                        r.get("name"), num(r.get("rate_pps")), t, d, num(r.get("packets"))));
            }
            for (String k : List.of("gso_over_sendmmsg", "rawsock_gso_over_sendmmsg", "rawsock_over_rawsock_udp_loopback",
                    "rawsock_cpu_over_tcpdump")) {
                if (ratios(r).containsKey(k)) extra.add("- " + r.get("name") + " " + k + ": " + paired(r, k));
            }
        }
        if (!extra.isEmpty()) sb.append("\n").append(String.join("\n", extra)).append("\n");
        sb.append("\n## Against the bar\n\n");
        for (Map<String, Object> r : rows) {
            String name = (String) r.get("name");
            switch (name) {
                case "socketpair-pingpong", "udp-loopback" -> {
                    bar(sb, r, "rawsock_over_bare_ffm", 0.97);
                    bar(sb, r, "rawsock_over_c_multithreaded", 0.93);
                    bar(sb, r, "rawsock_over_nio", 1.0);
                    variantsBar(sb, r);
                    Object a = r.get("rawsock_alloc_bytes_per_op");
                    sb.append("- ").append(name).append(" rawsock allocation: ").append(bytes(a)).append(" B/op ")
                            .append(a instanceof Double d ? (d < ZERO_ALLOC ? "(ok: 0)" : "(SHORT: want 0)") : "(not measured)").append('\n');
                }
                case "udp-batch" -> bar(sb, r, "rawsock_over_c_multithreaded", 0.9);
                case "udp-gso" -> bar(sb, r, "rawsock_over_c", 0.95);
                case "checksum-64", "checksum-1500", "checksum-65536" -> {
                    bar(sb, r, "rawsock_over_c", 0.8);
                    variantsBar(sb, r);
                }
                case "netty-udp-echo" -> bar(sb, r, "rawsock_over_netty_epoll", 0.9);
                case "capture-flood" -> {
                    bar(sb, r, "rawsock_cpu_over_tcpdump", 1.0);
                    sb.append("- capture-flood drops: rawsock ").append(num(r.get("rawsock_drops"))).append(", tcpdump ")
                            .append(num(r.get("tcpdump_drops"))).append(" (want 0 where tcpdump has 0)\n");
                }
                case "sniff-print" -> {
                    bar(sb, r, "rawsock_cpu_over_tcpdump", 1.0);
                    if (r.get("tcpdump_drop_pct") instanceof Double t && r.get("rawsock_drop_pct") instanceof Double d)
                        sb.append("- ").append(name).append(" drops: rawsock sniff ").append(String.format(Locale.ROOT, "%.2f%%", d))
                                .append(", tcpdump ").append(String.format(Locale.ROOT, "%.2f%%", t))
                                .append(d <= t ? " ok (no more than tcpdump)" : " SHORT (more than tcpdump)").append('\n');
                }
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ratios(Map<String, Object> r) {
        return r.get("ratios") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A paired ratio as "0.95x (0.93-0.97)", "unreliable" appended when its spread is too wide; "–" when absent. */
    static String paired(Map<String, Object> r, String name) {
        Map<String, Object> q = ratios(r);
        if (!(q.get(name) instanceof Double m)) return "–";
        String s = x(m);
        if (q.get(name + "_min") instanceof Double lo && q.get(name + "_max") instanceof Double hi && !lo.equals(hi)) {
            s += String.format(Locale.ROOT, " (%.2f-%.2f)", lo, hi);
        }
        return BenchMain.reliable(q, name) ? s : s + " **unreliable**";
    }

    /** Every rawsock variant within 5% of the best one in its round. */
    private static void variantsBar(StringBuilder sb, Map<String, Object> r) {
        for (String k : ratios(r).keySet()) {
            if (k.endsWith("_over_best")) bar(sb, r, k, 0.95);
        }
    }

    /** A note line for a diagnostic column {@code key} of row {@code r}, when it was measured. */
    private static void diagnostic(List<String> extra, Map<String, Object> r, String key, String label) {
        if (r.get(key) instanceof Double v) {
            extra.add(String.format(Locale.ROOT, "- %s, %s: %s %s; rawsock over it %s", r.get("name"), label, num(v), r.get("unit"),
                    paired(r, "rawsock_over_" + key)));
        }
    }

    static void bar(StringBuilder sb, Map<String, Object> r, String ratio, double want) {
        Map<String, Object> q = ratios(r);
        boolean lower = ratio.endsWith("_cpu_over_tcpdump");
        sb.append("- ").append(r.get("name")).append(' ').append(ratio).append(": ").append(paired(r, ratio))
                .append(lower ? " (want <= " : " (want >= ").append(String.format(Locale.ROOT, "%.2fx", want)).append(") ");
        if (!(q.get(ratio) instanceof Double v)) sb.append("(not measured)");
        else if (BenchMain.reliable(q, ratio)) sb.append(meets(v, want, lower) ? "ok" : "SHORT");
        else {
            // Too wide to quote the median, but when the whole spread lies on one side of the bar,
            // every round agrees on the verdict: that is judged; a spread across the bar is not.
            double lo = (Double) q.get(ratio + "_min"), hi = (Double) q.get(ratio + "_max");
            boolean allMeet = meets(lo, want, lower) && meets(hi, want, lower);
            boolean noneMeet = !meets(lo, want, lower) && !meets(hi, want, lower);
            sb.append(allMeet ? "ok in every round" : noneMeet ? "SHORT in every round" : "(unreliable: not judged)");
        }
        sb.append('\n');
    }

    private static boolean meets(double v, double want, boolean lower) {
        return lower ? v <= want : v >= want;
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
