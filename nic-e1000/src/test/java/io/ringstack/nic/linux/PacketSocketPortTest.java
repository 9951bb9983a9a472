package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ringstack.nic.linux.LinuxNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The emulated NIC on one end of a veth pair through an AF_PACKET socket, with a Linux kernel in another network
 * namespace as its peer: rsfNa stays in the root namespace without addresses (our wire), rsfNb lives in namespace
 * rsfNn with 10.201.Y.1/24, and the NIC answers for 10.201.Y.2.
 */
class PacketSocketPortTest
{
    private static final long MAC = 0x5254_00BB_0001L;

    private static final class Setup implements AutoCloseable
    {
        final String namespace;
        final String ours;
        final String theirs;
        final String peer;
        final EmulatedNic nic;
        final PacketSocketPort port;
        final EchoResponder responder;

        Setup(final String suffix, final PacketRingConfig config)
        {
            namespace = LinuxNet.name(suffix + "n");
            ours = LinuxNet.name(suffix + "a");
            theirs = LinuxNet.name(suffix + "b");
            final int subnet = freeSubnet(201);
            peer = "10.201." + subnet + ".2";
            EmulatedNic builtNic = null;
            PacketSocketPort openedPort = null;
            try
            {
                must("ip", "netns", "add", namespace);
                must("ip", "link", "add", ours, "type", "veth", "peer", "name", theirs, "netns", namespace);
                sysctl("net/ipv6/conf/" + ours + "/disable_ipv6", "1");
                must("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + theirs + ".disable_ipv6=1");
                must("ip", "-n", namespace, "addr", "add", "10.201." + subnet + ".1/24", "dev", theirs);
                must("ip", "-n", namespace, "link", "set", "lo", "up");
                must("ip", "-n", namespace, "link", "set", theirs, "up");
                must("ip", "link", "set", ours, "up");
                builtNic = EmulatedNic.builder("packet-nic", MAC).build();
                openedPort = PacketSocketPort.attach(PacketSocket.open(ours, config), builtNic.device());
                builtNic.start();
                openedPort.start();
            }
            catch (final RuntimeException | Error ex)
            {
                if (openedPort != null)
                {
                    openedPort.close();
                }
                if (builtNic != null)
                {
                    builtNic.close();
                }
                deleteInterfaces();
                throw ex;
            }
            nic = builtNic;
            port = openedPort;
            responder = new EchoResponder(nic, ipv4(10, 201, subnet, 2)).start();
        }

        List<String> inNamespace()
        {
            return List.of("ip", "netns", "exec", namespace);
        }

        private void deleteInterfaces()
        {
            quietly("ip", "netns", "del", namespace); // takes the peer end, and so the pair, with it
            quietly("ip", "link", "del", ours);
        }

        @Override
        public void close()
        {
            try
            {
                responder.close();
                port.close();
                nic.close();
            }
            finally
            {
                deleteInterfaces();
            }
        }
    }

    @Test
    void aKernelInAnotherNamespacePingsTheEmulatedNicOverAVethPair()
    {
        assumeRoot();
        try (Setup setup = new Setup("p", PacketRingConfig.DEFAULT))
        {
            final PacketSocket socket = setup.port.socket();
            assertEquals(setup.ours, socket.interfaceName());
            assertTrue(socket.ignoresOutgoingInKernel(), "Linux 4.20+ has PACKET_IGNORE_OUTGOING");
            final LinuxNet.Result ping = run(concat(setup.inNamespace(),
                "ping", "-c", "3", "-i", "0.2", "-W", "1", setup.peer));
            assertEquals(0, ping.exit(), ping.output() + "\n" + setup.port + "\n" + setup.responder);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            final String neighbour = must("ip", "-n", setup.namespace, "neigh", "show", setup.peer);
            assertTrue(neighbour.contains(MacAddress.toString(MAC)), "the peer learned our MAC by ARP: " + neighbour);
            assertTrue(setup.responder.arpReplies >= 1, setup.responder.toString());
            assertTrue(setup.responder.echoReplies >= 3, setup.responder.toString());
            final PortCounters counters = setup.port.counters();
            assertTrue(counters.get(PortCounter.FRAMES_RECEIVED) >= 4, counters.toString());
            assertTrue(counters.get(PortCounter.FRAMES_SENT) >= 4, counters.toString());
            assertTrue(counters.get(PortCounter.TRANSMIT_KICKS) >= 1, counters.toString());
            assertTrue(counters.get(PortCounter.FRAMES_RETURNED) >= 4, "V2 by default: " + counters);
            assertEquals(0, counters.get(PortCounter.OUTGOING_SKIPPED), "the kernel kept our own frames out of the " +
                "ring: " + counters);
            assertEquals(0, counters.get(PortCounter.TRANSMIT_ERRORS), counters.toString());
            assertEquals(0, counters.get(PortCounter.TRANSMIT_RING_FULL), counters.toString());
            assertEquals(0, socket.readKernelStatistics().drops(), "the kernel dropped nothing");
        }
    }

    @Test
    void floodPingAllocatesNothingPerFrameAndAnIdlePortSleeps() throws InterruptedException
    {
        assumeRoot();
        final com.sun.management.ThreadMXBean threads = WireMeasurements.threads();
        try (Setup setup = new Setup("f", PacketRingConfig.DEFAULT))
        {
            final Thread receiver = setup.port.receiveThread();
            final Thread driver = setup.responder.thread();
            final WireMeasurements.Flood warmUp = WireMeasurements.flood(setup.inNamespace(), setup.peer, 30_000, 64);
            assertTrue(warmUp.received() >= warmUp.sent() * 9 / 10, warmUp.output() + setup.port);

            final List<WireMeasurements.Round> rounds = WireMeasurements.roundsUntilNothingAllocated(threads,
                setup.inNamespace(), setup.peer, 20_000, 64, receiver, driver);
            final WireMeasurements.Round last = rounds.getLast();
            System.out.printf("AF_PACKET flood ping (preload 64): %.0f echoes/s (a frame each way); rounds %s; " +
                "%s%n", last.flood().echoesPerSecond(), rounds, setup.port.counters());
            assertEquals(0, last.allocated()[0], "bytes the device's receive thread allocated per round of " +
                last.flood().received() + " frames: " + rounds);
            assertEquals(0, last.allocated()[1], "bytes the driver's thread (receiving and transmitting) allocated " +
                "per round of " + last.flood().received() + " frames: " + rounds);

            Thread.sleep(300);
            final double receiverIdle = WireMeasurements.cpuMillisOver(threads, receiver, 2_000);
            System.out.printf("AF_PACKET idle: receive thread used %.2f ms of CPU in 2 s%n", receiverIdle);
            assertTrue(receiverIdle < 40, "an idle port sleeps in poll(2): " + receiverIdle + " ms CPU in 2 s");
        }
    }

    @Test
    void aMissingInterfaceIsEnodev()
    {
        final String missing = LinuxNet.name("zz");
        final LinuxCallException ex = assertThrows(LinuxCallException.class, () -> PacketSocket.open(missing));
        assertEquals("interface " + missing + " not found (in this network namespace): ENODEV (19)", ex.getMessage());
        assertEquals(Errno.ENODEV, ex.errno());
        assertEquals("if_nametoindex", ex.call());
    }

    @Test
    void ringSizesTheKernelRefusesAreRefusedBeforeAnySystemCall()
    {
        final IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
            () -> PacketRingConfig.DEFAULT.withRx(5000, 8, 1));
        assertEquals("RX block size 5000 must be a power of two of at least one page (4096)", block.getMessage());
        final IllegalArgumentException frame = assertThrows(IllegalArgumentException.class,
            () -> PacketRingConfig.DEFAULT.withTx(1000, 8));
        assertEquals("TX frame size 1000 must be a multiple of 16 from 96 to 65536 (32 header bytes for V2, then " +
            "the frame)", frame.getMessage());
        final IllegalArgumentException v3Frame = assertThrows(IllegalArgumentException.class,
            () -> PacketRingConfig.THROUGHPUT.withTx(96, 8));
        assertEquals("TX frame size 96 must be a multiple of 16 from 112 to 65536 (48 header bytes for V3, then " +
            "the frame)", v3Frame.getMessage());
        final IllegalArgumentException rxFrame = assertThrows(IllegalArgumentException.class,
            () -> PacketRingConfig.DEFAULT.withRx(4096, 2, 1).withRxFrameSize(8192));
        assertEquals("RX frame size 8192 must be a multiple of 16 from 128 to the block size 4096",
            rxFrame.getMessage());
        assertEquals(TpacketVersion.V2, PacketRingConfig.DEFAULT.version(), "per-frame hand-over by default");
        assertEquals(TpacketVersion.V3, PacketRingConfig.THROUGHPUT.version());
        assertEquals(4096, PacketRingConfig.DEFAULT.withTx(2048, 8).txBlockSize());
        assertEquals(12288, PacketRingConfig.DEFAULT.withTx(1536, 8).txBlockSize(), "8 slots of 1536 B per 3 pages");
        assertEquals(1536 - 32, PacketRingConfig.DEFAULT.withTx(1536, 8).txFrameCapacity());
        assertEquals(1536 - 48, PacketRingConfig.THROUGHPUT.withTx(1536, 8).txFrameCapacity());
        assertEquals(32 * 2, PacketRingConfig.DEFAULT.withRx(1 << 16, 2, 1).rxFrameCount(), "2 KiB slots");
        assertEquals(2 * 2, PacketRingConfig.DEFAULT.withRx(4096, 2, 1).withRxFrameSize(1536).rxFrameCount(),
            "2 slots of 1536 B per 4 KiB block");
    }

    private static List<String> concat(final List<String> prefix, final String... command)
    {
        final java.util.ArrayList<String> all = new java.util.ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all;
    }
}
