package dev.rawsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rawsock.packet.BpfProgram;
import dev.rawsock.packet.BpfProgram.Options;
import dev.rawsock.packet.BpfProgram.Target;
import dev.rawsock.packet.LinkType;
import dev.rawsock.packet.testing.FilterGrammar;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The kernel takes the optimizer's programs, and one on a packet socket selects what it should. */
class BpfOptimizerKernelTest {

    /** {@code SO_ATTACH_FILTER} on a UDP socket runs the kernel's checker ({@code bpf_check_classic}); no privilege needed. */
    @Test
    void kernelAcceptsEveryOptimizedProgram() throws Exception {
        List<String> corpus = FilterGrammar.generate(20261207L, 300);
        int attached = 0;
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            for (String expr : corpus) {
                for (Target t : Target.values()) {
                    BpfProgram p;
                    try {
                        p = BpfProgram.compile(expr, t);
                    } catch (IllegalArgumentException refused) {
                        continue; // the grammar draws a few filters libpcap refuses too
                    }
                    try {
                        s.attachFilter(p);
                        attached++;
                    } catch (ErrnoException e) {
                        fail("the kernel refused the program for \"" + expr + "\" (" + t + "): " + e.getMessage() + "\n" + p);
                    }
                }
            }
            assertTrue(s.detachFilter());
        }
        assertTrue(attached >= 500, "attached " + attached + " programs");
    }

    /** 802.11 programs: radiotap's offsets in scratch memory and the prologue's jumps, both header lengths of the network layer. */
    @Test
    void kernelAccepts80211Programs() throws Exception {
        List<String> corpus = List.of("type mgt subtype beacon", "wlan host 00:11:22:33:44:55 or dir tods",
                "wlan addr2 02:00:00:00:00:01 and not broadcast", "wlan ta 02:00:00:00:00:01 or ether[ether[1] & 3] = 8",
                "multicast and len < 100 and link[4:4] != 0", "ip and tcp port 80", "vlan 10 and udp",
                "ip6 net 2001:db8::/32 or arp", "tcp[tcpflags] & tcp-syn != 0 and type data subtype qos-data");
        int attached = 0;
        try (RawSocket s = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            for (String expr : corpus) {
                for (int lt : new int[] {LinkType.IEEE802_11, LinkType.IEEE802_11_RADIOTAP}) {
                    for (boolean optimize : new boolean[] {true, false}) {
                        BpfProgram p = BpfProgram.compile(expr, lt, Options.defaults().withOptimize(optimize));
                        try {
                            s.attachFilter(p);
                            attached++;
                        } catch (ErrnoException e) {
                            fail("the kernel refused \"" + expr + "\" on " + LinkType.name(lt) + ": " + e.getMessage() + "\n" + p);
                        }
                    }
                }
            }
        }
        assertEquals(4 * corpus.size(), attached);
    }

    /** An optimized program on a packet socket on loopback lets through exactly the datagram it should. */
    @Test
    void optimizedFilterSelectsOnLoopback() throws Exception {
        Assumptions.assumeTrue(canPacket(), "needs CAP_NET_RAW for a packet socket (run as root, as CI does)");
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (DatagramChannel a = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             DatagramChannel b = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
             DatagramChannel src = DatagramChannel.open();
             RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
            int pa = ((InetSocketAddress) a.getLocalAddress()).getPort();
            int pb = ((InetSocketAddress) b.getLocalAddress()).getPort();
            // Redundant and contradictory tests for the optimizer to fold away.
            String expr = "(ip and udp and dst port " + pa + " and not tcp) or (ip6 and ip and udp port " + pb + ")";
            BpfProgram p = BpfProgram.compile(expr);
            BpfProgram plain = BpfProgram.compile(expr, LinkType.ETHERNET, Options.defaults().withOptimize(false));
            assertTrue(p.size() < plain.size(), "the optimizer shortened it:\n" + p);
            s.attachFilter(p);
            s.bind(SockAddr.packet(NetworkInterface.getByName("lo").getIndex(), 0x0003));
            s.timeout(Duration.ofSeconds(5));
            src.send(ByteBuffer.wrap(new byte[] {'B'}), new InetSocketAddress(lo, pb));
            src.send(ByteBuffer.wrap(new byte[] {'A'}), new InetSocketAddress(lo, pa));
            byte[] buf = new byte[2048];
            int n = s.recv(buf);
            assertEquals('A', buf[n - 1], "only the datagram to port A passed the filter");
            assertTrue(plain.matches(Arrays.copyOf(buf, n)), "the unoptimized program agrees");
        }
    }

    private static boolean canPacket() {
        try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
            return s.fd() >= 0;
        } catch (ErrnoException e) {
            return false;
        }
    }
}
