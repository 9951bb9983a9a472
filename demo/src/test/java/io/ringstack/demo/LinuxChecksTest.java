package io.ringstack.demo;

import io.ringstack.ip.wire.Ipv4Address;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The set-up checks of the servers against a played Linux: a {@code /sys/class/net} of our making, a process
 * without capabilities, Linux holding 10.9.0.1 on eth0. What the commands say, before they touch any device.
 */
class LinuxChecksTest
{
    private static final long NONE = 0;
    private static final long ROOT = (1L << LinuxChecks.CAP_NET_ADMIN) | (1L << LinuxChecks.CAP_NET_RAW);

    @TempDir
    private Path sys;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeEach
    void interfaces() throws IOException
    {
        Files.writeString(Files.createDirectory(sys.resolve("veth7")).resolve("flags"), "0x1003\n"); // up
        Files.writeString(Files.createDirectory(sys.resolve("veth8")).resolve("flags"), "0x1002\n"); // down
    }

    private LinuxChecks checks(final long capabilities)
    {
        return new LinuxChecks(sys, () -> capabilities,
            address -> address == Ipv4Address.parse("10.9.0.1") ? "eth0" : null);
    }

    private int run(final Subcommand command, final String... args)
    {
        return command.run(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String err()
    {
        final String text = errBytes.toString(StandardCharsets.UTF_8);
        errBytes.reset();
        return text;
    }

    @Test
    void withoutCapNetRawAnAfPacketServerSaysToRunAsRoot()
    {
        assertEquals(1, run(new EchoCommand(checks(NONE)), "--af-packet", "veth7", "--ip", "10.9.0.2/24"));
        assertEquals("ringstack echo: an AF_PACKET socket on veth7 needs CAP_NET_RAW, which this process lacks: run " +
            "as root (sudo ./ringstack ...), or use --inproc for two hosts in this process\n", err());
        assertEquals(1, run(new HttpCommand(checks(1L << LinuxChecks.CAP_NET_ADMIN)), "--af-packet", "veth7", "--ip",
            "10.9.0.2/24"));
        assertTrue(err().startsWith("ringstack http: an AF_PACKET socket on veth7 needs CAP_NET_RAW, which"));
        assertEquals(0, outBytes.size(), "nothing served: " + outBytes);
    }

    @Test
    void withoutCapNetAdminATapServerSaysToRunAsRoot()
    {
        assertEquals(1, run(new HttpCommand(checks(1L << LinuxChecks.CAP_NET_RAW)), "--tap", "rs-t9", "--ip",
            "10.9.0.2/24", "--linux-ip", "10.9.0.3/24"));
        assertEquals("ringstack http: creating TAP device rs-t9 needs CAP_NET_ADMIN, which this process lacks: run " +
            "as root (sudo ./ringstack ...), or use --inproc for two hosts in this process\n", err());
    }

    @Test
    void anInterfaceThatIsMissingDownOrThereAlreadyIsNamedWithTheFix()
    {
        assertEquals(1, run(new EchoCommand(checks(ROOT)), "--af-packet", "veth9", "--ip", "10.9.0.2/24"));
        assertTrue(err().startsWith("ringstack echo: interface veth9 not found (see 'ip link'): --af-packet needs an " +
            "existing interface, e.g. one end of a veth pair ('ip link add NAME type veth peer name PEER')"));
        assertEquals(1, run(new EchoCommand(checks(ROOT)), "--af-packet", "veth8", "--ip", "10.9.0.2/24"));
        assertEquals("ringstack echo: interface veth8 is down: bring it up with 'ip link set veth8 up'\n", err());
        assertEquals(1, run(new HttpCommand(checks(ROOT)), "--tap", "veth7", "--ip", "10.9.0.2/24", "--linux-ip",
            "10.9.0.3/24"));
        assertEquals("ringstack http: interface veth7 exists already: pick another --tap name, or delete it with " +
            "'ip link del veth7'\n", err());
    }

    @Test
    void anAddressLinuxHoldsIsInUse()
    {
        assertEquals(1, run(new HttpCommand(checks(ROOT)), "--af-packet", "veth7", "--ip", "10.9.0.1/24"));
        assertEquals("ringstack http: address in use: Linux has 10.9.0.1 on eth0; ringstack is a host of its own on " +
            "the link: give it a free address with --ip\n", err());
        assertEquals(1, run(new EchoCommand(checks(ROOT)), "--tap", "rs-t9", "--ip", "10.9.0.1/24", "--linux-ip",
            "10.9.0.3/24"));
        assertTrue(err().startsWith("ringstack echo: address in use: Linux has 10.9.0.1 on eth0"));
        assertEquals(1, run(new EchoCommand(checks(NONE)), "--tap", "rs-t9", "--ip", "10.9.0.5/24", "--linux-ip",
            "10.9.0.5/24"));
        assertEquals("ringstack echo: address in use: --ip and --linux-ip are both 10.9.0.5; each side of the TAP " +
            "needs an address of its own\n", err(), "a set-up error is named before the missing capability");
    }

    @Test
    void capabilitiesThatCannotBeReadLeaveTheAnswerToTheSystemCall()
    {
        assertNull(checks(-1).missingCapability(LinuxChecks.CAP_NET_RAW, "CAP_NET_RAW", "x"));
        assertNull(checks(ROOT).missingCapability(LinuxChecks.CAP_NET_RAW, "CAP_NET_RAW", "x"));
        assertTrue(checks(1L << LinuxChecks.CAP_NET_ADMIN)
            .missingCapability(LinuxChecks.CAP_NET_RAW, "CAP_NET_RAW", "x").startsWith("x needs CAP_NET_RAW"));
        final long real = LinuxChecks.effectiveCapabilities();
        assertEquals("root".equals(System.getProperty("user.name")), real != -1 && (real & ROOT) == ROOT,
            "CapEff of this process, read from /proc/self/status: " + Long.toHexString(real));
    }
}
