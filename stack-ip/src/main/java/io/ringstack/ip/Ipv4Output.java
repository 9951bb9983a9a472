package io.ringstack.ip;

import io.ringstack.nic.memory.PacketBufferPool;

/**
 * How transport layers (UDP here, TCP later) send: they claim a buffer from {@link #transmitPool()} (or, for a
 * datagram larger than the MTU, from {@link #datagramPool()}), write their header and payload behind
 * {@link #headroom} + 20, and hand it to {@link #sendIpv4}, which prepends the IPv4 and link headers in place.
 */
public interface Ipv4Output
{
    /**
     * Where the IPv4 header starts inside a send buffer, from the buffer's start: room for an Ethernet header with
     * a VLAN tag (18 bytes) in front, rounded up.
     */
    int IP_OFFSET = 32;

    /**
     * Where the IPv4 header starts in a buffer of {@code pool}, from the buffer's start: {@link #IP_OFFSET} in the
     * transmit pool (room for the link header), 0 in the datagram pool (its datagrams leave as fragments, built in
     * new buffers), so that a whole 65,535-byte datagram fits.
     */
    int headroom(PacketBufferPool pool);

    /** The pool the NIC transmits from. */
    PacketBufferPool transmitPool();

    /** A pool of 64 KiB buffers for datagrams larger than the MTU, which {@link #sendIpv4} fragments. */
    PacketBufferPool datagramPool();

    /** The interface's MTU: the largest IPv4 datagram sent in one frame. */
    int mtu();

    /** The interface's IPv4 address. */
    int localAddress();

    /**
     * Sends the transport segment of {@code payloadLength} bytes at {@code pool.offset(handle) + headroom(pool) + 20}:
     * writes the IPv4 header in front, then routes, resolves and transmits it, fragmenting above the MTU unless
     * {@code dontFragment}. Takes the caller's buffer reference in every case.
     *
     * @return false when the datagram was dropped (no route, no buffer, unresolved, ring full, too big with DF);
     * the reason is counted.
     */
    boolean sendIpv4(
        PacketBufferPool pool, int handle, int payloadLength, int protocol, int destination, boolean dontFragment);

    /**
     * Writes the checksum of the transport segment (TCP or UDP, {@code protocol}) of {@code transportLength} bytes
     * at {@code transportOffset} in buffer {@code handle} of {@code pool}, whose checksum field is
     * {@code checksumField} bytes into it, to {@code destination}. When the NIC inserts checksums and the datagram
     * will leave in one frame from this buffer, only the pseudo-header's sum is written and the buffer is marked
     * {@link PacketBufferPool#CHECKSUM_PARTIAL} (RFC 1122 §4.2.2.7 and §4.1.3.4 ask that a checksum be sent, not
     * who computes it); otherwise the whole checksum is computed here.
     */
    void writeTransportChecksum(
        PacketBufferPool pool, int handle, int transportOffset, int transportLength, int checksumField, int protocol,
        int destination);

    /**
     * The stack's time: inside its duty cycle the time read once at the cycle's start (so that the segments one
     * cycle sends do not read the clock each), outside it the clock's.
     */
    long nanoTime();
}
