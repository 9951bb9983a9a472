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
}
