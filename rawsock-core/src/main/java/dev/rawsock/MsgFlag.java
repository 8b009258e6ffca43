package dev.rawsock;

import dev.rawsock.internal.Consts;

import java.util.Set;

/**
 * Flags of {@code send(2)}/{@code recv(2)} and friends, and of {@code msg_flags} on return
 * ({@code MSG_*}, {@code <bits/socket.h>}): CLISP's {@code :OOB :PEEK :WAITALL :EOR} keywords.
 */
public enum MsgFlag {
    /** {@code MSG_OOB}: send or receive out-of-band (TCP urgent) data. */
    OOB(Consts.MSG_OOB),
    /** {@code MSG_PEEK}: look at the data without taking it off the queue. */
    PEEK(Consts.MSG_PEEK),
    /** {@code MSG_DONTROUTE}: send only to directly connected hosts, bypassing the routing table. */
    DONTROUTE(Consts.MSG_DONTROUTE),
    /** {@code MSG_CTRUNC}: on return: control data was cut short because the control buffer was too small. */
    CTRUNC(Consts.MSG_CTRUNC),
    /** {@code MSG_PROXY}: obsolete Linux flag, ignored by current kernels; kept so every {@code MSG_*} bit has a name. */
    PROXY(Consts.MSG_PROXY),
    /**
     * {@code MSG_TRUNC}: on receive, return the real length of a datagram even if it was longer than the
     * buffer; on return, the datagram was truncated.
     */
    TRUNC(Consts.MSG_TRUNC),
    /** {@code MSG_DONTWAIT}: do not block for this one call, as if the socket were non-blocking ({@code EAGAIN} instead). */
    DONTWAIT(Consts.MSG_DONTWAIT),
    /** {@code MSG_EOR}: end of record (for {@code SOCK_SEQPACKET}); on return: the record is complete. */
    EOR(Consts.MSG_EOR),
    /** {@code MSG_WAITALL}: block until the whole buffer is filled (or a signal, error or disconnect intervenes). */
    WAITALL(Consts.MSG_WAITALL),
    /** {@code MSG_FIN}: internal TCP flag of the kernel; not meant for applications. */
    FIN(Consts.MSG_FIN),
    /** {@code MSG_SYN}: internal TCP flag of the kernel; not meant for applications. */
    SYN(Consts.MSG_SYN),
    /** {@code MSG_CONFIRM}: tell the neighbour layer the link-layer peer is reachable (skips an ARP/ND probe). */
    CONFIRM(Consts.MSG_CONFIRM),
    /** {@code MSG_RST}: internal TCP flag of the kernel; not meant for applications. */
    RST(Consts.MSG_RST),
    /** {@code MSG_ERRQUEUE}: receive queued errors (with {@code IP_RECVERR}) instead of data. */
    ERRQUEUE(Consts.MSG_ERRQUEUE),
    /** {@code MSG_NOSIGNAL}: do not raise {@code SIGPIPE} when the peer has closed; only {@code EPIPE} is returned. */
    NOSIGNAL(Consts.MSG_NOSIGNAL),
    /** {@code MSG_MORE}: more data follows: cork this send and coalesce it with the next one. */
    MORE(Consts.MSG_MORE),
    /** {@code MSG_WAITFORONE}: for {@code recvmmsg(2)}: after the first message, do not wait for more. */
    WAITFORONE(Consts.MSG_WAITFORONE),
    /** {@code MSG_BATCH}: for {@code sendmmsg(2)}: more messages follow in this batch. */
    BATCH(Consts.MSG_BATCH),
    /**
     * {@code MSG_ZEROCOPY}: send from user memory without copying (with {@code SO_ZEROCOPY}); the
     * completion arrives on the error queue.
     */
    ZEROCOPY(Consts.MSG_ZEROCOPY),
    /** {@code MSG_FASTOPEN}: TCP Fast Open: send data in the SYN of {@code sendto(2)} on an unconnected socket. */
    FASTOPEN(Consts.MSG_FASTOPEN),
    /** {@code MSG_CMSG_CLOEXEC}: set close-on-exec on file descriptors received by {@code SCM_RIGHTS}. */
    CMSG_CLOEXEC(Consts.MSG_CMSG_CLOEXEC);

    private final int value;

    MsgFlag(int value) { this.value = value; }

    /** {@return the C bit, e.g. {@code MSG_PEEK} = 2} */
    public int value() { return value; }

    /** {@return the C name, e.g. {@code "MSG_PEEK"}} */
    public String cName() { return "MSG_" + name(); }

    /**
     * {@return the bits of {@code flags} or-ed together (null or empty: 0)}
     *
     * @param flags the flags
     */
    public static int mask(MsgFlag... flags) {
        return FlagBits.mask(MsgFlag::value, flags);
    }

    /**
     * {@return the bits of a set or-ed together}
     *
     * @param flags the flags
     */
    public static int mask(Set<MsgFlag> flags) {
        return FlagBits.mask(MsgFlag::value, flags);
    }

    /**
     * {@return the flags set in {@code bits} (bits no constant names are dropped)}
     *
     * @param bits the C bits
     */
    public static Set<MsgFlag> of(int bits) {
        return FlagBits.of(MsgFlag.class, bits, MsgFlag::value);
    }
}
