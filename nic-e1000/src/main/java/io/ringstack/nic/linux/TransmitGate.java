package io.ringstack.nic.linux;

/**
 * Keeps a port's descriptor open while the device is transmitting through it: the device may have read the port
 * as its wire just before the port was unplugged. The transmitting thread marks itself inside, then checks
 * closed; the closing thread marks closed, then waits until nobody is inside. Both are volatile (sequentially
 * consistent), so at least one of the two sees the other's mark (Dekker): either the transmit sees closed and sends
 * nothing, or the close waits for it to finish.
 */
final class TransmitGate
{
    private volatile boolean inside;
    private volatile boolean closed;

    /** @return false if the port is closing: send nothing (and do not call {@link #exit}). */
    boolean enter()
    {
        inside = true;
        if (closed)
        {
            inside = false;
            return false;
        }
        return true;
    }

    void exit()
    {
        inside = false;
    }

    /** From now on {@link #enter} refuses; returns once no transmit is in progress. */
    void close()
    {
        closed = true;
        while (inside)
        {
            Thread.onSpinWait();
        }
    }
}
