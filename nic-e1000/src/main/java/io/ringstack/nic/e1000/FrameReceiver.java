package io.ringstack.nic.e1000;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Takes received frames from the driver, in place. The frame is {@code length} bytes at {@code offset} in
 * {@code memory} (the pool's memory), inside buffer {@code handle}. The receiver now owns the buffer's reference:
 * it releases it to the pool when done, or keeps it (a socket queue, a reassembly queue) and releases it later.
 */
@FunctionalInterface
public interface FrameReceiver
{
    void onFrame(int handle, UnsafeBuffer memory, int offset, int length);
}
