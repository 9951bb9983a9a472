package io.ringstack.nic.pci;

import io.ringstack.nic.e1000.InterruptLine;

import java.util.concurrent.locks.LockSupport;

/**
 * The interrupt "line" of a real device driven from user space through its sysfs BAR0: without UIO or VFIO no
 * interrupt reaches this process, so the driver keeps the device masked and polls its ring; {@link #await} is the
 * short sleep between polls.
 */
public final class PollingInterruptLine implements InterruptLine
{
    private final long pollIntervalNanos;
    private volatile Thread waiter;
    private volatile boolean woken;

    /** @param pollIntervalNanos the longest sleep between two checks of the ring while idle. */
    public PollingInterruptLine(final long pollIntervalNanos)
    {
        if (pollIntervalNanos <= 0)
        {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollIntervalNanos + " ns");
        }
        this.pollIntervalNanos = pollIntervalNanos;
    }

    /** Sleeps one poll interval (or less); true if {@link #wakeup()} rang meanwhile. */
    @Override
    public boolean await(final long timeoutNanos)
    {
        if (!woken)
        {
            waiter = Thread.currentThread();
            LockSupport.parkNanos(Math.min(timeoutNanos, pollIntervalNanos));
            waiter = null;
        }
        if (woken)
        {
            woken = false;
            return true;
        }
        return false;
    }

    @Override
    public void wakeup()
    {
        woken = true;
        final Thread thread = waiter;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public boolean isAsserted()
    {
        return false;
    }

    @Override
    public boolean deliversDeviceInterrupts()
    {
        return false;
    }
}
