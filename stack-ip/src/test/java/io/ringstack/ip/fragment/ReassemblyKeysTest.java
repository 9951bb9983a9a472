package io.ringstack.ip.fragment;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The key index against a HashMap model over random puts, finds and removes, with keys drawn from a small space
 * so that lookups of absent keys, collisions and backward shifts across the table's wrap all happen.
 */
class ReassemblyKeysTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, 100);
    }

    private record Key(int source, int destination, int protoId)
    {
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void behavesLikeAMap(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int slots = 1 + random.nextInt(40);
        // a fixed hash seed for some runs: with few cells, long runs and wrap-around are common
        final ReassemblyKeys keys = new ReassemblyKeys(slots, random.nextInt(3) == 0 ? 0 : random.nextLong());
        final Map<Key, Integer> model = new HashMap<>();
        final List<Integer> free = new ArrayList<>();
        for (int i = 0; i < slots; i++)
        {
            free.add(i);
        }
        for (int step = 0; step < 5000; step++)
        {
            final String context = "seed " + seed + ", step " + step;
            final Key key = new Key(random.nextInt(3), random.nextInt(3),
                ReassemblyKeys.protocolAndIdentification(17, random.nextInt(2 * slots)));
            final Integer slot = model.get(key);
            assertEquals(slot == null ? ReassemblyKeys.NONE : slot,
                keys.find(key.source(), key.destination(), key.protoId()), context);
            if (slot == null && !free.isEmpty() && random.nextBoolean())
            {
                final int newSlot = free.remove(random.nextInt(free.size()));
                keys.put(newSlot, key.source(), key.destination(), key.protoId());
                model.put(key, newSlot);
            }
            else if (slot != null && random.nextInt(3) == 0)
            {
                keys.remove(slot);
                model.remove(key);
                free.add(slot);
            }
            if (step % 500 == 0)
            {
                for (final Map.Entry<Key, Integer> entry : model.entrySet())
                {
                    final Key k = entry.getKey();
                    assertEquals(entry.getValue(), keys.find(k.source(), k.destination(), k.protoId()), context);
                }
            }
        }
    }
}
