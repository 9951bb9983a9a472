package io.ringstack.testsupport.script;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Just enough of a listening TCP for runner tests, built from {@link TestFrames}: answers a SYN at once with a
 * SYN-ACK (ISN {@link #isn}, window 64240, {@code <mss 1460,sackOK,TS val 7 ecr PEER,nop,wscale 7>} when the SYN had
 * timestamps, else {@code <mss 1460>}), and data with a bare ACK after {@link #ackDelayNanos}. No state machine:
 * tests decide what it should get wrong.
 */
final class ToyServer implements Function<byte[], List<FakeTarget.Reply>>
{
    long isn = 0xFFFF_FF00L;
    long ackDelayNanos = FakeTarget.millis(40);
    long peerNext;
    int synAcks;

    @Override
    public List<FakeTarget.Reply> apply(final byte[] frame)
    {
        final TestFrames.Parsed in = TestFrames.parse(frame);
        final List<FakeTarget.Reply> replies = new ArrayList<>();
        if ((in.flags() & TcpFlags.SYN) != 0 && (in.flags() & TcpFlags.ACK) == 0)
        {
            peerNext = in.seq() + 1;
            final long echo = timestampValue(in.options());
            final String options = echo < 0 ? "020405b4" :
                "020405b4" + "0402" + "080a" + "00000007" + String.format("%08x", echo) + "01" + "030307";
            synAcks++;
            replies.add(new FakeTarget.Reply(0, TestFrames.fromStack().flags(TcpFlags.SYN).seq(isn).ack(peerNext)
                .window(64240).options(options).frame()));
        }
        else if (in.payload().length > 0)
        {
            peerNext = in.seq() + in.payload().length;
            replies.add(new FakeTarget.Reply(ackDelayNanos, TestFrames.fromStack().seq(isn + 1).ack(peerNext)
                .window(64240).frame()));
        }
        return replies;
    }

    /** TSval of a Timestamps option in raw option bytes, or -1. */
    static long timestampValue(final byte[] options)
    {
        int i = 0;
        while (i < options.length)
        {
            final int kind = options[i] & 0xFF;
            if (kind == 0)
            {
                break;
            }
            if (kind == 1)
            {
                i++;
                continue;
            }
            if (kind == 8)
            {
                return Integer.toUnsignedLong(ByteBuffer.wrap(options, i + 2, 4).getInt());
            }
            i += options[i + 1] & 0xFF;
        }
        return -1;
    }
}
