package io.ringstack.tcp;

/**
 * A count of pool buffers that a group of queues holds together, against a limit: the out-of-order queues of all
 * of a layer's connections share one, so that segments sent ahead of holes (which the application cannot read,
 * and a peer can send on purpose) never pin more than a share of the packet pool
 * ({@link TcpConfig#outOfOrderPoolPercent()}). Each connection's own bound is
 * {@link TcpConfig#maxOutOfOrderSegments()}. Stack thread only; allocates nothing.
 */
final class BufferBudget
{
    private final int limit;
    private int held;
    private int peak;

    BufferBudget(final int limit)
    {
        if (limit < 1)
        {
            throw new IllegalArgumentException("a buffer budget needs a limit of at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Whether the queues hold the limit already (a new buffer must not join them). */
    boolean exhausted()
    {
        return held >= limit;
    }

    void take()
    {
        held++;
        if (held > peak)
        {
            peak = held;
        }
    }

    void give()
    {
        held--;
    }

    int held()
    {
        return held;
    }

    int limit()
    {
        return limit;
    }

    /** The most buffers held at once. */
    int peak()
    {
        return peak;
    }
}
