package dev.rawsock;

import dev.rawsock.netlink.RtNetlink;
import dev.rawsock.packet.IcmpHeader;
import dev.rawsock.packet.Packets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rawsock.TestSupport.addNetns;
import static dev.rawsock.TestSupport.deleteNetns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TUN and TAP devices in a namespace the test makes: ICMP through a Java responder, frames through a bridge. */
class TunDeviceNetnsTest {
    private String ns;
    private Path nsPath;
    private RtNetlink rt;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun on this machine (tun module not loaded)");
        ns = addNetns("tun");
        nsPath = NetNamespace.named(ns);
        rt = RtNetlink.open(nsPath);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (rt != null) rt.close();
        deleteNetns(ns);
    }

    @Test
    void icmpEchoThroughAJavaResponderOnAVirtualThread() throws Exception {
        try (TunDevice tun = NetNamespace.call(nsPath, () -> TunDevice.builder("tun7").open())) {
            assertEquals("tun7", tun.name());
            assertEquals(TunDevice.Mode.TUN, tun.mode());
            rt.addAddress("tun7", InetAddress.getByName("10.81.0.1"), 24);
            rt.setUp("tun7");
            assertEquals(65534, rt.link("tun7").orElseThrow().type(), "ARPHRD_NONE: a tun device has no link header");
            AtomicInteger answered = new AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            tun.timeout(Duration.ofSeconds(20));
            Thread responder = Thread.ofVirtual().start(() -> {
                byte[] p = new byte[2048];
                try {
                    while (answered.get() < 3) {
                        int n = tun.read(p);
                        // Only ICMP echo requests (IPv4, protocol 1, type 8) to 10.81.0.2; the kernel may also send IPv6 noise.
                        if (n < 28 || (p[0] >> 4) != 4 || p[9] != 1 || p[20] != IcmpHeader.ECHO_REQUEST) continue;
                        byte[] r = Arrays.copyOf(p, n);
                        System.arraycopy(p, 16, r, 12, 4);    // swapping source and destination keeps the IP checksum
                        System.arraycopy(p, 12, r, 16, 4);
                        IcmpHeader.of(r, 20).setType(IcmpHeader.ECHO_REPLY).fillChecksum(n - 20);
                        tun.write(r);
                        answered.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            try (RawSocket icmp = NetNamespace.call(nsPath, () -> RawSocket.open(Domain.INET, SocketType.RAW, Protocol.ICMP))) {
                icmp.timeout(Duration.ofSeconds(5));
                SockAddr peer = SockAddr.inet(InetAddress.getByName("10.81.0.2"), 0);
                byte[] buf = new byte[1500];
                for (int seq = 1; seq <= 3; seq++) {
                    byte[] payload = ("tun echo " + seq).getBytes(StandardCharsets.US_ASCII);
                    icmp.sendTo(Packets.icmpEchoRequest(0x4242, seq, payload), peer);
                    boolean got = false;
                    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (!got && System.nanoTime() < end) {
                        int n;
                        try {
                            n = icmp.recv(buf);
                        } catch (SocketTimeoutException e) {
                            continue;
                        }
                        IcmpHeader h = IcmpHeader.of(buf, 20);
                        got = h.type() == IcmpHeader.ECHO_REPLY && h.identifier() == 0x4242 && h.sequence() == seq
                                && new String(buf, 28, n - 28, StandardCharsets.US_ASCII).equals("tun echo " + seq);
                    }
                    assertTrue(got, "echo reply " + seq + " through the tun responder" + (failed.get() == null ? "" : ": " + failed.get()));
                }
            }
            responder.join(Duration.ofSeconds(20));
            assertEquals(3, answered.get());
            assertEquals(null, failed.get());
        }
        assertTrue(rt.link("tun7").isEmpty(), "a non-persistent tun device goes with its fd");
    }

    @Test
    void tapBridgedToAVethCarriesFramesBothWays() throws Exception {
        try (TunDevice tap = NetNamespace.call(nsPath, () -> TunDevice.builder("tap7").tap().open())) {
            assertEquals(TunDevice.Mode.TAP, tap.mode());
            rt.addBridge("br7");
            rt.addVeth("v7a", "v7b");
            rt.setMaster("tap7", "br7");
            rt.setMaster("v7a", "br7");
            for (String l : new String[] {"br7", "tap7", "v7a", "v7b"}) rt.setUp(l);
            int v7b = rt.index("v7b");
            byte[] proto = {(byte) 0x88, (byte) 0xB5};
            try (RawSocket pkt = NetNamespace.call(nsPath, () -> RawSocket.open(Domain.PACKET, SocketType.RAW, Protocol.ethernet(0x88B5)))) {
                pkt.bind(SockAddr.packet(v7b, 0x88B5));
                pkt.timeout(Duration.ofMillis(200));
                tap.timeout(Duration.ofMillis(200));
                byte[] toVeth = frame("02:00:00:00:07:01", proto, "tap to veth");
                byte[] toTap = frame("02:00:00:00:07:02", proto, "veth to tap");
                // Sent again until seen: the bridge may take a moment to forward on freshly up ports.
                assertTrue(deliver(() -> tap.write(toVeth), pkt::recv, toVeth), "frame written to the tap arrives on the veth");
                assertTrue(deliver(() -> pkt.send(toTap), tap::read, toTap), "frame sent on the veth arrives on the tap");
            }
        }
    }

    private interface Io { int run(byte[] b) throws IOException; }
    private interface Send { void run() throws IOException; }

    private static boolean deliver(Send send, Io recv, byte[] want) throws IOException {
        byte[] buf = new byte[2048];
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            send.run();
            long round = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < round) {
                int n;
                try {
                    n = recv.run(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n >= want.length && Arrays.equals(Arrays.copyOf(buf, want.length), want)) return true;
            }
        }
        return false;
    }

    private static byte[] frame(String src, byte[] proto, String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] f = new byte[14 + Math.max(46, t.length)];
        Arrays.fill(f, 0, 6, (byte) 0xFF);
        System.arraycopy(HexFormat.ofDelimiter(":").parseHex(src), 0, f, 6, 6);
        System.arraycopy(proto, 0, f, 12, 2);
        System.arraycopy(t, 0, f, 14, t.length);
        return f;
    }

    @Test
    void persistentDeviceOutlivesItsFdAndBadInputIsRefused() throws Exception {
        TunDevice t = NetNamespace.call(nsPath, () -> TunDevice.builder("").persistent(true).open());
        String name = t.name();
        assertTrue(name.startsWith("tun"), name);
        t.close();
        assertFalse(t.isOpen());
        assertTrue(rt.link(name).isPresent(), "persistent device stays after close");
        rt.deleteLink(name);
        assertTrue(rt.link(name).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TunDevice.builder("sixteen-bytes-xx").open());
        assertThrows(IllegalArgumentException.class, () -> TunDevice.builder("t").owner(-1));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.builder("t").vnetHeader(0x100));
    }
}
