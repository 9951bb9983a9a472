package io.ringstack.demo;

import io.ringstack.demo.http.HttpServerConfig;
import io.ringstack.socket.NetStack;
import io.ringstack.socket.TcpSocket;
import io.ringstack.testsupport.Command;
import io.ringstack.testsupport.CommandResult;
import io.ringstack.testsupport.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user runs it: arguments in, lines and an exit code out. */
class RingstackCommandTest
{
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(final String... args)
    {
        return RingstackCommand.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private List<String> out()
    {
        return outBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private String err()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static Path capture(final String name)
    {
        final Path file = Path.of(System.getProperty("ringstack.shared", "../../shared"), "pcaps", name);
        Assumptions.assumeTrue(Files.isRegularFile(file), "no shared capture " + file.toAbsolutePath());
        return file;
    }

    @Test
    void decodePrintsOneLinePerFrameAndASummary()
    {
        final Path file = capture("zeek--icmp_dot1q.pcap");
        assertEquals(0, run("decode", file.toString()), err());
        final List<String> lines = out();
        assertEquals(16, lines.size(), String.join("\n", lines));
        assertEquals("1 len=64 eth.src=00:19:06:ea:b8:c1 eth.dst=ff:ff:ff:ff:ff:ff vlan=123 type=0x0806 arp.op=2 " +
            "arp.sha=00:19:06:ea:b8:c1 arp.spa=192.168.123.1 arp.tha=ff:ff:ff:ff:ff:ff arp.tpa=192.168.123.1",
            lines.get(0));
        assertTrue(lines.get(4).startsWith("5 len=118 eth.src=00:18:73:de:57:c1 "), lines.get(4));
        assertTrue(lines.get(4).contains(" ip.src=192.168.123.2 ip.dst=192.168.123.1 ip.proto=1 ") &&
            lines.get(4).endsWith(" icmp.type=8 icmp.code=0 icmp.cksum=good"), lines.get(4));
        assertEquals("summary frames=15 decoded=15 dropped=0 truncated=0", lines.get(15));
        assertEquals("", err());
    }

    @Test
    void dropsAreReportedWithLayerAndReason()
    {
        final Path file = capture("pcpp--tcp-malformed.pcap");
        assertEquals(0, run("decode", file.toString()));
        final List<String> lines = out();
        assertTrue(lines.get(0).startsWith("1 len=60 ") && lines.get(0).endsWith(" drop=tcp:BAD_DATA_OFFSET"),
            lines.get(0));
        assertEquals("summary frames=2 decoded=0 dropped=2 truncated=0 tcp:BAD_DATA_OFFSET=2", lines.get(2));
    }

    @Test
    void echoInProcessRunsTheBuiltInClientAndPrintsItsTable()
    {
        assertEquals(0, run("echo", "--inproc", "--connections", "3", "--messages", "300", "--size", "100"), err());
        final List<String> lines = out();
        assertTrue(lines.get(1).startsWith("connections    size       round trips"), String.join("\n", lines));
        final String[] row = lines.get(2).trim().split("\\s+");
        assertEquals("3", row[0]);
        assertEquals("100", row[1]);
        assertEquals("900", row[2], "every round trip made");
        assertEquals("0", row[row.length - 1], "no errors");
        assertTrue(lines.get(3).startsWith("echoed 90,000 bytes"), lines.get(3));
    }

    @Test
    void httpAutoWithInprocRunsTheInProcessPair()
    {
        assertEquals(0, run("http", "--auto", "--inproc", "--connections", "2", "--requests", "200"), err());
        assertTrue(String.join("\n", out()).contains("200"), String.join("\n", out()));
        assertTrue(!String.join("\n", out()).contains("TAP rs"), "--inproc wins over --auto");
    }

    @Test
    void theAutoWireNamesAFreeTapAndSaysWhyItCannotUseOne()
    {
        final String name = AutoWire.freeTapName();
        assertTrue(name.matches("rs\\d+") && !java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net", name)),
            name);
        final String reason = AutoWire.tapUnavailableReason();
        final boolean root = "root".equals(System.getProperty("user.name"));
        assertTrue(reason == null ? root || java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun")) :
            reason.contains("CAP_NET_ADMIN") || reason.contains("/dev/net/tun"), String.valueOf(reason));
    }

    @Test
    void echoRefusesATapWithoutAddresses()
    {
        assertEquals(2, run("echo", "--tap", "rs9"));
        assertTrue(err().contains("--tap needs --ip A/P (ours) and --linux-ip A/P"), err());
    }

    @Test
    void httpInProcessRunsTheBuiltInClientAndPrintsItsTable()
    {
        assertEquals(0, run("http", "--inproc", "--connections", "3", "--requests", "300", "--path", "/chunked/5000"),
            err());
        final List<String> lines = out();
        assertTrue(lines.get(1).startsWith("connections  path               requests   per second"),
            String.join("\n", lines));
        final String[] row = lines.get(2).trim().split("\\s+");
        assertEquals("3", row[0]);
        assertEquals("/chunked/5000", row[1]);
        assertEquals("300", row[2], "every request answered");
        assertEquals("1500000", row[row.length - 2], "body bytes, each checked against the pattern");
        assertEquals("0", row[row.length - 1], "no errors");
        assertTrue(lines.get(3).startsWith("server: 300 requests, 300 responses (2xx 300, 4xx 0, 5xx 0)"), lines.get(3));
    }

    @Test
    void httpRefusesBadAddressesAndAnInterfaceThatExists()
    {
        assertEquals(2, run("http", "--tap", "rs9", "--ip", "10.0.0.300/24", "--linux-ip", "10.0.0.1/24"));
        assertTrue(err().startsWith("ringstack http: --ip 10.0.0.300/24: ") && err().contains("0 to 255"), err());
        errBytes.reset();
        assertEquals(2, run("http", "--tap", "rs9", "--ip", "10.0.0.2", "--linux-ip", "10.0.0.1/24"));
        assertTrue(err().contains("--ip 10.0.0.2: '10.0.0.2' is not ADDRESS/PREFIX"), err());
        errBytes.reset();
        assertEquals(2, run("http", "--tap", "rs9"));
        assertTrue(err().contains("--tap needs --ip A/P (ours) and --linux-ip A/P"), err());
        errBytes.reset();
        Assumptions.assumeTrue(Files.exists(Path.of("/sys/class/net/lo")), "no /sys/class/net/lo");
        assertEquals(1, run("http", "--tap", "lo", "--ip", "10.0.0.2/24", "--linux-ip", "10.0.0.1/24"));
        assertTrue(err().contains("interface lo exists already: pick another --tap name"), err());
        errBytes.reset();
        assertEquals(2, run("http", "--path", "bytes/5"));
        assertTrue(err().contains("--path must start with '/'"), err());
    }

    @Test
    void limitStopsEarly()
    {
        final Path file = capture("zeek--icmp_dot1q.pcap");
        assertEquals(0, run("decode", file.toString(), "--limit", "3"));
        final List<String> lines = out();
        assertEquals(4, lines.size());
        assertTrue(lines.get(2).startsWith("3 "), lines.get(2));
        assertEquals("summary frames=3 decoded=3 dropped=0 truncated=0 (stopped at --limit 3; more frames follow)",
            lines.get(3));
    }

    @Test
    void badUsageExitsWith2AndSaysWhy(@TempDir final Path directory) throws IOException
    {
        assertEquals(2, run());
        assertTrue(err().contains("usage: ringstack <command>"), err());
        errBytes.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().startsWith("ringstack: unknown command 'frobnicate'"), err());
        assertTrue(err().contains("ringstack decode FILE [--limit N]"), err());
        errBytes.reset();
        assertEquals(2, run("decode"));
        assertTrue(err().startsWith("ringstack decode: say which capture to decode"), err());
        errBytes.reset();
        assertEquals(2, run("decode", directory.resolve("missing.pcap").toString()));
        assertTrue(err().startsWith("ringstack decode: no such file: "), err());
        errBytes.reset();
        final Path text =
            Files.writeString(directory.resolve("notes.txt"), "this is plain text, not a capture file of any kind");
        assertEquals(2, run("decode", text.toString()));
        assertTrue(err().contains("cannot read") && err().contains("not a pcap or pcapng file"), err());
        errBytes.reset();
        assertEquals(2, run("decode", text.toString(), "--limit", "zero"));
        assertTrue(err().startsWith("ringstack decode: --limit takes a number"), err());
        assertEquals(0, outBytes.size(), "nothing on stdout for usage errors");
        assertEquals(0, run("help"));
        assertTrue(out().get(0).startsWith("usage: ringstack"));
    }

    @Test
    void aDamagedCaptureExitsWith1AfterTheFramesBeforeTheDamage(@TempDir final Path directory) throws IOException
    {
        final byte[] whole = Files.readAllBytes(capture("zeek--arp-who-has.pcap"));
        final Path cut = Files.write(directory.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
        assertEquals(1, run("decode", cut.toString()));
        assertEquals(List.of("summary frames=1 decoded=1 dropped=0 truncated=0"), out().subList(1, 2));
        assertTrue(err().contains("is damaged"), err());
    }

    /** The number before {@code what...} in the last report's group {@code group} ("Tcp:"). */
    static long counter(final List<String> lines, final String group, final String what)
    {
        final int report = lastIndexStartingWith(lines, "counters of ");
        assertTrue(report >= 0, "no counters report in\n" + String.join("\n", lines));
        int i = report + 1;
        while (i < lines.size() && !lines.get(i).equals(group))
        {
            i++;
        }
        assertTrue(i < lines.size(), "no group " + group + " in the report");
        for (i++; i < lines.size() && lines.get(i).startsWith("    "); i++)
        {
            final String line = lines.get(i).trim();
            final int space = line.indexOf(' ');
            if (line.substring(space + 1).startsWith(what))
            {
                return Long.parseLong(line.substring(0, space));
            }
        }
        throw new AssertionError("no '" + what + "' in group " + group + ":\n" + String.join("\n", lines));
    }

    static int lastIndexStartingWith(final List<String> lines, final String prefix)
    {
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            if (lines.get(i).startsWith(prefix))
            {
                return i;
            }
        }
        return -1;
    }

    @Test
    void httpInProcessRecordsEveryFrameAndPrintsTheCountersLikeNetstat(@TempDir final Path directory)
        throws IOException
    {
        final Path pcap = directory.resolve("http.pcap");
        assertEquals(0, run("http", "--inproc", "--connections", "2", "--requests", "40", "--pcap", pcap.toString(),
            "--stats", "1"), err());
        final List<String> lines = out();
        final int report = lastIndexStartingWith(lines, "counters of server 10.0.0.2/24 (netstat -s), ");
        assertTrue(report > 0, String.join("\n", lines));
        final List<String> groups = lines.subList(report, lines.size()).stream()
            .filter(line -> line.matches("[A-Z][a-z]+:")).toList();
        assertEquals(List.of("Ip:", "Icmp:", "Tcp:", "Udp:", "Arp:", "Ethernet:", "Nic:"), groups);
        assertEquals(2, counter(lines, "Tcp:", "passive connection openings"), "the client's two connections");
        assertEquals(0, counter(lines, "Tcp:", "active connection openings"), "the server opens none");
        final long segmentsIn = counter(lines, "Tcp:", "segments received");
        final long segmentsOut = counter(lines, "Tcp:", "segments sent out");
        assertTrue(segmentsIn >= 40 + 2 * 3 && segmentsOut >= 40, segmentsIn + " in, " + segmentsOut + " out");
        assertTrue(counter(lines, "Ip:", "total packets received") >= segmentsIn);
        assertTrue(counter(lines, "Nic:", "frames received (") >= segmentsIn);

        // the capture: closed at exit, every frame of the run in it, each one whole and every one decodable
        final String last = lines.getLast();
        assertTrue(last.matches("pcap: \\d+ frames in .*http\\.pcap"), last);
        final long frames = Long.parseLong(last.split(" ")[1]);
        assertTrue(frames >= segmentsIn + segmentsOut, frames + " frames");
        outBytes.reset();
        assertEquals(0, run("decode", pcap.toString()), err());
        final List<String> decoded = out();
        assertEquals("summary frames=" + frames + " decoded=" + frames + " dropped=0 truncated=0", decoded.getLast());
        assertEquals(2, decoded.stream().filter(line -> line.contains(" tcp.dport=80 tcp.flags=SYN ")).count(),
            "both connections' SYNs");
        assertTrue(decoded.getFirst().startsWith("1 ") && decoded.getFirst().contains(" arp.op=1 ") &&
            decoded.getFirst().contains(" arp.spa=10.0.0.2 ") && decoded.getFirst().endsWith(" arp.tpa=10.0.0.2"),
            "the capture starts with the server's first frame, its gratuitous ARP: " + decoded.getFirst());
    }

    @Test
    void httpInProcessAtAJumboMtuSendsJumboFrames(@TempDir final Path directory) throws IOException
    {
        final Path pcap = directory.resolve("jumbo.pcap");
        assertEquals(0, run("http", "--inproc", "--mtu", "9000", "--connections", "1", "--requests", "20", "--path",
            "/bytes/100000", "--pcap", pcap.toString()), err());
        outBytes.reset();
        assertEquals(0, run("decode", pcap.toString()), err());
        final long jumbo = out().stream().filter(line -> line.matches("\\d+ len=(\\d{4,5}) .*") &&
            Integer.parseInt(line.replaceAll("^\\d+ len=(\\d+) .*", "$1")) > 1514).count();
        assertTrue(jumbo >= 20 * 11, "each 100,000 B response leaves in frames of up to 9,014 B: " + jumbo);
        assertTrue(out().stream().noneMatch(line -> line.matches("\\d+ len=(\\d+) .*") &&
            Integer.parseInt(line.replaceAll("^\\d+ len=(\\d+) .*", "$1")) > 9014), "none above MTU + 14");
    }

    @Test
    void aMtuBeyondTheLargestJumboFrameIsRefused()
    {
        assertEquals(RingstackCommand.EXIT_USAGE, run("http", "--inproc", "--mtu", "16111"));
        assertTrue(err().contains("--mtu 16111 must be 68..16110"), err());
    }

    @Test
    @RequiresTool("tshark")
    void tsharkFindsEveryHttpRequestAndResponseInTheCapture(@TempDir final Path directory)
    {
        final Path pcap = directory.resolve("http.pcap");
        assertEquals(0, run("http", "--inproc", "--connections", "2", "--requests", "30", "--path", "/bytes/1000",
            "--pcap", pcap.toString()), err());
        final CommandResult requests = Command.of("tshark", "-n", "-r", pcap.toString(), "-Y", "http.request",
            "-T", "fields", "-e", "http.request.method", "-e", "http.request.uri").run();
        assertEquals(30, requests.stdoutLines().size(), requests.stdout() + requests.stderr());
        assertTrue(requests.stdoutLines().stream().allMatch(line -> line.equals("GET\t/bytes/1000")),
            requests.stdout());
        final CommandResult responses = Command.of("tshark", "-n", "-r", pcap.toString(), "-Y",
            "http.response.code == 200 && http.content_length == 1000", "-T", "fields", "-e", "tcp.srcport").run();
        assertEquals(30, responses.stdoutLines().size(), responses.stdout() + responses.stderr());
    }

    @Test
    void echoInProcessRecordsItsTrafficAndCountsIt(@TempDir final Path directory)
    {
        final Path pcap = directory.resolve("echo.pcap");
        assertEquals(0, run("echo", "--inproc", "--connections", "2", "--messages", "50", "--size", "10", "--pcap",
            pcap.toString()), err());
        final List<String> lines = out();
        assertEquals(2, counter(lines, "Tcp:", "passive connection openings"));
        assertTrue(counter(lines, "Tcp:", "segments received") >= 100, String.join("\n", lines));
        final long frames = Long.parseLong(lines.getLast().split(" ")[1]);
        outBytes.reset();
        assertEquals(0, run("decode", pcap.toString()), err());
        final List<String> decoded = out();
        assertEquals("summary frames=" + frames + " decoded=" + frames + " dropped=0 truncated=0", decoded.getLast());
        assertEquals(2, decoded.stream().filter(line -> line.contains(" tcp.dport=7 tcp.flags=SYN ")).count());
        assertTrue(decoded.stream().filter(line -> line.contains(" tcp.sport=7 ")).count() >= 100,
            "the echoes go back");
    }

    @Test
    void theWireOptionsAreCheckedBeforeAnythingIsMade(@TempDir final Path directory)
    {
        assertUsage("choose one wire: --inproc, --tap NAME or --af-packet IF", "echo", "--inproc", "--af-packet",
            "lo", "--ip", "10.0.0.2/24");
        assertUsage("choose one wire", "http", "--tap", "rs9", "--af-packet", "lo", "--ip", "10.0.0.2/24",
            "--linux-ip", "10.0.0.1/24");
        assertUsage("--af-packet needs --ip A/P: ringstack's own address on that link", "http", "--af-packet", "lo");
        assertUsage("--af-packet needs --ip A/P", "echo", "--af-packet", "lo");
        assertUsage("--ip 10.0.0.256/24: ", "echo", "--af-packet", "lo", "--ip", "10.0.0.256/24");
        assertUsage("--ip 10.0.0.2/33: prefix length 33 must be 1..32", "http", "--af-packet", "lo", "--ip",
            "10.0.0.2/33");
        assertUsage("--ip 10.0.0.2: '10.0.0.2' is not ADDRESS/PREFIX", "echo", "--tap", "rs9", "--ip", "10.0.0.2",
            "--linux-ip", "10.0.0.1/24");
        assertUsage("--linux-ip 10.0.0.x/24: ", "echo", "--tap", "rs9", "--ip", "10.0.0.2/24", "--linux-ip",
            "10.0.0.x/24");
        assertUsage("--linux-ip goes with --tap", "http", "--af-packet", "lo", "--ip", "10.0.0.2/24", "--linux-ip",
            "10.0.0.1/24");
        assertUsage("--ip goes with --tap or --af-packet", "echo", "--ip", "10.0.0.2/24");
        assertUsage("--stats takes the seconds between reports, at least 1", "http", "--inproc", "--stats", "0");
        assertUsage("not a number: ", "echo", "--stats", "often");
        assertUsage("--pcap " + directory + ": is a directory", "echo", "--pcap", directory.toString());
        assertUsage("no directory " + directory.resolve("missing"), "http", "--pcap",
            directory.resolve("missing/x.pcap").toString());
        assertEquals(0, outBytes.size(), "nothing made, nothing printed: " + outBytes);
    }

    private void assertUsage(final String message, final String... args)
    {
        errBytes.reset();
        assertEquals(2, run(args), err());
        assertTrue(err().startsWith("ringstack " + args[0] + ": ") && err().contains(message),
            "expected '" + message + "' in: " + err());
    }

    @Test
    void aServerRefusesAnAddressLinuxHasAndAnInterfaceThatIsMissingOrExists()
    {
        Assumptions.assumeTrue(Files.exists(Path.of("/sys/class/net/lo")), "no /sys/class/net/lo");
        assertEquals(1, run("echo", "--af-packet", "lo", "--ip", "127.0.0.1/8"));
        assertTrue(err().startsWith("ringstack echo: address in use: Linux has 127.0.0.1 on lo; ringstack is a host " +
            "of its own on the link: give it a free address with --ip"), err());
        errBytes.reset();
        assertEquals(1, run("http", "--af-packet", "rs-none0", "--ip", "10.0.0.2/24"));
        assertTrue(err().startsWith("ringstack http: interface rs-none0 not found (see 'ip link'): --af-packet " +
            "needs an existing interface"), err());
        errBytes.reset();
        assertEquals(1, run("echo", "--tap", "lo", "--ip", "10.0.0.2/24", "--linux-ip", "10.0.0.1/24"));
        assertTrue(err().contains("interface lo exists already: pick another --tap name"), err());
        errBytes.reset();
        assertEquals(1, run("echo", "--tap", "rs-none0", "--ip", "10.0.0.2/24", "--linux-ip", "10.0.0.2/24"));
        assertTrue(err().contains("address in use: --ip and --linux-ip are both 10.0.0.2"), err());
    }

    @Test
    void aSecondServerOnAPortInUseIsRefusedWithAddressInUse() throws Exception
    {
        try (NetStack.Pair hosts = DemoHosts.inProcessPair())
        {
            EchoCommand.serveEcho(hosts.b(), new java.util.concurrent.atomic.AtomicLong());
            final IllegalStateException echo = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> EchoCommand.serveEcho(hosts.b(), new java.util.concurrent.atomic.AtomicLong()));
            assertEquals("address in use: 10.0.0.2:7 already has a listener on host server: choose another port, " +
                "or stop the server there first", echo.getMessage());
            final IllegalStateException http = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> DemoHosts.startHttp(hosts.b(), "10.0.0.2", EchoCommand.PORT, HttpServerConfig.defaults()));
            assertTrue(http.getMessage().startsWith("address in use: 10.0.0.2:7 "), http.getMessage());
            try (TcpSocket socket = hosts.a().connect("10.0.0.2", EchoCommand.PORT, 5, TimeUnit.SECONDS))
            {
                socket.getOutputStream().write("still the first".getBytes(StandardCharsets.US_ASCII));
                assertEquals("still the first", new String(socket.getInputStream().readNBytes(15),
                    StandardCharsets.US_ASCII), "the first server keeps the port");
            }
        }
    }
}
