package io.ringstack.nic.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An eventfd(2) counter: other threads {@link #signal()} it, the stack thread sleeps in poll(2) on it beside its
 * wire ({@link DevicePort#awaitReadable}) and {@link #clear()}s it when it wakes. Level-triggered: a signal given
 * before the sleeper polls is not lost. Non-blocking, close-on-exec; nothing is allocated per call.
 */
public final class EventFd implements AutoCloseable
{
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;

    private final Arena arena = Arena.ofShared();
    private final Libc libc = new Libc(arena);
    private final Libc signalLibc = new Libc(arena);
    private final int fd;
    private final MemorySegment one;
    private final MemorySegment drained;
    /** Threads inside {@link #signal()}: close waits for them, so none writes to a closed (or reused) fd. */
    private final AtomicInteger signalling = new AtomicInteger();
    private volatile boolean closed;

    private EventFd(final int fd)
    {
        this.fd = fd;
        this.one = arena.allocate(JAVA_LONG);
        this.drained = arena.allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
    }

    /** @throws LinuxCallException with errno if the kernel refuses (EMFILE: too many open descriptors). */
    public static EventFd open()
    {
        final Arena scratch = Arena.ofConfined();
        try (scratch)
        {
            final Libc libc = new Libc(scratch);
            final int fd = libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0)
            {
                final int errno = libc.errno();
                throw new LinuxCallException("eventfd", errno, "cannot create an eventfd to wake the stack thread");
            }
            return new EventFd(fd);
        }
    }

    public int fd()
    {
        return fd;
    }

    /** Wakes the thread polling on it (any thread; a write of 1 to the counter, no errno capture). */
    public void signal()
    {
        signalling.incrementAndGet(); // then look at closed; close() sets closed, then waits for 0 (Dekker)
        try
        {
            if (!closed)
            {
                signalLibc.writeNoErrno(fd, one.address(), Long.BYTES); // EAGAIN only at 2^64-2: still signalled
            }
        }
        finally
        {
            signalling.decrementAndGet();
        }
    }

    /** Resets the counter (the polling thread, after it woke); nothing happens if it was not signalled. */
    public void clear()
    {
        libc.read(fd, drained.address(), Long.BYTES);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        while (signalling.get() > 0)
        {
            Thread.onSpinWait();
        }
        libc.close(fd);
        arena.close();
    }
}
