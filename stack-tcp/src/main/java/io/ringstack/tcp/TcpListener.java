package io.ringstack.tcp;

/**
 * A passive OPEN on one port (RFC 9293 §3.10.1): the LISTEN state. SYNs create connections in SYN-RECEIVED (at
 * most {@link TcpConfig#synBacklog()} at once: the SYN queue); those that complete the handshake wait in the
 * accept queue (at most {@code backlog}) until the application takes them with {@link #accept(TcpHandler)}.
 * When the SYN queue is full (and the accept queue is not), SYNs are answered with SYN cookies
 * ({@link TcpConfig#synCookies()}, RFC 4987 §3.6), and for two minutes after the last one an ACK that finds no
 * connection is checked for a cookie. Used only on the stack thread.
 */
public final class TcpListener
{
    private final TcpLayer layer;
    private final int port;
    private final TcpListenHandler handler;
    private final TcpConnection[] acceptQueue;
    private final int synBacklog;
    private int acceptHead;
    private int acceptSize;
    private int synReceived;
    private boolean open = true;
    private long accepted;
    private long synCookiesSent;
    private long lastSynCookieNanos;

    TcpListener(final TcpLayer layer, final int port, final int backlog, final int synBacklog,
        final TcpListenHandler handler)
    {
        this.layer = layer;
        this.port = port;
        this.handler = handler;
        this.acceptQueue = new TcpConnection[backlog];
        this.synBacklog = synBacklog;
    }

    public int port()
    {
        return port;
    }

    public boolean isOpen()
    {
        return open;
    }

    /** Connections that completed the handshake and wait to be accepted. */
    public int pending()
    {
        return acceptSize;
    }

    /** Connections in SYN-RECEIVED. */
    public int synReceived()
    {
        return synReceived;
    }

    public long acceptedConnections()
    {
        return accepted;
    }

    /** SYNs answered with a SYN cookie because the SYN queue was full. */
    public long synCookiesSent()
    {
        return synCookiesSent;
    }

    /**
     * Takes the oldest connection from the accept queue and gives it {@code connectionHandler}; data that arrived
     * before is readable at once (and announced with {@link TcpHandler#onData} on the next duty cycle).
     *
     * @return the connection, or null when none waits.
     */
    public TcpConnection accept(final TcpHandler connectionHandler)
    {
        if (connectionHandler == null)
        {
            throw new IllegalArgumentException("accept needs a TcpHandler for the connection's callbacks");
        }
        while (acceptSize > 0)
        {
            final TcpConnection connection = acceptQueue[acceptHead];
            acceptQueue[acceptHead] = null;
            acceptHead = (acceptHead + 1) % acceptQueue.length;
            acceptSize--;
            if (connection.state() != TcpState.CLOSED)
            {
                accepted++;
                connection.onAccepted(connectionHandler);
                return connection;
            }
        }
        return null;
    }

    boolean acceptQueueFull()
    {
        return acceptSize == acceptQueue.length;
    }

    boolean synQueueFull()
    {
        return synReceived >= synBacklog;
    }

    void onSynCookieSent(final long now)
    {
        synCookiesSent++;
        lastSynCookieNanos = now;
    }

    /** Whether cookies went out recently enough that an ACK may return one (Linux: tcp_synq_no_recent_overflow). */
    boolean synCookiesRecent(final long now)
    {
        return synCookiesSent > 0 && now - lastSynCookieNanos <= SynCookies.LIFETIME_NANOS;
    }

    void onSynReceived()
    {
        synReceived++;
    }

    void onSynReceivedGone()
    {
        synReceived--;
    }

    /** The handshake completed: SYN queue to accept queue. */
    void onEstablished(final TcpConnection connection)
    {
        synReceived--;
        acceptQueue[(acceptHead + acceptSize) % acceptQueue.length] = connection;
        acceptSize++;
    }

    /** A connection left the accept queue before being accepted (reset). */
    void onQueuedConnectionGone(final TcpConnection connection)
    {
        for (int i = 0; i < acceptSize; i++)
        {
            final int slot = (acceptHead + i) % acceptQueue.length;
            if (acceptQueue[slot] == connection)
            {
                for (int j = i; j < acceptSize - 1; j++)
                {
                    acceptQueue[(acceptHead + j) % acceptQueue.length] =
                        acceptQueue[(acceptHead + j + 1) % acceptQueue.length];
                }
                acceptQueue[(acceptHead + acceptSize - 1) % acceptQueue.length] = null;
                acceptSize--;
                return;
            }
        }
    }

    void notifyAcceptable()
    {
        if (open && acceptSize > 0)
        {
            handler.onAcceptable(this);
        }
    }

    /**
     * Stops listening: the port refuses new SYNs (with a reset), and connections not yet accepted are reset
     * (RFC 9293 §3.10.4: CLOSE in LISTEN; what a closed listen socket does in Linux).
     */
    public void close()
    {
        if (!open)
        {
            return;
        }
        open = false;
        while (acceptSize > 0)
        {
            final TcpConnection connection = acceptQueue[acceptHead];
            acceptQueue[acceptHead] = null;
            acceptHead = (acceptHead + 1) % acceptQueue.length;
            acceptSize--;
            connection.abort();
        }
        layer.onListenerClosed(this);
    }

    @Override
    public String toString()
    {
        return "TcpListener[port=" + port + ", pending=" + acceptSize + ", synReceived=" + synReceived +
            ", synCookiesSent=" + synCookiesSent + "]";
    }
}
