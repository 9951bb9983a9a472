package io.ringstack.nic.emulated;

import io.ringstack.nic.TestFrames;
import io.ringstack.nic.e1000.E1000Driver;
import io.ringstack.nic.wire.InMemoryWire;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The seeds' fourth question: several NICs of the same model in one process, one driver class. Each NIC has its
 * own DMA memory, rings and pool; traffic on one pair never reaches another; a device cannot reach another NIC's
 * memory.
 */
class SeveralNicsTest
{
    @Test
    void threePairsRunSideBySideWithSeparateMemory()
    {
        final List<EmulatedNic> nics = new ArrayList<>();
        final List<InMemoryWire> wires = new ArrayList<>();
        try
        {
            for (int p = 0; p < 3; p++)
            {
                final EmulatedNic left = EmulatedNic.builder("l" + p, 0x5254_0000_1000L + p).rings(32, 32).buffers(64).build();
                final EmulatedNic right = EmulatedNic.builder("r" + p, 0x5254_0000_2000L + p).rings(32, 32).buffers(64).build();
                nics.add(left);
                nics.add(right);
                wires.add(InMemoryWire.connect(left.device(), right.device()));
                left.start();
                right.start();
            }
            for (int i = 0; i < nics.size(); i++)
            {
                for (int j = i + 1; j < nics.size(); j++)
                {
                    final EmulatedNic a = nics.get(i);
                    final EmulatedNic b = nics.get(j);
                    final long aStart = a.pool().region().virtualAddress();
                    final long bStart = b.pool().region().virtualAddress();
                    assertTrue(aStart + a.pool().region().size() <= bStart || bStart + b.pool().region().size() <= aStart,
                        a.name() + " and " + b.name() + " share no buffer memory");
                    assertEquals(0, a.device().dmaWindow().translate(b.pool().deviceAddress(0), 64),
                        a.name() + "'s device cannot reach " + b.name() + "'s buffers");
                }
            }
            for (int p = 0; p < 3; p++)
            {
                final EmulatedNic left = nics.get(2 * p);
                for (int i = 0; i < 10 * (p + 1); i++)
                {
                    final int h = TestFrames.claim(left.pool(), 100, 0x5254_0000_2000L + p, 0x5254_0000_1000L + p, i);
                    assertTrue(left.driver().transmit(h, left.pool().offset(h), 100));
                }
                left.driver().flush();
            }
            for (int p = 0; p < 3; p++)
            {
                final EmulatedNic right = nics.get(2 * p + 1);
                final int[] got = new int[1];
                final E1000Driver driver = right.driver();
                while (driver.receive((h, m, o, l) ->
                {
                    assertEquals(got[0], TestFrames.sequence(m, o));
                    got[0]++;
                    right.pool().release(h);
                }, 16) > 0)
                {
                    // drain
                }
                assertEquals(10 * (p + 1), got[0], "pair " + p + " got exactly its own frames");
                assertEquals(0, nics.get(2 * p).driver().receive((h, m, o, l) -> fail("nothing comes back"), 16));
            }
        }
        finally
        {
            wires.forEach(InMemoryWire::close);
            nics.forEach(EmulatedNic::close);
        }
    }
}
