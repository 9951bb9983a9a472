package io.ringstack.ip.stack;

import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.ip.wire.InternetChecksum;
import io.ringstack.ip.wire.IpProtocol;
import io.ringstack.ip.wire.Ipv4Header;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.CaptureReader;
import org.agrona.concurrent.UnsafeBuffer;
import io.ringstack.testsupport.SharedCaptures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every frame of every real capture through a stack's receive path, twice: as captured, and readdressed to the stack
 * (destination MAC and IPv4 address rewritten, checksums updated incrementally per RFC 1624, so that real ICMP, UDP,
 * fragments and oddities reach the upper layers). Nothing may throw or leak, every frame is accounted for, and the
 * stack still answers a ping afterwards.
 */
class CaptureReplayTest
{
    static Stream<Path> captures()
    {
        return SharedCaptures.allOrSkip();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void everyFrameThroughTheReceivePath(final Path file) throws IOException
    {
        try (StackPair pair = new StackPair())
        {
            final Ipv4Stack stack = pair.b;
            final PacketBufferPool pool = pair.nicB.pool();
            final CaptureReader reader = CaptureReader.open(file);
            int frames = 0;
            while (reader.next())
            {
                final int linkOffset = linkHeaderToEthernet(reader.linkType());
                if (linkOffset != 0)
                {
                    continue; // only Ethernet captures can enter through the NIC
                }
                final UnsafeBuffer frame = reader.frame();
                final int length = Math.min(reader.capturedLength(), pool.bufferSize());
                for (int pass = 0; pass < 2; pass++)
                {
                    final int handle = pool.claim(BufferHolder.DRIVER);
                    assertNotEquals(PacketBufferPool.NO_BUFFER, handle, "pool exhausted: a leak");
                    final int offset = pool.offset(handle);
                    pool.memory().putBytes(offset, frame, 0, length);
                    if (pass == 1)
                    {
                        readdress(pool.memory(), offset, length, stack);
                    }
                    try
                    {
                        stack.onFrame(handle, pool.memory(), offset, length);
                    }
                    catch (final RuntimeException ex)
                    {
                        throw new AssertionError(file.getFileName() + " record " + reader.records() + " pass " + pass, ex);
                    }
                    frames++;
                }
                if (frames % 64 == 0)
                {
                    pair.step(); // send what the frames provoked, reclaim
                }
            }
            pair.clock.advanceMillis(120_000);
            pair.settle();
            StackPair.assertEveryFrameAccounted(stack);
            final int[] replies = new int[1];
            pair.a.echoReplyListener((source, id, seq, data, offset, length, now) -> replies[0] += id == 0xCAFE ? 1 : 0);
            pair.a.sendEchoRequest(StackPair.IP_B, 0xCAFE, 1, 8);
            assertTrue(pair.runUntil(() -> replies[0] == 1, 100, 1), "still answers ping " + stack.countersSnapshot());
        }
    }

    private static int linkHeaderToEthernet(final int linkType)
    {
        return linkType == 1 ? 0 : -1;
    }

    /** Points an Ethernet/IPv4 frame at the stack, fixing checksums by RFC 1624 so they stay as right or wrong as they were. */
    private static void readdress(final UnsafeBuffer memory, final int offset, final int length, final Ipv4Stack stack)
    {
        final EthernetFrame ethernet = new EthernetFrame();
        if (length < 6)
        {
            return;
        }
        MacAddress.write(memory, offset, stack.macAddress());
        if (!ethernet.wrap(memory, offset, length) || ethernet.etherType() != EtherType.IPV4 || ethernet.vlanCount() != 0)
        {
            return;
        }
        final int ip = ethernet.payloadOffset();
        if (ethernet.payloadLength() < 20 || (memory.getByte(ip) & 0xF0) != 0x40)
        {
            return;
        }
        final int oldDestination = memory.getInt(ip + Ipv4Header.DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN);
        final int newDestination = stack.localAddress();
        memory.putInt(ip + Ipv4Header.DESTINATION_OFFSET, newDestination, ByteOrder.BIG_ENDIAN);
        final int checksum = memory.getShort(ip + Ipv4Header.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        memory.putShort(ip + Ipv4Header.CHECKSUM_OFFSET,
            (short)InternetChecksum.update32(checksum, oldDestination, newDestination), ByteOrder.BIG_ENDIAN);
        final int ihl = (memory.getByte(ip) & 0x0F) * 4;
        final int protocol = memory.getByte(ip + Ipv4Header.PROTOCOL_OFFSET) & 0xFF;
        final int fragment = memory.getShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x1FFF;
        if (protocol == IpProtocol.UDP && fragment == 0 && ihl >= 20 && ip + ihl + 8 <= offset + length)
        {
            final int at = ip + ihl + 6;
            final int udpChecksum = memory.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (udpChecksum != 0) // the pseudo-header holds the destination address
            {
                memory.putShort(at, (short)InternetChecksum.update32(udpChecksum, oldDestination, newDestination),
                    ByteOrder.BIG_ENDIAN);
            }
        }
    }
}
