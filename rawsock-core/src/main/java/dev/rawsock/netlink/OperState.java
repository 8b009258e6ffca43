package dev.rawsock.netlink;

/** A link's operational state ({@code IF_OPER_*}, RFC 2863; {@code IFLA_OPERSTATE}), as {@code ip link} prints it. */
public enum OperState {
    /** {@code IF_OPER_UNKNOWN}: the driver does not say (loopback, tun). */
    UNKNOWN,
    /** {@code IF_OPER_NOTPRESENT}: a component is missing. */
    NOTPRESENT,
    /** {@code IF_OPER_DOWN}: down. */
    DOWN,
    /** {@code IF_OPER_LOWERLAYERDOWN}: down because a lower layer is (a veth whose peer is down). */
    LOWERLAYERDOWN,
    /** {@code IF_OPER_TESTING}: in test mode. */
    TESTING,
    /** {@code IF_OPER_DORMANT}: waiting for an external event. */
    DORMANT,
    /** {@code IF_OPER_UP}: up and able to pass packets. */
    UP;

    static OperState of(int v) {
        OperState[] all = values();
        return v >= 0 && v < all.length ? all[v] : UNKNOWN;
    }
}
