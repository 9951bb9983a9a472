package io.ringstack.tcp;

import org.agrona.concurrent.NanoClock;

/** Virtual time for tests: moves only when told. */
final class ManualClock implements NanoClock
{
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime()
    {
        return nanos;
    }

    void advanceNanos(final long delta)
    {
        nanos += delta;
    }

    void advanceMillis(final long millis)
    {
        nanos += millis * 1_000_000L;
    }
}
