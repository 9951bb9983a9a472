package io.ringstack.nic.linux;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The device side of a port's receive direction, as on real hardware a concurrent agent: a thread that feeds the
 * device the frames waiting on the descriptor and otherwise sleeps in poll(2). The device raises RXT0 for each
 * frame, which wakes an idle driver through its interrupt line. The poll timeout lets the thread see that it should
 * stop; an idle port's thread wakes only then (10 times a second), so it costs next to no CPU.
 * <p>
 * When poll(2) reports an error condition (POLLERR, POLLHUP, POLLNVAL: the interface went away, or the socket has
 * an error), or fails, the condition is counted, handed to the port, and the thread waits one timeout before it
 * looks again, so a broken descriptor cannot make it spin.
 */
final class ReceiveLoop implements Runnable
{
    /** How long one poll(2) may sleep: the longest a stop waits for the thread. */
    static final int POLL_TIMEOUT_MILLIS = 100;
    private static final int ERROR_EVENTS = Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL;

    /** What the loop drives: the port's receive work. */
    interface Work
    {
        /** Feeds the device the frames that are waiting, up to a budget; returns how many. */
        int receiveBurst();

        /** poll(2) reported {@code revents} with an error bit, or failed with -errno. */
        void pollError(int revents);
    }

    private final String name;
    private final Work work;
    private final FdPoll poll;
    private final PortCounters counters;
    private volatile boolean running;
    private Thread thread;

    ReceiveLoop(final String name, final Work work, final FdPoll poll, final PortCounters counters)
    {
        this.name = name;
        this.work = work;
        this.poll = poll;
        this.counters = counters;
    }

    synchronized void start()
    {
        if (thread != null)
        {
            throw new IllegalStateException(name + " is already running: a port has one receive thread");
        }
        running = true;
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean isRunning()
    {
        return running;
    }

    /** The receive thread, or null if the loop was never started. */
    synchronized Thread thread()
    {
        return thread;
    }

    /** Stops the thread and waits for it to leave (at most about one poll timeout). */
    synchronized void stop()
    {
        running = false;
        final Thread current = thread;
        if (current == null || current == Thread.currentThread())
        {
            return;
        }
        boolean interrupted = false;
        while (current.isAlive())
        {
            try
            {
                current.join(TimeUnit.SECONDS.toMillis(5));
                if (current.isAlive())
                {
                    throw new IllegalStateException(name + " did not stop within 5 s (stuck in the device?)");
                }
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            if (work.receiveBurst() > 0)
            {
                continue;
            }
            final int revents = poll.await(POLL_TIMEOUT_MILLIS);
            if (revents > 0 && (revents & ERROR_EVENTS) == 0)
            {
                counters.increment(PortCounter.RECEIVE_WAKEUPS);
            }
            else if (revents != 0)
            {
                counters.increment(PortCounter.POLL_ERRORS);
                work.pollError(revents);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_TIMEOUT_MILLIS));
            }
        }
    }
}
