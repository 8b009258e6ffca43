package dev.rawsock;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code struct msghdr} in Java form, for {@code sendmsg(2)}/{@code recvmsg(2)} and
 * {@code sendmmsg(2)}/{@code recvmmsg(2)}: CLISP's {@code RAWSOCK:MESSAGE}.
 *
 * <ul>
 * <li>{@link #addr()}: on send the destination (null: the connected peer); on receive, filled in
 *     place with the sender's address (null: not wanted).</li>
 * <li>{@link #iovec()}: the arrays the data is gathered from or scattered into (the live array given
 *     to the constructor); {@code start}/{@code end} of the calls select a part of it.</li>
 * <li>{@link #control()}: ancillary data. On send, what {@link #control(ControlMessage...)} encoded
 *     or the raw bytes {@link #control(byte[])} gave; on receive, a buffer whose length is the
 *     capacity (size it with {@link ControlMessage#space(int)}), which the kernel fills;
 *     {@link #controlMessages()} parses what came.</li>
 * <li>{@link #flags()} and {@link #length()}: what the last call returned ({@code msg_flags},
 *     such as TRUNC and CTRUNC, and the byte count).</li>
 * </ul>
 *
 * Mutable and not thread-safe: one call uses a message at a time.
 */
public final class Message {
    private static final byte[] NONE = new byte[0];

    private SockAddr addr;
    private final byte[][] iovec;
    private byte[] control = NONE;
    private int controlLength;
    private int flags;
    private int length;

    /**
     * A message over {@code iovec} (kept, not copied), to or from {@code addrOrNull}.
     *
     * @param addrOrNull the address, or null for none
     * @param iovec the buffers, kept (not copied)
     */
    public Message(SockAddr addrOrNull, byte[]... iovec) {
        this.addr = addrOrNull;
        this.iovec = iovec == null ? new byte[0][] : iovec;
    }

    /** {@return the address: destination on send, filled with the source on receive; may be null} */
    public SockAddr addr() {
        return addr;
    }

    /**
     * Sets the address (null: none / not wanted).
     *
     * @param addrOrNull the address, or null for none
     * @return this message
     */
    public Message addr(SockAddr addrOrNull) {
        this.addr = addrOrNull;
        return this;
    }

    /** {@return the iovec arrays (the live array: changes show through)} */
    public byte[][] iovec() {
        return iovec;
    }

    /** {@return the control buffer (live): the bytes to send, or the receive buffer, of which the first {@link #controlLength()} bytes hold what came} */
    public byte[] control() {
        return control;
    }

    /**
     * Uses {@code buffer} (kept, not copied) as raw control data: the bytes to send, or on receive
     * the space for ancillary data (its length is the capacity, {@code msg_controllen}).
     *
     * @param buffer the control buffer, kept (not copied)
     * @return this message
     */
    public Message control(byte[] buffer) {
        this.control = buffer == null ? NONE : buffer;
        this.controlLength = control.length;
        return this;
    }

    /**
     * Encodes {@code messages} (each CMSG_SPACE long) as the control data to send.
     *
     * @param messages the control messages to send
     * @return this message
     */
    public Message control(ControlMessage... messages) {
        return control(ControlMessage.encode(messages));
    }

    /**
     * {@return bytes of {@link #control()} that hold control messages: after a receive, the
     * {@code msg_controllen} the kernel returned; otherwise the buffer's length}
     */
    public int controlLength() {
        return controlLength;
    }

    /**
     * {@return the whole control messages in {@link #control()} (after a receive: those the kernel
     * delivered)} File descriptors in SCM_RIGHTS messages here belong to the caller, who must close
     * them; those in a message the kernel cut short (MSG_CTRUNC) rawsock has already closed.
     */
    public List<ControlMessage> controlMessages() {
        return ControlMessage.parse(control, controlLength);
    }

    /** {@return the {@code msg_flags} of the last receive (TRUNC, CTRUNC, EOR, OOB, ERRQUEUE); empty after a send} */
    public Set<MsgFlag> flags() {
        return MsgFlag.of(flags);
    }

    /** {@return bytes the last call moved ({@code msg_len} for sendmmsg/recvmmsg); with TRUNC, the datagram's real length} */
    public int length() {
        return length;
    }

    // ------------------------------------------------------------------ set by IoCore

    void received(int length, int flags, int controlLength) {
        this.length = length;
        this.flags = flags;
        this.controlLength = controlLength;
    }

    void sent(int length) {
        this.length = length;
        this.flags = 0;
    }

    @Override
    public String toString() {
        return "Message[addr=" + addr + ", iovec=" + iovec.length + " parts, control=" + controlLength + "/"
                + control.length + " bytes, flags=" + flags() + ", length=" + length + "]";
    }

    static Message require(Message m) {
        return Objects.requireNonNull(m, "message");
    }
}
