package io.ringstack.tcp;

/** Told, on the stack thread, that a connection completed its handshake and waits in the accept queue. */
@FunctionalInterface
public interface TcpListenHandler
{
    /** Call {@link TcpListener#accept(TcpHandler)} (now or later) to take it. */
    void onAcceptable(TcpListener listener);
}
