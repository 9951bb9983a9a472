package io.ringstack.ip.decode;

import io.ringstack.testsupport.SharedCaptures;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link FrameDecoder#decode} with Jazzer (docs/FUZZING.md). An input is
 * <pre>
 *   byte 0       link type: LINK_TYPES[byte mod LINK_TYPES.length]
 *   bytes 1..2   how many bytes longer the frame was on the wire (snaplen), big-endian
 *   bytes 3..    the captured frame
 * </pre>
 * The frame is decoded in place at offset 3 of the input array, which ends where the frame ends, so any read
 * past the captured bytes throws (Agrona's bounds checks). Every run must keep {@link DecodeInvariants}: no
 * exception, offsets and lengths inside the capture, a drop reason exactly when not decoded.
 * <p>
 * {@code ./mvnw verify} runs it in regression mode: the inputs under
 * {@code src/test/resources/io/ringstack/ip/decode/FrameDecoderFuzzTestInputs/decode} (findings worth keeping),
 * and, as a plain test, every frame of the shared captures encoded as an input. With {@code JAZZER_FUZZ=1} (the
 * {@code fuzz} profile) it fuzzes, starting from a corpus exported from those captures.
 */
class FrameDecoderFuzzTest
{
    static final int[] LINK_TYPES = {
        FrameDecoder.LINKTYPE_ETHERNET, FrameDecoder.LINKTYPE_RAW, FrameDecoder.LINKTYPE_LINUX_SLL,
        FrameDecoder.LINKTYPE_LINUX_SLL2, FrameDecoder.LINKTYPE_IPV4, FrameDecoder.LINKTYPE_IPV6, FrameDecoder.DLT_RAW,
        FrameDecoder.DLT_RAW_OPENBSD, 105,
    };
    static final int PREFIX = 3;

    private static final FrameDecoder DECODER = new FrameDecoder();
    private static final DecodedFrame FRAME = new DecodedFrame();

    /** In fuzzing mode, seeds Jazzer's generated corpus directory (under the working directory) from the captures. */
    @BeforeAll
    static void seedCorpusWhenFuzzing()
    {
        final String fuzz = System.getenv("JAZZER_FUZZ");
        if (fuzz != null && (fuzz.equals("1") || fuzz.equalsIgnoreCase("true") || fuzz.equalsIgnoreCase("yes")))
        {
            final Path corpus = Path.of(".cifuzz-corpus", FrameDecoderFuzzTest.class.getName(), "decode");
            final int written = export(corpus);
            System.out.println("seeded " + written + " inputs from the shared captures into " +
                corpus.toAbsolutePath());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void decode(final byte[] input)
    {
        check(input);
    }

    /** Decodes one input and checks the invariants; the fuzz target and the regression test share it. */
    static void check(final byte[] input)
    {
        final int linkType = input.length > 0 ? LINK_TYPES[(input[0] & 0xFF) % LINK_TYPES.length] :
            FrameDecoder.LINKTYPE_ETHERNET;
        final int extra = input.length > 2 ? (input[1] & 0xFF) << 8 | input[2] & 0xFF : 0;
        final int offset = Math.min(PREFIX, input.length);
        final int captured = input.length - offset;
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        final boolean decoded = DECODER.decode(linkType, buffer, offset, captured, captured + extra, FRAME);
        DecodeInvariants.check(decoded, FRAME, "link type " + linkType + ", " + captured + " bytes");
    }

    /** The input that stands for one captured frame. */
    static byte[] encode(final CapturedFrame frame)
    {
        final int selector = selector(frame.linkType());
        final int extra = Math.min(0xFFFF, Math.max(0, frame.originalLength() - frame.bytes().length));
        final byte[] input = new byte[PREFIX + frame.bytes().length];
        input[0] = (byte)selector;
        input[1] = (byte)(extra >>> 8);
        input[2] = (byte)extra;
        System.arraycopy(frame.bytes(), 0, input, PREFIX, frame.bytes().length);
        return input;
    }

    /** The index of {@code linkType} in {@link #LINK_TYPES}, or -1. */
    static int selector(final int linkType)
    {
        for (int i = 0; i < LINK_TYPES.length; i++)
        {
            if (LINK_TYPES[i] == linkType)
            {
                return i;
            }
        }
        return -1;
    }

    /** Writes every frame of the shared captures as one input file into {@code directory}; returns how many. */
    static int export(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
            int written = 0;
            for (final CapturedFrame frame : capturedFrames())
            {
                final String stem = frame.file().replaceAll("\\.pcap(ng)?$", "");
                Files.write(directory.resolve(stem + "-" + frame.number()), encode(frame));
                written++;
            }
            return written;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<CapturedFrame> capturedFrames()
    {
        return SharedCaptures.all().stream()
            .flatMap(capture -> CapturedFrame.readAll(capture).stream())
            .filter(frame -> selector(frame.linkType()) >= 0)
            .toList();
    }

    @Test
    void everyCapturedFrameAsAFuzzInputKeepsTheInvariants()
    {
        SharedCaptures.allOrSkip();
        final List<CapturedFrame> frames = capturedFrames();
        for (final CapturedFrame frame : frames)
        {
            final byte[] input = encode(frame);
            check(input);
            assertEquals(frame.decode(new FrameDecoder(), new DecodedFrame()), FRAME.decoded(), frame.name());
            // every prefix too: the frame cut by the capture at every length
            for (int cut = PREFIX; cut < input.length; cut += 7)
            {
                final byte[] prefix = Arrays.copyOf(input, cut);
                final int missing = input.length - cut;
                prefix[1] = (byte)(missing >>> 8);
                prefix[2] = (byte)missing;
                check(prefix);
            }
        }
        assertTrue(frames.size() > 100, "frames: " + frames.size());
    }

    @Test
    void theCorpusExportWritesOneInputPerFrame(@TempDir final Path directory) throws IOException
    {
        final int written = export(directory);
        final List<CapturedFrame> frames = capturedFrames();
        assertEquals(frames.size(), written);
        if (!frames.isEmpty())
        {
            final CapturedFrame first = frames.get(0);
            final Path file = directory.resolve(first.file().replaceAll("\\.pcap(ng)?$", "") + "-1");
            assertArrayEquals(encode(first), Files.readAllBytes(file));
        }
        try (Stream<Path> files = Files.list(directory))
        {
            assertEquals(written, files.count());
        }
    }
}
