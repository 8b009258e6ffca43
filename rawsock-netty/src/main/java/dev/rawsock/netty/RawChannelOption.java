package dev.rawsock.netty;

import dev.rawsock.SockOpt;
import dev.rawsock.packet.BpfProgram;
import io.netty.channel.ChannelOption;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ChannelOption}s of a {@link RawChannel} beyond Netty's common ones: any rawsock
 * {@link SockOpt} through {@link #of(SockOpt)}, and the channel's own settings.
 *
 * <pre>{@code
 * bootstrap.option(RawChannelOption.of(SockOpt.IP_HDRINCL), true)
 *          .option(RawChannelOption.FILTER, BpfProgram.compile("ether proto 0x88b5"));
 * }</pre>
 */
public final class RawChannelOption {
    private RawChannelOption() {}

    private static final Map<ChannelOption<?>, SockOpt<?>> SOCK_OPTS = new ConcurrentHashMap<>();

    /**
     * A classic BPF program attached with {@code SO_ATTACH_FILTER} ({@code socket(7)}): the kernel
     * drops what it rejects before it is queued. Setting null detaches the filter.
     */
    public static final ChannelOption<BpfProgram> FILTER = ChannelOption.valueOf(RawChannelOption.class, "FILTER");

    /**
     * The most datagrams one {@code recvmmsg(2)} or {@code sendmmsg(2)} moves (1..1024, default 64);
     * a read still stops at the channel's {@code MAX_MESSAGES_PER_READ}.
     */
    public static final ChannelOption<Integer> BATCH_SIZE = ChannelOption.valueOf(RawChannelOption.class, "BATCH_SIZE");

    /**
     * {@return the channel option that gets and sets {@code option} on the channel's socket
     * ({@code getsockopt(2)}/{@code setsockopt(2)}); the same instance for the same option}
     *
     * @param <T> the option's Java value type
     * @param option the socket option
     */
    public static <T> ChannelOption<T> of(SockOpt<T> option) {
        ChannelOption<T> o = ChannelOption.valueOf(RawChannelOption.class, option.level() + "." + option.name());
        SOCK_OPTS.putIfAbsent(o, option);
        return o;
    }

    /** The socket option behind a channel option made by {@link #of}, or null. */
    @SuppressWarnings("unchecked")
    static <T> SockOpt<T> sockOpt(ChannelOption<T> option) {
        return (SockOpt<T>) SOCK_OPTS.get(option);
    }
}
