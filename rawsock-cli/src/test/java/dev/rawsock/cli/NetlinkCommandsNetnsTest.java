package dev.rawsock.cli;

import dev.rawsock.Domain;
import dev.rawsock.NetNamespace;
import dev.rawsock.Protocol;
import dev.rawsock.RawSocket;
import dev.rawsock.SockAddr;
import dev.rawsock.SocketType;
import dev.rawsock.packet.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code rawsock link|addr|route|monitor|tun} in a namespace the test makes: the listings equal
 * {@code ip -br link}, {@code ip -br addr} and {@code ip route} line for line; changes made with our
 * commands are what ip reads back; errors exit as everywhere (1 with the kernel's text, 2 for usage).
 */
class NetlinkCommandsNetnsTest {
    private Cli.Netns ns;

    @BeforeEach
    void setUp() {
        assumeTrue(Cli.canNetns(), "needs root and ip netns to make a test namespace");
        ns = new Cli.Netns("nl");
    }

    @AfterEach
    void tearDown() {
        if (ns != null) ns.close();
    }

    private Cli.Result rs(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "-n";
        all[2] = ns.name;
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return Cli.run(all);
    }

    private void ok(String... args) {
        Cli.Result r = rs(args);
        assertEquals(0, r.rc(), () -> String.join(" ", args) + ": " + r);
    }

    private String ip(String... args) {
        return ns.must(prepend("ip", args)).out();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] a = new String[rest.length + 1];
        a[0] = first;
        System.arraycopy(rest, 0, a, 1, rest.length);
        return a;
    }

    @Test
    void listingsEqualIpLineForLine() throws InterruptedException {
        ok("link", "add", "va", "type", "veth", "peer", "vb");
        ok("link", "add", "br0", "type", "bridge");
        ok("link", "set", "va", "up", "mtu", "1400");
        ok("link", "set", "vb", "up", "address", "02:00:00:00:0b:01", "master", "br0");
        ok("link", "set", "br0", "up");
        ok("addr", "add", "10.5.0.1/24", "dev", "va");
        ok("addr", "add", "fd00:5::1/64", "dev", "va");
        ok("route", "add", "10.6.0.0/16", "via", "10.5.0.2", "metric", "7");
        ok("route", "add", "10.7.0.0/24", "dev", "va", "table", "100", "mtu", "1300");
        ok("route", "add", "default", "via", "10.5.0.254");
        // The kernel's linkwatch reports br0's carrier (its port came up) up to a second later: the two
        // listings compared must not straddle that change from UNKNOWN to UP.
        for (int i = 0; !ip("-br", "link", "show", "br0").contains(" UP "); i++) {
            assertTrue(i < 500, () -> "br0 never came UP: " + ip("-br", "link", "show", "br0"));
            Thread.sleep(20);
        }
        assertEquals(ip("-br", "link"), rs("link").out());
        assertEquals(ip("-br", "addr"), rs("addr").out());
        assertEquals(ip("route"), rs("route").out());
        assertEquals(ip("route", "show", "table", "100"), rs("route", "table", "100").out());
        assertEquals(ip("-4", "route", "show", "table", "all"), rs("route", "table", "all").out());
        assertTrue(ip("-d", "link", "show", "vb").contains("master br0"));
        ok("route", "replace", "10.6.0.0/16", "via", "10.5.0.3", "metric", "7");
        assertTrue(ip("route").contains("10.6.0.0/16 via 10.5.0.3 dev va metric 7"), ip("route"));
        ok("route", "del", "10.6.0.0/16", "via", "10.5.0.3", "metric", "7");
        ok("addr", "del", "10.5.0.1/24", "dev", "va");
        ok("link", "set", "vb", "nomaster", "down");
        ok("link", "del", "va");
        assertEquals(ip("-br", "link"), rs("link").out());
        assertEquals(ip("-br", "addr"), rs("addr").out());
    }

    @Test
    void errorsExitAsEverywhere() {
        ok("link", "add", "va", "type", "veth", "peer", "vb");
        Cli.Result dup = rs("link", "add", "va", "type", "veth", "peer", "vc");
        assertEquals(1, dup.rc(), dup.toString());
        assertEquals("rawsock link: RTM_NEWLINK(fd=" + dup.err().replaceAll("(?s).*fd=(\\d+).*", "$1") + "): EEXIST (File exists)", dup.err().strip());
        Cli.Result gw = rs("route", "add", "10.9.0.0/16", "via", "192.0.2.99");
        assertEquals(1, gw.rc(), gw.toString());
        assertTrue(gw.err().contains("kernel says \"Nexthop has invalid gateway\""), gw.err());
        assertEquals(2, rs("link", "add", "x", "type", "nosuchkind").rc());
        assertEquals(2, rs("link", "add", "sixteen-bytes-xx", "type", "bridge").rc());
        assertEquals(2, rs("addr", "add", "10.0.0.1/33", "dev", "va").rc());
        assertEquals(2, rs("route", "frobnicate").rc());
        assertEquals(1, rs("link", "del", "nosuch0").rc());
    }

    @Test
    void monitorPrintsEachChange() throws Exception {
        ok("link", "add", "va", "type", "veth", "peer", "vb");
        CompletableFuture<Cli.Result> mon = CompletableFuture.supplyAsync(() -> rs("monitor", "address", "-c", "1", "--timeout", "60"));
        // Added again until the monitor has seen one: it may not be subscribed yet when the first change happens.
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 1; !mon.isDone() && System.nanoTime() < end; i++) {
            ok("addr", "add", "10.8." + i + ".1/24", "dev", "vb");
            try {
                mon.get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // next round
            }
        }
        Cli.Result r = mon.get();
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.out().matches("\\d+: vb    inet 10\\.8\\.\\d+\\.1/24 scope global vb\\n"), r.out());
    }

    @Test
    void tunPrintsThePacketsSentIntoIt() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun on this machine");
        CompletableFuture<Cli.Result> tun = CompletableFuture.supplyAsync(() -> rs("tun", "tun5", "-c", "1", "--timeout", "60"));
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ip("-br", "link").contains("tun5") && System.nanoTime() < end) Thread.onSpinWait();
        // No IPv6 on the device, so the only packet into it is the datagram below.
        ns.must("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/tun5/disable_ipv6");
        ok("addr", "add", "10.11.0.1/24", "dev", "tun5");
        ok("link", "set", "tun5", "up");
        Path p = NetNamespace.named(ns.name);
        try (RawSocket udp = NetNamespace.call(p, () -> RawSocket.open(Domain.INET, SocketType.DGRAM, Protocol.UDP))) {
            byte[] hello = "hello tun".getBytes();
            while (!tun.isDone() && System.nanoTime() < end) {
                udp.sendTo(hello, SockAddr.inet(InetAddress.getByName("10.11.0.2"), 5555));
                try {
                    tun.get(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // the device may not have been read yet: send again
                }
            }
        }
        Cli.Result r = tun.get();
        assertEquals(0, r.rc(), r.toString());
        assertTrue(r.err().contains("tun device tun5, link-type RAW"), r.err());
        assertTrue(r.out().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP 10\\.11\\.0\\.1\\.\\d+ > 10\\.11\\.0\\.2\\.5555: UDP, length 9\\n"), r.out());
        assertEquals(1, r.outLines().size());
    }
}
