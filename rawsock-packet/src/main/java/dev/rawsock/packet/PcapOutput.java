package dev.rawsock.packet;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The buffered file both capture file writers write through, in this machine's byte order (which
 * both formats allow: readers swap).
 */
final class PcapOutput implements Closeable {
    final Path path;
    private final FileChannel channel;
    private final ByteBuffer out = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
    private boolean closed;

    PcapOutput(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    void checkOpen(String what) throws IOException {
        if (closed) throw new IOException(what + " for " + path + " is closed");
    }

    /** {@return the buffer, with room for at least {@code n} (at most 64 KiB) more bytes} */
    ByteBuffer room(int n) throws IOException {
        if (out.remaining() < n) flush();
        return out;
    }

    /** Copies {@code n} bytes from {@code d}'s position without moving it, through the buffer. */
    void put(ByteBuffer data, int n) throws IOException {
        ByteBuffer d = data.duplicate();
        d.limit(d.position() + n);
        while (d.hasRemaining()) {
            if (!out.hasRemaining()) flush();
            int k = Math.min(out.remaining(), d.remaining());
            out.put(out.position(), d, d.position(), k);
            out.position(out.position() + k);
            d.position(d.position() + k);
        }
    }

    void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) channel.write(out);
        out.clear();
    }

    /** Flushes and closes; a second call does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    /** Closes the file after a failed header write, keeping the first exception. */
    void abandon(Exception e) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
        }
    }
}
