package io.ringstack.ip.stack;

import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.nic.wire.InMemoryWire;

import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Two IPv4 stacks (10.0.0.1 and 10.0.0.2 on 10.0.0.0/24) on two emulated NICs joined by an in-memory wire, on
 * virtual time, driven by hand from the test thread. {@link #close()} fails the test if any buffer leaked.
 */
final class StackPair implements AutoCloseable
{
    static final long MAC_A = 0x5254_0000_0A01L;
    static final long MAC_B = 0x5254_0000_0A02L;
    static final int IP_A = Ipv4Address.parse("10.0.0.1");
    static final int IP_B = Ipv4Address.parse("10.0.0.2");

    final ManualClock clock = new ManualClock();
    final EmulatedNic nicA;
    final EmulatedNic nicB;
    final InMemoryWire wire;
    final Ipv4Stack a;
    final Ipv4Stack b;

    StackPair()
    {
        this(FaultPlan.NONE, 1, UnaryOperator.identity());
    }

    StackPair(final FaultPlan faults, final long seed, final UnaryOperator<StackConfig> configure)
    {
        nicA = EmulatedNic.builder("a", MAC_A).rings(128, 128).buffers(512).strict(true).build();
        nicB = EmulatedNic.builder("b", MAC_B).rings(128, 128).buffers(512).strict(true).build();
        wire = InMemoryWire.between(nicA.device(), nicB.device()).faults(faults).seed(seed).clock(clock).build();
        nicA.start();
        nicB.start();
        a = new Ipv4Stack("a", configure.apply(StackConfig.of(IP_A, 24)), nicA.driver(), clock).start();
        b = new Ipv4Stack("b", configure.apply(StackConfig.of(IP_B, 24)), nicB.driver(), clock).start();
    }

    /** One duty cycle of each stack and of the wire's held frames; returns the work done. */
    int step()
    {
        int work = a.doWork();
        work += b.doWork();
        work += wire.poll();
        return work;
    }

    /** Steps, advancing time by {@code millisPerStep} each, until {@code done} or {@code maxSteps}. */
    boolean runUntil(final BooleanSupplier done, final int maxSteps, final long millisPerStep)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            if (done.getAsBoolean())
            {
                return true;
            }
            step();
            clock.advanceMillis(millisPerStep);
        }
        return done.getAsBoolean();
    }

    /** Steps until nothing happens for a few cycles. */
    void settle()
    {
        int idle = 0;
        for (int i = 0; i < 10_000 && idle < 3; i++)
        {
            idle = step() == 0 ? idle + 1 : 0;
        }
    }

    @Override
    public void close()
    {
        a.close();
        b.close();
        wire.close();
        nicA.driver().stop();
        nicB.driver().stop();
        final String leaks = nicA.pool().describeOutstanding(5) + " " + nicB.pool().describeOutstanding(5);
        final boolean leaked = nicA.pool().outstanding() != 0 || nicB.pool().outstanding() != 0;
        nicA.close();
        nicB.close();
        if (leaked)
        {
            throw new AssertionError("buffers leaked: " + leaks);
        }
    }

    /**
     * Every received frame ends in exactly one outcome: a drop reason at some layer, or processed/held/queued.
     * Datagram-level reassembly drops (timeout) concern fragments already counted as held.
     */
    static void assertEveryFrameAccounted(final Ipv4Stack stack)
    {
        final var events = stack.events();
        final long outcomes = stack.droppedFrames() -
            stack.ipv4Drops().get(io.ringstack.ip.wire.Ipv4Drop.REASSEMBLY_TIMEOUT) +
            events.get(StackEvent.ARP_PROCESSED) + events.get(StackEvent.FRAGMENT_HELD) +
            events.get(StackEvent.ICMP_PROCESSED) + events.get(StackEvent.UDP_QUEUED) +
            events.get(StackEvent.PROTOCOL_HANDLED);
        org.junit.jupiter.api.Assertions.assertEquals(events.get(StackEvent.FRAMES_RECEIVED), outcomes,
            () -> stack.name() + ": frames received vs. outcomes " + stack.countersSnapshot());
    }
}
