package io.ringstack.nic.pci;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringstack.nic.e1000.E1000Registers.BAR0_SIZE;
import static io.ringstack.nic.e1000.E1000Registers.RDT;
import static io.ringstack.nic.e1000.E1000Registers.STATUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BAR0 through a file mapping: 32-bit little-endian registers at their offsets, and refused misuse. */
class Bar0RegistersTest
{
    @TempDir
    Path dir;

    @Test
    void registersAreLittleEndianWordsAtTheirOffsets() throws IOException
    {
        final Path file = dir.resolve("resource0");
        final byte[] initial = new byte[BAR0_SIZE];
        ByteBuffer.wrap(initial).order(ByteOrder.LITTLE_ENDIAN).putInt(STATUS, 0x8000_0083);
        Files.write(file, initial);
        try (Bar0Registers bar0 = Bar0Registers.map(file, BAR0_SIZE))
        {
            assertEquals(0x8000_0083, bar0.read(STATUS));
            bar0.write(RDT, 0x0102_0304);
            assertEquals(0x0102_0304, bar0.read(RDT));
            final IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class, () -> bar0.read(RDT + 2));
            assertTrue(unaligned.getMessage().contains("not an aligned 32-bit register"), unaligned.getMessage());
            assertThrows(IllegalArgumentException.class, () -> bar0.write(BAR0_SIZE, 0));
            assertThrows(IllegalArgumentException.class, () -> bar0.read(-4));
        }
        final ByteBuffer written = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0102_0304, written.getInt(RDT));
        assertEquals(0x04, written.get(RDT)); // the low byte first
    }

    @Test
    void aFileSmallerThanTheWindowOrMissingIsRefused() throws IOException
    {
        final Path small = dir.resolve("small");
        Files.write(small, new byte[4096]);
        final PciSetupException tooSmall = assertThrows(PciSetupException.class, () -> Bar0Registers.map(small, BAR0_SIZE));
        assertTrue(tooSmall.getMessage().contains("smaller than the 131072 B register window"), tooSmall.getMessage());
        final PciSetupException missing =
            assertThrows(PciSetupException.class, () -> Bar0Registers.map(dir.resolve("none"), BAR0_SIZE));
        assertTrue(missing.getMessage().contains("needs root"), missing.getMessage());
    }
}
