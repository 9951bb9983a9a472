package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's frame encoder and decoder against real frames from ../shared/pcaps (hex copied from
 * {@code tcpdump -xx}; tcpdump's verdict on each checksum is quoted) and against {@link ReferenceChecksum}.
 */
final class FrameCodecTest
{
    /** pcpp--one_tcp_rst.pcap #2: Linux's RST+ACK for a SYN to a closed port; "cksum 0xf79f (correct)"; padded. */
    private static final String RST_ACK =
        "00e04c68514826cae9a64df3080045000028f561400040062f5a0a0101060a01" +
        "010d4e20b0d000000000e3b5bf7550140000f79f0000000000000000";
    /** pcpp--one_tcp_rst.pcap #1: SYN captured before checksum offload: "cksum 0x1643 (incorrect -> 0x8263)". */
    private static final String SYN_UNFINISHED_CHECKSUM =
        "26cae9a64df300e04c68514808004500003c428d40004006e21a0a01010d0a01" +
        "0106b0d04e20e3b5bf7400000000a002faf016430000020405b40402080a373e" +
        "db3a000000000103030a";
    /** tcpdump--tcp-handshake-nano.pcap #2 (IPv4 part; Linux cooked capture): SYN-ACK, "cksum 0x8648 (correct)". */
    private static final String NANO_SYN_ACK_IP =
        "4500003c1c4440007506b3c48974515e839bd7450050b640b7839f902f842acc" +
        "a012200086480000020405a0010303080402080a0df5af50436a0362";
    /** tcpdump--tcp-handshake-nano.pcap #3 (IPv4 part): ACK with timestamps, "cksum 0xd40c (correct)". */
    private static final String NANO_ACK_IP =
        "4500003429aa40004006db66839bd7458974515eb64000502f842accb7839f91" +
        "801000d5d40c00000101080a436a03820df5af50";
    /** pcpp--one_http_stream_fin.pcap #2: SYN-ACK with EOL, "bad cksum 0 (->9fcb)!" in IPv4, TCP "(correct)". */
    private static final String SYN_ACK_IP_CHECKSUM_ZERO =
        "000f66aee98a0019e3e75d23080045000034b13c4000ee0600004d432ccec0a8" +
        "01020050c14e91f74ad8eed856958012102c4095000002040564010303000402" +
        "0000";
    /** pcpp--one_http_stream_fin.pcap #4: 367 bytes of HTTP request, "cksum 0xd5ff (correct)", 4 bytes of FCS. */
    private static final String HTTP_GET =
        "0019e3e75d23000f66aee98a080045000197548740008006691ec0a801024d432ccec14e0050eed8569591f74ad95018" +
        "0102d5ff0000474554202f736f6674772f39302f7570646174652f61766739696e666f6176692e63746620485454502f" +
        "312e310d0a557365722d4167656e743a20415647494e4554392d57565358583836203930204156493d3237302e31342e" +
        "36322f32343939204255494c443d373037204c4f433d31303333204c49433d39492d4153584e4e2d58345747572d4d30" +
        "5846522d54383456582d335658303220444941473d353145204f50463d30205043413d0d0a486f73743a206261636b75" +
        "702e6176672e637a0d0a4163636570743a202a2f2a0d0a4163636570742d456e636f64696e673a206964656e74697479" +
        "2c6465666c6174652c677a69700d0a49662d4d6f6469666965642d53696e63653a205468752c203132204e6f76203230" +
        "30392031363a32333a353720474d540d0a507261676d613a206e6f2d63616368650d0a43616368652d436f6e74726f6c" +
        "3a206e6f2d63616368650d0a782d6176672d69643a37382d3137353935303236380d0a0d0aab983b1d";

    private static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    /** An Ethernet header (any addresses) in front of an IPv4 packet from a cooked capture. */
    private static byte[] withEthernet(final byte[] ip)
    {
        final byte[] frame = new byte[14 + ip.length];
        System.arraycopy(hex("0000020000000004020000000800"), 0, frame, 0, 14);
        System.arraycopy(ip, 0, frame, 14, ip.length);
        return frame;
    }

    private static TcpSegment decodeTcp(final byte[] frame)
    {
        return assertInstanceOf(DecodedFrame.Tcp.class, FrameDecoder.decode(frame)).segment();
    }

    @Test
    void decodesLinuxRstAckAndWritesTheSameBytes()
    {
        final byte[] frame = hex(RST_ACK);
        final TcpSegment segment = decodeTcp(frame);
        assertEquals(Addresses.mac("26:ca:e9:a6:4d:f3"), segment.sourceMac());
        assertEquals(Addresses.mac("00:e0:4c:68:51:48"), segment.destinationMac());
        assertEquals(Addresses.ipv4("10.1.1.6"), segment.sourceAddress());
        assertEquals(Addresses.ipv4("10.1.1.13"), segment.destinationAddress());
        assertEquals(62817, segment.identification());
        assertEquals(64, segment.timeToLive());
        assertTrue(segment.dontFragment());
        assertEquals(20000, segment.sourcePort());
        assertEquals(45264, segment.destinationPort());
        assertEquals(0, segment.sequenceNumber());
        assertEquals(3820339061L, segment.acknowledgmentNumber());
        assertEquals(TcpFlags.RST | TcpFlags.ACK, segment.flags());
        assertEquals("R.", TcpFlags.text(segment.flags()));
        assertEquals(0, segment.window());
        assertEquals(List.of(), segment.options());
        assertEquals(0, segment.payloadLength());
        assertTrue(segment.ipChecksumValid());
        assertTrue(segment.tcpChecksumValid());
        assertArrayEquals(frame, FrameEncoder.encode(segment, true), "re-encoded with padding to 60 bytes");
        assertEquals(54, FrameEncoder.encode(segment, false).length);
    }

    @Test
    void reportsAnUnfinishedTcpChecksumAndComputesTheOneTcpdumpWants()
    {
        final byte[] frame = hex(SYN_UNFINISHED_CHECKSUM);
        final TcpSegment segment = decodeTcp(frame);
        assertTrue(segment.ipChecksumValid());
        assertFalse(segment.tcpChecksumValid());
        assertEquals(List.of(new TcpOption.MaximumSegmentSize(ScriptNumber.of(1460)), new TcpOption.SackPermitted(),
            new TcpOption.Timestamps(ScriptNumber.of(926866234), ScriptNumber.of(0)), new TcpOption.NoOperation(),
            new TcpOption.WindowScale(ScriptNumber.of(10))), segment.options());
        assertEquals(0x8263, ReferenceChecksum.tcpChecksum(frame, 14), "tcpdump: incorrect -> 0x8263");

        final TcpSegment fixed = withChecksums(segment, true, true);
        final byte[] encoded = FrameEncoder.encode(fixed, false);
        assertEquals(0x82, encoded[50] & 0xFF);
        assertEquals(0x63, encoded[51] & 0xFF);
        final byte[] expected = frame.clone();
        expected[50] = (byte)0x82;
        expected[51] = (byte)0x63;
        assertArrayEquals(expected, encoded);
    }

    @Test
    void writesLinuxAndWindowsHandshakeSegmentsByteForByte()
    {
        for (final String ip : List.of(NANO_SYN_ACK_IP, NANO_ACK_IP))
        {
            final byte[] frame = withEthernet(hex(ip));
            final TcpSegment segment = decodeTcp(frame);
            assertTrue(segment.ipChecksumValid() && segment.tcpChecksumValid(), ip);
            assertArrayEquals(frame, FrameEncoder.encode(segment, false), ip);
        }
        final TcpSegment synAck = decodeTcp(withEthernet(hex(NANO_SYN_ACK_IP)));
        assertEquals("mss 1440,nop,wscale 8,sackOK,TS val 234205008 ecr 1131021154",
            SegmentFormatter.options(synAck.options()));
        assertEquals(117, synAck.timeToLive());
        assertEquals(3078856592L, synAck.sequenceNumber());
        assertEquals(797190860L, synAck.acknowledgmentNumber());
        assertEquals(8192, synAck.window());
    }

    @Test
    void reportsABadIpChecksumAndKeepsAnEndOfOptionList()
    {
        final byte[] frame = hex(SYN_ACK_IP_CHECKSUM_ZERO);
        final TcpSegment segment = decodeTcp(frame);
        assertFalse(segment.ipChecksumValid(), "tcpdump: bad cksum 0 (->9fcb)");
        assertTrue(segment.tcpChecksumValid());
        assertEquals("mss 1380,nop,wscale 0,sackOK,eol", SegmentFormatter.options(segment.options()));
        final byte[] right = FrameEncoder.encode(withChecksums(segment, true, true), false);
        assertEquals(0x9fcb, ((right[24] & 0xFF) << 8) | (right[25] & 0xFF), "the checksum tcpdump computed");
        assertTrue(ReferenceChecksum.ipv4HeaderVerifies(right, 14));
        final byte[] expected = frame.clone();
        expected[24] = (byte)0x9f;
        expected[25] = (byte)0xcb;
        assertArrayEquals(expected, right);
    }

    @Test
    void readsOddLengthPayloadUpToTheIpTotalLengthAndWritesItBack()
    {
        final byte[] frame = hex(HTTP_GET);
        final TcpSegment segment = decodeTcp(frame);
        assertEquals(367, segment.payloadLength(), "the 4 trailing bytes (FCS) are not payload");
        assertTrue(segment.tcpChecksumValid());
        assertTrue(new String(segment.payload(), java.nio.charset.StandardCharsets.US_ASCII)
            .startsWith("GET /softw/90/update/avg9infoavi.ctf HTTP/1.1\r\n"));
        assertEquals(TcpFlags.PSH | TcpFlags.ACK, segment.flags());
        assertArrayEquals(Arrays.copyOf(frame, frame.length - 4), FrameEncoder.encode(segment, true));
    }

    /**
     * Seeded random segments: the encoder's checksums verify with the reference implementation, decoding gives the
     * segment back, and each corruption flag breaks exactly its own checksum.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 0x5EED_CAFEL, 42})
    void randomSegmentsVerifyIndependentlyAndRoundTrip(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++)
        {
            final TcpSegment segment = randomSegment(random);
            final String context = "seed " + seed + " #" + i + ": " + segment;
            final byte[] frame = FrameEncoder.encode(segment, random.nextBoolean());
            assertEquals(segment.ipChecksumValid(), ReferenceChecksum.ipv4HeaderVerifies(frame, 14), context);
            assertEquals(segment.tcpChecksumValid(), ReferenceChecksum.tcpVerifies(frame, 14), context);
            assertEquals(segment, decodeTcp(frame), context);
            final TestFrames.Parsed parsed = TestFrames.parse(frame);
            assertEquals(segment.sequenceNumber(), parsed.seq(), context);
            assertEquals(segment.acknowledgmentNumber(), parsed.ack(), context);
            assertArrayEquals(segment.payload(), parsed.payload(), context);
        }
    }

    @Test
    void corruptingAChecksumNeverYieldsAnEquivalentValue()
    {
        for (int correct = 0; correct <= 0xFFFF; correct++)
        {
            final int bad = Checksum.corrupt(correct);
            assertNotEquals(correct, bad);
            // 0x0000 and 0xFFFF are the same one's-complement number: a corruption must not swap them
            assertFalse((correct == 0xFFFF && bad == 0) || (correct == 0 && bad == 0xFFFF), "correct " + correct);
        }
    }

    @Test
    void decodesFramesTheStackBuiltWithoutTheRunner()
    {
        final byte[] frame = TestFrames.fromStack().flags(TcpFlags.SYN | TcpFlags.ACK).seq(0xFFFF_FFF0L).ack(1)
            .window(1234).options("020405b4010303070402080a000000640000000a").payload(new byte[]{1, 2, 3}).frame();
        final TcpSegment segment = decodeTcp(frame);
        assertEquals(0xFFFF_FFF0L, segment.sequenceNumber());
        assertEquals(1, segment.acknowledgmentNumber());
        assertEquals(1234, segment.window());
        assertEquals("mss 1460,nop,wscale 7,sackOK,TS val 100 ecr 10", SegmentFormatter.options(segment.options()));
        assertArrayEquals(new byte[]{1, 2, 3}, segment.payload());
        assertTrue(segment.ipChecksumValid() && segment.tcpChecksumValid());
        assertFalse(decodeTcp(TestFrames.fromStack().corruptTcp().frame()).tcpChecksumValid());
        assertFalse(decodeTcp(TestFrames.fromStack().corruptIp().frame()).ipChecksumValid());
    }

    @Test
    void decodesOptionsThatAreUnknownOrBroken()
    {
        assertEquals("opt 253 0102,nop", SegmentFormatter.options(options("fd040102 01")));
        assertEquals("mss 1460,raw 0209ff", SegmentFormatter.options(options("020405b4 0209ff")),
            "a length beyond the options");
        assertEquals("raw 0201", SegmentFormatter.options(options("0201")), "a length below 2");
        assertEquals("raw 02", SegmentFormatter.options(options("02")), "no length byte");
        assertEquals("opt 2 05b400", SegmentFormatter.options(options("020505b400")), "MSS of the wrong length");
        assertEquals("sack 1:2 3:4", SegmentFormatter.options(options("0512 00000001 00000002 00000003 00000004")));
        assertEquals("nop,eol", SegmentFormatter.options(options("0100 0204 05b4")), "nothing after EOL is read");
    }

    private static List<TcpOption> options(final String hex)
    {
        final byte[] bytes = hex(hex);
        return FrameDecoder.decodeOptions(bytes, 0, bytes.length);
    }

    @Test
    void optionsAreWrittenAsGivenAndPaddedWithZeros()
    {
        final List<TcpOption> options = List.of(new TcpOption.MaximumSegmentSize(ScriptNumber.of(1460)),
            new TcpOption.SackPermitted(), new TcpOption.Sack(List.of(new TcpOption.SackBlock(ScriptNumber.of(1),
                ScriptNumber.of(0xFFFF_FFFFL)))), new TcpOption.Unknown(253, new byte[]{9, 10}), new TcpOption.Raw(
                    new byte[]{(byte)0xAB}));
        assertEquals("020405b4" + "0402" + "050a00000001ffffffff" + "fd04090a" + "ab" + "000000",
            HexFormat.of().formatHex(FrameEncoder.encodeOptions(options)));
    }

    /** Every truncation and several broken lengths of a good frame decode to something; nothing throws. */
    @Test
    void brokenFramesAreMalformedNotExceptions()
    {
        final byte[] good = hex(HTTP_GET);
        for (int length = 0; length < good.length; length++)
        {
            final DecodedFrame decoded = FrameDecoder.decode(Arrays.copyOf(good, length));
            if (length < 14 + 407)
            {
                assertInstanceOf(DecodedFrame.Malformed.class, decoded, "truncated to " + length);
            }
        }
        assertMalformed(set(good, 14, 0x44), "IHL of 16 bytes");
        assertMalformed(set(good, 14, 0x65), "IP version 6");
        assertMalformed(set(good, 16, 0x02), "Total Length");
        assertMalformed(set(good, 14 + 20 + 12, 0x40), "Data Offset of 16 bytes");
        assertMalformed(set(hex(RST_ACK), 14 + 20 + 12, 0x60), "Data Offset of 24 bytes in a segment of 20");
        assertMalformed(set(set(good, 16, 0), 17, 38), "shorter than its minimum header");
        assertMalformed(set(good, 20, 0x20), "TCP in an IPv4 fragment");
    }

    private static void assertMalformed(final byte[] frame, final String reason)
    {
        final DecodedFrame decoded = FrameDecoder.decode(frame);
        final DecodedFrame.Malformed malformed = assertInstanceOf(DecodedFrame.Malformed.class, decoded);
        assertTrue(malformed.reason().contains(reason), malformed.reason());
    }

    private static byte[] set(final byte[] frame, final int at, final int value)
    {
        final byte[] copy = frame.clone();
        copy[at] = (byte)value;
        return copy;
    }

    @Test
    void arpRepliesAndOtherFrames()
    {
        final byte[] reply = FrameEncoder.arpReply(0x02_00_00_00_00_02L, Addresses.ipv4("198.18.0.2"),
            0x02_00_00_00_00_01L, Addresses.ipv4("198.18.0.1"));
        assertEquals(60, reply.length);
        final DecodedFrame.Arp arp = assertInstanceOf(DecodedFrame.Arp.class, FrameDecoder.decode(reply));
        assertEquals(DecodedFrame.Arp.REPLY, arp.operation());
        assertEquals("ARP reply 198.18.0.2 is-at 02:00:00:00:00:02", arp.describe());
        assertEquals("ARP request who-has 198.18.0.1 tell 198.18.0.2 (02:00:00:00:00:02)",
            FrameDecoder.decode(set(reply, 21, 1)).describe());
        // RFC 826 fields at their offsets: op, sha, spa, tha, tpa
        assertEquals("0002" + "020000000002" + "c6120002" + "020000000001" + "c6120001",
            HexFormat.of().formatHex(reply, 20, 42));
        assertEquals("IPv6 frame, 60 bytes", FrameDecoder.decode(set(set(reply, 12, 0x86), 13, 0xdd)).describe());
        final byte[] icmp = set(hex(RST_ACK), 23, 1);
        assertTrue(FrameDecoder.decode(icmp).describe().startsWith("ICMP type 78 code 32 10.1.1.6 > 10.1.1.13"),
            FrameDecoder.decode(icmp).describe());
    }

    private static TcpSegment withChecksums(final TcpSegment s, final boolean ip, final boolean tcp)
    {
        return new TcpSegment(s.sourceMac(), s.destinationMac(), s.sourceAddress(), s.destinationAddress(),
            s.identification(), s.timeToLive(), s.dontFragment(), s.sourcePort(), s.destinationPort(),
            s.sequenceNumber(), s.acknowledgmentNumber(), s.flags(), s.window(), s.urgentPointer(), s.options(),
            s.payload(), ip, tcp);
    }

    private static TcpSegment randomSegment(final SplittableRandom random)
    {
        final List<TcpOption> options = new ArrayList<>();
        int room = 40;
        while (random.nextInt(3) != 0)
        {
            final TcpOption option = switch (random.nextInt(6))
            {
                case 0 -> new TcpOption.MaximumSegmentSize(ScriptNumber.of(random.nextInt(65536)));
                case 1 -> new TcpOption.WindowScale(ScriptNumber.of(random.nextInt(256)));
                case 2 -> new TcpOption.SackPermitted();
                case 3 -> new TcpOption.Timestamps(ScriptNumber.of(random.nextLong(1L << 32)),
                    ScriptNumber.of(random.nextLong(1L << 32)));
                case 4 -> new TcpOption.Sack(List.of(new TcpOption.SackBlock(ScriptNumber.of(random.nextLong(1L << 32)),
                    ScriptNumber.of(random.nextLong(1L << 32)))));
                default -> new TcpOption.NoOperation();
            };
            if (option.encodedLength() > room - 3)
            {
                break;
            }
            room -= option.encodedLength();
            options.add(option);
        }
        // the decoder reads zero padding as EOL: end a list that needs padding with EOL, as it reads back
        final int used = options.stream().mapToInt(TcpOption::encodedLength).sum();
        if (used % 4 != 0)
        {
            options.add(new TcpOption.EndOfOptionList());
        }
        final byte[] payload = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(1, 1500)];
        random.nextBytes(payload);
        return new TcpSegment(random.nextLong(1L << 48), random.nextLong(1L << 48), random.nextInt(),
            random.nextInt(), random.nextInt(65536), random.nextInt(1, 256), random.nextBoolean(),
            random.nextInt(65536), random.nextInt(65536), random.nextLong(1L << 32), random.nextLong(1L << 32),
            random.nextInt(256), random.nextInt(65536), random.nextInt(65536), options, payload,
            random.nextInt(5) != 0, random.nextInt(5) != 0);
    }
}
