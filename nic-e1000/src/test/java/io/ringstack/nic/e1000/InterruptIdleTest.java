package io.ringstack.nic.e1000;

import io.ringstack.nic.NicPair;
import io.ringstack.nic.TestFrames;
import io.ringstack.nic.memory.BufferHolder;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** NAPI-style idle: an idle driver sleeps on the device's interrupt and wakes when a frame arrives. */
class InterruptIdleTest
{
    @Test
    void idleDriverSleepsOnTheInterruptAndWakesForAFrameFromAnotherThread() throws Exception
    {
        try (NicPair pair = new NicPair())
        {
            final E1000Driver rx = pair.b.driver();
            final CountDownLatch waiting = new CountDownLatch(1);
            final AtomicInteger causes = new AtomicInteger();
            final AtomicInteger frames = new AtomicInteger();
            final AtomicLong cpuNanos = new AtomicLong();
            final Thread owner = new Thread(() ->
            {
                final long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                waiting.countDown();
                causes.set(rx.awaitWork(TimeUnit.SECONDS.toNanos(20)));
                cpuNanos.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore);
                frames.set(rx.receive((h, m, o, l) -> pair.b.pool().release(h), 8));
            }, "stack-b");
            owner.start();
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            // wait until the owner is parked on the interrupt line (state, not a sleep standing in for sync)
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (owner.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertEquals(Thread.State.TIMED_WAITING, owner.getState());
            final long parkedSince = System.nanoTime();
            while (System.nanoTime() - parkedSince < TimeUnit.MILLISECONDS.toNanos(300))
            {
                assertEquals(Thread.State.TIMED_WAITING, owner.getState(), "stays asleep while nothing arrives");
                Thread.sleep(10);
            }
            final int handle = TestFrames.claim(pair.a.pool(), 60, NicPair.MAC_B, NicPair.MAC_A, 1);
            assertTrue(pair.a.driver().transmit(handle, pair.a.pool().offset(handle), 60));
            pair.a.driver().flush(); // the device raises RXT0 on this thread; B's owner wakes
            owner.join(10_000);
            assertFalse(owner.isAlive());
            assertEquals(E1000Registers.ICR_RXT0, causes.get() & E1000Registers.ICR_RXT0);
            assertEquals(1, frames.get());
            assertTrue(cpuNanos.get() < TimeUnit.MILLISECONDS.toNanos(100),
                "an idle driver does not spin: " + cpuNanos.get() / 1000 + " us CPU while asleep for 300+ ms");
            assertEquals(1, rx.counters().interruptWakeups);
        }
    }

    @Test
    void frameArrivingBeforeTheWaitIsNotMissed()
    {
        try (NicPair pair = new NicPair())
        {
            final int handle = TestFrames.claim(pair.a.pool(), 60, NicPair.MAC_B, NicPair.MAC_A, 1);
            pair.a.driver().transmit(handle, pair.a.pool().offset(handle), 60);
            pair.a.driver().flush();
            final long start = System.nanoTime();
            pair.b.driver().awaitWork(TimeUnit.SECONDS.toNanos(30));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "returns at once: a frame is waiting");
            assertEquals(1, pair.b.driver().receive((h, m, o, l) -> pair.b.pool().release(h), 8));
            assertEquals(0, pair.b.pool().countHeldBy(BufferHolder.DRIVER));
        }
    }

    @Test
    void timeoutReturnsNoCauses()
    {
        try (NicPair pair = new NicPair())
        {
            assertEquals(0, pair.b.driver().awaitWork(TimeUnit.MILLISECONDS.toNanos(20)));
        }
    }
}
