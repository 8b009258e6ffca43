package dev.rawsock;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static dev.rawsock.TestSupport.addNetns;
import static dev.rawsock.TestSupport.deleteNetns;
import static dev.rawsock.TestSupport.ip;
import static dev.rawsock.TestSupport.javaInNetns;

/**
 * {@code ifaddrs}, link counters and IPv6 scope ids inside two network namespaces this test makes
 * and deletes: namespace A holds veth end {@code rsna0} with addresses the test sets with
 * {@code ip addr add}, namespace B the other end {@code rsnb0}. The Java side runs in A as a child
 * JVM ({@code ip netns exec A java ... NetnsProbeMain}) that sends a few UDP datagrams to B (so the
 * counters move), then prints what rawsock sees; the test compares that with {@code ip -j}.
 * No packet leaves the two namespaces.
 */
class NamesNetnsTest {
    static final String IF_A = "rsna0", IF_B = "rsnb0";
    static final int DATAGRAMS = 20;
    static String nsA, nsB;
    static List<String> lines;
    static Map<String, Object> linkBefore, linkAfter;
    static String childErr = "";

    @BeforeAll
    static void setUp() throws Exception {
        nsA = addNetns("rs-names-a-");
        String b = nsA.replace("rs-names-a-", "rs-names-b-");
        ip("netns", "add", b);  // A worked, so a failure here is one to see, not to skip
        nsB = b;
        ip("-n", nsA, "link", "add", IF_A, "type", "veth", "peer", "name", IF_B, "netns", nsB);
        // no kernel-made link-local address: the test's own addresses are all the interface has
        ip("-n", nsA, "link", "set", IF_A, "addrgenmode", "none");
        ip("-n", nsB, "link", "set", IF_B, "addrgenmode", "none");
        ip("-n", nsA, "addr", "add", "10.77.0.1/24", "brd", "+", "dev", IF_A);
        ip("-n", nsA, "addr", "add", "10.77.1.1", "peer", "10.77.1.2/32", "dev", IF_A);
        ip("-n", nsA, "addr", "add", "fe80::1/64", "dev", IF_A, "nodad");
        ip("-n", nsA, "addr", "add", "2001:db8:77::1/64", "dev", IF_A, "nodad");
        ip("-n", nsB, "addr", "add", "10.77.0.2/24", "dev", IF_B);
        ip("-n", nsA, "link", "set", "lo", "up");
        ip("-n", nsA, "link", "set", IF_A, "up");
        ip("-n", nsB, "link", "set", IF_B, "up");
        for (int i = 0; i < 100 && !"UP".equals(link(nsA, IF_A).get("operstate")); i++) Thread.sleep(50);
        assertEquals("UP", link(nsA, IF_A).get("operstate"), "veth did not come up");

        List<String> cmd = javaInNetns(nsA, NetnsProbeMain.class, IF_A, "10.77.0.2", Integer.toString(DATAGRAMS));
        Path err = Files.createTempFile("rs-netns-probe", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try {
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = in.readLine()) != null; ) q.add(l);
                } catch (IOException e) {
                    // the process went away; the queue simply ends
                }
                q.add("EOF");
            });
            reader.setDaemon(true);
            reader.start();
            assertEquals("READY", next(q, p, err));
            linkBefore = link(nsA, IF_A);
            try (OutputStream o = p.getOutputStream()) {
                o.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            List<String> got = new ArrayList<>();
            for (String l; !(l = next(q, p, err)).equals("END"); ) {
                assertNotEquals("EOF", l, () -> "child ended early: " + got + "\n" + read(err));
                got.add(l);
            }
            linkAfter = link(nsA, IF_A);
            lines = got;
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM did not exit");
            assertEquals(0, p.exitValue(), () -> read(err));
        } finally {
            p.destroyForcibly();
            childErr = read(err);
            Files.deleteIfExists(err);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        // deleting a namespace destroys the veth end in it, and with it the pair
        deleteNetns(nsA);
        deleteNetns(nsB);
    }

    @Test
    void ifaddrsGivesExactlyTheAddressesSet() {
        int index = ((Number) linkBefore.get("ifindex")).intValue();
        Set<String> expected = Set.of(
                String.join("\t", "AF_INET", "10.77.0.1", "255.255.255.0", "10.77.0.255", "-"),
                String.join("\t", "AF_INET", "10.77.1.1", "255.255.255.255", "10.77.1.2", "-"),
                String.join("\t", "AF_INET6", "fe80::1", "ffff:ffff:ffff:ffff::", "-", Integer.toString(index)),
                String.join("\t", "AF_INET6", "2001:db8:77::1", "ffff:ffff:ffff:ffff::", "-", "0"),
                String.join("\t", "AF_PACKET", (String) linkBefore.get("address"), "-", (String) linkBefore.get("broadcast"),
                        Integer.toString(index)));
        List<String> entries = new ArrayList<>();
        for (String[] f : rows("IFA")) {
            if (f[1].equals(IF_A)) entries.add(String.join("\t", Arrays.copyOfRange(f, 3, 8)));
        }
        assertEquals(expected.size(), entries.size(), () -> "entries of " + IF_A + ": " + entries + "\n" + childErr);
        assertEquals(expected, new HashSet<>(entries));
        assertEquals(List.of("INDEX", IF_A, Integer.toString(index)), List.of(rows("INDEX").get(0)));
    }

    @Test
    void flagsAgreeWithIp() {
        for (String[] f : rows("IFA")) {
            Map<String, Object> l = f[1].equals(IF_A) ? linkBefore : link(nsA, f[1]);
            assertEquals(expectedFlags(l), new TreeSet<>(Arrays.asList(f[2].split(","))), () -> String.join(" ", f));
        }
        Set<String> veth = new TreeSet<>(Arrays.asList(rows("IFA").stream().filter(f -> f[1].equals(IF_A))
                .findFirst().orElseThrow()[2].split(",")));
        assertTrue(veth.containsAll(Set.of("UP", "BROADCAST", "MULTICAST", "RUNNING", "LOWER_UP")), veth.toString());
    }

    @Test
    void flagFiltersInTheNamespace() {
        assertEquals("lo", rows("FILTER_LOOPBACK").get(0)[1]);
        assertEquals(IF_A, rows("FILTER_UP_BROADCAST").get(0)[1]);
        assertEquals("-", rows("FILTER_NONE").get(0)[1]);
        String names = rows("NAMES").get(0)[1];
        assertTrue(names.contains("=lo") && names.contains("=" + IF_A), names);
    }

    @Test
    void scopeIdsOfLinkLocalAddresses() {
        int index = ((Number) linkBefore.get("ifindex")).intValue();
        assertEquals(Integer.toString(index), rows("GAI").get(0)[1]);
        String[] gni = rows("GNI").get(0);
        assertEquals("fe80::1%" + IF_A, gni[1]);
        assertEquals("fe80::1%" + index, gni[2]);
    }

    @Test
    void linkStatsAgreeWithIp() {
        String[] s = rows("STATS").stream().filter(f -> f[1].equals(IF_A)).findFirst()
                .orElseThrow(() -> new AssertionError("no LinkStats for " + IF_A + ": " + lines));
        String[][] keys = {{"rx", "packets"}, {"tx", "packets"}, {"rx", "bytes"}, {"tx", "bytes"}, {"rx", "errors"},
                {"tx", "errors"}, {"rx", "dropped"}, {"tx", "dropped"}, {"rx", "multicast"}};
        for (int k = 0; k < keys.length; k++) {
            long java = Long.parseLong(s[2 + k]);
            long lo = stat(linkBefore, keys[k]), hi = stat(linkAfter, keys[k]);
            String what = keys[k][0] + "." + keys[k][1];
            assertTrue(lo <= java && java <= hi, what + ": ip said " + lo + " before and " + hi + " after, rawsock " + java);
        }
        assertTrue(Long.parseLong(s[3]) >= DATAGRAMS, "txPackets counts the datagrams sent: " + s[3]);
        assertTrue(Long.parseLong(s[5]) >= DATAGRAMS * 100L, "txBytes counts their payload: " + s[5]);
        assertTrue(Long.parseLong(s[2]) > 0, "rxPackets: the ARP reply at least: " + s[2]);
    }

    // ------------------------------------------------------------------ helpers

    /** The IfFlag names ip's flag list means: ip hides IFF_RUNNING and shows NO-CARRIER for UP without it. */
    @SuppressWarnings("unchecked")
    static Set<String> expectedFlags(Map<String, Object> link) {
        Set<String> out = new TreeSet<>();
        boolean noCarrier = false;
        for (Object o : (List<Object>) link.get("flags")) {
            String f = (String) o;
            if (f.equals("NO-CARRIER")) noCarrier = true;
            else out.add(IfFlag.valueOf(f).name());
        }
        if (out.contains("UP") && !noCarrier) out.add("RUNNING");
        return out;
    }

    @SuppressWarnings("unchecked")
    static long stat(Map<String, Object> link, String[] key) {
        Map<String, Object> s = (Map<String, Object>) link.get("stats64");
        return ((Number) ((Map<String, Object>) s.get(key[0])).get(key[1])).longValue();
    }

    static List<String[]> rows(String tag) {
        List<String[]> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split("\t", -1);
            if (f[0].equals(tag)) out.add(f);
        }
        assertFalse(out.isEmpty(), () -> "no " + tag + " line in " + lines + "\n" + childErr);
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> link(String ns, String ifname) {
        try {
            String out = ip("-n", ns, "-j", "-s", "link", "show", "dev", ifname);
            return (Map<String, Object>) ((List<Object>) new ObjectMapper().readValue(out, Object.class)).get(0);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static String next(BlockingQueue<String> q, Process p, Path err) throws InterruptedException {
        String l = q.poll(60, TimeUnit.SECONDS);
        if (l == null) throw new AssertionError("child JVM said nothing for 60 s; stderr: " + read(err));
        return l;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
