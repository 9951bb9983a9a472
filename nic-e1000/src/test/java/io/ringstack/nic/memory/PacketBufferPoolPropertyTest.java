package io.ringstack.nic.memory;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's ownership tracking against a model with a reference count and a holder per buffer: random claims,
 * retains, hand-overs and releases, with misuse (double releases, unknown handles) mixed in, strict and lenient.
 * Misuse is counted in both modes, throws only in strict mode, and never changes a buffer's state; a buffer is in
 * the free list exactly when nobody holds it.
 */
class PacketBufferPoolPropertyTest
{
    @ParameterizedTest
    @CsvSource({ "1, false", "2, true", "3, false", "77, true", "20260611, false" })
    void ownershipMatchesTheModel(final long seed, final boolean strict)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int capacity = 16;
        final int[] references = new int[capacity];
        final byte[] holders = new byte[capacity];
        long misuses = 0;
        try (PacketBufferPool pool = PacketBufferPool.allocate("p", 256, capacity, DmaAddressing.IDENTITY, strict))
        {
            for (int step = 0; step < 50_000; step++)
            {
                final String where = "step " + step + ", seed " + seed + ", strict " + strict;
                final byte holder = (byte)random.nextInt(8);
                // mostly real handles, sometimes ones the pool never had
                final int handle = random.nextInt(10) == 0 ? random.nextInt(-3, capacity + 3) : random.nextInt(capacity);
                final boolean known = handle >= 0 && handle < capacity;
                final boolean held = known && references[handle] > 0;
                switch (random.nextInt(4))
                {
                    case 0 ->
                    {
                        final int claimed = pool.claim(holder);
                        if (claimed == PacketBufferPool.NO_BUFFER)
                        {
                            for (int i = 0; i < capacity; i++)
                            {
                                assertTrue(references[i] > 0, "claim failed with buffer " + i + " free, " + where);
                            }
                        }
                        else
                        {
                            assertEquals(0, references[claimed], "claimed a held buffer, " + where);
                            references[claimed] = 1;
                            holders[claimed] = holder;
                        }
                    }
                    case 1 ->
                    {
                        if (held)
                        {
                            pool.retain(handle, holder);
                            references[handle]++;
                            holders[handle] = holder;
                        }
                        else
                        {
                            misuses++;
                            misuse(strict, () -> pool.retain(handle, holder));
                        }
                    }
                    case 2 ->
                    {
                        if (held)
                        {
                            pool.handOver(handle, holder);
                            holders[handle] = holder;
                        }
                        else
                        {
                            misuses++;
                            misuse(strict, () -> pool.handOver(handle, holder));
                        }
                    }
                    default ->
                    {
                        if (held)
                        {
                            assertEquals(--references[handle] == 0, pool.release(handle), where);
                        }
                        else
                        {
                            misuses++;
                            misuse(strict, () -> assertFalse(pool.release(handle)));
                        }
                    }
                }
                int free = 0;
                for (int i = 0; i < capacity; i++)
                {
                    assertEquals(references[i], pool.referenceCount(i), "references of " + i + ", " + where);
                    assertEquals(references[i] > 0, pool.isHeld(i), where);
                    if (references[i] > 0)
                    {
                        assertEquals(holders[i], pool.holder(i), "holder of " + i + ", " + where);
                    }
                    else
                    {
                        assertEquals(BufferHolder.POOL, pool.holder(i), where);
                        free++;
                    }
                }
                assertEquals(free, pool.available(), where);
                assertEquals(capacity - free, pool.outstanding(), where);
                assertEquals(misuses, pool.misuses(), where);
            }
            // the free list holds each free buffer exactly once: claiming them all gives distinct handles
            final Set<Integer> claimed = new HashSet<>();
            for (int handle; (handle = pool.claim(BufferHolder.STACK)) != PacketBufferPool.NO_BUFFER; )
            {
                assertTrue(claimed.add(handle), "buffer " + handle + " was in the free list twice, seed " + seed);
            }
            int heldBefore = 0;
            for (int i = 0; i < capacity; i++)
            {
                heldBefore += references[i] > 0 ? 1 : 0;
            }
            assertEquals(capacity - heldBefore, claimed.size(), "seed " + seed);
        }
    }

    private static void misuse(final boolean strict, final Runnable call)
    {
        if (strict)
        {
            assertThrows(IllegalStateException.class, call::run);
        }
        else
        {
            call.run();
        }
    }
}
