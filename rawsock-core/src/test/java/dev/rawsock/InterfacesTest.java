package dev.rawsock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;

import static dev.rawsock.TestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Interfaces} checks before any call, and reads of the loopback interface (reads change
 * nothing; every change is tested in {@link InterfacesNetnsTest}'s own namespace).
 */
class InterfacesTest {
    static final int NOT_OPEN = 1_000_000;

    @Test
    void badNamesAreRejectedBeforeAnyCall() throws Exception {
        Inet4Address a = (Inet4Address) InetAddress.getByName("10.0.0.1");
        for (String bad : List.of("", "sixteen-bytes-xx", "a-name-much-longer-than-ifnamsiz", "lo\0", "e\0th0", "a/b")) {
            List<Executable> calls = List.of(
                    () -> Interfaces.flags(bad), () -> Interfaces.setFlags(bad, EnumSet.of(IfFlag.UP), null),
                    () -> Interfaces.up(bad), () -> Interfaces.down(bad), () -> Interfaces.mtu(bad),
                    () -> Interfaces.setMtu(bad, 1500), () -> Interfaces.hardwareAddress(bad),
                    () -> Interfaces.setHardwareAddress(bad, new byte[6]), () -> Interfaces.address(bad),
                    () -> Interfaces.netmask(bad), () -> Interfaces.setAddress(bad, a, 24),
                    // on an fd nothing has open: a call would be EBADF, so the IAE comes first
                    () -> Rawsock.configdev(NOT_OPEN, bad, a, true, true));
            for (Executable c : calls) assertThrows(IllegalArgumentException.class, c, "name '" + bad + "'");
        }
        // 15 bytes fit: the name check passes and the kernel answers (no such device)
        assertErrno(assertThrows(ErrnoException.class, () -> Interfaces.flags("fifteen-bytes-x")), Errno.ENODEV);
        assertThrows(NullPointerException.class, () -> Interfaces.flags(null));
    }

    @Test
    void badValuesAreRejectedBeforeAnyCall() throws Exception {
        Inet4Address a = (Inet4Address) InetAddress.getByName("10.0.0.1");
        // these name the loopback device but never reach it
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setMtu("lo", -1));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setHardwareAddress("lo", new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setHardwareAddress("lo", new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setAddress("lo", a, 33));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setAddress("lo", a, -1));
        assertThrows(IllegalArgumentException.class,
                () -> Interfaces.setFlags("lo", EnumSet.of(IfFlag.PROMISC), EnumSet.of(IfFlag.PROMISC)));
        assertThrows(IllegalArgumentException.class, () -> Interfaces.setFlags("lo", EnumSet.of(IfFlag.LOWER_UP), null));
        assertThrows(IllegalArgumentException.class, () -> Rawsock.configdev(-1, "lo", a, false, false));
    }

    @Test
    void readsOfLoopback() throws Exception {
        assertTrue(Interfaces.flags("lo").containsAll(EnumSet.of(IfFlag.UP, IfFlag.LOOPBACK)));
        assertTrue(Interfaces.mtu("lo") > 0);
        assertEquals(InetAddress.getByName("127.0.0.1"), Interfaces.address("lo"));
        assertEquals(8, Interfaces.prefixLength("lo"));
        assertEquals(InetAddress.getByName("255.0.0.0"), Interfaces.netmask("lo"));
        assertArrayEquals(new byte[6], Interfaces.hardwareAddress("lo"));
        assertErrno(assertThrows(ErrnoException.class, () -> Interfaces.mtu("rsnosuch0")), Errno.ENODEV);
        assertErrno(assertThrows(ErrnoException.class, () -> Interfaces.address("rsnosuch0")), Errno.ENODEV);
    }
}
