package io.ringstack.demo.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small HTTP/1.1 client over any pair of blocking streams (ringstack's {@code TcpSocket}, or a
 * {@code java.net.Socket}): it writes requests as given and reads responses with Content-Length, chunked
 * (RFC 9112 §7.1, extensions and trailers skipped) or close-delimited bodies, HEAD's without one. The built-in
 * load client of {@code ringstack http} and the tests use it. One thread at a time.
 */
public final class BlockingHttpClient
{
    /** Where a response body goes, piece by piece. */
    @FunctionalInterface
    public interface BodySink
    {
        void accept(byte[] bytes, int offset, int length) throws IOException;
    }

    /** A response: status, fields (names in lower case, the last value of each), and what the body was. */
    public record Response(int status, String statusLine, Map<String, String> fields, long bodyLength,
        boolean chunked, byte[] body)
    {
        public String field(final String name)
        {
            return fields.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText()
        {
            return body == null ? null : new String(body, StandardCharsets.ISO_8859_1);
        }

        /** Whether the server said it closes the connection after this response. */
        public boolean closes()
        {
            final String connection = field("connection");
            return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    private final InputStream input;
    private final OutputStream output;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    public BlockingHttpClient(final InputStream input, final OutputStream output)
    {
        this.input = input;
        this.output = output;
    }

    /** Sends {@code bytes} as they are (one request, several pipelined ones, or anything else). */
    public void send(final byte[] bytes) throws IOException
    {
        output.write(bytes);
        output.flush();
    }

    public void send(final String text) throws IOException
    {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** "GET target HTTP/1.1" with Host, as bytes to send again and again. */
    public static byte[] request(final String method, final String target, final String host)
    {
        return (method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one response and keeps its body (for bodies that fit in memory). */
    public Response read(final boolean toHead) throws IOException
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Response response = read(toHead, body::write);
        return new Response(response.status, response.statusLine, response.fields, response.bodyLength,
            response.chunked, toHead ? null : body.toByteArray());
    }

    /** Reads one response, handing its body to {@code sink} as it arrives. */
    public Response read(final boolean toHead, final BodySink sink) throws IOException
    {
        final String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ')
        {
            throw new ProtocolException("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        final Map<String, String> fields = new LinkedHashMap<>();
        for (String field = line(); !field.isEmpty(); field = line())
        {
            final int colon = field.indexOf(':');
            if (colon <= 0)
            {
                throw new ProtocolException("a field line without a name and colon: '" + field + "'");
            }
            fields.put(field.substring(0, colon).toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
        }
        final String transferEncoding = fields.get("transfer-encoding");
        final boolean chunked = transferEncoding != null &&
            transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked");
        final String contentLength = fields.get("content-length");
        long length = 0;
        if (toHead || status / 100 == 1 || status == 204 || status == 304)
        {
            length = 0; // RFC 9112 §6.3 item 1: no body, whatever the fields say
        }
        else if (chunked)
        {
            length = readChunked(sink);
        }
        else if (contentLength != null)
        {
            length = Long.parseLong(contentLength);
            readExactly(length, sink);
        }
        else
        {
            length = readToEnd(sink);
        }
        return new Response(status, statusLine, fields, length, chunked, null);
    }

    /** Whether the server closed the connection: no more bytes, and end of stream (waits for either). */
    public boolean atEndOfStream() throws IOException
    {
        return position == limit && !fill();
    }

    private long readChunked(final BodySink sink) throws IOException
    {
        long total = 0;
        while (true)
        {
            final String sizeLine = line();
            final int semicolon = sizeLine.indexOf(';');
            final String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            final long size;
            try
            {
                size = Long.parseLong(hex, 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new ProtocolException("bad chunk-size line: '" + sizeLine + "'");
            }
            if (size == 0)
            {
                while (!line().isEmpty())
                {
                    // trailer fields: skipped
                }
                return total;
            }
            readExactly(size, sink);
            total += size;
            if (!line().isEmpty())
            {
                throw new ProtocolException("chunk data not followed by CRLF");
            }
        }
    }

    private void readExactly(final long length, final BodySink sink) throws IOException
    {
        long left = length;
        while (left > 0)
        {
            if (position == limit && !fill())
            {
                throw new EOFException("the connection ended " + left + " bytes before the end of the body");
            }
            final int n = (int)Math.min(left, limit - position);
            sink.accept(buffer, position, n);
            position += n;
            left -= n;
        }
    }

    private long readToEnd(final BodySink sink) throws IOException
    {
        long total = 0;
        while (position < limit || fill())
        {
            final int n = limit - position;
            sink.accept(buffer, position, n);
            position += n;
            total += n;
        }
        return total;
    }

    /** One line, without its CRLF (or LF). */
    private String line() throws IOException
    {
        final StringBuilder line = new StringBuilder();
        while (true)
        {
            if (position == limit && !fill())
            {
                throw new EOFException("the connection ended in the middle of a line: '" + line + "'");
            }
            final byte b = buffer[position++];
            if (b == '\n')
            {
                final int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r')
                {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char)(b & 0xFF));
        }
    }

    private boolean fill() throws IOException
    {
        position = 0;
        limit = 0;
        final int n = input.read(buffer, 0, buffer.length);
        if (n <= 0)
        {
            return false;
        }
        limit = n;
        return true;
    }
}
