package dev.rawsock.netlink;

import dev.rawsock.ErrnoException;

import java.io.Serial;

/**
 * The kernel refused an rtnetlink request: its {@code errno} and, when the kernel gave one, the
 * extended-ack text ({@code NLMSGERR_ATTR_MSG}, netlink(7)) that {@code ip} prints after "Error:".
 * The message reads like {@code RTM_NEWLINK(fd=5): EEXIST (File exists): kernel says "..."}.
 */
public final class NetlinkException extends ErrnoException {
    @Serial private static final long serialVersionUID = 1L;

    /** The request's message type, e.g. {@code "RTM_NEWLINK"}. */
    private final String request;
    /** The kernel's extended-ack text, or null. */
    private final String extendedAck;

    /**
     * Built by {@link RtNetlink} when an NLMSG_ERROR answers a request.
     *
     * @param request the request's message type, e.g. {@code "RTM_NEWLINK"}
     * @param errno the error the kernel returned (positive)
     * @param socket the netlink socket's fd
     * @param extendedAck the kernel's extended-ack text, or null
     */
    public NetlinkException(String request, int errno, int socket, String extendedAck) {
        super("sendmsg", errno, socket);
        this.request = request;
        this.extendedAck = extendedAck;
    }

    /** {@return the request the kernel refused, e.g. {@code "RTM_NEWLINK"}} */
    public String request() { return request; }

    /** {@return the kernel's extended-ack text, or null when it gave none} */
    public String extendedAck() { return extendedAck; }

    @Override public String getMessage() {
        // The superclass says "sendmsg(fd=N): ENAME (text)"; the request names what failed better.
        String base = request + super.getMessage().substring(function().length());
        return extendedAck == null ? base : base + ": kernel says \"" + extendedAck + "\"";
    }
}
