package io.ringstack.testsupport.script;

import java.util.List;

/**
 * The TCP under test, as the {@link ScriptRunner} drives it: on virtual time, one Ethernet frame at a time. One
 * thread (the runner's) calls every method.
 */
public interface ScriptTarget
{
    /** The target's virtual clock. */
    long nowNanos();

    /** Runs the stack (timers, polls) up to virtual time {@code nanos}; afterwards {@link #nowNanos()} is it. */
    void advanceTo(long nanos);

    /** Delivers one Ethernet frame to the stack; it is processed before this returns. */
    void inject(byte[] frame);

    /** The next Ethernet frame the stack sent, oldest first, or null when there is none. */
    byte[] pollTransmitted();

    /**
     * An application action named in the script ({@code listen 8080}, {@code connect}, {@code write 1000},
     * {@code close}, ...). Throw to fail the script at that line (an unknown action, say).
     */
    void call(String action, List<String> arguments);
}
