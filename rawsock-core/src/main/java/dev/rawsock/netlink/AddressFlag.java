package dev.rawsock.netlink;

import dev.rawsock.internal.Consts;

import java.util.EnumSet;
import java.util.Set;

/** Flags of an interface address ({@code IFA_F_*}, {@code <linux/if_addr.h>}), as {@code ip addr} prints them. */
public enum AddressFlag {
    /** {@code IFA_F_SECONDARY}: not the first address of its subnet on the link. */
    SECONDARY(Consts.IFA_F_SECONDARY),
    /** {@code IFA_F_NODAD}: no duplicate address detection (IPv6). */
    NODAD(Consts.IFA_F_NODAD),
    /** {@code IFA_F_OPTIMISTIC}: optimistic DAD (RFC 4429). */
    OPTIMISTIC(Consts.IFA_F_OPTIMISTIC),
    /** {@code IFA_F_DADFAILED}: duplicate address detection failed. */
    DADFAILED(Consts.IFA_F_DADFAILED),
    /** {@code IFA_F_HOMEADDRESS}: a Mobile IPv6 home address. */
    HOMEADDRESS(Consts.IFA_F_HOMEADDRESS),
    /** {@code IFA_F_DEPRECATED}: its preferred lifetime ran out. */
    DEPRECATED(Consts.IFA_F_DEPRECATED),
    /** {@code IFA_F_TENTATIVE}: duplicate address detection is still running. */
    TENTATIVE(Consts.IFA_F_TENTATIVE),
    /** {@code IFA_F_PERMANENT}: configured, not learnt (shown as "permanent"). */
    PERMANENT(Consts.IFA_F_PERMANENT),
    /** {@code IFA_F_MANAGETEMPADDR}: make privacy addresses from this one. */
    MANAGETEMPADDR(Consts.IFA_F_MANAGETEMPADDR),
    /** {@code IFA_F_NOPREFIXROUTE}: add no prefix route for it. */
    NOPREFIXROUTE(Consts.IFA_F_NOPREFIXROUTE),
    /** {@code IFA_F_MCAUTOJOIN}: join the multicast group it names. */
    MCAUTOJOIN(Consts.IFA_F_MCAUTOJOIN),
    /** {@code IFA_F_STABLE_PRIVACY}: a stable-privacy address (RFC 7217). */
    STABLE_PRIVACY(Consts.IFA_F_STABLE_PRIVACY);

    private final int value;

    AddressFlag(int value) { this.value = value; }

    /** {@return the C bit} */
    public int value() { return value; }

    static Set<AddressFlag> of(int bits) {
        Set<AddressFlag> s = EnumSet.noneOf(AddressFlag.class);
        for (AddressFlag f : values()) if ((bits & f.value) != 0) s.add(f);
        return s;
    }

    static int mask(Set<AddressFlag> flags) {
        int m = 0;
        for (AddressFlag f : flags) m |= f.value;
        return m;
    }
}
