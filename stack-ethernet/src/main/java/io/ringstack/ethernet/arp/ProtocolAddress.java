package io.ringstack.ethernet.arp;

/**
 * IPv4 protocol addresses as ARP sees them: {@code int}s in network order (10.0.0.1 is {@code 0x0A000001}).
 * This module sits below stack-ip, so it keeps its own few rules.
 */
final class ProtocolAddress
{
    /** 0.0.0.0: the sender of an ARP Probe (RFC 5227 §2.1.1), which has no address yet. */
    static final int UNSPECIFIED = 0;

    private ProtocolAddress()
    {
    }

    /**
     * Whether an address can belong to a station on the link (RFC 1122 §3.2.1.3): not in 0/8 ("this network"),
     * not loopback (127/8), not multicast (224/4), not reserved or limited broadcast (240/4, 255.255.255.255).
     */
    static boolean isUnicast(final int address)
    {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /** Dotted quad, for messages (allocates). */
    static String toString(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
            (address & 0xFF);
    }
}
