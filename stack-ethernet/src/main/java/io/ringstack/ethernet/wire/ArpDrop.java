package io.ringstack.ethernet.wire;

/** Why an ARP packet was dropped. */
public enum ArpDrop
{
    /** Shorter than the fixed 8 bytes, or than the addresses its length fields announce. */
    TRUNCATED,
    /** Hardware type other than Ethernet (1) or protocol type other than IPv4 (0x0800). */
    UNSUPPORTED_ADDRESS_SPACE,
    /** Hardware/protocol address lengths other than 6 and 4 for Ethernet/IPv4. */
    BAD_ADDRESS_LENGTH,
    /** Operation other than request (1) or reply (2). */
    BAD_OPERATION,
    /** Sender hardware address is a group (multicast or broadcast) address. */
    GROUP_SENDER,
    /** Sender protocol address is 0.0.0.0 in a reply, or a broadcast/multicast address. */
    BAD_SENDER_ADDRESS,
    /** A request or reply for another host's address, and nothing to learn from it. */
    NOT_FOR_US,
    /** Replies arriving while nothing waits on them (kept out of the cache). */
    UNSOLICITED_REPLY,
    /** Another station claims one of our addresses. */
    ADDRESS_CONFLICT
}
