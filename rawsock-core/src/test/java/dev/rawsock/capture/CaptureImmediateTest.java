package dev.rawsock.capture;

import org.junit.jupiter.api.Test;

import java.nio.channels.DatagramChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Immediate mode: the TPACKET_V2 ring hands over each packet at once, where a V3 block waits to retire. */
class CaptureImmediateTest {
    private static final boolean CAP = CaptureSupport.canCapture();

    @Test
    void immediateDeliversOnePacketWithoutWaitingForABlockToRetire() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            // a block that retires only after a minute: a lone packet stays in it that long
            Capture.Options slow = Capture.Options.defaults().blockTimeout(Duration.ofSeconds(60)).filter("udp dst port " + port);
            try (Capture block = Capture.open("lo", slow); Capture now = Capture.open("lo", slow.copy().immediate(true))) {
                assertTrue(now.usesRing(), () -> "ring refused: " + now.ringRefusedReason());
                assertTrue(now.toString().contains("immediate"), now.toString());
                byte[] payload = {'i', 'm', 'm'};
                CaptureSupport.sendUdp(src, port, payload);
                CapturedPacket p = now.next(Duration.ofSeconds(10));
                assertNotNull(p, "immediate mode delivers the single packet");
                byte[] got = CaptureSupport.bytes(p);
                assertArrayEquals(payload, java.util.Arrays.copyOfRange(got, got.length - 3, got.length));
                assertNull(block.next(Duration.ofMillis(300)), "the V3 ring holds it until its block retires");
                // the next packet too: the slot of the first goes back to the kernel on this call
                CaptureSupport.sendUdp(src, port, new byte[] {'2'});
                assertNotNull(now.next(Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void immediateRingCyclesThroughEverySlot() throws Exception {
        assumeTrue(CAP, CaptureSupport.NEEDS_CAP);
        try (DatagramChannel sink = CaptureSupport.sink(); DatagramChannel src = DatagramChannel.open()) {
            int port = CaptureSupport.port(sink);
            // a small ring: 64 KiB slots (lo's MTU), 2 of them, passed many times over
            Capture.Options o = Capture.Options.defaults().immediate(true).ringSize(128 * 1024).snaplen(200)
                    .filter("udp dst port " + port);
            try (Capture c = Capture.open("lo", o)) {
                for (int i = 0; i < 20; i++) {
                    CaptureSupport.sendUdp(src, port, new byte[] {(byte) i});
                    CapturedPacket p = c.next(Duration.ofSeconds(10));
                    assertNotNull(p, "packet " + i);
                    byte[] got = CaptureSupport.bytes(p);
                    assertTrue(got[got.length - 1] == (byte) i, "packet " + i + " in order");
                }
            }
        }
    }
}
