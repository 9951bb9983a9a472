package io.ringstack.ethernet.arp;

/**
 * Sends a frame that lies in a pool buffer: {@code frameLength} bytes at {@code frameOffset} of the pool's memory,
 * inside buffer {@code handle}. {@code E1000Driver::transmit} has this shape.
 */
@FunctionalInterface
public interface FrameTransmitter
{
    /**
     * @return true when the frame was taken: the transmitter now owns the buffer's reference; false when it was not
     * sent (e.g. the TX ring is full): the caller keeps the reference.
     */
    boolean transmit(int handle, int frameOffset, int frameLength);
}
