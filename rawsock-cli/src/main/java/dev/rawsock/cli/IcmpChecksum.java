package dev.rawsock.cli;

/** RFC 1071 internet checksum, until {@code dev.rawsock.packet.Checksums} is on this branch. */
final class IcmpChecksum {
    private IcmpChecksum() {}

    static int internet(byte[] b, int off, int len) {
        long sum = 0;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if (i < end) sum += (b[i] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }
}
