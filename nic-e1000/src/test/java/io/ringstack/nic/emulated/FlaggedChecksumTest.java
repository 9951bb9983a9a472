package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.FrameReceiver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.ChecksumReference;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static io.ringstack.nic.wire.ChecksumReference.checksumField;
import static io.ringstack.nic.wire.ChecksumReference.checksumFor;
import static io.ringstack.nic.wire.ChecksumReference.fold;
import static io.ringstack.nic.wire.ChecksumReference.transportChecksumValid;
import static io.ringstack.nic.wire.ChecksumReference.transportSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames a {@link FrameSource} flags ({@link FrameSource#frameFlags()}), as a packet socket does for a veth peer's
 * packets (TP_STATUS_CSUMNOTREADY, TP_STATUS_CSUM_VALID): a checksum never computed is reported good with
 * RXCSUM.TUOFL and inserted into the received copy without it, found by parsing Ethernet (one 802.1Q tag), IPv4
 * and TCP or UDP; what is no such datagram is handed up as it came. Inserted checksums are compared with a
 * byte-at-a-time RFC 1071 reference ({@link ChecksumReference}).
 */
class FlaggedChecksumTest
{
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final long MAC = 0x5254_0000_00C1L;
    private static final long PEER = 0x5254_0000_00C2L;
    private static final int SOURCE_IP = 0x0A00_0001;
    private static final int DESTINATION_IP = 0x0A00_0002;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;

    /** One frame from a byte array, with the flags a packet socket would give it. */
    private static final class FlaggedSource implements FrameSource
    {
        byte[] frame;
        int flags;

        @Override
        public int read(final long address, final int capacity)
        {
            if (frame == null)
            {
                return 0;
            }
            new UnsafeBuffer(address, capacity).putBytes(0, frame, 0, Math.min(frame.length, capacity));
            final int length = frame.length;
            frame = null;
            return length;
        }

        @Override
        public int frameFlags()
        {
            return flags;
        }
    }

    private record Received(byte[] frame, boolean ipVerified, boolean transportVerified)
    {
    }

    private static EmulatedNic nic(final boolean offload)
    {
        final EmulatedNic nic = EmulatedNic.builder("flagged", MAC).rings(16, 16).buffers(64).bufferSize(2048)
            .strict(true).checksumOffload(offload).build();
        nic.device().attachWire((b, o, l) -> { });
        return nic.start();
    }

    private static Received receive(final EmulatedNic nic, final byte[] frame, final int flags)
    {
        final FlaggedSource source = new FlaggedSource();
        source.frame = frame;
        source.flags = flags;
        assertEquals(frame.length, nic.device().receiveFrom(source));
        final Received[] got = new Received[1];
        final PacketBufferPool pool = nic.pool();
        assertEquals(1, nic.driver().receive((handle, memory, offset, length) ->
        {
            final byte[] copy = new byte[length];
            memory.getBytes(offset, copy);
            got[0] = new Received(copy, pool.ipChecksumVerified(handle), pool.transportChecksumVerified(handle));
            pool.release(handle);
        }, 4), "one frame arrives");
        return got[0];
    }

    // ---------------------------------------------------------------- partial

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {TCP, UDP})
    void withReceiveOffloadAPartialChecksumIsReportedGoodWithoutSumming(final int protocol)
    {
        try (EmulatedNic nic = nic(true))
        {
            final byte[] frame = partialFrame(protocol, 700, false, 3);
            final Received r = receive(nic, frame, FrameSource.CHECKSUM_PARTIAL);
            assertTrue(r.transportVerified, "TCPCS without TCPE");
            assertTrue(r.ipVerified, "the IPv4 header was checked for real");
            assertArrayEquals(frame, r.frame, "nothing written: the field still holds the pseudo-header's sum");
            assertFalse(transportChecksumValid(r.frame), "so software would have dropped it");
            assertEquals(1, nic.device().partialChecksumsReported());
            assertEquals(0, nic.device().partialChecksumsInserted());
        }
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {TCP, UDP})
    void withoutReceiveOffloadThePartialChecksumIsInsertedIntoTheReceivedCopy(final int protocol)
    {
        try (EmulatedNic nic = nic(false))
        {
            final byte[] frame = partialFrame(protocol, 1001, false, 4);
            final Received r = receive(nic, frame, FrameSource.CHECKSUM_PARTIAL);
            assertFalse(r.transportVerified || r.ipVerified, "IXSM: software checks");
            assertTrue(transportChecksumValid(r.frame), "the reference sum of the received copy");
            assertEquals(checksumFor(frame), checksumField(r.frame), "the checksum a sender computes");
            assertEquals(1, nic.device().partialChecksumsInserted());
        }
    }

    @Test
    void behindAn8021QTagToo()
    {
        try (EmulatedNic on = nic(true); EmulatedNic off = nic(false))
        {
            final byte[] frame = partialFrame(TCP, 300, true, 5);
            assertTrue(receive(on, frame, FrameSource.CHECKSUM_PARTIAL).transportVerified);
            final Received r = receive(off, frame, FrameSource.CHECKSUM_PARTIAL);
            assertTrue(transportChecksumValid(r.frame));
            assertEquals(checksumFor(frame), checksumField(r.frame));
        }
    }

    @Test
    void aUdpChecksumThatComesOutZeroIsWrittenAsAllOnes()
    {
        try (EmulatedNic nic = nic(false))
        {
            final byte[] frame = partialFrame(UDP, 40, false, 6);
            // make the datagram's whole sum 0xFFFF, so its computed checksum is 0 (RFC 768: sent as all ones)
            final UnsafeBuffer view = new UnsafeBuffer(frame);
            final int last = frame.length - 2;
            view.putShort(last, (short)0);
            final int sum = transportSum(frame, false);
            view.putShort(last, (short)(~sum & 0xFFFF), NETWORK);
            assertEquals(0xFFFF, transportSum(frame, false), "the test's datagram sums to all ones");

            final Received r = receive(nic, frame, FrameSource.CHECKSUM_PARTIAL);
            assertEquals(0xFFFF, checksumField(r.frame), "0 means 'no checksum' in UDP");
            assertTrue(transportChecksumValid(r.frame));
        }
    }

    @Test
    void aPartialFrameThatIsNoIpv4TcpOrUdpDatagramIsHandedUpAsItCame()
    {
        try (EmulatedNic on = nic(true); EmulatedNic off = nic(false))
        {
            final byte[] fragment = partialFrame(UDP, 200, false, 7);
            new UnsafeBuffer(fragment).putShort(14 + 6, (short)0x2000, NETWORK); // MF (header checksum now off too)
            final byte[] icmp = partialFrame(ICMP, 56, false, 8);
            final byte[] arp = partialFrame(TCP, 100, false, 9);
            new UnsafeBuffer(arp).putShort(12, (short)0x0806, NETWORK);
            final byte[] truncated = partialFrame(TCP, 100, false, 10);
            new UnsafeBuffer(truncated).putShort(14 + 2, (short)(20 + 20 + 200), NETWORK); // longer than the frame
            for (final byte[] frame : new byte[][] {fragment, icmp, arp, truncated})
            {
                final Received r = receive(on, frame, FrameSource.CHECKSUM_PARTIAL);
                assertFalse(r.transportVerified, "nothing the device can vouch for");
                assertArrayEquals(frame, receive(off, frame, FrameSource.CHECKSUM_PARTIAL).frame, "nor write into");
            }
            assertEquals(4, on.device().partialChecksumsUnresolved());
            assertEquals(4, off.device().partialChecksumsUnresolved());
            assertEquals(0, on.device().partialChecksumsReported() + off.device().partialChecksumsInserted());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 17, 4242})
    void randomDatagramsGetTheReferenceChecksum(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        try (EmulatedNic on = nic(true); EmulatedNic off = nic(false))
        {
            for (int round = 0; round < 400; round++)
            {
                final int protocol = random.nextBoolean() ? TCP : UDP;
                final boolean vlan = random.nextInt(4) == 0;
                final int payload = random.nextInt(1400);
                final byte[] frame = partialFrame(protocol, payload, vlan, random.nextLong());
                final String what = "seed " + seed + " round " + round + ": protocol " + protocol + ", payload " +
                    payload + (vlan ? ", tagged" : "");
                final Received inserted = receive(off, frame, FrameSource.CHECKSUM_PARTIAL);
                assertEquals(checksumFor(frame), checksumField(inserted.frame), what);
                assertTrue(transportChecksumValid(inserted.frame), what);
                assertTrue(receive(on, frame, FrameSource.CHECKSUM_PARTIAL).transportVerified, what);
            }
            assertEquals(400, on.device().partialChecksumsReported());
            assertEquals(400, off.device().partialChecksumsInserted());
        }
    }

    // ---------------------------------------------------------------- verified

    @Test
    void aFrameTheSourceVerifiedIsReportedGoodOnlyWithReceiveOffload()
    {
        try (EmulatedNic on = nic(true); EmulatedNic off = nic(false))
        {
            final byte[] frame = partialFrame(TCP, 500, false, 11);
            new UnsafeBuffer(frame).putShort(14 + 20 + 16, (short)checksumFor(frame), NETWORK);
            assertTrue(transportChecksumValid(frame));
            final Received r = receive(on, frame, FrameSource.CHECKSUM_VERIFIED);
            assertTrue(r.transportVerified && r.ipVerified);
            assertEquals(1, on.device().sourceVerifiedChecksums());
            final Received software = receive(off, frame, FrameSource.CHECKSUM_VERIFIED);
            assertFalse(software.transportVerified, "offload off: software checks, whatever the source said");
            assertArrayEquals(frame, software.frame);

            final byte[] noUdpChecksum = partialFrame(UDP, 50, false, 12);
            new UnsafeBuffer(noUdpChecksum).putShort(14 + 20 + 6, (short)0);
            assertFalse(receive(on, noUdpChecksum, FrameSource.CHECKSUM_VERIFIED).transportVerified,
                "a UDP datagram without a checksum has none to vouch for");
        }
    }

    @Test
    void anUnflaggedFrameIsCheckedForReal()
    {
        try (EmulatedNic nic = nic(true))
        {
            final Received r = receive(nic, partialFrame(TCP, 100, false, 13), 0);
            assertFalse(r.transportVerified, "a pseudo-header sum is a bad checksum unless the wire says otherwise");
            assertTrue(r.ipVerified);
            assertEquals(0, nic.device().partialChecksumsReported() + nic.device().partialChecksumsUnresolved());
        }
    }

    @ParameterizedTest(name = "offload {0}")
    @ValueSource(booleans = {true, false})
    void flaggedFramesAllocateNothing(final boolean offload)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        try (EmulatedNic nic = nic(offload))
        {
            final byte[] tcp = partialFrame(TCP, 1000, false, 14);
            final byte[] udp = partialFrame(UDP, 333, true, 15);
            final UnsafeBuffer into = new UnsafeBuffer(0, 0);
            final int[] turn = new int[1];
            final FrameSource source = new FrameSource()
            {
                @Override
                public int read(final long address, final int capacity)
                {
                    final byte[] frame = (turn[0]++ & 1) == 0 ? tcp : udp;
                    into.wrap(address, capacity);
                    into.putBytes(0, frame);
                    return frame.length;
                }

                @Override
                public int frameFlags()
                {
                    return FrameSource.CHECKSUM_PARTIAL;
                }
            };
            final PacketBufferPool pool = nic.pool();
            final long[] good = new long[1];
            final FrameReceiver receiver = (handle, memory, offset, length) ->
            {
                if (pool.transportChecksumVerified(handle) == offload)
                {
                    good[0]++;
                }
                pool.release(handle);
            };
            pump(nic, source, receiver, 50_000); // warm-up: let the JIT settle
            // Up to three windows: a JIT recompilation can re-materialise an object once in a window
            // (deoptimisation); an allocation per frame shows in every window.
            final long[] windows = new long[3];
            long allocated = -1;
            int measured = 0;
            while (measured < windows.length && allocated != 0)
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                pump(nic, source, receiver, 100_000);
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                windows[measured++] = allocated;
            }
            assertEquals(0, allocated, "bytes allocated per window of 100,000 flagged frames, offload " + offload +
                ": " + java.util.Arrays.toString(windows));
            final long frames = 50_000 + 100_000L * measured;
            assertEquals(frames, good[0], "every frame verified by the device (offload) or left to software");
            final long handled = offload ? nic.device().partialChecksumsReported() :
                nic.device().partialChecksumsInserted();
            assertEquals(frames, handled);
        }
    }

    private static void pump(final EmulatedNic nic, final FrameSource source, final FrameReceiver receiver,
        final int frames)
    {
        for (int sent = 0; sent < frames; sent += 8)
        {
            for (int i = 0; i < 8; i++)
            {
                nic.device().receiveFrom(source);
            }
            nic.driver().receive(receiver, 8);
        }
    }

    // ---------------------------------------------------------------- frames and the reference

    /**
     * An IPv4 datagram to us with a valid header checksum and a transport checksum field holding only the
     * pseudo-header's sum, as Linux leaves a CHECKSUM_PARTIAL packet (tcp_v4_send_check, udp4_hwcsum).
     */
    private static byte[] partialFrame(final int protocol, final int payload, final boolean vlan, final long seed)
    {
        final int transportHeader = protocol == TCP ? 20 : 8;
        final int ip = vlan ? 18 : 14;
        final int totalLength = 20 + transportHeader + payload;
        final byte[] frame = new byte[ip + totalLength];
        final UnsafeBuffer view = new UnsafeBuffer(frame);
        MacAddress.write(view, 0, MAC);
        MacAddress.write(view, 6, PEER);
        if (vlan)
        {
            view.putShort(12, (short)0x8100, NETWORK);
            view.putShort(14, (short)42, NETWORK);
        }
        view.putShort(ip - 2, (short)0x0800, NETWORK);
        view.putByte(ip, (byte)0x45);
        view.putShort(ip + 2, (short)totalLength, NETWORK);
        view.putShort(ip + 4, (short)seed, NETWORK);
        view.putShort(ip + 6, (short)0x4000, NETWORK); // DF
        view.putByte(ip + 8, (byte)64);
        view.putByte(ip + 9, (byte)protocol);
        view.putInt(ip + 12, SOURCE_IP, NETWORK);
        view.putInt(ip + 16, DESTINATION_IP, NETWORK);
        view.putShort(ip + 10, (short)(~ChecksumReference.sum(frame, ip, 20) & 0xFFFF), NETWORK);
        final int transport = ip + 20;
        final SplittableRandom random = new SplittableRandom(seed);
        view.putShort(transport, (short)(40_000 + random.nextInt(1000)), NETWORK);
        view.putShort(transport + 2, (short)80, NETWORK);
        if (protocol == TCP)
        {
            view.putInt(transport + 4, random.nextInt(), NETWORK);
            view.putInt(transport + 8, random.nextInt(), NETWORK);
            view.putShort(transport + 12, (short)(5 << 12 | 0x18), NETWORK);
            view.putShort(transport + 14, (short)65535, NETWORK);
        }
        else if (protocol == UDP)
        {
            view.putShort(transport + 4, (short)(transportHeader + payload), NETWORK);
        }
        for (int i = transport + transportHeader; i < frame.length; i++)
        {
            frame[i] = (byte)random.nextInt(256);
        }
        if (protocol == TCP || protocol == UDP)
        {
            final int length = transportHeader + payload;
            final long pseudo = (SOURCE_IP >>> 16) + (SOURCE_IP & 0xFFFF) + (DESTINATION_IP >>> 16) +
                (DESTINATION_IP & 0xFFFF) + protocol + length;
            view.putShort(transport + checksumOffset(protocol), (short)fold(pseudo), NETWORK);
        }
        return frame;
    }

    private static int checksumOffset(final int protocol)
    {
        return protocol == TCP ? 16 : 6;
    }
}
