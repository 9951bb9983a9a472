package io.ringstack.demo.qemu;

import io.ringstack.ip.decode.DecodedFrame;
import io.ringstack.ip.decode.FrameDecoder;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.wire.CaptureReader;
import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Scapy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 5: ringstack's own {@code E1000Driver} on QEMU's 82540EM model (an independent implementation of the
 * register interface), inside a minimal Linux guest booted under TCG by {@code qemu/run-guest.sh}. The guest
 * runs {@code qemu/e1000-check.sh}: two refusals (kernel driver still bound; no huge pages), then
 * {@code ringstack pci} through the mapped BAR0 with huge-page DMA memory, on a QEMU hub shared by slirp
 * (gateway 10.0.2.2) and a host-side peer written with scapy ({@code qemu/host_peer.py}, over -netdev dgram).
 * <p>
 * Checked here, once the guest has finished: the refusals' messages; the peer saw ARP, ping and UDP echo
 * (fragmented too) answered intact; the guest resolved and pinged the slirp gateway; the device's read-to-clear
 * statistics (GPRC, GPTC) agree with the driver's counts; and QEMU's own record of the NIC's traffic
 * (filter-dump) holds exactly the frames the driver sent and received, byte for byte, and decodes alike with
 * ringstack's decoder and with tshark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@RequiresTool("qemu-system-x86_64")
@RequiresTool("busybox")
@RequiresTool("cpio")
@RequiresTool("scapy")
@RequiresTool("tshark")
class QemuE1000GuestTest
{
    private static final long GUEST_MAC = MacAddress.parse("52:54:00:12:34:56");
    private static final int MIN_FRAME = 60;

    private Path out;
    private CommandResult guest;
    private String peerReport;

    @BeforeAll
    void bootTheGuest() throws Exception
    {
        final Path repository = repositoryRoot();
        final Path qemu = repository.resolve("qemu");
        assumeTrue(hasKernel(), "needs a kernel image and its modules (apt-get install linux-image-amd64)");
        final Path work = repository.resolve("demo/target/qemu-e1000");
        deleteTree(work);
        final Path app = Files.createDirectories(work.resolve("app"));
        out = Files.createDirectories(work.resolve("out"));
        stageClassPath(app);
        Files.copy(qemu.resolve("e1000-check.sh"), app.resolve("run"));

        final int peerPort = freeUdpPort();
        final int guestPort = freeUdpPort();
        try (BackgroundProcess peer = Command.of(Scapy.PYTHON.toString(), qemu.resolve("host_peer.py").toString(),
            "--listen", Integer.toString(peerPort), "--send", Integer.toString(guestPort), "--wait", "300").start())
        {
            guest = Command.of(qemu.resolve("run-guest.sh").toString(), "--app", app.toString(), "--out",
                out.toString(), "--peer-port", Integer.toString(peerPort), "--guest-port", Integer.toString(guestPort),
                "--timeout", "420").timeout(Duration.ofSeconds(480)).runAllowingFailure();
            peer.waitFor(Duration.ofSeconds(30));
            peerReport = peer.stdout().trim() + (peer.stderr().isBlank() ? "" : "\nstderr: " + peer.stderr());
        }
        Files.writeString(out.resolve("console.txt"), guest.stdout() + "\n--- stderr\n" + guest.stderr());
    }

    @Test
    void guestRunsToTheEndAndSaysSo() throws IOException
    {
        final String pci = read("pci.txt");
        assertEquals(0, guest.exitCode(), () -> "the guest's check failed; console and outputs in " + out + "\n" +
            tail(guest.stdout()) + "\n" + pci + "\npeer: " + peerReport);
        assertAll(
            () -> assertTrue(pci.contains("MAC 52:54:00:12:34:56 (from RAL0/RAH0), link up"), pci),
            () -> assertTrue(pci.contains("5 of 5 pings to 10.0.2.2 answered"), pci),
            () -> assertTrue(pci.contains("stopped by datagram"), pci));
    }

    @Test
    void refusesWhileTheKernelDriverIsBound() throws IOException
    {
        final String bound = read("bound.txt");
        assertTrue(bound.contains("0000:00:10.0 is bound to the kernel driver 'e1000': unbind it first " +
            "(echo 0000:00:10.0 > /sys/bus/pci/drivers/e1000/unbind)"), bound);
        assertTrue(bound.contains("exit 1"), bound);
    }

    @Test
    void refusesWithoutHugePagesAndSaysHowToReserveThem() throws IOException
    {
        final String text = read("nohugepages.txt");
        assertTrue(text.contains("cannot map 1 huge page(s) of 2 MiB"), text);
        assertTrue(text.contains("huge pages free 0 of 0"), text);
        assertTrue(text.contains("echo 8 > /proc/sys/vm/nr_hugepages"), text);
        assertTrue(text.contains("exit 1"), text);
    }

    @Test
    void hostPeerSawArpPingAndUdpEchoAnswered()
    {
        assertAll(
            () -> assertTrue(peerReport.contains("\"arp_reply\": true"), peerReport),
            () -> assertTrue(peerReport.contains("\"pings_answered\": 5"), peerReport),
            () -> assertTrue(peerReport.contains("\"udp_echoed\": 7"), peerReport),
            () -> assertTrue(peerReport.contains("\"guest_mac\": \"52:54:00:12:34:56\""), peerReport));
    }

    @Test
    void deviceStatisticsAgreeWithTheDriver() throws IOException
    {
        final String pci = read("pci.txt");
        final Matcher device = Pattern.compile("GPRC (\\d+) GPTC (\\d+) MPC (\\d+) RNBC (\\d+)").matcher(pci);
        final Matcher driver = Pattern.compile("driver: rx (\\d+) frames, tx (\\d+) frames").matcher(pci);
        assertTrue(device.find() && driver.find(), pci);
        assertEquals(driver.group(1), device.group(1), "frames the driver handed up vs the device's GPRC\n" + pci);
        assertEquals(driver.group(2), device.group(2), "frames the driver queued vs the device's GPTC\n" + pci);
        assertEquals("0", device.group(3), "missed packets (MPC)\n" + pci);
        assertTrue(Long.parseLong(driver.group(1)) >= 15, pci);
    }

    /**
     * QEMU's filter-dump sees the NIC's side of the hub: every frame the device sent, and every frame offered to
     * it. The driver's own capture must equal, in order and byte for byte, the frames from our MAC (sent) and the
     * frames addressed to it or broadcast (received; the device pads a short frame to 60 bytes, as the SDM's
     * minimum frame size asks and QEMU's model does).
     */
    @Test
    void qemusCaptureHoldsExactlyTheFramesTheDriverSentAndReceived() throws IOException
    {
        final List<byte[]> wire = frames(out.resolve("qemu.pcap"));
        final List<byte[]> driver = frames(out.resolve("driver.pcap"));
        final List<byte[]> wireSent = new ArrayList<>();
        final List<byte[]> wireReceived = new ArrayList<>();
        for (final byte[] frame : wire)
        {
            if (source(frame) == GUEST_MAC)
            {
                wireSent.add(frame);
            }
            else if (destination(frame) == GUEST_MAC || destination(frame) == MacAddress.BROADCAST)
            {
                wireReceived.add(frame.length < MIN_FRAME ? Arrays.copyOf(frame, MIN_FRAME) : frame);
            }
        }
        final List<byte[]> driverSent = driver.stream().filter(f -> source(f) == GUEST_MAC).toList();
        final List<byte[]> driverReceived = driver.stream().filter(f -> source(f) != GUEST_MAC).toList();
        assertTrue(driverSent.size() >= 15 && driverReceived.size() >= 15,
            "too few frames: sent " + driverSent.size() + ", received " + driverReceived.size());
        assertSameFrames("sent", wireSent, driverSent);
        assertSameFrames("received", wireReceived, driverReceived);
    }

    /** Both decoders read QEMU's capture the same way: every frame decoded, addresses and protocols agreeing. */
    @Test
    void qemusCaptureDecodesAlikeWithRingstackAndTshark() throws IOException
    {
        final Path pcap = out.resolve("qemu.pcap");
        final CommandResult tshark = Command.of("tshark", "-r", pcap.toString(), "-T", "fields", "-E", "separator=|",
            "-e", "eth.src", "-e", "eth.dst", "-e", "eth.type", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto",
            "-e", "arp.opcode").timeout(Duration.ofSeconds(60)).run();
        final List<String> expected = tshark.stdoutLines().stream().filter(line -> !line.isBlank()).toList();
        final List<String> ours = new ArrayList<>();
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame decoded = new DecodedFrame();
        final CaptureReader reader = CaptureReader.open(pcap);
        while (reader.next())
        {
            assertTrue(decoder.decode(reader.linkType(), reader.frame(), 0, reader.capturedLength(),
                reader.originalLength(), decoded), () -> "ringstack dropped frame " + (ours.size() + 1) + ": " + decoded);
            ours.add(fields(decoded));
        }
        assertEquals(expected.size(), ours.size(), "frames in " + pcap);
        for (int i = 0; i < ours.size(); i++)
        {
            assertEquals(expected.get(i), ours.get(i), "frame " + (i + 1) + " of " + pcap);
        }
    }

    private static String fields(final DecodedFrame frame)
    {
        final boolean ip = frame.etherType() == 0x0800;
        final boolean arp = frame.etherType() == 0x0806;
        return MacAddress.toString(frame.linkSource()) + "|" + MacAddress.toString(frame.linkDestination()) + "|" +
            String.format("0x%04x", frame.etherType()) + "|" +
            (ip ? io.ringstack.ip.wire.Ipv4Address.toString(frame.ipSource()) : "") + "|" +
            (ip ? io.ringstack.ip.wire.Ipv4Address.toString(frame.ipDestination()) : "") + "|" +
            (ip ? Integer.toString(frame.ipProtocol()) : "") + "|" +
            (arp ? Integer.toString(frame.arpOperation()) : "");
    }

    private static void assertSameFrames(final String direction, final List<byte[]> wire, final List<byte[]> driver)
    {
        assertEquals(wire.size(), driver.size(), direction + ": frames on QEMU's side vs in the driver's capture");
        for (int i = 0; i < wire.size(); i++)
        {
            assertArrayEquals(wire.get(i), driver.get(i), direction + " frame " + (i + 1) + " differs");
        }
    }

    private static long source(final byte[] frame)
    {
        return mac(frame, 6);
    }

    private static long destination(final byte[] frame)
    {
        return mac(frame, 0);
    }

    private static long mac(final byte[] frame, final int offset)
    {
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = (mac << 8) | (frame[offset + i] & 0xFF);
        }
        return mac;
    }

    private static List<byte[]> frames(final Path pcap) throws IOException
    {
        final List<byte[]> frames = new ArrayList<>();
        final CaptureReader reader = CaptureReader.open(pcap);
        while (reader.next())
        {
            final byte[] frame = new byte[reader.capturedLength()];
            reader.frame().getBytes(0, frame);
            frames.add(frame);
        }
        return frames;
    }

    private String read(final String name) throws IOException
    {
        final Path file = out.resolve(name);
        return Files.exists(file) ? Files.readString(file) : "(no " + file + "; console:\n" + tail(guest.stdout()) + ")";
    }

    private static String tail(final String text)
    {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    /**
     * The test's class path (surefire's, without test classes and test-only tools), copied into the guest's app
     * share as {@code lib/NN-name.jar} and {@code classes-NN/}; {@code classpath} lists them as the guest sees them.
     */
    private static void stageClassPath(final Path app) throws IOException
    {
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> guestEntries = new ArrayList<>();
        int n = 0;
        for (final String entry : classPath.split(java.io.File.pathSeparator))
        {
            final Path path = Path.of(entry);
            if (entry.isBlank() || !Files.exists(path) || entry.contains("test-classes") || entry.contains("junit") ||
                entry.contains("opentest4j") || entry.contains("apiguardian") || entry.contains("test-support"))
            {
                continue;
            }
            final String name = String.format("%02d-%s", n++, path.getFileName());
            if (Files.isDirectory(path))
            {
                copyTree(path, app.resolve(name));
            }
            else
            {
                Files.createDirectories(app.resolve("lib"));
                Files.copy(path, app.resolve("lib").resolve(name));
            }
            guestEntries.add(Files.isDirectory(path) ? "/app/" + name : "/app/lib/" + name);
        }
        Files.writeString(app.resolve("classpath"), String.join(":", guestEntries) + "\n");
    }

    private static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> files = Files.walk(from))
        {
            for (final Path file : files.toList())
            {
                final Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private static boolean hasKernel() throws IOException
    {
        try (Stream<Path> boot = Files.list(Path.of("/boot")))
        {
            return boot.anyMatch(p -> p.getFileName().toString().startsWith("vmlinuz-"));
        }
        catch (final java.nio.file.NoSuchFileException ex)
        {
            return false;
        }
    }

    private static Path repositoryRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("qemu/run-guest.sh")))
        {
            dir = dir.getParent();
        }
        assumeTrue(dir != null, "qemu/run-guest.sh not found above " + Path.of("").toAbsolutePath());
        return dir;
    }
}
