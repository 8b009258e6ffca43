package dev.rawsock;

import dev.rawsock.internal.Sys;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random and boundary values (fixed seeds) through every public entry point that takes bytes,
 * offsets, lengths, names or fds. Each outcome is classified: a result, or an exception the API
 * documents for bad input (IllegalArgumentException, IndexOutOfBoundsException, NullPointerException
 * for a null, IllegalStateException for a SockAddr field its family or size lacks, ErrnoException
 * from the kernel, SocketTimeoutException from a RawSocket's timeout). Anything else is a defect and
 * fails the property. Every call here either cannot block or is bounded (non-blocking fds, a 1 ms
 * timeout, poll timeout 0); crash-prone races run in a child JVM ({@link ChildJvmTest}).
 */
class FuzzPropertiesTest {
    private static final Set<Class<? extends Throwable>> DOCUMENTED = Set.of(IllegalArgumentException.class,
            IndexOutOfBoundsException.class, ArrayIndexOutOfBoundsException.class, StringIndexOutOfBoundsException.class,
            IllegalStateException.class, ErrnoException.class, SocketTimeoutException.class, NullPointerException.class,
            UnsupportedOperationException.class);

    /** Runs {@code call}; a documented exception is a fine outcome, anything else fails with the input. */
    static <T> T classify(String input, Callable<T> call) {
        try {
            return call.call();
        } catch (Throwable t) {
            if (!DOCUMENTED.contains(t.getClass())) fail("defect: " + t + " for " + input, t);
            return null;
        }
    }

    private RawSocket[] owned;
    private int[] facade;

    @BeforeProperty
    void open() throws Exception {
        owned = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        owned[0].timeout(Duration.ofMillis(1));
        facade = Rawsock.socketpair(Domain.UNIX, SocketType.DGRAM);
        Sys.setNonBlocking(facade[0], true);  // a recv with nothing queued says EAGAIN instead of waiting
    }

    @AfterProperty
    void close() throws Exception {
        owned[0].close();
        owned[1].close();
        Sys.closeQuietly(facade[0]);
        Sys.closeQuietly(facade[1]);
    }

    @Provide
    Arbitrary<Integer> edges() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-3, 70),
                Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1 << 16, 1 << 30));
    }

    @Property(tries = 400, seed = "20261207")
    void byteRangesOnEveryTransferCall(@ForAll @Size(max = 64) byte[] buf, @ForAll("edges") int start,
                                       @ForAll("edges") int end, @ForAll @IntRange(min = 0, max = 11) int call) {
        String in = "call " + call + " len " + buf.length + " [" + start + ", " + end + ")";
        int fd = facade[0];
        Long n = classify(in, () -> switch (call) {
            case 0 -> (long) Rawsock.send(facade[1], buf, start, end);
            case 1 -> (long) Rawsock.recv(fd, buf, start, end);
            case 2 -> (long) Rawsock.sockWrite(facade[1], buf, start, end);
            case 3 -> (long) Rawsock.sockRead(fd, buf, start, end);
            case 4 -> (long) Rawsock.sendto(facade[1], buf, start, end, null);
            case 5 -> (long) Rawsock.recvfrom(fd, buf, start, end, SockAddr.of(Domain.UNIX));
            case 6 -> (long) owned[1].send(buf, start, end);
            case 7 -> (long) owned[0].recv(buf, start, end);
            case 8 -> (long) owned[0].read(buf, start, end);
            case 9 -> (long) owned[1].write(buf, start, end);
            case 10 -> (long) Rawsock.sockWrite(facade[1], new byte[][] {buf, buf}, start, end);
            default -> (long) Rawsock.sendmsg(facade[1], new Message(null, buf, buf), start, end);
        });
        if (n != null) assertTrue(n >= -1 && n <= 2L * buf.length, in + " returned " + n);
        drain();
    }

    private void drain() {
        byte[] sink = new byte[1 << 16];
        for (int i = 0; i < 64; i++) {
            try {
                Rawsock.recv(facade[0], sink, MsgFlag.DONTWAIT);
            } catch (ErrnoException empty) {
                break;
            }
        }
        for (int i = 0; i < 64; i++) {
            try {
                owned[0].recv(sink, MsgFlag.DONTWAIT);
            } catch (Exception empty) {
                break;
            }
        }
    }

    @Provide
    Arbitrary<Integer> badFds() {
        // negative, or far above any fd this process has open: never one of the JVM's own fds
        return Arbitraries.oneOf(Arbitraries.integers().between(Integer.MIN_VALUE, -1),
                Arbitraries.integers().between(1 << 24, Integer.MAX_VALUE), Arbitraries.of(-1, Integer.MAX_VALUE, 1 << 24));
    }

    @Property(tries = 300, seed = "20261207")
    void garbageFdsGiveAClearExceptionBeforeOrFromTheCall(@ForAll("badFds") int fd, @ForAll @IntRange(min = 0, max = 13) int call) {
        String in = "call " + call + " fd " + fd;
        byte[] b = new byte[8];
        Object r = classify(in, () -> (Object) switch (call) {
            case 0 -> Rawsock.send(fd, b);
            case 1 -> Rawsock.recv(fd, b);
            case 2 -> Rawsock.sockRead(fd, b);
            case 3 -> Rawsock.sockWrite(fd, new byte[][] {b});
            case 4 -> Rawsock.poll(fd, EnumSet.of(PollEvent.IN), 0);
            case 5 -> Rawsock.getsockname(fd);
            case 6 -> Rawsock.accept(fd, null);
            case 7 -> Rawsock.sendmsg(fd, new Message(null, b));
            case 8 -> Rawsock.socketOption(fd, SockOpt.SO_TYPE);
            case 9 -> Rawsock.makeStream(fd);
            case 10 -> RawSocket.adopt(fd);
            case 11 -> Rawsock.recvmmsg(fd, new Message[] {new Message(null, b)}, MsgFlag.DONTWAIT);
            case 12 -> {
                Rawsock.shutdown(fd, Shutdown.BOTH);
                yield "returned";
            }
            default -> Rawsock.sockatmark(fd);
        });
        if (call != 4) assertEquals(null, r, in + " succeeded on a garbage fd");
    }

    @Property(tries = 500, seed = "20261207")
    void anyBytesMakeASockAddrWhoseAccessorsAnswerOrRefuse(@ForAll @Size(max = 140) byte[] raw) {
        SockAddr a = classify("fromBytes " + raw.length, () -> SockAddr.fromBytes(raw));
        if (a == null) return;
        String in = a.toString();
        List<Callable<Object>> accessors = List.of(a::port, a::inetAddress, a::scopeId, a::flowInfo, a::path,
                a::abstractName, a::ifindex, a::ethertype, a::packetType, a::hardwareAddress, a::pid, a::groups,
                a::family, a::data, a::bytes, a::toSocketAddress);
        for (Callable<Object> c : accessors) classify(in, c);
        assertTrue(a.size() <= SockAddr.CAPACITY);
    }

    @Property(tries = 500, seed = "20261207")
    void anyControlBytesParseIntoMessagesWhoseAccessorsAnswerOrRefuse(@ForAll @Size(max = 200) byte[] control,
                                                                    @ForAll("edges") int length) {
        List<ControlMessage> ms = classify("parse " + control.length + " / " + length, () -> ControlMessage.parse(control, length));
        if (ms == null) return;
        for (ControlMessage m : ms) {
            String in = m.toString();
            m.kind();
            List<Callable<Object>> accessors = List.of(m::fds, m::credentials, m::timestamp, m::packetInfo, m::ttl,
                    m::hopLimit, m::tos, m::trafficClass, m::extendedError, m::segmentSize, m::groSize, m::data);
            for (Callable<Object> c : accessors) classify(in, c);
        }
    }

    @Property(tries = 300, seed = "20261207")
    void controlMessageSizes(@ForAll int dataLength) {
        Integer s = classify("space " + dataLength, () -> ControlMessage.space(dataLength));
        Integer l = classify("len " + dataLength, () -> ControlMessage.len(dataLength));
        if (s != null) assertTrue(s >= dataLength && l != null && l <= s);
    }

    @Property(tries = 500, seed = "20261207")
    void namesAndAddressTextAnswerOrRefuse(@ForAll @Size(max = 120) String text, @ForAll @IntRange(min = 0, max = 4) int call) {
        classify("call " + call + " \"" + text + "\"", () -> switch (call) {
            case 0 -> Rawsock.convertAddress(Domain.INET, text);
            case 1 -> Rawsock.convertAddress(Domain.INET6, text);
            case 2 -> SockAddr.unixAbstract(text);
            case 3 -> SockAddr.unix(java.nio.file.Path.of(text.replace('\0', 'x')));
            default -> Rawsock.ifNameIndex(text);
        });
    }

    @Property(tries = 300, seed = "20261207")
    void batchesRefuseBadCountsSizesAndIndexes(@ForAll("edges") int count, @ForAll("edges") int size, @ForAll("edges") int i,
                                               @ForAll @Size(max = 80) byte[] bytes) {
        DatagramBatch b = classify("allocate " + count + " x " + size,
                () -> count <= 64 && size <= 1 << 16 ? DatagramBatch.allocate(count, size) : DatagramBatch.allocate(0, 0));
        if (b == null) return;
        try (b) {
            String in = "batch " + b + " i " + i;
            classify(in, () -> { b.put(i, bytes); return null; });
            classify(in, () -> { b.put(i, ByteBuffer.wrap(bytes)); return null; });
            classify(in, () -> { b.setLength(i, bytes.length); return null; });
            classify(in, () -> b.data(i));
            classify(in, () -> b.address(i));
            classify(in, () -> Rawsock.sendmmsg(facade[1], b, i, MsgFlag.DONTWAIT));
            classify(in, () -> Rawsock.recvmmsg(facade[0], b, MsgFlag.DONTWAIT));
        }
        drain();
    }
}
