package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's ifaddrs and getaddrinfo examples, run as written (printing to a buffer instead of System.out). */
class NamesReadmeExampleTest {

    @Test
    void readmeExamples() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

        // --- README: ifaddrs
        for (IfAddrs a : Rawsock.ifaddrs(Set.of(IfFlag.LOOPBACK, IfFlag.BROADCAST), Set.of(IfFlag.UP))) {
            out.println(a.name() + " " + a.flags() + " " + a.address() + " mask " + a.netmask()
                    + (a.data() != null ? " rx " + a.data().rxPackets() + " tx " + a.data().txPackets() : ""));
        }
        // --- README: getaddrinfo / getnameinfo
        for (AddrInfo ai : Rawsock.getaddrinfo("127.0.0.1", "21",
                AddrInfo.hints().flags(AiFlag.NUMERICHOST).family(Domain.INET).socktype(SocketType.STREAM))) {
            out.println(ai.family() + " " + ai.type() + " " + ai.protocol() + " " + ai.address());  // AF_INET SOCK_STREAM IPPROTO_TCP inet 127.0.0.1:21
            NameInfo n = Rawsock.getnameinfo(ai.address(), NiFlag.NUMERICHOST);
            out.println(n.node() + " " + n.service());                                          // 127.0.0.1 ftp
        }
        // ---

        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(text.contains("lo ") && text.contains("inet 127.0.0.1:21"), text);
    }
}
