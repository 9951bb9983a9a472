package io.ringstack.ip.decode;

import io.ringstack.ethernet.wire.ArpDrop;
import io.ringstack.ethernet.wire.EthernetDrop;
import io.ringstack.ip.wire.IcmpDrop;
import io.ringstack.ip.wire.Ipv4Drop;
import io.ringstack.ip.wire.TcpHeaderDrop;
import io.ringstack.ip.wire.UdpDrop;

/**
 * What must hold after any {@link FrameDecoder#decode} call, whatever the input: shared by the capture tests and the
 * fuzz test. Throws an {@link AssertionError} naming the broken rule.
 */
final class DecodeInvariants
{
    private DecodeInvariants()
    {
    }

    static void check(final boolean result, final DecodedFrame frame, final String what)
    {
        final int start = frame.frameOffset();
        final int end = start + frame.capturedLength();
        require(result == frame.decoded(), what, "return value disagrees with decoded()");
        require((frame.dropLayer() == null) == (frame.dropReason() == null), what, "drop layer without reason or back");
        if (frame.dropLayer() != null)
        {
            final Class<?> expected = switch (frame.dropLayer())
            {
                case LINK -> EthernetDrop.class;
                case ARP -> ArpDrop.class;
                case IPV4 -> Ipv4Drop.class;
                case UDP -> UdpDrop.class;
                case ICMP -> IcmpDrop.class;
                case TCP -> TcpHeaderDrop.class;
            };
            require(expected.isInstance(frame.dropReason()), what,
                "reason " + frame.dropReason() + " of the wrong layer");
        }
        require(frame.originalLength() >= frame.capturedLength(), what, "original length below captured length");
        within(frame.networkOffset(), start, end, what, "network offset");
        within(frame.transportOffset(), start, end, what, "transport offset");
        within(frame.payloadOffset(), start, end, what, "payload offset");
        require(frame.payloadLength() >= 0 && frame.payloadOffset() + frame.payloadLength() <= end, what,
            "payload beyond the captured bytes");
        if (frame.network() != null)
        {
            require(frame.networkOffset() + frame.networkCapturedLength() == end, what,
                "network bytes do not reach the end");
        }
        if (frame.network() == Layer.IPV4)
        {
            require(frame.ipHeaderLength() >= 20 && frame.ipHeaderLength() <= 60, what, "IPv4 header length");
            require(frame.networkOffset() + frame.ipHeaderLength() <= end, what, "IPv4 header beyond the capture");
            require(frame.ipTotalLength() >= frame.ipHeaderLength(), what, "total length below header length");
            require(frame.transportOffset() == frame.networkOffset() + frame.ipHeaderLength(), what,
                "transport offset");
            require(frame.transportCapturedLength() >= 0 &&
                frame.transportCapturedLength() <= frame.transportLength() &&
                frame.transportOffset() + frame.transportCapturedLength() <= end, what,
                "IP payload beyond the capture");
            require(frame.ipTotalLength() - frame.ipHeaderLength() == frame.transportLength(), what,
                "IP payload length");
        }
        if (frame.transport() != null)
        {
            require(frame.network() == Layer.IPV4, what, "transport without IPv4");
            require(frame.ipFragmentOffset() == 0, what, "transport header parsed in a non-first fragment");
            require(frame.transportChecksum() != null, what, "transport without checksum status");
            final boolean verified = frame.transportChecksum() == ChecksumStatus.GOOD ||
                frame.transportChecksum() == ChecksumStatus.BAD;
            if (verified)
            {
                require(!frame.ipFragment(), what, "checksum verified on a fragment");
                final int covered = frame.transport() == Layer.UDP ? frame.udpLength() : frame.transportLength();
                require(frame.transportCapturedLength() >= covered, what, "checksum verified over missing bytes");
            }
        }
        else
        {
            require(frame.transportChecksum() == null, what, "checksum status without transport");
        }
        if (frame.decoded() && frame.etherType() == 0x0800)
        {
            require(frame.network() == Layer.IPV4, what, "decoded IPv4 frame without IPv4 fields");
        }
        final String line = frame.appendTo(new StringBuilder()).toString();
        require(line.contains(" drop=") != frame.decoded(), what, "line and drop disagree: " + line);
    }

    private static void within(final int value, final int start, final int end, final String what, final String name)
    {
        require(value >= start && value <= end, what, name + " " + value + " outside [" + start + ", " + end + "]");
    }

    private static void require(final boolean condition, final String what, final String rule)
    {
        if (!condition)
        {
            throw new AssertionError(what + ": " + rule);
        }
    }
}
