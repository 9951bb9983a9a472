package io.ringstack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process to run: program and arguments (no shell unless {@link #shell(String)} asks for one), a timeout, an
 * optional standard input, extra environment variables. Immutable: each {@code with}-style method returns a copy.
 * <pre>{@code
 * CommandResult r = Command.of("ip", "-o", "link", "show").run();          // throws unless exit code 0
 * CommandResult p = Command.of("ping", "-c", "1", addr).runAllowingFailure(); // any exit code is a result
 * try (BackgroundProcess server = Command.of("socat", "-d", "-d", "UDP-RECV:7777", "STDOUT").start())
 * {
 *     server.awaitOutput("listening on", Duration.ofSeconds(5));
 *     ...
 * }                                                                          // killed with its children
 * }</pre>
 * Every wait has a timeout: {@link #run()} kills the process tree and throws when the timeout passes. Output goes
 * to temporary files, never to pipes, so a chatty process or a grandchild holding the output open cannot block
 * anything. A program named without a slash is looked up by {@link Tools#which(String)}, which also searches
 * {@code /usr/sbin} and {@code /sbin}; the child's {@code PATH} gets those directories too.
 */
public final class Command
{
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern PLAIN_ARGUMENT = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    private static final Duration WAIT_AFTER_KILL = Duration.ofSeconds(5);

    private final List<String> argv;
    private final Duration timeout;
    private final String input;
    private final Map<String, String> environment;

    private Command(final List<String> argv, final Duration timeout, final String input,
        final Map<String, String> environment)
    {
        this.argv = argv;
        this.timeout = timeout;
        this.input = input;
        this.environment = environment;
    }

    /** The program (looked up on PATH and the system directories when it has no slash) and its arguments. */
    public static Command of(final String... argv)
    {
        return of(Arrays.asList(argv));
    }

    public static Command of(final List<String> argv)
    {
        if (argv.isEmpty())
        {
            throw new IllegalArgumentException("a command needs at least the program to run");
        }
        for (final String argument : argv)
        {
            if (argument == null)
            {
                throw new IllegalArgumentException("null argument in " + argv);
            }
        }
        return new Command(List.copyOf(argv), DEFAULT_TIMEOUT, null, Map.of());
    }

    /** {@code /bin/sh -c script}: only when shell syntax (pipes, redirections) is really needed. */
    public static Command shell(final String script)
    {
        return of("/bin/sh", "-c", script);
    }

    public Command timeout(final Duration timeout)
    {
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new Command(argv, timeout, input, environment);
    }

    /** Text fed to the process's standard input (which is otherwise empty: /dev/null). */
    public Command input(final String text)
    {
        return new Command(argv, timeout, text, environment);
    }

    public Command environment(final String name, final String value)
    {
        final Map<String, String> copy = new LinkedHashMap<>(environment);
        copy.put(name, value);
        return new Command(argv, timeout, input, Map.copyOf(copy));
    }

    /** The same command with {@code prefix} before the program, e.g. {@code ip netns exec NS}. */
    public Command prefixedWith(final String... prefix)
    {
        final List<String> prefixed = new ArrayList<>(prefix.length + argv.size());
        prefixed.addAll(Arrays.asList(prefix));
        prefixed.addAll(argv);
        return new Command(List.copyOf(prefixed), timeout, input, environment);
    }

    public List<String> argv()
    {
        return argv;
    }

    public Duration timeout()
    {
        return timeout;
    }

    /** Runs to completion; throws {@link CommandFailedException} on a non-zero exit code or timeout. */
    public CommandResult run()
    {
        final Outcome outcome = execute();
        if (outcome.timedOut || outcome.result.exitCode() != 0)
        {
            throw new CommandFailedException(outcome.result, outcome.timedOut, timeout);
        }
        return outcome.result;
    }

    /**
     * Runs to completion and returns whatever exit code it had; throws {@link CommandFailedException} only when
     * the program cannot start or outlives the timeout.
     */
    public CommandResult runAllowingFailure()
    {
        final Outcome outcome = execute();
        if (outcome.timedOut)
        {
            throw new CommandFailedException(outcome.result, true, timeout);
        }
        return outcome.result;
    }

    /**
     * Starts in the background. The handle kills the process tree on {@link BackgroundProcess#close()}, and at
     * JVM exit if nobody closed it. The timeout does not apply: background processes live until closed.
     */
    public BackgroundProcess start()
    {
        final Path stdout = temporaryFile("out");
        final Path stderr = temporaryFile("err");
        final long startNanos = System.nanoTime();
        final Process process = launch(stdout, stderr);
        return new BackgroundProcess(argv, process, stdout, stderr, startNanos);
    }

    private Outcome execute()
    {
        final Path stdout = temporaryFile("out");
        final Path stderr = temporaryFile("err");
        try
        {
            final long startNanos = System.nanoTime();
            final Process process = launch(stdout, stderr);
            boolean timedOut = false;
            try
            {
                if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS))
                {
                    timedOut = true;
                    ProcessTree.kill(process.toHandle(), Duration.ZERO);
                    process.waitFor(WAIT_AFTER_KILL.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                ProcessTree.kill(process.toHandle(), Duration.ZERO);
                Thread.currentThread().interrupt();
                throw new CommandFailedException(argv, "interrupted while waiting for it (it was killed)", ex);
            }
            final int exitCode = process.isAlive() ? -1 : process.exitValue();
            final CommandResult result = new CommandResult(argv, exitCode, read(stdout), read(stderr),
                Duration.ofNanos(System.nanoTime() - startNanos));
            return new Outcome(result, timedOut);
        }
        finally
        {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private Process launch(final Path stdout, final Path stderr)
    {
        final List<String> resolved = new ArrayList<>(argv);
        final Optional<Path> program = Tools.which(argv.get(0));
        if (program.isEmpty())
        {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
            final String name = Path.of(argv.get(0)).getFileName().toString();
            throw new CommandFailedException(argv, "'" + argv.get(0) + "' not found on PATH nor in " +
                Tools.SYSTEM_DIRECTORIES + ": " + Tools.missingReason(name, null), null);
        }
        resolved.set(0, program.get().toString());
        final ProcessBuilder builder = new ProcessBuilder(resolved)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        builder.environment().put("PATH", String.join(":", Tools.searchPath()));
        builder.environment().putAll(environment);
        Path inputFile = null;
        try
        {
            if (input == null)
            {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            else
            {
                inputFile = temporaryFile("in");
                Files.writeString(inputFile, input, StandardCharsets.UTF_8);
                builder.redirectInput(inputFile.toFile());
            }
            return builder.start();
        }
        catch (final IOException ex)
        {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
            throw new CommandFailedException(argv, ex.getMessage(), ex);
        }
        finally
        {
            if (inputFile != null)
            {
                deleteQuietly(inputFile); // the child has it open already; the name is no longer needed
            }
        }
    }

    /** Joins arguments into one line a shell would split back the same way. */
    public static String toCommandLine(final List<String> argv)
    {
        final StringBuilder line = new StringBuilder(64);
        for (final String argument : argv)
        {
            if (!line.isEmpty())
            {
                line.append(' ');
            }
            if (PLAIN_ARGUMENT.matcher(argument).matches())
            {
                line.append(argument);
            }
            else
            {
                line.append('\'').append(argument.replace("'", "'\\''")).append('\'');
            }
        }
        return line.toString();
    }

    static Path temporaryFile(final String suffix)
    {
        try
        {
            return Files.createTempFile("ringstack-cmd-", "." + suffix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a temporary file for a command's " + suffix, ex);
        }
    }

    static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final java.nio.charset.MalformedInputException ex)
        {
            try
            {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            }
            catch (final IOException again)
            {
                return "";
            }
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignored)
        {
            // a temporary file; nothing depends on it being gone
        }
    }

    @Override
    public String toString()
    {
        return toCommandLine(argv);
    }

    private record Outcome(CommandResult result, boolean timedOut)
    {
    }
}
