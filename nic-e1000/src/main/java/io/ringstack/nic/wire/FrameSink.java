package io.ringstack.nic.wire;

import org.agrona.DirectBuffer;

/**
 * Takes one Ethernet frame (without FCS) that is valid only for the duration of the call: a wire end, a device's
 * receive side, a pcap tap. Implementations copy what they need to keep; they never keep the buffer.
 */
@FunctionalInterface
public interface FrameSink
{
    void accept(DirectBuffer buffer, int offset, int length);

    /**
     * The end of a burst: a device calls this once after handing over the frames of one transmit (one TDT write).
     * A sink that batches (a packet socket's TX ring) sends what it holds now; the others need do nothing.
     */
    default void endOfBurst()
    {
    }

    /**
     * Whether this sink takes frames whose transport checksum is not inserted yet ({@link #acceptChecksumPartial}):
     * only a device at the other end of a wire that cannot alter frames. Every other sink (a pcap, a fault
     * injector, a TAP) gets whole frames: the sending device inserts the checksum first.
     */
    default boolean acceptsChecksumPartial()
    {
        return false;
    }

    /**
     * A frame whose transport checksum is left to the receiving device: the 16-bit field {@code checksumOffset}
     * bytes into the frame holds the pseudo-header's sum, and the checksum covers the bytes from
     * {@code checksumStart} to the frame's end (the 8254x's CSS and CSO). Only called when
     * {@link #acceptsChecksumPartial()} is true.
     */
    default void acceptChecksumPartial(
        final DirectBuffer buffer, final int offset, final int length, final int checksumStart,
        final int checksumOffset)
    {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes only whole frames: insert the " +
            "checksum before handing it over (acceptsChecksumPartial() is false)");
    }
}
