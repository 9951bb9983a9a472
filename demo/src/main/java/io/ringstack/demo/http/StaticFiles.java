package io.ringstack.demo.http;

import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Maps a request path to a regular file under one directory, and nothing outside it: the path is
 * percent-decoded (RFC 3986 §2.1), a segment "." or ".." or one holding a NUL, a backslash or an encoded slash
 * refuses it, and the file's real path (symbolic links followed) must still lie under the directory's real
 * path. A directory serves its {@code index.html}. Whatever is refused is answered 404, like a missing file, so
 * nothing is revealed about what lies outside. (Static files allocate; only {@code /bytes/N} is allocation-free.)
 */
final class StaticFiles
{
    private final Path root;

    StaticFiles(final Path directory)
    {
        try
        {
            this.root = directory.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("--dir " + directory + ": " + ex.getMessage() +
                " (give an existing directory)", ex);
        }
        if (!Files.isDirectory(root))
        {
            throw new IllegalArgumentException("--dir " + directory + " is not a directory");
        }
    }

    Path root()
    {
        return root;
    }

    /** The file {@code path} (the request's path, still percent-encoded) names, or null: answer 404. */
    Path resolve(final DirectBuffer buffer, final int offset, final int length)
    {
        final String decoded = percentDecode(buffer, offset, length);
        if (decoded == null || !decoded.startsWith("/"))
        {
            return null;
        }
        Path candidate = root;
        for (final String segment : decoded.substring(1).split("/", -1))
        {
            if (segment.isEmpty())
            {
                continue;
            }
            if (segment.equals(".") || segment.equals("..") || segment.indexOf('\\') >= 0 ||
                segment.indexOf('\0') >= 0)
            {
                return null;
            }
            try
            {
                candidate = candidate.resolve(segment);
            }
            catch (final InvalidPathException ex)
            {
                return null;
            }
        }
        try
        {
            Path real = candidate.toRealPath();
            if (Files.isDirectory(real))
            {
                real = real.resolve("index.html").toRealPath();
            }
            if (!real.startsWith(root) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ||
                !Files.isReadable(real))
            {
                return null;
            }
            return real;
        }
        catch (final IOException | SecurityException ex)
        {
            return null;
        }
    }

    /** RFC 3986 §2.1 percent-decoding into UTF-8; null when malformed or when it decodes a '/' (an encoded slash). */
    static String percentDecode(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(length);
        for (int i = offset; i < offset + length; i++)
        {
            final byte b = buffer.getByte(i);
            if (b != '%')
            {
                bytes.write(b);
                continue;
            }
            if (i + 2 >= offset + length)
            {
                return null;
            }
            final int high = Character.digit(buffer.getByte(i + 1), 16);
            final int low = Character.digit(buffer.getByte(i + 2), 16);
            if (high < 0 || low < 0)
            {
                return null;
            }
            final int decoded = high << 4 | low;
            if (decoded == '/' || decoded == 0)
            {
                return null;
            }
            bytes.write(decoded);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The media type of a file by its extension (RFC 9110 §8.3), application/octet-stream when unknown. */
    static String contentType(final Path file)
    {
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        final int dot = name.lastIndexOf('.');
        return switch (dot < 0 ? "" : name.substring(dot + 1))
        {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "txt", "md", "log" -> "text/plain; charset=utf-8";
            case "css" -> "text/css";
            case "js" -> "text/javascript";
            case "json" -> "application/json";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            case "ico" -> "image/x-icon";
            case "pdf" -> "application/pdf";
            case "pcap" -> "application/vnd.tcpdump.pcap";
            default -> "application/octet-stream";
        };
    }
}
