package io.ringstack.testsupport.script;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an Ethernet frame (layouts in {@link FrameEncoder}) into a {@link DecodedFrame}. Every length is checked
 * before a field is read, so a truncated or inconsistent frame becomes {@link DecodedFrame.Malformed}, never an
 * exception. Checksums are verified and reported in the segment, not enforced here. Bytes after the IPv4 Total
 * Length (Ethernet padding) are ignored.
 */
public final class FrameDecoder
{
    static final int ETHER_TYPE_IPV4 = 0x0800;
    static final int ETHER_TYPE_ARP = 0x0806;
    static final int ETHER_TYPE_VLAN = 0x8100;
    static final int ETHER_TYPE_QINQ = 0x88A8;
    static final int ETHER_TYPE_IPV6 = 0x86DD;
    static final int PROTOCOL_ICMP = 1;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;

    private static final int MAX_HEX_BYTES = 96;

    private FrameDecoder()
    {
    }

    public static DecodedFrame decode(final byte[] frame)
    {
        if (frame.length < FrameEncoder.ETHERNET_HEADER_LENGTH)
        {
            return malformed("frame of " + frame.length + " bytes is shorter than an Ethernet header (14)", frame);
        }
        final int etherType = u16(frame, 12);
        return switch (etherType)
        {
            case ETHER_TYPE_IPV4 -> decodeIpv4(frame, FrameEncoder.ETHERNET_HEADER_LENGTH);
            case ETHER_TYPE_ARP -> decodeArp(frame, FrameEncoder.ETHERNET_HEADER_LENGTH);
            case ETHER_TYPE_VLAN, ETHER_TYPE_QINQ -> new DecodedFrame.Other(
                "VLAN-tagged frame (EtherType 0x" + Integer.toHexString(etherType) + "), " + frame.length + " bytes");
            case ETHER_TYPE_IPV6 -> new DecodedFrame.Other("IPv6 frame, " + frame.length + " bytes");
            default -> new DecodedFrame.Other("frame with EtherType 0x" + Integer.toHexString(etherType) + ", " +
                frame.length + " bytes");
        };
    }

    private static DecodedFrame decodeArp(final byte[] frame, final int offset)
    {
        // RFC 826 "Packet format": hrd(2) pro(2) hln(1) pln(1) op(2) sha sha spa tha tpa
        if (frame.length - offset < 28)
        {
            return malformed("ARP packet of " + (frame.length - offset) + " bytes, needs 28 for IPv4 over Ethernet",
                frame);
        }
        if (u16(frame, offset) != 1 || u16(frame, offset + 2) != ETHER_TYPE_IPV4 || u8(frame, offset + 4) != 6 ||
            u8(frame, offset + 5) != 4)
        {
            return new DecodedFrame.Other("ARP for hardware type " + u16(frame, offset) + ", protocol 0x" +
                Integer.toHexString(u16(frame, offset + 2)));
        }
        return new DecodedFrame.Arp(u16(frame, offset + 6), u48(frame, offset + 8), u32i(frame, offset + 14),
            u48(frame, offset + 18), u32i(frame, offset + 24));
    }

    private static DecodedFrame decodeIpv4(final byte[] frame, final int offset)
    {
        final int available = frame.length - offset;
        if (available < FrameEncoder.IPV4_HEADER_LENGTH)
        {
            return malformed("IPv4 packet of " + available + " bytes is shorter than its minimum header (20)", frame);
        }
        final int version = u8(frame, offset) >>> 4;
        final int headerLength = (u8(frame, offset) & 0x0F) * 4;
        final int totalLength = u16(frame, offset + 2);
        if (version != 4)
        {
            return malformed("IPv4 EtherType but IP version " + version, frame);
        }
        if (headerLength < FrameEncoder.IPV4_HEADER_LENGTH || headerLength > available)
        {
            return malformed("IPv4 IHL of " + headerLength + " bytes, packet has " + available, frame);
        }
        if (totalLength < headerLength || totalLength > available)
        {
            return malformed("IPv4 Total Length " + totalLength + " with IHL " + headerLength + " in " + available +
                " bytes", frame);
        }
        // RFC 791 §3.1 "Header Checksum": the one's complement sum over the header, checksum included, is all ones
        final boolean ipChecksumValid = Checksum.fold(Checksum.add(0, frame, offset, headerLength)) == 0xFFFF;
        final int identification = u16(frame, offset + 4);
        final int flagsAndFragment = u16(frame, offset + 6);
        final boolean dontFragment = (flagsAndFragment & 0x4000) != 0;
        final boolean fragment = (flagsAndFragment & 0x2000) != 0 || (flagsAndFragment & 0x1FFF) != 0;
        final int timeToLive = u8(frame, offset + 8);
        final int protocol = u8(frame, offset + 9);
        final int source = u32i(frame, offset + 12);
        final int destination = u32i(frame, offset + 16);
        final String route = Addresses.ipv4(source) + " > " + Addresses.ipv4(destination);
        if (fragment)
        {
            if (protocol == PROTOCOL_TCP)
            {
                return malformed("TCP in an IPv4 fragment (" + route + ", offset " + (flagsAndFragment & 0x1FFF) * 8 +
                    ((flagsAndFragment & 0x2000) != 0 ? ", more fragments" : "") + ")", frame);
            }
            return new DecodedFrame.Other("IPv4 fragment, protocol " + protocol + ", " + route);
        }
        final int payloadOffset = offset + headerLength;
        final int payloadLength = totalLength - headerLength;
        if (protocol == PROTOCOL_TCP)
        {
            return decodeTcp(frame, payloadOffset, payloadLength, identification, timeToLive, dontFragment,
                ipChecksumValid, source, destination);
        }
        if (protocol == PROTOCOL_ICMP && payloadLength >= 2)
        {
            return new DecodedFrame.Other("ICMP type " + u8(frame, payloadOffset) + " code " +
                u8(frame, payloadOffset + 1) + " " + route + icmpName(u8(frame, payloadOffset)));
        }
        if (protocol == PROTOCOL_UDP && payloadLength >= 8)
        {
            return new DecodedFrame.Other("UDP " + Addresses.ipv4(source) + ":" + u16(frame, payloadOffset) + " > " +
                Addresses.ipv4(destination) + ":" + u16(frame, payloadOffset + 2) + ", " + (payloadLength - 8) +
                " bytes");
        }
        return new DecodedFrame.Other("IPv4 protocol " + protocol + " " + route + ", " + payloadLength + " bytes");
    }

    private static DecodedFrame decodeTcp(final byte[] frame, final int offset, final int length,
        final int identification, final int timeToLive, final boolean dontFragment, final boolean ipChecksumValid,
        final int source, final int destination)
    {
        if (length < FrameEncoder.TCP_HEADER_LENGTH)
        {
            return malformed("TCP segment of " + length + " bytes is shorter than its minimum header (20)", frame);
        }
        final int dataOffset = (u8(frame, offset + 12) >>> 4) * 4;
        if (dataOffset < FrameEncoder.TCP_HEADER_LENGTH || dataOffset > length)
        {
            return malformed("TCP Data Offset of " + dataOffset + " bytes in a segment of " + length, frame);
        }
        // RFC 9293 §3.1 "Checksum": over the pseudo-header, the header and the data
        final long sum = Checksum.add(Checksum.tcpPseudoHeader(source, destination, length), frame, offset, length);
        final boolean tcpChecksumValid = Checksum.fold(sum) == 0xFFFF;
        final List<TcpOption> options = decodeOptions(frame, offset + FrameEncoder.TCP_HEADER_LENGTH,
            dataOffset - FrameEncoder.TCP_HEADER_LENGTH);
        final byte[] payload = Arrays.copyOfRange(frame, offset + dataOffset, offset + length);
        return new DecodedFrame.Tcp(new TcpSegment(u48(frame, 6), u48(frame, 0), source, destination,
            identification, timeToLive, dontFragment, u16(frame, offset), u16(frame, offset + 2),
            u32(frame, offset + 4), u32(frame, offset + 8), u8(frame, offset + 13), u16(frame, offset + 14),
            u16(frame, offset + 18), options, payload, ipChecksumValid, tcpChecksumValid));
    }

    /**
     * RFC 9293 §3.1 "Options": kinds 0 and 1 are one byte; every other kind has a length byte counting kind and
     * length. Reading stops at End of Option List (what follows is padding); from an option whose length is
     * impossible, the rest is kept as {@link TcpOption.Raw}. A known kind with an unexpected length is kept as
     * {@link TcpOption.Unknown} with its data, so the text shows it as it is.
     */
    static List<TcpOption> decodeOptions(final byte[] bytes, final int offset, final int length)
    {
        final List<TcpOption> options = new ArrayList<>();
        int i = offset;
        final int end = offset + length;
        while (i < end)
        {
            final int kind = u8(bytes, i);
            if (kind == TcpOption.KIND_END_OF_OPTION_LIST)
            {
                options.add(new TcpOption.EndOfOptionList());
                break;
            }
            if (kind == TcpOption.KIND_NO_OPERATION)
            {
                options.add(new TcpOption.NoOperation());
                i++;
                continue;
            }
            if (i + 1 >= end || u8(bytes, i + 1) < 2 || i + u8(bytes, i + 1) > end)
            {
                options.add(new TcpOption.Raw(Arrays.copyOfRange(bytes, i, end)));
                break;
            }
            final int optionLength = u8(bytes, i + 1);
            options.add(option(bytes, i, kind, optionLength));
            i += optionLength;
        }
        return options;
    }

    private static TcpOption option(final byte[] bytes, final int at, final int kind, final int length)
    {
        if (kind == TcpOption.KIND_MAXIMUM_SEGMENT_SIZE && length == 4)
        {
            return new TcpOption.MaximumSegmentSize(ScriptNumber.of(u16(bytes, at + 2)));
        }
        if (kind == TcpOption.KIND_WINDOW_SCALE && length == 3)
        {
            return new TcpOption.WindowScale(ScriptNumber.of(u8(bytes, at + 2)));
        }
        if (kind == TcpOption.KIND_SACK_PERMITTED && length == 2)
        {
            return new TcpOption.SackPermitted();
        }
        if (kind == TcpOption.KIND_SACK && length >= 10 && (length - 2) % 8 == 0)
        {
            final List<TcpOption.SackBlock> blocks = new ArrayList<>();
            for (int b = at + 2; b < at + length; b += 8)
            {
                blocks.add(new TcpOption.SackBlock(ScriptNumber.of(u32(bytes, b)), ScriptNumber.of(u32(bytes, b + 4))));
            }
            return new TcpOption.Sack(blocks);
        }
        if (kind == TcpOption.KIND_TIMESTAMPS && length == 10)
        {
            return new TcpOption.Timestamps(ScriptNumber.of(u32(bytes, at + 2)), ScriptNumber.of(u32(bytes, at + 6)));
        }
        return new TcpOption.Unknown(kind, Arrays.copyOfRange(bytes, at + 2, at + length));
    }

    private static String icmpName(final int type)
    {
        return switch (type)
        {
            case 0 -> " (echo reply)";
            case 3 -> " (destination unreachable)";
            case 8 -> " (echo request)";
            case 11 -> " (time exceeded)";
            default -> "";
        };
    }

    private static DecodedFrame malformed(final String reason, final byte[] frame)
    {
        final String hex = HexFormat.of().formatHex(frame, 0, Math.min(frame.length, MAX_HEX_BYTES));
        return new DecodedFrame.Malformed(reason, frame.length > MAX_HEX_BYTES ? hex + "..." : hex);
    }

    static int u8(final byte[] bytes, final int at)
    {
        return bytes[at] & 0xFF;
    }

    static int u16(final byte[] bytes, final int at)
    {
        return (u8(bytes, at) << 8) | u8(bytes, at + 1);
    }

    static long u32(final byte[] bytes, final int at)
    {
        return u32i(bytes, at) & 0xFFFF_FFFFL;
    }

    static int u32i(final byte[] bytes, final int at)
    {
        return (u16(bytes, at) << 16) | u16(bytes, at + 2);
    }

    static long u48(final byte[] bytes, final int at)
    {
        return ((long)u16(bytes, at) << 32) | u32(bytes, at + 2);
    }
}
