package dev.rawsock;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SockAddrTest {
    @Test
    void inet() throws Exception {
        SockAddr a = SockAddr.inet(InetAddress.getByName("127.0.0.1"), 80);
        assertEquals(Domain.INET, a.family());
        assertEquals(16, a.size());
        assertEquals(80, a.port());
        assertEquals("inet 127.0.0.1:80", a.toString());
        ByteBuffer d = a.data();
        assertEquals(14, d.remaining());
        assertEquals(80, (int) d.getShort(0));
        assertEquals(127, (int) d.get(2));
        d.putShort(0, (short) 8080);  // live view
        assertEquals(8080, a.port());
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), a.toSocketAddress());
        assertArrayEquals(a.bytes(), SockAddr.fromBytes(a.bytes()).bytes());
    }

    @Test
    void inet6WithScopeAndFlow() throws Exception {
        Inet6Address ll = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 1);
        SockAddr a = SockAddr.inet6(ll, 443, 0x12345, 1);
        assertEquals(28, a.size());
        assertEquals(1, a.scopeId());
        assertEquals(0x12345, a.flowInfo());
        assertEquals(ll, a.inetAddress());
        assertTrue(a.toString().startsWith("inet6 [fe80:0:0:0:0:0:0:1%"), a.toString());
        SockAddr mapped = SockAddr.inet6(InetAddress.getByName("127.0.0.1"), 1);
        assertEquals(Domain.INET6, mapped.family());
        assertEquals("::ffff:127.0.0.1", Rawsock.convertAddress(Domain.INET6, java.util.Arrays.copyOfRange(mapped.bytes(), 8, 24)));
        assertEquals(SockAddr.inet(InetAddress.getByName("::1"), 5), SockAddr.inet6(InetAddress.getByName("::1"), 5));
    }

    @Test
    void unixPathsAbstractAndUnnamed() {
        SockAddr a = SockAddr.unix(Path.of("/tmp/s"));
        assertEquals(2 + 6 + 1, a.size());
        assertEquals(Path.of("/tmp/s"), a.path());
        assertEquals("unix /tmp/s", a.toString());
        assertEquals(UnixDomainSocketAddress.of("/tmp/s"), a.toSocketAddress());
        assertEquals(a, SockAddr.from(UnixDomainSocketAddress.of("/tmp/s")));
        SockAddr ab = SockAddr.unixAbstract("rawsock");
        assertEquals(2 + 1 + 7, ab.size());
        assertNull(ab.path());
        assertEquals("rawsock", ab.abstractName());
        assertEquals("unix @rawsock", ab.toString());
        assertThrows(UnsupportedOperationException.class, ab::toSocketAddress);
        assertEquals("unix (unnamed)", SockAddr.of(Domain.UNIX, 0).toString());
    }

    @Test
    void packetAndNetlink() {
        SockAddr p = SockAddr.packet(1, 0x0800);
        assertEquals(20, p.size());
        assertEquals(1, p.ifindex());
        assertEquals(0x0800, p.ethertype());
        assertEquals("packet lo proto 0x0800", p.toString());
        SockAddr n = SockAddr.netlink(0, 5);
        assertEquals(12, n.size());
        assertEquals(5, n.groups());
        assertEquals("netlink pid 0 groups 0x5", n.toString());
        assertThrows(IllegalStateException.class, n::port);
        assertThrows(UnsupportedOperationException.class, n::toSocketAddress);
    }

    @Test
    void makeSockaddrAndFamily() {
        SockAddr a = Rawsock.makeSockaddr(Domain.INET);
        assertEquals(16, a.size());
        assertEquals(Domain.INET, Rawsock.sockaddrFamily(a));
        SockAddr b = Rawsock.makeSockaddr(Domain.INET, new byte[] {0, 21, 127, 0, 0, 1});
        assertEquals(8, b.size());
        assertEquals(21, (int) Rawsock.sockaddrData(b).getShort(0));
        assertEquals(12, Rawsock.makeSockaddr(new Domain(99), 10).size());
        assertEquals(Domain.UNSPEC, Rawsock.makeSockaddr(null).family());
        assertEquals(SockAddr.of(Domain.INET, new byte[] {1, 2}), SockAddr.of(Domain.INET, new byte[] {1, 2}));
        assertNotEquals(SockAddr.of(Domain.INET, new byte[] {1, 2}), SockAddr.of(Domain.INET, new byte[] {1, 3}));
        assertEquals(SockAddr.of(Domain.INET, new byte[] {1, 2}).hashCode(), SockAddr.of(Domain.INET, new byte[] {1, 2}).hashCode());
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 500)
    void inetRoundTrips(@ForAll @Size(4) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        InetAddress addr = InetAddress.getByAddress(ip);
        SockAddr a = SockAddr.inet(addr, port);
        assertEquals(a, SockAddr.fromBytes(a.bytes()));
        InetSocketAddress isa = (InetSocketAddress) a.toSocketAddress();
        assertEquals(addr, isa.getAddress());
        assertEquals(port, isa.getPort());
        assertEquals(a, SockAddr.from(isa));
        assertEquals(addr.getHostAddress(), Rawsock.convertAddress(Domain.INET, ip));
    }

    @Property(tries = 500)
    void inet6RoundTrips(@ForAll @Size(16) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port,
                         @ForAll @IntRange(min = 0, max = 1000) int scope) throws Exception {
        InetAddress addr = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
        if (!(addr instanceof Inet6Address)) return;  // a mapped address that Java turns into IPv4
        SockAddr a = SockAddr.inet(addr, port);
        assertEquals(Domain.INET6, a.family());
        assertEquals(scope, a.scopeId());
        SockAddr back = SockAddr.from(a.toSocketAddress());
        assertEquals(a, back);
        assertEquals(a, SockAddr.fromBytes(a.bytes()));
    }

    @Property(tries = 300)
    void unixRoundTrips(@ForAll("paths") String p) {
        SockAddr a = SockAddr.unix(Path.of(p));
        assertEquals(Path.of(p), a.path());
        assertEquals(a, SockAddr.from(a.toSocketAddress()));
        assertEquals(a, SockAddr.fromBytes(a.bytes()));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', '-', '_').ofMinLength(1).ofMaxLength(100)
                .map(s -> "/" + s);
    }

    @Property(tries = 2000)
    void randomBytesNeverCrash(@ForAll @Size(min = 2, max = 128) byte[] raw) {
        SockAddr a = SockAddr.fromBytes(raw);
        assertNotNull(a.toString());
        assertEquals(raw.length, a.size());
        assertNotNull(a.family());
        try {
            a.toSocketAddress();
        } catch (UnsupportedOperationException | IllegalStateException | IllegalArgumentException expected) {
            // not every family has a java.net form
        }
        for (Runnable r : new Runnable[] {a::port, a::inetAddress, a::path, a::ifindex, a::pid, a::hardwareAddress}) {
            try {
                r.run();
            } catch (IllegalStateException | java.nio.file.InvalidPathException expected) {
                // wrong family for that accessor, or bytes that are no path
            }
        }
    }
}
