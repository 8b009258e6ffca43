package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;

import java.util.List;

/**
 * A socket option level, the second argument of {@code getsockopt(2)}/{@code setsockopt(2)} and the
 * {@code cmsg_level} of a control message: {@code SOL_SOCKET} or a protocol number. Open-ended.
 *
 * @param value the C value, e.g. 1 for SOL_SOCKET
 */
public record Level(int value) {
    private static final ConstTable TABLE = ConstTable.of("SOL_");

    public static final Level SOL_SOCKET = new Level(Consts.SOL_SOCKET);
    public static final Level IP = new Level(Consts.SOL_IP);
    public static final Level IPV6 = new Level(Consts.SOL_IPV6);
    public static final Level TCP = new Level(Consts.SOL_TCP);
    public static final Level UDP = new Level(Consts.SOL_UDP);
    public static final Level RAW = new Level(Consts.SOL_RAW);
    public static final Level ICMPV6 = new Level(Consts.SOL_ICMPV6);
    public static final Level PACKET = new Level(Consts.SOL_PACKET);
    public static final Level NETLINK = new Level(Consts.SOL_NETLINK);

    /**
     * {@return the level named {@code name}: {@code "SOL_SOCKET"}, {@code "SOCKET"}, {@code "ip"}, any case}
     *
     * @param name the name
     */
    public static Level valueOf(String name) {
        return new Level(TABLE.parse(name, "option level"));
    }

    /** {@return every level with a known C name} */
    public static List<Level> known() {
        return TABLE.values().stream().map(Level::new).toList();
    }

    /** {@return the C name ({@code "SOL_SOCKET"}), or null} */
    public String cName() {
        return TABLE.name(value);
    }

    @Override
    public String toString() {
        return TABLE.nameOrNumber(value);
    }
}
