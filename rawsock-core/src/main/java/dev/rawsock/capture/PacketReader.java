package dev.rawsock.capture;

import java.io.IOException;

/**
 * How a {@link Capture} gets its packets from the socket: a mapped ring or one system call per
 * packet. Called by one thread at a time (the capture's reader lock), never after the capture's
 * memory is released.
 */
interface PacketReader {
    /**
     * The next packet, or null once {@code deadline} has passed: the reader's one packet object,
     * filled anew on every call.
     *
     * @param deadline an absolute {@link System#nanoTime()} deadline, 0 for none
     */
    CapturedPacket next(long deadline) throws IOException;

    /** The bytes shared with the kernel (0 without a ring). */
    long ringSize();

    /** A few words for {@code toString}. */
    String describe();
}
