package dev.rawsock.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rawsock sniff ARGS} run in this JVM on a thread of its own, as the live capture tests run it. */
final class Sniffer implements AutoCloseable {
    final StringWriter out = new StringWriter(), err = new StringWriter();
    private final AtomicInteger rc = new AtomicInteger(-1);
    private final Thread thread;

    Sniffer(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "sniff";
        System.arraycopy(args, 0, all, 1, args.length);
        thread = Thread.ofPlatform().start(() -> {
            try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
                rc.set(Main.run(o, e, all));
            }
        });
    }

    /** Waits (at most 30 s) until sniff says it is listening on {@code iface}; fails the test if it does not. */
    void awaitListening(String iface) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String want = "listening on " + iface;
        while (!err.toString().contains(want) && System.nanoTime() < deadline && thread.isAlive()) Thread.sleep(20);
        assertTrue(err.toString().contains(want), err::toString);
    }

    /** {@return sniff's exit status once it has ended (waiting at most 60 s), -1 if it has not} */
    int exitStatus() throws InterruptedException {
        thread.join(Duration.ofSeconds(60));
        return rc.get();
    }

    @Override
    public void close() throws InterruptedException {
        thread.join(Duration.ofSeconds(60));
    }
}
