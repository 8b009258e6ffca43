package dev.rawsock.packet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** pcapng blocks written by hand, field by field (no rawsock writer code), for files the writer never makes. */
final class NgFile {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** A block of {@code type} whose body is {@code body} (padded to 4), with length at both ends. */
    NgFile block(int type, byte[] body) {
        int len = 12 + ((body.length + 3) & ~3);
        ByteBuffer b = ByteBuffer.allocate(len).order(order);
        b.putInt(type).putInt(len).put(body).position(len - 4);
        b.putInt(len);
        out.writeBytes(b.array());
        return this;
    }

    NgFile section(ByteOrder o, int major, int minor, Object... codeValue) {
        order = o;
        byte[] options = options(codeValue);
        return block(0x0A0D0D0A, body(b -> b.putInt(0x1A2B3C4D).putShort((short) major).putShort((short) minor).putLong(-1)
                .put(options)));
    }

    NgFile iface(int linktype, int snaplen, byte[] options) {
        return block(1, body(b -> b.putShort((short) linktype).putShort((short) 0).putInt(snaplen).put(options)));
    }

    NgFile epb(int iface, long units, int caplen, int len, byte[] data, byte[] options) {
        return block(6, body(b -> b.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units).putInt(caplen).putInt(len)
                .put(data).put(new byte[((data.length + 3) & ~3) - data.length]).put(options)));
    }

    NgFile spb(int len, byte[] data) {
        return block(3, body(b -> b.putInt(len).put(data)));
    }

    NgFile isb(int iface, long units, byte[] options) {
        return block(5, body(b -> b.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units).put(options)));
    }

    /** Options in the current byte order, ended by opt_endofopt; values are byte[] or String. */
    byte[] options(Object... codeValue) {
        return body(b -> {
            for (int i = 0; i < codeValue.length; i += 2) {
                byte[] v = codeValue[i + 1] instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) codeValue[i + 1];
                b.putShort((short) (int) (Integer) codeValue[i]).putShort((short) v.length).put(v).put(new byte[((v.length + 3) & ~3) - v.length]);
            }
            b.putInt(0);
        });
    }

    byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(order).putLong(v).array();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private byte[] body(java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(order);
        fill.accept(b);
        byte[] a = new byte[b.position()];
        b.flip().get(a);
        return a;
    }
}
