package io.ringstack.nic.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/**
 * A cable between two devices in one process. A frame a device transmits is handed straight to the other device's
 * receive side on the sender's thread (the receiving device then "DMA"s it into its RX ring), optionally through a
 * pcap tap (recording each frame as it is sent, both directions in one file) and a seeded {@link FaultInjector}
 * per direction. Without faults nothing is held and nothing is allocated.
 */
public final class InMemoryWire implements AutoCloseable
{
    private final WireEnd a;
    private final WireEnd b;
    private final FaultInjector aToBFaults;
    private final FaultInjector bToAFaults;
    private final PcapWriter pcap;

    private InMemoryWire(final Builder builder)
    {
        this.a = builder.a;
        this.b = builder.b;
        this.pcap = builder.pcapFile == null ? null : PcapWriter.open(builder.pcapFile);
        this.aToBFaults = builder.aToB == FaultPlan.NONE ? null :
            new FaultInjector(b, builder.aToB, builder.seed, builder.clock, builder.holdCapacity);
        this.bToAFaults = builder.bToA == FaultPlan.NONE ? null :
            new FaultInjector(a, builder.bToA, builder.seed * 31 + 17, builder.clock, builder.holdCapacity);
        a.attachWire(tap(aToBFaults != null ? aToBFaults : b));
        b.attachWire(tap(bToAFaults != null ? bToAFaults : a));
    }

    private FrameSink tap(final FrameSink next)
    {
        return pcap == null ? next : new Tee(pcap, next);
    }

    public static Builder between(final WireEnd a, final WireEnd b)
    {
        return new Builder(a, b);
    }

    /** Connects two devices with a perfect cable. */
    public static InMemoryWire connect(final WireEnd a, final WireEnd b)
    {
        return between(a, b).build();
    }

    /** The injector from a to b, or null if that direction is perfect. */
    public FaultInjector faultsAToB()
    {
        return aToBFaults;
    }

    public FaultInjector faultsBToA()
    {
        return bToAFaults;
    }

    /** Delivers held (delayed) frames that are due, both directions. */
    public int poll()
    {
        return (aToBFaults == null ? 0 : aToBFaults.poll()) + (bToAFaults == null ? 0 : bToAFaults.poll());
    }

    /** Delivers every held frame now. */
    public int flush()
    {
        return (aToBFaults == null ? 0 : aToBFaults.flush()) + (bToAFaults == null ? 0 : bToAFaults.flush());
    }

    /** Unplugs both devices and closes the pcap file. */
    @Override
    public void close()
    {
        a.attachWire(null);
        b.attachWire(null);
        if (pcap != null)
        {
            pcap.close();
        }
    }

    private static final class Tee implements FrameSink
    {
        private final FrameSink first;
        private final FrameSink second;

        Tee(final FrameSink first, final FrameSink second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void accept(final DirectBuffer buffer, final int offset, final int length)
        {
            first.accept(buffer, offset, length);
            second.accept(buffer, offset, length);
        }

        @Override
        public void endOfBurst()
        {
            first.endOfBurst();
            second.endOfBurst();
        }
    }

    public static final class Builder
    {
        private final WireEnd a;
        private final WireEnd b;
        private FaultPlan aToB = FaultPlan.NONE;
        private FaultPlan bToA = FaultPlan.NONE;
        private long seed = 1;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private Path pcapFile;
        private int holdCapacity = 256;

        private Builder(final WireEnd a, final WireEnd b)
        {
            this.a = a;
            this.b = b;
        }

        /** The same faults both ways. */
        public Builder faults(final FaultPlan plan)
        {
            return faults(plan, plan);
        }

        public Builder faults(final FaultPlan aToB, final FaultPlan bToA)
        {
            this.aToB = aToB;
            this.bToA = bToA;
            return this;
        }

        public Builder seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** The clock delays are measured on (a virtual clock in tests). */
        public Builder clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** Records every frame both ways to this pcap file. */
        public Builder pcap(final Path file)
        {
            this.pcapFile = file;
            return this;
        }

        /** How many frames the fault injector can hold back at once (delay, reorder). */
        public Builder holdCapacity(final int frames)
        {
            this.holdCapacity = frames;
            return this;
        }

        public InMemoryWire build()
        {
            return new InMemoryWire(this);
        }
    }
}
