package io.ringstack.nic.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * One direction of an impaired wire: drops, duplicates, reorders, corrupts, delays and rate-limits frames on
 * their way to {@code downstream}, as a {@link FaultPlan} says, from a seeded random source so that a failing
 * run can be repeated. Held frames (delay, reorder) are copied into a fixed holding area; they go out when later
 * traffic passes or when {@link #poll()} finds them due. Nothing is allocated per frame.
 * <p>
 * Methods are synchronized: the sender's thread calls {@link #accept}, and another thread may call {@link #poll()}.
 */
public final class FaultInjector implements FrameSink
{
    private static final int MAX_FRAME = 16384;

    private final FrameSink downstream;
    private final FaultPlan plan;
    private final SplittableRandom random;
    private final NanoClock clock;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_FRAME]);
    private final UnsafeBuffer[] held;
    private final int[] heldLength;
    private final long[] heldDue;
    private final boolean[] heldBusy;
    private final boolean[] heldReorder;
    private final long[] heldSequence;
    private long sequence;
    private int heldCount;
    private double tokens;
    private long lastRefillNanos;

    private long offered;
    private long delivered;
    private long dropped;
    private long duplicated;
    private long reordered;
    private long corrupted;
    private long delayed;
    private long rateLimited;
    private long holdOverflows;

    public FaultInjector(
        final FrameSink downstream, final FaultPlan plan, final long seed, final NanoClock clock, final int holdCapacity)
    {
        this.downstream = downstream;
        this.plan = plan;
        this.random = new SplittableRandom(seed);
        this.clock = clock;
        this.held = new UnsafeBuffer[holdCapacity];
        this.heldLength = new int[holdCapacity];
        this.heldDue = new long[holdCapacity];
        this.heldBusy = new boolean[holdCapacity];
        this.heldReorder = new boolean[holdCapacity];
        this.heldSequence = new long[holdCapacity];
        for (int i = 0; i < holdCapacity; i++)
        {
            held[i] = new UnsafeBuffer(new byte[MAX_FRAME]);
        }
        this.tokens = plan.burstBytes();
        this.lastRefillNanos = clock.nanoTime();
    }

    @Override
    public synchronized void accept(final DirectBuffer buffer, final int offset, final int length)
    {
        offered++;
        final long now = clock.nanoTime();
        if (plan.rateBitsPerSecond() > 0 && !takeTokens(length, now))
        {
            rateLimited++;
            releaseDue(now);
            return;
        }
        final double fate = random.nextDouble();
        if (fate < plan.dropRate())
        {
            dropped++;
            releaseDue(now);
            return;
        }
        DirectBuffer frame = buffer;
        int frameOffset = offset;
        if (fate < plan.dropRate() + plan.corruptRate() && length > 0 && length <= MAX_FRAME)
        {
            scratch.putBytes(0, buffer, offset, length);
            final int bit = random.nextInt(length * 8);
            scratch.putByte(bit >>> 3, (byte)(scratch.getByte(bit >>> 3) ^ (1 << (bit & 7))));
            frame = scratch;
            frameOffset = 0;
        }
        final boolean corrupt = frame == scratch;
        final boolean reorder = fate >= plan.dropRate() + plan.corruptRate() &&
            fate < plan.dropRate() + plan.corruptRate() + plan.reorderRate();
        final boolean duplicate = plan.duplicateRate() > 0 && random.nextDouble() < plan.duplicateRate();
        long delay = plan.delayNanos();
        if (plan.jitterNanos() > 0)
        {
            delay += random.nextLong(plan.jitterNanos() + 1);
        }
        final int copies = duplicate ? 2 : 1;
        if (duplicate)
        {
            duplicated++;
        }
        for (int i = 0; i < copies; i++)
        {
            if (corrupt)
            {
                corrupted++; // counted per copy put on the wire
            }
            if (reorder)
            {
                reordered++;
                hold(frame, frameOffset, length, Long.MAX_VALUE, true); // waits for the next frame to pass it
            }
            else if (delay > 0)
            {
                delayed++;
                hold(frame, frameOffset, length, now + delay, false);
                promoteReordered(now + delay);
            }
            else
            {
                releaseDue(now); // frames due earlier go first
                deliver(frame, frameOffset, length);
                promoteReordered(now);
            }
        }
        releaseDue(now);
    }

    /** Delivers held frames that are due; returns how many went out. */
    public synchronized int poll()
    {
        return releaseDue(clock.nanoTime());
    }

    /** Delivers every held frame now, due or not (e.g. at the end of a test). */
    public synchronized int flush()
    {
        return releaseDue(Long.MAX_VALUE);
    }

    private boolean takeTokens(final int length, final long now)
    {
        final double bytesPerNano = plan.rateBitsPerSecond() / 8e9;
        tokens = Math.min(plan.burstBytes(), tokens + (now - lastRefillNanos) * bytesPerNano);
        lastRefillNanos = now;
        if (tokens >= length)
        {
            tokens -= length;
            return true;
        }
        return false;
    }

    /** Frames held back for reordering go out right after the frame that just passed (due at {@code due}). */
    private void promoteReordered(final long due)
    {
        for (int i = 0; i < held.length; i++)
        {
            if (heldBusy[i] && heldReorder[i])
            {
                heldReorder[i] = false;
                heldDue[i] = due;
                heldSequence[i] = ++sequence;
            }
        }
    }

    private void hold(final DirectBuffer frame, final int offset, final int length, final long due, final boolean reorder)
    {
        if (heldCount == held.length || length > MAX_FRAME)
        {
            holdOverflows++;
            dropped++;
            return;
        }
        for (int i = 0; i < held.length; i++)
        {
            if (!heldBusy[i])
            {
                held[i].putBytes(0, frame, offset, length);
                heldLength[i] = length;
                heldDue[i] = due;
                heldSequence[i] = ++sequence;
                heldReorder[i] = reorder;
                heldBusy[i] = true;
                heldCount++;
                return;
            }
        }
    }

    private int releaseDue(final long now)
    {
        int released = 0;
        while (heldCount > 0)
        {
            int earliest = -1;
            for (int i = 0; i < held.length; i++)
            {
                if (heldBusy[i] && heldDue[i] <= now && (earliest < 0 || heldDue[i] < heldDue[earliest] ||
                    (heldDue[i] == heldDue[earliest] && heldSequence[i] < heldSequence[earliest])))
                {
                    earliest = i;
                }
            }
            if (earliest < 0)
            {
                break;
            }
            heldBusy[earliest] = false;
            heldCount--;
            deliver(held[earliest], 0, heldLength[earliest]);
            released++;
        }
        return released;
    }

    private void deliver(final DirectBuffer frame, final int offset, final int length)
    {
        delivered++;
        downstream.accept(frame, offset, length);
    }

    public synchronized int heldFrames()
    {
        return heldCount;
    }

    public synchronized long offered()
    {
        return offered;
    }

    public synchronized long delivered()
    {
        return delivered;
    }

    public synchronized long dropped()
    {
        return dropped;
    }

    public synchronized long duplicated()
    {
        return duplicated;
    }

    public synchronized long reordered()
    {
        return reordered;
    }

    public synchronized long corrupted()
    {
        return corrupted;
    }

    public synchronized long delayed()
    {
        return delayed;
    }

    public synchronized long rateLimited()
    {
        return rateLimited;
    }

    public synchronized long holdOverflows()
    {
        return holdOverflows;
    }

    @Override
    public synchronized String toString()
    {
        return "offered " + offered + ", delivered " + delivered + ", dropped " + dropped + ", duplicated " +
            duplicated + ", reordered " + reordered + ", corrupted " + corrupted + ", delayed " + delayed +
            ", rate-limited " + rateLimited + ", hold overflows " + holdOverflows;
    }
}
