package dev.rawsock;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * getaddrinfo with AI_NUMERICHOST never consults a name service, so any string is safe to try: it
 * gives addresses or a GaiException (or, for a string with a NUL, an IllegalArgumentException
 * before the call), never a crash.
 */
class NamesPropertiesTest {

    @Property(tries = 400)
    void randomNumericHostsGiveResultsOrGaiException(@ForAll String node) throws Exception {
        AddrInfo.Hints hints = AddrInfo.hints().flags(AiFlag.NUMERICHOST).socktype(SocketType.DGRAM);
        if (node.indexOf('\0') >= 0) {
            assertThrows(IllegalArgumentException.class, () -> Rawsock.getaddrinfo(node, null, hints));
            return;
        }
        try {
            List<AddrInfo> r = Rawsock.getaddrinfo(node, null, hints);
            assertFalse(r.isEmpty());
            for (AddrInfo ai : r) {
                assertTrue(ai.family().equals(Domain.INET) || ai.family().equals(Domain.INET6), ai.toString());
                assertEquals(ai.family(), ai.address().family());
                assertNotNull(ai.address().inetAddress());
            }
        } catch (GaiException e) {
            assertTrue(e.codeName().startsWith("EAI_"), e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Property(tries = 200)
    void randomNumericServicesGiveResultsOrGaiException(@ForAll String service) throws Exception {
        AddrInfo.Hints hints = AddrInfo.hints().flags(AiFlag.NUMERICHOST, AiFlag.NUMERICSERV)
                .family(Domain.INET).socktype(SocketType.DGRAM);
        if (service.indexOf('\0') >= 0) {
            assertThrows(IllegalArgumentException.class, () -> Rawsock.getaddrinfo("127.0.0.1", service, hints));
            return;
        }
        try {
            List<AddrInfo> r = Rawsock.getaddrinfo("127.0.0.1", service, hints);
            assertEquals(1, r.size());
            assertTrue(r.get(0).address().port() >= 0);
        } catch (GaiException e) {
            assertTrue(e.codeName().startsWith("EAI_"), e.getMessage());
        }
    }

    @Property(tries = 200)
    void dottedQuadsRoundTrip(@ForAll @IntRange(max = 255) int a, @ForAll @IntRange(max = 255) int b,
                              @ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d,
                              @ForAll @IntRange(max = 65535) int port) throws Exception {
        String text = a + "." + b + "." + c + "." + d;
        List<AddrInfo> r = Rawsock.getaddrinfo(text, Integer.toString(port),
                AddrInfo.hints().flags(AiFlag.NUMERICHOST, AiFlag.NUMERICSERV).socktype(SocketType.STREAM));
        assertEquals(1, r.size());
        SockAddr sa = r.get(0).address();
        assertEquals(SockAddr.inet(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port), sa);
        assertEquals(new NameInfo(text, Integer.toString(port)),
                Rawsock.getnameinfo(sa, NiFlag.NUMERICHOST, NiFlag.NUMERICSERV));
    }

    @Property(tries = 200)
    void ipv6AddressesRoundTrip(@ForAll @Size(16) byte[] bytes) throws Exception {
        String text = Rawsock.convertAddress(Domain.INET6, bytes);
        List<AddrInfo> r = Rawsock.getaddrinfo(text, null,
                AddrInfo.hints().flags(AiFlag.NUMERICHOST).family(Domain.INET6).socktype(SocketType.DGRAM));
        assertEquals(1, r.size());
        assertArrayEquals(bytes, r.get(0).address().inetAddress().getAddress());
        assertEquals(text, Rawsock.getnameinfo(r.get(0).address(), NiFlag.NUMERICHOST).node());
    }
}
