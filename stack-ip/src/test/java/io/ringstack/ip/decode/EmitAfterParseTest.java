package io.ringstack.ip.decode;

import io.ringstack.testsupport.SharedCaptures;
import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.wire.IcmpMessage;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.ip.wire.UdpHeader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Parse, then emit (smoltcp's wire tests, both directions): every well-formed frame of the shared captures is
 * rebuilt into a fresh buffer from the decoded fields alone, with the wire writers, and must come out byte for byte
 * as captured, up to the end of the IP datagram or the ARP packet (link padding excluded).
 * <p>
 * Well-formed: decoded, not cut by the capture, IPv4 header checksum good, transport checksum good or absent (a
 * writer computes checksums, so a bad one cannot be reproduced). Written from fields: the Ethernet header and
 * stacked tags, the ARP packet, every IPv4 header field (options are bytes: copied), the UDP and ICMP headers.
 * Copied: payloads; the IP payload of TCP segments (no TCP writer before stack-tcp), of fragments (a first
 * fragment's UDP checksum covers bytes it does not carry) and of other protocols; and Linux cooked headers.
 */
class EmitAfterParseTest
{
    @Test
    void everyWellFormedFrameIsRebuiltByteForByte()
    {
        final List<Path> captures = SharedCaptures.allOrSkip().toList();
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame frame = new DecodedFrame();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[65_536 + 64]);
        final Map<String, Integer> emitted = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        for (final Path capture : captures)
        {
            for (final CapturedFrame captured : CapturedFrame.readAll(capture))
            {
                if (!captured.decode(decoder, frame) || !wellFormed(frame))
                {
                    continue;
                }
                out.setMemory(0, out.capacity(), (byte)0xEE); // nothing left over from the last frame
                final int length = emit(frame, out);
                final DirectBuffer original = frame.buffer();
                final int at = frame.frameOffset();
                for (int i = 0; i < length; i++)
                {
                    if (original.getByte(at + i) != out.getByte(i))
                    {
                        failures.add(captured.name() + " differs at byte " + i + " (" + frame + ")\n  captured " +
                            hex(original, at, length) + "\n  emitted  " + hex(out, 0, length));
                        break;
                    }
                }
                emitted.merge(kind(frame), 1, Integer::sum);
            }
        }
        System.out.println("emitted and compared: " + emitted);
        if (!failures.isEmpty())
        {
            fail(failures.size() + " frames not rebuilt byte for byte:\n" + String.join("\n", failures));
        }
        // every writer was exercised on real frames, so this test cannot pass by skipping everything (no capture
        // holds a UDP datagram without checksum: FrameDecoderTest covers that writer)
        for (final String kind : List.of("arp", "arp+2 tags", "arp+1 tag", "udp", "icmp", "tcp", "ipv4 fragment",
            "ipv4 options"))
        {
            assertTrue(emitted.getOrDefault(kind, 0) > 0, "no well-formed frame of kind '" + kind + "': " + emitted);
        }
    }

    private static boolean wellFormed(final DecodedFrame frame)
    {
        if (frame.truncated())
        {
            return false;
        }
        if (frame.network() == Layer.IPV4)
        {
            final ChecksumStatus checksum = frame.transportChecksum();
            return frame.ipHeaderChecksumValid() &&
                (checksum == null || checksum == ChecksumStatus.GOOD || checksum == ChecksumStatus.NONE ||
                    checksum == ChecksumStatus.NOT_CHECKABLE && frame.ipFragment());
        }
        return frame.network() == Layer.ARP;
    }

    /** Writes the frame from the decoded fields into {@code out} at 0; returns the length to compare. */
    private static int emit(final DecodedFrame frame, final MutableDirectBuffer out)
    {
        final DirectBuffer in = frame.buffer();
        final int linkLength = frame.networkOffset() - frame.frameOffset();
        int at;
        if (frame.ethernet())
        {
            if (frame.vlanCount() == 0)
            {
                at = EthernetFrame.writeHeader(out, 0, frame.linkDestination(), frame.linkSource(), frame.etherType());
            }
            else
            {
                at = EthernetFrame.writeHeader(out, 0, frame.linkDestination(), frame.linkSource(),
                    frame.tagProtocol(0));
                for (int i = 0; i < frame.vlanCount(); i++)
                {
                    final int next = i + 1 < frame.vlanCount() ? frame.tagProtocol(i + 1) : frame.etherType();
                    at += EthernetFrame.writeTag(out, at, frame.vlanPriority(i), frame.vlanDropEligible(i),
                        frame.vlanId(i), next);
                }
            }
        }
        else
        {
            out.putBytes(0, in, frame.frameOffset(), linkLength); // cooked or no link header: not under test here
            at = linkLength;
        }
        if (at != linkLength)
        {
            throw new AssertionError("link header written as " + at + " bytes, captured " + linkLength);
        }
        if (frame.network() == Layer.ARP)
        {
            return at + ArpPacket.write(out, at, frame.arpOperation(), frame.arpSenderHardware(),
                frame.arpSenderProtocol(), frame.arpTargetHardware(), frame.arpTargetProtocol());
        }
        final int ip = at;
        final int headerLength = frame.ipHeaderLength();
        final int payload = ip + headerLength;
        // options are a byte list with no fields the decoder exposes: copy them, the writer checksums them
        out.putBytes(ip + Ipv4Header.MIN_HEADER_LENGTH, in, frame.networkOffset() + Ipv4Header.MIN_HEADER_LENGTH,
            headerLength - Ipv4Header.MIN_HEADER_LENGTH);
        if (frame.transport() == Layer.UDP && !frame.ipFragment())
        {
            final int data = frame.udpLength() - UdpHeader.HEADER_LENGTH;
            // the UDP data, and any IP payload after the UDP length (RFC 768 leaves it outside the datagram)
            out.putBytes(payload + UdpHeader.HEADER_LENGTH, in, frame.payloadOffset(),
                frame.transportLength() - UdpHeader.HEADER_LENGTH);
            if (frame.transportChecksum() == ChecksumStatus.NONE)
            {
                UdpHeader.writeWithoutChecksum(out, payload, frame.sourcePort(), frame.destinationPort(), data);
            }
            else
            {
                UdpHeader.write(out, payload, frame.sourcePort(), frame.destinationPort(), data, frame.ipSource(),
                    frame.ipDestination());
            }
        }
        else if (frame.transport() == Layer.ICMP && !frame.ipFragment())
        {
            final int data = frame.transportLength() - IcmpMessage.HEADER_LENGTH;
            out.putBytes(payload + IcmpMessage.HEADER_LENGTH, in, frame.payloadOffset(), data);
            IcmpMessage.write(out, payload, frame.icmpType(), frame.icmpCode(), frame.icmpRestOfHeader(), data);
        }
        else
        {
            out.putBytes(payload, in, frame.transportOffset(), frame.transportLength());
        }
        final int flags = (frame.ipReservedFlag() ? Ipv4Header.FLAG_RESERVED : 0) |
            (frame.ipDontFragment() ? Ipv4Header.FLAG_DONT_FRAGMENT : 0) |
            (frame.ipMoreFragments() ? Ipv4Header.FLAG_MORE_FRAGMENTS : 0) | frame.ipFragmentOffset() >>> 3;
        Ipv4Header.write(out, ip, headerLength, frame.ipTypeOfService(), frame.ipTotalLength(),
            frame.ipIdentification(), flags, frame.ipTimeToLive(), frame.ipProtocol(), frame.ipSource(),
            frame.ipDestination());
        return ip + frame.ipTotalLength();
    }

    private static String kind(final DecodedFrame frame)
    {
        if (frame.network() == Layer.ARP)
        {
            final int tags = frame.vlanCount();
            return tags == 0 ? "arp" : "arp+" + tags + (tags == 1 ? " tag" : " tags");
        }
        if (frame.ipFragment())
        {
            return "ipv4 fragment";
        }
        if (frame.ipHeaderLength() > Ipv4Header.MIN_HEADER_LENGTH)
        {
            return "ipv4 options";
        }
        if (frame.transport() == null)
        {
            return "ipv4 other";
        }
        if (frame.transportChecksum() == ChecksumStatus.NONE)
        {
            return "udp no checksum";
        }
        return frame.transport().label();
    }

    private static String hex(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
