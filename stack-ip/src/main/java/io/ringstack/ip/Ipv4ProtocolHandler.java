package io.ringstack.ip;

import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.PacketBufferPool;

/** A transport protocol above IPv4 (TCP registers one), called on the stack thread. */
public interface Ipv4ProtocolHandler
{
    /**
     * A datagram for us (checksum verified, reassembled if it was fragmented).
     *
     * @return true if the handler took the caller's reference to {@code handle} (it releases it later); false if
     * the stack should release it now.
     */
    boolean onDatagram(Ipv4Header header, PacketBufferPool pool, int handle, boolean broadcast, long nowNanos);

    /**
     * An ICMP error (destination unreachable, time exceeded, parameter problem) quoting a datagram of this
     * protocol that we sent; {@code quoted} wraps the quoted IPv4 header, followed by at least 8 bytes of it.
     */
    default void onIcmpError(final int type, final int code, final int info, final Ipv4Header quoted, final long nowNanos)
    {
    }

    /**
     * Called once per duty cycle of the stack ({@code Ipv4Stack.doWork}), after received frames were handed up
     * and before the transmit ring is flushed: the place for the protocol's timers (TCP's retransmission, delayed
     * ACK, persist, keepalive, TIME-WAIT) and for output deferred until then.
     *
     * @return the amount of work done (0 when idle), as an Agrona {@code Agent} counts it.
     */
    default int poll(final long nowNanos)
    {
        return 0;
    }

    /** The stack is closing: release every buffer the protocol holds (its queues, its retransmission buffers). */
    default void close()
    {
    }
}
