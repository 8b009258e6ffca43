package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.IfReq;
import dev.rawsock.packet.internal.InetBytes;
import dev.rawsock.internal.NetIf;
import dev.rawsock.internal.Sys;

import java.net.Inet4Address;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Network interface configuration with the classic {@code ioctl(2)}s of {@code netdevice(7)}
 * (SIOCGIFFLAGS, SIOCSIFMTU, SIOCSIFADDR, ...), each on a throwaway AF_INET datagram socket.
 * Changing anything needs CAP_NET_ADMIN in the interface's network namespace.
 *
 * <p>Names are checked before any call: an empty name, one of 16+ bytes (IF_NAMESIZE) or with a NUL
 * is an {@link IllegalArgumentException}. A missing interface is an {@link ErrnoException} with ENODEV.
 */
public final class Interfaces {
    private Interfaces() {}

    /** The IFF_* bits SIOCSIFFLAGS can carry: {@code ifr_flags} is a short, so LOWER_UP, DORMANT, ECHO cannot be set. */
    private static final int SETTABLE = 0xFFFF;

    @FunctionalInterface
    private interface OnFd<T> { T apply(int fd) throws ErrnoException; }

    /** Runs {@code body} on a fresh AF_INET datagram socket, closed afterwards. */
    private static <T> T withSocket(OnFd<T> body) throws ErrnoException {
        int fd = Sys.socket(Consts.AF_INET, Consts.SOCK_DGRAM | Consts.SOCK_CLOEXEC, 0);
        try {
            return body.apply(fd);
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    /**
     * {@code ioctl(SIOCGIFFLAGS)}, {@code netdevice(7)}: the interface's flags.
     *
     * @param ifname the interface name
     * @return the flags the interface has
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static Set<IfFlag> flags(String ifname) throws ErrnoException {
        NetIf.checkName(ifname);
        return IfFlag.of(withSocket(fd -> IfReq.flags(fd, ifname)));
    }

    /**
     * {@code ioctl(SIOCGIFFLAGS)} then {@code ioctl(SIOCSIFFLAGS)}, {@code netdevice(7)}: sets the flags
     * in {@code on} and clears those in {@code off}, leaving the others as they are.
     *
     * @param ifname the interface name
     * @param on the flags to set
     * @param off the flags to clear
     * @throws IllegalArgumentException when a flag is in both sets, or is one SIOCSIFFLAGS cannot carry
     *         (LOWER_UP, DORMANT, ECHO: the kernel reports them, never takes them)
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void setFlags(String ifname, Set<IfFlag> on, Set<IfFlag> off) throws ErrnoException {
        NetIf.checkName(ifname);
        int set = mask(on), clear = mask(off);
        if ((set & clear) != 0)
            throw new IllegalArgumentException("flags both on and off: " + IfFlag.of(set & clear));
        withSocket(fd -> IfReq.changeFlags(fd, ifname, set, clear));
    }

    private static int mask(Set<IfFlag> flags) {
        if (flags == null) return 0;
        int m = IfFlag.mask(flags);
        if ((m & ~SETTABLE) != 0)
            throw new IllegalArgumentException("SIOCSIFFLAGS cannot set " + IfFlag.of(m & ~SETTABLE));
        return m;
    }

    /**
     * Sets IFF_UP ({@code ip link set IFNAME up}).
     *
     * @param ifname the interface name
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void up(String ifname) throws ErrnoException {
        setFlags(ifname, EnumSet.of(IfFlag.UP), null);
    }

    /**
     * Clears IFF_UP ({@code ip link set IFNAME down}).
     *
     * @param ifname the interface name
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void down(String ifname) throws ErrnoException {
        setFlags(ifname, null, EnumSet.of(IfFlag.UP));
    }

    /**
     * {@code ioctl(SIOCGIFMTU)}, {@code netdevice(7)}.
     *
     * @param ifname the interface name
     * @return the MTU in bytes
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static int mtu(String ifname) throws ErrnoException {
        NetIf.checkName(ifname);
        return withSocket(fd -> IfReq.mtu(fd, ifname));
    }

    /**
     * {@code ioctl(SIOCSIFMTU)}, {@code netdevice(7)}.
     *
     * @param ifname the interface name
     * @param mtu the new MTU
     * @throws IllegalArgumentException for a negative MTU (the kernel refuses values its driver cannot take with EINVAL)
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void setMtu(String ifname, int mtu) throws ErrnoException {
        NetIf.checkName(ifname);
        if (mtu < 0) throw new IllegalArgumentException("MTU must be >= 0: " + mtu);
        withSocket(fd -> { IfReq.setMtu(fd, ifname, mtu); return null; });
    }

    /**
     * {@code ioctl(SIOCGIFHWADDR)}, {@code netdevice(7)}: the 6-byte (Ethernet) hardware address.
     *
     * @param ifname the interface name
     * @return the 6 address bytes
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static byte[] hardwareAddress(String ifname) throws ErrnoException {
        NetIf.checkName(ifname);
        return withSocket(fd -> IfReq.hwaddr(fd, ifname, Consts.ETH_ALEN));
    }

    /**
     * {@code ioctl(SIOCSIFHWADDR)}, {@code netdevice(7)}: sets the Ethernet address (ARPHRD_ETHER).
     *
     * @param ifname the interface name
     * @param address the new address
     * @throws IllegalArgumentException when {@code address} is not 6 bytes
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void setHardwareAddress(String ifname, byte[] address) throws ErrnoException {
        NetIf.checkName(ifname);
        Objects.requireNonNull(address, "address");
        if (address.length != Consts.ETH_ALEN)
            throw new IllegalArgumentException("a hardware address has 6 bytes, not " + address.length);
        byte[] a = address.clone();
        withSocket(fd -> { IfReq.setHwaddr(fd, ifname, Consts.ARPHRD_ETHER, a); return null; });
    }

    /**
     * {@code ioctl(SIOCGIFADDR)}, {@code netdevice(7)}: the primary IPv4 address (EADDRNOTAVAIL when none).
     *
     * @param ifname the interface name
     * @return the primary IPv4 address
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static Inet4Address address(String ifname) throws ErrnoException {
        NetIf.checkName(ifname);
        return InetBytes.v4(withSocket(fd -> IfReq.inetAddr(fd, ifname, Consts.SIOCGIFADDR)));
    }

    /**
     * {@code ioctl(SIOCGIFNETMASK)}, {@code netdevice(7)}: the netmask of the primary IPv4 address.
     *
     * @param ifname the interface name
     * @return the netmask
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static Inet4Address netmask(String ifname) throws ErrnoException {
        NetIf.checkName(ifname);
        return InetBytes.v4(withSocket(fd -> IfReq.inetAddr(fd, ifname, Consts.SIOCGIFNETMASK)));
    }

    /**
     * {@return the prefix length of {@link #netmask}: 24 for 255.255.255.0}
     *
     * @param ifname the interface name
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static int prefixLength(String ifname) throws ErrnoException {
        byte[] m = netmask(ifname).getAddress();
        return Integer.bitCount(((m[0] & 0xFF) << 24) | ((m[1] & 0xFF) << 16) | ((m[2] & 0xFF) << 8) | (m[3] & 0xFF));
    }

    /**
     * {@code ioctl(SIOCSIFADDR)} then {@code ioctl(SIOCSIFNETMASK)}, {@code netdevice(7)}: sets the
     * primary IPv4 address and its prefix (SIOCSIFADDR alone would give the old classful mask).
     *
     * @param ifname the interface name
     * @param address the new address
     * @param prefixLength the prefix length, 0..32
     * @throws IllegalArgumentException when {@code prefixLength} is outside 0..32
     * @throws ErrnoException if {@code ioctl(2)} fails: ENODEV when there is no such interface, EPERM without CAP_NET_ADMIN for a change
     */
    public static void setAddress(String ifname, Inet4Address address, int prefixLength) throws ErrnoException {
        NetIf.checkName(ifname);
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 32)
            throw new IllegalArgumentException("prefix length must be 0..32: " + prefixLength);
        int bits = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        byte[] mask = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        byte[] a = address.getAddress();
        withSocket(fd -> {
            IfReq.setInetAddr(fd, ifname, Consts.SIOCSIFADDR, a);
            IfReq.setInetAddr(fd, ifname, Consts.SIOCSIFNETMASK, mask);
            return null;
        });
    }

    /** CLISP's configdev on the caller's fd: PROMISC and NOARP on or off, then the address if given. */
    static void configdev(int fd, String ifname, Inet4Address addressOrNull, boolean promisc, boolean noarp)
            throws ErrnoException {
        NetIf.checkName(ifname);
        int on = (promisc ? Consts.IFF_PROMISC : 0) | (noarp ? Consts.IFF_NOARP : 0);
        int off = (promisc ? 0 : Consts.IFF_PROMISC) | (noarp ? 0 : Consts.IFF_NOARP);
        IfReq.changeFlags(fd, ifname, on, off);
        if (addressOrNull != null) IfReq.setInetAddr(fd, ifname, Consts.SIOCSIFADDR, addressOrNull.getAddress());
    }
}
