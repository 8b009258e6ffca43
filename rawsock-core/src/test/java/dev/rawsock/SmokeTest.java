package dev.rawsock;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;
class SmokeTest { @Test void t() { assertEquals(dev.rawsock.capture.Direction.OUTGOING, dev.rawsock.capture.Direction.ofPacketType(4)); } }
