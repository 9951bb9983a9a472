package io.ringstack.testsupport.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A stand-in for a TCP under test: frames scheduled at virtual times (relative to its start) appear in
 * {@link #pollTransmitted()} once the runner advances past them; injected frames and calls are recorded and may
 * schedule replies after a delay. No TCP inside: tests decide every frame "the stack" sends.
 */
final class FakeTarget implements ScriptTarget
{
    /** A frame the fake sends {@code delayNanos} after what caused it. */
    record Reply(long delayNanos, byte[] frame)
    {
    }

    private record Scheduled(long nanos, long order, byte[] frame)
    {
    }

    private final long start;
    private long now;
    private long order;
    private final List<Scheduled> scheduled = new ArrayList<>();
    private final ArrayDeque<byte[]> transmitted = new ArrayDeque<>();
    final List<byte[]> injected = new ArrayList<>();
    final List<Long> injectedAt = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    final List<Long> advances = new ArrayList<>();
    Function<byte[], List<Reply>> onInject = frame -> List.of();
    BiFunction<String, List<String>, List<Reply>> onCall = (action, arguments) -> List.of();

    FakeTarget()
    {
        this(0);
    }

    /** A fake whose clock starts at {@code start} (scripts run relative to it). */
    FakeTarget(final long start)
    {
        this.start = start;
        this.now = start;
    }

    /** Sends {@code frame} at {@code nanos} after the start. */
    FakeTarget sendAt(final long nanos, final byte[] frame)
    {
        scheduled.add(new Scheduled(start + nanos, order++, frame));
        return this;
    }

    static long millis(final double millis)
    {
        return Math.round(millis * 1_000_000);
    }

    @Override
    public long nowNanos()
    {
        return now;
    }

    @Override
    public void advanceTo(final long nanos)
    {
        if (nanos < now)
        {
            throw new AssertionError("time went backwards: " + nanos + " < " + now);
        }
        advances.add(nanos - start);
        now = nanos;
        release();
    }

    private void release()
    {
        scheduled.sort((a, b) -> a.nanos() != b.nanos() ? Long.compare(a.nanos(), b.nanos()) :
            Long.compare(a.order(), b.order()));
        while (!scheduled.isEmpty() && scheduled.getFirst().nanos() <= now)
        {
            transmitted.add(scheduled.removeFirst().frame());
        }
    }

    @Override
    public void inject(final byte[] frame)
    {
        injected.add(frame.clone());
        injectedAt.add(now - start);
        schedule(onInject.apply(frame));
    }

    @Override
    public byte[] pollTransmitted()
    {
        return transmitted.poll();
    }

    @Override
    public void call(final String action, final List<String> arguments)
    {
        calls.add(arguments.isEmpty() ? action : action + " " + String.join(" ", arguments));
        schedule(onCall.apply(action, arguments));
    }

    private void schedule(final List<Reply> replies)
    {
        for (final Reply reply : replies)
        {
            scheduled.add(new Scheduled(now + reply.delayNanos(), order++, reply.frame()));
        }
        release();
    }
}
