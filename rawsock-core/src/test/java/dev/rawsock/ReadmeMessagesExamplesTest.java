package dev.rawsock;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's fd-passing and recvmmsg examples, verbatim between the marker comments, so the
 * README shows code that runs.
 */
class ReadmeMessagesExamplesTest {

    @Test
    void fdPassing() throws Exception {
        // README: fd passing >>>
        // Hand an open file descriptor to another process (here: ourselves) over a Unix socket.
        int[] pair = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);
        int[] conn = Rawsock.socketpair(Domain.UNIX, SocketType.STREAM);  // the fd we pass, and its peer

        Rawsock.sendmsg(pair[0], new Message(null, "fd".getBytes())
                .control(ControlMessage.scmRights(conn[0])));               // SCM_RIGHTS

        Message in = new Message(null, new byte[2])
                .control(new byte[ControlMessage.space(Integer.BYTES)]);    // room for one fd (CMSG_SPACE)
        Rawsock.recvmsg(pair[1], in);
        int passed = in.controlMessages().get(0).fds()[0];                  // ours now: we close it
        Rawsock.sockWrite(passed, "hello".getBytes());

        byte[] buf = new byte[5];
        Rawsock.sockRead(conn[1], buf);                                     // "hello"
        for (int fd : new int[] {passed, pair[0], pair[1], conn[0], conn[1]}) Rawsock.sockClose(fd);
        // <<< README
        assertEquals("hello", new String(buf));
    }

    @Test
    void recvmmsgEcho() throws Exception {
        SockAddr server;
        try (RawSocket client = RawSocket.open(Domain.INET, SocketType.DGRAM)) {
            client.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
            client.timeout(Duration.ofSeconds(5));
            // README: recvmmsg >>>
            // A UDP echo server: one recvmmsg(2) takes up to 64 datagrams, one sendmmsg(2) answers them all.
            try (RawSocket udp = RawSocket.open(Domain.INET, SocketType.DGRAM);
                 DatagramBatch batch = DatagramBatch.allocate(64, 2048)) {    // native buffers, allocated once
                udp.bind(SockAddr.inet(InetAddress.getLoopbackAddress(), 0));
                server = udp.localAddress();
                // (the test's client sends three datagrams here)
                for (String s : new String[] {"a", "bb", "ccc"}) client.sendTo(s.getBytes(), server);

                int n = udp.recv(batch);            // waits for the first datagram, then takes what is queued
                for (int i = 0; i < n; i++)
                    System.out.println(batch.address(i) + ": " + batch.length(i) + " bytes");
                udp.send(batch, n);                 // each slot goes back to the address it came from
            }
            // <<< README
            // the facade form, on the client's fd: Message[] in, the count out
            Message[] msgs = new Message[8];
            for (int i = 0; i < msgs.length; i++) msgs[i] = new Message(SockAddr.of(Domain.INET), new byte[2048]);
            int got = 0;
            while (got < 3) {
                int n = Rawsock.recvmmsg(client.fd(), java.util.Arrays.copyOfRange(msgs, got, msgs.length));
                got += n;
            }
            assertEquals(3, got);
            assertEquals(server, msgs[0].addr());
            assertEquals("a", new String(msgs[0].iovec()[0], 0, msgs[0].length()));
            assertEquals("ccc", new String(msgs[2].iovec()[0], 0, msgs[2].length()));
        }
    }

    @Test
    void batchDataIsTheDatagram() throws Exception {
        try (DatagramBatch b = DatagramBatch.allocate(1, 16)) {
            b.put(0, "xyz".getBytes());
            assertArrayEquals("xyz".getBytes(), b.data(0).toArray(JAVA_BYTE));
        }
    }
}
