package dev.rawsock.internal;

import java.net.InetAddress;

/**
 * The packet module's {@link dev.rawsock.packet.internal.InetBytes} under its old name, for the core
 * code not yet moved to it (ControlMessage); new code imports that one.
 */
public final class InetBytes {
    private InetBytes() {}

    /** See {@link dev.rawsock.packet.internal.InetBytes#address(byte[])}. */
    public static InetAddress address(byte[] a) {
        return dev.rawsock.packet.internal.InetBytes.address(a);
    }
}
