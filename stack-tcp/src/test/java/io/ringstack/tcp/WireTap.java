package io.ringstack.tcp;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.TcpHeader;
import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.WireEnd;
import io.ringstack.tcp.wire.TcpOptions;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Wraps device B's end of the wire: records every TCP segment in both directions (decoded, with the virtual
 * time), and lets a test drop or hold segments. Frames held are copied and delivered on {@link #release()}.
 * Tests only (allocates).
 */
final class WireTap implements WireEnd
{
    private final WireEnd device;
    private final NanoClock clock;
    private final List<Segment> segments = new ArrayList<>();
    private final ArrayDeque<byte[]> heldToB = new ArrayDeque<>();
    private final ArrayDeque<byte[]> heldToA = new ArrayDeque<>();
    private FrameSink towardsA;
    /** Return false to drop a segment (A to B or B to A). */
    Predicate<Segment> dropIf = s -> false;
    /** Return true to hold a segment until {@link #release()}. */
    Predicate<Segment> holdIf = s -> false;
    long dropped;

    WireTap(final WireEnd device, final NanoClock clock)
    {
        this.device = device;
        this.clock = clock;
    }

    @Override
    public void attachWire(final FrameSink wire)
    {
        towardsA = wire;
        device.attachWire(wire == null ? null : (buffer, offset, length) -> fromB(buffer, offset, length));
    }

    /** Copies of the TCP frames sent from A to B, in order (for replays). */
    final List<byte[]> framesToB = new ArrayList<>();

    /** Delivers a frame to B as if it came over the wire (a replay of an old one). */
    void injectToB(final byte[] frame)
    {
        device.accept(new UnsafeBuffer(frame), 0, frame.length);
    }

    /** A to B. */
    @Override
    public void accept(final DirectBuffer buffer, final int offset, final int length)
    {
        final Segment segment = decode(true, buffer, offset, length);
        if (segment != null)
        {
            segments.add(segment);
            framesToB.add(copy(buffer, offset, length));
            if (dropIf.test(segment))
            {
                dropped++;
                return;
            }
            if (holdIf.test(segment))
            {
                heldToB.add(copy(buffer, offset, length));
                return;
            }
        }
        device.accept(buffer, offset, length);
    }

    private void fromB(final DirectBuffer buffer, final int offset, final int length)
    {
        final Segment segment = decode(false, buffer, offset, length);
        if (segment != null)
        {
            segments.add(segment);
            if (dropIf.test(segment))
            {
                dropped++;
                return;
            }
            if (holdIf.test(segment))
            {
                heldToA.add(copy(buffer, offset, length));
                return;
            }
        }
        towardsA.accept(buffer, offset, length);
    }

    /** Delivers every held frame, in order, each way. */
    void release()
    {
        while (!heldToB.isEmpty())
        {
            final byte[] frame = heldToB.poll();
            device.accept(new UnsafeBuffer(frame), 0, frame.length);
        }
        while (!heldToA.isEmpty())
        {
            final byte[] frame = heldToA.poll();
            towardsA.accept(new UnsafeBuffer(frame), 0, frame.length);
        }
    }

    int held()
    {
        return heldToA.size() + heldToB.size();
    }

    List<Segment> segments()
    {
        return segments;
    }

    List<Segment> fromA()
    {
        return segments.stream().filter(Segment::fromA).toList();
    }

    List<Segment> fromB()
    {
        return segments.stream().filter(s -> !s.fromA()).toList();
    }

    void clear()
    {
        segments.clear();
        framesToB.clear();
    }

    String dump()
    {
        final StringBuilder text = new StringBuilder();
        segments.forEach(s -> text.append(s).append('\n'));
        return text.toString();
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] frame = new byte[length];
        buffer.getBytes(offset, frame);
        return frame;
    }

    private Segment decode(final boolean fromA, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 14 + 20 || (buffer.getShort(offset + 12, ByteOrder.BIG_ENDIAN) & 0xFFFF) != EtherType.IPV4)
        {
            return null;
        }
        final Ipv4Header ip = new Ipv4Header();
        if (!ip.wrap(buffer, offset + 14, length - 14) || ip.protocol() != IpProtocol.TCP)
        {
            return null;
        }
        final TcpHeader tcp = new TcpHeader();
        if (!tcp.wrap(buffer, ip.payloadOffset(), ip.payloadLength()))
        {
            return null;
        }
        final TcpOptions options = new TcpOptions();
        options.parse(buffer, tcp.optionsOffset(), tcp.optionsLength());
        return new Segment(fromA, clock.nanoTime(), tcp.sourcePort(), tcp.destinationPort(), tcp.sequenceNumber(),
            tcp.acknowledgmentNumber(), tcp.flags(), tcp.window(), tcp.payloadLength(), options.mss(),
            options.windowScale(), options.sackPermitted(), options.hasTimestamps(), options.timestampValue(),
            options.timestampEchoReply());
    }
}
