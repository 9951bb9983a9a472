package io.ringstack.ip.stack;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.wire.Ipv4Header;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Garbage and mutated frames straight into B's device: nothing throws, every frame is accounted for by a reason or
 * an outcome, nothing leaks, and B keeps answering pings.
 */
class HostileInputTest
{
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 11, 12, 13, 14, 15, 16, 17, 18 })
    void garbageNeverEscapesAndPingStillWorks(final long seed)
    {
        try (StackPair pair = new StackPair())
        {
            final int[] lastSequence = { -1 };
            pair.a.echoReplyListener((source, id, seq, data, offset, length, now) ->
            {
                if (id == 0xBEEF)
                {
                    lastSequence[0] = seq; // garbage may make B answer other echoes: look only at ours
                }
            });
            assertTrue(pair.a.sendEchoRequest(StackPair.IP_B, 0xBEEF, 0, 16));
            assertTrue(pair.runUntil(() -> lastSequence[0] == 0, 100, 1));

            final SplittableRandom random = new SplittableRandom(seed);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[1514]);
            for (int i = 0; i < 5000; i++)
            {
                final int length = buildHostileFrame(random, frame);
                try
                {
                    pair.nicB.device().accept(frame, 0, length);
                    pair.step();
                }
                catch (final RuntimeException | AssertionError ex)
                {
                    throw new AssertionError("seed " + seed + ", frame " + i + " threw", ex);
                }
                if (i % 500 == 0)
                {
                    final int sequence = i;
                    pair.a.sendEchoRequest(StackPair.IP_B, 0xBEEF, sequence, 16);
                    assertTrue(pair.runUntil(() -> lastSequence[0] == sequence, 100, 1),
                        "seed " + seed + ": B stopped answering after frame " + i + " " + pair.b.countersSnapshot());
                }
            }
            pair.clock.advanceMillis(120_000);
            pair.settle();
            assertTrue(pair.b.droppedFrames() > 1000, "seed " + seed + ": garbage counted " + pair.b.countersSnapshot());
            StackPair.assertEveryFrameAccounted(pair.b);
            StackPair.assertEveryFrameAccounted(pair.a);
        }
    }

    /** A frame to B: random bytes, or a plausible IPv4/ARP frame with random fields and lengths. */
    private static int buildHostileFrame(final SplittableRandom random, final UnsafeBuffer frame)
    {
        final int kind = random.nextInt(4);
        int length = 14 + random.nextInt(1500);
        for (int i = 0; i < length; i++)
        {
            frame.putByte(i, (byte)random.nextInt(256));
        }
        EthernetFrame.writeHeader(frame, 0, StackPair.MAC_B, StackPair.MAC_A + 0x100, kind == 3 ? EtherType.ARP : EtherType.IPV4);
        if (kind == 0)
        {
            return Math.max(length, 60);
        }
        if (kind == 1 || kind == 2)
        {
            // a valid-looking IPv4 header to us with random protocol, flags, lengths; checksum right half the time
            final int total = Math.min(length - 14, 20 + random.nextInt(1480));
            final int flags = random.nextInt(4) == 0 ? Ipv4Header.FLAG_MORE_FRAGMENTS | random.nextInt(64) : random.nextInt(0x10000);
            final int protocol = new int[] { 1, 17, 6, 99, random.nextInt(256) }[random.nextInt(5)];
            Ipv4Header.write(frame, 14, random.nextInt(3) == 0 ? random.nextInt(0x10000) : total, random.nextInt(4),
                flags, random.nextInt(256), protocol, StackPair.IP_A, StackPair.IP_B);
            if (kind == 2)
            {
                frame.putByte(14, (byte)(0x40 | random.nextInt(16))); // random IHL, checksum redone
                Ipv4Header.updateChecksum(frame, 14, Math.min(60, length - 14));
            }
            if (random.nextBoolean())
            {
                frame.putShort(14 + Ipv4Header.CHECKSUM_OFFSET, (short)random.nextInt(0x10000));
            }
        }
        return Math.max(length, 60);
    }
}
