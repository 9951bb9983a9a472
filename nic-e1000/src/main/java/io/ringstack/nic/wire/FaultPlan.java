package io.ringstack.nic.wire;

/**
 * What a {@link FaultInjector} does to the frames of one direction of a wire. Rates are probabilities per frame
 * (0 to 1); a frame meets at most one of drop / corrupt / reorder, and may in addition be duplicated or delayed.
 *
 * @param dropRate             lose the frame.
 * @param duplicateRate        deliver the frame twice.
 * @param reorderRate          hold the frame back until the next one has passed.
 * @param corruptRate          flip one random bit of a copy of the frame (the sender's buffer is untouched).
 * @param delayNanos           hold every frame this long (0: none); released by later traffic or {@link FaultInjector#poll()}.
 * @param jitterNanos          up to this much more delay, uniformly.
 * @param rateBitsPerSecond    police the direction to this rate (0: unlimited); frames over it are dropped.
 * @param burstBytes           the policer's bucket size.
 */
public record FaultPlan(
    double dropRate,
    double duplicateRate,
    double reorderRate,
    double corruptRate,
    long delayNanos,
    long jitterNanos,
    long rateBitsPerSecond,
    int burstBytes)
{
    public static final FaultPlan NONE = new FaultPlan(0, 0, 0, 0, 0, 0, 0, 0);

    public FaultPlan
    {
        checkRate("drop", dropRate);
        checkRate("duplicate", duplicateRate);
        checkRate("reorder", reorderRate);
        checkRate("corrupt", corruptRate);
        if (dropRate + reorderRate + corruptRate > 1.0)
        {
            throw new IllegalArgumentException("drop + reorder + corrupt rates exceed 1: " +
                (dropRate + reorderRate + corruptRate));
        }
        if (delayNanos < 0 || jitterNanos < 0 || rateBitsPerSecond < 0 || burstBytes < 0)
        {
            throw new IllegalArgumentException("delay, jitter, rate and burst must not be negative");
        }
    }

    private static void checkRate(final String what, final double rate)
    {
        if (!(rate >= 0.0 && rate <= 1.0))
        {
            throw new IllegalArgumentException(what + " rate " + rate + " is not a probability between 0 and 1");
        }
    }

    public static FaultPlan drop(final double rate)
    {
        return NONE.withDrop(rate);
    }

    public FaultPlan withDrop(final double rate)
    {
        return new FaultPlan(rate, duplicateRate, reorderRate, corruptRate, delayNanos, jitterNanos, rateBitsPerSecond, burstBytes);
    }

    public FaultPlan withDuplicate(final double rate)
    {
        return new FaultPlan(dropRate, rate, reorderRate, corruptRate, delayNanos, jitterNanos, rateBitsPerSecond, burstBytes);
    }

    public FaultPlan withReorder(final double rate)
    {
        return new FaultPlan(dropRate, duplicateRate, rate, corruptRate, delayNanos, jitterNanos, rateBitsPerSecond, burstBytes);
    }

    public FaultPlan withCorrupt(final double rate)
    {
        return new FaultPlan(dropRate, duplicateRate, reorderRate, rate, delayNanos, jitterNanos, rateBitsPerSecond, burstBytes);
    }

    public FaultPlan withDelay(final long nanos, final long jitter)
    {
        return new FaultPlan(dropRate, duplicateRate, reorderRate, corruptRate, nanos, jitter, rateBitsPerSecond, burstBytes);
    }

    public FaultPlan withRateLimit(final long bitsPerSecond, final int burst)
    {
        return new FaultPlan(dropRate, duplicateRate, reorderRate, corruptRate, delayNanos, jitterNanos, bitsPerSecond, burst);
    }

    public boolean holdsFrames()
    {
        return reorderRate > 0 || delayNanos > 0 || jitterNanos > 0;
    }
}
