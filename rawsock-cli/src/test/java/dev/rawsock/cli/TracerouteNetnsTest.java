package dev.rawsock.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three namespaces joined by veth pairs, ns1 - ns2 (a router, forwarding on) - ns3; traceroute from
 * ns1 to ns3 shows the router, then the target. The addresses exist only inside these namespaces.
 */
class TracerouteNetnsTest {
    @Test
    void twoHopsThroughARouter() throws Exception {
        assumeTrue(Cli.canNetns(), "needs root and iproute2 to build network namespaces");
        Path cp = Cli.readableClassPath();
        try (Cli.Netns ns1 = new Cli.Netns("tr1"); Cli.Netns ns2 = new Cli.Netns("tr2"); Cli.Netns ns3 = new Cli.Netns("tr3")) {
            String suffix = ns1.name.substring(ns1.name.lastIndexOf('-') + 1);
            String a = "rsa" + suffix, b = "rsb" + suffix, c = "rsc" + suffix, d = "rsd" + suffix;
            // veth pairs created inside ns1 and ns2, the far ends moved: nothing touches the host's interfaces
            ns1.must("ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", ns2.name);
            ns2.must("ip", "link", "add", c, "type", "veth", "peer", "name", d, "netns", ns3.name);
            ns1.must("ip", "addr", "add", "10.99.1.1/24", "dev", a);
            ns1.must("ip", "link", "set", a, "up");
            ns1.must("ip", "route", "add", "default", "via", "10.99.1.2");
            ns2.must("ip", "addr", "add", "10.99.1.2/24", "dev", b);
            ns2.must("ip", "addr", "add", "10.99.2.1/24", "dev", c);
            ns2.must("ip", "link", "set", b, "up");
            ns2.must("ip", "link", "set", c, "up");
            ns2.must("sysctl", "-qw", "net.ipv4.ip_forward=1");
            ns3.must("ip", "addr", "add", "10.99.2.2/24", "dev", d);
            ns3.must("ip", "link", "set", d, "up");
            ns3.must("ip", "route", "add", "default", "via", "10.99.2.1");
            // ICMP errors are rate-limited per peer; the test's probes must all be answered
            ns2.must("sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");
            ns3.must("sysctl", "-qw", "net.ipv4.icmp_ratelimit=0");

            Cli.Result r = ns1.in(Duration.ofSeconds(90), Cli.java(), "--enable-native-access=ALL-UNNAMED", "-cp", Cli.classPathOf(cp),
                    "dev.rawsock.cli.Main", "traceroute", "-q", "2", "-w", "3", "-m", "5", "10.99.2.2");
            assertEquals(0, r.rc(), r::toString);
            List<String> lines = r.outLines();
            assertEquals("traceroute to 10.99.2.2 (10.99.2.2), 5 hops max, 60 byte packets", lines.get(0), r::toString);
            assertTrue(lines.get(1).matches(" 1  10\\.99\\.1\\.2  [\\d.]+ ms  [\\d.]+ ms"), r::toString);
            assertTrue(lines.get(2).matches(" 2  10\\.99\\.2\\.2  [\\d.]+ ms  [\\d.]+ ms"), r::toString);
            assertEquals(3, lines.size(), r::toString);
        } finally {
            Cli.deleteTree(cp);
        }
    }
}
