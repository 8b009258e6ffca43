package dev.rawsock.internal;

import java.lang.foreign.GroupLayout;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place for netlink's message and attribute arithmetic ({@code NLMSG_ALIGN},
 * {@code NLMSG_NEXT}, {@code RTA_ALIGN}, {@code RTA_NEXT}, nested attributes; netlink(7),
 * rtnetlink(7)), as {@link Cmsg} is for control messages. Messages are plain bytes in the host's
 * byte order; nothing here touches native memory.
 *
 * <p>Reading never trusts a length: a message or attribute whose length is short or runs past what
 * holds it is a {@link ProtocolException} naming the offset, never an out-of-bounds read.
 */
public final class Netlink {
    private Netlink() {}

    /** {@code NLMSG_HDRLEN}: the aligned size of {@code struct nlmsghdr}. */
    public static final int HDRLEN = (int) Layouts.NLMSGHDR.byteSize();
    /** {@code NLA_HDRLEN}: the size of {@code struct nlattr} / {@code struct rtattr}. */
    public static final int ATTR_HDRLEN = 4;
    private static final int ERR_LEN = (int) Layouts.NLMSGERR.byteSize();
    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    /** {@code NLMSG_ALIGN} / {@code NLA_ALIGN}: up to a multiple of 4. */
    public static int align(int n) {
        return (n + 3) & ~3;
    }

    /** One request being built: the header, the family's fixed struct, then attributes. */
    public static final class Request {
        private ByteBuffer b = ByteBuffer.allocate(256).order(HOST);
        private final int[] nests = new int[16];
        private int depth;
        private final int type;

        /**
         * A request of {@code type} ({@code RTM_*}) with {@code flags} ({@code NLM_F_*};
         * NLM_F_REQUEST is added) and the family's fixed header {@code fixed}, zeroed.
         */
        public Request(int type, int flags, GroupLayout fixed) {
            this.type = type;
            b.putInt(0).putShort((short) type).putShort((short) (flags | Consts.NLM_F_REQUEST)).putInt(0).putInt(0);
            room((int) fixed.byteSize());
            b.position(b.position() + align((int) fixed.byteSize()));
        }

        /** {@return the message type} */
        public int type() { return type; }

        private void room(int n) {
            if (b.remaining() >= n) return;
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(HOST);
            b.flip();
            bigger.put(b);
            b = bigger;
        }

        /** Sets a byte of the fixed header at {@code offset} (from {@link Layouts}). */
        public Request fixedByte(long offset, int v) { b.put(HDRLEN + (int) offset, (byte) v); return this; }
        /** Sets a 16-bit field of the fixed header. */
        public Request fixedShort(long offset, int v) { b.putShort(HDRLEN + (int) offset, (short) v); return this; }
        /** Sets a 32-bit field of the fixed header. */
        public Request fixedInt(long offset, int v) { b.putInt(HDRLEN + (int) offset, v); return this; }

        /** Appends an attribute with {@code value}, padded to 4 bytes. */
        public Request attr(int attrType, byte[] value) {
            int len = ATTR_HDRLEN + value.length;
            if (len > 0xFFFF) throw new IllegalArgumentException("netlink attribute " + attrType + " too long: " + value.length + " bytes");
            room(align(len));
            b.putShort((short) len).putShort((short) attrType).put(value);
            for (int i = len; i < align(len); i++) b.put((byte) 0);
            return this;
        }

        /** Appends {@code n} zero bytes (a struct inside an attribute, such as VETH_INFO_PEER's ifinfomsg). */
        public Request zeros(int n) {
            room(n);
            b.position(b.position() + n);
            return this;
        }

        /** Appends a 1-byte attribute. */
        public Request attrU8(int attrType, int v) { return attr(attrType, new byte[] {(byte) v}); }
        /** Appends a 16-bit attribute in host order. */
        public Request attrU16(int attrType, int v) { return attr(attrType, ByteBuffer.allocate(2).order(HOST).putShort((short) v).array()); }
        /** Appends a 16-bit attribute in network order (ports). */
        public Request attrU16Be(int attrType, int v) { return attr(attrType, new byte[] {(byte) (v >> 8), (byte) v}); }
        /** Appends a 32-bit attribute in host order. */
        public Request attrU32(int attrType, int v) { return attr(attrType, ByteBuffer.allocate(4).order(HOST).putInt(v).array()); }

        /** Appends a NUL-terminated string attribute. */
        public Request attrString(int attrType, String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            return attr(attrType, Arrays.copyOf(v, v.length + 1));
        }

        /** Opens a nested attribute (NLA_F_NESTED is not set: rtnetlink's older attributes are parsed without it). */
        public Request begin(int attrType) {
            if (depth == nests.length) throw new IllegalStateException("netlink attributes nested too deep");
            room(ATTR_HDRLEN);
            nests[depth++] = b.position();
            b.putShort((short) 0).putShort((short) attrType);
            return this;
        }

        /** Closes the innermost nested attribute. */
        public Request end() {
            if (depth == 0) throw new IllegalStateException("no nested attribute is open");
            int start = nests[--depth];
            b.putShort(start, (short) (b.position() - start));
            return this;
        }

        /** {@return the finished message with sequence number {@code seq}} */
        public byte[] finish(int seq) {
            if (depth != 0) throw new IllegalStateException(depth + " nested attribute(s) left open");
            b.putInt(0, b.position());
            b.putInt(8, seq);
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /**
     * A received message: its header fields and {@code body}, the bytes after the header (the family's
     * fixed struct, then attributes), in host order with position 0.
     */
    public record Message(int type, int flags, int seq, int pid, ByteBuffer body) {
        /** {@return whether this is NLMSG_DONE} */
        public boolean done() { return type == Consts.NLMSG_DONE; }
        /** {@return whether this is NLMSG_ERROR (an ack when its error is 0)} */
        public boolean error() { return type == Consts.NLMSG_ERROR; }
    }

    /** The payload of NLMSG_ERROR: {@code errno} (0 for an ack, else positive) and the kernel's extended-ack text or null. */
    public record Ack(int errno, String message) {}

    /**
     * Splits {@code len} received bytes into messages, each with a copy of its body.
     *
     * @throws ProtocolException when a header is short or its length runs past the data
     */
    public static List<Message> split(byte[] buf, int len) throws ProtocolException {
        ByteBuffer all = ByteBuffer.wrap(buf, 0, len).order(HOST);
        List<Message> out = new ArrayList<>();
        int at = 0;
        while (len - at >= HDRLEN) {
            int mlen = all.getInt(at);
            if (mlen < HDRLEN || mlen > len - at)
                throw new ProtocolException("malformed netlink reply: message at offset " + at + " claims length " + Integer.toUnsignedString(mlen)
                        + " (" + (len - at) + " bytes left, header is " + HDRLEN + ")");
            int type = Short.toUnsignedInt(all.getShort(at + 4)), flags = Short.toUnsignedInt(all.getShort(at + 6));
            // A copy: the receive buffer is reused by the next recv while a dump's messages are still wanted.
            ByteBuffer body = ByteBuffer.wrap(Arrays.copyOfRange(buf, at + HDRLEN, at + mlen)).order(HOST);
            out.add(new Message(type, flags, all.getInt(at + 8), all.getInt(at + 12), body));
            at += align(mlen);
        }
        if (at < len)
            throw new ProtocolException("malformed netlink reply: " + (len - at) + " trailing bytes at offset " + at + ", shorter than a message header");
        return out;
    }

    /**
     * The attributes of {@code body} after its fixed header of {@code fixed} bytes, by type (the
     * NLA_F_NESTED and NLA_F_NET_BYTEORDER bits masked off); each value is a slice of {@code body}.
     * Where a type repeats the first one is kept (rtnetlink sends each at most once at one level).
     *
     * @throws ProtocolException when the fixed header is longer than the body or an attribute's length is short or runs past the end
     */
    public static Map<Integer, ByteBuffer> attrs(ByteBuffer body, int fixed) throws ProtocolException {
        int end = body.limit();
        if (fixed > end) throw new ProtocolException("malformed netlink message: " + end + " bytes, its fixed header needs " + fixed);
        Map<Integer, ByteBuffer> out = new LinkedHashMap<>();
        int at = align(fixed);
        while (end - at >= ATTR_HDRLEN) {
            int len = Short.toUnsignedInt(body.getShort(at)), type = Short.toUnsignedInt(body.getShort(at + 2)) & Consts.NLA_TYPE_MASK;
            if (len < ATTR_HDRLEN || len > end - at)
                throw new ProtocolException("malformed netlink attribute at offset " + at + ": length " + len + " (" + (end - at) + " bytes left)");
            out.putIfAbsent(type, body.slice(at + ATTR_HDRLEN, len - ATTR_HDRLEN).order(HOST));
            at += align(len);
        }
        return out;
    }

    /**
     * {@return the attributes nested in {@code attr}}
     *
     * @throws ProtocolException as {@link #attrs}
     */
    public static Map<Integer, ByteBuffer> nested(ByteBuffer attr) throws ProtocolException {
        return attrs(attr, 0);
    }

    /**
     * {@return a 1-byte attribute}
     *
     * @throws ProtocolException when it is shorter
     */
    public static int u8(ByteBuffer a) throws ProtocolException { need(a, 1); return Byte.toUnsignedInt(a.get(0)); }
    /**
     * {@return a 16-bit attribute in host order}
     *
     * @throws ProtocolException when it is shorter
     */
    public static int u16(ByteBuffer a) throws ProtocolException { need(a, 2); return Short.toUnsignedInt(a.getShort(0)); }
    /**
     * {@return a 32-bit attribute in host order}
     *
     * @throws ProtocolException when it is shorter
     */
    public static int u32(ByteBuffer a) throws ProtocolException { need(a, 4); return a.getInt(0); }
    /**
     * {@return a 64-bit value at {@code offset} of an attribute}
     *
     * @throws ProtocolException when it is shorter
     */
    public static long u64(ByteBuffer a, int offset) throws ProtocolException { need(a, offset + 8); return a.getLong(offset); }

    /** {@return the attribute's bytes} */
    public static byte[] bytes(ByteBuffer a) {
        byte[] out = new byte[a.limit()];
        a.get(0, out);
        return out;
    }

    /** {@return a string attribute, up to its NUL or its end} */
    public static String string(ByteBuffer a) {
        byte[] v = bytes(a);
        int n = 0;
        while (n < v.length && v[n] != 0) n++;
        return new String(v, 0, n, StandardCharsets.UTF_8);
    }

    private static void need(ByteBuffer a, int n) throws ProtocolException {
        if (a.limit() < n) throw new ProtocolException("malformed netlink attribute: " + a.limit() + " bytes where " + n + " are needed");
    }

    /**
     * Reads an NLMSG_ERROR message: the error and, when the kernel sent extended-ack TLVs
     * (NLM_F_ACK_TLVS), the NLMSGERR_ATTR_MSG text.
     *
     * @throws ProtocolException when the message is too short for {@code struct nlmsgerr} or its TLVs are malformed
     */
    public static Ack ack(Message m) throws ProtocolException {
        ByteBuffer body = m.body();
        if (body.limit() < ERR_LEN) throw new ProtocolException("malformed netlink error message: " + body.limit() + " bytes, needs " + ERR_LEN);
        int errno = -body.getInt(0);
        String text = null;
        if ((m.flags() & Consts.NLM_F_ACK_TLVS) != 0) {
            // Without NLM_F_CAPPED the kernel echoes the whole request after the error; the TLVs follow it.
            int echoed = (m.flags() & Consts.NLM_F_CAPPED) != 0 ? HDRLEN : body.getInt(4);
            int tlvs = 4 + echoed;
            if (echoed < HDRLEN || tlvs > body.limit())
                throw new ProtocolException("malformed netlink error message: echoed request of " + Integer.toUnsignedString(echoed) + " bytes");
            ByteBuffer msg = attrs(body, tlvs).get(Consts.NLMSGERR_ATTR_MSG);
            if (msg != null) text = string(msg);
        }
        return new Ack(errno, text);
    }
}
