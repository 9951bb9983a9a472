package io.ringstack.nic.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A Linux TAP device: an Ethernet interface whose other end is this process. Each {@link #read} returns one frame
 * the kernel sent out of the interface, each {@link #write} hands one frame to the kernel as if it had arrived on
 * the interface (frames without FCS, no packet-information header: IFF_NO_PI).
 * <p>
 * {@link #open} creates the device, or attaches to an existing persistent TAP of that name, with
 * {@code ioctl(TUNSETIFF)} on {@code /dev/net/tun} (linux/if_tun.h):
 * <pre>
 *   struct ifreq (40 bytes)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |            ifr_name: 16 bytes, NUL-terminated (IFNAMSIZ)      |  0
 *   +                                                               +
 *   |                              ...                              |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   ifr_flags (short, native)   |  rest of the union (22 bytes) | 16
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The descriptor is non-blocking: a read with no frame waiting returns 0; wait with {@link #awaitReadable}. Closing
 * the descriptor removes a device that is not persistent (TUNSETPERSIST), which is what this class creates.
 * <p>
 * What the kernel answers, as seen on Linux 6.x: EPERM without CAP_NET_ADMIN; EINVAL when the name belongs to an
 * interface of another kind (a veth, a TUN); EBUSY when the name is a single-queue TAP already attached to another
 * descriptor; a longer name than 15 bytes would be cut silently, so {@link InterfaceName} refuses it first. A write
 * while the interface is down fails with EIO.
 * <p>
 * Threads: one thread reads (and waits) at a time, one thread writes at a time; they may be different threads.
 * Reading and writing allocate nothing.
 */
public final class TapDevice implements AutoCloseable
{
    /** linux/if_tun.h: _IOW('T', 202, int). */
    public static final long TUNSETIFF = 0x4004_54CAL;
    public static final short IFF_TAP = 0x0002;
    public static final short IFF_NO_PI = 0x1000;
    static final int IFREQ_LENGTH = 40;
    static final int IFR_FLAGS_OFFSET = 16;
    /** Room after the caller's buffer so that read(2) reports a frame's full length even when it did not fit. */
    private static final int OVERFLOW_LENGTH = 65536 + 64;

    private final String name;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final Libc readCalls;
    private final Libc writeCalls;
    private final MemorySegment iov;
    private final FdPoll readable;
    private volatile boolean closed;

    private TapDevice(final String name, final int fd)
    {
        this.name = name;
        this.fd = fd;
        this.readCalls = new Libc(arena);
        this.writeCalls = new Libc(arena);
        final long overflow = arena.allocate(OVERFLOW_LENGTH, 64).address();
        // struct iovec[2]: [0] the caller's buffer (set per read), [1] the overflow area
        this.iov = arena.allocate(32, 8);
        iov.set(JAVA_LONG, 16, overflow);
        iov.set(JAVA_LONG, 24, OVERFLOW_LENGTH);
        this.readable = new FdPoll(arena, fd, Libc.POLLIN);
    }

    /**
     * Creates the TAP device {@code name} (or attaches to a persistent one of that name), with a non-blocking
     * descriptor. The interface starts down: bring it up and give it addresses with {@code ip}.
     *
     * @param name 1 to 15 characters; {@code "rs%d"} lets the kernel pick a free number ({@link #name()} tells).
     * @throws IllegalArgumentException if the name is not a valid interface name.
     * @throws LinuxCallException       saying what is missing (the driver, CAP_NET_ADMIN, a free name).
     */
    public static TapDevice open(final String name)
    {
        final byte[] nameBytes = InterfaceName.check(name, "TAP device");
        try (Arena setup = Arena.ofConfined())
        {
            final Libc libc = new Libc(setup);
            final int fd = libc.open(
                setup.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0)
            {
                throw openFailure(libc.errno());
            }
            final MemorySegment ifreq = setup.allocate(IFREQ_LENGTH, 8);
            MemorySegment.copy(nameBytes, 0, ifreq, JAVA_BYTE, 0, nameBytes.length);
            ifreq.set(JAVA_SHORT, IFR_FLAGS_OFFSET, (short)(IFF_TAP | IFF_NO_PI));
            if (libc.ioctl(fd, TUNSETIFF, ifreq) < 0)
            {
                final int errno = libc.errno();
                libc.close(fd);
                throw setIffFailure(name, errno);
            }
            return new TapDevice(ifreq.getString(0), fd);
        }
    }

    private static LinuxCallException openFailure(final int errno)
    {
        final String what = switch (errno)
        {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                "opening /dev/net/tun: the TUN/TAP driver is missing (modprobe tun; in a container, pass the device " +
                "in, e.g. --device /dev/net/tun)";
            case Errno.EACCES, Errno.EPERM ->
                "opening /dev/net/tun needs read and write access to it (run as root, or give your group access)";
            default -> "opening /dev/net/tun";
        };
        return new LinuxCallException("open(/dev/net/tun)", errno, what);
    }

    private static LinuxCallException setIffFailure(final String name, final int errno)
    {
        final String what = switch (errno)
        {
            case Errno.EPERM -> "creating TAP device " + name + " needs CAP_NET_ADMIN (attaching to an existing " +
                "persistent TAP needs CAP_NET_ADMIN or to be its owner)";
            case Errno.EBUSY -> "TAP device " + name + " is already attached to another descriptor (a single-queue " +
                "TAP takes one): close the other user, or pick another name";
            case Errno.EINVAL -> "TAP name " + name + " is taken by a device of another kind (a veth, a TUN, a " +
                "multi-queue TAP): pick another name, or delete it with 'ip link del " + name + "'";
            default -> "creating TAP device " + name;
        };
        return new LinuxCallException("ioctl(TUNSETIFF)", errno, what);
    }

    /** The interface's name as the kernel gave it. */
    public String name()
    {
        return name;
    }

    public int fd()
    {
        return fd;
    }

    /**
     * Reads one frame into native memory at {@code address}, writing at most {@code capacity} bytes.
     *
     * @return the frame's length (more than {@code capacity} if it did not fit: then only {@code capacity} bytes
     *         were written), 0 if no frame is waiting.
     * @throws LinuxCallException if read(2) fails for another reason than "nothing to read".
     */
    public int read(final long address, final int capacity)
    {
        final int result = readFrame(address, capacity);
        if (result < 0)
        {
            throw new LinuxCallException("readv", -result, "reading a frame from TAP device " + name);
        }
        return result;
    }

    /**
     * {@link #read} without the exception: the length, 0 if no frame is waiting, or -errno. Allocates nothing, at
     * any JIT tier: the read goes without errno capture ({@link Libc}). When it fails, a poll(2) that does not wait
     * tells "nothing to read" (no event) from a frame that arrived meanwhile (POLLIN: read again) and from an error
     * (POLLERR, as when the device goes away, or a read that keeps failing): only then is the read repeated with
     * capture, to learn the errno. A failed read took nothing from the device, so repeating it loses nothing.
     */
    int readFrame(final long address, final int capacity)
    {
        iov.set(JAVA_LONG, 0, address);
        iov.set(JAVA_LONG, 8, capacity);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            final long n = readCalls.readvNoErrno(fd, iov, 2);
            if (n >= 0)
            {
                return (int)n;
            }
            final int revents = readable.await(0);
            if (revents == 0)
            {
                return 0; // EAGAIN: nothing waiting
            }
            if ((revents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0 || revents < 0)
            {
                break;
            }
        }
        return readWithErrno();
    }

    /** The read again, with errno captured: the length, 0 for EAGAIN, or -errno. */
    private int readWithErrno()
    {
        while (true)
        {
            final long n = readCalls.readv(fd, iov, 2);
            if (n >= 0)
            {
                return (int)n;
            }
            final int errno = readCalls.errno();
            if (errno == Errno.EAGAIN)
            {
                return 0;
            }
            if (errno != Errno.EINTR)
            {
                return -errno;
            }
        }
    }

    /**
     * Writes one frame of {@code length} bytes from native memory at {@code address} to the kernel.
     *
     * @throws LinuxCallException if write(2) fails (EIO while the interface is down, EAGAIN when the kernel has no
     *                            room, EINVAL for a frame the kernel refuses).
     */
    public void write(final long address, final int length)
    {
        final int result = writeFrame(address, length);
        if (result < 0)
        {
            final String why = -result == Errno.EIO ? " (the interface is down: ip link set " + name + " up)" : "";
            throw new LinuxCallException("write", -result, "writing a frame of " + length + " B to TAP device " + name +
                why);
        }
    }

    /**
     * {@link #write} without the exception: 0, or -errno. Allocates nothing at any JIT tier: the write goes without
     * errno capture ({@link Libc}), and only a write that failed (and so sent nothing) is made again with capture.
     */
    int writeFrame(final long address, final int length)
    {
        if (writeCalls.writeNoErrno(fd, address, length) >= 0)
        {
            return 0;
        }
        while (true)
        {
            final long n = writeCalls.write(fd, address, length);
            if (n >= 0)
            {
                return 0;
            }
            final int errno = writeCalls.errno();
            if (errno != Errno.EINTR)
            {
                return -errno;
            }
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame to read.
     *
     * @return whether a frame (or an error condition) is waiting.
     */
    public boolean awaitReadable(final int timeoutMillis)
    {
        final int revents = readable.await(timeoutMillis);
        if (revents < 0)
        {
            throw new LinuxCallException("poll", -revents, "waiting for a frame on TAP device " + name);
        }
        return revents != 0;
    }

    FdPoll readablePoll()
    {
        return readable;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Closes the descriptor; the kernel then removes the (non-persistent) device. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try (Arena setup = Arena.ofConfined())
        {
            final Libc libc = new Libc(setup);
            if (libc.close(fd) < 0 && libc.errno() != Errno.EINTR)
            {
                throw new LinuxCallException("close", libc.errno(), "closing TAP device " + name);
            }
        }
        finally
        {
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "TapDevice{" + name + ", fd " + fd + '}';
    }
}
