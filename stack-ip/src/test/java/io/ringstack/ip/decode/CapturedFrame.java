package io.ringstack.ip.decode;

import io.ringstack.nic.wire.CaptureReader;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a shared capture, copied out of the reader (tests only): {@code number} counts from 1 as tshark does.
 */
record CapturedFrame(String file, int number, int linkType, byte[] bytes, int originalLength)
{
    /** Every record of {@code capture}; fails the test if the reader stops early on damage. */
    static List<CapturedFrame> readAll(final Path capture)
    {
        final List<CapturedFrame> frames = new ArrayList<>();
        try
        {
            final CaptureReader reader = CaptureReader.open(capture);
            while (reader.next())
            {
                final byte[] bytes = new byte[reader.capturedLength()];
                reader.frame().getBytes(0, bytes);
                frames.add(new CapturedFrame(capture.getFileName().toString(), frames.size() + 1, reader.linkType(),
                    bytes, reader.originalLength()));
            }
            if (reader.problem() != null)
            {
                throw new AssertionError(capture + ": " + reader.problem());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return frames;
    }

    /** Decodes this frame from a buffer of exactly its captured bytes, so that any read past them throws. */
    boolean decode(final FrameDecoder decoder, final DecodedFrame into)
    {
        return decoder.decode(linkType, new UnsafeBuffer(bytes), 0, bytes.length, originalLength, into);
    }

    String name()
    {
        return file + " #" + number;
    }
}
