package dev.rawsock.netty;

import dev.rawsock.ErrnoException;
import dev.rawsock.RawSocket;
import dev.rawsock.SockOpt;
import dev.rawsock.packet.BpfProgram;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;

import java.util.Map;

/**
 * The configuration of a {@link RawChannel}: Netty's common options ({@code SO_RCVBUF},
 * {@code SO_SNDBUF}, {@code SO_BROADCAST}, {@code SO_REUSEADDR}, {@code IP_TOS},
 * {@code IP_MULTICAST_TTL}, {@code IP_MULTICAST_LOOP_DISABLED}, the allocator and watermark options)
 * and those of {@link RawChannelOption}. Socket options go straight to the socket.
 *
 * <p>Reads take a buffer of the receive allocator's size per datagram (by default a fixed 2048 bytes,
 * as Netty's datagram channels; a longer datagram is cut to it): raise it with
 * {@code RCVBUF_ALLOCATOR} for jumbo frames or large raw datagrams.
 */
public final class RawChannelConfig extends DefaultChannelConfig {
    private final RawSocket socket;
    private volatile int batchSize = 64;
    private volatile BpfProgram filter;

    RawChannelConfig(RawChannel channel, RawSocket socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.socket = socket;
    }

    /** {@return every option this channel knows, Netty's and rawsock's} */
    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF, ChannelOption.SO_BROADCAST,
                ChannelOption.SO_REUSEADDR, ChannelOption.IP_TOS, RawChannelOption.BATCH_SIZE, RawChannelOption.FILTER);
    }

    /**
     * {@return the option's value, read from the socket for socket options}
     *
     * @param <T> the value type
     * @param option the option
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == RawChannelOption.BATCH_SIZE) return (T) Integer.valueOf(batchSize);
        if (option == RawChannelOption.FILTER) return (T) filter;
        if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) return (T) Boolean.valueOf(!get(SockOpt.IP_MULTICAST_LOOP));
        SockOpt<T> s = sockOpt(option);
        if (s != null) return get(s);
        return super.getOption(option);
    }

    /**
     * Sets an option; socket options with {@code setsockopt(2)} at once.
     *
     * @param <T> the value type
     * @param option the option
     * @param value its new value
     * @return whether the option is one this channel knows
     * @throws ChannelException when the kernel refuses the value
     */
    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == RawChannelOption.BATCH_SIZE) {
            int n = (Integer) value;
            if (n < 1 || n > 1024) throw new IllegalArgumentException("BATCH_SIZE must be 1..1024: " + n);
            batchSize = n;
            return true;
        }
        if (option == RawChannelOption.FILTER) {
            setFilter((BpfProgram) value);
            return true;
        }
        if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            set(SockOpt.IP_MULTICAST_LOOP, !(Boolean) value);
            return true;
        }
        SockOpt<T> s = sockOpt(option);
        if (s != null) {
            set(s, value);
            return true;
        }
        return super.setOption(option, value);
    }

    /** {@return the most datagrams one recvmmsg or sendmmsg moves} */
    public int getBatchSize() {
        return batchSize;
    }

    /** {@return the filter attached through this configuration, or null} */
    public BpfProgram getFilter() {
        return filter;
    }

    /**
     * Attaches {@code program} to the socket ({@code SO_ATTACH_FILTER}); null detaches the filter.
     *
     * @param program the filter, or null for none
     * @return this configuration
     * @throws ChannelException when the kernel refuses it
     */
    public RawChannelConfig setFilter(BpfProgram program) {
        try {
            if (program == null) socket.detachFilter();
            else socket.attachFilter(program);
        } catch (ErrnoException e) {
            throw new ChannelException(e);
        }
        filter = program;
        return this;
    }

    @SuppressWarnings("unchecked")
    private static <T> SockOpt<T> sockOpt(ChannelOption<T> option) {
        if (option == ChannelOption.SO_RCVBUF) return (SockOpt<T>) SockOpt.SO_RCVBUF;
        if (option == ChannelOption.SO_SNDBUF) return (SockOpt<T>) SockOpt.SO_SNDBUF;
        if (option == ChannelOption.SO_BROADCAST) return (SockOpt<T>) SockOpt.SO_BROADCAST;
        if (option == ChannelOption.SO_REUSEADDR) return (SockOpt<T>) SockOpt.SO_REUSEADDR;
        if (option == ChannelOption.IP_TOS) return (SockOpt<T>) SockOpt.IP_TOS;
        if (option == ChannelOption.IP_MULTICAST_TTL) return (SockOpt<T>) SockOpt.IP_MULTICAST_TTL;
        return RawChannelOption.sockOpt(option);
    }

    private <T> T get(SockOpt<T> s) {
        try {
            return socket.option(s);
        } catch (ErrnoException e) {
            throw new ChannelException(e);
        }
    }

    private <T> void set(SockOpt<T> s, T value) {
        try {
            socket.setOption(s, value);
        } catch (ErrnoException e) {
            throw new ChannelException(e);
        }
    }
}
