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

    /** @param pollIntervalNanos the longest sleep between two checks of the ring while idle. */
    public PollingInterruptLine(final long pollIntervalNanos)
    {
        if (pollIntervalNanos <= 0)
        {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollIntervalNanos + " ns");
        }
        this.pollIntervalNanos = pollIntervalNanos;
    }

    @Override
    public boolean await(final long timeoutNanos)
    {
        LockSupport.parkNanos(Math.min(timeoutNanos, pollIntervalNanos));
        return false;
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
