package dev.rawsock.packet.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Java addresses from network-order bytes that C structs and packet headers hold, shared by the
 * packet views and (through a qualified export) the core module; not API. Callers pass
 * arrays of the right length, so {@link UnknownHostException} (thrown only for a wrong length)
 * cannot happen and becomes an AssertionError here rather than a checked exception everywhere.
 */
public final class InetBytes {
    private InetBytes() {}

    /** {@link InetAddress#getByAddress(byte[])} of 4 or 16 bytes: an IPv4-mapped IPv6 address comes back as IPv4. */
    public static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The IPv4 address of 4 bytes. */
    public static Inet4Address v4(byte[] a) {
        return (Inet4Address) address(a);
    }

    /** The IPv6 address of 16 bytes, always an {@link Inet6Address} (IPv4-mapped ones too), no scope. */
    public static Inet6Address v6(byte[] a) {
        try {
            return Inet6Address.getByAddress(null, a, null);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The IPv6 address of 16 bytes with a numeric scope id. */
    public static Inet6Address v6(byte[] a, int scopeId) {
        try {
            return Inet6Address.getByAddress(null, a, scopeId);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
