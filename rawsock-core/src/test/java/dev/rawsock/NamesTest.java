package dev.rawsock;

import dev.rawsock.internal.Consts;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The name-service part of CLISP's rawsock test.tst (protocol, network, if-name-index, ifaddrs,
 * getaddrinfo, getnameinfo) plus the bad-input rules. Everything here reads local files
 * (/etc/protocols, /etc/networks, /etc/hosts, /etc/services) or the host's interface list: no
 * query ever leaves the machine (names that /etc/hosts lacks, which would go to DNS, are never asked).
 */
class NamesTest {

    // ------------------------------------------------------------------ protocols

    @Test
    void protocolIpByNameAndNumber() {
        ProtocolEntry ip = Rawsock.protocol("IP").orElseThrow();
        assertEquals(0, ip.proto());
        assertEquals("ip", ip.name());
        assertTrue(ip.aliases().contains("IP"), ip.toString());
        assertEquals(ip, Rawsock.protocol(0).orElseThrow());
        assertEquals(6, Rawsock.protocol("tcp").orElseThrow().proto());
        assertEquals("udp", Rawsock.protocol(17).orElseThrow().name());
    }

    @Test
    void unknownProtocolIsEmpty() {
        assertEquals(Optional.empty(), Rawsock.protocol("no-such-protocol-rs"));
        assertEquals(Optional.empty(), Rawsock.protocol(250));
        assertEquals(Optional.empty(), Rawsock.protocol(-7));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.protocol("ip\0tcp"));
    }

    @Test
    void allProtocolsAreTheFileInOrder() throws IOException {
        List<ProtocolEntry> expected = new ArrayList<>();
        for (List<String> f : dbLines(Path.of("/etc/protocols"))) {
            expected.add(new ProtocolEntry(f.get(0), f.subList(2, f.size()), Integer.parseInt(f.get(1))));
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected, Rawsock.protocol());
    }

    // ------------------------------------------------------------------ networks

    @Test
    void networkLoopback() {
        assumeTrue(hasNetwork("loopback"), "/etc/networks has no 'loopback' line (Debian's netbase/base-files "
                + "write 'loopback 127.0.0.0'); nothing to look up");
        NetworkEntry lo = Rawsock.network("loopback").orElseThrow();
        assertEquals("loopback", lo.name());
        assertEquals(0x7F00_0000L, lo.net());
        assertEquals(Consts.AF_INET, lo.type());
        assertEquals(lo, Rawsock.network(0x7F00_0000L, Consts.AF_INET).orElseThrow());
    }

    @Test
    void unknownNetworkIsEmptyAndBadNumbersAreRejected() {
        assertEquals(Optional.empty(), Rawsock.network("no-such-network-rs"));
        assertEquals(Optional.empty(), Rawsock.network(0x0A0B0C00L, Consts.AF_INET));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.network("loop\0back"));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.network(-1, Consts.AF_INET));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.network(1L << 32, Consts.AF_INET));
    }

    @Test
    void allNetworksAreTheFileInOrder() throws IOException {
        Path file = Path.of("/etc/networks");
        assumeTrue(Files.isReadable(file), "no /etc/networks on this machine");
        List<NetworkEntry> expected = new ArrayList<>();
        for (List<String> f : dbLines(file)) {
            expected.add(new NetworkEntry(f.get(0), f.subList(2, f.size()), Consts.AF_INET, inetNetwork(f.get(1))));
        }
        assertEquals(expected, Rawsock.network());
    }

    // ------------------------------------------------------------------ if-name-index

    @Test
    void ifNameIndexRoundTrips() throws ErrnoException {
        SortedMap<Integer, String> all = Rawsock.ifNameIndex();
        assertTrue(all.containsValue("lo"), all.toString());
        for (Map.Entry<Integer, String> e : all.entrySet()) {
            assertEquals(e.getKey(), Rawsock.ifNameIndex(e.getValue()));
            assertEquals(e.getValue(), Rawsock.ifNameIndex(e.getKey()));
        }
        int lo = Rawsock.ifNameIndex("lo");
        assertEquals("lo", Rawsock.ifNameIndex(lo));
    }

    @Test
    void ifNameIndexBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ifNameIndex("x".repeat(16)));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ifNameIndex("lo\0"));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ifNameIndex(""));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ifNameIndex(0));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.ifNameIndex(-3));
        ErrnoException noName = assertThrows(ErrnoException.class, () -> Rawsock.ifNameIndex("rsnosuch0"));
        assertErrno(noName, Errno.ENODEV);
        ErrnoException noIndex = assertThrows(ErrnoException.class, () -> Rawsock.ifNameIndex(Integer.MAX_VALUE));
        assertErrno(noIndex, Errno.ENXIO);
        // 15 bytes is the most that fits: a missing interface, not a bad argument
        assertThrows(ErrnoException.class, () -> Rawsock.ifNameIndex("y".repeat(15)));
    }

    // ------------------------------------------------------------------ ifaddrs

    @Test
    void ifaddrsHasLoopback() throws Exception {
        List<IfAddrs> all = Rawsock.ifaddrs();
        IfAddrs v4 = all.stream().filter(e -> e.name().equals("lo") && e.address() != null
                && e.address().family().equals(Domain.INET)).findFirst().orElseThrow(() -> new AssertionError(all));
        assertEquals(InetAddress.getByName("127.0.0.1"), v4.address().inetAddress());
        assertEquals(InetAddress.getByName("255.0.0.0"), v4.netmask().inetAddress());
        assertTrue(v4.flags().containsAll(EnumSet.of(IfFlag.UP, IfFlag.LOOPBACK)), v4.flags().toString());
        assertNull(v4.data(), "only AF_PACKET entries carry link counters");

        IfAddrs link = all.stream().filter(e -> e.name().equals("lo") && e.address() != null
                && e.address().family().equals(Domain.PACKET)).findFirst().orElseThrow(() -> new AssertionError(all));
        assertEquals(Rawsock.ifNameIndex("lo"), link.address().ifindex());
        assertArrayEquals(new byte[6], link.address().hardwareAddress());
        assertNull(link.netmask());
        assertNotNull(link.data(), "the AF_PACKET entry carries rtnl_link_stats");
        // the loopback device receives exactly what it sends
        assertTrue(link.data().rxPackets() >= 0 && link.data().txPackets() >= 0);

        for (IfAddrs e : all) {
            if (e.address() != null && e.address().family().equals(Domain.INET6)) {
                byte[] a = e.address().inetAddress().getAddress();
                boolean linkLocal = (a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80;
                assertEquals(linkLocal ? Rawsock.ifNameIndex(e.name()) : 0, e.address().scopeId(), e.toString());
            }
        }
    }

    @Test
    void ifaddrsFlagFilters() throws Exception {
        List<IfAddrs> broadcastAnd = dropData(Rawsock.ifaddrs(null, Set.of(IfFlag.BROADCAST)));
        List<IfAddrs> broadcastOr = dropData(Rawsock.ifaddrs(Set.of(IfFlag.BROADCAST), null));
        assertEquals(broadcastAnd, broadcastOr);
        for (IfAddrs e : broadcastAnd) assertTrue(e.flags().contains(IfFlag.BROADCAST));

        assertEquals(List.of(), Rawsock.ifaddrs(Set.of(), Set.of(IfFlag.LOOPBACK, IfFlag.BROADCAST)));

        List<IfAddrs> all = dropData(Rawsock.ifaddrs());
        List<IfAddrs> expected = all.stream()
                .filter(e -> e.flags().containsAll(Set.of(IfFlag.UP, IfFlag.RUNNING)))
                .filter(e -> e.flags().contains(IfFlag.BROADCAST) || e.flags().contains(IfFlag.MULTICAST)).toList();
        assertEquals(expected, dropData(Rawsock.ifaddrs(Set.of(IfFlag.BROADCAST, IfFlag.MULTICAST),
                Set.of(IfFlag.UP, IfFlag.RUNNING))));
        assertEquals(all, dropData(Rawsock.ifaddrs(Set.of(), Set.of())));
        List<IfAddrs> loopOnly = Rawsock.ifaddrs(Set.of(IfFlag.LOOPBACK), null);
        assertFalse(loopOnly.isEmpty());
        for (IfAddrs e : loopOnly) assertEquals("lo", e.name());
    }

    // ------------------------------------------------------------------ getaddrinfo

    @Test
    void getaddrinfoLocalhost() throws Exception {
        assumeLocalhostInHosts();
        List<AddrInfo> all = Rawsock.getaddrinfo("localhost", null);
        assertFalse(all.isEmpty());
        assertTrue(all.stream().anyMatch(ai -> ai.family().equals(Domain.INET)
                && ai.address().inetAddress().getHostAddress().equals("127.0.0.1")), all.toString());

        List<AddrInfo> tcp = Rawsock.getaddrinfo("localhost", null,
                AddrInfo.hints().family(Domain.INET).socktype(SocketType.STREAM));
        assertEquals(1, tcp.size(), tcp.toString());
        AddrInfo ai = tcp.get(0);
        assertEquals(Domain.INET, ai.family());
        assertEquals(SocketType.STREAM, ai.type());
        assertEquals(Protocol.TCP, ai.protocol());
        assertEquals(SockAddr.inet(InetAddress.getByName("127.0.0.1"), 0), ai.address());
        assertNull(ai.canonname());

        List<AddrInfo> canon = Rawsock.getaddrinfo("localhost", "21",
                AddrInfo.hints().flags(AiFlag.CANONNAME).family(Domain.INET));
        assertEquals("localhost", canon.get(0).canonname());
        for (int i = 1; i < canon.size(); i++) assertNull(canon.get(i).canonname(), "canonname only on the first");
        assertTrue(canon.get(0).flags().contains(AiFlag.CANONNAME), canon.get(0).toString());
    }

    @Test
    void getaddrinfoServices() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/etc/services")), "no /etc/services (Debian package netbase)");
        List<AddrInfo> ftp = Rawsock.getaddrinfo(null, "21");
        assertFalse(ftp.isEmpty());
        for (AddrInfo ai : ftp) {
            assertEquals(21, ai.address().port());
            assertTrue(ai.address().inetAddress().isLoopbackAddress(), "no node, not passive: loopback " + ai);
        }
        List<AddrInfo> www = Rawsock.getaddrinfo(null, "www");
        assertFalse(www.isEmpty());
        for (AddrInfo ai : www) assertEquals(80, ai.address().port(), ai.toString());

        List<AddrInfo> passive = Rawsock.getaddrinfo(null, "www",
                AddrInfo.hints().flags(AiFlag.PASSIVE).family(Domain.INET).socktype(SocketType.STREAM));
        assertEquals(List.of(new AddrInfo(Set.of(AiFlag.PASSIVE), Domain.INET, SocketType.STREAM, Protocol.TCP,
                SockAddr.inet(InetAddress.getByName("0.0.0.0"), 80), null)), passive);

        GaiException numericServ = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo(null, "www",
                AddrInfo.hints().flags(AiFlag.NUMERICSERV)));
        assertEquals("EAI_NONAME", numericServ.codeName());
        GaiException rawWww = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo("127.0.0.1", "www",
                AddrInfo.hints().socktype(SocketType.RAW)));
        assertEquals("EAI_SERVICE", rawWww.codeName(), rawWww.getMessage());
    }

    @Test
    void getaddrinfoNumericAndIpv6() throws Exception {
        List<AddrInfo> v6 = Rawsock.getaddrinfo("::1", "7",
                AddrInfo.hints().flags(AiFlag.NUMERICHOST, AiFlag.NUMERICSERV).socktype(SocketType.DGRAM));
        assertEquals(1, v6.size(), v6.toString());
        assertEquals(Domain.INET6, v6.get(0).family());
        assertEquals(Protocol.UDP, v6.get(0).protocol());
        assertEquals(SockAddr.inet6(InetAddress.getByName("::1"), 7), v6.get(0).address());
        assertEquals(0, v6.get(0).address().scopeId());

        List<AddrInfo> mapped = Rawsock.getaddrinfo("127.0.0.1", null, AddrInfo.hints()
                .flags(AiFlag.NUMERICHOST, AiFlag.V4MAPPED).family(Domain.INET6).socktype(SocketType.STREAM));
        assertEquals(1, mapped.size());
        assertEquals(SockAddr.inet6(InetAddress.getByName("127.0.0.1"), 0), mapped.get(0).address());
        assertEquals("::ffff:127.0.0.1", Rawsock.getnameinfo(mapped.get(0).address(), NiFlag.NUMERICHOST).node());

        // a scope id by interface name, as "fe80::1%lo"
        int lo = Rawsock.ifNameIndex("lo");
        List<AddrInfo> scoped = Rawsock.getaddrinfo("fe80::1%lo", null,
                AddrInfo.hints().flags(AiFlag.NUMERICHOST).socktype(SocketType.DGRAM));
        assertEquals(lo, scoped.get(0).address().scopeId());
        assertEquals("fe80::1%lo", Rawsock.getnameinfo(scoped.get(0).address(), NiFlag.NUMERICHOST).node());
        assertEquals("fe80::1%" + lo, Rawsock.getnameinfo(scoped.get(0).address(), NiFlag.NUMERICHOST,
                NiFlag.NUMERICSCOPE).node());
    }

    @Test
    void getaddrinfoErrors() {
        GaiException none = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo(null, null));
        assertEquals(Consts.EAI_NONAME, none.code());
        assertEquals("EAI_NONAME", none.codeName());
        assertEquals(0, none.errno());
        assertTrue(none.getMessage().contains("EAI_NONAME") && none.getMessage().contains("Name or service not known"),
                none.getMessage());

        GaiException numeric = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo("localhost", null,
                AddrInfo.hints().flags(AiFlag.NUMERICHOST)));
        assertEquals("EAI_NONAME", numeric.codeName());

        GaiException family = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo("127.0.0.1", null,
                AddrInfo.hints().family(Domain.PACKET)));
        assertEquals("EAI_FAMILY", family.codeName());

        GaiException badFlags = assertThrows(GaiException.class, () -> Rawsock.getaddrinfo(null, "21",
                AddrInfo.hints().flags(AiFlag.CANONNAME)));
        assertEquals("EAI_BADFLAGS", badFlags.codeName());

        assertThrows(IllegalArgumentException.class, () -> Rawsock.getaddrinfo("local\0host", null));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.getaddrinfo(null, "2\0" + "1"));
    }

    @Test
    void everyEaiCodeHasItsName() {
        for (String n : List.of("EAI_BADFLAGS", "EAI_NONAME", "EAI_AGAIN", "EAI_FAIL", "EAI_FAMILY", "EAI_SOCKTYPE",
                "EAI_SERVICE", "EAI_MEMORY", "EAI_SYSTEM", "EAI_OVERFLOW", "EAI_NODATA", "EAI_ADDRFAMILY",
                "EAI_INPROGRESS", "EAI_CANCELED", "EAI_NOTCANCELED", "EAI_ALLDONE", "EAI_INTR", "EAI_IDN_ENCODE")) {
            int code;
            try {
                code = Consts.class.getField(n).getInt(null);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(n, e);
            }
            assertEquals(n, GaiException.codeName(code));
            GaiException g = new GaiException("x", code, Errno.EIO.number());
            assertFalse(g.getMessage().isBlank());
        }
        GaiException sys = new GaiException("getaddrinfo", Consts.EAI_SYSTEM, Errno.EIO.number());
        assertEquals(Errno.EIO.number(), sys.errno());
        assertTrue(sys.getMessage().contains("EIO"), sys.getMessage());
        assertEquals(0, new GaiException("getaddrinfo", Consts.EAI_AGAIN, Errno.EIO.number()).errno());
        assertEquals("EAI 77", GaiException.codeName(77));
    }

    // ------------------------------------------------------------------ getnameinfo

    @Test
    void getnameinfoNumericAndNamed() throws Exception {
        SockAddr a = SockAddr.inet(InetAddress.getByName("127.0.0.1"), 21);
        assertEquals(new NameInfo("127.0.0.1", "21"), Rawsock.getnameinfo(a, NiFlag.NUMERICHOST, NiFlag.NUMERICSERV));
        assertEquals(new NameInfo("::1", "80"),
                Rawsock.getnameinfo(SockAddr.inet6(InetAddress.getByName("::1"), 80), NiFlag.NUMERICHOST, NiFlag.NUMERICSERV));

        assumeLocalhostInHosts();
        assumeTrue(Files.isReadable(Path.of("/etc/services")), "no /etc/services (Debian package netbase)");
        assertEquals(new NameInfo("localhost", "ftp"), Rawsock.getnameinfo(a));
        assertEquals("localhost", Rawsock.getnameinfo(a, NiFlag.NOFQDN, NiFlag.NAMEREQD).node());
        assertEquals("domain", Rawsock.getnameinfo(SockAddr.inet(InetAddress.getByName("127.0.0.1"), 53),
                NiFlag.NUMERICHOST, NiFlag.DGRAM).service());
    }

    @Test
    void getnameinfoErrors() {
        GaiException packet = assertThrows(GaiException.class, () -> Rawsock.getnameinfo(SockAddr.packet(1, 0x0800)));
        assertEquals("EAI_FAMILY", packet.codeName(), packet.getMessage());
        assertThrows(NullPointerException.class, () -> Rawsock.getnameinfo(null));
    }

    // ------------------------------------------------------------------ helpers

    static List<IfAddrs> dropData(List<IfAddrs> l) {
        return l.stream().map(e -> new IfAddrs(e.name(), e.flags(), e.address(), e.netmask(), e.destination(), null)).toList();
    }

    /** getaddrinfo/getnameinfo of "localhost" must come from /etc/hosts: never a DNS query from a test. */
    static void assumeLocalhostInHosts() throws IOException {
        boolean found = false;
        Path hosts = Path.of("/etc/hosts");
        if (Files.isReadable(hosts)) {
            for (List<String> f : dbLines(hosts)) {
                if (f.get(0).equals("127.0.0.1") && f.get(1).equals("localhost")) found = true;
            }
        }
        assumeTrue(found, "/etc/hosts has no '127.0.0.1 localhost' line; the lookup would go to DNS");
    }

    static boolean hasNetwork(String name) {
        try {
            return dbLines(Path.of("/etc/networks")).stream().anyMatch(f -> f.get(0).equals(name));
        } catch (IOException e) {
            return false;
        }
    }

    /** The whitespace-separated fields of each non-comment line, as glibc's files backend reads them. */
    static List<List<String>> dbLines(Path file) throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            List<String> f = Arrays.asList(line.split("\\s+"));
            if (f.size() >= 2) out.add(f);
        }
        return out;
    }

    /** inet_network(3) for the dotted forms /etc/networks uses. */
    static long inetNetwork(String s) {
        long v = 0;
        for (String part : s.split("\\.")) v = v << 8 | Long.parseLong(part);
        return v;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
