package io.ringstack.nic.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library calls the TAP and packet-socket wires need, as FFM downcalls (no JNI), each capturing errno.
 * <p>
 * An instance owns one captured-state segment: a call stores its errno there and {@link #errno()} reads it, so
 * each thread that makes calls uses its own instance (the device's receive thread, the driver's thread, set-up).
 * The methods return what the C function returns (-1 on failure, as C does); the callers turn failures into
 * {@link LinuxCallException}s on set-up paths and into counts on the frame paths.
 * <p>
 * On the frame paths ({@link #read}, {@link #readv}, {@link #write}, {@link #send}, {@link #recv}) the buffer
 * pointer is passed as a {@code long} (ValueLayout.JAVA_LONG): on x86-64 and AArch64 a pointer is a 64-bit integer
 * argument in the same register, and passing the address of DMA memory this way needs no MemorySegment per call
 * (nothing allocated).
 * The variadic {@code open} and {@code ioctl} are linked with {@link Linker.Option#firstVariadicArg}.
 * <p>
 * The frame paths also have variants without errno capture ({@code ...NoErrno}), which they call first: a downcall
 * that captures errno checks its state segment with a slice (JDK 25's {@code SharedUtils.checkCaptureSegment}),
 * 40 bytes a call until C2 compiles the call site and escape analysis removes them. A port that sees ten frames a
 * second takes minutes to get there, and a call made once per wakeup or burst may never get there; without capture,
 * nothing is allocated at any tier. Only a call that failed is made again with capture, to learn why: the calls
 * chosen for this are those for which that is harmless (poll; a read or write that failed moved no data; a TX ring
 * kick sends whatever is still requested).
 */
public final class Libc
{
    // fcntl.h, poll.h, sys/mman.h, sys/socket.h (x86-64 values, the same on AArch64)
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_DONTWAIT = 0x40;
    /** recv(2) on a datagram socket: return the datagram's real length, even when the buffer was shorter. */
    public static final int MSG_TRUNC = 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = link("open",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = link("read",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle READV = link("readv",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE = link("write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle IOCTL = link("ioctl",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = link("poll",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // Without errno capture, for the frame paths (see the class comment).
    private static final MethodHandle READV_NO_ERRNO = linkWithoutErrno("readv",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITE_NO_ERRNO = linkWithoutErrno("write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle POLL_NO_ERRNO = linkWithoutErrno("poll",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND_NO_ERRNO = linkWithoutErrno("send",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV_NO_ERRNO = linkWithoutErrno("recv",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = link("recv",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SOCKET = link("socket",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = link("setsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = link("getsockopt",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND = link("bind",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = link("send",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MMAP = link("mmap",
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = link("munmap",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle EVENTFD = link("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = link("if_nametoindex",
        FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** mmap's MAP_FAILED, ((void *)-1). */
    public static final long MAP_FAILED = -1L;

    private final MemorySegment callState;

    /** @param arena where the captured-state segment lives; it must outlive this instance's use. */
    public Libc(final Arena arena)
    {
        this.callState = arena.allocate(CAPTURE_LAYOUT);
    }

    private static MethodHandle link(
        final String name, final FunctionDescriptor descriptor, final Linker.Option... extra)
    {
        final MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("the C library has no function " + name));
        final Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static MethodHandle linkWithoutErrno(final String name, final FunctionDescriptor descriptor)
    {
        final MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("the C library has no function " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** The errno of this instance's last failed call (only meaningful right after a call returned -1). */
    public int errno()
    {
        return (int)ERRNO.get(callState, 0L);
    }

    public int open(final MemorySegment path, final int flags)
    {
        try
        {
            return (int)OPEN.invokeExact(callState, path, flags, 0);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    public int close(final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(callState, fd);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** eventfd(2): a counter descriptor that one thread signals and another waits on with poll(2). */
    public int eventfd(final int initialValue, final int flags)
    {
        try
        {
            return (int)EVENTFD.invokeExact(callState, initialValue, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** read(2) into native memory at {@code address}. */
    public long read(final int fd, final long address, final long count)
    {
        try
        {
            return (long)READ.invokeExact(callState, fd, address, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** readv(2) with {@code count} struct iovec at {@code iov}. */
    public long readv(final int fd, final MemorySegment iov, final int count)
    {
        try
        {
            return (long)READV.invokeExact(callState, fd, iov, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** write(2) from native memory at {@code address}. */
    public long write(final int fd, final long address, final long count)
    {
        try
        {
            return (long)WRITE.invokeExact(callState, fd, address, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** ioctl(2) with a pointer argument. */
    public int ioctl(final int fd, final long request, final MemorySegment argument)
    {
        try
        {
            return (int)IOCTL.invokeExact(callState, fd, request, argument);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** poll(2) over {@code count} struct pollfd at {@code fds}. */
    public int poll(final MemorySegment fds, final long count, final int timeoutMillis)
    {
        try
        {
            return (int)POLL.invokeExact(callState, fds, count, timeoutMillis);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** readv(2) without errno capture (see the class comment): -1 on failure, errno unknown. */
    public long readvNoErrno(final int fd, final MemorySegment iov, final int count)
    {
        try
        {
            return (long)READV_NO_ERRNO.invokeExact(fd, iov, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** write(2) without errno capture (see the class comment): -1 on failure, errno unknown. */
    public long writeNoErrno(final int fd, final long address, final long count)
    {
        try
        {
            return (long)WRITE_NO_ERRNO.invokeExact(fd, address, count);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** poll(2) without errno capture (see the class comment): -1 on failure; {@link #poll} again to learn why. */
    public int pollNoErrno(final MemorySegment fds, final long count, final int timeoutMillis)
    {
        try
        {
            return (int)POLL_NO_ERRNO.invokeExact(fds, count, timeoutMillis);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** send(2) without errno capture (see the class comment): -1 on failure; {@link #send} again to learn why. */
    public long sendNoErrno(final int fd, final long address, final long length, final int flags)
    {
        try
        {
            return (long)SEND_NO_ERRNO.invokeExact(fd, address, length, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * recv(2) without errno capture (see the class comment): -1 on failure, which took nothing from the socket;
     * {@link #recv} again to learn why.
     */
    public long recvNoErrno(final int fd, final long address, final long length, final int flags)
    {
        try
        {
            return (long)RECV_NO_ERRNO.invokeExact(fd, address, length, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** recv(2) into {@code length} bytes at native {@code address}. */
    public long recv(final int fd, final long address, final long length, final int flags)
    {
        try
        {
            return (long)RECV.invokeExact(callState, fd, address, length, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    public int socket(final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET.invokeExact(callState, domain, type, protocol);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    public int setsockopt(final int fd, final int level, final int option, final MemorySegment value)
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(callState, fd, level, option, value, (int)value.byteSize());
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** getsockopt(2); {@code length} holds the socklen_t in and out. */
    public int getsockopt(
        final int fd, final int level, final int option, final MemorySegment value, final MemorySegment length)
    {
        try
        {
            return (int)GETSOCKOPT.invokeExact(callState, fd, level, option, value, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    public int bind(final int fd, final MemorySegment address)
    {
        try
        {
            return (int)BIND.invokeExact(callState, fd, address, (int)address.byteSize());
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** send(2) of {@code length} bytes at native {@code address} (0 and 0 to kick a packet socket's TX ring). */
    public long send(final int fd, final long address, final long length, final int flags)
    {
        try
        {
            return (long)SEND.invokeExact(callState, fd, address, length, flags);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** mmap(2); returns the address, or {@link #MAP_FAILED}. */
    public long mmap(final long address, final long length, final int protection, final int flags, final int fd,
        final long offset)
    {
        try
        {
            return (long)MMAP.invokeExact(callState, address, length, protection, flags, fd, offset);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    public int munmap(final long address, final long length)
    {
        try
        {
            return (int)MUNMAP.invokeExact(callState, address, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** if_nametoindex(3): the interface's index, 0 (errno ENODEV) if there is none of that name. */
    public int ifNameToIndex(final MemorySegment name)
    {
        try
        {
            return (int)IF_NAMETOINDEX.invokeExact(callState, name);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /** A downcall throws only what the JVM throws (errors); anything else would be a linkage bug. */
    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (t instanceof Error error)
        {
            throw error;
        }
        throw new IllegalStateException("native call failed unexpectedly", t);
    }
}
