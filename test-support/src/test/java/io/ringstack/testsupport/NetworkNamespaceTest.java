package io.ringstack.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Linux peer's side, for real: namespaces, veth, TAP, processes inside, and nothing left afterwards. */
@RequiresRoot
@Timeout(120)
final class NetworkNamespaceTest
{
    @Test
    void pingThroughAVethPairAndReadTheNeighbourCache() throws Exception
    {
        final TestSubnet subnet = TestSubnet.next();
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            assertTrue(ns.name().startsWith(LinuxNetwork.ownPrefix()), ns.name());
            final Veth veth = ns.withVeth(subnet.cidr(2));
            assertEquals(ns.name() + "h", veth.hostEnd());
            assertEquals("eth0", veth.nsEnd());
            assertEquals(subnet.address(2), veth.nsAddress());
            assertTrue(LinuxNetwork.interfaceExists(veth.hostEnd()));
            assertTrue(ns.interfaceExists("eth0"));
            assertEquals(veth.nsMac(), ns.macAddress("eth0"));

            // IPv6 off on both ends: no router solicitations or MLD reports to filter in ringstack's tests
            assertEquals("1", Files.readString(Path.of("/proc/sys/net/ipv6/conf", veth.hostEnd(), "disable_ipv6"))
                .trim());
            assertEquals("1", ns.exec("cat", "/proc/sys/net/ipv6/conf/eth0/disable_ipv6").stdout().trim());
            assertFalse(ns.exec("ip", "addr", "show", "dev", "eth0").stdout().contains("inet6"));
            assertTrue(ns.exec("ip", "-4", "addr", "show", "dev", "eth0").stdout().contains(subnet.cidr(2)));
            // the root kernel stays off the host end until the self-test gives it an address
            assertTrue(LinuxNetwork.ip("link", "show", "dev", veth.hostEnd()).run().stdout().contains("NOARP"));
            assertFalse(LinuxNetwork.ip("-4", "addr", "show", "dev", veth.hostEnd()).run().stdout().contains("inet "));

            LinuxNetwork.addAddress(veth.hostEnd(), subnet.cidr(1));
            final PingResult answered = ns.ping(subnet.address(1), 3, Duration.ofSeconds(2));
            assertEquals(3, answered.transmitted(), answered.output());
            assertEquals(3, answered.received(), answered.output());
            assertTrue(answered.rttMinMillis() > 0 && answered.rttMinMillis() <= answered.rttAvgMillis() &&
                answered.rttAvgMillis() <= answered.rttMaxMillis(), answered.output());

            final Map<String, Neighbour> neighbours = ns.neighbours();
            final Neighbour host = neighbours.get(subnet.address(1));
            assertEquals(veth.hostMac(), host.lladdr(), neighbours.toString());
            assertEquals("eth0", host.device());
            assertTrue(List.of("REACHABLE", "STALE", "DELAY", "PROBE").contains(host.state()), host.toString());

            final PingResult unanswered = ns.ping(subnet.address(3), 1, Duration.ofMillis(500));
            assertEquals(1, unanswered.transmitted(), unanswered.output());
            assertEquals(0, unanswered.received(), unanswered.output());
            assertTrue(Double.isNaN(unanswered.rttAvgMillis()));
            final Neighbour nobody = ns.neighbours().get(subnet.address(3));
            assertTrue(nobody.mac().isEmpty(), nobody.toString());
            assertTrue(List.of("INCOMPLETE", "FAILED").contains(nobody.state()), nobody.toString());

            final CommandFailedException unreachable = assertThrows(CommandFailedException.class,
                () -> ns.ping("203.0.113.1", 1, Duration.ofMillis(200)));
            assertTrue(unreachable.getMessage().contains("unreachable"), unreachable.getMessage());
        }
        assertNoLeftovers();
    }

    @Test
    @RequiresTool("ethtool")
    void offloadsAreOffOnBothEnds()
    {
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final Veth veth = ns.withVeth(TestSubnet.next().cidr(2));
            assertTrue(veth.offloadsDisabled());
            for (final String features : List.of(
                Command.of("ethtool", "-k", veth.hostEnd()).run().stdout(),
                ns.exec("ethtool", "-k", "eth0").stdout()))
            {
                assertTrue(features.contains("tx-checksumming: off"), features);
                assertTrue(features.contains("tcp-segmentation-offload: off"), features);
                assertTrue(features.contains("generic-segmentation-offload: off"), features);
                assertTrue(features.contains("generic-receive-offload: off"), features);
                assertTrue(features.contains("tx-vlan-offload: off"), features);
            }
        }
    }

    @Test
    void mtuIsSetInsideAndOutside()
    {
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final Veth veth = ns.withVeth(TestSubnet.next().cidr(2));
            ns.setMtu("eth0", 1280);
            LinuxNetwork.setMtu(veth.hostEnd(), 9000);
            assertTrue(ns.exec("ip", "link", "show", "dev", "eth0").stdout().contains("mtu 1280"));
            assertTrue(LinuxNetwork.ip("link", "show", "dev", veth.hostEnd()).run().stdout().contains("mtu 9000"));
        }
    }

    @Test
    void backgroundProcessesInsideAreKilledByTheirHandleOrByClose() throws Exception
    {
        final long orphan;
        final BackgroundProcess forgotten;
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final BackgroundProcess sleeper = ns.startInNamespace("sleep", "300");
            assertTrue(waitUntil(() -> ns.pids().contains(sleeper.pid())), "sleep runs inside " + ns.name());
            assertFalse(ns.pids().contains(ProcessHandle.current().pid()), "the JVM stays in the root namespace");
            sleeper.close();
            assertFalse(sleeper.isAlive());
            assertFalse(ns.pids().contains(sleeper.pid()));

            forgotten = ns.startInNamespace("sleep", "300");
            // a daemon that leaves its parent: only the namespace's PID list still finds it
            orphan = Long.parseLong(ns.exec("sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!").stdout().trim());
            assertTrue(waitUntil(() -> ns.pids().contains(orphan)));
        }
        assertFalse(forgotten.isAlive());
        CommandTest.assertGone(orphan);
        assertNoLeftovers();
    }

    @Test
    void adoptedTapMovesInAndDiesWithTheNamespace()
    {
        final TestSubnet subnet = TestSubnet.next();
        final String tap;
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            tap = ns.interfaceName("t");
            assertEquals(ns.name() + "t", tap);
            // stands in for ringstack's TAP: a persistent one, since no descriptor holds it here
            LinuxNetwork.ip("tuntap", "add", "mode", "tap", "name", tap).run();
            final String mac = ns.adoptInterface(tap, subnet.cidr(2));
            assertFalse(LinuxNetwork.interfaceExists(tap), "moved out of the root namespace");
            assertTrue(ns.interfaceExists(tap));
            assertEquals(ns.macAddress(tap), mac);
            final String link = ns.exec("ip", "addr", "show", "dev", tap).stdout();
            assertTrue(link.contains("inet " + subnet.cidr(2)), link);
            assertFalse(link.contains("inet6"), link);
            assertTrue(link.contains(",UP"), link);

            final IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ns.adoptInterface(ns.interfaceName("x"), subnet.cidr(3)));
            assertTrue(missing.getMessage().contains("create the TAP device first"), missing.getMessage());
        }
        assertTrue(waitUntil(() -> !LinuxNetwork.interfaceExists(tap)), tap + " went with its namespace");
        assertNoLeftovers();
    }

    @Test
    void adoptedTapCarriesThePeersFramesToTheDescriptorInTheRootNamespace()
    {
        Assumptions.assumeTrue(Files.isExecutable(Scapy.PYTHON), "needs /usr/bin/python3 (apt-get install python3)");
        final TestSubnet subnet = TestSubnet.next();
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final String tap = ns.interfaceName("t");
            // stands in for ringstack: opens the TAP in the root namespace and prints each frame it reads
            try (BackgroundProcess holder = Command.of(Scapy.PYTHON.toString(), "-u", "-c", """
                import fcntl, os, select, struct, sys, time
                fd = os.open("/dev/net/tun", os.O_RDWR)
                # TUNSETIFF with IFF_TAP | IFF_NO_PI
                fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), 0x0002 | 0x1000))
                print("ready", flush=True)
                deadline = time.time() + 60
                while time.time() < deadline:
                    if select.select([fd], [], [], 0.2)[0]:
                        try:
                            frame = os.read(fd, 2048)
                        except OSError as e:
                            print("read error", e.errno, flush=True)
                            break
                        print("frame type", frame[12:14].hex(), "from", frame[6:12].hex(), flush=True)
                """, tap).start())
            {
                holder.awaitOutput("ready", Duration.ofSeconds(30));
                final String peerMac = ns.adoptInterface(tap, subnet.cidr(2));
                final PingResult nobodyAnswers = ns.ping(subnet.address(1), 1, Duration.ofMillis(300));
                assertEquals(0, nobodyAnswers.received(), nobodyAnswers.output());
                holder.awaitOutput("frame type 0806 from " + peerMac.replace(":", ""), Duration.ofSeconds(10));
                ns.close();
                assertFalse(LinuxNetwork.interfaceExists(tap));
                assertFalse(LinuxNetwork.namespaceExists(ns.name()));
            }
        }
        assertNoLeftovers();
    }

    @Test
    void closeIsIdempotentAndAClosedNamespaceRefusesWork()
    {
        final NetworkNamespace ns = LinuxNetwork.createNamespace();
        final String name = ns.name();
        assertTrue(LinuxNetwork.namespaceExists(name));
        ns.close();
        ns.close();
        assertTrue(ns.isClosed());
        assertFalse(LinuxNetwork.namespaceExists(name));
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> ns.exec("true"));
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
    }

    @Test
    void interfaceNamesStayWithinFifteenCharacters()
    {
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final int room = LinuxNetwork.MAX_INTERFACE_NAME - ns.name().length();
            assertTrue(room >= 2, ns.name() + " leaves room for suffixes");
            assertEquals(LinuxNetwork.MAX_INTERFACE_NAME, ns.interfaceName("a" + "0".repeat(room - 1)).length());
            assertThrows(IllegalArgumentException.class, () -> ns.interfaceName("a" + "0".repeat(room)));
            assertThrows(IllegalArgumentException.class, () -> ns.interfaceName("0"), "suffix starts with a letter");
            final CommandFailedException missing = assertThrows(CommandFailedException.class,
                () -> ns.exec("no-such-tool-rs"));
            assertTrue(missing.getMessage().contains("apt-get install no-such-tool-rs"), missing.getMessage());
        }
    }

    @Test
    @RequiresTool("tcpdump")
    void tcpdumpInsideSeesThePingAndFlushesOnStop()
    {
        final TestSubnet subnet = TestSubnet.next();
        try (NetworkNamespace ns = LinuxNetwork.createNamespace())
        {
            final Veth veth = ns.withVeth(subnet.cidr(2));
            LinuxNetwork.addAddress(veth.hostEnd(), subnet.cidr(1));
            final BackgroundProcess tcpdump = ns.startInNamespace("tcpdump", "-n", "-l", "-i", "eth0", "icmp");
            tcpdump.awaitOutput("listening on", Duration.ofSeconds(10));
            assertTrue(ns.ping(subnet.address(1), 2, Duration.ofSeconds(2)).allReceived());
            final CommandResult captured = tcpdump.stop(Duration.ofSeconds(5));
            final String request = subnet.address(2) + " > " + subnet.address(1) + ": ICMP echo request";
            assertTrue(captured.stdout().contains(request), captured.stdout());
            assertTrue(captured.stdout().contains("ICMP echo reply"), captured.stdout());
            assertTrue(captured.stderr().contains("packets captured"), "SIGTERM let tcpdump finish: " +
                captured.stderr());
        }
    }

    /** Neither {@code ip netns list} nor {@code ip link show} shows a name of this JVM's. */
    static void assertNoLeftovers()
    {
        final String prefix = LinuxNetwork.ownPrefix();
        final String namespaces = Command.of("ip", "netns", "list").run().stdout();
        assertFalse(namespaces.contains(prefix), "ip netns list:\n" + namespaces);
        assertTrue(waitUntil(() -> !Command.of("ip", "link", "show").run().stdout().contains(prefix)),
            () -> "ip link show:\n" + Command.of("ip", "link", "show").run().stdout());
    }

    static boolean waitUntil(final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
