package io.ringstack.nic.linux;

import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.ChecksumReference;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.ringstack.nic.wire.ChecksumReference.transportChecksumValid;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link TcpSegmentation} over crafted segmentation-offload packets (what a veth peer's TSO hands a packet socket):
 * the frames, fed to an emulated NIC one by one as a packet socket port feeds them, reassemble to the packet's
 * payload; every header field is what Linux's tcp_gso_segment would write (lengths, IDs, sequence numbers, FIN and
 * PSH last, CWR first, everything else copied); the checksums the NIC inserts (RXCSUM off) pass a byte-at-a-time
 * RFC 1071 reference, and with RXCSUM on the NIC vouches for each; 802.1Q tags from metadata or in the frame; odd
 * sizes; malformed packets dropped and counted by reason; no allocation.
 */
class TcpSegmentationTest
{
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final long MAC = 0x5254_0000_00E1L;
    private static final long PEER = 0x5254_0000_00E2L;
    private static final int SOURCE_IP = 0x0A00_0001;
    private static final int DESTINATION_IP = 0x0A00_0002;
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;
    private static final int ACK = 0x10;
    private static final int URG = 0x20;
    private static final int ECE = 0x40;
    private static final int CWR = 0x80;
    private static final int TPID = 0x8100;

    private Arena arena;
    private MemorySegment packetMemory;

    @BeforeEach
    void allocate()
    {
        arena = Arena.ofConfined();
        packetMemory = arena.allocate(70_000, 64);
    }

    @AfterEach
    void free()
    {
        arena.close();
    }

    /** How the packet carries its 802.1Q tag: none, in the kernel's metadata (put back into each frame), in it. */
    enum Tag
    {
        NONE, METADATA, IN_FRAME
    }

    /** A crafted packet and what went into it. */
    record Packet(byte[] bytes, Tag tag, int tci, int ipOptions, int tcpOptions, int identification, int sequence,
        int flags, byte[] payload)
    {
        int linkHeader()
        {
            return tag == Tag.IN_FRAME ? 18 : 14;
        }

        int ipHeader()
        {
            return 20 + ipOptions;
        }

        int tcpHeader()
        {
            return 20 + tcpOptions;
        }
    }

    /**
     * Ethernet (a tag in it if asked), IPv4 (DF, {@code ipOptions} bytes of options) and TCP ({@code tcpOptions}
     * bytes of options) around {@code payload}; the TCP checksum field holds the pseudo-header's sum as Linux leaves
     * it (CHECKSUM_PARTIAL) or, with {@code complete}, the whole checksum.
     */
    static Packet packet(final byte[] payload, final Tag tag, final int tci, final int ipOptions, final int tcpOptions,
        final int identification, final int sequence, final int flags, final boolean complete)
    {
        final int link = tag == Tag.IN_FRAME ? 18 : 14;
        final int ihl = 20 + ipOptions;
        final int doff = 20 + tcpOptions;
        final byte[] frame = new byte[link + ihl + doff + payload.length];
        final UnsafeBuffer view = new UnsafeBuffer(frame);
        putMac(view, 0, MAC);
        putMac(view, 6, PEER);
        if (tag == Tag.IN_FRAME)
        {
            view.putShort(12, (short)TPID, NETWORK);
            view.putShort(14, (short)tci, NETWORK);
        }
        view.putShort(link - 2, (short)0x0800, NETWORK);
        final int ip = link;
        view.putByte(ip, (byte)(0x40 | ihl / 4));
        view.putByte(ip + 1, (byte)0x02); // ECT(0)
        view.putShort(ip + 2, (short)(ihl + doff + payload.length), NETWORK);
        view.putShort(ip + 4, (short)identification, NETWORK);
        view.putShort(ip + 6, (short)0x4000, NETWORK); // DF
        view.putByte(ip + 8, (byte)64);
        view.putByte(ip + 9, (byte)6);
        view.putInt(ip + 12, SOURCE_IP, NETWORK);
        view.putInt(ip + 16, DESTINATION_IP, NETWORK);
        for (int i = 0; i < ipOptions; i++)
        {
            view.putByte(ip + 20 + i, (byte)(i == ipOptions - 1 ? 0 : 1)); // NOPs, then End of Option List
        }
        view.putShort(ip + 10, (short)(~ChecksumReference.sum(frame, ip, ihl) & 0xFFFF), NETWORK);
        final int tcp = ip + ihl;
        view.putShort(tcp, (short)40_000, NETWORK);
        view.putShort(tcp + 2, (short)5001, NETWORK);
        view.putInt(tcp + 4, sequence, NETWORK);
        view.putInt(tcp + 8, 0x1234_5678, NETWORK);
        view.putByte(tcp + 12, (byte)(doff / 4 << 4));
        view.putByte(tcp + 13, (byte)flags);
        view.putShort(tcp + 14, (short)0xFA5B, NETWORK);
        view.putShort(tcp + 18, (short)0x0102, NETWORK); // urgent pointer
        for (int i = 0; i < tcpOptions; i++)
        {
            view.putByte(tcp + 20 + i, (byte)(i % 4 == 3 ? 0 : 1));
        }
        view.putBytes(tcp + doff, payload);
        final int tcpLength = doff + payload.length;
        final int pseudo = ChecksumReference.fold(ChecksumReference.sum(frame, ip + 12, 8) + 6L + tcpLength);
        if (complete)
        {
            final int sum = ChecksumReference.fold(pseudo + (long)ChecksumReference.sum(frame, tcp, tcpLength));
            view.putShort(tcp + 16, (short)(~sum & 0xFFFF), NETWORK);
        }
        else
        {
            view.putShort(tcp + 16, (short)pseudo, NETWORK);
        }
        return new Packet(frame, tag, tci, ipOptions, tcpOptions, identification, sequence, flags, payload);
    }

    private static void putMac(final UnsafeBuffer view, final int offset, final long mac)
    {
        view.putShort(offset, (short)(mac >>> 32), NETWORK);
        view.putInt(offset + 2, (int)mac, NETWORK);
    }

    /** The device's view of the segmentation: one frame per read, each flagged as a packet socket flags it. */
    private static final class SegmentSource implements FrameSource
    {
        private final TcpSegmentation segmentation;

        SegmentSource(final TcpSegmentation segmentation)
        {
            this.segmentation = segmentation;
        }

        @Override
        public int read(final long address, final int capacity)
        {
            return segmentation.hasNext() ? segmentation.next(address, capacity) : 0;
        }

        @Override
        public int frameFlags()
        {
            return CHECKSUM_PARTIAL;
        }
    }

    private record Received(byte[] frame, boolean ipVerified, boolean transportVerified)
    {
    }

    private static EmulatedNic nic(final boolean offload)
    {
        final EmulatedNic nic = EmulatedNic.builder("gso", MAC).rings(256, 16).buffers(512).bufferSize(16384)
            .strict(true).checksumOffload(offload).build();
        nic.device().attachWire((b, o, l) -> { });
        return nic.start();
    }

    /** Cuts the packet (copied into native memory) and feeds every frame to the NIC; returns what the driver got. */
    private List<Received> cut(final EmulatedNic nic, final TcpSegmentation segmentation, final Packet packet,
        final int flags)
    {
        MemorySegment.copy(packet.bytes, 0, packetMemory, JAVA_BYTE, 0,
            packet.bytes.length);
        final boolean metadata = packet.tag == Tag.METADATA;
        assertTrue(segmentation.begin(packetMemory.address(), packet.bytes.length, metadata ? TPID : 0,
            metadata ? packet.tci : 0, flags), "taken");
        final SegmentSource source = new SegmentSource(segmentation);
        final List<Received> frames = new ArrayList<>();
        final PacketBufferPool pool = nic.pool();
        while (segmentation.hasNext())
        {
            final int length = nic.device().receiveFrom(source);
            assertTrue(length > 0);
            assertEquals(1, nic.driver().receive((handle, memory, offset, frameLength) ->
            {
                final byte[] copy = new byte[frameLength];
                memory.getBytes(offset, copy);
                frames.add(new Received(copy, pool.ipChecksumVerified(handle), pool.transportChecksumVerified(handle)));
                pool.release(handle);
            }, 4), "frame " + frames.size() + " (" + length + " B) was taken by the NIC: " + nic.device());
        }
        return frames;
    }

    /** Every frame against the packet it was cut from; returns the payload they carry, in order. */
    private static byte[] check(final Packet packet, final List<Received> frames, final int maxFrameLength,
        final boolean offload, final String what)
    {
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        final int mss = maxFrameLength - 14 - packet.ipHeader() - packet.tcpHeader();
        final int expectedFrames = Math.max(1, (packet.payload.length + mss - 1) / mss);
        assertEquals(expectedFrames, frames.size(), what + ": frames of at most " + mss + " payload bytes");
        final byte[] original = packet.bytes;
        final int originalIp = packet.linkHeader();
        final int originalTcp = originalIp + packet.ipHeader();
        int sent = 0;
        for (int i = 0; i < frames.size(); i++)
        {
            final String where = what + ", frame " + i + " of " + frames.size();
            final byte[] frame = frames.get(i).frame;
            final UnsafeBuffer view = new UnsafeBuffer(frame);
            final boolean tagged = packet.tag != Tag.NONE;
            final int ip = tagged ? 18 : 14;
            final int tcp = ip + packet.ipHeader();
            final int data = tcp + packet.tcpHeader();
            final int chunk = frame.length - data;
            final boolean first = i == 0;
            final boolean last = i == frames.size() - 1;
            assertTrue(frame.length <= maxFrameLength + (tagged ? 4 : 0), where + ": " + frame.length + " B");
            assertEquals(last ? packet.payload.length - sent : mss, chunk, where + ": payload bytes");

            assertArrayEquals(Arrays.copyOfRange(original, 0, 12), Arrays.copyOfRange(frame, 0, 12), where +
                ": addresses");
            if (tagged)
            {
                assertEquals(TPID, view.getShort(12, NETWORK) & 0xFFFF, where + ": 802.1Q TPID");
                assertEquals(packet.tci, view.getShort(14, NETWORK) & 0xFFFF, where + ": TCI");
            }
            assertEquals(0x0800, view.getShort(ip - 2, NETWORK) & 0xFFFF, where + ": EtherType");

            // IPv4: as the packet's, but the total length, the identification and the header checksum
            assertEquals(original[originalIp] & 0xFF, frame[ip] & 0xFF, where + ": version, IHL");
            assertEquals(original[originalIp + 1], frame[ip + 1], where + ": DS field, ECN");
            assertEquals(packet.ipHeader() + packet.tcpHeader() + chunk, view.getShort(ip + 2, NETWORK) & 0xFFFF,
                where + ": total length");
            assertEquals((packet.identification + i) & 0xFFFF, view.getShort(ip + 4, NETWORK) & 0xFFFF,
                where + ": identification, one more per frame");
            assertArrayEquals(Arrays.copyOfRange(original, originalIp + 6, originalIp + 10),
                Arrays.copyOfRange(frame, ip + 6, ip + 10), where + ": flags (DF), fragment offset, TTL, protocol");
            assertArrayEquals(Arrays.copyOfRange(original, originalIp + 12, originalTcp),
                Arrays.copyOfRange(frame, ip + 12, tcp), where + ": addresses and options");
            assertEquals(0xFFFF, ChecksumReference.sum(frame, ip, packet.ipHeader()), where + ": header checksum");

            // TCP: as the packet's, but the sequence number, FIN/PSH/CWR and the checksum
            assertArrayEquals(Arrays.copyOfRange(original, originalTcp, originalTcp + 4),
                Arrays.copyOfRange(frame, tcp, tcp + 4), where + ": ports");
            assertEquals(packet.sequence + sent, view.getInt(tcp + 4, NETWORK), where + ": sequence number");
            assertArrayEquals(Arrays.copyOfRange(original, originalTcp + 8, originalTcp + 13),
                Arrays.copyOfRange(frame, tcp + 8, tcp + 13), where + ": acknowledgment, data offset");
            final int flags = frame[tcp + 13] & 0xFF;
            final int kept = ACK | URG | ECE | SYN | RST;
            assertEquals(packet.flags & kept, flags & kept, where + ": ACK, URG, ECE copied");
            assertEquals(last ? packet.flags & (FIN | PSH) : 0, flags & (FIN | PSH), where + ": FIN, PSH last only");
            assertEquals(first ? packet.flags & CWR : 0, flags & CWR, where + ": CWR first only");
            assertArrayEquals(Arrays.copyOfRange(original, originalTcp + 14, originalTcp + 16),
                Arrays.copyOfRange(frame, tcp + 14, tcp + 16), where + ": window");
            assertArrayEquals(Arrays.copyOfRange(original, originalTcp + 18, originalTcp + packet.tcpHeader()),
                Arrays.copyOfRange(frame, tcp + 18, tcp + packet.tcpHeader()), where + ": urgent pointer, options");

            if (offload)
            {
                assertTrue(frames.get(i).transportVerified && frames.get(i).ipVerified, where +
                    ": the NIC vouched for the TCP checksum left to it, and checked the IPv4 header's");
                final int pseudo = ChecksumReference.fold(ChecksumReference.sum(frame, ip + 12, 8) + 6L +
                    packet.tcpHeader() + chunk);
                assertEquals(pseudo, view.getShort(tcp + 16, NETWORK) & 0xFFFF, where + ": the field holds the " +
                    "frame's pseudo-header sum, as Linux leaves a CHECKSUM_PARTIAL segment");
            }
            else
            {
                assertTrue(transportChecksumValid(frame), where + ": the checksum the NIC inserted, by the reference");
            }
            payload.write(frame, data, chunk);
            sent += chunk;
        }
        return payload.toByteArray();
    }

    @ParameterizedTest(name = "seed {0}, NIC checksum offload {1}")
    @CsvSource({"1, true", "2, false", "31337, true", "4711, false", "977, false"})
    void randomPacketsAreCutIntoFramesThatReassembleAndCarryTheRightHeaders(final long seed, final boolean offload)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] lengths = {1514, 9014, 16124, 1000, 577, 1515};
        try (EmulatedNic nic = nic(offload))
        {
            for (int round = 0; round < 30; round++)
            {
                final int maxFrameLength = random.nextInt(4) == 0 ? 200 + random.nextInt(3000) :
                    lengths[random.nextInt(lengths.length)];
                final Tag tag = Tag.values()[random.nextInt(3)];
                final int ipOptions = random.nextInt(4) == 0 ? 4 * random.nextInt(1, 11) : 0;
                final int tcpOptions = random.nextBoolean() ? 12 : 4 * random.nextInt(11);
                final int headers = 18 + 20 + ipOptions + 20 + tcpOptions;
                final int payloadLength = switch (random.nextInt(4))
                {
                    case 0 -> random.nextInt(1, 100);
                    case 1 -> 65_535 - 20 - ipOptions - 20 - tcpOptions; // the longest IPv4 datagram
                    default -> random.nextInt(65_535 - headers);
                };
                final byte[] payload = new byte[payloadLength];
                random.nextBytes(payload);
                final int flags = ACK | (random.nextBoolean() ? PSH : 0) | (random.nextBoolean() ? FIN : 0) |
                    (random.nextBoolean() ? CWR : 0) | (random.nextBoolean() ? ECE : 0) | (random.nextInt(8) == 0 ?
                    URG : 0);
                final int identification = random.nextInt(4) == 0 ? 0xFFF0 : random.nextInt(0x10000);
                final int sequence = random.nextInt(4) == 0 ? -100 : random.nextInt();
                final Packet packet = packet(payload, tag, 0x2000 | random.nextInt(4095), ipOptions, tcpOptions,
                    identification, sequence, flags, false);
                final String what = "seed " + seed + " round " + round + ": " + payloadLength + " B, max frame " +
                    maxFrameLength + ", tag " + tag + ", options " + ipOptions + "/" + tcpOptions + ", flags 0x" +
                    Integer.toHexString(flags);
                final PortCounters counters = new PortCounters();
                final TcpSegmentation segmentation = new TcpSegmentation(maxFrameLength, counters);
                final List<Received> frames = cut(nic, segmentation, packet, FrameSource.CHECKSUM_PARTIAL);
                assertArrayEquals(payload, check(packet, frames, maxFrameLength, offload, what), what +
                    ": the payload, reassembled");
                assertEquals(1, counters.get(PortCounter.GSO_PACKETS), what);
                assertEquals(frames.size(), counters.get(PortCounter.GSO_SEGMENTS), what);
            }
        }
    }

    @Test
    void finPshAndCwrGoWhereLinuxPutsThem()
    {
        try (EmulatedNic nic = nic(false))
        {
            final int all = FIN | PSH | CWR | ACK | ECE;
            final Packet packet = packet(new byte[3 * 1460 + 1], Tag.NONE, 0, 0, 0, 7, 1000, all, false);
            final List<Received> frames = cut(nic, new TcpSegmentation(1514, new PortCounters()), packet,
                FrameSource.CHECKSUM_PARTIAL);
            assertEquals(4, frames.size(), "1460 + 1460 + 1460 + 1");
            final int[] expected = {ACK | ECE | CWR, ACK | ECE, ACK | ECE, ACK | ECE | FIN | PSH};
            for (int i = 0; i < 4; i++)
            {
                assertEquals(expected[i], frames.get(i).frame[14 + 20 + 13] & 0xFF, "frame " + i);
            }
            assertEquals(54 + 1, frames.get(3).frame.length, "the last frame carries the odd byte");
        }
    }

    @Test
    void aPacketThatFitsOneFrameAndOneWithoutPayloadComeAsOneFrameEach()
    {
        try (EmulatedNic nic = nic(true))
        {
            final TcpSegmentation segmentation = new TcpSegmentation(1514, new PortCounters());
            final Packet one = packet(new byte[1460], Tag.NONE, 0, 0, 0, 1, 1, ACK | PSH | CWR, false);
            final List<Received> frames = cut(nic, segmentation, one, FrameSource.CHECKSUM_PARTIAL);
            assertEquals(1, frames.size());
            assertEquals(1514, frames.get(0).frame.length);
            assertEquals(ACK | PSH | CWR, frames.get(0).frame[14 + 20 + 13] & 0xFF, "first and last: all flags");
            final Packet empty = packet(new byte[0], Tag.NONE, 0, 0, 12, 1, 1, ACK | FIN, false);
            final List<Received> bare = cut(nic, segmentation, empty, FrameSource.CHECKSUM_PARTIAL);
            assertEquals(1, bare.size());
            assertArrayEquals(empty.bytes, bare.get(0).frame, "headers only, as they came");
        }
    }

    @Test
    void aPacketWithItsWholeChecksumIsCheckedFirstAndTheFramesStillLeaveThemToTheNic()
    {
        try (EmulatedNic nic = nic(false))
        {
            final PortCounters counters = new PortCounters();
            final TcpSegmentation segmentation = new TcpSegmentation(1514, counters);
            final byte[] payload = new byte[10_001];
            new SplittableRandom(5).nextBytes(payload);
            final Packet good = packet(payload, Tag.NONE, 0, 0, 12, 100, 5, ACK, true);
            assertArrayEquals(payload, check(good, cut(nic, segmentation, good, 0), 1514, false, "complete"));

            final byte[] corrupt = good.bytes.clone();
            corrupt[corrupt.length - 1] ^= 0x10;
            assertFalse(begin(segmentation, corrupt, 0), "a payload the checksum does not cover is not cut");
            final byte[] badHeader = good.bytes.clone();
            badHeader[14 + 8] = 63; // TTL, without a new header checksum
            assertFalse(begin(segmentation, badHeader, 0));
            assertEquals(2, counters.get(PortCounter.GSO_DROPPED_BAD_CHECKSUM));
            assertTrue(begin(segmentation, corrupt, FrameSource.CHECKSUM_VERIFIED), "the kernel's word is taken");
            segmentation.clear();
        }
    }

    private boolean begin(final TcpSegmentation segmentation, final byte[] packet, final int flags)
    {
        MemorySegment.copy(packet, 0, packetMemory, JAVA_BYTE, 0, packet.length);
        return segmentation.begin(packetMemory.address(), packet.length, 0, 0, flags);
    }

    @Test
    void malformedPacketsAreDroppedAndCountedByReason()
    {
        final PortCounters counters = new PortCounters();
        final TcpSegmentation segmentation = new TcpSegmentation(1514, counters);
        final byte[] payload = new byte[5000];
        final byte[] good = packet(payload, Tag.NONE, 0, 0, 0, 1, 1, ACK, false).bytes;
        final byte[] tagged = packet(payload, Tag.IN_FRAME, 5, 0, 0, 1, 1, ACK, false).bytes;

        record Case(String what, byte[] bytes, int length, PortCounter reason)
        {
        }

        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("shorter than an Ethernet header", good, 13, PortCounter.GSO_DROPPED_TRUNCATED));
        cases.add(new Case("a tag and nothing after it", tagged, 16, PortCounter.GSO_DROPPED_TRUNCATED));
        cases.add(new Case("cut inside the IPv4 header", good, 14 + 19, PortCounter.GSO_DROPPED_TRUNCATED));
        cases.add(new Case("shorter than its total length", good, good.length - 1,
            PortCounter.GSO_DROPPED_TRUNCATED));
        cases.add(new Case("behind a tag, shorter than its total length", tagged, tagged.length - 100,
            PortCounter.GSO_DROPPED_TRUNCATED));
        cases.add(new Case("IPv6", with(good, 12, 0x86, 0xDD), good.length, PortCounter.GSO_DROPPED_NOT_TCP_IPV4));
        cases.add(new Case("ARP", with(good, 12, 0x08, 0x06), good.length, PortCounter.GSO_DROPPED_NOT_TCP_IPV4));
        cases.add(new Case("UDP with the GSO flag", with(good, 14 + 9, 17), good.length,
            PortCounter.GSO_DROPPED_NOT_TCP_IPV4));
        cases.add(new Case("version 6 behind EtherType IPv4", with(good, 14, 0x65), good.length,
            PortCounter.GSO_DROPPED_NOT_TCP_IPV4));
        cases.add(new Case("IHL 4", with(good, 14, 0x44), good.length, PortCounter.GSO_DROPPED_BAD_IP_HEADER));
        cases.add(new Case("IHL 15 in a datagram of 40 bytes", with(with(good, 14, 0x4F), 16, 0, 40), good.length,
            PortCounter.GSO_DROPPED_BAD_IP_HEADER));
        cases.add(new Case("a total length under 20", with(good, 16, 0, 19), good.length,
            PortCounter.GSO_DROPPED_BAD_IP_HEADER));
        cases.add(new Case("a total length with no room for TCP", with(good, 16, 0, 30), good.length,
            PortCounter.GSO_DROPPED_BAD_TCP_HEADER));
        cases.add(new Case("data offset 4", with(good, 34 + 12, 0x40), good.length,
            PortCounter.GSO_DROPPED_BAD_TCP_HEADER));
        cases.add(new Case("data offset 15 past the datagram", with(with(good, 34 + 12, 0xF0), 16, 0, 60),
            good.length, PortCounter.GSO_DROPPED_BAD_TCP_HEADER));
        cases.add(new Case("MF", with(good, 14 + 6, 0x60, 0), good.length, PortCounter.GSO_DROPPED_FRAGMENT));
        cases.add(new Case("a fragment offset", with(good, 14 + 6, 0x40, 0x10), good.length,
            PortCounter.GSO_DROPPED_FRAGMENT));
        for (final Case c : cases)
        {
            final long before = counters.get(c.reason);
            MemorySegment.copy(c.bytes, 0, packetMemory, JAVA_BYTE, 0, c.bytes.length);
            assertFalse(segmentation.begin(packetMemory.address(), c.length, 0, 0, FrameSource.CHECKSUM_PARTIAL),
                c.what);
            assertFalse(segmentation.hasNext(), c.what);
            assertEquals(before + 1, counters.get(c.reason), c.what + ": " + counters);
        }

        final PortCounters small = new PortCounters();
        final TcpSegmentation tiny = new TcpSegmentation(64, small);
        final byte[] longHeaders = packet(payload, Tag.NONE, 0, 40, 40, 1, 1, ACK, false).bytes;
        MemorySegment.copy(longHeaders, 0, packetMemory, JAVA_BYTE, 0,
            longHeaders.length);
        assertFalse(tiny.begin(packetMemory.address(), longHeaders.length, 0, 0, FrameSource.CHECKSUM_PARTIAL));
        assertEquals(1, small.get(PortCounter.GSO_DROPPED_HEADERS_TOO_LONG), small.toString());

        assertEquals(0, counters.get(PortCounter.GSO_PACKETS) + counters.get(PortCounter.GSO_SEGMENTS),
            "nothing was cut: " + counters);
        assertTrue(begin(segmentation, good, FrameSource.CHECKSUM_PARTIAL), "and the packet itself is fine");
    }

    /** A copy of {@code bytes} with the given bytes written from {@code offset}. */
    private static byte[] with(final byte[] bytes, final int offset, final int... values)
    {
        final byte[] copy = bytes.clone();
        for (int i = 0; i < values.length; i++)
        {
            copy[offset + i] = (byte)values[i];
        }
        return copy;
    }

    @Test
    void aFrameLongerThanTheBufferIsReportedWithItsLengthAndOnlyItsStartWritten()
    {
        final TcpSegmentation segmentation = new TcpSegmentation(9014, new PortCounters());
        final byte[] packet = packet(new byte[20_000], Tag.NONE, 0, 0, 0, 1, 1, ACK, false).bytes;
        assertTrue(begin(segmentation, packet, FrameSource.CHECKSUM_PARTIAL));
        final MemorySegment buffer = arena.allocate(4096, 64);
        buffer.fill((byte)0x77);
        assertEquals(9014, segmentation.next(buffer.address(), 2048), "the frame's length, more than the buffer");
        assertEquals(0x77, buffer.get(JAVA_BYTE, 2048) & 0xFF, "nothing past it");
        buffer.fill((byte)0x77);
        assertEquals(9014, segmentation.next(buffer.address(), 40), "the next one, even into 40 bytes");
        assertEquals(0x77, buffer.get(JAVA_BYTE, 40) & 0xFF);
        assertEquals(20_000 + 54 - 2 * 8960, segmentation.next(buffer.address(), 4096));
        assertFalse(segmentation.hasNext());
    }

    @Test
    void cuttingAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final PortCounters counters = new PortCounters();
        final TcpSegmentation segmentation = new TcpSegmentation(1514, counters);
        final byte[] payload = new byte[30_000];
        new SplittableRandom(9).nextBytes(payload);
        final byte[] packet = packet(payload, Tag.METADATA, 7, 0, 12, 1, 1, ACK | PSH, true).bytes;
        MemorySegment.copy(packet, 0, packetMemory, JAVA_BYTE, 0, packet.length);
        final byte[] malformed = with(packet, 14 + 9, 17);
        final MemorySegment malformedMemory = arena.allocate(malformed.length, 64);
        MemorySegment.copy(malformed, 0, malformedMemory, JAVA_BYTE, 0,
            malformed.length);
        final long frame = arena.allocate(2048, 64).address();
        final long address = packetMemory.address();
        final long bad = malformedMemory.address();
        final int length = packet.length;
        long frames = 0;
        for (int i = 0; i < 20_000; i++)
        {
            frames += cutAll(segmentation, address, length, frame, i % 3);
            segmentation.begin(bad, length, 0, 0, 0);
        }
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
        for (int i = 0; i < 20_000; i++)
        {
            frames += cutAll(segmentation, address, length, frame, i % 3);
            segmentation.begin(bad, length, 0, 0, 0);
        }
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(0, allocated, "bytes allocated cutting 20,000 packets into " + frames / 2 + " frames");
        assertEquals(40_000, counters.get(PortCounter.GSO_DROPPED_NOT_TCP_IPV4));
        assertEquals(40_000, counters.get(PortCounter.GSO_PACKETS));
    }

    private static int cutAll(final TcpSegmentation segmentation, final long packet, final int length,
        final long frame, final int flagsChoice)
    {
        final int flags = flagsChoice == 0 ? 0 : flagsChoice == 1 ? FrameSource.CHECKSUM_PARTIAL :
            FrameSource.CHECKSUM_VERIFIED;
        segmentation.begin(packet, length, TPID, 7, flags);
        int frames = 0;
        while (segmentation.hasNext())
        {
            segmentation.next(frame, 2048);
            frames++;
        }
        return frames;
    }
}
