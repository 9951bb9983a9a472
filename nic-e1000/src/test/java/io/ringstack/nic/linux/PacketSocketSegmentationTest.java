package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.ringstack.nic.linux.LinuxNet.*;
import static io.ringstack.nic.wire.ChecksumReference.transportChecksumValid;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Real segmentation-offload packets through a packet socket into the emulated NIC. The peer in the other namespace
 * sends TCP packets of 12,000 and 60,000 bytes with a virtio-net header asking for TCP segmentation (PACKET_VNET_HDR,
 * gso_type TCPV4), as its TCP stack does with TSO on; the veth passes them on uncut, and our socket sees them
 * flagged TP_STATUS_GSO_TCP and TP_STATUS_CSUMNOTREADY. Then a plain frame. The NIC gets frames of at most 1514
 * bytes whose payload is the packets', in order, with checksums a byte-at-a-time reference accepts, and the plain
 * frame after them; for each way a packet arrives whole: from the socket's queue (V2, 2 KiB slots), from a V2 slot
 * that holds it (16 KiB slots: the slot is given back after its last frame), from a V3 block.
 */
class PacketSocketSegmentationTest
{
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final long OUR_MAC = 0x5254_00CC_0012L;
    private static final int[] PAYLOADS = {12_000, 60_000, 100};
    private static final int[] SEQUENCES = {-6_000, 100_000, 300_000}; // the first wraps around 2^32

    private String namespace;
    private String ours;
    private String theirs;

    /** How a 12,000 or 60,000 byte packet reaches the socket's reader whole. */
    enum Ring
    {
        /** Both are queued on the socket as well, and read with recv(2). */
        V2_QUEUED_COPIES(PacketRingConfig.DEFAULT, 2),
        /** The first fits a 16 KiB slot and is cut there; the second is read from the queue. */
        V2_LARGE_SLOTS(PacketRingConfig.DEFAULT.withRxFrameSize(16_384), 1),
        /** Both lie in 128 KiB blocks. */
        V3_BLOCKS(PacketRingConfig.THROUGHPUT, 0);

        final PacketRingConfig config;
        final int queuedCopies;

        Ring(final PacketRingConfig config, final int queuedCopies)
        {
            this.config = config;
            this.queuedCopies = queuedCopies;
        }
    }

    @BeforeEach
    void createVethPair()
    {
        assumeRoot();
        namespace = LinuxNet.name("gn");
        ours = LinuxNet.name("ga");
        theirs = LinuxNet.name("gb");
        must("ip", "netns", "add", namespace);
        must("ip", "link", "add", ours, "type", "veth", "peer", "name", theirs, "netns", namespace);
        sysctl("net/ipv6/conf/" + ours + "/disable_ipv6", "1");
        must("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + theirs + ".disable_ipv6=1");
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
    }

    /** Python for the peer: each packet with a virtio_net_hdr (linux/virtio_net.h), GSO TCPv4 if longer than 1448. */
    private String peerSends()
    {
        return peerSends(list(PAYLOADS), list(SEQUENCES));
    }

    private String peerSends(final List<Integer> payloads, final List<Integer> sequences)
    {
        return String.join("\n",
            "import socket, struct",
            "def csum(b):",
            "    b = b + b'\\0' * (len(b) % 2)",
            "    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
            "    while s >> 16: s = (s & 0xffff) + (s >> 16)",
            "    return s",
            "src = bytes.fromhex(open('/sys/class/net/" + theirs + "/address').read().strip().replace(':', ''))",
            "dst = bytes.fromhex('" + MacAddress.toString(OUR_MAC).replace(":", "") + "')",
            "sip, dip = socket.inet_aton('10.9.9.1'), socket.inet_aton('10.9.9.2')",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
            "s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR",
            "s.bind(('" + theirs + "', 0))",
            "pattern = bytes(k % 251 for k in range(65536 + 251))",
            "for n, (length, seq) in enumerate(zip(" + payloads + ", " + sequences + ")):",
            "    payload = bytes(((n * 31) % 251 + k * 7) % 251 for k in range(length)) if n < 3 else " +
                "pattern[n % 251:n % 251 + length]",
            "    tcp_len = 20 + length",
            "    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + tcp_len, 1000 + n, 0x4000, 64, 6, 0, sip, dip)",
            "    ip = ip[:10] + struct.pack('!H', ~csum(ip) & 0xffff) + ip[12:]",
            "    pseudo = csum(sip + dip + struct.pack('!HH', 6, tcp_len))",
            "    tcp = struct.pack('!HHIIBBHHH', 40000, 5001, seq % 2**32, 1, 5 << 4, 0x18, 65000, pseudo, 0)",
            "    gso = 1 if length > 1448 else 0  # VIRTIO_NET_HDR_GSO_TCPV4",
            "    vnet = struct.pack('<BBHHHH', 1, gso, 54, 1448 if gso else 0, 34, 16)  # NEEDS_CSUM at 34 + 16",
            "    s.send(vnet + dst + src + b'\\x08\\x00' + ip + tcp + payload)");
    }

    private static List<Integer> list(final int[] values)
    {
        final List<Integer> list = new ArrayList<>();
        for (final int v : values)
        {
            list.add(v);
        }
        return list;
    }

    @ParameterizedTest
    @EnumSource(Ring.class)
    void aPeersSegmentationOffloadPacketsReachTheNicAsFramesThatFit(final Ring ring)
    {
        try (EmulatedNic nic = EmulatedNic.builder("gso", OUR_MAC).rings(256, 16).buffers(512).bufferSize(2048)
            .checksumOffload(false).strict(true).build();
            PacketSocketPort port = PacketSocketPort.attach(PacketSocket.open(ours, ring.config), nic.device()))
        {
            nic.start();
            must("ip", "netns", "exec", namespace, "python3", "-c", peerSends());

            final List<byte[]> frames = new ArrayList<>();
            final PacketBufferPool pool = nic.pool();
            final int expected = PAYLOADS[0] + PAYLOADS[1] + PAYLOADS[2];
            int received = 0;
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (received < expected)
            {
                assertTrue(System.nanoTime() < deadline, received + " of " + expected + " bytes in 5 s: " + port +
                    ", " + nic.device());
                if (port.pollOnce() == 0)
                {
                    port.socket().awaitReadable(20);
                }
                final int[] bytes = {0};
                nic.driver().receive((handle, memory, offset, length) ->
                {
                    final byte[] frame = new byte[length];
                    memory.getBytes(offset, frame);
                    if (length >= 54 && (memory.getShort(offset + 12, NETWORK) & 0xFFFF) == 0x0800 &&
                        frame[14 + 9] == 6)
                    {
                        frames.add(frame);
                        bytes[0] += length - 54;
                    }
                    pool.release(handle);
                }, 256);
                received += bytes[0];
            }

            final ByteArrayOutputStream[] payloads = {new ByteArrayOutputStream(), new ByteArrayOutputStream(),
                new ByteArrayOutputStream()};
            int packet = 0;
            for (int i = 0; i < frames.size(); i++)
            {
                final byte[] frame = frames.get(i);
                final UnsafeBuffer view = new UnsafeBuffer(frame);
                final String what = ring + ", frame " + i;
                assertTrue(frame.length <= 1514, what + ": " + frame.length + " B");
                assertTrue(transportChecksumValid(frame), what + ": the checksum the NIC inserted");
                final int identification = view.getShort(14 + 4, NETWORK) & 0xFFFF;
                final int sequence = view.getInt(14 + 20 + 4, NETWORK);
                while (packet < 3 && sequence != SEQUENCES[packet] + payloads[packet].size())
                {
                    assertEquals(PAYLOADS[packet], payloads[packet].size(), what + ": packet " + packet + " whole " +
                        "before the next");
                    packet++;
                }
                assertTrue(packet < 3, what + ": sequence " + sequence + " belongs to no packet, in order");
                assertEquals(1000 + packet + (payloads[packet].size() / 1460) & 0xFFFF, identification,
                    what + ": IPv4 ID");
                payloads[packet].write(frame, 54, frame.length - 54);
            }
            for (int n = 0; n < 3; n++)
            {
                final byte[] bytes = payloads[n].toByteArray();
                assertEquals(PAYLOADS[n], bytes.length, ring + ": packet " + n);
                for (int k = 0; k < bytes.length; k++)
                {
                    if ((bytes[k] & 0xFF) != (n * 31 + k * 7) % 251)
                    {
                        fail(ring + ": packet " + n + " byte " + k);
                    }
                }
            }

            final PortCounters counters = port.counters();
            final int segments = (PAYLOADS[0] + 1459) / 1460 + (PAYLOADS[1] + 1459) / 1460;
            assertEquals(segments + 1, frames.size(), counters.toString());
            assertEquals(2, counters.get(PortCounter.GSO_TCP), "the kernel marked both (Linux 6.3+): " + counters);
            assertEquals(2, counters.get(PortCounter.GSO_PACKETS), counters.toString());
            assertEquals(segments, counters.get(PortCounter.GSO_SEGMENTS), counters.toString());
            assertEquals(ring.queuedCopies, counters.get(PortCounter.QUEUED_COPIES), counters.toString());
            assertEquals(0, counters.get(PortCounter.TRUNCATED), counters.toString());
            assertEquals(segments + 1, nic.device().partialChecksumsInserted(), "every frame's checksum was left " +
                "to the NIC, which inserted it: " + nic.device());
            assertFalse(port.socket().hasPendingFrames());
            if (ring.config.version() == TpacketVersion.V2)
            {
                assertTrue(counters.get(PortCounter.FRAMES_RETURNED) >= 3, "every slot handed back: " + counters);
            }
        }
    }

    /**
     * Cutting real segmentation-offload packets allocates nothing on the thread that feeds the NIC (pollOnce: the
     * ring, recv(2) of queued copies, the cutting, the device's DMA), once warm: rounds of 100 packets of 12,000
     * bytes, at least two, until one allocates nothing (at most 8).
     */
    @ParameterizedTest
    @EnumSource(value = Ring.class, names = {"V2_QUEUED_COPIES", "V3_BLOCKS"})
    void cuttingRealPacketsAllocatesNothingOnceWarm(final Ring ring)
    {
        final com.sun.management.ThreadMXBean threads = WireMeasurements.threads();
        try (EmulatedNic nic = EmulatedNic.builder("gso", OUR_MAC).rings(1024, 16).buffers(2048).bufferSize(2048)
            .checksumOffload(true).strict(true).build();
            PacketSocketPort port = PacketSocketPort.attach(PacketSocket.open(ours, ring.config), nic.device()))
        {
            nic.start();
            final PacketBufferPool pool = nic.pool();
            final io.ringstack.nic.e1000.FrameReceiver release = (handle, memory, offset, length) ->
                pool.release(handle);
            final List<Integer> payloads = new ArrayList<>();
            final List<Integer> sequences = new ArrayList<>();
            for (int n = 3; n < 103; n++)
            {
                payloads.add(12_000);
                sequences.add(n * 100_000);
            }
            final String script = peerSends(payloads, sequences).replace("for n, (length, seq) in enumerate(zip(",
                "for n, (length, seq) in enumerate(zip([0, 0, 0] + ").replace("), " + sequences + "))",
                "), [0, 0, 0] + " + sequences + "))").replace("    payload =", "    if n < 3: continue\n    payload =");
            final long thread = Thread.currentThread().threadId();
            final List<Long> rounds = new ArrayList<>();
            long frames = 0;
            for (int round = 0; round < 8 && (round < 2 || rounds.getLast() != 0); round++)
            {
                must("ip", "netns", "exec", namespace, "python3", "-c", script);
                final long before = threads.getThreadAllocatedBytes(thread);
                long idleSince = System.nanoTime();
                while (System.nanoTime() - idleSince < 200_000_000L)
                {
                    final int fed = port.pollOnce();
                    final int taken = nic.driver().receive(release, 256);
                    frames += taken;
                    if (fed + taken > 0)
                    {
                        idleSince = System.nanoTime();
                    }
                }
                rounds.add(threads.getThreadAllocatedBytes(thread) - before);
            }
            System.out.println(ring + ": bytes allocated per round of 100 packets " + rounds + ", " + frames +
                " frames, " + port.counters());
            assertEquals(0, rounds.getLast(), "a round that allocated nothing: " + rounds);
            assertTrue(port.counters().get(PortCounter.GSO_SEGMENTS) >= 9 * 100 * rounds.size() * 9 / 10,
                "most packets arrived (the peer does not wait for us): " + port.counters());
            assertEquals(port.counters().get(PortCounter.GSO_SEGMENTS), frames, "each frame reached the driver");
        }
    }
}
