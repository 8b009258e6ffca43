package dev.rawsock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rawsock.netlink.Address;
import dev.rawsock.netlink.AddressFlag;
import dev.rawsock.netlink.Link;
import dev.rawsock.netlink.Neighbour;
import dev.rawsock.netlink.NeighbourState;
import dev.rawsock.netlink.NetlinkException;
import dev.rawsock.netlink.OperState;
import dev.rawsock.netlink.Route;
import dev.rawsock.netlink.RtEvent;
import dev.rawsock.netlink.RtGroup;
import dev.rawsock.netlink.RtNetlink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static dev.rawsock.TestSupport.addNetns;
import static dev.rawsock.TestSupport.deleteNetns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * rtnetlink against {@code ip -j} in a network namespace the test makes: every link, address,
 * route and neighbour operation, checked by what iproute2 reads back in the same namespace.
 */
class RtNetlinkNetnsTest {
    private String ns;
    private RtNetlink rt;

    @BeforeEach
    void setUp() throws Exception {
        ns = addNetns("rtnl");
        rt = RtNetlink.open(NetNamespace.named(ns));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (rt != null) rt.close();
        deleteNetns(ns);
    }

    private String ipIn(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-n", ns, "-j"));
        cmd.addAll(List.of(args));
        return TestSupport.ip(cmd.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> json(String... args) throws IOException, InterruptedException {
        String out = ipIn(args).strip();
        return out.isEmpty() ? List.of() : (List<Map<String, Object>>) new ObjectMapper().readValue(out, Object.class);
    }

    private Map<String, Object> ipLink(String name) throws IOException, InterruptedException {
        return json("-d", "-s", "link", "show", "dev", name).get(0);
    }

    private static int num(Object o) {
        return ((Number) o).intValue();
    }

    @Test
    void linksAgreeWithIpLink() throws Exception {
        rt.addVeth("va0", "va1");
        rt.setMtu("va0", 1400);
        byte[] mac = HexFormat.ofDelimiter(":").parseHex("02:00:00:aa:bb:01");
        rt.setAddress("va0", mac);
        rt.setUp("va1");
        rt.setUp("va0");
        // ip first: counters only grow, so ours, read after, are at least ip's.
        List<Map<String, Object>> ip = json("-d", "-s", "link", "show");
        List<Link> links = rt.links();
        assertEquals(ip.size(), links.size(), "same number of links as ip link show");
        for (Map<String, Object> j : ip) {
            Link l = links.stream().filter(x -> x.name().equals(j.get("ifname"))).findFirst().orElseThrow(() -> new AssertionError("missing " + j.get("ifname")));
            assertEquals(num(j.get("ifindex")), l.index(), l.name());
            assertEquals(num(j.get("mtu")), l.mtu(), l.name());
            assertEquals(j.get("operstate"), l.operState().name(), l.name());
            assertEquals(j.get("address"), l.addressString(), l.name());
            List<?> flags = (List<?>) j.get("flags");
            assertEquals(flags.contains("UP"), l.isUp(), l.name() + " " + flags);
            Map<?, ?> info = (Map<?, ?>) j.get("linkinfo");
            assertEquals(info == null ? null : info.get("info_kind"), l.kind(), l.name());
            Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) j.get("stats64")).get("rx");
            assertNotNull(l.stats(), l.name());
            assertTrue(l.stats().rxPackets() >= num(stats.get("packets")), l.name() + " rx packets");
        }
        Link va0 = rt.link("va0").orElseThrow();
        assertEquals(1400, va0.mtu());
        assertEquals("veth", va0.kind());
        assertEquals(rt.index("va1"), va0.link(), "a veth's IFLA_LINK is its peer");
        assertTrue(rt.link("nosuch0").isEmpty());
    }

    @Test
    void bridgeVxlanMasterAndDelete() throws Exception {
        rt.addBridge("br7");
        rt.addVeth("vb0", "vb1");
        rt.setMaster("vb0", "br7");
        assertEquals("br7", ipLink("vb0").get("master"));
        assertEquals(rt.index("br7"), rt.link("vb0").orElseThrow().master());
        rt.setMaster("vb0", null);
        assertNull(ipLink("vb0").get("master"));
        rt.addVxlan("vx7", 4242, "vb1", 4789);
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) ipLink("vx7").get("linkinfo")).get("info_data");
        assertEquals(4242, num(data.get("id")));
        assertEquals(4789, num(data.get("port")));
        assertEquals("vxlan", rt.link("vx7").orElseThrow().kind());
        rt.deleteLink("vx7");
        rt.deleteLink("vb0");
        assertTrue(rt.link("vb1").isEmpty(), "deleting a veth deletes its peer");
        NetlinkException e = assertThrows(NetlinkException.class, () -> rt.deleteLink("vb0"));
        assertEquals(19, e.errno(), "ENODEV: " + e.getMessage());
        assertEquals("RTM_DELLINK", e.request());
    }

    @Test
    void vlanRequestIsRefusedOrMakesTheLink() throws Exception {
        rt.addVeth("vl0", "vl1");
        try {
            rt.addVlan("vl0.5", "vl0", 5);
        } catch (NetlinkException e) {
            // This kernel has no 8021q driver: the request is well formed and refused for the kind alone.
            assertEquals(95, e.errno(), "EOPNOTSUPP: " + e.getMessage());
            assertTrue(e.getMessage().contains("RTM_NEWLINK"), e.getMessage());
            assumeTrue(false, "no 8021q (VLAN) driver in this kernel: the kernel refused the vlan kind (" + e.getMessage() + ")");
        }
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) ipLink("vl0.5").get("linkinfo")).get("info_data");
        assertEquals(5, num(data.get("id")));
    }

    @Test
    void addressesAgreeWithIpAddr() throws Exception {
        rt.addVeth("vc0", "vc1");
        rt.setUp("vc0");
        InetAddress v4 = InetAddress.getByName("10.77.1.1"), v6 = InetAddress.getByName("fd00:77::1");
        rt.addAddress("vc0", v4, 24);
        rt.addAddress("vc0", v6, 64, Set.of(AddressFlag.NODAD), Duration.ofSeconds(3000), Duration.ofSeconds(2000));
        List<Map<String, Object>> ip = json("addr", "show", "dev", "vc0");
        List<?> infos = (List<?>) ip.get(0).get("addr_info");
        int index = num(ip.get(0).get("ifindex"));
        List<Address> ours = rt.addresses().stream().filter(a -> a.index() == index).toList();
        assertEquals(infos.size(), ours.size(), "addresses of vc0: " + infos + " vs " + ours);
        for (Object o : infos) {
            Map<?, ?> j = (Map<?, ?>) o;
            Address a = ours.stream().filter(x -> x.cidr().equals(j.get("local") + "/" + j.get("prefixlen"))).findFirst()
                    .orElseThrow(() -> new AssertionError("missing " + j.get("local")));
            assertEquals(num(j.get("prefixlen")), a.prefixLength());
            if (j.get("broadcast") != null) assertEquals(j.get("broadcast"), a.broadcast().getHostAddress());
            Object valid = j.get("valid_life_time");
            if (valid != null && num(valid) != -1 && ((Number) valid).longValue() != 4294967295L)
                assertTrue(a.validLifetime() != null && Math.abs(a.validLifetime().getSeconds() - ((Number) valid).longValue()) <= 5, a + " valid " + valid);
        }
        Address six = ours.stream().filter(a -> a.address().equals(v6)).findFirst().orElseThrow();
        assertTrue(six.flags().contains(AddressFlag.NODAD), six.toString());
        assertEquals("10.77.1.255", ours.stream().filter(a -> a.address().equals(v4)).findFirst().orElseThrow().broadcast().getHostAddress());
        rt.deleteAddress("vc0", v4, 24);
        assertFalse(ipIn("addr", "show", "dev", "vc0").contains("10.77.1.1"));
        NetlinkException e = assertThrows(NetlinkException.class, () -> rt.deleteAddress("vc0", v4, 24));
        assertEquals(99, e.errno(), "EADDRNOTAVAIL: " + e.getMessage());
    }

    @Test
    void routesAgreeWithIpRoute() throws Exception {
        rt.addVeth("vd0", "vd1");
        rt.setUp("vd0");
        rt.setUp("vd1");
        rt.addAddress("vd0", InetAddress.getByName("10.78.0.1"), 24);
        rt.addAddress("vd0", InetAddress.getByName("fd00:78::1"), 64, Set.of(AddressFlag.NODAD), null, null);
        int vd0 = rt.index("vd0");
        Route r4 = Route.to(InetAddress.getByName("10.200.0.0"), 16).withGateway(InetAddress.getByName("10.78.0.2")).withPriority(50);
        rt.addRoute(r4);
        Route r6 = Route.to(InetAddress.getByName("fd00:99::"), 48).withGateway(InetAddress.getByName("fd00:78::2")).withOutputIndex(vd0);
        rt.addRoute(r6);
        Route inTable = Route.to(InetAddress.getByName("10.201.0.0"), 24).withOutputIndex(vd0).withTable(1000).withMtu(1300);
        rt.addRoute(inTable);
        Map<String, Object> j4 = json("route", "show", "10.200.0.0/16").get(0);
        assertEquals("10.78.0.2", j4.get("gateway"));
        assertEquals(50, num(j4.get("metric")));
        Route ours4 = rt.routes(Domain.INET).stream().filter(r -> "10.200.0.0/16".equals(r.destinationString())).findFirst().orElseThrow();
        assertEquals(InetAddress.getByName("10.78.0.2"), ours4.gateway());
        assertEquals(vd0, ours4.outputIndex());
        assertEquals(50, ours4.priority());
        Map<String, Object> j6 = json("-6", "route", "show", "fd00:99::/48").get(0);
        assertEquals("fd00:78::2", j6.get("gateway"));
        Map<String, Object> jt = json("route", "show", "table", "1000").get(0);
        assertEquals("10.201.0.0/24", jt.get("dst"));
        assertEquals(1300, num(((List<?>) jt.get("metrics")).stream().map(m -> ((Map<?, ?>) m).get("mtu")).filter(x -> x != null).findFirst().orElseThrow()));
        Route oursT = rt.routes(Domain.INET).stream().filter(r -> r.table() == 1000).findFirst().orElseThrow();
        assertEquals(1300, oursT.mtu());
        // Every route ip lists for IPv4 in every table, we list too.
        List<Map<String, Object>> all = json("-4", "route", "show", "table", "all");
        assertEquals(all.size(), rt.routes(Domain.INET).size(), "IPv4 routes of every table");
        rt.replaceRoute(r4.withGateway(InetAddress.getByName("10.78.0.3")).withPriority(50));
        assertEquals("10.78.0.3", json("route", "show", "10.200.0.0/16").get(0).get("gateway"));
        rt.deleteRoute(r4.withGateway(InetAddress.getByName("10.78.0.3")));
        assertTrue(json("route", "show", "10.200.0.0/16").isEmpty());
        // A gateway with no route to it: the kernel says why in an extended ack, as ip prints after "Error:".
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> rt.addRoute(Route.to(InetAddress.getByName("10.202.0.0"), 16).withGateway(InetAddress.getByName("192.0.2.1"))));
        assertNotNull(e.extendedAck(), e.getMessage());
        assertTrue(e.getMessage().contains(e.extendedAck()), e.getMessage());
    }

    @Test
    void neighboursAgreeWithIpNeigh() throws Exception {
        rt.addVeth("ve0", "ve1");
        rt.setUp("ve0");
        byte[] mac = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:00:42");
        rt.addNeighbour("ve0", InetAddress.getByName("10.79.0.9"), mac);
        Map<String, Object> j = json("neigh", "show", "dev", "ve0").get(0);
        assertEquals("10.79.0.9", j.get("dst"));
        assertEquals("02:00:00:00:00:42", j.get("lladdr"));
        Neighbour n = rt.neighbours().stream().filter(x -> x.address().getHostAddress().equals("10.79.0.9")).findFirst().orElseThrow();
        assertTrue(n.state().contains(NeighbourState.PERMANENT), n.toString());
        assertEquals(rt.index("ve0"), n.index());
        rt.deleteNeighbour("ve0", InetAddress.getByName("10.79.0.9"));
        assertTrue(json("neigh", "show", "dev", "ve0").isEmpty());
    }

    @Test
    void eventsForEachChange() throws Exception {
        try (RtNetlink.Monitor mon = RtNetlink.monitor(NetNamespace.named(ns))) {
            rt.addVeth("vf0", "vf1");
            await(mon, e -> e instanceof RtEvent.LinkEvent le && !le.deleted() && le.link().name().equals("vf0"));
            rt.addAddress("vf0", InetAddress.getByName("10.80.0.1"), 24);
            await(mon, e -> e instanceof RtEvent.AddressEvent ae && !ae.deleted() && ae.address().address().getHostAddress().equals("10.80.0.1"));
            rt.setUp("vf0");
            rt.setUp("vf1");
            await(mon, e -> e instanceof RtEvent.RouteEvent re && !re.deleted() && "10.80.0.0/24".equals(re.route().destinationString()));
            rt.deleteLink("vf0");
            await(mon, e -> e instanceof RtEvent.LinkEvent le && le.deleted() && le.link().name().equals("vf0"));
        }
    }

    /** Reads events until one matches; fails after a bound (every event here comes at once on an idle namespace). */
    private static void await(RtNetlink.Monitor mon, Predicate<RtEvent> want) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<RtEvent> seen = new ArrayList<>();
        while (System.nanoTime() < end) {
            RtEvent e = mon.next(Duration.ofMillis(500));
            if (e == null) continue;
            if (want.test(e)) return;
            seen.add(e);
        }
        throw new AssertionError("event never came; saw " + seen);
    }

    @Test
    void moveToAnotherNamespace() throws Exception {
        String other = addNetns("rtnl2");
        try {
            rt.addVeth("vg0", "vg1");
            rt.setNamespace("vg1", NetNamespace.named(other));
            assertTrue(rt.link("vg1").isEmpty());
            try (RtNetlink there = RtNetlink.open(NetNamespace.named(other))) {
                assertTrue(there.link("vg1").isPresent());
                assertEquals(OperState.DOWN, there.link("vg1").orElseThrow().operState());
            }
        } finally {
            deleteNetns(other);
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        assertThrows(IllegalArgumentException.class, () -> rt.addBridge("sixteen-bytes-xx"));
        assertThrows(IllegalArgumentException.class, () -> rt.addBridge(""));
        assertThrows(IllegalArgumentException.class, () -> rt.addVeth("a/b", "c"));
        assertThrows(IllegalArgumentException.class, () -> rt.addAddress("lo", InetAddress.getByName("10.0.0.1"), 33));
        assertThrows(IllegalArgumentException.class, () -> rt.addAddress("lo", InetAddress.getByName("::1"), 129));
        assertThrows(IllegalArgumentException.class, () -> rt.addVxlan("vx", 1 << 24, null, 4789));
        assertThrows(IllegalArgumentException.class, () -> rt.addVlan("v", "lo", 4096));
        assertThrows(IllegalArgumentException.class,
                () -> Route.to(InetAddress.getByName("10.0.0.0"), 8).withGateway(InetAddress.getByName("::1")));
        assertThrows(IllegalArgumentException.class, () -> rt.setMtu("lo", 0));
        assertThrows(IllegalArgumentException.class, () -> rt.addAddress("nosuchlink", InetAddress.getByName("10.0.0.1"), 8));
    }
}
