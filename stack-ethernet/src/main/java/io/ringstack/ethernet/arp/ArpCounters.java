package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.ReasonCounters;

import java.util.Map;

/**
 * The resolver's event counters: one {@code long} per {@link ArpEvent}, incremented by the stack thread without
 * allocating. Read them with {@link #get}; {@link #snapshot()} copies them for another thread or a report.
 */
public final class ArpCounters
{
    private final ReasonCounters<ArpEvent> counts = new ReasonCounters<>(ArpEvent.class);

    ArpCounters()
    {
    }

    void increment(final ArpEvent event)
    {
        counts.increment(event);
    }

    void add(final ArpEvent event, final long delta)
    {
        counts.add(event, delta);
    }

    public long get(final ArpEvent event)
    {
        return counts.get(event);
    }

    /** The non-zero counters in declaration order (allocates: not for the hot path). */
    public Map<ArpEvent, Long> snapshot()
    {
        return counts.snapshot();
    }

    @Override
    public String toString()
    {
        return counts.toString();
    }
}
