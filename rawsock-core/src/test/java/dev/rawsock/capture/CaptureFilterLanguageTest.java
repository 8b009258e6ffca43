package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.packet.BpfProgram;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Filter-language features that need the capture: the user-space path and the device's netmask. */
class CaptureFilterLanguageTest {

    /**
     * {@code protochain} compiles to libpcap's header-chain loop, a backward jump the kernel refuses to
     * attach: the capture filters in user space with our interpreter, and passes exactly what
     * {@link BpfProgram#matches} accepts.
     */
    @Test
    void protochainFiltersInUserSpace() throws Exception {
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel other = CaptureSupport.sink();
             DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            int otherPort = CaptureSupport.port(other);
            String expr = "ip protochain 17 and udp dst port " + port;
            BpfProgram program = BpfProgram.compile(expr, BpfProgram.Target.LINUX_SOCKET);
            assertTrue(program.jumpsBackward(), "protochain loops over the header chain");
            try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> s.attachFilter(program), "the kernel refuses a loop");
                assertEquals("EINVAL", e.errnoName());
            }
            try (Capture c = Capture.open("lo", Capture.Options.defaults().filter(expr))) {
                assertTrue(c.filtersInUserSpace(), c.toString());
                CaptureSupport.passesOnly(c, src, new InetSocketAddress("127.0.0.1", otherPort),
                        new InetSocketAddress("127.0.0.1", port),
                        b -> assertTrue(program.matches(b), "what the capture passed, matches accepts"));
                assertTrue(c.stats().filteredInUserSpace());
            }
        }
    }

    /**
     * {@code ip broadcast} needs the netmask, which libpcap takes from the device: refused without
     * one, and with 255.0.0.0 (lo's /8) a datagram to 127.255.255.255 passes and one to 127.0.0.1 not.
     */
    @Test
    void ipBroadcastUsesTheNetmaskOfTheOptions() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Capture.Options.defaults().filter("ip broadcast"));
        assertTrue(e.getMessage().contains("netmask not known"), e.getMessage());
        assumeTrue(CaptureSupport.canCapture(), CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = DatagramChannel.open(); DatagramChannel src = DatagramChannel.open()) {
            sink.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = CaptureSupport.port(sink);
            src.setOption(StandardSocketOptions.SO_BROADCAST, true);
            Capture.Options o = Capture.Options.defaults().netmask(0xff000000)
                    .filter("ip broadcast and udp dst port " + port);
            try (Capture c = Capture.open("lo", o)) {
                CaptureSupport.passesOnly(c, src, new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress("127.255.255.255", port), b -> { });
            }
        }
    }
}
