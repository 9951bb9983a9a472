package io.ringstack.tcp;

import io.ringstack.ip.stack.Ipv4Stack;
import io.ringstack.ip.stack.ManualClock;
import io.ringstack.ip.stack.StackConfig;
import io.ringstack.ip.wire.Ipv4Address;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.nic.wire.InMemoryWire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Two IPv4 stacks with TCP (10.0.0.1 = A, 10.0.0.2 = B) on emulated NICs joined by an in-memory wire (optionally
 * faulty) with a {@link WireTap} at B's end, on virtual time, driven from the test thread. {@link #close()}
 * fails the test if a buffer leaked.
 */
final class TcpPair implements AutoCloseable
{
    static final long MAC_A = 0x5254_0000_0A01L;
    static final long MAC_B = 0x5254_0000_0A02L;
    static final int IP_A = Ipv4Address.parse("10.0.0.1");
    static final int IP_B = Ipv4Address.parse("10.0.0.2");

    final ManualClock clock = new ManualClock();
    final EmulatedNic nicA;
    final EmulatedNic nicB;
    final WireTap tap;
    final InMemoryWire wire;
    final Ipv4Stack a;
    final Ipv4Stack b;
    final TcpLayer tcpA;
    final TcpLayer tcpB;
    final List<TcpConnection> accepted = new ArrayList<>();
    final List<Collector> acceptedCollectors = new ArrayList<>();

    TcpPair(final TcpConfig config)
    {
        this(config, config, FaultPlan.NONE, 1, 1500);
    }

    TcpPair(final TcpConfig configA, final TcpConfig configB, final FaultPlan faults, final long seed, final int mtu)
    {
        this(configA, configB, faults, seed, mtu, true);
    }

    /** @param tapped false joins the devices directly (no {@link WireTap}: nothing allocated per frame) */
    TcpPair(final TcpConfig configA, final TcpConfig configB, final FaultPlan faults, final long seed, final int mtu,
        final boolean tapped)
    {
        this(configA, configB, faults, seed, mtu, tapped, true);
    }

    /** @param tcpOnB false leaves B an IPv4 host without TCP (it answers TCP with ICMP protocol unreachable) */
    TcpPair(final TcpConfig configA, final TcpConfig configB, final FaultPlan faults, final long seed, final int mtu,
        final boolean tapped, final boolean tcpOnB)
    {
        final int bufferSize = mtu > 1500 ? 16384 : 2048;
        nicA = EmulatedNic.builder("a", MAC_A).rings(128, 256).buffers(1024).bufferSize(bufferSize).strict(true)
            .build();
        nicB = EmulatedNic.builder("b", MAC_B).rings(128, 256).buffers(1024).bufferSize(bufferSize).strict(true)
            .build();
        tap = new WireTap(nicB.device(), clock);
        wire = InMemoryWire.between(nicA.device(), tapped ? tap : nicB.device()).faults(faults).seed(seed)
            .clock(clock).holdCapacity(1024).build();
        nicA.start();
        nicB.start();
        a = new Ipv4Stack("a", StackConfig.of(IP_A, 24).withMtu(mtu), nicA.driver(), clock).start();
        b = new Ipv4Stack("b", StackConfig.of(IP_B, 24).withMtu(mtu), nicB.driver(), clock).start();
        tcpA = TcpLayer.install(a, configA, clock);
        tcpB = tcpOnB ? TcpLayer.install(b, configB, clock) : null;
        tcpA.initialSequenceNumbers((la, lp, ra, rp, now) -> 1_000_000);
        if (tcpB != null)
        {
            tcpB.initialSequenceNumbers((la, lp, ra, rp, now) -> 0x7fff_0000);
        }
        // resolve ARP both ways so that timing tests start on a quiet wire: A asks for B, and B learns A from the
        // request (RFC 826 merge); lookup() alone sends nothing
        // (on a faulty wire a few tries, a millisecond apart; if all are lost, the first segment resolves it)
        for (int attempt = 0; attempt < 20 && !arpResolved(); attempt++)
        {
            a.arp().sendRequest(IP_B, clock.nanoTime());
            settle();
            if (!arpResolved())
            {
                clock.advanceMillis(1);
                settle();
            }
        }
        tap.clear();
    }

    boolean arpResolved()
    {
        return a.arp().lookup(IP_B, clock.nanoTime()) != 0 && b.arp().lookup(IP_A, clock.nanoTime()) != 0;
    }

    /** B listens on {@code port} and accepts every connection into a new {@link Collector}. */
    TcpListener serveOnB(final int port, final int backlog)
    {
        return tcpB.listen(port, backlog, listener ->
        {
            while (true)
            {
                final Collector collector = new Collector();
                final TcpConnection connection = listener.accept(collector);
                if (connection == null)
                {
                    break;
                }
                collector.connection = connection;
                accepted.add(connection);
                acceptedCollectors.add(collector);
            }
        });
    }

    /** One duty cycle of each stack and of the wire's held frames; returns the work done. */
    int step()
    {
        int work = a.doWork();
        work += b.doWork();
        work += wire.poll();
        return work;
    }

    /** Steps until nothing happens for a few cycles (time stands still). */
    void settle()
    {
        int idle = 0;
        for (int i = 0; i < 100_000 && idle < 3; i++)
        {
            idle = step() == 0 ? idle + 1 : 0;
        }
    }

    /** Settles, then advances time by {@code micros} per step until {@code done} or {@code maxMillis} pass. */
    boolean runUntil(final BooleanSupplier done, final long maxMillis, final long micros)
    {
        final long end = clock.nanoTime() + maxMillis * 1_000_000L;
        settle();
        while (!done.getAsBoolean() && clock.nanoTime() < end)
        {
            clock.advanceNanos(micros * 1_000L);
            settle();
        }
        return done.getAsBoolean();
    }

    boolean runUntil(final BooleanSupplier done, final long maxMillis)
    {
        return runUntil(done, maxMillis, 1_000);
    }

    /** Lets {@code millis} of virtual time pass, a millisecond per step. */
    void advance(final long millis)
    {
        for (long i = 0; i < millis; i++)
        {
            clock.advanceMillis(1);
            settle();
        }
    }

    /** Outstanding buffers of both pools once the stacks' rings are accounted for (0 when nothing leaks). */
    int heldBeyondRings()
    {
        return nicA.pool().outstanding() + nicB.pool().outstanding() - 2 * (128 - 1);
    }

    @Override
    public void close()
    {
        a.close(); // closes the TCP layers too
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
}
