package dev.rawsock.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code rawsock sniff -r} against {@code tcpdump -n -r} on captures of real traffic made here: three
 * namespaces in a row (near, router, far) joined by veth pairs; ping (with fragments), traceroute, a
 * TCP transfer, DNS to a small responder, ARP and neighbour discovery, and hand-made frames (VLAN
 * tags, protocols tcpdump only names, truncated and bad-length IP). Captured by tcpdump on the near
 * veth, by tcpdump on {@code any} (Linux cooked v2) and by dumpcap; the Ethernet capture is also
 * rewritten to the bare-IP and loopback link types. Every option that changes the output is compared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SniffDifferentialTest {
    static final String NEAR4 = "10.9.0.1", ROUTER4 = "10.9.0.2", ROUTER4B = "10.9.1.1", FAR4 = "10.9.1.2";
    static final String NEAR6 = "fd09::1", ROUTER6 = "fd09::2", ROUTER6B = "fd09:1::1", FAR6 = "fd09:1::2";

    Path dir;
    final Map<String, Path> captures = new LinkedHashMap<>();

    @BeforeAll
    void capture() throws Exception {
        assumeTrue(Cli.canNetns() && Cli.have("tcpdump"), "needs root, ip and tcpdump");
        String keep = System.getProperty("sniff.captures");
        dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("rs-sniff-diff");
        try (Cli.Netns near = new Cli.Netns("near"); Cli.Netns router = new Cli.Netns("router"); Cli.Netns far = new Cli.Netns("far")) {
            Cli.Result r = Cli.sh("ip", "link", "add", "va", "netns", near.name, "type", "veth", "peer", "name", "vb", "netns", router.name);
            assertEquals(0, r.rc(), r::toString);
            r = Cli.sh("ip", "link", "add", "vc", "netns", router.name, "type", "veth", "peer", "name", "vd", "netns", far.name);
            assertEquals(0, r.rc(), r::toString);
            for (Cli.Netns n : List.of(near, router, far)) {
                n.must("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
                n.must("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
            }
            router.must("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            router.must("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            setup(near, "va", NEAR4, NEAR6, ROUTER4, ROUTER6);
            setup(router, "vb", ROUTER4, ROUTER6, null, null);
            setup(router, "vc", ROUTER4B, ROUTER6B, null, null);
            setup(far, "vd", FAR4, FAR6, ROUTER4B, ROUTER6B);

            Path eth = dir.resolve("eth.pcap"), any = dir.resolve("any.pcap"), dump = dir.resolve("dumpcap.pcap");
            List<Process> capturers = new ArrayList<>();
            capturers.add(start(near, dir.resolve("tcpdump-eth.err"), "tcpdump", "-i", "va", "--immediate-mode", "-B", "8192", "-U", "-w", eth.toString()));
            capturers.add(start(near, dir.resolve("tcpdump-any.err"), "tcpdump", "-i", "any", "--immediate-mode", "-B", "8192", "-U", "-w", any.toString()));
            boolean dumpcap = Cli.have("dumpcap");
            if (dumpcap) capturers.add(start(near, dir.resolve("dumpcap.err"), "dumpcap", "-q", "-P", "-i", "va", "-w", dump.toString()));
            Process server = null;
            try {
                for (String err : List.of("tcpdump-eth.err", "tcpdump-any.err")) Cli.awaitContains(dir.resolve(err), "listening on");
                if (dumpcap) Cli.awaitContains(dir.resolve("dumpcap.err"), "Capturing on");
                Path serverOut = dir.resolve("server.out");
                server = new ProcessBuilder(javaIn(far, "server", FAR4, FAR6)).redirectOutput(serverOut.toFile())
                        .redirectError(dir.resolve("server.err").toFile()).start();
                Cli.awaitContains(serverOut, "ready");
                Cli.Result c = Cli.exec(javaIn(near, "client", "va", FAR4, FAR6, NEAR4, NEAR6), Duration.ofSeconds(120));
                assertEquals(0, c.rc(), c::toString);
                Files.writeString(dir.resolve("client.log"), c.toString());
                for (Path f : dumpcap ? List.of(eth, any, dump) : List.of(eth, any)) Cli.awaitContains(f, SniffTraffic.END);
            } finally {
                if (server != null) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                for (Process p : capturers) {
                    p.destroy();  // SIGTERM: both write out what they hold and exit
                    if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
                }
            }
            captures.put("eth", eth);
            captures.put("any", any);
            if (dumpcap) captures.put("dumpcap", dump);
            captures.put("raw", relink(eth, dir.resolve("raw.pcap"), 101));
            captures.put("ipv4", relink(eth, dir.resolve("ipv4.pcap"), 228));
            captures.put("null", relink(eth, dir.resolve("null.pcap"), 0));
            captures.put("loop", relink(eth, dir.resolve("loop.pcap"), 108));
        }
    }

    @AfterAll
    void cleanUp() {
        if (dir != null && System.getProperty("sniff.captures") == null) Cli.deleteTree(dir);
    }

    private static void setup(Cli.Netns ns, String dev, String a4, String a6, String gw4, String gw6) {
        ns.must("ip", "addr", "add", a4 + "/24", "dev", dev);
        ns.must("ip", "addr", "add", a6 + "/64", "dev", dev, "nodad");
        ns.must("ip", "link", "set", dev, "up");
        if (gw4 != null) ns.must("ip", "route", "add", "default", "via", gw4);
        if (gw6 != null) ns.must("ip", "-6", "route", "add", "default", "via", gw6);
    }

    private static Process start(Cli.Netns ns, Path err, String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns.name));
        all.addAll(List.of(cmd));
        return new ProcessBuilder(all).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    }

    private static List<String> javaIn(Cli.Netns ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name, Cli.java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SniffTraffic.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The Ethernet capture with each record's Ethernet header replaced by what {@code linktype} starts
     * with: nothing (RAW, IPV4: only the IPv4 records), or a 4-byte address family (NULL host order, LOOP
     * network order). Frames that are neither IPv4 nor IPv6 are dropped.
     */
    static Path relink(Path eth, Path out, int linktype) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(eth)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt(0), "tcpdump writes little-endian microsecond pcap here");
        ByteBuffer o = ByteBuffer.allocate(in.capacity() + 4096).order(ByteOrder.LITTLE_ENDIAN);
        o.put(in.array(), 0, 24).putInt(20, linktype);
        in.position(24);
        while (in.remaining() >= 16) {
            int sec = in.getInt(), usec = in.getInt(), incl = in.getInt(), orig = in.getInt();
            byte[] d = new byte[incl];
            in.get(d);
            if (incl < 14) continue;
            int type = (d[12] & 0xFF) << 8 | (d[13] & 0xFF);
            if (type != 0x0800 && type != 0x86DD) continue;
            if (linktype == 228 && type != 0x0800) continue;
            byte[] head = new byte[0];
            if (linktype == 0 || linktype == 108) {
                int af = type == 0x0800 ? 2 : 24;  // BSD numbering, as tcpdump reads DLT_NULL
                head = linktype == 0 ? new byte[] {(byte) af, 0, 0, 0} : new byte[] {0, 0, 0, (byte) af};
            }
            o.putInt(sec).putInt(usec).putInt(incl - 14 + head.length).putInt(orig - 14 + head.length).put(head).put(d, 14, incl - 14);
        }
        Files.write(out, java.util.Arrays.copyOf(o.array(), o.position()));
        return out;
    }

    // ---------------------------------------------------------------- comparisons

    static final List<List<String>> OPTIONS = List.of(List.of(), List.of("-e"), List.of("-x"), List.of("-xx"), List.of("-X"),
            List.of("-XX"), List.of("-A"), List.of("-q"), List.of("-t"), List.of("-tt"), List.of("-ttt"), List.of("-tttt"),
            List.of("-ttttt"), List.of("-#"), List.of("-S"), List.of("-v"), List.of("-e", "-q"), List.of("-q", "-t", "-#"),
            List.of("-c", "40"), List.of("-e", "-ttt", "-#", "-S"));

    /**
     * How a packet's first line starts when it starts with white space: -# pads the number ("    1  "),
     * -ttt and -ttttt pad the delta (" 00:00:00.000052 "). A -v continuation line starts with four
     * spaces and an address, a dump line with a tab.
     */
    static final java.util.regex.Pattern PADDED_START = java.util.regex.Pattern.compile("^ *\\d+  .*|^ \\d\\d:\\d\\d:\\d\\d\\.\\d{6} .*");

    /** Lines grouped per packet: a line that starts with white space (hex dumps, -v detail) continues the one before. */
    static List<String> packets(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            boolean continues = l.isEmpty() || Character.isWhitespace(l.charAt(0)) && !PADDED_START.matcher(l).matches();
            if (!out.isEmpty() && continues) out.set(out.size() - 1, out.getLast() + "\n" + l);
            else out.add(l);
        }
        return out;
    }

    /** tcpdump's and sniff's packets for one capture and option set; counts and first differences in {@code report}. */
    private int[] compare(String name, List<String> opts, StringBuilder report) {
        Path f = captures.get(name);
        List<String> t = new ArrayList<>(List.of("env", "TZ=UTC", "tcpdump", "-n", "-r", f.toString()));
        t.addAll(opts);
        Cli.Result want = Cli.exec(t, Duration.ofSeconds(60));
        assertEquals(0, want.rc(), want::toString);
        List<String> s = new ArrayList<>(List.of("sniff", "-n", "-r", f.toString()));
        s.addAll(opts);
        Cli.Result got = inUtc(() -> Cli.run(s.toArray(String[]::new)));
        assertEquals(0, got.rc(), got::toString);
        List<String> w = packets(want.outLines()), g = packets(got.outLines());
        int same = 0, bodies = 0, shown = 0;
        for (int i = 0; i < Math.max(w.size(), g.size()); i++) {
            String a = i < w.size() ? w.get(i) : "<none>", b = i < g.size() ? g.get(i) : "<none>";
            if (a.equals(b)) same++;
            else if (opts.contains("-v") && (a.contains(": PIMv2, ") || a.contains(": OSPFv2, "))) bodies++;
            if (!a.equals(b) && shown++ < 40) report.append(name).append(' ').append(opts).append(" packet ").append(i + 1)
                    .append("\n  tcpdump: ").append(a).append("\n  sniff:   ").append(b).append('\n');
        }
        return new int[] {same, Math.max(w.size(), g.size()), bodies};
    }

    /** sniff runs in this JVM: its local time is the JVM's default zone, UTC while {@code run} runs, as tcpdump's under TZ=UTC. */
    private static <T> T inUtc(java.util.function.Supplier<T> run) {
        java.util.TimeZone was = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        try {
            return run.get();
        } finally {
            java.util.TimeZone.setDefault(was);
        }
    }

    /**
     * Every capture under every option: each packet's text (its line and any continuation lines)
     * must equal tcpdump's, except under {@code -v} for PIM and OSPF packets, whose bodies tcpdump
     * decodes and sniff leaves at their first words.
     */
    @Test
    void everyCaptureAndOptionAgreesWithTcpdump() throws IOException {
        StringBuilder report = new StringBuilder();
        StringBuilder summary = new StringBuilder();
        int same = 0, all = 0, vSame = 0, vAll = 0, vBodies = 0;
        for (String name : captures.keySet()) {
            for (List<String> opts : OPTIONS) {
                int[] r = compare(name, opts, report);
                if (opts.contains("-v")) {
                    vSame += r[0];
                    vAll += r[1];
                    vBodies += r[2];
                } else {
                    same += r[0];
                    all += r[1];
                }
                summary.append(String.format("%-8s %-16s %5d/%5d%n", name, String.join(" ", opts), r[0], r[1]));
            }
        }
        String text = summary + "without -v: " + same + "/" + all + " packets print the same; with -v: " + vSame + "/" + vAll + " (" + vBodies
                + " differ: PIM and OSPF bodies)\n";
        Files.writeString(dir.resolve("agreement.txt"), text + "\n" + report);
        System.out.println(text);
        assertTrue(all > 1000, "the captures hold too few packets: " + all);
        assertEquals(all, same, () -> text + "\n" + report);
        assertEquals(vAll, vSame + vBodies, () -> "under -v only PIM and OSPF may differ\n" + text + "\n" + report);
    }
}
