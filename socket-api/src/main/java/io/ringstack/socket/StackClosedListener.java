package io.ringstack.socket;

/**
 * A socket of a {@link NetStack} that application threads may wait in: told when the host closes, so that those
 * threads wake and fail instead of waiting for a stack thread that is gone.
 */
interface StackClosedListener
{
    /** Any thread (the one closing the host): mark the socket dead and unpark whoever waits in it. */
    void stackClosed();
}
