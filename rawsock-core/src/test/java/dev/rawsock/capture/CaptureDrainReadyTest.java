package dev.rawsock.capture;

import dev.rawsock.PollEvent;
import dev.rawsock.Rawsock;
import org.junit.jupiter.api.Test;

import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.rawsock.capture.CaptureSupport.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** drainReady: what the capture holds, without waiting, for every reader an event loop may face. */
class CaptureDrainReadyTest {
    @Test
    void takesWhatIsThereAndNeverWaits() throws Exception {
        assumeTrue(canCapture(), NEEDS_CAP);
        for (Capture.Options base : List.of(Capture.Options.defaults(), Capture.Options.defaults().immediate(true),
                Capture.Options.defaults().ring(false))) {
            try (DatagramChannel sink = sink(); DatagramChannel from = sink()) {
                int port = port(sink);
                try (Capture c = Capture.open("lo", base.copy().filter("udp dst port " + port))) {
                    List<String> got = new ArrayList<>();
                    assertEquals(0, c.drainReady(0, p -> got.add("early")), "nothing there yet: 0, at once");
                    for (int i = 0; i < 3; i++) sendUdp(from, port, ("drain" + i).getBytes(StandardCharsets.US_ASCII));
                    for (int round = 0; round < 200 && got.size() < 3; round++) {
                        // as an event loop does: wait for readability, then take what is there
                        Rawsock.poll(c.fd(), Set.of(PollEvent.IN), 100);
                        c.drainReady(0, p -> got.add(new String(bytes(p), StandardCharsets.US_ASCII)));
                    }
                    assertEquals(3, got.size(), "three packets with " + c);
                    for (int i = 0; i < 3; i++) assertTrue(got.get(i).endsWith("drain" + i), got.get(i));
                    assertEquals(0, c.drainReady(5, p -> got.add("late")), "nothing more");
                }
            }
        }
    }
}
