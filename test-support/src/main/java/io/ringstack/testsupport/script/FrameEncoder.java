package io.ringstack.testsupport.script;

import java.util.List;

/**
 * Writes Ethernet frames for the peer: a TCP segment in IPv4 (with both checksums right, or deliberately wrong),
 * and ARP replies. {@link FrameDecoder} reads the same layouts.
 * <pre>
 * Ethernet II (RFC 894)
 *   0        6        12     14
 *   +--------+--------+------+------------------ ... --+
 *   |  dst   |  src   | type |  payload (padded to 46) |
 *   +--------+--------+------+------------------ ... --+
 *
 * IPv4 header (RFC 791 §3.1), written without options: IHL 5, DF set
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * TCP header (RFC 9293 §3.1)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           [Options]                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Options are written in the order given and padded with zero bytes to a multiple of four (RFC 9293 §3.1
 * "Options": the header padding is zeros); at most 40 bytes.
 */
public final class FrameEncoder
{
    static final int ETHERNET_HEADER_LENGTH = 14;
    static final int IPV4_HEADER_LENGTH = 20;
    static final int TCP_HEADER_LENGTH = 20;
    static final int MAX_OPTIONS_LENGTH = 40;
    /** Frames without FCS are at least 60 bytes on a wire (IEEE 802.3 minimum 64 including the FCS). */
    static final int MIN_FRAME_LENGTH = 60;

    private FrameEncoder()
    {
    }

    /**
     * The frame for {@code segment}; checksums are right unless the segment says they are not valid. With
     * {@code padToMinimum} a short frame gets zero padding to 60 bytes, as a NIC would add it.
     */
    public static byte[] encode(final TcpSegment segment, final boolean padToMinimum)
    {
        final byte[] options = encodeOptions(segment.options());
        final byte[] payload = segment.payload();
        final int tcpLength = TCP_HEADER_LENGTH + options.length + payload.length;
        final int totalLength = IPV4_HEADER_LENGTH + tcpLength;
        if (totalLength > 0xFFFF)
        {
            throw new IllegalArgumentException("IPv4 packet of " + totalLength + " bytes exceeds 65535");
        }
        final int frameLength = ETHERNET_HEADER_LENGTH + totalLength;
        final byte[] frame = new byte[padToMinimum ? Math.max(frameLength, MIN_FRAME_LENGTH) : frameLength];

        putU48(frame, 0, segment.destinationMac());
        putU48(frame, 6, segment.sourceMac());
        putU16(frame, 12, FrameDecoder.ETHER_TYPE_IPV4);

        final int ip = ETHERNET_HEADER_LENGTH;
        frame[ip] = 0x45;
        putU16(frame, ip + 2, totalLength);
        putU16(frame, ip + 4, segment.identification());
        putU16(frame, ip + 6, segment.dontFragment() ? 0x4000 : 0);
        frame[ip + 8] = (byte)segment.timeToLive();
        frame[ip + 9] = FrameDecoder.PROTOCOL_TCP;
        putU32(frame, ip + 12, segment.sourceAddress());
        putU32(frame, ip + 16, segment.destinationAddress());
        final int ipChecksum = Checksum.finish(Checksum.add(0, frame, ip, IPV4_HEADER_LENGTH));
        putU16(frame, ip + 10, segment.ipChecksumValid() ? ipChecksum : Checksum.corrupt(ipChecksum));

        final int tcp = ip + IPV4_HEADER_LENGTH;
        putU16(frame, tcp, segment.sourcePort());
        putU16(frame, tcp + 2, segment.destinationPort());
        putU32(frame, tcp + 4, (int)segment.sequenceNumber());
        putU32(frame, tcp + 8, (int)segment.acknowledgmentNumber());
        frame[tcp + 12] = (byte)(((TCP_HEADER_LENGTH + options.length) / 4) << 4);
        frame[tcp + 13] = (byte)segment.flags();
        putU16(frame, tcp + 14, segment.window());
        putU16(frame, tcp + 18, segment.urgentPointer());
        System.arraycopy(options, 0, frame, tcp + TCP_HEADER_LENGTH, options.length);
        System.arraycopy(payload, 0, frame, tcp + TCP_HEADER_LENGTH + options.length, payload.length);
        final long sum = Checksum.add(Checksum.tcpPseudoHeader(segment.sourceAddress(), segment.destinationAddress(),
            tcpLength), frame, tcp, tcpLength);
        final int tcpChecksum = Checksum.finish(sum);
        putU16(frame, tcp + 16, segment.tcpChecksumValid() ? tcpChecksum : Checksum.corrupt(tcpChecksum));
        return frame;
    }

    /** An ARP reply (RFC 826) from {@code sender} to {@code target}, padded to 60 bytes. */
    public static byte[] arpReply(final long senderMac, final int senderAddress, final long targetMac,
        final int targetAddress)
    {
        final byte[] frame = new byte[MIN_FRAME_LENGTH];
        putU48(frame, 0, targetMac);
        putU48(frame, 6, senderMac);
        putU16(frame, 12, FrameDecoder.ETHER_TYPE_ARP);
        final int arp = ETHERNET_HEADER_LENGTH;
        putU16(frame, arp, 1);
        putU16(frame, arp + 2, FrameDecoder.ETHER_TYPE_IPV4);
        frame[arp + 4] = 6;
        frame[arp + 5] = 4;
        putU16(frame, arp + 6, DecodedFrame.Arp.REPLY);
        putU48(frame, arp + 8, senderMac);
        putU32(frame, arp + 14, senderAddress);
        putU48(frame, arp + 18, targetMac);
        putU32(frame, arp + 24, targetAddress);
        return frame;
    }

    /** The options' bytes padded to a multiple of 4; throws when a value is {@code *} or they exceed 40 bytes. */
    static byte[] encodeOptions(final List<TcpOption> options)
    {
        final int length = paddedLength(options);
        if (length > MAX_OPTIONS_LENGTH)
        {
            throw new IllegalArgumentException("TCP options of " + length + " bytes exceed 40: " + options);
        }
        final byte[] bytes = new byte[length];
        int at = 0;
        for (final TcpOption option : options)
        {
            at = encodeOption(option, bytes, at);
        }
        return bytes;
    }

    /** Bytes the options take with padding to a multiple of 4. */
    static int paddedLength(final List<TcpOption> options)
    {
        int length = 0;
        for (final TcpOption option : options)
        {
            length += option.encodedLength();
        }
        return (length + 3) & ~3;
    }

    private static int encodeOption(final TcpOption option, final byte[] bytes, final int at)
    {
        switch (option)
        {
            case TcpOption.EndOfOptionList eol ->
            {
                bytes[at] = TcpOption.KIND_END_OF_OPTION_LIST;
            }
            case TcpOption.NoOperation nop ->
            {
                bytes[at] = TcpOption.KIND_NO_OPERATION;
            }
            case TcpOption.MaximumSegmentSize mss ->
            {
                header(bytes, at, TcpOption.KIND_MAXIMUM_SEGMENT_SIZE, 4);
                putU16(bytes, at + 2, (int)concrete(mss.value(), option));
            }
            case TcpOption.WindowScale scale ->
            {
                header(bytes, at, TcpOption.KIND_WINDOW_SCALE, 3);
                bytes[at + 2] = (byte)concrete(scale.shift(), option);
            }
            case TcpOption.SackPermitted permitted -> header(bytes, at, TcpOption.KIND_SACK_PERMITTED, 2);
            case TcpOption.Sack sack ->
            {
                header(bytes, at, TcpOption.KIND_SACK, option.encodedLength());
                int b = at + 2;
                for (final TcpOption.SackBlock block : sack.blocks())
                {
                    putU32(bytes, b, (int)concrete(block.left(), option));
                    putU32(bytes, b + 4, (int)concrete(block.right(), option));
                    b += 8;
                }
            }
            case TcpOption.Timestamps timestamps ->
            {
                header(bytes, at, TcpOption.KIND_TIMESTAMPS, 10);
                putU32(bytes, at + 2, (int)concrete(timestamps.value(), option));
                putU32(bytes, at + 6, (int)concrete(timestamps.echoReply(), option));
            }
            case TcpOption.Unknown unknown ->
            {
                header(bytes, at, unknown.kind(), option.encodedLength());
                final byte[] data = unknown.data();
                System.arraycopy(data, 0, bytes, at + 2, data.length);
            }
            case TcpOption.Raw raw ->
            {
                final byte[] data = raw.bytes();
                System.arraycopy(data, 0, bytes, at, data.length);
            }
        }
        return at + option.encodedLength();
    }

    private static void header(final byte[] bytes, final int at, final int kind, final int length)
    {
        bytes[at] = (byte)kind;
        bytes[at + 1] = (byte)length;
    }

    private static long concrete(final ScriptNumber number, final TcpOption option)
    {
        if (number.any())
        {
            throw new IllegalArgumentException("cannot write option '" + option + "': * is only for expected segments");
        }
        return number.value();
    }

    static void putU16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte)(value >>> 8);
        bytes[at + 1] = (byte)value;
    }

    static void putU32(final byte[] bytes, final int at, final int value)
    {
        putU16(bytes, at, value >>> 16);
        putU16(bytes, at + 2, value);
    }

    static void putU48(final byte[] bytes, final int at, final long value)
    {
        putU16(bytes, at, (int)(value >>> 32));
        putU32(bytes, at + 2, (int)value);
    }
}
