package io.ringstack.nic.linux;

/**
 * Linux errno values (x86-64 and the generic table, {@code asm-generic/errno-base.h} and {@code errno.h}) by name,
 * for messages: {@code describe(1)} is {@code "EPERM (1)"}. Only the names; what went wrong is said by the caller.
 */
public final class Errno
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int EBADFD = 77;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENOBUFS = 105;

    private static final String[] NAMES = new String[134];

    static
    {
        final String[] table = {
            "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
            "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
            "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE",
            "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
        };
        for (int i = 0; i < table.length; i++)
        {
            NAMES[i + 1] = table[i];
        }
        NAMES[61] = "ENODATA";
        NAMES[62] = "ETIME";
        NAMES[71] = "EPROTO";
        NAMES[74] = "EBADMSG";
        NAMES[75] = "EOVERFLOW";
        NAMES[77] = "EBADFD";
        final String[] sockets = {
            "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT",
            "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",
            "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS",
            "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS",
        };
        for (int i = 0; i < sockets.length; i++)
        {
            NAMES[88 + i] = sockets[i];
        }
        NAMES[125] = "ECANCELED";
        NAMES[133] = "EHWPOISON";
    }

    private Errno()
    {
    }

    /** The symbolic name, e.g. {@code "ENODEV"}, or {@code "errno 140"} for a value not in the table. */
    public static String name(final int errno)
    {
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null)
        {
            return NAMES[errno];
        }
        return "errno " + errno;
    }

    /** Name and number, as messages show them: {@code "EPERM (1)"}. */
    public static String describe(final int errno)
    {
        final String name = name(errno);
        return name.startsWith("errno") ? name : name + " (" + errno + ")";
    }
}
