package io.ringstack.nic;

import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.wire.FaultPlan;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/** Two emulated NICs on one in-memory wire, started; closes everything and checks for leaks. */
public final class NicPair implements AutoCloseable
{
    public static final long MAC_A = 0x5254_0000_000AL;
    public static final long MAC_B = 0x5254_0000_000BL;

    public final EmulatedNic a;
    public final EmulatedNic b;
    public final InMemoryWire wire;

    public NicPair(final int rxDescriptors, final int txDescriptors, final int buffers, final int bufferSize,
        final FaultPlan faults, final long seed, final NanoClock clock, final Path pcap)
    {
        a = EmulatedNic.builder("a", MAC_A).rings(rxDescriptors, txDescriptors).buffers(buffers)
            .bufferSize(bufferSize).strict(true).build();
        b = EmulatedNic.builder("b", MAC_B).rings(rxDescriptors, txDescriptors).buffers(buffers)
            .bufferSize(bufferSize).strict(true).build();
        wire = InMemoryWire.between(a.device(), b.device()).faults(faults).seed(seed).clock(clock).pcap(pcap).build();
        a.start();
        b.start();
    }

    public NicPair()
    {
        this(64, 64, 256, 2048, FaultPlan.NONE, 1, SystemNanoClock.INSTANCE, null);
    }

    /** Stops both drivers and fails the test if any buffer is still held by anyone (a leak), then frees everything. */
    @Override
    public void close()
    {
        wire.close();
        a.driver().stop();
        b.driver().stop();
        final String leaks = a.pool().describeOutstanding(5) + " " + b.pool().describeOutstanding(5);
        final boolean leaked = a.pool().outstanding() != 0 || b.pool().outstanding() != 0;
        a.close();
        b.close();
        if (leaked)
        {
            throw new AssertionError("buffers leaked: " + leaks);
        }
    }
}
