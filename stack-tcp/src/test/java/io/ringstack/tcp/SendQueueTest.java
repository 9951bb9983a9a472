package io.ringstack.tcp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link SendQueue#firstEndingAfter}'s hint and binary search agree with a linear scan, across wrap-around and the
 * doublings of its arrays (8, 16, 32 slots), and every buffer keeps its handle, sequence and length.
 */
class SendQueueTest
{
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 7, 99, 12345, -3 })
    void lookupsAgreeWithALinearScan(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final SendQueue queue = new SendQueue(32);
        final ArrayDeque<int[]> model = new ArrayDeque<>(); // {seq, length}
        int next = random.nextInt();
        int cursor = next;
        for (int step = 0; step < 20_000; step++)
        {
            final int action = random.nextInt(10);
            if (action < 3 && !queue.isFull())
            {
                final int length = 1 + random.nextInt(1500);
                queue.add(step, next, length);
                model.add(new int[] { next, length, step });
                next += length;
            }
            else if (action < 5 && queue.size() > 0)
            {
                queue.removeFirst();
                model.poll();
            }
            else
            {
                // mostly forward like SND.NXT, sometimes back like a timeout, sometimes anywhere
                final int span = Math.max(1, next - (model.isEmpty() ? next : model.peek()[0]));
                cursor = switch (random.nextInt(4))
                {
                    case 0 -> model.isEmpty() ? next : model.peek()[0];
                    case 1 -> next - random.nextInt(span + 10);
                    default -> cursor + random.nextInt(2000);
                };
                int expected = -1;
                int p = 0;
                for (final int[] buffer : model)
                {
                    if (buffer[0] + buffer[1] - cursor > 0)
                    {
                        expected = p;
                        break;
                    }
                    p++;
                }
                assertEquals(expected, queue.firstEndingAfter(cursor), "seed " + seed + " step " + step);
                assertEquals(expected, queue.positionAfter(cursor), "seed " + seed + " step " + step);
                int position = 0;
                for (final int[] buffer : model)
                {
                    assertEquals(buffer[2], queue.handle(position), "seed " + seed + " step " + step);
                    assertEquals(buffer[0], queue.sequence(position), "seed " + seed + " step " + step);
                    assertEquals(buffer[1], queue.length(position++), "seed " + seed + " step " + step);
                }
            }
        }
    }
}
