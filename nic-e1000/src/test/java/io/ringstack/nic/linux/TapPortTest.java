package io.ringstack.nic.linux;

import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.emulated.EmulatedNic;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringstack.nic.linux.LinuxNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The emulated NIC on a TAP device, with the Linux kernel as its peer in the root namespace: the kernel has
 * 10.200.Y.1/24 on the TAP interface, the NIC (with {@link EchoResponder}) answers for 10.200.Y.2.
 */
class TapPortTest
{
    private static final long MAC = 0x5254_00AA_0001L;

    /** A TAP named {@code name} with 10.200.{subnet}.1/24 on the kernel's side, IPv6 off, up; with its NIC. */
    private static final class Setup implements AutoCloseable
    {
        final String name;
        final int subnet;
        final String peer;
        final EmulatedNic nic;
        final TapPort port;
        final EchoResponder responder;

        Setup(final String suffix)
        {
            this(suffix, true);
        }

        /** @param receiveThread whether the port runs its receive thread, or the test calls pollOnce() */
        Setup(final String suffix, final boolean receiveThread)
        {
            name = LinuxNet.name(suffix);
            subnet = freeSubnet(200);
            peer = "10.200." + subnet + ".2";
            EmulatedNic builtNic = null;
            TapPort openedPort = null;
            try
            {
                builtNic = EmulatedNic.builder("tap-nic", MAC).build();
                openedPort = TapPort.attach(TapDevice.open(name), builtNic.device());
                sysctl("net/ipv6/conf/" + name + "/disable_ipv6", "1"); // no MLD or router solicitations
                must("ip", "addr", "add", "10.200." + subnet + ".1/24", "dev", name);
                must("ip", "link", "set", name, "up");
                builtNic.start();
                if (receiveThread)
                {
                    openedPort.start();
                }
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
                quietly("ip", "link", "del", name);
                throw ex;
            }
            nic = builtNic;
            port = openedPort;
            responder = new EchoResponder(nic, ipv4(10, 200, subnet, 2)).start();
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
                quietly("ip", "link", "del", name);
            }
        }
    }

    @Test
    void theKernelPingsTheEmulatedNicThroughTheTap()
    {
        assumeRoot();
        final String name;
        try (Setup setup = new Setup("t"))
        {
            name = setup.name;
            assertEquals(name, setup.port.tap().name());
            final LinuxNet.Result ping = run("ping", "-c", "3", "-i", "0.2", "-W", "1", setup.peer);
            assertEquals(0, ping.exit(), ping.output() + "\n" + setup.port + "\n" + setup.responder);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            final String neighbour = must("ip", "neigh", "show", setup.peer, "dev", name);
            assertTrue(neighbour.contains(MacAddress.toString(MAC)),
                "the kernel learned our MAC by ARP: " + neighbour);
            assertTrue(setup.responder.arpReplies >= 1, setup.responder.toString());
            assertTrue(setup.responder.echoReplies >= 3, setup.responder.toString());
            final PortCounters counters = setup.port.counters();
            assertTrue(counters.get(PortCounter.FRAMES_RECEIVED) >= 4, counters.toString()); // ARP + 3 echoes
            assertTrue(counters.get(PortCounter.FRAMES_SENT) >= 4, counters.toString());
            assertTrue(counters.get(PortCounter.RECEIVE_WAKEUPS) >= 1, "the thread slept in poll: " + counters);
            assertEquals(0, counters.get(PortCounter.RECEIVE_ERRORS), counters.toString());
            assertEquals(0, counters.get(PortCounter.TRANSMIT_ERRORS), counters.toString());
        }
        assertFalse(interfaceExists(name), "closing the port closed the TAP, and the kernel removed it");
    }

    /**
     * A port's fault plan loses frames on a real wire: with 30 % loss each way, a 200-echo flood ping loses about
     * half its round trips, and every lost frame is counted on the side that lost it.
     */
    @Test
    void droppedFramesAreLostOnTheRealWireAndCounted()
    {
        assumeRoot();
        try (Setup setup = new Setup("d"))
        {
            setup.port.dropFrames(0.3, 0.3, 42);
            final LinuxNet.Result ping = run("ping", "-c", "200", "-i", "0.002", "-W", "1", "-q", setup.peer);
            final PortCounters counters = setup.port.counters();
            final long droppedIn = counters.get(PortCounter.FAULT_DROPPED_RECEIVED);
            final long droppedOut = counters.get(PortCounter.FAULT_DROPPED_TRANSMITTED);
            assertTrue(droppedIn >= 30 && droppedIn <= 95, "30 % of ~200 requests (and ARP) lost on the way in: " +
                counters);
            assertTrue(droppedOut >= 15 && droppedOut <= 80, "30 % of the replies lost on the way out: " + counters);
            assertEquals(setup.responder.echoReplies, counters.get(PortCounter.FRAMES_SENT) + droppedOut -
                (setup.responder.arpReplies), "each reply was either sent or dropped: " + counters + " " +
                setup.responder);
            assertTrue(ping.output().contains("packet loss") && !ping.output().contains(" 0% packet loss"),
                ping.output());
        }
    }

    @Test
    void pollOnceDrivesTheReceiveSideOnTheCallersThread() throws InterruptedException
    {
        assumeRoot();
        try (Setup setup = new Setup("o", false))
        {
            assertNull(setup.port.receiveThread(), "not started: no receive thread");
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong frames = new AtomicLong();
            final Thread caller = new Thread(() ->
            {
                while (running.get())
                {
                    final int n = setup.port.pollOnce();
                    frames.addAndGet(n);
                    if (n == 0)
                    {
                        setup.port.tap().awaitReadable(20);
                    }
                }
            }, "inline-poller");
            caller.start();
            try
            {
                final LinuxNet.Result ping = run("ping", "-c", "3", "-i", "0.2", "-W", "1", setup.peer);
                assertEquals(0, ping.exit(), ping.output() + "\n" + setup.port + "\n" + setup.responder);
                assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            }
            finally
            {
                running.set(false);
                caller.join(5_000);
            }
            assertTrue(frames.get() >= 4, "ARP and three echo requests came through pollOnce: " + frames);
            assertEquals(frames.get(), setup.port.counters().get(PortCounter.FRAMES_RECEIVED));

            setup.port.start();
            final IllegalStateException both = assertThrows(IllegalStateException.class, setup.port::pollOnce);
            assertTrue(both.getMessage().startsWith("the port's receive thread is running"), both.getMessage());
        }
    }

    @Test
    void floodPingAllocatesNothingPerFrameAndAnIdlePortSleeps() throws InterruptedException
    {
        assumeRoot();
        final com.sun.management.ThreadMXBean threads = WireMeasurements.threads();
        try (Setup setup = new Setup("f"))
        {
            final Thread receiver = setup.port.receiveThread();
            final Thread driver = setup.responder.thread();
            final WireMeasurements.Flood warmUp = WireMeasurements.flood(List.of(), setup.peer, 20_000, 8);
            assertTrue(warmUp.received() >= warmUp.sent() * 9 / 10, warmUp.output() + setup.port);

            final List<WireMeasurements.Round> rounds = WireMeasurements.roundsUntilNothingAllocated(threads,
                List.of(), setup.peer, 20_000, 8, receiver, driver);
            final WireMeasurements.Round last = rounds.getLast();
            System.out.printf("TAP flood ping (preload 8): %.0f echoes/s (a frame each way); rounds %s; " +
                "%s%n", last.flood().echoesPerSecond(), rounds, setup.port.counters());
            assertEquals(0, last.allocated()[0], "bytes the device's receive thread allocated per round of " +
                last.flood().received() + " frames: " + rounds);
            assertEquals(0, last.allocated()[1], "bytes the driver's thread (receiving and transmitting) allocated " +
                "per round of " + last.flood().received() + " frames: " + rounds);

            Thread.sleep(300); // the last replies settle
            final double receiverIdle = WireMeasurements.cpuMillisOver(threads, receiver, 2_000);
            System.out.printf("TAP idle: receive thread used %.2f ms of CPU in 2 s%n", receiverIdle);
            assertTrue(receiverIdle < 40, "an idle port sleeps in poll(2): " + receiverIdle + " ms CPU in 2 s");
        }
    }

    @Test
    void aNameLongerThanFifteenCharactersIsRefusedBeforeTheKernelCutsIt()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> TapDevice.open("rsf-sixteen-char"));
        assertEquals("TAP device name 'rsf-sixteen-char' is 16 bytes long: Linux interface names have at most 15 " +
            "(IFNAMSIZ 16 with the NUL)", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open("a/b"));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open(""));
    }

    @Test
    void aNameTakenByAVethIsEinvalAndASecondOpenIsEbusy()
    {
        assumeRoot();
        final String veth = LinuxNet.name("v");
        final String tap = LinuxNet.name("b");
        try
        {
            must("ip", "link", "add", veth, "type", "veth", "peer", "name", LinuxNet.name("w"));
            final LinuxCallException taken = assertThrows(LinuxCallException.class, () -> TapDevice.open(veth));
            assertEquals("TAP name " + veth + " is taken by a device of another kind (a veth, a TUN, a multi-queue " +
                "TAP): pick another name, or delete it with 'ip link del " + veth + "': EINVAL (22)",
                taken.getMessage());
            assertEquals(Errno.EINVAL, taken.errno());
            assertEquals("ioctl(TUNSETIFF)", taken.call());

            try (TapDevice first = TapDevice.open(tap))
            {
                final LinuxCallException busy = assertThrows(LinuxCallException.class, () -> TapDevice.open(tap));
                assertEquals("TAP device " + tap + " is already attached to another descriptor (a single-queue TAP " +
                    "takes one): close the other user, or pick another name: EBUSY (16)", busy.getMessage());
                assertEquals("EBUSY", busy.errnoName());
                assertTrue(interfaceExists(first.name()));
            }
            assertFalse(interfaceExists(tap), "a non-persistent TAP goes away with its descriptor");
        }
        finally
        {
            quietly("ip", "link", "del", veth);
            quietly("ip", "link", "del", tap);
        }
    }

    @Test
    void aTapDeletedUnderItsPortIsCountedAndTheThreadDoesNotSpin() throws InterruptedException
    {
        assumeRoot();
        final com.sun.management.ThreadMXBean threads = WireMeasurements.threads();
        try (Setup setup = new Setup("x"))
        {
            must("ip", "link", "del", setup.name);
            final Thread receiver = setup.port.receiveThread();
            Thread.sleep(300);
            final double cpu = WireMeasurements.cpuMillisOver(threads, receiver, 1_000);
            final PortCounters counters = setup.port.counters();
            assertTrue(counters.get(PortCounter.POLL_ERRORS) >= 1, "poll(2) reported the error: " + counters);
            assertEquals(Errno.EBADFD, counters.lastReceiveErrno(), "a read says why: " + counters);
            assertTrue(cpu < 50, "the thread backs off instead of spinning: " + cpu + " ms CPU in 1 s");
            final LinuxCallException read = assertThrows(LinuxCallException.class,
                () -> setup.port.tap().read(setup.nic.pool().region().virtualAddress(), 2048));
            assertEquals("reading a frame from TAP device " + setup.name + ": EBADFD (77)", read.getMessage());
        }
    }

    @Test
    void writingWhileTheInterfaceIsDownIsAnEioNamingTheDevice()
    {
        assumeRoot();
        final String name = LinuxNet.name("d");
        try (TapDevice tap = TapDevice.open(name);
            java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final java.lang.foreign.MemorySegment frame = arena.allocate(60);
            final LinuxCallException down = assertThrows(LinuxCallException.class,
                () -> tap.write(frame.address(), 60));
            assertEquals("writing a frame of 60 B to TAP device " + name + " (the interface is down: ip link set " +
                name + " up): EIO (5)", down.getMessage());
            assertEquals(0, tap.read(frame.address(), 60), "nothing to read on a down interface");
            assertFalse(tap.awaitReadable(10));
        }
        finally
        {
            quietly("ip", "link", "del", name);
        }
    }
}
