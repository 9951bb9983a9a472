package io.ringstack.nic.e1000;

/**
 * The device's interrupt as seen by the thread that owns the driver: it is asserted while {@code ICR & IMS != 0}.
 * An idle driver unmasks interrupts and waits here instead of polling (the NAPI idea).
 */
public interface InterruptLine
{
    /**
     * Waits until the line is asserted or the timeout passes.
     *
     * @return true if the line was asserted.
     */
    boolean await(long timeoutNanos);

    /** Whether the line is asserted now. */
    boolean isAsserted();

    /**
     * Whether the device's interrupt reaches this line. When it does not (a real device driven from user space
     * without UIO or VFIO), the driver keeps the device's interrupts masked and {@link #await} is only a short
     * sleep between checks of the ring.
     */
    default boolean deliversDeviceInterrupts()
    {
        return true;
    }

    /**
     * Ends a wait in {@link #await} early, from another thread: the doorbell a thread rings after it queued work
     * for the driver's thread (a command, bytes to send), so that the owner does not sleep on the device until the
     * next frame or the timeout. A wake-up with nobody waiting ends the next wait at once.
     */
    void wakeup();
}
