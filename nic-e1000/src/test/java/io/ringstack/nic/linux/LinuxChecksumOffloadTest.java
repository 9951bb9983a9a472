package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.memory.PacketBufferPool;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.ringstack.nic.linux.LinuxNet.*;
import static io.ringstack.nic.wire.ChecksumReference.TCP;
import static io.ringstack.nic.wire.ChecksumReference.UDP;
import static io.ringstack.nic.wire.ChecksumReference.protocol;
import static io.ringstack.nic.wire.ChecksumReference.transportChecksumValid;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a Linux peer's checksum offload hands the emulated NIC, on real interfaces. Over a veth pair with the peer's
 * TX checksum offload on (Linux's default), UDP datagrams and TCP segments arrive with the checksum field holding
 * only the pseudo-header's sum, flagged TP_STATUS_CSUMNOTREADY: the device reports them good (RXCSUM.TUOFL) or
 * inserts the checksum, which a byte-at-a-time reference then confirms. Over a TAP (no IFF_VNET_HDR), the kernel
 * completes every checksum itself.
 */
class LinuxChecksumOffloadTest
{
    private static final long MAC = 0x5254_00DD_0001L;
    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;

    /** What Linux sends us: two UDP datagrams (even and odd length) and a TCP SYN (the connect times out). */
    private static String sendUdpAndTcp(final String to)
    {
        return "import socket\n" +
            "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n" +
            "u.sendto(bytes(range(256)) * 4, ('" + to + "', 9))\n" +
            "u.sendto(b'odd' * 111, ('" + to + "', 9))\n" +
            "t = socket.socket()\n" +
            "t.settimeout(0.3)\n" +
            "t.connect_ex(('" + to + "', 80))\n";
    }

    @ParameterizedTest(name = "device checksum offload {0}")
    @ValueSource(booleans = {true, false})
    void aVethPeerWithTxChecksumOffloadSendsPartialChecksumsTheDeviceCompletes(final boolean offload)
    {
        assumeRoot();
        final String namespace = LinuxNet.name("cn");
        final String ours = LinuxNet.name("ca");
        final String theirs = LinuxNet.name("cb");
        final int subnet = freeSubnet(202);
        final String us = "10.202." + subnet + ".2";
        try (Arena arena = Arena.ofConfined())
        {
            must("ip", "netns", "add", namespace);
            must("ip", "link", "add", ours, "type", "veth", "peer", "name", theirs, "netns", namespace);
            sysctl("net/ipv6/conf/" + ours + "/disable_ipv6", "1");
            must("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + theirs + ".disable_ipv6=1");
            must("ip", "-n", namespace, "addr", "add", "10.202." + subnet + ".1/24", "dev", theirs);
            must("ip", "-n", namespace, "link", "set", theirs, "up");
            must("ip", "link", "set", ours, "up");
            must("ip", "-n", namespace, "neigh", "replace", us, "lladdr", MacAddress.toString(MAC), "dev", theirs);
            final Result features = run("ip", "netns", "exec", namespace, "ethtool", "-k", theirs);
            assumeTrue(features.exit() == 0, "needs ethtool: " + features.output());
            assertTrue(features.output().contains("tx-checksumming: on"), "a veth offloads checksums by default: " +
                features.output());

            try (EmulatedNic nic = EmulatedNic.builder("csum", MAC).checksumOffload(offload).strict(true).build();
                PacketSocketPort port = PacketSocketPort.attach(PacketSocket.open(ours), nic.device()))
            {
                nic.start();
                must("ip", "netns", "exec", namespace, "python3", "-c", sendUdpAndTcp(us));

                final List<byte[]> frames = new ArrayList<>();
                final List<Boolean> verified = new ArrayList<>();
                final PacketBufferPool pool = nic.pool();
                final long deadline = System.nanoTime() + 3_000_000_000L;
                while (count(frames, TCP) == 0 || count(frames, UDP) < 2)
                {
                    assertTrue(System.nanoTime() < deadline, "no SYN and two datagrams in 3 s: " + port);
                    port.pollOnce();
                    nic.driver().receive((handle, memory, offset, length) ->
                    {
                        final byte[] frame = new byte[length];
                        memory.getBytes(offset, frame);
                        if (length >= 34 && (memory.getShort(offset + 12, NETWORK) & 0xFFFF) == 0x0800 &&
                            (protocol(frame) == TCP || protocol(frame) == UDP))
                        {
                            frames.add(frame);
                            verified.add(pool.transportChecksumVerified(handle));
                        }
                        pool.release(handle);
                    }, 64);
                }

                final PortCounters counters = port.counters();
                assertEquals(frames.size(), counters.get(PortCounter.CHECKSUM_NOT_READY),
                    "every segment and datagram came with its checksum left to offload: " + counters);
                for (int i = 0; i < frames.size(); i++)
                {
                    final String what = "frame " + i + " (protocol " + protocol(frames.get(i)) + ")";
                    if (offload)
                    {
                        assertTrue(verified.get(i), what + ": TCPCS, the checksum vouched for without summing");
                        assertFalse(transportChecksumValid(frames.get(i)), what + ": as Linux left it, unsummed");
                    }
                    else
                    {
                        assertFalse(verified.get(i), what + ": IXSM, for software");
                        assertTrue(transportChecksumValid(frames.get(i)), what + ": the device inserted it");
                    }
                }
                assertEquals(offload ? frames.size() : 0, nic.device().partialChecksumsReported());
                assertEquals(offload ? 0 : frames.size(), nic.device().partialChecksumsInserted());
                assertEquals(0, nic.device().partialChecksumsUnresolved());
            }
        }
        finally
        {
            quietly("ip", "netns", "del", namespace);
            quietly("ip", "link", "del", ours);
        }
    }

    @Test
    void aTapWithoutVnetHeadersGetsWholeChecksumsFromTheKernel()
    {
        assumeRoot();
        final String name = LinuxNet.name("ct");
        final int subnet = freeSubnet(203);
        final String us = "10.203." + subnet + ".2";
        try (TapDevice tap = TapDevice.open(name); Arena arena = Arena.ofConfined())
        {
            sysctl("net/ipv6/conf/" + name + "/disable_ipv6", "1");
            must("ip", "addr", "add", "10.203." + subnet + ".1/24", "dev", name);
            must("ip", "link", "set", name, "up");
            must("ip", "neigh", "replace", us, "lladdr", MacAddress.toString(MAC), "dev", name);
            final Result features = run("ethtool", "-k", name);
            assumeTrue(features.exit() == 0, "needs ethtool: " + features.output());
            assertTrue(features.output().contains("tx-checksumming: off"), "no TUNSETOFFLOAD, no checksum " +
                "offload: " + features.output());
            assertTrue(features.output().contains("tcp-segmentation-offload: off"), features.output());

            must("python3", "-c", sendUdpAndTcp(us));
            final MemorySegment buffer = arena.allocate(2048, 64);
            final UnsafeBuffer view = new UnsafeBuffer(buffer.address(), 2048);
            final List<byte[]> frames = new ArrayList<>();
            final long deadline = System.nanoTime() + 3_000_000_000L;
            while (count(frames, TCP) == 0 || count(frames, UDP) < 2)
            {
                assertTrue(System.nanoTime() < deadline, "no SYN and two datagrams in 3 s: " + frames.size());
                tap.awaitReadable(50);
                final int length = tap.read(buffer.address(), 2048);
                if (length >= 34 && (view.getShort(12, NETWORK) & 0xFFFF) == 0x0800)
                {
                    final byte[] frame = new byte[length];
                    view.getBytes(0, frame);
                    if (protocol(frame) == TCP || protocol(frame) == UDP)
                    {
                        frames.add(frame);
                    }
                }
            }
            for (int i = 0; i < frames.size(); i++)
            {
                assertTrue(transportChecksumValid(frames.get(i)), "frame " + i + " (protocol " +
                    protocol(frames.get(i)) + "): the kernel computed the checksum before the TAP's read");
            }
        }
    }

    private static int count(final List<byte[]> frames, final int protocol)
    {
        int n = 0;
        for (final byte[] frame : frames)
        {
            if (protocol(frame) == protocol)
            {
                n++;
            }
        }
        return n;
    }
}
