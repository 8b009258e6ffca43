package dev.rawsock;

import dev.rawsock.internal.Consts;
import dev.rawsock.internal.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rawsock.TestSupport.ascii;
import static org.junit.jupiter.api.Assertions.*;

/** makeStream (dup, like EXT:MAKE-STREAM), openUnixSocketStream, and RawSocket's streams. */
class StreamsTest {
    @Test
    void makeStreamDupsAndClosesOnlyTheDup() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try {
            FdStream s = Rawsock.makeStream(pair[0]);
            assertNotEquals(pair[0], s.fd());
            s.output().write(ascii("ping"));
            byte[] b = new byte[4];
            assertEquals(4, Rawsock.recv(pair[1], b));
            assertEquals("ping", new String(b, StandardCharsets.US_ASCII));
            Rawsock.send(pair[1], ascii("pong"));
            assertArrayEquals(ascii("pong"), s.input().readNBytes(4));
            s.close();
            s.close();  // idempotent
            assertThrows(IOException.class, () -> s.input().read());
            // the caller's fd is untouched and keeps its (blocking) mode
            assertEquals(0, Sys.getFlags(pair[0]) & Consts.O_NONBLOCK);
            assertEquals(2, Rawsock.send(pair[0], ascii("ok")));
            // end of stream
            FdStream t = Rawsock.makeStream(pair[1]);
            Rawsock.shutdown(pair[0], Shutdown.WRITE);
            assertArrayEquals(ascii("ok"), t.input().readNBytes(2));
            assertEquals(-1, t.input().read());
            t.close();
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    @Test
    void streamOverANonBlockingFdStillBlocks() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try (FdStream s = Rawsock.makeStream(pair[1])) {
            Sys.setNonBlocking(pair[1], true);  // shared with the dup
            Thread me = Thread.currentThread();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    TestSupport.awaitBlocked(me);
                    Rawsock.send(pair[0], ascii("late"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(ascii("late"), s.input().readNBytes(4));
            writer.join(5000);
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        try {
            for (boolean virtual : new boolean[] {false, true}) {
                FdStream s = Rawsock.makeStream(pair[1]);
                AtomicReference<Throwable> got = new AtomicReference<>();
                Runnable read = () -> {
                    try {
                        s.input().read();
                    } catch (Throwable t) {
                        got.set(t);
                    }
                };
                Thread reader = virtual ? Thread.ofVirtual().start(read) : Thread.ofPlatform().start(read);
                TestSupport.awaitBlocked(reader);
                s.close();
                reader.join(5000);
                assertFalse(reader.isAlive(), "reader still blocked after close");
                assertInstanceOf(AsynchronousCloseException.class, got.get());
            }
        } finally {
            Sys.closeQuietly(pair[0]);
            Sys.closeQuietly(pair[1]);
        }
    }

    @Test
    void openUnixSocketStreamTalksToAListener(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s");
        try (RawSocket listener = RawSocket.open(Domain.UNIX, SocketType.STREAM)) {
            listener.bind(SockAddr.unix(path));
            listener.listen();
            OpenedStream o = Rawsock.openUnixSocketStream(path);
            try (FdStream s = o.stream(); RawSocket peer = listener.accept()) {
                assertEquals(path, o.address().path());
                s.output().write(ascii("hello over unix"));
                byte[] b = new byte[15];
                assertEquals(15, peer.read(b));
                assertEquals("hello over unix", new String(b, StandardCharsets.US_ASCII));
                peer.write(ascii("back"));
                assertArrayEquals(ascii("back"), s.input().readNBytes(4));
            }
        }
        assertThrows(ErrnoException.class, () -> Rawsock.openUnixSocketStream(dir.resolve("nobody")));
    }

    @Test
    void rawSocketStreams() throws Exception {
        RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.STREAM);
        try (RawSocket a = pair[0]; RawSocket b = pair[1]) {
            OutputStream out = a.outputStream();
            InputStream in = b.inputStream();
            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    out.write(big);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(big, in.readNBytes(big.length));
            writer.join(5000);
            b.timeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, in::read);
            in.close();
            assertFalse(b.isOpen(), "closing the stream closes the socket");
        }
    }

    @Test
    void messagesOverRawSocket() throws Exception {
        RawSocket[] pair = RawSocket.pair(Domain.UNIX, SocketType.DGRAM);
        try (RawSocket a = pair[0]; RawSocket b = pair[1]) {
            int[] extra = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
            try {
                assertEquals(8, a.sendMsg(new Message(null, ascii("man"), ascii("bites")).control(ControlMessage.scmRights(extra[0]))));
                Message in = new Message(null, new byte[3], new byte[5]).control(new byte[ControlMessage.space(4)]);
                assertEquals(8, b.recvMsg(in));
                assertEquals("bites", new String(in.iovec()[1], StandardCharsets.US_ASCII));
                int passed = in.controlMessages().get(0).fds()[0];
                Rawsock.send(passed, ascii("z"));
                Sys.close(passed);
                byte[] z = new byte[1];
                assertEquals(1, Rawsock.recv(extra[1], z));

                Message[] many = {new Message(null, ascii("one")), new Message(null, ascii("two"))};
                assertEquals(2, a.sendMmsg(many));
                Message[] got = {new Message(null, new byte[8]), new Message(null, new byte[8]), new Message(null, new byte[8])};
                assertEquals(2, b.recvMmsg(got));
                assertEquals(3, got[1].length());
                assertEquals("two", new String(got[1].iovec()[0], 0, 3, StandardCharsets.US_ASCII));

                b.timeout(Duration.ofMillis(50));
                assertThrows(SocketTimeoutException.class, () -> b.recvMsg(new Message(null, new byte[1])));
                assertThrows(ErrnoException.class, () -> b.recvMsg(new Message(null, new byte[1]), MsgFlag.DONTWAIT));
            } finally {
                Sys.closeQuietly(extra[0]);
                Sys.closeQuietly(extra[1]);
            }
        }
    }
}
