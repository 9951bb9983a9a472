package io.ringstack.tcp;

/**
 * The application's side of one connection: callbacks on the stack thread, after the segment or timer that
 * caused them has been processed (so the connection may be used from inside them: read, write, close).
 */
public interface TcpHandler
{
    /** An active open completed (ESTABLISHED): the connection is writable. Not called for accepted connections. */
    default void onConnected(final TcpConnection connection)
    {
    }

    /** New in-order data is readable ({@link TcpConnection#read(TcpSlice)}). */
    void onData(TcpConnection connection);

    /** Send space freed after a write accepted less than offered. */
    default void onWritable(final TcpConnection connection)
    {
    }

    /** The peer's FIN arrived after all its data: it sends no more (reads return what is queued, then nothing). */
    default void onPeerClosed(final TcpConnection connection)
    {
    }

    /**
     * Both directions are closed in order (TIME-WAIT or CLOSED reached). Data still queued stays readable until
     * {@link TcpConnection#close()}.
     */
    default void onClosed(final TcpConnection connection)
    {
    }

    /** The connection ended abnormally (reset, refused, timed out); queued data is gone. */
    default void onReset(final TcpConnection connection, final TcpCloseReason reason)
    {
    }
}
