package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.wire.FrameSource;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

import static io.ringstack.nic.linux.LinuxNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A {@link PacketSocket} on its own (no NIC): frames queued on the TX ring reach the kernel in the other namespace,
 * its answers come back through the RX ring, 802.1Q tags come back into the frame, and what the ring cannot hold
 * is refused and counted; in both ring formats (TPACKET_V2 and V3), and V2 hands a lone frame over at once.
 */
class PacketSocketTest
{
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final long OUR_MAC = 0x5254_00CC_0002L;

    private String namespace;
    private String ours;
    private String theirs;
    private int subnet;
    private Arena arena;

    @BeforeEach
    void createVethPair()
    {
        assumeRoot();
        namespace = LinuxNet.name("sn");
        ours = LinuxNet.name("sa");
        theirs = LinuxNet.name("sb");
        subnet = freeSubnet(201);
        arena = Arena.ofConfined();
        must("ip", "netns", "add", namespace);
        must("ip", "link", "add", ours, "type", "veth", "peer", "name", theirs, "netns", namespace);
        sysctl("net/ipv6/conf/" + ours + "/disable_ipv6", "1");
        must("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + theirs + ".disable_ipv6=1");
        must("ip", "-n", namespace, "addr", "add", "10.201." + subnet + ".1/24", "dev", theirs);
        must("ip", "-n", namespace, "link", "set", theirs, "up");
        must("ip", "link", "set", ours, "up");
    }

    @AfterEach
    void deleteVethPair()
    {
        if (namespace != null)
        {
            quietly("ip", "netns", "del", namespace);
            quietly("ip", "link", "del", ours);
        }
        if (arena != null)
        {
            arena.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void anArpRequestQueuedOnTheTxRingIsAnsweredThroughTheRxRing(final TpacketVersion version)
    {
        try (PacketSocket socket = PacketSocket.open(ours, PacketRingConfig.DEFAULT.withVersion(version)))
        {
            final MemorySegment request = arena.allocate(2048, 64);
            final UnsafeBuffer frame = new UnsafeBuffer(request.address(), 2048);
            writeArpRequest(frame, ipv4(10, 201, subnet, 2), ipv4(10, 201, subnet, 1));
            assertTrue(socket.queue(request.address(), 42));
            assertEquals(1, socket.flush(), "one frame kicked");

            final MemorySegment received = arena.allocate(2048, 64);
            final UnsafeBuffer reply = new UnsafeBuffer(received.address(), 2048);
            final int length = readUntil(socket, received, reply, 0x0806);
            assertTrue(length >= 42, "ARP reply of " + length + " B");
            assertEquals(OUR_MAC, MacAddress.read(reply, 0), "to us");
            assertEquals(MacAddress.parse(must("ip", "netns", "exec", namespace, "cat", "/sys/class/net/" + theirs +
                "/address").trim()), MacAddress.read(reply, 6));
            assertEquals(2, reply.getShort(14 + 6, NETWORK), "RFC 826 reply opcode");
            assertEquals(ipv4(10, 201, subnet, 1), reply.getInt(14 + 14, NETWORK), "sender is the peer");
            assertEquals(0, socket.counters().get(PortCounter.OUTGOING_SKIPPED),
                "our own request never showed up in the ring");
        }
    }

    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void aTaggedFrameComesBackWithItsTag(final TpacketVersion version)
    {
        try (PacketSocket socket = PacketSocket.open(ours, PacketRingConfig.DEFAULT.withVersion(version)))
        {
            // The peer sends a frame tagged VLAN 7 (priority 5) as raw bytes; the receiving kernel takes the tag into
            // the packet's metadata before packet sockets see it (skb_vlan_untag), and read() puts it back.
            must("ip", "netns", "exec", namespace, "python3", "-c", String.join("\n",
                "import socket",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                "s.bind(('" + theirs + "', 0))",
                "s.send(bytes.fromhex('" + MacAddress.toString(OUR_MAC).replace(":", "") + "' + '02aabbccddee' +",
                "    '8100' + 'a007' + '88b5') + bytes(range(50)))"));
            final MemorySegment received = arena.allocate(2048, 64);
            final UnsafeBuffer frame = new UnsafeBuffer(received.address(), 2048);
            final int length = readUntil(socket, received, frame, 0x8100);
            assertEquals(68, length, "14 + 4 + 50 bytes, as sent");
            assertEquals(OUR_MAC, MacAddress.read(frame, 0));
            assertEquals(0x02AA_BBCC_DDEEL, MacAddress.read(frame, 6));
            assertEquals(0xA007, frame.getShort(14, NETWORK) & 0xFFFF, "IEEE 802.1Q TCI: priority 5, VLAN 7");
            assertEquals(0x88B5, frame.getShort(16, NETWORK) & 0xFFFF, "then the frame's own EtherType");
            for (int i = 0; i < 50; i++)
            {
                assertEquals(i, frame.getByte(18 + i), "payload byte " + i);
            }
            assertEquals(1, socket.counters().get(PortCounter.VLAN_TAGS_RESTORED), socket.counters().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void framesLongerThanATxSlotAreRefusedAndCounted(final TpacketVersion version)
    {
        try (PacketSocket socket = PacketSocket.open(ours,
            PacketRingConfig.DEFAULT.withVersion(version).withTx(256, 4)))
        {
            final MemorySegment frame = arena.allocate(2048, 64);
            final int capacity = 256 - (version == TpacketVersion.V2 ? 32 : 48);
            assertEquals(capacity, socket.config().txFrameCapacity(), "a slot less the " + version + " header");
            assertTrue(socket.queue(frame.address(), capacity), "a frame that just fits");
            assertFalse(socket.queue(frame.address(), capacity + 1));
            assertFalse(socket.queue(frame.address(), 0));
            assertEquals(2, socket.counters().get(PortCounter.TRANSMIT_OVERSIZE));
            assertEquals(1, socket.flush(), "only the frame that fit was queued");
            assertEquals(1, socket.counters().get(PortCounter.TRANSMIT_KICKS));
            assertEquals(0, socket.flush(), "nothing queued, no kick");
            assertEquals(1, socket.counters().get(PortCounter.TRANSMIT_KICKS));
        }
    }

    /**
     * TPACKET_V2 on a ring of 4 slots (2 per 4 KiB block, the rest of each block unused): ARP round trips go
     * around the ring many times, every slot is handed back, and a lone reply is read without waiting for any block
     * timer (V3 holds it up to 1 ms).
     */
    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void arpRoundTripsGoAroundASmallRing(final TpacketVersion version)
    {
        final PacketRingConfig config = PacketRingConfig.DEFAULT.withVersion(version).withRx(4096, 2, 1)
            .withRxFrameSize(1536).withTx(2048, 2);
        try (PacketSocket socket = PacketSocket.open(ours, config))
        {
            final MemorySegment request = arena.allocate(2048, 64);
            writeArpRequest(new UnsafeBuffer(request.address(), 2048), ipv4(10, 201, subnet, 2),
                ipv4(10, 201, subnet, 1));
            final MemorySegment received = arena.allocate(2048, 64);
            final UnsafeBuffer reply = new UnsafeBuffer(received.address(), 2048);
            final int rounds = 41;
            final long[] nanos = new long[rounds];
            for (int i = 0; i < rounds; i++)
            {
                final long start = System.nanoTime();
                assertTrue(socket.queue(request.address(), 42), "round " + i + ": " + socket.counters());
                socket.flush();
                final int length = spinUntilArp(socket, received, reply);
                nanos[i] = System.nanoTime() - start;
                assertTrue(length >= 42, "round " + i + ": ARP reply of " + length + " B");
                assertEquals(2, reply.getShort(14 + 6, NETWORK), "round " + i + ": RFC 826 reply opcode");
            }
            Arrays.sort(nanos);
            final long median = nanos[rounds / 2];
            System.out.printf("%s ARP round trip over a veth: median %.1f us, max %.1f us%n", version,
                median / 1e3, nanos[rounds - 1] / 1e3);
            final PortCounters counters = socket.counters();
            assertEquals(0, counters.get(PortCounter.TRANSMIT_RING_FULL), counters.toString());
            if (version == TpacketVersion.V2)
            {
                assertTrue(counters.get(PortCounter.FRAMES_RETURNED) >= rounds, "every slot handed back, the ring " +
                    "of 4 went around " + rounds / 4 + " times: " + counters);
                assertEquals(0, counters.get(PortCounter.BLOCKS_RETURNED), counters.toString());
                assertTrue(median < 500_000, "V2 hands a frame over at once: median round trip " + median + " ns " +
                    Arrays.toString(nanos));
            }
            else
            {
                assertTrue(counters.get(PortCounter.BLOCKS_RETURNED) >= rounds / 2, counters.toString());
                assertEquals(0, counters.get(PortCounter.FRAMES_RETURNED), counters.toString());
            }
        }
    }

    /**
     * Jumbo frames both ways on an interface with MTU 9000, through rings sized for them
     * ({@link PacketRingConfig#withMaxFrameLength}): 300 frames of 9014 bytes out, more than the 115 TX slots of 9056
     * bytes a 1 MiB block holds (slot 115 starts the next block), each reaching the peer intact; and the peer's
     * 9014-byte frames read whole.
     */
    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void jumboFramesGoBothWaysThroughRingsSizedForThem(final TpacketVersion version) throws Exception
    {
        must("ip", "link", "set", ours, "mtu", "9000");
        must("ip", "-n", namespace, "link", "set", theirs, "mtu", "9000");
        final long peer = MacAddress.parse(must("ip", "netns", "exec", namespace, "cat", "/sys/class/net/" + theirs +
            "/address").trim());
        final int frames = 300;
        final Process receiver = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", String.join("\n",
            "import socket",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))",
            "s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE: room for all of them",
            "s.bind(('" + theirs + "', 0))",
            "s.settimeout(2)",
            "pattern = bytes(j % 251 for j in range(9014 + 251))",
            "print('ready', flush=True)",
            "good = 0",
            "try:",
            "    while good < " + frames + ":",
            "        f = s.recv(65536)",
            "        i = f[14] | f[15] << 8",
            "        if len(f) == 9014 and f[16:] == pattern[i % 251:i % 251 + 9014 - 16]: good += 1",
            "except socket.timeout: pass",
            "print(good, flush=True)")).redirectErrorStream(true).start();
        final java.io.BufferedReader output = new java.io.BufferedReader(
            new java.io.InputStreamReader(receiver.getInputStream()));
        assertEquals("ready", output.readLine());
        try (PacketSocket socket = PacketSocket.open(ours,
            PacketRingConfig.DEFAULT.withVersion(version).withMaxFrameLength(9014)))
        {
            final MemorySegment memory = arena.allocate(9014, 64);
            final UnsafeBuffer frame = new UnsafeBuffer(memory.address(), 9014);
            for (int i = 0; i < frames; i++)
            {
                MacAddress.write(frame, 0, peer);
                MacAddress.write(frame, 6, OUR_MAC);
                frame.putShort(12, (short)0x88B5, NETWORK);
                frame.putShort(14, (short)i, ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < 9014 - 16; j++)
                {
                    frame.putByte(16 + j, (byte)((i + j) % 251));
                }
                assertTrue(socket.queue(memory.address(), 9014), "frame " + i + ": " + socket.counters());
                if (i % 50 == 49)
                {
                    socket.flush();
                    Thread.sleep(5); // the peer's python keeps up
                }
            }
            socket.flush();
            assertEquals(Integer.toString(frames), output.readLine(), "frames the peer got intact: " +
                socket.counters());
            assertTrue(receiver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));

            must("ip", "netns", "exec", namespace, "python3", "-c", String.join("\n",
                "import socket",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                "s.bind(('" + theirs + "', 0))",
                "for i in range(20):",
                "    s.send(bytes.fromhex('" + MacAddress.toString(OUR_MAC).replace(":", "") + "') + bytes(6) +",
                "        b'\\x88\\xb5' + bytes([i]) * 8998)"));
            final MemorySegment received = arena.allocate(16384, 64);
            final UnsafeBuffer view = new UnsafeBuffer(received.address(), 16384);
            for (int i = 0; i < 20; i++)
            {
                assertEquals(9012, readUntil(socket, received, view, 0x88B5), "frame " + i + " whole");
                assertEquals(i, view.getByte(9011), "frame " + i + " in order");
            }
            assertEquals(0, socket.counters().get(PortCounter.TRUNCATED) +
                socket.counters().get(PortCounter.QUEUED_COPIES), "each fit its slot: " + socket.counters());
        }
        finally
        {
            receiver.destroyForcibly();
        }
    }

    /** Reads without sleeping (up to 3 s) until an ARP frame arrives; returns its length. */
    private static int spinUntilArp(final PacketSocket socket, final MemorySegment into, final UnsafeBuffer view)
    {
        final long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            final int length = socket.read(into.address(), (int)into.byteSize());
            if (length >= 14 && (view.getShort(12, NETWORK) & 0xFFFF) == 0x0806)
            {
                return length;
            }
        }
        return fail("no ARP frame within 3 s: " + socket.counters());
    }

    @ParameterizedTest
    @EnumSource(TpacketVersion.class)
    void aPeerThatLeavesChecksumsToOffloadSendsUdpFlaggedNotReady(final TpacketVersion version)
    {
        final String us = "10.201." + subnet + ".2";
        must("ip", "-n", namespace, "neigh", "replace", us, "lladdr", MacAddress.toString(OUR_MAC), "dev", theirs);
        try (PacketSocket socket = PacketSocket.open(ours, PacketRingConfig.DEFAULT.withVersion(version)))
        {
            must("ip", "netns", "exec", namespace, "python3", "-c",
                "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x' * 100, ('" + us +
                    "', 9))");
            final MemorySegment received = arena.allocate(2048, 64);
            final UnsafeBuffer frame = new UnsafeBuffer(received.address(), 2048);
            readUntil(socket, received, frame, 0x0800);
            assertEquals(17, frame.getByte(14 + 9), "UDP");
            assertEquals(FrameSource.CHECKSUM_PARTIAL, socket.lastFrameFlags(), "passed on to the device");
            assertEquals(1, socket.counters().get(PortCounter.CHECKSUM_NOT_READY),
                "a veth's TX checksum offload (on by default) leaves the UDP checksum to the 'hardware': " +
                    socket.counters());
        }
    }

    /** Reads frames (waiting up to 3 s) until one with this EtherType arrives; returns its length. */
    private static int readUntil(final PacketSocket socket, final MemorySegment into, final UnsafeBuffer view,
        final int etherType)
    {
        final long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            final int length = socket.read(into.address(), (int)into.byteSize());
            if (length == 0)
            {
                socket.awaitReadable(50);
            }
            else if (length >= 14 && (view.getShort(12, NETWORK) & 0xFFFF) == etherType)
            {
                return length;
            }
        }
        return fail("no frame of EtherType 0x" + Integer.toHexString(etherType) + " within 3 s: " + socket.counters());
    }

    /** RFC 826 request, broadcast, from OUR_MAC and {@code sender} for {@code target}. */
    private static void writeArpRequest(final UnsafeBuffer frame, final int sender, final int target)
    {
        MacAddress.write(frame, 0, MacAddress.BROADCAST);
        MacAddress.write(frame, 6, OUR_MAC);
        frame.putShort(12, (short)0x0806, NETWORK);
        frame.putShort(14, (short)1, NETWORK);       // hardware: Ethernet
        frame.putShort(16, (short)0x0800, NETWORK);  // protocol: IPv4
        frame.putByte(18, (byte)6);
        frame.putByte(19, (byte)4);
        frame.putShort(20, (short)1, NETWORK);       // request
        MacAddress.write(frame, 22, OUR_MAC);
        frame.putInt(28, sender, NETWORK);
        MacAddress.write(frame, 32, 0);
        frame.putInt(38, target, NETWORK);
    }
}
