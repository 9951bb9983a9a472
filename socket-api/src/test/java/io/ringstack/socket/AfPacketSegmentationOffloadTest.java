package io.ringstack.socket;

import io.ringstack.nic.linux.PortCounter;
import io.ringstack.nic.linux.PortCounters;
import io.ringstack.tcp.wire.TcpDrop;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Veth;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk data from Linux into a NetStack on AF_PACKET, with every offload Linux turns on for a veth on: its TCP
 * segmentation offload hands the packet socket packets of up to 64 KiB (TP_STATUS_GSO_TCP), which the port cuts
 * into frames of the NetStack's MTU. 20 MiB arrive intact within seconds, at MTU 1500 and with jumbo frames
 * (MTU 9000 on both ends: the packet rings follow the NetStack's MTU). Before the cutting, TSO had to be turned off
 * on the peer: a 4 MiB upload moved about 1 MB in 30 s (every 64 KiB packet dropped as oversize, recovered by
 * retransmission timeouts).
 * <pre>
 *   NetStack 198.18.9x.2  AF_PACKET on H ---- veth (TSO, GSO, GRO, checksums on) ---- eth0 198.18.9x.1  python3
 * </pre>
 */
@RequiresRoot
@RequiresTool("ethtool")
@RequiresTool("python3")
class AfPacketSegmentationOffloadTest
{
    private static final int BYTES = 20 * 1024 * 1024;
    private static final int DOWNLOAD_BYTES = 8 * 1024 * 1024;

    /** Linux's defaults for a veth, back on both ends (withVeth turns every offload off), checked with ethtool -k. */
    static void allOffloadsOn(final NetworkNamespace namespace, final Veth veth)
    {
        final String on = "rx on tx on sg on tso on gso on gro on rxvlan on txvlan on";
        namespace.exec(("ethtool -K " + veth.nsEnd() + " " + on).split(" "));
        Command.of(("ethtool -K " + veth.hostEnd() + " " + on).split(" ")).run();
        for (final String features : new String[] {namespace.exec("ethtool", "-k", veth.nsEnd()).stdout(),
            Command.of("ethtool", "-k", veth.hostEnd()).run().stdout()})
        {
            for (final String feature : new String[] {"tx-checksumming", "rx-checksumming", "scatter-gather",
                "tcp-segmentation-offload", "generic-segmentation-offload", "generic-receive-offload",
                "rx-vlan-offload", "tx-vlan-offload"})
            {
                assertTrue(features.contains(feature + ": on"), feature + " on: " + features);
            }
        }
    }

    /**
     * 20 MiB up from Linux, then 8 MiB down to it on the same connection; at MTU 9000 and 16,110 both ways in jumbo
     * frames (the rings' slots follow the NetStack's MTU).
     */
    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {1500, 9000, 16_110})
    void twentyMebibytesFromLinuxWithTsoOnArriveIntactWithinSeconds(final int mtu) throws Exception
    {
        final int subnet = mtu == 1500 ? 91 : mtu == 9000 ? 92 : 93;
        final String us = "198.18." + subnet + ".2";
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18." + subnet + ".1/24");
            allOffloadsOn(namespace, veth);
            if (mtu != 1500)
            {
                LinuxNetwork.setMtu(veth.hostEnd(), mtu);
                namespace.setMtu(veth.nsEnd(), mtu);
            }
            try (NetStack stack = NetStack.builder("gso").mac(0x5254_0091_0002L).address(us + "/24").mtu(mtu)
                .afPacket(veth.hostEnd()).start(); TcpServerSocket server = stack.listen(5001, 4))
            {
                final BackgroundProcess client = namespace.startInNamespace("python3", "-c",
                    "import hashlib, random, socket\n" +
                        "data = random.Random(91).randbytes(" + BYTES + ")\n" +
                        "s = socket.create_connection(('" + us + "', 5001), timeout=30)\n" +
                        "s.sendall(data)\n" +
                        "s.shutdown(socket.SHUT_WR)\n" +
                        "down = hashlib.sha256()\n" +
                        "while True:\n" +
                        "    b = s.recv(1 << 20)\n" +
                        "    if not b: break\n" +
                        "    down.update(b)\n" +
                        "print(hashlib.sha256(data).hexdigest(), down.hexdigest(), flush=True)\n");
                final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                long received = 0;
                final long start;
                final long end;
                final String sentDigest;
                try (TcpSocket socket = server.accept(20, TimeUnit.SECONDS))
                {
                    start = System.nanoTime();
                    socket.setReadTimeout(30, TimeUnit.SECONDS);
                    final InputStream in = socket.getInputStream();
                    final byte[] chunk = new byte[65536];
                    int n;
                    try
                    {
                        while ((n = in.read(chunk)) > 0)
                        {
                            sha256.update(chunk, 0, n);
                            received += n;
                        }
                    }
                    catch (final java.net.SocketTimeoutException ex)
                    {
                        throw new AssertionError("stalled after " + received + " B: " + stack.port().counters() +
                            "; Linux: " + namespace.exec("ss", "-tni").stdout(), ex);
                    }
                    end = System.nanoTime();
                    final byte[] download = new byte[DOWNLOAD_BYTES];
                    new java.util.Random(93).nextBytes(download);
                    socket.getOutputStream().write(download);
                    sentDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download));
                }
                final PortCounters counters = stack.port().counters();
                assertEquals(0, client.waitFor(Duration.ofSeconds(30)), client.stderr() + counters);
                assertEquals(BYTES, received, counters.toString());
                final String[] digests = client.stdout().trim().split(" ");
                assertEquals(digests[0], HexFormat.of().formatHex(sha256.digest()), "the bytes up intact");
                assertEquals(sentDigest, digests[1], "the bytes down intact");
                final double seconds = (end - start) / 1e9;
                System.out.printf("MTU %d: %d B from Linux with TSO on in %.2f s (%.0f Mbit/s); %s%n", mtu, received,
                    seconds, received * 8 / seconds / 1e6, counters);

                assertTrue(seconds < 10, "within seconds, not retransmission timeouts: " + seconds + " s");
                assertTrue(counters.get(PortCounter.GSO_PACKETS) > 0, "Linux sent segmentation-offload packets, " +
                    "which the port cut: " + counters);
                assertTrue(counters.get(PortCounter.GSO_SEGMENTS) > counters.get(PortCounter.GSO_PACKETS),
                    counters.toString());
                assertEquals(0, counters.get(PortCounter.TRUNCATED), counters.toString());
                assertEquals(0, counters.get(PortCounter.TRANSMIT_OVERSIZE) + counters.get(PortCounter.TRANSMIT_ERRORS),
                    counters.toString());
                if (mtu > 1500)
                {
                    assertTrue(counters.get(PortCounter.BYTES_RECEIVED) / counters.get(PortCounter.FRAMES_RECEIVED) >
                        1514, "jumbo frames in: " + counters);
                    assertTrue(counters.get(PortCounter.FRAMES_SENT) < DOWNLOAD_BYTES / 1460, "jumbo frames out: " +
                        "fewer frames, ACKs included, than 1500-byte ones would have taken: " + counters);
                }
                final long badChecksums = stack.submit(() -> stack.tcp().drops().get(TcpDrop.BAD_CHECKSUM))
                    .get(10, TimeUnit.SECONDS);
                assertEquals(0, badChecksums, counters.toString());
            }
        }
    }
}
