package io.ringstack.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a process and everything it started: SIGTERM to the whole tree (so tcpdump flushes its file), a grace
 * period, then SIGKILL to whatever is left. Descendants are collected before the first signal, and again before
 * the second, because a child whose parent died is re-parented and no longer shows up as a descendant.
 */
final class ProcessTree
{
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 10;

    private ProcessTree()
    {
    }

    /** Returns true when every process of the tree has exited. Never waits longer than grace + 5 s. */
    static boolean kill(final ProcessHandle root, final Duration grace)
    {
        final Map<Long, ProcessHandle> tree = snapshot(root, new LinkedHashMap<>());
        for (final ProcessHandle process : tree.values())
        {
            process.destroy();
        }
        if (awaitExit(tree.values(), grace))
        {
            return true;
        }
        snapshot(root, tree);
        for (final ProcessHandle process : tree.values())
        {
            if (isRunning(process.pid()))
            {
                snapshot(process, tree);
            }
        }
        for (final ProcessHandle process : tree.values())
        {
            process.destroyForcibly();
        }
        return awaitExit(tree.values(), KILL_WAIT);
    }

    /** SIGKILL at once, for pids that belong to nobody any more (leftovers of a dead run). */
    static void killNow(final List<Long> pids)
    {
        final List<ProcessHandle> handles = new ArrayList<>();
        for (final long pid : pids)
        {
            ProcessHandle.of(pid).ifPresent(handles::add);
        }
        for (final ProcessHandle handle : handles)
        {
            handle.destroyForcibly();
        }
        awaitExit(handles, KILL_WAIT);
    }

    private static Map<Long, ProcessHandle> snapshot(final ProcessHandle root, final Map<Long, ProcessHandle> into)
    {
        into.putIfAbsent(root.pid(), root);
        root.descendants().forEach(process -> into.putIfAbsent(process.pid(), process));
        return into;
    }

    /**
     * True while the process runs. A zombie (exited, not yet reaped by its parent: orphans wait for init, which
     * may take seconds) has finished, though {@link ProcessHandle#isAlive()} still says alive.
     */
    static boolean isRunning(final long pid)
    {
        final Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
        {
            return false;
        }
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                StandardCharsets.US_ASCII);
            // "pid (comm) state ...": the state letter follows the last ')'
            final char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        }
        catch (final IOException | RuntimeException ex)
        {
            return false; // /proc/PID is gone: reaped meanwhile
        }
    }

    private static boolean awaitExit(final Collection<ProcessHandle> processes, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            boolean running = false;
            for (final ProcessHandle process : processes)
            {
                if (isRunning(process.pid()))
                {
                    running = true;
                    break;
                }
            }
            if (!running)
            {
                return true;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(POLL_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
