package io.ringstack.demo;

import io.ringstack.socket.NetStack;
import io.ringstack.socket.TcpSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ringstack echo}: a TCP echo server on ringstack's event-loop API (it reads each segment as a slice of the
 * RX buffer it arrived in and writes it back). With {@code --tap NAME --ip A/P --linux-ip A/P} it serves Linux over
 * a new TAP device, with {@code --af-packet IF --ip A/P} the hosts on an existing interface's link, and prints the
 * command to try; otherwise ({@code --inproc}) it runs two hosts in this process and drives the server with a
 * built-in client of blocking sockets, then prints a results table. {@code --pcap FILE} and {@code --stats N}: see
 * {@link WireOptions}.
 */
final class EchoCommand implements Subcommand
{
    static final int PORT = 7;

    private final LinuxChecks checks;

    EchoCommand()
    {
        this(LinuxChecks.system());
    }

    /** With the checks of the set-up a test plays. */
    EchoCommand(final LinuxChecks checks)
    {
        this.checks = checks;
    }

    @Override
    public String name()
    {
        return "echo";
    }

    @Override
    public String arguments()
    {
        return "[--inproc --connections N --messages N --size B | --tap NAME --ip A/P --linux-ip A/P --seconds N | " +
            "--af-packet IF --ip A/P --seconds N] " + WireOptions.SHARED_OPTIONS;
    }

    @Override
    public String summary()
    {
        return "TCP echo server (in-process with a built-in client, or over TAP or AF_PACKET)";
    }

    @Override
    public int run(final List<String> arguments, final PrintStream out, final PrintStream err)
    {
        int connections = 4;
        int messages = 20_000;
        int size = 64;
        int seconds = 0;
        final WireOptions wire = new WireOptions();
        try
        {
            for (int i = 0; i < arguments.size(); i++)
            {
                final String option = arguments.get(i);
                if (wire.flag(option))
                {
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
                    case "--messages" -> messages = Integer.parseInt(value);
                    case "--size" -> size = Integer.parseInt(value);
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    default ->
                    {
                        if (!wire.option(option, value))
                        {
                            throw new IllegalArgumentException("unknown option " + option);
                        }
                    }
                }
            }
            if (connections < 1 || messages < 1 || size < 1 || size > 65536)
            {
                throw new IllegalArgumentException("--connections, --messages and --size (1..65536) must be positive");
            }
            if (seconds < 0)
            {
                throw new IllegalArgumentException("--seconds must be 0 (until Ctrl-C) or more");
            }
            wire.check();
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("ringstack echo: " + (ex instanceof NumberFormatException ? "not a number: " : "") +
                ex.getMessage());
            return RingstackCommand.EXIT_USAGE;
        }
        try
        {
            return wire.wire() != WireOptions.Wire.INPROC ? serveLinux(wire, seconds, out) :
                inProcess(connections, messages, size, wire, out);
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            err.println("ringstack echo: " + ex.getMessage());
            return RingstackCommand.EXIT_FAILURE;
        }
    }

    /**
     * The echo server on port 7, on the stack thread of {@code host}: zero-copy reads, writes from the slice.
     *
     * @throws IllegalStateException "address in use" if the port has a listener on {@code host} already.
     */
    static void serveEcho(final NetStack host, final AtomicLong echoedBytes) throws InterruptedException
    {
        TcpEchoServer.listen(host, PORT, echoedBytes);
    }

    private static int inProcess(final int connections, final int messages, final int size, final WireOptions wire,
        final PrintStream out) throws InterruptedException
    {
        out.printf("ringstack echo: in-process pair (no TAP: run as root with --tap for Linux), " +
            "10.0.0.1 -> 10.0.0.2:%d%n", PORT);
        final CaptureFile capture = CaptureFile.openIfAsked(wire.pcap());
        try (NetStack.Pair hosts = CaptureFile.hostsRecordingTo(capture,
                () -> DemoHosts.inProcessPair(capture, wire.mtu()));
             HostSession session = HostSession.start(hosts.b(), capture, wire.statsSeconds(), out))
        {
            final AtomicLong echoed = new AtomicLong();
            serveEcho(hosts.b(), echoed);
            final long[][] latencies = new long[connections][messages];
            final AtomicLong errors = new AtomicLong();
            final CountDownLatch done = new CountDownLatch(connections);
            final List<Thread> threads = new ArrayList<>();
            final long start = System.nanoTime();
            for (int c = 0; c < connections; c++)
            {
                final long[] mine = latencies[c];
                final Thread thread = new Thread(() ->
                {
                    try (TcpSocket socket = hosts.a().connect("10.0.0.2", PORT, 5, TimeUnit.SECONDS))
                    {
                        socket.setReadTimeout(10, TimeUnit.SECONDS);
                        final OutputStream output = socket.getOutputStream();
                        final InputStream input = socket.getInputStream();
                        final byte[] request = new byte[size];
                        final byte[] response = new byte[size];
                        for (int m = 0; m < messages; m++)
                        {
                            Arrays.fill(request, (byte)m);
                            final long t = System.nanoTime();
                            output.write(request);
                            int got = 0;
                            while (got < size)
                            {
                                final int n = input.read(response, got, size - got);
                                if (n < 0)
                                {
                                    throw new IOException("the server closed early");
                                }
                                got += n;
                            }
                            mine[m] = System.nanoTime() - t;
                            if (!Arrays.equals(request, response))
                            {
                                errors.incrementAndGet();
                            }
                        }
                    }
                    catch (final IOException ex)
                    {
                        errors.incrementAndGet();
                        System.err.println("client: " + ex);
                    }
                    done.countDown();
                }, "echo-client-" + c);
                threads.add(thread);
                thread.start();
            }
            done.await(300, TimeUnit.SECONDS);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted()
                .toArray();
            out.printf("%-14s %-10s %-14s %-14s %-10s %-10s %-10s %-8s%n", "connections", "size", "round trips",
                "per second", "p50 us", "p99 us", "p99.9 us", "errors");
            out.printf("%-14d %-10d %-14d %-14.0f %-10.1f %-10.1f %-10.1f %-8d%n", connections, size, all.length,
                all.length / seconds, DemoHosts.percentileMicros(all, 0.5), DemoHosts.percentileMicros(all, 0.99),
                DemoHosts.percentileMicros(all, 0.999),
                errors.get());
            out.printf("echoed %,d bytes; blocking clients on their own threads, the server on the event loop%n",
                echoed.get());
            return errors.get() == 0 && all.length == (long)connections * messages ? RingstackCommand.EXIT_OK :
                RingstackCommand.EXIT_FAILURE;
        }
    }


    private int serveLinux(final WireOptions wire, final int seconds, final PrintStream out)
        throws InterruptedException
    {
        final CaptureFile capture = CaptureFile.openIfAsked(wire.pcap());
        try (NetStack host = CaptureFile.hostsRecordingTo(capture,
                () -> DemoHosts.onLinux("echo", 0x0252_5300_0007L, wire, checks, capture));
             HostSession session = HostSession.start(host, capture, wire.statsSeconds(), out))
        {
            final AtomicLong echoed = new AtomicLong();
            serveEcho(host, echoed);
            out.printf("ringstack echo: serving %s:%d %s%n", wire.address(), PORT, wire.wire() == WireOptions.Wire.TAP ?
                "on TAP " + wire.tap() + " (Linux's side " + wire.linuxIp() + ")" :
                "on " + wire.afPacket() + " through AF_PACKET; from a host on that link (e.g. the far end of a " +
                    "veth pair)");
            out.printf("try:  echo hello | nc -N %s %d%n", wire.address(), PORT);
            out.flush();
            DemoHosts.serveFor(seconds);
            out.printf("echoed %,d bytes%n", echoed.get());
        }
        return RingstackCommand.EXIT_OK;
    }
}
