package io.ringstack.ip.stack;

import org.agrona.concurrent.NanoClock;

/** Virtual time for tests: moves only when told. */
public final class ManualClock implements NanoClock
{
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime()
    {
        return nanos;
    }

    public void advanceNanos(final long delta)
    {
        nanos += delta;
    }

    public void advanceMillis(final long millis)
    {
        nanos += millis * 1_000_000L;
    }
}
