package dev.rawsock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.rawsock.TestSupport.addNetns;
import static dev.rawsock.TestSupport.deleteNetns;
import static dev.rawsock.TestSupport.ip;
import static dev.rawsock.TestSupport.javaInNetns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Interfaces} and {@link Rawsock#configdev} on a veth pair in a network namespace this test
 * creates and deletes (never the host's interfaces; this kernel has no dummy driver). The Java side
 * runs in a child JVM started with {@code ip netns exec}; every change is checked against iproute2's
 * own view ({@code ip -n NS -j link}, {@code ip -n NS -j -4 addr}).
 */
class InterfacesNetnsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static String ns;
    static Process child;
    static Writer toChild;
    static BufferedReader fromChild;
    static Path childErr;

    @BeforeAll
    static void createNamespaceAndChild() throws Exception {
        ns = addNetns("rs-if-");
        ip("-n", ns, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        childErr = Files.createTempFile("rawsock-ifchild", ".err");
        child = new ProcessBuilder(javaInNetns(ns, IfConfigChild.class)).redirectError(childErr.toFile()).start();
        toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        try {
            if (child != null) {
                try {
                    toChild.write("quit\n");
                    toChild.flush();
                } catch (IOException ignored) {
                    // already gone
                }
                if (!child.waitFor(10, TimeUnit.SECONDS)) child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            deleteNetns(ns);  // takes the veth pair with it
            if (childErr != null) Files.deleteIfExists(childErr);
        }
    }

    /** One command to the child; its answer line. */
    static String ask(String command) throws Exception {
        toChild.write(command + "\n");
        toChild.flush();
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return fromChild.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        if (line == null) throw new AssertionError("child JVM ended: " + Files.readString(childErr));
        return line;
    }

    /** A command that must succeed: its result. */
    static String does(String command) throws Exception {
        String r = ask(command);
        assertTrue(r.startsWith("ok"), command + " -> " + r);
        return r.substring(2).trim();
    }

    // ---------------------------------------------------------------- iproute2's view

    static String link(String ifname) throws Exception {
        return ip("-n", ns, "-j", "link", "show", "dev", ifname);
    }

    static Set<String> ipFlags(String ifname) throws Exception {
        JsonNode flags = JSON.readTree(link(ifname)).findValue("flags");
        assertTrue(flags != null && flags.isArray(), "flags in " + link(ifname));
        List<String> out = new ArrayList<>();
        for (JsonNode f : flags) out.add(f.asText());
        return Set.copyOf(out);
    }

    /** The first value named {@code field} anywhere in {@code ip -j} output, as text. */
    static String jsonField(String json, String field) throws Exception {
        JsonNode v = JSON.readTree(json).findValue(field);
        assertTrue(v != null && v.isValueNode(), field + " in " + json);
        return v.asText();
    }

    static String ipAddr(String ifname) throws Exception {
        return ip("-n", ns, "-j", "-4", "addr", "show", "dev", ifname);
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void upAndDown() throws Exception {
        does("up veth0");
        assertTrue(ipFlags("veth0").contains("UP"), ipFlags("veth0").toString());
        assertTrue(does("flags veth0").contains("UP"));
        does("down veth0");
        assertFalse(ipFlags("veth0").contains("UP"), ipFlags("veth0").toString());
        assertFalse(does("flags veth0").contains("UP"));
    }

    @Test
    void promiscAndNoarpWithSetFlags() throws Exception {
        does("setflags veth0 PROMISC,NOARP -");
        Set<String> f = ipFlags("veth0");
        assertTrue(f.contains("PROMISC") && f.contains("NOARP"), f.toString());
        assertTrue(f.contains("BROADCAST") && f.contains("MULTICAST"), "other flags kept: " + f);
        String ours = does("flags veth0");
        assertTrue(ours.contains("PROMISC") && ours.contains("NOARP"), ours);
        does("setflags veth0 - PROMISC,NOARP");
        f = ipFlags("veth0");
        assertFalse(f.contains("PROMISC") || f.contains("NOARP"), f.toString());
        assertTrue(ask("setflags veth0 UP UP").startsWith("err IllegalArgumentException"));
        assertTrue(ask("setflags veth0 LOWER_UP -").startsWith("err IllegalArgumentException"));
    }

    @Test
    void mtu() throws Exception {
        does("setmtu veth0 1400");
        assertEquals("1400", jsonField(link("veth0"), "mtu"));
        assertEquals("1400", does("mtu veth0"));
        does("setmtu veth0 1500");
        assertEquals("1500", jsonField(link("veth0"), "mtu"));
        assertTrue(ask("setmtu veth0 -1").startsWith("err IllegalArgumentException"));
        assertEquals("err ErrnoException EINVAL", ask("setmtu veth0 100000"));  // beyond veth's max MTU
        assertEquals("1500", jsonField(link("veth0"), "mtu"));
    }

    @Test
    void hardwareAddress() throws Exception {
        does("sethwaddr veth0 02:11:22:33:44:55");
        assertEquals("02:11:22:33:44:55", jsonField(link("veth0"), "address"));
        assertEquals("02:11:22:33:44:55", does("hwaddr veth0"));
        assertTrue(ask("sethwaddr veth0 02:11:22:33:44").startsWith("err IllegalArgumentException"));
        assertTrue(ask("sethwaddr veth0 02:11:22:33:44:55:66").startsWith("err IllegalArgumentException"));
        assertEquals("02:11:22:33:44:55", jsonField(link("veth0"), "address"));
    }

    @Test
    void addressAndPrefix() throws Exception {
        assertEquals("err ErrnoException EADDRNOTAVAIL", ask("addr veth0"));  // only this test gives veth0 one
        does("setaddr veth0 10.201.1.2 24");
        String a = ipAddr("veth0");
        assertEquals("10.201.1.2", jsonField(a, "local"), a);
        assertEquals("24", jsonField(a, "prefixlen"), a);
        assertEquals("10.201.1.2", does("addr veth0"));
        assertEquals("255.255.255.0 /24", does("netmask veth0"));
        does("setaddr veth0 10.201.1.2 30");
        assertEquals("30", jsonField(ipAddr("veth0"), "prefixlen"));
        assertTrue(ask("setaddr veth0 10.201.1.2 33").startsWith("err IllegalArgumentException"));
        assertTrue(ask("setaddr veth0 10.201.1.2 -1").startsWith("err IllegalArgumentException"));
    }

    @Test
    void configdevSetsPromiscNoarpAndAddress() throws Exception {
        does("configdev veth1 10.201.2.1 true true");
        Set<String> f = ipFlags("veth1");
        assertTrue(f.contains("PROMISC") && f.contains("NOARP"), f.toString());
        assertEquals("10.201.2.1", jsonField(ipAddr("veth1"), "local"));
        does("configdev veth1 - false false");
        f = ipFlags("veth1");
        assertFalse(f.contains("PROMISC") || f.contains("NOARP"), f.toString());
        assertEquals("10.201.2.1", jsonField(ipAddr("veth1"), "local"), "no address given: kept");
        does("configdev veth1 10.201.2.9 false true");
        f = ipFlags("veth1");
        assertTrue(!f.contains("PROMISC") && f.contains("NOARP"), f.toString());
        assertEquals("10.201.2.9", jsonField(ipAddr("veth1"), "local"));
        does("configdev veth1 - false false");
    }

    @Test
    void missingDeviceIsEnodev() throws Exception {
        for (String c : List.of("flags rsnosuch0", "mtu rsnosuch0", "setmtu rsnosuch0 1400", "up rsnosuch0",
                "hwaddr rsnosuch0", "sethwaddr rsnosuch0 02:00:00:00:00:01", "setaddr rsnosuch0 10.1.1.1 24",
                "configdev rsnosuch0 10.1.1.1 true false"))
            assertEquals("err ErrnoException ENODEV", ask(c), c);
    }
}
