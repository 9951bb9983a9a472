package io.ringstack.nic.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A port's counters. Each side has one writer (the receive side the thread feeding the device, the transmit side
 * the driver's thread), which adds with plain loads and stores; readers on other threads load with opaque access,
 * so they see each count eventually and nothing is published through them (like the device's statistics
 * registers). The two sides live in separate arrays, so their writers do not share a cache line.
 */
public final class PortCounters
{
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int COUNT = PortCounter.values().length;
    private static final VarHandle LAST_RECEIVE_ERRNO;
    private static final VarHandle LAST_TRANSMIT_ERRNO;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_RECEIVE_ERRNO = lookup.findVarHandle(PortCounters.class, "lastReceiveErrno", int.class);
            LAST_TRANSMIT_ERRNO = lookup.findVarHandle(PortCounters.class, "lastTransmitErrno", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long[] receive = new long[COUNT];
    private final long[] transmit = new long[COUNT];
    private int lastReceiveErrno;
    private int lastTransmitErrno;

    void add(final PortCounter counter, final long amount)
    {
        final long[] side = counter.receiveSide() ? receive : transmit;
        side[counter.ordinal()] += amount;
    }

    void increment(final PortCounter counter)
    {
        add(counter, 1);
    }

    void receiveError(final int errno)
    {
        lastReceiveErrno = errno;
        receive[PortCounter.RECEIVE_ERRORS.ordinal()]++;
    }

    void transmitError(final int errno)
    {
        lastTransmitErrno = errno;
        transmit[PortCounter.TRANSMIT_ERRORS.ordinal()]++;
    }

    public long get(final PortCounter counter)
    {
        return (long)VALUES.getOpaque(counter.receiveSide() ? receive : transmit, counter.ordinal());
    }

    /** The errno of the last failed read or poll, 0 if none failed. */
    public int lastReceiveErrno()
    {
        return (int)LAST_RECEIVE_ERRNO.getOpaque(this);
    }

    /** The errno of the last failed write or send, 0 if none failed. */
    public int lastTransmitErrno()
    {
        return (int)LAST_TRANSMIT_ERRNO.getOpaque(this);
    }

    /** The non-zero counters, like {@code netstat -s}. */
    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder("{");
        for (final PortCounter counter : PortCounter.values())
        {
            final long value = get(counter);
            if (value != 0)
            {
                out.append(out.length() > 1 ? ", " : "").append(counter.name().toLowerCase()).append('=').append(value);
            }
        }
        if (lastReceiveErrno() != 0)
        {
            out.append(", lastReceiveError=").append(Errno.describe(lastReceiveErrno()));
        }
        if (lastTransmitErrno() != 0)
        {
            out.append(", lastTransmitError=").append(Errno.describe(lastTransmitErrno()));
        }
        return out.append('}').toString();
    }
}
