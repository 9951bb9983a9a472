package io.ringstack.ip.fragment;

import io.ringstack.ethernet.ReasonCounters;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static io.ringstack.nic.memory.PacketBufferPool.NO_BUFFER;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Fragmentation and reassembly in steady state allocate nothing: each round fragments a datagram with options,
 * reassembles it in reverse order with a duplicate (moving the data when fragment zero comes last), drops an
 * overlapping datagram, lets another time out with the listener called, and polls. Measured with the thread's
 * allocation counter after warm-up.
 */
class FragmentZeroAllocationTest
{
    private static final int HEADROOM = 18;
    private static final int MTU = 1500;
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);

    private final PacketBufferPool txPool = PacketBufferPool.allocate("tx", 2048, 16);
    private final PacketBufferPool datagramPool = PacketBufferPool.allocate("reassembly", 65536, 16);
    private final ReasonCounters<Ipv4Drop> drops = new ReasonCounters<>(Ipv4Drop.class);
    private final Ipv4Reassembler reassembler = new Ipv4Reassembler(ReassemblyConfig.defaults(), datagramPool, drops);
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter(txPool, HEADROOM, drops);
    private final Ipv4Header header = new Ipv4Header();

    private final UnsafeBuffer original = new UnsafeBuffer(new byte[8192]);
    private int originalLength;
    private final UnsafeBuffer lonelyZero = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer overlapA = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer overlapB = new UnsafeBuffer(new byte[256]);

    private final int[] handles = new int[16];
    private final int[] offsets = new int[16];
    private final int[] lengths = new int[16];
    private int collected;
    private final FragmentSink sink = this::collect;
    private long timeoutsReported;
    private final ReassemblyTimeoutListener listener = this::onTimeout;
    private long reassembled;
    private long now = 1;

    private boolean collect(final int handle, final int ipOffset, final int ipLength)
    {
        handles[collected] = handle;
        offsets[collected] = ipOffset;
        lengths[collected] = ipLength;
        collected++;
        return true;
    }

    private void onTimeout(final DirectBuffer buffer, final int ipOffset, final int ipLength)
    {
        if (buffer.getByte(ipOffset) == 0x45 && ipLength > 28)
        {
            timeoutsReported++;
        }
    }

    @Test
    void steadyStateAllocatesNothing()
    {
        final Datagram whole = new Datagram(Datagram.SOURCE, 1, Datagram.MIXED_OPTIONS, Datagram.MIXED_OPTIONS_COPIED,
            Datagram.randomBytes(6000, 1));
        originalLength = whole.writeWhole(original, 0);
        copy(Datagram.plain(2, 64, 2).fragment(0, 32, true), lonelyZero);
        final Datagram overlapped = Datagram.plain(3, 64, 3);
        copy(overlapped.fragment(0, 32, true), overlapA);
        copy(overlapped.fragment(16, 32, true), overlapB);

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        try
        {
            run(20_000); // warm-up: let the JIT settle
            // Windows of 20,000 rounds until one allocates nothing (at most 5): a late JIT deoptimization allocates
            // its trap record once on this thread (48 B seen), which is not the stack's; a per-round allocation
            // would show in every window.
            long rounds = 20_000;
            long fewest = Long.MAX_VALUE;
            long most = 0;
            for (int window = 0; window < 5 && fewest != 0; window++)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                run(20_000);
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                rounds += 20_000;
                fewest = Math.min(fewest, allocated);
                most = Math.max(most, allocated);
            }
            assertEquals(rounds, reassembled, "every datagram reassembled");
            assertEquals(rounds, timeoutsReported, "every lonely fragment zero reported");
            assertEquals(rounds, drops.get(Ipv4Drop.FRAGMENT_DUPLICATE));
            assertEquals(rounds, drops.get(Ipv4Drop.REASSEMBLY_OVERLAP));
            assertEquals(rounds, drops.get(Ipv4Drop.REASSEMBLY_TIMEOUT));
            assertEquals(3 * rounds, drops.total(), drops.toString());
            assertEquals(0, fewest, "a window of 20,000 rounds allocates nothing (the most any allocated: " + most +
                " B)");
            assertTrue(most < 20_000, "no window allocates a byte per round: " + most + " B");
        }
        finally
        {
            reassembler.close();
            assertEquals(0, datagramPool.outstanding());
            assertEquals(0, txPool.outstanding());
            txPool.close();
            datagramPool.close();
        }
    }

    private static void copy(final Ipv4Header fragment, final UnsafeBuffer to)
    {
        to.putBytes(0, fragment.buffer(), fragment.offset(), fragment.totalLength());
    }

    private void run(final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            collected = 0;
            if (fragmenter.fragment(original, 0, originalLength, MTU, sink) != 5)
            {
                fail("5 fragments expected");
            }
            int handle = NO_BUFFER;
            for (int k = collected - 1; k >= 0; k--)
            {
                header.wrap(txPool.memory(), offsets[k], lengths[k]);
                handle = reassembler.accept(header, now);
                if (k == 2)
                {
                    reassembler.accept(header, now); // a duplicate
                }
                txPool.release(handles[k]);
            }
            if (handle == NO_BUFFER)
            {
                fail("not reassembled");
            }
            header.wrap(datagramPool.memory(), datagramPool.offset(handle), originalLength);
            if (header.totalLength() == originalLength && header.checksumValid())
            {
                reassembled++;
            }
            datagramPool.release(handle);

            header.wrap(lonelyZero, 0, 52);
            reassembler.accept(header, now);
            header.wrap(overlapA, 0, 52);
            reassembler.accept(header, now);
            header.wrap(overlapB, 0, 52);
            reassembler.accept(header, now);
            if (reassembler.poll(now + TIMEOUT, listener) != 2)
            {
                fail("two datagrams expire");
            }
            now += TIMEOUT + 1;
        }
    }
}
