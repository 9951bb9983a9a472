package io.ringstack.testsupport;

import java.time.Duration;
import java.util.List;

/**
 * A command that could not start, exited with a non-zero code, or outlived its timeout (and was killed). The
 * message carries the command line, the exit code, and the tail of its standard error and output, so a failing
 * test says what to look at without a debugger.
 */
public final class CommandFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private static final int MAX_OUTPUT_IN_MESSAGE = 4_000;

    private final transient CommandResult result;
    private final boolean timedOut;

    CommandFailedException(final CommandResult result, final boolean timedOut, final Duration timeout)
    {
        super(describe(result, timedOut, timeout));
        this.result = result;
        this.timedOut = timedOut;
    }

    CommandFailedException(final List<String> argv, final String why, final Throwable cause)
    {
        super("cannot run `" + Command.toCommandLine(argv) + "`: " + why, cause);
        this.result = null;
        this.timedOut = false;
    }

    /** What the command left, or {@code null} when it never started. */
    public CommandResult result()
    {
        return result;
    }

    /** True when the command was killed for outliving its timeout. */
    public boolean timedOut()
    {
        return timedOut;
    }

    private static String describe(final CommandResult result, final boolean timedOut, final Duration timeout)
    {
        final StringBuilder message = new StringBuilder(256);
        message.append('`').append(result.commandLine()).append('`');
        if (timedOut)
        {
            message.append(" timed out after ").append(seconds(timeout)).append(" and was killed");
        }
        else
        {
            message.append(" failed with exit code ").append(result.exitCode())
                .append(" after ").append(seconds(result.elapsed()));
        }
        appendOutput(message, "stderr", result.stderr());
        appendOutput(message, "stdout", result.stdout());
        return message.toString();
    }

    private static void appendOutput(final StringBuilder message, final String name, final String output)
    {
        final String trimmed = output.strip();
        if (trimmed.isEmpty())
        {
            message.append("\n").append(name).append(": (empty)");
            return;
        }
        message.append("\n").append(name).append(":\n");
        if (trimmed.length() > MAX_OUTPUT_IN_MESSAGE)
        {
            message.append("[... ").append(trimmed.length() - MAX_OUTPUT_IN_MESSAGE).append(" characters before]\n")
                .append(trimmed, trimmed.length() - MAX_OUTPUT_IN_MESSAGE, trimmed.length());
        }
        else
        {
            message.append(trimmed);
        }
    }

    static String seconds(final Duration duration)
    {
        return String.format(java.util.Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }
}
