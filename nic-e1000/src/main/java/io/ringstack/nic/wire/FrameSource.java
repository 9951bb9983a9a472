package io.ringstack.nic.wire;

/**
 * A wire that writes each frame into memory itself: a TAP device's read(2), a copy out of a packet socket's ring.
 * The receiving device gives it the address of the buffer the frame belongs in (an RX descriptor's buffer), so the
 * source's write is the frame's only copy ({@code EmulatedE1000.receiveFrom}).
 */
@FunctionalInterface
public interface FrameSource
{
    /**
     * Writes the next frame (without FCS) at {@code address}, at most {@code capacity} bytes.
     *
     * @return the frame's length, which is more than {@code capacity} when the frame did not fit (only the first
     *         {@code capacity} bytes were written; the device counts it oversize), or 0 when no frame is waiting
     *         (a wire carries no empty frames, so 0 always means "none").
     *         A source never blocks and never throws: its own failures are counted by the source and read as 0.
     */
    int read(long address, int capacity);
}
