package io.ringstack.socket;

/**
 * What a {@link NetStack}'s thread does when a duty cycle found no work.
 */
public enum IdleMode
{
    /**
     * Spin briefly (on the in-memory pair), then sleep until a frame, a command or a timer: on a Linux wire in
     * poll(2) on the wire and an eventfd, on the in-memory pair on the device's interrupt line. An idle host uses no
     * CPU; the first frame after a sleep pays a wake-up (a few µs).
     */
    SLEEP,
    /**
     * Never sleep: poll the wire and the queues in a loop (Agrona's busy spin). The lowest latency, at the cost of
     * one core kept busy for as long as the host runs.
     */
    BUSY_SPIN
}
