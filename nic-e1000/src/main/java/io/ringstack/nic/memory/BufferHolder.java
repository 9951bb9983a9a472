package io.ringstack.nic.memory;

/**
 * Who holds a packet buffer, recorded by the pool at each hand-over so that a leak report can say where a buffer
 * was last seen. A buffer moves device → driver → stack → application → pool; see docs/ARCHITECTURE.md.
 */
public final class BufferHolder
{
    /** In the pool, free to claim. */
    public static final byte POOL = 0;
    /** Posted in an RX descriptor: the device may write into it at any moment. */
    public static final byte RX_RING = 1;
    /** Taken off the RX ring by the driver and being handed up. */
    public static final byte DRIVER = 2;
    /** Held by a protocol layer (a reassembly queue, an out-of-order queue, a socket's receive queue). */
    public static final byte STACK = 3;
    /** Lent to the application as a payload slice; it comes back when the application releases it. */
    public static final byte APPLICATION = 4;
    /** Claimed for sending and being filled with payload and headers. */
    public static final byte TX_BUILD = 5;
    /** Posted in a TX descriptor: the device reads it until it writes DD. */
    public static final byte TX_RING = 6;
    /** Kept by TCP until its bytes are acknowledged, so that a retransmission re-sends the same buffer. */
    public static final byte RETRANSMIT = 7;

    private static final String[] NAMES =
        { "pool", "rx-ring", "driver", "stack", "application", "tx-build", "tx-ring", "retransmit" };

    private BufferHolder()
    {
    }

    public static String name(final byte holder)
    {
        return holder >= 0 && holder < NAMES.length ? NAMES[holder] : "holder-" + holder;
    }
}
