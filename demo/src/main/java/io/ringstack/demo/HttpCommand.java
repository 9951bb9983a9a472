package io.ringstack.demo;

import io.ringstack.demo.http.BlockingHttpClient;
import io.ringstack.demo.http.BytesPattern;
import io.ringstack.demo.http.HttpServerConfig;
import io.ringstack.demo.http.HttpService;
import io.ringstack.socket.NetStack;
import io.ringstack.socket.TcpSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ringstack http}: the HTTP/1.1 server of {@code io.ringstack.demo.http} on ringstack's event-loop API. With
 * {@code --tap NAME --ip A/P --linux-ip A/P} it serves Linux over a new TAP device, with {@code --af-packet IF --ip
 * A/P} the hosts on an existing interface's link (e.g. the far end of a veth pair), and prints the curl command to
 * try; otherwise ({@code --inproc}) it runs two hosts in this process, drives the server with a built-in client of
 * blocking sockets (keep-alive, one thread per connection) and prints a results table. {@code --pcap FILE} and
 * {@code --stats N}: see {@link WireOptions}.
 */
final class HttpCommand implements Subcommand
{
    static final int PORT = 80;

    private final LinuxChecks checks;

    HttpCommand()
    {
        this(LinuxChecks.system());
    }

    /** With the checks of the set-up a test plays. */
    HttpCommand(final LinuxChecks checks)
    {
        this.checks = checks;
    }

    @Override
    public String name()
    {
        return "http";
    }

    @Override
    public String arguments()
    {
        return "[--auto | --inproc --connections N --requests N --path P | --tap NAME --ip A/P --linux-ip A/P " +
            "--seconds N | --af-packet IF --ip A/P --seconds N] [--dir DIR] [--port P] " + WireOptions.SHARED_OPTIONS;
    }

    @Override
    public String summary()
    {
        return "HTTP/1.1 server (in-process with a built-in client, or over TAP or AF_PACKET for curl)";
    }

    @Override
    public int run(final List<String> arguments, final PrintStream out, final PrintStream err)
    {
        int connections = 4;
        int requests = 20_000;
        String path = "/bytes/100";
        int seconds = 0;
        int port = PORT;
        final WireOptions wire = new WireOptions();
        Path dir = null;
        boolean auto = false;
        try
        {
            for (int i = 0; i < arguments.size(); i++)
            {
                final String option = arguments.get(i);
                if (wire.flag(option))
                {
                    continue;
                }
                if (option.equals("--auto"))
                {
                    auto = true;
                    continue;
                }
                if (i + 1 >= arguments.size())
                {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                final String value = arguments.get(++i);
                switch (option)
                {
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--requests" -> requests = Integer.parseInt(value);
                    case "--path" -> path = value;
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--port" -> port = Integer.parseInt(value);
                    case "--dir" -> dir = Path.of(value);
                    default ->
                    {
                        if (!wire.option(option, value))
                        {
                            throw new IllegalArgumentException("unknown option " + option);
                        }
                    }
                }
            }
            if (connections < 1 || requests < connections || seconds < 0 || port < 1 || port > 65535)
            {
                throw new IllegalArgumentException("--connections must be positive, --requests at least " +
                    "--connections, --seconds >= 0, --port 1..65535");
            }
            if (!path.startsWith("/"))
            {
                throw new IllegalArgumentException("--path must start with '/', e.g. /bytes/100");
            }
            if (dir != null && !Files.isDirectory(dir))
            {
                throw new IllegalArgumentException("--dir " + dir + " is not a directory");
            }
            if (auto && !wire.wireChosen())
            {
                final String reason = AutoWire.tapUnavailableReason();
                if (reason == null)
                {
                    wire.useTap(AutoWire.freeTapName(), AutoWire.OUR_CIDR, AutoWire.LINUX_CIDR);
                    out.println("ringstack http: root and /dev/net/tun are here: serving Linux over TAP " +
                        wire.tap() + " until Ctrl-C (--inproc runs the in-process pair instead)");
                }
                else
                {
                    out.println("ringstack http: " + reason + ": running the in-process pair instead (no TAP)");
                }
            }
            wire.check();
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("ringstack http: " + (ex instanceof NumberFormatException ? "not a number: " : "") +
                ex.getMessage());
            return RingstackCommand.EXIT_USAGE;
        }
        final HttpServerConfig config = HttpServerConfig.defaults().withDirectory(dir);
        try
        {
            return wire.wire() != WireOptions.Wire.INPROC ? serveLinux(wire, port, seconds, config, out) :
                inProcess(connections, requests, path, port, config, wire, out);
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            err.println("ringstack http: " + ex.getMessage());
            return RingstackCommand.EXIT_FAILURE;
        }
    }

    private static int inProcess(final int connections, final int requests, final String path, final int port,
        final HttpServerConfig config, final WireOptions wire, final PrintStream out) throws InterruptedException
    {
        out.printf("ringstack http: in-process pair (no TAP: run as root with --tap for curl), 10.0.0.1 -> " +
            "http://10.0.0.2:%d%s%n", port, path);
        final CaptureFile capture = CaptureFile.openIfAsked(wire.pcap());
        try (NetStack.Pair hosts = CaptureFile.hostsRecordingTo(capture,
                () -> DemoHosts.inProcessPair(capture, wire.mtu()));
             HostSession session = HostSession.start(hosts.b(), capture, wire.statsSeconds(), out);
             HttpService service = DemoHosts.startHttp(hosts.b(), "10.0.0.2", port, config))
        {
            final boolean patterned = path.startsWith("/bytes/") || path.startsWith("/chunked/");
            final byte[] request = BlockingHttpClient.request("GET", path, "10.0.0.2");
            final long[][] latencies = new long[connections][];
            final AtomicLong errors = new AtomicLong();
            final AtomicLong bodyBytes = new AtomicLong();
            final CountDownLatch done = new CountDownLatch(connections);
            final List<Thread> threads = new ArrayList<>();
            final long start = System.nanoTime();
            for (int c = 0; c < connections; c++)
            {
                final int mine = requests / connections + (c < requests % connections ? 1 : 0);
                final long[] times = new long[mine];
                latencies[c] = times;
                final Thread thread = new Thread(() ->
                {
                    try (TcpSocket socket = hosts.a().connect("10.0.0.2", port, 5, TimeUnit.SECONDS))
                    {
                        socket.setReadTimeout(30, TimeUnit.SECONDS);
                        final BlockingHttpClient client = new BlockingHttpClient(socket.getInputStream(),
                            socket.getOutputStream());
                        final long[] position = new long[1];
                        final long[] wrong = new long[1];
                        final BlockingHttpClient.BodySink check = (bytes, offset, length) ->
                        {
                            if (patterned)
                            {
                                wrong[0] += BytesPattern.mismatches(position[0], bytes, offset, length);
                            }
                            position[0] += length;
                        };
                        for (int r = 0; r < mine; r++)
                        {
                            position[0] = 0;
                            wrong[0] = 0;
                            final long t = System.nanoTime();
                            client.send(request);
                            final BlockingHttpClient.Response response = client.read(false, check);
                            times[r] = System.nanoTime() - t;
                            bodyBytes.addAndGet(response.bodyLength());
                            if (response.status() / 100 != 2 || wrong[0] != 0)
                            {
                                errors.incrementAndGet();
                            }
                            if (response.closes())
                            {
                                throw new IOException("the server closed the connection after request " + (r + 1));
                            }
                        }
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        errors.incrementAndGet();
                        System.err.println("client: " + ex);
                    }
                    done.countDown();
                }, "http-client-" + c);
                threads.add(thread);
                thread.start();
            }
            done.await(600, TimeUnit.SECONDS);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted()
                .toArray();
            out.printf("%-12s %-18s %-10s %-12s %-9s %-9s %-9s %-15s %-7s%n", "connections", "path", "requests",
                "per second", "p50 us", "p99 us", "p99.9 us", "body bytes", "errors");
            out.printf("%-12d %-18s %-10d %-12.0f %-9.1f %-9.1f %-9.1f %-15d %-7d%n", connections, path, all.length,
                all.length / seconds, DemoHosts.percentileMicros(all, 0.5), DemoHosts.percentileMicros(all, 0.99),
                DemoHosts.percentileMicros(all, 0.999),
                bodyBytes.get(), errors.get());
            final Map<String, Long> counters = service.counters();
            out.printf("server: %,d requests, %,d responses (2xx %,d, 4xx %,d, 5xx %,d), %,d body bytes; blocking " +
                    "clients on their own threads, the server on the event loop%n", counters.get("http.requests"),
                counters.get("http.responses"), counters.get("http.responses.2xx"),
                counters.get("http.responses.4xx"), counters.get("http.responses.5xx"),
                counters.get("http.body.bytes"));
            return errors.get() == 0 && all.length == requests ? RingstackCommand.EXIT_OK :
                RingstackCommand.EXIT_FAILURE;
        }
    }


    private int serveLinux(final WireOptions wire, final int port, final int seconds, final HttpServerConfig config,
        final PrintStream out)
    {
        final CaptureFile capture = CaptureFile.openIfAsked(wire.pcap());
        try (NetStack host = CaptureFile.hostsRecordingTo(capture,
                () -> DemoHosts.onLinux("http", 0x0252_5300_0080L, wire, checks, capture));
             HostSession session = HostSession.start(host, capture, wire.statsSeconds(), out))
        {
            final Map<String, Long> counters;
            try (HttpService service = DemoHosts.startHttp(host, wire.address(), port, config))
            {
                final String url = "http://" + wire.address() + (port == 80 ? "" : ":" + port);
                out.printf("ringstack http: serving %s/ %s%s%n", url, wire.wire() == WireOptions.Wire.TAP ?
                        "on TAP " + wire.tap() + " (Linux's side " + wire.linuxIp() + ")" :
                        "on " + wire.afPacket() + " through AF_PACKET; from a host on that link (e.g. the far end " +
                            "of a veth pair)",
                    config.directory() == null ? "" : ", files from " + config.directory());
                out.printf("try:  curl -i %s/bytes/100 %s/chunked/100%n", url, url);
                out.printf("      curl -s %s/bytes/100000000 | sha256sum      (%s)%n", url,
                    BytesPattern.SHA256_OF_100_MB);
                out.flush();
                DemoHosts.serveFor(seconds);
                counters = service.counters();
            }
            counters.forEach((name, value) -> out.printf("  %-45s %,d%n", name, value));
        }
        return RingstackCommand.EXIT_OK;
    }
}
