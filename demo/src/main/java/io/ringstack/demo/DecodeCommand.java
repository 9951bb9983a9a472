package io.ringstack.demo;

import io.ringstack.ip.decode.DecodedFrame;
import io.ringstack.ip.decode.DropCounters;
import io.ringstack.ip.decode.FrameDecoder;
import io.ringstack.nic.wire.CaptureReader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ringstack decode FILE [--limit N]}: reads a pcap or pcapng capture with {@link CaptureReader} and prints
 * one line per frame, the frame number then what {@link FrameDecoder} found, as {@code key=value} words (or
 * {@code drop=<layer>:<REASON>} where a layer rejected it), and a summary line with the drops by reason.
 */
final class DecodeCommand implements Subcommand
{
    @Override
    public String name()
    {
        return "decode";
    }

    @Override
    public String arguments()
    {
        return "FILE [--limit N]";
    }

    @Override
    public String summary()
    {
        return "decode a pcap/pcapng capture: one line per frame, then the drops by reason";
    }

    @Override
    public int run(final List<String> arguments, final PrintStream out, final PrintStream err)
    {
        Path file = null;
        long limit = Long.MAX_VALUE;
        for (int i = 0; i < arguments.size(); i++)
        {
            final String argument = arguments.get(i);
            if (argument.equals("--limit") || argument.startsWith("--limit="))
            {
                final String value = argument.equals("--limit") ?
                    (i + 1 < arguments.size() ? arguments.get(++i) : "") : argument.substring("--limit=".length());
                limit = parseLimit(value);
                if (limit < 0)
                {
                    return usage(err, "--limit takes a number of frames, at least 1, not '" + value + "'");
                }
            }
            else if (argument.startsWith("-"))
            {
                return usage(err, "unknown option '" + argument + "'");
            }
            else if (file == null)
            {
                file = Path.of(argument);
            }
            else
            {
                return usage(err, "one capture at a time ('" + argument + "' is a second one)");
            }
        }
        if (file == null)
        {
            return usage(err, "say which capture to decode");
        }
        if (!Files.isRegularFile(file))
        {
            return usage(err, "no such file: " + file);
        }
        final CaptureReader reader;
        try
        {
            reader = CaptureReader.open(file);
        }
        catch (final IOException ex)
        {
            return usage(err, "cannot read " + file + ": " + ex.getMessage());
        }
        return decode(reader, limit, out, err, file);
    }

    private static int decode(
        final CaptureReader reader, final long limit, final PrintStream out, final PrintStream err, final Path file)
    {
        final FrameDecoder decoder = new FrameDecoder();
        final DecodedFrame frame = new DecodedFrame();
        final DropCounters counters = new DropCounters();
        final StringBuilder line = new StringBuilder(256);
        long number = 0;
        while (number < limit && reader.next())
        {
            number++;
            decoder.decode(reader.linkType(), reader.frame(), 0, reader.capturedLength(), reader.originalLength(),
                frame);
            counters.count(frame);
            line.setLength(0);
            line.append(number).append(' ');
            frame.appendTo(line);
            out.println(line);
        }
        line.setLength(0);
        line.append("summary ");
        counters.appendTo(line);
        if (number == limit && reader.next())
        {
            line.append(" (stopped at --limit ").append(limit).append("; more frames follow)");
        }
        out.println(line);
        if (reader.problem() != null)
        {
            err.println("ringstack decode: " + file + " is damaged: " + reader.problem());
            return RingstackCommand.EXIT_FAILURE;
        }
        return RingstackCommand.EXIT_OK;
    }

    /** A positive frame count, or -1. */
    private static long parseLimit(final String value)
    {
        try
        {
            final long limit = Long.parseLong(value);
            return limit >= 1 ? limit : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static int usage(final PrintStream err, final String problem)
    {
        err.println("ringstack decode: " + problem);
        RingstackCommand.usage(err);
        return RingstackCommand.EXIT_USAGE;
    }
}
