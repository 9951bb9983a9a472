package io.ringstack.nic.linux;

/**
 * A Linux call failed. The message says what was being done, what it needs or what is wrong, and the error as
 * name and number, e.g. {@code "creating TAP device rs0 needs CAP_NET_ADMIN: EPERM (1)"}.
 * <p>
 * Unchecked, like the rest of ringstack's set-up errors (a misconfiguration is refused with an exception that says
 * what to do); the frame paths never throw it: they count failures instead.
 */
public final class LinuxCallException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call    the C function that failed, e.g. {@code "ioctl(TUNSETIFF)"}.
     * @param errno   its errno.
     * @param message what failed and why, without the errno (appended here).
     */
    public LinuxCallException(final String call, final int errno, final String message)
    {
        super(message + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The C function that failed. */
    public String call()
    {
        return call;
    }

    public int errno()
    {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code "EPERM"}. */
    public String errnoName()
    {
        return Errno.name(errno);
    }
}
