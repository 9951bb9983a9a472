package io.ringstack.ethernet.wire;

/** Why the link layer dropped a frame. */
public enum EthernetDrop
{
    /** Shorter than a 14-byte header, or a VLAN tag cut short. */
    TRUNCATED,
    /** More VLAN tags than {@link EthernetFrame#MAX_VLAN_TAGS}. */
    TOO_MANY_VLAN_TAGS,
    /** An IEEE 802.3 length field (LLC/SNAP) instead of an EtherType: not supported. */
    LLC_FRAME,
    /** An EtherType no layer above handles (IPv6, LLDP, ...). */
    UNKNOWN_ETHERTYPE,
    /** Unicast to another station's MAC (seen in promiscuous mode). */
    NOT_FOR_US,
    /** Source address is a group (multicast/broadcast) address: IEEE 802 forbids it. */
    GROUP_SOURCE,
    /** Tagged with a VLAN this interface is not configured for. */
    UNKNOWN_VLAN,
    /** The link type of a capture is not one ringstack parses. */
    UNSUPPORTED_LINK_TYPE
}
