package io.ringstack.nic.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * poll(2) on one descriptor, for one waiting thread: a {@code struct pollfd} (int fd, short events, short revents)
 * allocated once, and a call without errno capture unless it fails ({@link Libc#pollNoErrno}), so waiting
 * allocates nothing however rarely it happens. A thread blocked here uses no CPU; the timeout lets it look up now
 * and then (to stop).
 */
final class FdPoll
{
    private static final int REVENTS_OFFSET = 6;

    private final MemorySegment pollfd;
    private final Libc libc;

    FdPoll(final Arena arena, final int fd, final short events)
    {
        this.pollfd = arena.allocate(8, 4);
        this.libc = new Libc(arena);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, events);
    }

    /** The descriptor polled. */
    int fd()
    {
        return pollfd.get(JAVA_INT, 0);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: for ever, 0: just look).
     *
     * @return the returned events (POLLIN, POLLERR, ...), 0 on timeout or a signal (EINTR: the caller looks again),
     *         or -errno if poll(2) failed.
     */
    int await(final int timeoutMillis)
    {
        pollfd.set(JAVA_SHORT, REVENTS_OFFSET, (short)0);
        int n = libc.pollNoErrno(pollfd, 1, timeoutMillis);
        if (n < 0)
        {
            n = libc.poll(pollfd, 1, 0); // failed: look once more, capturing errno, to learn why
        }
        if (n > 0)
        {
            return pollfd.get(JAVA_SHORT, REVENTS_OFFSET) & 0xFFFF;
        }
        if (n == 0)
        {
            return 0;
        }
        final int errno = libc.errno();
        return errno == Errno.EINTR ? 0 : -errno;
    }
}
