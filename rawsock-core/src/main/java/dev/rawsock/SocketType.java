package dev.rawsock;

import dev.rawsock.internal.ConstTable;
import dev.rawsock.internal.Consts;

import java.util.List;

/**
 * A socket type, {@code SOCK_*} in {@code <bits/socket_type.h>}: the second argument of
 * {@code socket(2)}. Open-ended like {@link Domain}; {@code null} means 0. The flags
 * {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} may be or-ed into a raw value with {@link #withFlags}.
 *
 * @param value the C value, e.g. 1 for SOCK_STREAM
 */
public record SocketType(int value) {
    private static final ConstTable TABLE = ConstTable.of("SOCK_", "SOCK_NONBLOCK", "SOCK_CLOEXEC");

    public static final SocketType STREAM = new SocketType(Consts.SOCK_STREAM);
    public static final SocketType DGRAM = new SocketType(Consts.SOCK_DGRAM);
    public static final SocketType RAW = new SocketType(Consts.SOCK_RAW);
    public static final SocketType RDM = new SocketType(Consts.SOCK_RDM);
    public static final SocketType SEQPACKET = new SocketType(Consts.SOCK_SEQPACKET);
    public static final SocketType DCCP = new SocketType(Consts.SOCK_DCCP);
    public static final SocketType PACKET = new SocketType(Consts.SOCK_PACKET);

    /**
     * {@return the type named {@code name}: {@code "STREAM"}, {@code "SOCK_STREAM"}, any case}
     *
     * @param name the name
     * @throws IllegalArgumentException for an unknown name; the message lists every known one
     */
    public static SocketType valueOf(String name) {
        return new SocketType(TABLE.parse(name, "socket type"));
    }

    /** {@return every type with a known C name} */
    public static List<SocketType> known() {
        return TABLE.values().stream().map(SocketType::new).toList();
    }

    /**
     * {@return this type with SOCK_NONBLOCK and/or SOCK_CLOEXEC or-ed in}
     *
     * @param nonBlock whether to or-in {@code SOCK_NONBLOCK}
     * @param closeOnExec whether to or-in {@code SOCK_CLOEXEC}
     */
    public SocketType withFlags(boolean nonBlock, boolean closeOnExec) {
        return new SocketType(value | (nonBlock ? Consts.SOCK_NONBLOCK : 0) | (closeOnExec ? Consts.SOCK_CLOEXEC : 0));
    }

    /** {@return the C name ({@code "SOCK_STREAM"}), or null when this value has none} */
    public String cName() {
        return TABLE.name(value);
    }

    @Override
    public String toString() {
        return TABLE.nameOrNumber(value);
    }

    static int of(SocketType t) {
        return t == null ? 0 : t.value;
    }
}
