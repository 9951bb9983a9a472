package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.OnesComplementSum;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.CaptureReader;
import io.ringstack.nic.wire.ChecksumReference;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 8254x's checksum offload as emulated: TX insertion (legacy CMD.IC, CSS, CSO), RX verification (RXCSUM,
 * status IPCS/TCPCS, errors IPE/TCPE), and the shortcut of a perfect in-memory wire between two emulated devices,
 * where a checksum left to the device is not computed at all and the receiver reports it good (Linux's veth).
 * Every checksum here is checked against a byte-at-a-time reference.
 */
class ChecksumOffloadTest
{
    private static final long MAC_A = 0x5254_0000_000AL;
    private static final long MAC_B = 0x5254_0000_000BL;
    private static final int IP_A = 0x0A00_0001;
    private static final int IP_B = 0x0A00_0002;
    private static final int HEADROOM = 32; // where frames start in a buffer (the stack's is the same)
    private static final int TCP_START = 14 + 20;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = open.size() - 1; i >= 0; i--)
        {
            open.get(i).close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 7, 1234 })
    void onesComplementSumMatchesTheByteAtATimeReference(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[5000]);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(5000));
        for (int round = 0; round < 2000; round++)
        {
            final int offset = random.nextInt(64);
            final int length = random.nextInt(4000);
            for (int i = 0; i < offset + length; i++)
            {
                final byte b = (byte)(round % 5 == 0 ? 0xFF : random.nextInt(256)); // all-ones stresses the carries
                heap.putByte(i, b);
                direct.putByte(i, b);
            }
            final int expected = referenceSum(heap, offset, length);
            assertEquals(expected, OnesComplementSum.sum(heap.byteArray(), heap.addressOffset() + offset, length),
                "seed " + seed + " round " + round + ": heap, offset " + offset + ", length " + length);
            assertEquals(expected, OnesComplementSum.sum(null, direct.addressOffset() + offset, length),
                "seed " + seed + " round " + round + ": native, offset " + offset + ", length " + length);
        }
    }

    @Test
    void aPerfectWireLeavesTheChecksumToTheReceivingDeviceWhichReportsItGood()
    {
        final EmulatedNic a = nic("a", MAC_A, true);
        final EmulatedNic b = nic("b", MAC_B, true);
        open.add(InMemoryWire.connect(a.device(), b.device()));
        start(a, b);
        final int handle = partialTcpFrame(a.pool(), 1000, 5);
        final int pseudoHeaderSum = field(a.pool().memory(), a.pool().offset(handle) + HEADROOM);
        send(a, handle, 14 + 20 + 20 + 1000);

        final Received r = receiveOne(b);
        assertEquals(pseudoHeaderSum, field(r.frame, 0),
            "nothing summed the segment: its checksum field still holds the pseudo-header's sum");
        assertTrue(r.transportVerified, "the receiving device reports TCPCS without TCPE");
        assertTrue(r.ipVerified, "and checked the IPv4 header (IPCS)");
        assertEquals(0, a.driver().counters().txSoftwareChecksums);
    }

    @Test
    void aPcapOnTheWireSeesWholeChecksumsAndTheReceiverVerifiesThem(@TempDir final Path dir) throws IOException
    {
        final EmulatedNic a = nic("a", MAC_A, true);
        final EmulatedNic b = nic("b", MAC_B, true);
        final Path pcap = dir.resolve("wire.pcap");
        final InMemoryWire wire = InMemoryWire.between(a.device(), b.device()).pcap(pcap).build();
        open.add(wire);
        start(a, b);
        send(a, partialTcpFrame(a.pool(), 777, 9), 14 + 20 + 20 + 777);

        final Received r = receiveOne(b);
        assertTrue(tcpChecksumValid(r.frame, 0, r.frame.capacity()), "the sending device inserted the checksum");
        assertTrue(r.transportVerified && r.ipVerified, "the receiver checked it for real and found it good");
        wire.close();
        open.remove(wire);
        final CaptureReader reader = CaptureReader.open(pcap);
        assertTrue(reader.next());
        assertTrue(tcpChecksumValid(reader.frame(), 0, reader.capturedLength()), "the pcap holds it whole");
    }

    @Test
    void aReceiverWithoutOffloadGetsTheChecksumInsertedIntoItsCopy()
    {
        final EmulatedNic a = nic("a", MAC_A, true);
        final EmulatedNic b = nic("b", MAC_B, false);
        open.add(InMemoryWire.connect(a.device(), b.device()));
        start(a, b);
        send(a, partialTcpFrame(a.pool(), 1459, 3), 14 + 20 + 20 + 1459);

        final Received r = receiveOne(b);
        assertTrue(tcpChecksumValid(r.frame, 0, r.frame.capacity()));
        assertFalse(r.transportVerified || r.ipVerified, "no offload: IXSM, software checks");
    }

    @Test
    void aDriverWithoutOffloadComputesAPartialChecksumInSoftware()
    {
        final EmulatedNic a = nic("a", MAC_A, false);
        final EmulatedNic b = nic("b", MAC_B, true);
        open.add(InMemoryWire.connect(a.device(), b.device()));
        start(a, b);
        send(a, partialTcpFrame(a.pool(), 100, 4), 14 + 20 + 20 + 100);

        final Received r = receiveOne(b);
        assertTrue(tcpChecksumValid(r.frame, 0, r.frame.capacity()));
        assertTrue(r.transportVerified, "b verified a's software checksum");
        assertEquals(1, a.driver().counters().txSoftwareChecksums);
    }

    @Test
    void theDriversCaptureSeesTheChecksumTheDeviceWillInsert()
    {
        final EmulatedNic a = nic("a", MAC_A, true);
        final EmulatedNic b = nic("b", MAC_B, true);
        open.add(InMemoryWire.connect(a.device(), b.device()));
        start(a, b);
        final List<byte[]> captured = new ArrayList<>();
        a.driver().capture((buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            captured.add(copy);
        });
        send(a, partialTcpFrame(a.pool(), 500, 6), 14 + 20 + 20 + 500);
        assertEquals(1, captured.size());
        final UnsafeBuffer frame = new UnsafeBuffer(captured.get(0));
        assertTrue(tcpChecksumValid(frame, 0, frame.capacity()));
        receiveOne(b);
    }

    @Test
    void receiveOffloadReportsEachCaseAndHandsBadChecksumsUpUnverified()
    {
        final EmulatedNic a = nic("a", MAC_A, false); // whole frames, as from a TAP or a fault injector
        final EmulatedNic b = nic("b", MAC_B, true);
        open.add(InMemoryWire.connect(a.device(), b.device()));
        start(a, b);
        final int length = 14 + 20 + 20 + 300;

        send(a, wholeTcpFrame(a.pool(), 300, 0, false), length);
        Received r = receiveOne(b);
        assertTrue(r.ipVerified && r.transportVerified, "a good segment: IPCS and TCPCS");

        int handle = wholeTcpFrame(a.pool(), 300, 0, false);
        flipPayloadByte(a.pool(), handle, 14 + 20 + 20 + 150);
        send(a, handle, length);
        r = receiveOne(b);
        assertTrue(r.ipVerified, "the IPv4 header is fine");
        assertFalse(r.transportVerified, "a bad TCP checksum (TCPE): handed up unverified, for software to count");

        handle = wholeTcpFrame(a.pool(), 300, 0, false);
        flipPayloadByte(a.pool(), handle, 14 + 8); // the TTL: the header checksum fails
        send(a, handle, length);
        r = receiveOne(b);
        assertFalse(r.ipVerified, "a bad IPv4 header checksum (IPE)");
        assertFalse(r.transportVerified);

        send(a, wholeTcpFrame(a.pool(), 300, 0x2000, false), length); // MF: a first fragment
        r = receiveOne(b);
        assertTrue(r.ipVerified);
        assertFalse(r.transportVerified, "a fragment's transport checksum cannot be checked from one frame");

        send(a, wholeTcpFrame(a.pool(), 300, 0, true), length + 4);
        r = receiveOne(b);
        assertTrue(r.ipVerified && r.transportVerified, "behind an 802.1Q tag too");

        handle = wholeTcpFrame(a.pool(), 300, 0, false);
        final MutableDirectBuffer memory = a.pool().memory();
        final int ip = a.pool().offset(handle) + HEADROOM + 14;
        memory.putByte(ip + 9, (byte)17); // UDP
        memory.putShort(ip + 10, (short)0);
        memory.putShort(ip + 10, (short)~OnesComplementSum.sum(memory.byteArray(), memory.addressOffset() + ip, 20),
            ByteOrder.BIG_ENDIAN);
        memory.putShort(ip + 20 + 6, (short)0); // no UDP checksum (RFC 768)
        send(a, handle, length);
        r = receiveOne(b);
        assertTrue(r.ipVerified);
        assertFalse(r.transportVerified, "a UDP datagram without a checksum has none to verify");

        assertEquals(0, b.driver().counters().rxDescriptorErrors, "checksum errors are not descriptor errors");
    }

    // ---------------------------------------------------------------- helpers

    private EmulatedNic nic(final String name, final long mac, final boolean offload)
    {
        final EmulatedNic nic = EmulatedNic.builder(name, mac).rings(64, 64).buffers(256).bufferSize(2048)
            .strict(true).checksumOffload(offload).build();
        open.add(nic);
        return nic;
    }

    private static void start(final EmulatedNic a, final EmulatedNic b)
    {
        a.start();
        b.start();
    }

    private static void send(final EmulatedNic nic, final int handle, final int length)
    {
        assertTrue(nic.driver().transmit(handle, nic.pool().offset(handle) + HEADROOM, length));
        nic.driver().flush();
        nic.driver().reclaim();
    }

    private record Received(UnsafeBuffer frame, boolean ipVerified, boolean transportVerified)
    {
    }

    private static Received receiveOne(final EmulatedNic nic)
    {
        final Received[] got = new Received[1];
        final int n = nic.driver().receive((handle, memory, offset, length) ->
        {
            final byte[] copy = new byte[length];
            memory.getBytes(offset, copy);
            final PacketBufferPool pool = nic.pool();
            got[0] = new Received(new UnsafeBuffer(copy), pool.ipChecksumVerified(handle),
                pool.transportChecksumVerified(handle));
            pool.release(handle);
        }, 8);
        assertEquals(1, n, "one frame arrives");
        return got[0];
    }

    /** A TCP segment to b whose checksum field holds the pseudo-header's sum, marked for the device. */
    private static int partialTcpFrame(final PacketBufferPool pool, final int payload, final long seed)
    {
        final int handle = tcpFrame(pool, payload, seed, 0, false);
        final MutableDirectBuffer memory = pool.memory();
        final int tcp = pool.offset(handle) + HEADROOM + TCP_START;
        final long pseudo = (IP_A & 0xFFFF_FFFFL) + (IP_B & 0xFFFF_FFFFL) + 6 + 20 + payload;
        memory.putShort(tcp + 16, (short)OnesComplementSum.fold(pseudo), ByteOrder.BIG_ENDIAN);
        pool.markChecksumPartial(handle, HEADROOM + TCP_START, 16);
        return handle;
    }

    /** A TCP segment with its checksum computed; {@code fragmentField} the IPv4 flags/offset word. */
    private static int wholeTcpFrame(
        final PacketBufferPool pool, final int payload, final int fragmentField, final boolean vlan)
    {
        final int handle = tcpFrame(pool, payload, 11, fragmentField, vlan);
        final MutableDirectBuffer memory = pool.memory();
        final int frame = pool.offset(handle) + HEADROOM;
        final int tcp = frame + TCP_START + (vlan ? 4 : 0);
        final long pseudo = (IP_A & 0xFFFF_FFFFL) + (IP_B & 0xFFFF_FFFFL) + 6 + 20 + payload;
        final long sum = pseudo + OnesComplementSum.sum(memory.byteArray(), memory.addressOffset() + tcp, 20 + payload);
        memory.putShort(tcp + 16, (short)~OnesComplementSum.fold(sum), ByteOrder.BIG_ENDIAN);
        return handle;
    }

    private static int tcpFrame(
        final PacketBufferPool pool, final int payload, final long seed, final int fragmentField, final boolean vlan)
    {
        final int handle = pool.claim(BufferHolder.TX_BUILD);
        final MutableDirectBuffer memory = pool.memory();
        final int frame = pool.offset(handle) + HEADROOM;
        MacAddress.write(memory, frame, MAC_B);
        MacAddress.write(memory, frame + 6, MAC_A);
        int ip = frame + 14;
        if (vlan)
        {
            memory.putShort(frame + 12, (short)0x8100, ByteOrder.BIG_ENDIAN);
            memory.putShort(frame + 14, (short)7, ByteOrder.BIG_ENDIAN);
            ip += 4;
        }
        memory.putShort(ip - 2, (short)0x0800, ByteOrder.BIG_ENDIAN);
        memory.putByte(ip, (byte)0x45);
        memory.putByte(ip + 1, (byte)0);
        memory.putShort(ip + 2, (short)(20 + 20 + payload), ByteOrder.BIG_ENDIAN);
        memory.putShort(ip + 4, (short)1, ByteOrder.BIG_ENDIAN);
        memory.putShort(ip + 6, (short)fragmentField, ByteOrder.BIG_ENDIAN);
        memory.putByte(ip + 8, (byte)64);
        memory.putByte(ip + 9, (byte)6);
        memory.putShort(ip + 10, (short)0);
        memory.putInt(ip + 12, IP_A, ByteOrder.BIG_ENDIAN);
        memory.putInt(ip + 16, IP_B, ByteOrder.BIG_ENDIAN);
        memory.putShort(ip + 10, (short)~OnesComplementSum.sum(memory.byteArray(), memory.addressOffset() + ip, 20),
            ByteOrder.BIG_ENDIAN);
        final int tcp = ip + 20;
        memory.putInt(tcp, 40_000 << 16 | 80, ByteOrder.BIG_ENDIAN);
        memory.putInt(tcp + 4, 12345, ByteOrder.BIG_ENDIAN);
        memory.putInt(tcp + 8, 0, ByteOrder.BIG_ENDIAN);
        memory.putInt(tcp + 12, 5 << 28 | 0x18 << 16 | 65535, ByteOrder.BIG_ENDIAN);
        memory.putInt(tcp + 16, 0);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < payload; i++)
        {
            memory.putByte(tcp + 20 + i, (byte)random.nextInt(256));
        }
        return handle;
    }

    private static void flipPayloadByte(final PacketBufferPool pool, final int handle, final int frameIndex)
    {
        final int at = pool.offset(handle) + HEADROOM + frameIndex;
        pool.memory().putByte(at, (byte)(pool.memory().getByte(at) ^ 0x40));
    }

    private static int field(final DirectBuffer frame, final int frameOffset)
    {
        return frame.getShort(frameOffset + TCP_START + 16, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** The untagged frame's TCP checksum by the reference sum. */
    private static boolean tcpChecksumValid(final DirectBuffer frame, final int offset, final int length)
    {
        final int ip = offset + 14;
        final int totalLength = frame.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int segment = totalLength - 20;
        assertTrue(14 + totalLength <= length);
        long sum = referenceSum(frame, ip + 12, 8) + 6 + segment;
        sum += referenceSum(frame, ip + 20, segment);
        return OnesComplementSum.fold(sum) == 0xFFFF;
    }

    /** RFC 1071 as written ({@link ChecksumReference}) over bytes of any buffer. */
    private static int referenceSum(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return ChecksumReference.sum(bytes, 0, length);
    }
}
