package dev.rawsock.internal;

import dev.rawsock.ErrnoException;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The interface ioctls on {@code struct ifreq} ({@code netdevice(7)}), each on a given socket fd:
 * {@code Interfaces} passes a throwaway datagram socket, {@code configdev} the caller's own, as in
 * CLISP's CONFIGDEV. Names are checked with {@link NetIf#checkName} (never cut to fit, as strncpy would).
 */
public final class IfReq {
    private IfReq() {}

    private static final long IFRU = Layouts.IFR_IFRU;

    /** A zeroed ifreq in {@code s.misc} holding {@code name}. */
    private static MemorySegment req(Scratch s, byte[] name) {
        MemorySegment m = s.misc(Layouts.IFREQ.byteSize());
        MemorySegment.copy(name, 0, m, JAVA_BYTE, 0, name.length);
        return m;
    }

    /** SIOCGIFFLAGS: the 16 bits of {@code ifr_flags}. */
    public static int flags(int fd, String ifname) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            Sys.ioctl(s, fd, Consts.SIOCGIFFLAGS, r, "ioctl");
            return r.get(JAVA_SHORT, IFRU) & 0xFFFF;
        }
    }

    /** SIOCSIFFLAGS: sets {@code ifr_flags} (the low 16 bits of {@code flags}). */
    public static void setFlags(int fd, String ifname, int flags) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            r.set(JAVA_SHORT, IFRU, (short) flags);
            Sys.ioctl(s, fd, Consts.SIOCSIFFLAGS, r, "ioctl");
        }
    }

    /**
     * SIOCGIFFLAGS then SIOCSIFFLAGS with the bits {@code on} set and {@code off} cleared; the set call is
     * skipped when nothing changes. Returns the new flags.
     */
    public static int changeFlags(int fd, String ifname, int on, int off) throws ErrnoException {
        int old = flags(fd, ifname);
        int now = (old | on) & ~off;
        if (now != old) setFlags(fd, ifname, now);
        return now;
    }

    /**
     * TUNSETIFF on an open {@code /dev/net/tun} fd: attaches it to the tun/tap device {@code ifname}
     * (created if missing; an empty name lets the kernel pick {@code tunN}/{@code tapN}) with
     * {@code IFF_*} tun flags. Returns the device's name as the kernel wrote it back.
     */
    public static String tunSetIff(int fd, String ifname, int flags) throws ErrnoException {
        byte[] n = ifname.isEmpty() ? new byte[0] : NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            r.set(JAVA_SHORT, IFRU, (short) flags);
            Sys.ioctl(s, fd, Consts.TUNSETIFF, r, "ioctl");
            return r.asSlice(0, Consts.IF_NAMESIZE).getString(0);
        }
    }

    /** SIOCGIFMTU. */
    public static int mtu(int fd, String ifname) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            Sys.ioctl(s, fd, Consts.SIOCGIFMTU, r, "ioctl");
            return r.get(JAVA_INT, IFRU);
        }
    }

    /** SIOCSIFMTU. */
    public static void setMtu(int fd, String ifname, int mtu) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            r.set(JAVA_INT, IFRU, mtu);
            Sys.ioctl(s, fd, Consts.SIOCSIFMTU, r, "ioctl");
        }
    }

    /** SIOCGIFHWADDR: the first {@code len} bytes of {@code ifr_hwaddr.sa_data}. */
    public static byte[] hwaddr(int fd, String ifname, int len) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            Sys.ioctl(s, fd, Consts.SIOCGIFHWADDR, r, "ioctl");
            return r.asSlice(IFRU + Layouts.SA_DATA, len).toArray(JAVA_BYTE);
        }
    }

    /** SIOCGIFHWADDR: {@code ifr_hwaddr.sa_family}, the interface's ARPHRD_* type. */
    public static int hwtype(int fd, String ifname) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            Sys.ioctl(s, fd, Consts.SIOCGIFHWADDR, r, "ioctl");
            return r.get(JAVA_SHORT, IFRU) & 0xFFFF;
        }
    }

    /** SIOCSIFHWADDR with {@code sa_family} {@code hatype} (ARPHRD_ETHER for Ethernet). */
    public static void setHwaddr(int fd, String ifname, int hatype, byte[] address) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        if (address.length > 14) throw new IllegalArgumentException("hardware address over 14 bytes: " + address.length);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            r.set(JAVA_SHORT, IFRU, (short) hatype);
            MemorySegment.copy(address, 0, r, JAVA_BYTE, IFRU + Layouts.SA_DATA, address.length);
            Sys.ioctl(s, fd, Consts.SIOCSIFHWADDR, r, "ioctl");
        }
    }

    /** An IPv4 address get (SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR, ...): the 4 bytes of sin_addr. */
    public static byte[] inetAddr(int fd, String ifname, int request) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            Sys.ioctl(s, fd, request, r, "ioctl");
            return r.asSlice(IFRU + Layouts.SIN_ADDR, 4).toArray(JAVA_BYTE);
        }
    }

    /** An IPv4 address set (SIOCSIFADDR, SIOCSIFNETMASK, ...) from 4 bytes in network order. */
    public static void setInetAddr(int fd, String ifname, int request, byte[] address) throws ErrnoException {
        byte[] n = NetIf.checkName(ifname);
        if (address.length != 4) throw new IllegalArgumentException("IPv4 address of " + address.length + " bytes");
        try (Scratch s = Scratch.acquire()) {
            MemorySegment r = req(s, n);
            r.set(JAVA_SHORT, IFRU, (short) Consts.AF_INET);
            MemorySegment.copy(address, 0, r, JAVA_BYTE, IFRU + Layouts.SIN_ADDR, 4);
            Sys.ioctl(s, fd, request, r, "ioctl");
        }
    }
}
