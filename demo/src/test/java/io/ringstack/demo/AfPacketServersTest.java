package io.ringstack.demo;

import io.ringstack.testsupport.BackgroundProcess;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.LinuxNetwork;
import io.ringstack.testsupport.NetworkNamespace;
import io.ringstack.testsupport.RequiresRoot;
import io.ringstack.testsupport.RequiresTool;
import io.ringstack.testsupport.Tools;
import io.ringstack.testsupport.Veth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringstack.demo.RingstackCommandTest.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servers on an existing Linux interface through AF_PACKET, as a user runs them: one end of a veth pair in the
 * root namespace for ringstack, the other end in a network namespace with Linux's address, where curl, nc and
 * socat run the commands the server printed.
 * <pre>
 *   ringstack http|echo --af-packet H        |  namespace rs-PID-N
 *   198.18.82.2 (.83.2)  AF_PACKET on H -----+--- eth0  198.18.82.1/24 (.83.1)  curl, nc, socat
 * </pre>
 */
@RequiresRoot
class AfPacketServersTest
{
    /** {@code ringstack ARGS} in a new JVM with this test's class path and JVM flags. */
    private static Command ringstack(final List<String> prefix, final String... args)
    {
        final List<String> argv = new ArrayList<>(prefix);
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.add("-XX:TieredStopAtLevel=1");
        final List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < flags.size(); i++)
        {
            final String flag = flags.get(i);
            if (flag.startsWith("--enable-native-access") || flag.startsWith("--add-exports") ||
                flag.startsWith("--sun-misc-unsafe-memory-access"))
            {
                argv.add(flag);
                if (!flag.contains("=") && i + 1 < flags.size())
                {
                    argv.add(flags.get(++i));
                }
            }
        }
        argv.add("-cp");
        argv.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        argv.add(RingstackCommand.class.getName());
        argv.addAll(List.of(args));
        return Command.of(argv);
    }

    /** The command after "try:" in the server's output, run in the namespace without a proxy. */
    private static CommandResult tryWhatItSays(final NetworkNamespace namespace, final String output)
    {
        final String line = output.lines().filter(l -> l.startsWith("try:")).findFirst().orElseThrow();
        return namespace.command("sh", "-c", "unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY " +
            "all_proxy; " + line.substring("try:".length()).trim()).timeout(Duration.ofSeconds(30)).run();
    }

    @Test
    @RequiresTool("curl")
    void httpServesCurlOnTheFarEndOfAVethRecordsItAndReportsAtCtrlC(@TempDir final Path directory)
    {
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18.82.1/24");
            if (Tools.which("ethtool").isPresent())
            {
                // as the README's veth has it: Linux's offloads on (withVeth turns them off), so curl's segments
                // come with their checksums left to offload, and the NIC completes them
                namespace.exec("ethtool", "-K", veth.nsEnd(), "rx", "on", "tx", "on", "sg", "on", "tso", "on",
                    "gso", "on");
            }
            final Path pcap = directory.resolve("af-packet.pcap");
            try (BackgroundProcess server = ringstack(List.of(), "http", "--af-packet", veth.hostEnd(), "--ip",
                "198.18.82.2/24", "--pcap", pcap.toString(), "--stats", "1").start())
            {
                server.awaitOutput("try:", Duration.ofSeconds(60));
                assertTrue(server.stdout().contains("ringstack http: serving http://198.18.82.2/ on " +
                    veth.hostEnd() + " through AF_PACKET"), server.stdout());

                final CommandResult curl = tryWhatItSays(namespace, server.stdout());
                assertEquals(0, curl.exitCode(), curl.stderr());
                assertEquals(2, curl.stdout().split("HTTP/1.1 200 OK\r\n", -1).length - 1, curl.stdout());
                assertTrue(curl.stdout().contains("Content-Length: 100") &&
                    curl.stdout().contains("Transfer-Encoding: chunked"), curl.stdout());

                // a report every second while it serves; then Ctrl-C (SIGINT): the last report and a closed capture
                server.awaitOutput("counters of http 198.18.82.2/24", Duration.ofSeconds(10));
                Command.of("kill", "-INT", Long.toString(server.pid())).run();
                final int exit = server.waitFor(Duration.ofSeconds(20));
                final String stdout = server.stdout();
                assertEquals(130, exit, "killed by SIGINT after the shutdown hook ran\n" + stdout + server.stderr());
                final List<String> lines = stdout.lines().toList();
                assertTrue(lines.getLast().matches("pcap: \\d+ frames in .*af-packet\\.pcap"), stdout);
                assertEquals(1, counter(lines, "Tcp:", "passive connection openings"), "curl's one connection");
                assertTrue(counter(lines, "Tcp:", "segments received") >= 4, stdout);
                assertTrue(counter(lines, "Arp:", "requests received") >= 1, "the peer asked for our MAC");
                assertTrue(counter(lines, "Nic:", "frames received (") >= counter(lines, "Tcp:", "segments received"));
                assertTrue(lines.stream().noneMatch(l -> l.contains("BAD_CHECKSUM")), stdout);
            }
            if (Tools.which("tshark").isPresent())
            {
                final CommandResult tshark = Command.of("tshark", "-n", "-r", pcap.toString(), "-Y", "http.request",
                    "-T", "fields", "-e", "ip.src", "-e", "http.request.uri").run();
                assertEquals(List.of("198.18.82.1\t/bytes/100", "198.18.82.1\t/chunked/100"), tshark.stdoutLines(),
                    tshark.stderr());
            }
        }
    }

    @Test
    @RequiresTool("nc")
    @RequiresTool("socat")
    void echoAnswersNcAndSocatOnTheFarEndOfAVeth() throws InterruptedException
    {
        try (NetworkNamespace namespace = LinuxNetwork.createNamespace())
        {
            final Veth veth = namespace.withVeth("198.18.83.1/24");
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
            final ByteArrayOutputStream errors = new ByteArrayOutputStream();
            final AtomicInteger exit = new AtomicInteger(-1);
            final Thread command = new Thread(() -> exit.set(RingstackCommand.run(new String[] {"echo",
                "--af-packet", veth.hostEnd(), "--ip", "198.18.83.2/24"}, out,
                new PrintStream(errors, true, StandardCharsets.UTF_8))), "ringstack-echo-command");
            command.start();
            try
            {
                final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!output.toString(StandardCharsets.UTF_8).contains("try:") && command.isAlive() &&
                    System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                final String started = output.toString(StandardCharsets.UTF_8);
                assertTrue(started.contains("try:  echo hello | nc -N 198.18.83.2 7"), started + errors);

                final CommandResult nc = tryWhatItSays(namespace, started);
                assertEquals("hello", nc.stdout().trim(), nc.stderr());
                final CommandResult socat = namespace.command("socat", "-t", "5", "-",
                    "TCP:198.18.83.2:7").input("over socat\n").timeout(Duration.ofSeconds(30)).run();
                assertEquals("over socat", socat.stdout().trim(), socat.stderr());
            }
            finally
            {
                command.interrupt(); // ends the serving wait as a stop, like Ctrl-C
                try
                {
                    command.join(20_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            final List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(0, exit.get(), errors.toString(StandardCharsets.UTF_8));
            assertTrue(lines.contains("echoed 17 bytes"), String.join("\n", lines)); // "hello\n" and "over socat\n"
            assertEquals(2, counter(lines, "Tcp:", "passive connection openings"));
            assertTrue(counter(lines, "Tcp:", "segments sent out") >= 4, String.join("\n", lines));
        }
    }

    @Test
    @RequiresTool("setpriv")
    void withoutCapNetRawTheServerSaysToRunAsRoot()
    {
        // setpriv drops CAP_NET_RAW and CAP_NET_ADMIN from the bounding set: even root's JVM lacks them at exec
        final CommandResult child = ringstack(List.of("setpriv", "--inh-caps=-all",
            "--bounding-set=-net_admin,-net_raw", "--"), "echo", "--af-packet", "lo", "--ip", "127.0.0.2/8")
            .timeout(Duration.ofSeconds(60)).runAllowingFailure();
        assertEquals(1, child.exitCode(), child.stdout() + child.stderr());
        assertEquals("ringstack echo: an AF_PACKET socket on lo needs CAP_NET_RAW, which this process lacks: run as " +
            "root (sudo ./ringstack ...), or use --inproc for two hosts in this process", child.stderr().trim());
        final CommandResult tap = ringstack(List.of("setpriv", "--inh-caps=-all",
            "--bounding-set=-net_admin,-net_raw", "--"), "http", "--tap", "rs-nocap0", "--ip", "198.18.84.2/24",
            "--linux-ip", "198.18.84.1/24").timeout(Duration.ofSeconds(60)).runAllowingFailure();
        assertEquals(1, tap.exitCode(), tap.stdout() + tap.stderr());
        assertTrue(tap.stderr().startsWith("ringstack http: creating TAP device rs-nocap0 needs CAP_NET_ADMIN, " +
            "which this process lacks: run as root"), tap.stderr());
    }
}
