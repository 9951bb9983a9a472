package io.ringstack.tcp.linux;

import io.ringstack.tcp.TcpCloseReason;
import io.ringstack.tcp.TcpConnection;
import io.ringstack.tcp.TcpHandler;
import io.ringstack.tcp.TcpSlice;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Small applications on ringstack's TCP for the kernel-peer tests, run on the stack thread through callbacks:
 * a sink that hashes what it receives, a source that sends pseudo-random bytes and hashes what it sent, and an
 * HTTP/1.0 client and server good enough for curl and python's http.server. Test code: a copy per slice into a
 * reused array for the digest is fine here.
 */
final class TcpApps
{
    private TcpApps()
    {
    }

    static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** What one connection did, completed when it ended. */
    record Outcome(long bytesIn, String sha256In, long bytesOut, String sha256Out, String end, String text)
    {
    }

    /** Reads everything, hashing it; on the peer's FIN answers with the hex digest and a newline, then closes. */
    static final class HashingSink implements TcpHandler
    {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final MessageDigest digest = sha256();
        private final TcpSlice slice = new TcpSlice();
        private final byte[] chunk = new byte[65536];
        private long bytes;

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(slice))
            {
                int done = 0;
                while (done < slice.length())
                {
                    final int n = Math.min(chunk.length, slice.length() - done);
                    slice.buffer().getBytes(slice.offset() + done, chunk, 0, n);
                    digest.update(chunk, 0, n);
                    done += n;
                }
                bytes += slice.length();
                slice.release();
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            onData(connection);
            final String hex = HexFormat.of().formatHex(digest.digest());
            final byte[] reply = (hex + "\n").getBytes(StandardCharsets.US_ASCII);
            final int written = connection.write(new UnsafeBuffer(reply), 0, reply.length);
            connection.close();
            outcome.complete(new Outcome(bytes, hex, written, null, "peer closed", null));
        }

        @Override
        public void onReset(final TcpConnection connection, final TcpCloseReason reason)
        {
            outcome.complete(new Outcome(bytes, null, 0, null, "reset: " + reason, null));
        }
    }

    /**
     * Sends {@code total} pseudo-random bytes (a prefix first, e.g. HTTP headers), hashing the bytes after the
     * prefix, then closes (or only shuts down output and reads the peer's reply, when {@code halfClose}).
     */
    static class Source implements TcpHandler
    {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final MessageDigest digest = sha256();
        private final UnsafeBuffer block = new UnsafeBuffer(new byte[16384]);
        private final byte[] prefix;
        private final long total;
        private final boolean halfClose;
        private final StringBuilder reply = new StringBuilder();
        private final TcpSlice slice = new TcpSlice();
        private int prefixSent;
        private long sent;
        private long state = 0x9E37_79B9_7F4A_7C15L;
        private int blockFill;
        private int blockSent;
        private boolean finished;

        Source(final byte[] prefix, final long total, final boolean halfClose)
        {
            this.prefix = prefix;
            this.total = total;
            this.halfClose = halfClose;
        }

        @Override
        public void onConnected(final TcpConnection connection)
        {
            pump(connection);
        }

        @Override
        public void onWritable(final TcpConnection connection)
        {
            pump(connection);
        }

        void pump(final TcpConnection connection)
        {
            if (finished)
            {
                return;
            }
            while (prefixSent < prefix.length)
            {
                final int n = connection.write(new UnsafeBuffer(prefix), prefixSent, prefix.length - prefixSent);
                if (n == 0)
                {
                    return;
                }
                prefixSent += n;
            }
            while (sent < total)
            {
                if (blockSent == blockFill)
                {
                    blockFill = (int)Math.min(block.capacity(), total - sent);
                    for (int i = 0; i < blockFill; i += 8)
                    {
                        state ^= state << 13;
                        state ^= state >>> 7;
                        state ^= state << 17;
                        if (i + 8 <= blockFill)
                        {
                            block.putLong(i, state);
                        }
                        else
                        {
                            for (int j = i; j < blockFill; j++)
                            {
                                block.putByte(j, (byte)(state >>> (8 * (j - i))));
                            }
                        }
                    }
                    digest.update(block.byteArray(), 0, blockFill);
                    blockSent = 0;
                }
                final int n = connection.write(block, blockSent, blockFill - blockSent);
                if (n == 0)
                {
                    return;
                }
                blockSent += n;
                sent += n;
            }
            finished = true;
            if (halfClose)
            {
                connection.shutdownOutput();
            }
            else
            {
                connection.close();
                outcome.complete(new Outcome(0, null, sent, HexFormat.of().formatHex(digest.digest()), "closed", null));
            }
        }

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(slice))
            {
                final byte[] bytes = new byte[slice.length()];
                slice.buffer().getBytes(slice.offset(), bytes);
                reply.append(new String(bytes, StandardCharsets.US_ASCII));
                slice.release();
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            onData(connection);
            connection.close();
            outcome.complete(new Outcome(0, null, sent, HexFormat.of().formatHex(digest.digest()), "peer closed",
                reply.toString()));
        }

        @Override
        public void onReset(final TcpConnection connection, final TcpCloseReason reason)
        {
            outcome.complete(new Outcome(0, null, sent, null, "reset: " + reason, reply.toString()));
        }
    }

    /**
     * An HTTP/1.0 client: sends a GET, then hashes the body after the header's blank line until the server
     * closes; the outcome's text holds the header.
     */
    static final class HttpGet implements TcpHandler
    {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final MessageDigest digest = sha256();
        private final TcpSlice slice = new TcpSlice();
        private final byte[] request;
        private final StringBuilder header = new StringBuilder();
        private final byte[] chunk = new byte[65536];
        private boolean inBody;
        private long body;

        HttpGet(final String path)
        {
            request = ("GET " + path + " HTTP/1.0\r\nHost: ringstack\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void onConnected(final TcpConnection connection)
        {
            if (connection.write(new UnsafeBuffer(request), 0, request.length) != request.length)
            {
                outcome.completeExceptionally(new AssertionError("the request did not fit the send buffer"));
            }
        }

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(slice))
            {
                int at = 0;
                while (!inBody && at < slice.length())
                {
                    header.append((char)(slice.buffer().getByte(slice.offset() + at++) & 0xFF));
                    inBody = header.length() >= 4 && header.substring(header.length() - 4).equals("\r\n\r\n");
                }
                while (at < slice.length())
                {
                    final int n = Math.min(chunk.length, slice.length() - at);
                    slice.buffer().getBytes(slice.offset() + at, chunk, 0, n);
                    digest.update(chunk, 0, n);
                    body += n;
                    at += n;
                }
                slice.release();
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            onData(connection);
            connection.close();
            outcome.complete(new Outcome(body, HexFormat.of().formatHex(digest.digest()), request.length, null,
                "peer closed", header.toString()));
        }

        @Override
        public void onReset(final TcpConnection connection, final TcpCloseReason reason)
        {
            outcome.complete(new Outcome(body, null, 0, null, "reset: " + reason, header.toString()));
        }
    }

    /** An HTTP/1.0 server for one request: reads the request header, answers with {@code length} bytes, closes. */
    static final class HttpResponder extends Source
    {
        private final StringBuilder request = new StringBuilder();
        private final TcpSlice in = new TcpSlice();
        private boolean answered;

        HttpResponder(final long length)
        {
            super(("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length +
                "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), length, false);
        }

        @Override
        public void onConnected(final TcpConnection connection)
        {
        }

        @Override
        public void onWritable(final TcpConnection connection)
        {
            if (answered)
            {
                pump(connection);
            }
        }

        @Override
        public void onData(final TcpConnection connection)
        {
            while (connection.read(in))
            {
                for (int i = 0; i < in.length(); i++)
                {
                    request.append((char)(in.buffer().getByte(in.offset() + i) & 0xFF));
                }
                in.release();
            }
            if (!answered && request.indexOf("\r\n\r\n") >= 0)
            {
                answered = true;
                pump(connection);
            }
        }

        @Override
        public void onPeerClosed(final TcpConnection connection)
        {
            onData(connection);
        }
    }
}
