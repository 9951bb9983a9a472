package io.ringstack.socket;

import io.ringstack.ip.wire.UdpDrop;
import io.ringstack.nic.emulated.EmulatedE1000;
import io.ringstack.nic.linux.PortCounter;
import io.ringstack.nic.linux.PortCounters;
import io.ringstack.tcp.wire.TcpDrop;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Veth;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A NetStack on AF_PACKET at one end of a veth pair, Linux at the other with its TX checksum offload on, as Linux
 * sets up a veth: every TCP segment and UDP datagram Linux sends arrives with its checksum left to offload
 * (TP_STATUS_CSUMNOTREADY), and none may be dropped as a bad checksum: the data arrives intact.
 * <pre>
 *   NetStack 198.18.8x.2  AF_PACKET on H ---- veth ---- eth0 198.18.8x.1/24 (tx-checksumming on)  python3
 * </pre>
 */
@RequiresRoot
@RequiresTool("ethtool")
@RequiresTool("python3")
class AfPacketChecksumOffloadTest
{
    private static final String US = "198.18.87.2";

    /**
     * Linux's defaults for a veth back on the peer's end (withVeth turns every offload off): checksum offload,
     * scatter-gather, segmentation offload and VLAN acceleration on. TSO hands the packet socket TCP packets of up to
     * 64 KiB (TP_STATUS_GSO_TCP), which the port cuts into frames, each with its checksum left to the NIC
     * ({@link AfPacketSegmentationOffloadTest}).
     */
    private static void linuxDefaults(final NetworkNamespace namespace, final Veth veth)
    {
        namespace.exec("ethtool", "-K", veth.nsEnd(), "rx", "on", "tx", "on", "sg", "on", "gso", "on", "tso", "on",
            "rxvlan", "on", "txvlan", "on");
        final String features = namespace.exec("ethtool", "-k", veth.nsEnd()).stdout();
        assertTrue(features.contains("tx-checksumming: on"), features);
        assertTrue(features.contains("tcp-segmentation-offload: on"), features);
    }

    private static long tcpDrops(final NetStack stack, final TcpDrop reason) throws Exception
    {
        return stack.submit(() -> stack.tcp().drops().get(reason)).get(10, TimeUnit.SECONDS);
    }

    private static long udpDrops(final NetStack stack, final UdpDrop reason) throws Exception
    {
        return stack.submit(() -> stack.ipv4().udp().drops().get(reason)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void tcpDataFromALinuxPeerWithChecksumOffloadArrivesIntact() throws Exception
    {
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18.87.1/24");
            linuxDefaults(namespace, veth);
            try (NetStack stack = NetStack.builder("csum").mac(0x5254_0087_0002L).address(US + "/24")
                .afPacket(veth.hostEnd()).start(); TcpServerSocket server = stack.listen(5001, 4))
            {
                final int bytes = 4 * 1024 * 1024;
                final BackgroundProcess client = namespace.startInNamespace("python3", "-c",
                    "import hashlib, random, socket\n" +
                        "data = random.Random(87).randbytes(" + bytes + ")\n" +
                        "s = socket.create_connection(('" + US + "', 5001), timeout=30)\n" +
                        "s.sendall(data)\n" +
                        "s.shutdown(socket.SHUT_WR)\n" +
                        "s.recv(1)\n" +
                        "print(hashlib.sha256(data).hexdigest(), flush=True)\n");
                final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                long received = 0;
                try (TcpSocket socket = server.accept(20, TimeUnit.SECONDS))
                {
                    socket.setReadTimeout(30, TimeUnit.SECONDS);
                    final InputStream in = socket.getInputStream();
                    final byte[] chunk = new byte[65536];
                    int n;
                    while ((n = in.read(chunk)) > 0)
                    {
                        sha256.update(chunk, 0, n);
                        received += n;
                    }
                }
                assertEquals(0, client.waitFor(Duration.ofSeconds(30)), client.stderr() + stack.port().counters());
                assertEquals(bytes, received);
                assertEquals(client.stdout().trim(), HexFormat.of().formatHex(sha256.digest()), "the bytes intact");

                final PortCounters counters = stack.port().counters();
                final EmulatedE1000 device = stack.port().device();
                assertEquals(0, tcpDrops(stack, TcpDrop.BAD_CHECKSUM), counters.toString());
                assertTrue(counters.get(PortCounter.CHECKSUM_NOT_READY) > bytes / 1460,
                    "Linux left the checksum of every segment to offload: " + counters);
                assertEquals(counters.get(PortCounter.CHECKSUM_NOT_READY), device.partialChecksumsReported(),
                    "and the NIC (RXCSUM.TUOFL on) vouched for each");
                System.out.println("TCP from Linux with tx checksum offload on: " + received + " B intact, " +
                    counters);
            }
        }
    }

    @Test
    void requestsAndAnswersWithAllOfLinuxsOffloadsOnArriveIntact() throws Exception
    {
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18.89.1/24");
            linuxDefaults(namespace, veth);
            try (NetStack stack = NetStack.builder("csum").mac(0x5254_0089_0002L).address("198.18.89.2/24")
                .afPacket(veth.hostEnd()).start(); TcpServerSocket server = stack.listen(7, 4))
            {
                // 200 requests of 1 to 1400 bytes, each answered before the next: no write exceeds a segment
                final BackgroundProcess client = namespace.startInNamespace("python3", "-c",
                    "import socket\n" +
                        "s = socket.create_connection(('198.18.89.2', 7), timeout=10)\n" +
                        "for i in range(200):\n" +
                        "    request = bytes((i + j) % 251 for j in range(1 + i * 53 % 1400))\n" +
                        "    s.sendall(request)\n" +
                        "    answer = b''\n" +
                        "    while len(answer) < len(request):\n" +
                        "        answer += s.recv(65536)\n" +
                        "    assert answer == request, i\n" +
                        "s.close()\n" +
                        "print('200 echoed', flush=True)\n");
                long echoed = 0;
                try (TcpSocket socket = server.accept(20, TimeUnit.SECONDS))
                {
                    socket.setReadTimeout(20, TimeUnit.SECONDS);
                    final byte[] chunk = new byte[65536];
                    int n;
                    while ((n = socket.getInputStream().read(chunk)) > 0)
                    {
                        socket.getOutputStream().write(chunk, 0, n);
                        echoed += n;
                    }
                }
                assertEquals(0, client.waitFor(Duration.ofSeconds(30)), client.stderr() + stack.port().counters());
                assertEquals("200 echoed", client.stdout().trim());
                final PortCounters counters = stack.port().counters();
                assertEquals(0, tcpDrops(stack, TcpDrop.BAD_CHECKSUM), counters.toString());
                assertEquals(0, counters.get(PortCounter.GSO_TCP), "no write longer than a segment: " + counters);
                assertTrue(counters.get(PortCounter.CHECKSUM_NOT_READY) >= 200, counters.toString());
                assertTrue(echoed > 100_000, "echoed " + echoed);
            }
        }
    }

    @Test
    void udpDatagramsFromALinuxPeerWithChecksumOffloadArriveIntact() throws Exception
    {
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18.88.1/24");
            linuxDefaults(namespace, veth);
            try (NetStack stack = NetStack.builder("csum").mac(0x5254_0088_0002L).address("198.18.88.2/24")
                .afPacket(veth.hostEnd()).start(); UdpSocket socket = stack.openUdp(9))
            {
                socket.setReceiveTimeout(10, TimeUnit.SECONDS);
                final int datagrams = 200;
                // sizes 1 to 1472 (a full frame), odd and even; byte j of datagram i is (i * 7 + j) % 256
                final BackgroundProcess sender = namespace.startInNamespace("python3", "-c",
                    "import socket, time\n" +
                        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n" +
                        "for i in range(" + datagrams + "):\n" +
                        "    u.sendto(bytes((i * 7 + j) % 256 for j in range(1 + i * 37 % 1472)), " +
                        "('198.18.88.2', 9))\n" +
                        "    time.sleep(0.001)\n");
                final byte[] buffer = new byte[2048];
                for (int i = 0; i < datagrams; i++)
                {
                    final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try
                    {
                        socket.receive(packet);
                    }
                    catch (final java.net.SocketTimeoutException ex)
                    {
                        throw new AssertionError("datagram " + i + " did not arrive; socket drops " +
                            socket.receiveDrops() + ", " + stack.port().counters(), ex);
                    }
                    final byte[] expected = new byte[1 + i * 37 % 1472];
                    for (int j = 0; j < expected.length; j++)
                    {
                        expected[j] = (byte)((i * 7 + j) % 256);
                    }
                    assertArrayEquals(expected, java.util.Arrays.copyOf(packet.getData(), packet.getLength()),
                        "datagram " + i);
                }
                assertEquals(0, sender.waitFor(Duration.ofSeconds(10)), sender.stderr());
                final PortCounters counters = stack.port().counters();
                assertEquals(0, udpDrops(stack, UdpDrop.BAD_CHECKSUM), counters.toString());
                assertTrue(counters.get(PortCounter.CHECKSUM_NOT_READY) >= datagrams, counters.toString());
                assertEquals(counters.get(PortCounter.CHECKSUM_NOT_READY), stack.port().device()
                    .partialChecksumsReported());
            }
        }
    }
}
