package io.ringstack.demo.http;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Settings of an {@link HttpServer}.
 *
 * @param directory       where static files are served from, or null (then only the built-in resources)
 * @param maxHeadBytes    the most bytes a request-line and header section take together; beyond: 431
 * @param maxFieldLines   the most header field lines of one request; beyond: 431
 * @param maxBodyBytes    the longest request body, declared (Content-Length) or sent in chunks: read into
 *                        {@code POST /sha256}'s digest, read and discarded elsewhere; beyond: 413
 * @param idleNanos       how long a persistent connection may wait for its next request before it is closed
 * @param lingerNanos     how long, after the last response and our FIN, the client's remaining bytes are read and
 *                        discarded before the connection is closed anyway
 * @param pooledConnections per-connection state objects kept for reuse once their connection is gone
 */
public record HttpServerConfig(
    Path directory,
    int maxHeadBytes,
    int maxFieldLines,
    long maxBodyBytes,
    long idleNanos,
    long lingerNanos,
    int pooledConnections)
{
    public HttpServerConfig
    {
        if (maxHeadBytes < 64 || maxFieldLines < 1 || maxBodyBytes < 0 || idleNanos <= 0 || lingerNanos <= 0 ||
            pooledConnections < 0)
        {
            throw new IllegalArgumentException("HTTP limits: head >= 64 B, field lines >= 1, body >= 0, idle and " +
                "linger times > 0, pool >= 0");
        }
    }

    /** 8 KiB heads (as nginx's large_client_header_buffers), 100 field lines, 1 MiB bodies, 60 s idle, 2 s linger. */
    public static HttpServerConfig defaults()
    {
        return new HttpServerConfig(null, 8192, 100, 1 << 20, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(2),
            1024);
    }

    public HttpServerConfig withDirectory(final Path dir)
    {
        return new HttpServerConfig(dir, maxHeadBytes, maxFieldLines, maxBodyBytes, idleNanos, lingerNanos,
            pooledConnections);
    }

    public HttpServerConfig withMaxHeadBytes(final int bytes)
    {
        return new HttpServerConfig(directory, bytes, maxFieldLines, maxBodyBytes, idleNanos, lingerNanos,
            pooledConnections);
    }

    public HttpServerConfig withMaxBodyBytes(final long bytes)
    {
        return new HttpServerConfig(directory, maxHeadBytes, maxFieldLines, bytes, idleNanos, lingerNanos,
            pooledConnections);
    }

    public HttpServerConfig withTimeouts(final long idle, final long linger)
    {
        return new HttpServerConfig(directory, maxHeadBytes, maxFieldLines, maxBodyBytes, idle, linger,
            pooledConnections);
    }
}
