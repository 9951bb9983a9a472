package io.ringstack.demo;

import io.ringstack.socket.NetStack;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * What a demo server's host does besides serving: {@code --pcap} records its frames ({@link CaptureFile}),
 * {@code --stats N} prints its counters every N seconds ({@link NetstatReport}), and at exit the counters print once
 * more and the capture file is closed. Exit is {@link #close()} at the end of the run or a shutdown hook on Ctrl-C
 * (SIGINT, SIGTERM), whichever comes first; the other then finds it done. Close it before the host: the last report
 * and the capture's detach run on the host's stack thread.
 */
final class HostSession implements AutoCloseable
{
    private final NetStack host;
    private final PrintStream out;
    private final CaptureFile capture;
    private final long startNanos = System.nanoTime();
    private final Thread ticker;
    private final Thread exitHook;
    private boolean closed;

    private HostSession(final NetStack host, final CaptureFile capture, final int statsSeconds, final PrintStream out)
    {
        this.host = host;
        this.out = out;
        this.capture = capture;
        this.ticker = statsSeconds > 0 ? new Thread(() -> tick(statsSeconds), "ringstack-stats-" + host.name()) : null;
        this.exitHook = new Thread(this::close, "ringstack-exit-" + host.name());
    }

    /**
     * Reports every {@code statsSeconds} (0: only at exit) and closes {@code capture} (null: none; opened with
     * {@link CaptureFile#openIfAsked} and given to the host's builder, so it holds the host's first frame) at exit.
     */
    static HostSession start(
        final NetStack host, final CaptureFile capture, final int statsSeconds, final PrintStream out)
    {
        final HostSession session = new HostSession(host, capture, statsSeconds, out);
        if (capture != null)
        {
            out.println("pcap: recording every frame of " + host.name() + " to " + capture.file());
        }
        Runtime.getRuntime().addShutdownHook(session.exitHook);
        if (session.ticker != null)
        {
            session.ticker.setDaemon(true);
            session.ticker.start();
        }
        return session;
    }

    private void tick(final int seconds)
    {
        final long period = TimeUnit.SECONDS.toNanos(seconds);
        long next = startNanos + period;
        while (true)
        {
            final long wait = next - System.nanoTime();
            if (wait > 0)
            {
                try
                {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                catch (final InterruptedException ex)
                {
                    return; // close() stops the reports
                }
            }
            next += period;
            final String report;
            try
            {
                report = report();
            }
            catch (final IllegalStateException ex)
            {
                return; // interrupted by close(), or the host stopped
            }
            synchronized (this)
            {
                if (closed)
                {
                    return;
                }
                out.print(report);
                out.flush();
            }
        }
    }

    private String report()
    {
        return NetstatReport.format(StackCounters.of(host), (System.nanoTime() - startNanos) / 1e9);
    }

    /** The last report and the capture file's close, once; also what the shutdown hook runs. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (ticker != null)
        {
            ticker.interrupt();
        }
        try
        {
            out.print(report());
        }
        catch (final IllegalStateException ex)
        {
            out.println("counters: " + ex.getMessage());
        }
        if (capture != null)
        {
            out.println(capture.close(host));
        }
        out.flush();
        if (Thread.currentThread() != exitHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            }
            catch (final IllegalStateException ex)
            {
                // the JVM is shutting down: the hook finds this session closed
            }
        }
    }
}
