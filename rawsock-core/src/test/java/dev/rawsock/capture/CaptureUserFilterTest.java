package dev.rawsock.capture;

import dev.rawsock.Domain;
import dev.rawsock.ErrnoException;
import dev.rawsock.RawSocket;
import dev.rawsock.SocketType;
import dev.rawsock.packet.BpfInstruction;
import dev.rawsock.packet.BpfProgram;
import org.junit.jupiter.api.Test;

import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A program the kernel refuses to attach is run in Java instead, as libpcap does, and the capture says so. */
class CaptureUserFilterTest {
    private static final boolean CAP = CaptureSupport.canCapture();

    /**
     * "UDP to {@code port}" over Ethernet and IPv4 without options, whose accepting return sits behind
     * a jump across 4087 packet loads: a valid classic program (every jump forward, in range), but its
     * translation to eBPF needs a jump offset beyond 16 bits, so the kernel refuses it with EINVAL.
     */
    static BpfProgram refusedByTheKernel(int port) {
        List<BpfInstruction> p = new ArrayList<>();
        p.add(BpfInstruction.stmt(0x28, 12));                 // 0: ldh [12]
        p.add(BpfInstruction.jump(0x15, 0x0800, 0, 4));       // 1: jeq #IPv4 -> 2, else 6
        p.add(BpfInstruction.stmt(0x30, 23));                 // 2: ldb [23]
        p.add(BpfInstruction.jump(0x15, 17, 0, 2));           // 3: jeq #UDP -> 4, else 6
        p.add(BpfInstruction.stmt(0x28, 36));                 // 4: ldh [36]
        p.add(BpfInstruction.jump(0x15, port, 1, 0));         // 5: jeq #port -> 7, else 6
        p.add(BpfInstruction.stmt(0x06, 0));                  // 6: ret #0
        int loads = BpfProgram.MAX_INSTRUCTIONS - 9;
        p.add(BpfInstruction.stmt(0x05, loads));              // 7: ja over the loads to the last instruction
        for (int i = 0; i < loads; i++) p.add(BpfInstruction.stmt(0x30, 0));
        p.add(BpfInstruction.stmt(0x06, 262144));             // accept
        return BpfProgram.of(p);
    }

    @Test
    void aProgramTheKernelRefusesFiltersInUserSpace() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel other = CaptureSupport.sink();
             DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink), otherPort = CaptureSupport.port(other);
            BpfProgram f = refusedByTheKernel(port);
            try (RawSocket s = RawSocket.open(Domain.PACKET, SocketType.RAW)) {
                ErrnoException e = assertThrows(ErrnoException.class, () -> s.attachFilter(f), "the kernel refuses it");
                assertEquals("EINVAL", e.errnoName());
            }
            for (int mode = 0; mode < 3; mode++) {
                Capture.Options o = Capture.Options.defaults().filter(f).ring(mode < 2).immediate(mode == 1);
                try (Capture c = Capture.open("lo", o)) {
                    assertTrue(c.filtersInUserSpace(), c.toString());
                    assertTrue(c.toString().contains("user-space filter"), c.toString());
                    for (int i = 0; i < 3; i++) {
                        CaptureSupport.sendUdp(src, otherPort, new byte[] {'n', (byte) i});
                        CaptureSupport.sendUdp(src, port, new byte[] {'y', (byte) i});
                    }
                    for (int i = 0; i < 3; i++) {
                        CapturedPacket p = c.next(Duration.ofSeconds(10));
                        assertNotNull(p, c + ": datagram " + i);
                        byte[] b = CaptureSupport.bytes(p);
                        assertEquals('y', b[b.length - 2], "only the datagrams to the filter's port");
                        assertEquals(i, b[b.length - 1]);
                    }
                    assertNull(c.next(Duration.ofMillis(200)), "the other port's datagrams were filtered out");
                    CaptureStats st = c.stats();
                    assertTrue(st.filteredInUserSpace());
                    assertTrue(st.received() >= 6, "the kernel passed every packet: " + st);
                }
            }
        }
    }

    @Test
    void aProgramTheKernelTakesStaysInTheKernel() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        try (Capture c = Capture.open("lo", Capture.Options.defaults().filter("udp port 9"))) {
            assertFalse(c.filtersInUserSpace());
            assertFalse(c.stats().filteredInUserSpace());
        }
    }
}
