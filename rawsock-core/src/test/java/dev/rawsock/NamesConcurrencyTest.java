package dev.rawsock;

import dev.rawsock.internal.Consts;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Many threads enumerating the protocols and networks databases (one process-wide cursor each in
 * glibc) and resolving at once must each get the whole, correct answer: the enumerations are
 * serialised, the by-name/by-number lookups use the reentrant {@code _r} functions, and
 * getaddrinfo has no shared state. Platform threads and virtual threads both.
 */
class NamesConcurrencyTest {
    static final int THREADS = 16, CALLS = 200;

    @Test
    void platformThreads() throws Exception {
        try (ExecutorService ex = Executors.newFixedThreadPool(THREADS)) {
            hammer(ex);
        }
    }

    @Test
    void virtualThreads() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            hammer(ex);
        }
    }

    private static void hammer(ExecutorService ex) throws Exception {
        List<ProtocolEntry> protocols = Rawsock.protocol();
        List<NetworkEntry> networks = Rawsock.network();
        assertFalse(protocols.isEmpty());
        // "localhost" only when /etc/hosts answers it (never a DNS query from a test); else a numeric host
        boolean hosts = NamesTest.dbLines(Path.of("/etc/hosts")).stream()
                .anyMatch(f -> f.get(0).equals("127.0.0.1") && f.get(1).equals("localhost"));
        String node = hosts ? "localhost" : "127.0.0.1";
        AddrInfo.Hints hints = AddrInfo.hints().family(Domain.INET).socktype(SocketType.STREAM);
        List<AddrInfo> resolved = Rawsock.getaddrinfo(node, "21", hints);
        assertEquals(1, resolved.size(), resolved.toString());
        ProtocolEntry tcp = Rawsock.protocol("tcp").orElseThrow();
        Optional<NetworkEntry> loopback = Rawsock.network("loopback");

        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int id = t;
            tasks.add(() -> {
                int checked = 0;
                for (int i = 0; i < CALLS; i++) {
                    switch ((i + id) % 5) {
                        case 0 -> assertEquals(protocols, Rawsock.protocol());
                        case 1 -> assertEquals(networks, Rawsock.network());
                        case 2 -> assertEquals(resolved, Rawsock.getaddrinfo(node, "21", AddrInfo.hints()
                                .family(Domain.INET).socktype(SocketType.STREAM)));
                        case 3 -> {
                            assertEquals(Optional.of(tcp), Rawsock.protocol("tcp"));
                            assertEquals(Optional.of(tcp), Rawsock.protocol(Consts.IPPROTO_TCP));
                        }
                        default -> {
                            assertEquals(loopback, Rawsock.network("loopback"));
                            loopback.ifPresent(l -> assertEquals(loopback, Rawsock.network(l.net(), l.type())));
                        }
                    }
                    checked++;
                }
                return checked;
            });
        }
        List<Future<Integer>> results = ex.invokeAll(tasks, 120, TimeUnit.SECONDS);
        for (Future<Integer> f : results) {
            assertFalse(f.isCancelled(), "a thread did not finish in 120 s");
            assertEquals(CALLS, f.get());
        }
    }
}
