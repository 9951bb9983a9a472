package io.ringstack.ethernet.arp;

import io.ringstack.ethernet.wire.ArpPacket;
import io.ringstack.ethernet.wire.EtherType;
import io.ringstack.ethernet.wire.EthernetFrame;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A resolver on a small pool with a capturing transmitter and virtual time. Received packets are built as real
 * frames and go through EthernetFrame/ArpPacket.wrap; what ARP sends is copied and parsed back the same way.
 */
final class ArpFixture implements AutoCloseable
{
    static final long SECOND = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final long LOCAL_MAC = 0x5254_0000_0001L;
    static final int LOCAL_IP = ip(10, 0, 0, 1);
    static final long PEER_MAC = 0x5254_0000_0002L;
    static final int PEER_IP = ip(10, 0, 0, 2);
    static final long OTHER_MAC = 0x5254_0000_0003L;
    static final int OTHER_IP = ip(10, 0, 0, 3);
    /** Where test frames carry their tag, right after the Ethernet header. */
    static final int TAG_OFFSET = EthernetFrame.HEADER_LENGTH;

    final PacketBufferPool pool;
    final CapturingTransmitter wire;
    final ArpResolver arp;
    final UnsafeBuffer rx = new UnsafeBuffer(new byte[256]);
    final EthernetFrame frame = new EthernetFrame();
    final ArpPacket packet = new ArpPacket();
    long now = 1_000 * SECOND; // an arbitrary origin: nothing may assume time starts at zero

    ArpFixture(final ArpConfig config)
    {
        this(config, 64);
    }

    ArpFixture(final ArpConfig config, final int buffers)
    {
        pool = PacketBufferPool.allocate("arp-test", 2048, buffers);
        wire = new CapturingTransmitter(pool);
        arp = new ArpResolver(config, LOCAL_MAC, pool, wire);
    }

    /** The defaults without announcements, so that tests see only the frames they cause. */
    static ArpConfig quiet()
    {
        return ArpConfig.defaults().withAnnouncements(0, java.time.Duration.ofSeconds(2));
    }

    /** A fixture whose interface owns {@link #LOCAL_IP}, with nothing sent yet. */
    static ArpFixture started(final ArpConfig config)
    {
        final ArpFixture fixture = new ArpFixture(config);
        fixture.arp.addLocalAddress(LOCAL_IP, fixture.now);
        fixture.wire.take();
        return fixture;
    }

    static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    void advance(final long nanos)
    {
        now += nanos;
    }

    int poll()
    {
        return arp.poll(now);
    }

    /** Builds a broadcast (request) or unicast-to-us (reply) ARP frame and hands it to the resolver. */
    void receive(final int operation, final long senderMac, final int sender, final long targetMac, final int target)
    {
        final long destination = operation == ArpPacket.OPERATION_REQUEST ? MacAddress.BROADCAST : LOCAL_MAC;
        final int header = EthernetFrame.writeHeader(rx, 0, destination, senderMac, EtherType.ARP);
        ArpPacket.write(rx, header, operation, senderMac, sender, targetMac, target);
        rx.setMemory(header + ArpPacket.LENGTH, EthernetFrame.MIN_FRAME_LENGTH - header - ArpPacket.LENGTH, (byte)0);
        deliver(EthernetFrame.MIN_FRAME_LENGTH);
    }

    void request(final long senderMac, final int sender, final int target)
    {
        receive(ArpPacket.OPERATION_REQUEST, senderMac, sender, MacAddress.NONE, target);
    }

    void reply(final long senderMac, final int sender, final int target)
    {
        receive(ArpPacket.OPERATION_REPLY, senderMac, sender, LOCAL_MAC, target);
    }

    /** Wraps the first {@code length} bytes of {@link #rx} and hands the packet over as the Ethernet layer would. */
    void deliver(final int length)
    {
        assertTrue(frame.wrap(rx, 0, length), "test frame must be valid Ethernet");
        packet.wrap(rx, frame.payloadOffset(), frame.payloadLength());
        arp.onArp(frame, packet, now);
    }

    /** Claims a buffer and writes an IPv4 frame with a zero destination, our source and {@code tag} as payload. */
    int claimFrame(final int tag)
    {
        final int handle = pool.claim(BufferHolder.STACK);
        assertNotEquals(PacketBufferPool.NO_BUFFER, handle, "test pool exhausted");
        final int offset = pool.offset(handle);
        EthernetFrame.writeHeader(pool.memory(), offset, MacAddress.NONE, LOCAL_MAC, EtherType.IPV4);
        pool.memory().putInt(offset + TAG_OFFSET, tag, ByteOrder.BIG_ENDIAN);
        pool.memory().setMemory(offset + TAG_OFFSET + 4, 60 - TAG_OFFSET - 4, (byte)0);
        return handle;
    }

    boolean enqueue(final int nextHop, final int handle)
    {
        return arp.enqueue(nextHop, handle, pool.offset(handle), 60, now);
    }

    /** Closes the resolver and checks that every buffer is back in the pool. */
    @Override
    public void close()
    {
        arp.close();
        try
        {
            assertEquals(0, pool.outstanding(), () -> "leaked buffers: " + pool.describeOutstanding(10));
            assertEquals(0, pool.misuses(), "buffer misuse");
        }
        finally
        {
            pool.close();
        }
    }

    /** Records a copy of every frame (releasing the buffer as a device would after sending it). */
    static final class CapturingTransmitter implements FrameTransmitter
    {
        private final PacketBufferPool pool;
        final List<Captured> frames = new ArrayList<>();
        boolean accept = true;
        int refused;

        CapturingTransmitter(final PacketBufferPool pool)
        {
            this.pool = pool;
        }

        @Override
        public boolean transmit(final int handle, final int frameOffset, final int frameLength)
        {
            assertTrue(pool.isHeld(handle), "transmitted buffer must be held");
            assertTrue(frameOffset >= pool.offset(handle) &&
                frameOffset + frameLength <= pool.offset(handle) + pool.bufferSize(), "frame inside its buffer");
            if (!accept)
            {
                refused++;
                return false;
            }
            final byte[] bytes = new byte[frameLength];
            pool.memory().getBytes(frameOffset, bytes);
            frames.add(new Captured(bytes));
            pool.release(handle);
            return true;
        }

        int count()
        {
            return frames.size();
        }

        Captured last()
        {
            assertFalse(frames.isEmpty(), "nothing was sent");
            return frames.get(frames.size() - 1);
        }

        /** Removes and returns what was sent so far. */
        List<Captured> take()
        {
            final List<Captured> taken = new ArrayList<>(frames);
            frames.clear();
            return taken;
        }
    }

    /** A sent frame, parsed back with the flyweights. */
    record Captured(byte[] bytes)
    {
        EthernetFrame ethernet()
        {
            final EthernetFrame ethernet = new EthernetFrame();
            assertTrue(ethernet.wrap(new UnsafeBuffer(bytes), 0, bytes.length), "sent frame parses: " +
                ethernet.problem());
            return ethernet;
        }

        ArpPacket arp()
        {
            final EthernetFrame ethernet = ethernet();
            assertEquals(EtherType.ARP, ethernet.etherType(), "an ARP frame");
            final ArpPacket arp = new ArpPacket();
            assertTrue(arp.wrap(ethernet.buffer(), ethernet.payloadOffset(), ethernet.payloadLength()),
                () -> "sent ARP packet parses: " + arp.problem());
            return arp;
        }

        int tag()
        {
            return new UnsafeBuffer(bytes).getInt(TAG_OFFSET, ByteOrder.BIG_ENDIAN);
        }

        long destination()
        {
            return ethernet().destination();
        }
    }

    /** Checks every field of an ARP frame we sent, padding included. */
    static void assertArp(
        final Captured sent, final long ethernetDestination, final int operation,
        final int sender, final long targetMac, final int target)
    {
        assertEquals(EthernetFrame.MIN_FRAME_LENGTH, sent.bytes().length, "padded to the minimum frame");
        final EthernetFrame ethernet = sent.ethernet();
        assertEquals(MacAddress.toString(ethernetDestination), MacAddress.toString(ethernet.destination()), "eth dst");
        assertEquals(MacAddress.toString(LOCAL_MAC), MacAddress.toString(ethernet.source()), "eth src");
        final ArpPacket arp = sent.arp();
        assertEquals(ArpPacket.HARDWARE_ETHERNET, arp.hardwareType());
        assertEquals(EtherType.IPV4, arp.protocolType());
        assertEquals(6, arp.hardwareLength());
        assertEquals(4, arp.protocolLength());
        assertEquals(operation, arp.operation(), "ar$op");
        assertEquals(LOCAL_MAC, arp.senderHardwareAddress(), "ar$sha is ours");
        assertEquals(ProtocolAddress.toString(sender), ProtocolAddress.toString(arp.senderProtocolAddress()), "ar$spa");
        assertEquals(MacAddress.toString(targetMac), MacAddress.toString(arp.targetHardwareAddress()), "ar$tha");
        assertEquals(ProtocolAddress.toString(target), ProtocolAddress.toString(arp.targetProtocolAddress()), "ar$tpa");
        for (int i = ethernet.payloadOffset() + ArpPacket.LENGTH; i < sent.bytes().length; i++)
        {
            assertEquals(0, sent.bytes()[i], "padding byte " + i + " is zero");
        }
    }
}
