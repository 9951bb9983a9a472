package io.ringstack.nic.e1000;

import io.ringstack.nic.emulated.EmulatedNic;
import io.ringstack.nic.pci.PollingInterruptLine;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link E1000Driver#wakeup()} ends the owner's sleep in awaitWork early, from another thread, on both lines. */
class DoorbellTest
{
    @Test
    void anIdleDriverSleepingOnTheEmulatedInterruptIsWokenByTheDoorbell() throws Exception
    {
        try (EmulatedNic nic = EmulatedNic.builder("doorbell", 0x5254_0000_0B01L).build())
        {
            nic.device().attachWire((buffer, offset, length) -> { });
            nic.start();
            assertWokenEarly(nic.driver());
            // rung with nobody waiting: the next wait ends at once
            nic.driver().wakeup();
            final long start = System.nanoTime();
            assertEquals(0, nic.driver().awaitWork(TimeUnit.SECONDS.toNanos(10)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "the pending wake-up was lost");
        }
    }

    @Test
    void thePollingLineIsWokenByTheDoorbell() throws Exception
    {
        final PollingInterruptLine line = new PollingInterruptLine(TimeUnit.SECONDS.toNanos(5));
        line.wakeup();
        assertTrue(line.await(TimeUnit.SECONDS.toNanos(5)), "a pending wake-up ends the wait at once");
        final Thread waker = new Thread(() ->
        {
            sleep(50);
            line.wakeup();
        });
        final long start = System.nanoTime();
        waker.start();
        assertTrue(line.await(TimeUnit.SECONDS.toNanos(5)));
        waker.join();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "woken early");
    }

    private static void assertWokenEarly(final E1000Driver driver) throws InterruptedException
    {
        final Thread waker = new Thread(() ->
        {
            sleep(50);
            driver.wakeup();
        });
        final long start = System.nanoTime();
        waker.start();
        assertEquals(0, driver.awaitWork(TimeUnit.SECONDS.toNanos(10)), "no interrupt cause: only the doorbell");
        final long slept = System.nanoTime() - start;
        waker.join();
        assertTrue(slept < TimeUnit.SECONDS.toNanos(2), "slept " + slept / 1_000_000 + " ms of 10 s");
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
