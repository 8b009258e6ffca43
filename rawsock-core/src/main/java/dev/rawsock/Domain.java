package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;

import java.util.List;

/**
 * A socket domain (address family), {@code AF_*} in {@code <sys/socket.h>}: the first argument of
 * {@code socket(2)}. Open-ended: any int is a valid {@code Domain}, and {@code toString()} prints the
 * C name when one is known. {@code null} where a Domain is expected means {@link #UNSPEC}, as NIL
 * does in CLISP's RAWSOCK.
 *
 * @param value the C value, e.g. 2 for AF_INET
 */
public record Domain(int value) {
    private static final ConstTable TABLE = ConstTable.of("AF_");

    public static final Domain UNSPEC = new Domain(Consts.AF_UNSPEC);
    public static final Domain UNIX = new Domain(Consts.AF_UNIX);
    public static final Domain LOCAL = new Domain(Consts.AF_LOCAL);
    public static final Domain INET = new Domain(Consts.AF_INET);
    public static final Domain INET6 = new Domain(Consts.AF_INET6);
    public static final Domain NETLINK = new Domain(Consts.AF_NETLINK);
    public static final Domain PACKET = new Domain(Consts.AF_PACKET);
    public static final Domain BRIDGE = new Domain(Consts.AF_BRIDGE);
    public static final Domain KEY = new Domain(Consts.AF_KEY);
    public static final Domain CAN = new Domain(Consts.AF_CAN);
    public static final Domain TIPC = new Domain(Consts.AF_TIPC);
    public static final Domain BLUETOOTH = new Domain(Consts.AF_BLUETOOTH);
    public static final Domain ALG = new Domain(Consts.AF_ALG);
    public static final Domain VSOCK = new Domain(Consts.AF_VSOCK);
    public static final Domain XDP = new Domain(Consts.AF_XDP);

    /**
     * {@return the domain named {@code name}: {@code "INET"}, {@code "AF_INET"}, {@code "inet"} all work}
     *
     * @param name the name
     * @throws IllegalArgumentException for an unknown name; the message lists every known one
     */
    public static Domain valueOf(String name) {
        return new Domain(TABLE.parse(name, "socket domain"));
    }

    /** {@return every domain with a known C name, one per value, in the order of {@code <bits/socket.h>}} */
    public static List<Domain> known() {
        return TABLE.values().stream().map(Domain::new).toList();
    }

    /** {@return the C name ({@code "AF_INET"}), or null when this value has none} */
    public String cName() {
        return TABLE.name(value);
    }

    /** The C name when known ({@code AF_INET}), else the number. */
    @Override
    public String toString() {
        return TABLE.nameOrNumber(value);
    }

    static int of(Domain d) {
        return d == null ? Consts.AF_UNSPEC : d.value;
    }
}
