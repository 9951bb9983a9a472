package io.ringstack.socket;

import org.jctools.queues.MpscArrayQueue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Readiness for many blocking sockets from one application thread (poll/select-like): register sockets, then
 * {@link #select} returns those that became readable (data, end of stream or reset) or writable again since the
 * last call. The stack thread signals a socket at most once until the application selects it, through a JCTools
 * queue; the selecting thread parks until a signal or the timeout. Then {@code read} on a selected socket returns
 * without blocking ({@code getInputStream().available()} says how much).
 */
public final class SocketSelector
{
    private final MpscArrayQueue<TcpSocket> ready;
    private volatile Thread selecting;

    /** @param capacity how many sockets may be signalled before the application selects (a power of two is best). */
    public SocketSelector(final int capacity)
    {
        this.ready = new MpscArrayQueue<>(Math.max(2, capacity));
    }

    /** From now on {@code socket} is signalled here when it becomes readable or writable. */
    public void register(final TcpSocket socket)
    {
        socket.selector(this);
    }

    /** Stack thread: {@code socket} became ready; it is signalled once until selected. */
    void signal(final TcpSocket socket)
    {
        if (socket.signalled.compareAndSet(false, true))
        {
            while (!ready.offer(socket))
            {
                Thread.yield();
            }
            final Thread waiting = selecting;
            if (waiting != null)
            {
                LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * Adds the sockets signalled since the last call to {@code into}, waiting up to {@code timeout} for at least
     * one (0: do not wait).
     *
     * @return how many were added.
     */
    public int select(final List<TcpSocket> into, final long timeout, final TimeUnit unit)
    {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true)
        {
            int n = 0;
            TcpSocket socket;
            while ((socket = ready.poll()) != null)
            {
                socket.signalled.set(false);
                into.add(socket);
                n++;
            }
            final long left = deadline - System.nanoTime();
            if (n > 0 || left <= 0)
            {
                return n;
            }
            selecting = Thread.currentThread();
            if (ready.isEmpty())
            {
                LockSupport.parkNanos(this, left);
            }
            selecting = null;
        }
    }
}
