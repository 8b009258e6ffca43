package dev.rawsock.netlink;

/**
 * A change rtnetlink announced to a {@link RtNetlink.Monitor}: what {@code ip monitor} prints.
 * {@code deleted} is true for {@code RTM_DEL*}, false for {@code RTM_NEW*} (created or changed).
 */
public sealed interface RtEvent {
    /** {@return whether the object was deleted} */
    boolean deleted();

    /**
     * A link was created, changed ({@code deleted} false) or deleted.
     *
     * @param deleted RTM_DELLINK
     * @param link the link
     */
    record LinkEvent(boolean deleted, Link link) implements RtEvent {}
    /**
     * An address was added or deleted.
     *
     * @param deleted RTM_DELADDR
     * @param address the address
     */
    record AddressEvent(boolean deleted, Address address) implements RtEvent {}
    /**
     * A route was added or deleted.
     *
     * @param deleted RTM_DELROUTE
     * @param route the route
     */
    record RouteEvent(boolean deleted, Route route) implements RtEvent {}
    /**
     * A neighbour entry was added, changed or deleted.
     *
     * @param deleted RTM_DELNEIGH
     * @param neighbour the entry
     */
    record NeighbourEvent(boolean deleted, Neighbour neighbour) implements RtEvent {}
}
