package io.ringstack.nic.emulated;

import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.e1000.MacAddress;
import io.ringstack.nic.memory.BufferHolder;
import io.ringstack.nic.memory.PacketBufferPool;
import io.ringstack.nic.wire.InMemoryWire;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each NIC on its own thread, both sending at once: a device transmits on its driver's thread while the peer's
 * thread delivers frames into it, so its transmit and receive sides must share no scratch state. Every frame
 * must arrive whole and unaltered.
 */
class BothDirectionsConcurrentTest
{
    private static final int FRAMES = 100_000;

    @Test
    void framesCrossInBothDirectionsAtOnceIntact() throws Exception
    {
        try (EmulatedNic a = EmulatedNic.builder("a", 0x5254_0000_0001L).rings(256, 256).buffers(1024).strict(false).build();
             EmulatedNic b = EmulatedNic.builder("b", 0x5254_0000_0002L).rings(256, 256).buffers(1024).strict(false).build())
        {
            final InMemoryWire wire = InMemoryWire.connect(a.device(), b.device());
            a.start();
            b.start();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final long[] receivedA = new long[1];
            final long[] receivedB = new long[1];
            final java.util.concurrent.atomic.AtomicInteger sendersDone = new java.util.concurrent.atomic.AtomicInteger();
            final Thread ta = new Thread(() -> run(a, b.driver().macAddress(), receivedA, failure, sendersDone));
            final Thread tb = new Thread(() -> run(b, a.driver().macAddress(), receivedB, failure, sendersDone));
            ta.start();
            tb.start();
            ta.join(60_000);
            tb.join(60_000);
            wire.close();
            assertNull(failure.get(), () -> "a thread failed: " + failure.get());
            // a receiver may fall behind (its ring full: the device counts MPC); what arrives is intact, and
            // every frame sent is either received or counted missed
            final var statsA = a.driver().readStatistics();
            final var statsB = b.driver().readStatistics();
            assertEquals(FRAMES, receivedA[0] + statsA.missedPackets, "b -> a: received + missed");
            assertEquals(FRAMES, receivedB[0] + statsB.missedPackets, "a -> b: received + missed");
            assertTrue(receivedA[0] > FRAMES / 10 && receivedB[0] > FRAMES / 10, receivedA[0] + " " + receivedB[0]);
        }
    }

    /** Sends FRAMES frames of varying length with a pattern derived from the sequence, checks every frame received. */
    private static void run(final EmulatedNic nic, final long peer, final long[] received,
        final AtomicReference<Throwable> failure, final java.util.concurrent.atomic.AtomicInteger sendersDone)
    {
        final E1000Driver driver = nic.driver();
        final PacketBufferPool pool = nic.pool();
        final UnsafeBuffer memory = pool.memory();
        try
        {
            long sent = 0;
            final long deadline = System.nanoTime() + 30_000_000_000L;
            long idleSince = 0;
            boolean counted = false;
            // send everything; then keep receiving until both sides have sent everything and 200 ms passed quietly
            while (sent < FRAMES || sendersDone.get() < 2 || System.nanoTime() - idleSince < 200_000_000L)
            {
                if (System.nanoTime() > deadline || failure.get() != null)
                {
                    break;
                }
                driver.reclaim();
                if (sent < FRAMES)
                {
                    final int handle = pool.claim(BufferHolder.TX_BUILD);
                    if (handle != PacketBufferPool.NO_BUFFER)
                    {
                        final int offset = pool.offset(handle);
                        final int length = 60 + (int)(sent * 37 % 1455);
                        MacAddress.write(memory, offset, peer);
                        MacAddress.write(memory, offset + 6, driver.macAddress());
                        memory.putShort(offset + 12, (short)0x88B5, ByteOrder.BIG_ENDIAN);
                        memory.putLong(offset + 14, sent, ByteOrder.BIG_ENDIAN);
                        for (int i = 22; i < length; i++)
                        {
                            memory.putByte(offset + i, (byte)(sent + i));
                        }
                        if (driver.transmit(handle, offset, length))
                        {
                            sent++;
                        }
                        else
                        {
                            pool.release(handle);
                        }
                    }
                    driver.flush();
                }
                final int got = driver.receive((h, mem, off, len) ->
                {
                    final long sequence = mem.getLong(off + 14, ByteOrder.BIG_ENDIAN);
                    final int expectedLength = 60 + (int)(sequence * 37 % 1455);
                    if (len != expectedLength)
                    {
                        failure.compareAndSet(null, new AssertionError("frame " + sequence + " is " + len + " B, sent " + expectedLength));
                    }
                    for (int i = 22; i < len; i++)
                    {
                        if (mem.getByte(off + i) != (byte)(sequence + i))
                        {
                            failure.compareAndSet(null, new AssertionError("frame " + sequence + " byte " + i + " altered"));
                            break;
                        }
                    }
                    received[0]++;
                    pool.release(h);
                }, 64);
                if (sent == FRAMES && !counted)
                {
                    counted = true;
                    sendersDone.incrementAndGet();
                }
                if (got > 0 || idleSince == 0)
                {
                    idleSince = System.nanoTime(); // after sending, drain until nothing arrives for 200 ms
                }
            }
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
    }
}
