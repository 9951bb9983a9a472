package io.ringstack.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process running in the background (tcpdump, a socat server, a scapy sniffer) that is always ended with its
 * whole process tree: by {@link #close()}, by {@link #stop(Duration)}, or at JVM exit. Its output is captured to
 * files and can be read while it runs; {@link #awaitOutput(String, Duration)} waits for a readiness line such as
 * tcpdump's "listening on", so a test never races a server's start.
 */
public final class BackgroundProcess implements AutoCloseable
{
    /** How long SIGTERM is given before SIGKILL: long enough for tcpdump to flush its capture file. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final List<String> argv;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final long startNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String finalStdout;
    private volatile String finalStderr;

    BackgroundProcess(final List<String> argv, final Process process, final Path stdoutFile, final Path stderrFile,
        final long startNanos)
    {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.startNanos = startNanos;
        Cleanup.register(this);
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public String commandLine()
    {
        return Command.toCommandLine(argv);
    }

    /** Standard output so far (all of it once stopped). */
    public String stdout()
    {
        final String done = finalStdout;
        return done != null ? done : Command.read(stdoutFile);
    }

    /** Standard error so far (all of it once stopped). */
    public String stderr()
    {
        final String done = finalStderr;
        return done != null ? done : Command.read(stderrFile);
    }

    /**
     * Waits until {@code needle} appears in standard output or standard error. Throws with the output so far when
     * the process exits first or the timeout passes (the process keeps running in that case; close it).
     */
    public BackgroundProcess awaitOutput(final String needle, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            if (stdout().contains(needle) || stderr().contains(needle))
            {
                return this;
            }
            if (!process.isAlive())
            {
                // it may have written the needle just before exiting
                if (stdout().contains(needle) || stderr().contains(needle))
                {
                    return this;
                }
                throw new IllegalStateException("`" + commandLine() + "` exited with code " + process.exitValue() +
                    " before printing '" + needle + "'" + outputForMessage());
            }
            if (System.nanoTime() - deadline >= 0)
            {
                throw new IllegalStateException("`" + commandLine() + "` did not print '" + needle + "' within " +
                    CommandFailedException.seconds(timeout) + outputForMessage());
            }
            sleep(POLL_NANOS);
        }
    }

    /**
     * Waits for the process to exit by itself and returns its exit code; throws when the timeout passes first
     * (without killing it: {@link #close()} does that).
     */
    public int waitFor(final Duration timeout)
    {
        try
        {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS))
            {
                return process.exitValue();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for `" + commandLine() + "`", ex);
        }
        throw new IllegalStateException("`" + commandLine() + "` still runs after " +
            CommandFailedException.seconds(timeout) + outputForMessage());
    }

    /**
     * Ends the process tree (SIGTERM, then SIGKILL after {@code grace}), keeps its output readable, and returns
     * what it left. Idempotent.
     */
    public CommandResult stop(final Duration grace)
    {
        if (closed.compareAndSet(false, true))
        {
            try
            {
                if (process.isAlive())
                {
                    ProcessTree.kill(process.toHandle(), grace);
                }
                else
                {
                    // the leader is gone but a child it left may still hold on
                    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                }
                try
                {
                    process.waitFor(grace.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                finalStdout = Command.read(stdoutFile);
                finalStderr = Command.read(stderrFile);
            }
            finally
            {
                Command.deleteQuietly(stdoutFile);
                Command.deleteQuietly(stderrFile);
                Cleanup.unregister(this);
            }
        }
        final int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new CommandResult(argv, exitCode, stdout(), stderr(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** {@link #stop(Duration)} with {@link #DEFAULT_GRACE}. */
    @Override
    public void close()
    {
        stop(DEFAULT_GRACE);
    }

    private String outputForMessage()
    {
        return "\nstderr:\n" + tail(stderr()) + "\nstdout:\n" + tail(stdout());
    }

    private static String tail(final String text)
    {
        final String trimmed = text.strip();
        return trimmed.length() <= 2_000 ? trimmed : "[...]" + trimmed.substring(trimmed.length() - 2_000);
    }

    private static void sleep(final long nanos)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for output", ex);
        }
    }

    @Override
    public String toString()
    {
        return "BackgroundProcess[" + pid() + ": " + commandLine() + "]";
    }
}
