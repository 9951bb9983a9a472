package io.ringstack.testsupport;

import java.time.Duration;
import java.util.List;

/**
 * What a finished command left: its argument vector, exit code, everything it wrote, and how long it ran.
 *
 * @param argv     the program and its arguments, as run
 * @param exitCode the process's exit code ({@code 128 + n} when signal {@code n} ended it)
 * @param stdout   standard output, decoded as UTF-8
 * @param stderr   standard error, decoded as UTF-8
 * @param elapsed  from start to exit
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr, Duration elapsed)
{
    public CommandResult
    {
        argv = List.copyOf(argv);
    }

    public boolean succeeded()
    {
        return exitCode == 0;
    }

    /** The command line as a shell would take it back (arguments quoted where needed), for messages. */
    public String commandLine()
    {
        return Command.toCommandLine(argv);
    }

    /** Standard output split into lines, without the line terminators. */
    public List<String> stdoutLines()
    {
        return stdout.lines().toList();
    }
}
