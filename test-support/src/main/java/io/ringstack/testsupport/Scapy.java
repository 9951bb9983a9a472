package io.ringstack.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs Python scripts that use scapy inside a {@link NetworkNamespace}, with Debian's interpreter
 * ({@code /usr/bin/python3} and the python3-scapy package), never whatever {@code python3} comes first on PATH.
 * Each call first checks that scapy can be imported and, if not, aborts the test as skipped with a reason
 * (JUnit {@link Assumptions}), so a machine without scapy skips rather than fails.
 * <pre>{@code
 * CommandResult r = Scapy.run(ns, """
 *     import sys
 *     from scapy.all import ARP, Ether, srp1
 *     reply = srp1(Ether(dst="ff:ff:ff:ff:ff:ff")/ARP(pdst=sys.argv[1]), iface="eth0", timeout=2, verbose=0)
 *     print(reply[ARP].hwsrc if reply else "none")
 *     """, "198.18.0.1");
 * }</pre>
 * Scripts get {@code sys.argv[1:]} = the arguments; their standard output and error come back in the result.
 */
public final class Scapy
{
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** scapy's import alone takes about a second on a busy machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static volatile Optional<String> unavailable;

    private Scapy()
    {
    }

    /** Why scapy cannot be used here (empty when it can); the check runs once per JVM. */
    public static Optional<String> unavailableReason()
    {
        Optional<String> reason = unavailable;
        if (reason == null)
        {
            reason = check();
            unavailable = reason;
        }
        return reason;
    }

    /** Aborts the calling test as skipped, with the reason, when scapy cannot be imported. */
    public static void assumeAvailable()
    {
        final Optional<String> reason = unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.orElse(""));
    }

    /** Runs {@code script} (Python source) inside the namespace with {@code args}; throws if it exits non-zero. */
    public static CommandResult run(final NetworkNamespace namespace, final String script, final String... args)
    {
        final Path file = writeScript(script);
        try
        {
            return command(namespace, file, args).run();
        }
        finally
        {
            Command.deleteQuietly(file);
        }
    }

    /** Runs a script file inside the namespace with {@code args}; throws if it exits non-zero. */
    public static CommandResult run(final NetworkNamespace namespace, final Path script, final String... args)
    {
        return command(namespace, script, args).run();
    }

    /**
     * Starts {@code script} in the background inside the namespace (a sniffer or responder); the namespace kills
     * it on close. Print a line when ready and wait for it with {@link BackgroundProcess#awaitOutput}.
     */
    public static BackgroundProcess start(final NetworkNamespace namespace, final String script, final String... args)
    {
        final Path file = writeScript(script);
        file.toFile().deleteOnExit(); // python reads it after we return; removed when the JVM exits
        return namespace.start(command(namespace, file, args));
    }

    /**
     * The command, for a custom timeout or standard input:
     * {@code ip netns exec NS /usr/bin/python3 -u script args}.
     */
    public static Command command(final NetworkNamespace namespace, final Path script, final String... args)
    {
        assumeAvailable();
        final List<String> argv = new ArrayList<>(List.of(PYTHON.toString(), "-u", script.toString()));
        argv.addAll(Arrays.asList(args));
        return namespace.command(argv.toArray(new String[0]))
            .environment("PYTHONDONTWRITEBYTECODE", "1")
            .timeout(DEFAULT_TIMEOUT);
    }

    private static Optional<String> check()
    {
        if (!Files.isExecutable(PYTHON))
        {
            return Optional.of("needs " + PYTHON + " (apt-get install python3 python3-scapy)");
        }
        try
        {
            final CommandResult result = Command.of(PYTHON.toString(), "-c", "import scapy.all")
                .timeout(DEFAULT_TIMEOUT).runAllowingFailure();
            if (result.succeeded())
            {
                return Optional.empty();
            }
            final String last = result.stderr().strip().lines().reduce((first, second) -> second).orElse("");
            return Optional.of("needs scapy for " + PYTHON + " (apt-get install python3-scapy): " + last);
        }
        catch (final CommandFailedException ex)
        {
            return Optional.of("needs scapy for " + PYTHON + " (apt-get install python3-scapy): " + ex.getMessage());
        }
    }

    private static Path writeScript(final String script)
    {
        try
        {
            final Path file = Files.createTempFile("ringstack-scapy-", ".py");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the scapy script to a temporary file", ex);
        }
    }
}
