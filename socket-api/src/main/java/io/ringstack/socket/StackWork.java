package io.ringstack.socket;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Something an application thread hands to the stack thread through {@link NetStack#schedule}: a blocking socket
 * with bytes to send or room freed to receive into. Scheduled at most once until serviced.
 */
abstract class StackWork
{
    final AtomicBoolean scheduled = new AtomicBoolean();

    /** Stack thread: moves what can move; returns how much work that was (0 for none). */
    abstract int service();
}
