package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.InterruptLine;

import java.util.concurrent.locks.LockSupport;

/**
 * The emulated device's interrupt: a level the device raises and lowers, and one thread that may park on it.
 * Raising the level unparks the waiter; parking does not allocate.
 */
public final class EmulatedInterruptLine implements InterruptLine
{
    private volatile boolean asserted;
    private volatile Thread waiter;
    private volatile long assertions;
    private volatile boolean woken;

    void level(final boolean level)
    {
        if (level == asserted)
        {
            return;
        }
        asserted = level;
        if (level)
        {
            assertions++;
            final Thread thread = waiter;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public boolean await(final long timeoutNanos)
    {
        if (asserted)
        {
            return true;
        }
        final long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        try
        {
            while (!asserted && !woken)
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    break;
                }
                LockSupport.parkNanos(this, remaining);
            }
        }
        finally
        {
            waiter = null;
            woken = false;
        }
        return asserted;
    }

    @Override
    public boolean isAsserted()
    {
        return asserted;
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

    /** How many times the line went from low to high (like the 8254x's IAC statistic). */
    public long assertions()
    {
        return assertions;
    }
}
