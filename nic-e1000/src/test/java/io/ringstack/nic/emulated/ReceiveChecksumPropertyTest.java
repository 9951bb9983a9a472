package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.wire.ChecksumReference;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulated device's receive checksum offload against an independent reference, over seeded random IPv4 frames
 * (TCP, UDP, other protocols; IP options; 802.1Q tags; fragments) and their mutations (flipped bytes, lying IHL,
 * total length and data offset, truncation): nothing throws, every frame sent is received, whatever the device
 * reports verified really is valid by the reference, and every intact TCP/UDP datagram is reported verified. The
 * seed is in every message.
 */
class ReceiveChecksumPropertyTest
{
    private static final long MAC_A = 0x5254_0000_000AL;
    private static final long MAC_B = 0x5254_0000_000BL;
    private static final int HEADROOM = 32;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3, 20261123 })
    void verdictsAgreeWithTheReference(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        try (EmulatedNic a = EmulatedNic.builder("a", MAC_A).rings(64, 64).buffers(256).bufferSize(2048)
                 .strict(true).checksumOffload(false).build();
             EmulatedNic b = EmulatedNic.builder("b", MAC_B).rings(64, 64).buffers(256).bufferSize(2048)
                 .strict(true).checksumOffload(true).build();
             InMemoryWire wire = InMemoryWire.connect(a.device(), b.device()))
        {
            a.start();
            b.start();
            int transportVerified = 0;
            int ipVerified = 0;
            for (int round = 0; round < 4000; round++)
            {
                final String where = "seed " + seed + " round " + round;
                final boolean mutate = random.nextInt(3) == 0;
                final byte[] frame = frame(random, mutate);
                final int handle = a.pool().claim(BufferHolder.TX_BUILD);
                a.pool().memory().putBytes(a.pool().offset(handle) + HEADROOM, frame);
                assertTrue(a.driver().transmit(handle, a.pool().offset(handle) + HEADROOM, frame.length), where);
                a.driver().flush();
                a.driver().reclaim();
                final boolean[] got = new boolean[3];
                final int n = b.driver().receive((h, memory, offset, length) ->
                {
                    final byte[] received = new byte[length];
                    memory.getBytes(offset, received);
                    got[0] = true;
                    got[1] = b.pool().ipChecksumVerified(h);
                    got[2] = b.pool().transportChecksumVerified(h);
                    b.pool().release(h);
                }, 8);
                assertEquals(1, n, where + ": every frame arrives (a frame of " + frame.length + " B)");
                final Reference reference = new Reference(frame);
                if (got[1])
                {
                    assertTrue(reference.ipHeaderValid, where + ": reported IPCS without IPE, so the header sums");
                    ipVerified++;
                }
                if (got[2])
                {
                    assertTrue(reference.transportValid, where + ": reported TCPCS without TCPE, so it must verify");
                    transportVerified++;
                }
                if (!mutate && reference.transportValid && reference.ipHeaderValid && !reference.fragment)
                {
                    assertTrue(got[1] && got[2], where + ": an intact datagram is reported verified");
                }
                if (reference.fragment)
                {
                    assertFalse(got[2], where + ": a fragment's transport checksum is never vouched for");
                }
            }
            assertTrue(transportVerified > 1000 && ipVerified > 1000, "seed " + seed + ": enough verified cases (" +
                transportVerified + ", " + ipVerified + ")");
            assertEquals(0, b.driver().counters().rxDescriptorErrors, "seed " + seed);
        }
    }

    /** A random IPv4 frame with correct checksums, then perhaps mutated. */
    private static byte[] frame(final SplittableRandom random, final boolean mutate)
    {
        final boolean vlan = random.nextInt(5) == 0;
        final int protocol = switch (random.nextInt(6))
        {
            case 0, 1, 2 -> 6;
            case 3, 4 -> 17;
            default -> 1 + random.nextInt(250);
        };
        final int options = random.nextInt(4) == 0 ? 4 * random.nextInt(1, 11) : 0;
        final int transportHeader = protocol == 6 ? 20 + 4 * random.nextInt(0, 11) : 8;
        final int payload = random.nextInt(0, 1400 - options - transportHeader);
        final int ipOffset = vlan ? 18 : 14;
        final int ipHeader = 20 + options;
        final int total = ipHeader + transportHeader + payload;
        final byte[] frame = new byte[Math.max(60, ipOffset + total)];
        final UnsafeBuffer view = new UnsafeBuffer(frame);
        MacAddress.write(view, 0, MAC_B);
        MacAddress.write(view, 6, MAC_A);
        if (vlan)
        {
            view.putShort(12, (short)0x8100, ByteOrder.BIG_ENDIAN);
            view.putShort(14, (short)random.nextInt(1, 4095), ByteOrder.BIG_ENDIAN);
        }
        view.putShort(ipOffset - 2, (short)0x0800, ByteOrder.BIG_ENDIAN);
        for (int i = ipOffset; i < frame.length; i++)
        {
            frame[i] = (byte)random.nextInt(256);
        }
        frame[ipOffset] = (byte)(0x40 | ipHeader / 4);
        view.putShort(ipOffset + 2, (short)total, ByteOrder.BIG_ENDIAN);
        view.putShort(ipOffset + 6, (short)(random.nextInt(8) == 0 ? 0x2000 | random.nextInt(100) : 0x4000),
            ByteOrder.BIG_ENDIAN);
        frame[ipOffset + 9] = (byte)protocol;
        view.putShort(ipOffset + 10, (short)0);
        view.putShort(ipOffset + 10, (short)~fold(sum(frame, ipOffset, ipHeader)), ByteOrder.BIG_ENDIAN);
        final int transport = ipOffset + ipHeader;
        if (protocol == 6)
        {
            frame[transport + 12] = (byte)(transportHeader / 4 << 4);
        }
        if (protocol == 6 || protocol == 17)
        {
            final int field = transport + (protocol == 6 ? 16 : 6);
            if (protocol == 17)
            {
                view.putShort(transport + 4, (short)(transportHeader + payload), ByteOrder.BIG_ENDIAN);
            }
            view.putShort(field, (short)0);
            final long pseudo = sum(frame, ipOffset + 12, 8) + protocol + transportHeader + payload;
            int checksum = ~fold(pseudo + sum(frame, transport, transportHeader + payload)) & 0xFFFF;
            if (protocol == 17 && (checksum == 0 || random.nextInt(10) == 0))
            {
                checksum = checksum == 0 ? 0xFFFF : 0; // RFC 768: all ones for a computed 0; 0 is "none"
            }
            view.putShort(field, (short)checksum, ByteOrder.BIG_ENDIAN);
        }
        if (!mutate)
        {
            return frame;
        }
        switch (random.nextInt(5))
        {
            case 0 -> frame[ipOffset + random.nextInt(frame.length - ipOffset)] ^= (byte)(1 << random.nextInt(8));
            case 1 -> frame[ipOffset] = (byte)(0x40 | random.nextInt(16)); // IHL lies
            case 2 -> view.putShort(ipOffset + 2, (short)random.nextInt(65536), ByteOrder.BIG_ENDIAN);
            case 3 -> frame[transport + 12 < frame.length ? transport + 12 : ipOffset] ^= (byte)0xF0;
            default ->
            {
                final byte[] cut = new byte[Math.max(60, random.nextInt(ipOffset, frame.length + 1))];
                System.arraycopy(frame, 0, cut, 0, Math.min(cut.length, frame.length));
                return cut;
            }
        }
        return frame;
    }

    /** RFC 1071 in Java arrays with every bound checked: what the device may claim. */
    private static final class Reference
    {
        final boolean ipHeaderValid;
        final boolean transportValid;
        final boolean fragment;

        Reference(final byte[] frame)
        {
            final UnsafeBuffer view = new UnsafeBuffer(frame);
            int type = view.getShort(12, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            int ip = 14;
            if (type == 0x8100)
            {
                type = view.getShort(16, ByteOrder.BIG_ENDIAN) & 0xFFFF;
                ip = 18;
            }
            final int headerLength = ip < frame.length ? (frame[ip] & 0x0F) * 4 : 0;
            final boolean ipv4 = type == 0x0800 && ip + 20 <= frame.length && (frame[ip] & 0xF0) == 0x40 &&
                headerLength >= 20 && ip + headerLength <= frame.length;
            ipHeaderValid = ipv4 && fold(sum(frame, ip, headerLength)) == 0xFFFF;
            final int total = ipv4 ? view.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF : 0;
            fragment = ipv4 && (view.getShort(ip + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF) != 0;
            final int protocol = ipv4 ? frame[ip + 9] & 0xFF : 0;
            final int transportLength = total - headerLength;
            if (!ipv4 || total < headerLength || ip + total > frame.length || (protocol != 6 && protocol != 17) ||
                transportLength < (protocol == 6 ? 20 : 8))
            {
                transportValid = false;
                return;
            }
            final long pseudo = sum(frame, ip + 12, 8) + protocol + transportLength;
            transportValid = fold(pseudo + sum(frame, ip + headerLength, transportLength)) == 0xFFFF;
        }
    }

    private static long sum(final byte[] bytes, final int offset, final int length)
    {
        return ChecksumReference.sum(bytes, offset, length);
    }

    private static int fold(final long partial)
    {
        return ChecksumReference.fold(partial);
    }
}
