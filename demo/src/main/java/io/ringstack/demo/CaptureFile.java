package io.ringstack.demo;

import io.ringstack.nic.wire.FrameSink;
import io.ringstack.nic.wire.PcapWriter;
import io.ringstack.socket.NetStack;
import org.agrona.DirectBuffer;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.TimeoutException;

/**
 * {@code --pcap FILE}: every frame a host's NIC hands up or queues for transmit, in a pcap file that tshark and
 * Wireshark read. The driver's capture hook calls it on the stack thread, and it is attached and detached there
 * too, so capture never races the stack. Each frame is one write to the file, so what is written survives even a
 * killed process; {@link #close} detaches the hook, then closes the file. A write that fails (a full disk) stops the
 * capture and is reported by {@link #close}: it never reaches the stack's receive or transmit path.
 */
final class CaptureFile implements FrameSink
{
    private final Path file;
    private final PcapWriter writer;
    private boolean failed;
    private volatile String failure;

    private CaptureFile(final Path file, final PcapWriter writer)
    {
        this.file = file;
        this.writer = writer;
    }

    /** Creates (or truncates) {@code file}, not attached to any NIC yet. */
    static CaptureFile open(final Path file)
    {
        return new CaptureFile(file, PcapWriter.open(file));
    }

    /** {@link #open} when a capture was asked for ({@code file} not null), else null. */
    static CaptureFile openIfAsked(final Path file)
    {
        return file == null ? null : open(file);
    }

    Path file()
    {
        return file;
    }

    /** Starts the host(s) recording to {@code capture}; if that fails, the file is closed before the error goes on. */
    static <T> T hostsRecordingTo(final CaptureFile capture, final Supplier<T> start)
    {
        try
        {
            return start.get();
        }
        catch (final RuntimeException | Error ex)
        {
            if (capture != null)
            {
                capture.writer.close();
            }
            throw ex;
        }
    }

    @Override
    public void accept(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failed)
        {
            return;
        }
        try
        {
            writer.accept(buffer, offset, length);
        }
        catch (final UncheckedIOException ex)
        {
            failed = true;
            failure = ex.getMessage();
        }
    }

    long frames()
    {
        return writer.frames();
    }

    /**
     * Detaches from the NIC of {@code host} (on its stack thread, if it still runs), closes the file and says what
     * it holds.
     */
    String close(final NetStack host)
    {
        try
        {
            onStackThread(host, null);
        }
        catch (final IllegalStateException ex)
        {
            // the stack is closed: its thread writes no more frames
        }
        writer.close();
        final String problem = failure;
        return "pcap: " + writer.frames() + " frames in " + file +
            (problem == null ? "" : "; the capture stopped early: " + problem);
    }

    private static void onStackThread(final NetStack host, final FrameSink sink)
    {
        try
        {
            host.submit(() ->
            {
                host.ipv4().driver().capture(sink);
                return null;
            }).get(5, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("cannot " + (sink == null ? "detach" : "attach") + " the capture of " +
                host.name() + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + (sink == null ? "detaching" : "attaching") +
                " the capture of " + host.name(), ex);
        }
    }
}
