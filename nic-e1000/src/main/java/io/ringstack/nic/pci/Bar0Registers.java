package io.ringstack.nic.pci;

import io.ringstack.nic.e1000.RegisterAccess;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A device's BAR0 registers through a mapping of its sysfs {@code resource0} file: every read and write is one
 * aligned 32-bit volatile access, which the CPU turns into one memory-mapped I/O access (SDM §13: "all registers
 * should be accessed as 32-bit double words"). Volatile keeps the accesses in program order with each other and
 * with the descriptor writes before them.
 */
public final class Bar0Registers implements RegisterAccess, AutoCloseable
{
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena;
    private final MemorySegment registers;
    private final Path file;

    private Bar0Registers(final Path file, final Arena arena, final MemorySegment registers)
    {
        this.file = file;
        this.arena = arena;
        this.registers = registers;
    }

    /**
     * Maps {@code size} bytes of {@code file} for reading and writing.
     *
     * @throws PciSetupException if the file cannot be mapped (not root, no such device, or smaller than size).
     */
    public static Bar0Registers map(final Path file, final long size)
    {
        final Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long fileSize = channel.size();
            if (fileSize != 0 && fileSize < size)
            {
                throw new PciSetupException(file + " is " + fileSize + " B, smaller than the " + size +
                    " B register window: is this an 8254x's BAR0?");
            }
            return new Bar0Registers(file, arena, channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));
        }
        catch (final IOException ex)
        {
            arena.close();
            throw new PciSetupException("cannot map " + file + " (mapping a device's BAR0 needs root): " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }

    @Override
    public int read(final int offset)
    {
        return (int)INT.getVolatile(registers, checked(offset));
    }

    @Override
    public void write(final int offset, final int value)
    {
        INT.setVolatile(registers, checked(offset), value);
    }

    private long checked(final int offset)
    {
        if ((offset & 3) != 0 || offset < 0 || offset > registers.byteSize() - 4)
        {
            throw new IllegalArgumentException("register offset 0x" + Integer.toHexString(offset) +
                " is not an aligned 32-bit register inside BAR0 (" + registers.byteSize() + " B)");
        }
        return offset;
    }

    public long size()
    {
        return registers.byteSize();
    }

    @Override
    public void close()
    {
        if (arena.scope().isAlive())
        {
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "Bar0Registers{" + file + ", " + registers.byteSize() + " B}";
    }
}
