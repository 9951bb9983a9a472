package io.ringstack.nic.wire;

import io.ringstack.testsupport.SharedCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.core.PcapHandle;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Our pcap/pcapng reader against libpcap (through pcap4j) and tshark on every shared capture. */
class CaptureReaderTest
{
    @TempDir
    Path dir;

    static Stream<Path> captures()
    {
        return SharedCaptures.allOrSkip();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void readsEveryRecordLikeLibpcap(final Path file) throws Exception
    {
        final CaptureReader reader = CaptureReader.open(file);
        final PcapHandle handle = io.ringstack.nic.Libpcap.openOfflineOrSkip(file);
        try
        {
            byte[] data;
            int n = 0;
            while ((data = handle.getNextRawPacket()) != null)
            {
                n++;
                assertTrue(reader.next(), file.getFileName() + ": record " + n + " exists; problem " + reader.problem());
                assertEquals(data.length, reader.capturedLength(), "record " + n);
                assertEquals(handle.getOriginalLength(), reader.originalLength(), "record " + n);
                for (int i = 0; i < data.length; i++)
                {
                    assertEquals(data[i], reader.frame().getByte(i), "record " + n + " byte " + i);
                }
                final java.sql.Timestamp ts = handle.getTimestamp();
                final long nanos = Math.floorDiv(ts.getTime(), 1000) * 1_000_000_000L + ts.getNanos();
                assertEquals(nanos, reader.timestampNanos(), "record " + n + " timestamp");
                // libpcap reports DLT values: LINKTYPE_RAW (101, in the file) is DLT_RAW (12) on Linux
                final int expectedDlt = reader.linkType() == CaptureReader.LINKTYPE_RAW ? 12 : reader.linkType();
                assertEquals(handle.getDlt().value().intValue(), expectedDlt, "record " + n + " link type");
            }
            assertFalse(reader.next(), "no extra records");
            assertNull(reader.problem(), String.valueOf(reader.problem()));
            assertEquals(n, reader.records());
        }
        finally
        {
            handle.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void frameLengthsMatchTshark(final Path file) throws Exception
    {
        final List<String> lines = PcapWriterTest.tshark(file, "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len");
        final CaptureReader reader = CaptureReader.open(file);
        for (final String line : lines)
        {
            assertTrue(reader.next(), "record exists");
            assertEquals(line, reader.originalLength() + "\t" + reader.capturedLength());
        }
        assertFalse(reader.next());
    }

    @Test
    void readsWhatOurWriterWrites() throws Exception
    {
        final Path file = dir.resolve("w.pcap");
        final org.agrona.concurrent.UnsafeBuffer frame = new org.agrona.concurrent.UnsafeBuffer(new byte[100]);
        frame.putByte(99, (byte)7);
        try (PcapWriter writer = PcapWriter.open(file))
        {
            writer.write(1_234_567_890_987_654_321L, frame, 0, 100);
        }
        final CaptureReader reader = CaptureReader.open(file);
        assertTrue(reader.next());
        assertEquals(1_234_567_890_987_654_321L, reader.timestampNanos());
        assertEquals(100, reader.capturedLength());
        assertEquals(7, reader.frame().getByte(99));
        assertEquals(CaptureReader.LINKTYPE_ETHERNET, reader.linkType());
        assertFalse(reader.next());
    }

    @Test
    void damagedFilesStopWithAReasonInsteadOfThrowing() throws Exception
    {
        final byte[] header = new byte[24 + 16 + 10];
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(0).putInt(0).putInt(1000).putInt(1000); // claims 1000 bytes, 10 follow
        final CaptureReader reader = CaptureReader.of(header);
        assertFalse(reader.next());
        assertNotNull(reader.problem());
        assertThrows(java.io.IOException.class, () -> CaptureReader.of(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
    }
}
