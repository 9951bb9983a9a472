package io.ringstack.nic.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ringstack.nic.linux.LinuxNet.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a process without the capabilities is told: a child JVM started through {@code setpriv} with CAP_NET_ADMIN
 * and CAP_NET_RAW dropped from its bounding set (so that even as root it does not get them at exec) tries to
 * create a TAP device and to open a packet socket.
 */
class CapabilityMessagesTest
{
    @Test
    void withoutCapNetAdminAndCapNetRawTheMessagesSayWhichIsMissing()
    {
        assumeRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop capabilities");
        final String name = LinuxNet.name("c");
        final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--inh-caps=-all",
            "--bounding-set=-net_admin,-net_raw", "--", java,
            "--enable-native-access=ALL-UNNAMED", "-cp", classPath, WithoutCapabilities.class.getName(), name, "lo"));
        try
        {
            final LinuxNet.Result child = run(command);
            assertEquals(0, child.exit(), child.output());
            assertTrue(child.output().contains("TAP: creating TAP device " + name + " needs CAP_NET_ADMIN (attaching " +
                "to an existing persistent TAP needs CAP_NET_ADMIN or to be its owner): EPERM (1)"), child.output());
            assertTrue(child.output().contains("PACKET: opening an AF_PACKET socket needs CAP_NET_RAW: EPERM (1)"),
                child.output());
            assertFalse(interfaceExists(name), "no TAP was created");
        }
        finally
        {
            quietly("ip", "link", "del", name);
        }
    }
}
