package io.ringstack.ethernet;

import java.util.EnumMap;
import java.util.Map;

/**
 * One counter per reason of an enum (drop reasons, events), as a plain {@code long[]}: counting is an array
 * increment, no allocation, no boxing. Owned by the stack thread; {@link #snapshot()} copies for other readers.
 *
 * @param <E> the enum of reasons
 */
public final class ReasonCounters<E extends Enum<E>>
{
    private final Class<E> reasons;
    private final E[] constants;
    private final long[] counts;

    public ReasonCounters(final Class<E> reasons)
    {
        this.reasons = reasons;
        this.constants = reasons.getEnumConstants();
        this.counts = new long[constants.length];
    }

    public void increment(final E reason)
    {
        counts[reason.ordinal()]++;
    }

    public void add(final E reason, final long delta)
    {
        counts[reason.ordinal()] += delta;
    }

    public long get(final E reason)
    {
        return counts[reason.ordinal()];
    }

    public long total()
    {
        long sum = 0;
        for (final long c : counts)
        {
            sum += c;
        }
        return sum;
    }

    /** A copy of the non-zero counters, in declaration order (allocates: not for the hot path). */
    public Map<E, Long> snapshot()
    {
        final EnumMap<E, Long> copy = new EnumMap<>(reasons);
        for (int i = 0; i < counts.length; i++)
        {
            if (counts[i] != 0)
            {
                copy.put(constants[i], counts[i]);
            }
        }
        return copy;
    }

    @Override
    public String toString()
    {
        return reasons.getSimpleName() + snapshot();
    }
}
