package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/** Interface flags ({@code IFF_*}, {@code <net/if.h>}), as {@code SIOCGIFFLAGS} and {@code getifaddrs(3)} give them. */
public enum IfFlag {
    UP(Consts.IFF_UP), BROADCAST(Consts.IFF_BROADCAST), DEBUG(Consts.IFF_DEBUG), LOOPBACK(Consts.IFF_LOOPBACK),
    POINTOPOINT(Consts.IFF_POINTOPOINT), NOTRAILERS(Consts.IFF_NOTRAILERS), RUNNING(Consts.IFF_RUNNING),
    NOARP(Consts.IFF_NOARP), PROMISC(Consts.IFF_PROMISC), ALLMULTI(Consts.IFF_ALLMULTI), MASTER(Consts.IFF_MASTER),
    SLAVE(Consts.IFF_SLAVE), MULTICAST(Consts.IFF_MULTICAST), PORTSEL(Consts.IFF_PORTSEL),
    AUTOMEDIA(Consts.IFF_AUTOMEDIA), DYNAMIC(Consts.IFF_DYNAMIC), LOWER_UP(Consts.IFF_LOWER_UP),
    DORMANT(Consts.IFF_DORMANT), ECHO(Consts.IFF_ECHO);

    private final int value;

    IfFlag(int value) { this.value = value; }

    /** The C bit. */
    public int value() { return value; }

    /** The bits of a set or-ed together. */
    public static int mask(Set<IfFlag> flags) {
        int m = 0;
        for (IfFlag f : flags) m |= f.value;
        return m;
    }

    /** The flags set in {@code bits}. */
    public static Set<IfFlag> of(int bits) {
        EnumSet<IfFlag> s = EnumSet.noneOf(IfFlag.class);
        for (IfFlag f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }
}
