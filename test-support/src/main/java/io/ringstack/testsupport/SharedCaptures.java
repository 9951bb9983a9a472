package io.ringstack.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real captures in {@code ../shared/pcaps} (or where {@code -Dringstack.pcaps} points). They are read in place,
 * never copied into the repository.
 */
public final class SharedCaptures
{
    private SharedCaptures()
    {
    }

    public static Path directory()
    {
        final String explicit = System.getProperty("ringstack.pcaps");
        if (explicit != null)
        {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("ringstack.shared", "../../shared")).resolve("pcaps");
    }

    public static List<Path> all()
    {
        final Path dir = directory();
        if (!Files.isDirectory(dir))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    public static Stream<Path> allOrSkip()
    {
        final List<Path> files = all();
        Assumptions.assumeFalse(files.isEmpty(),
            "no captures at " + directory().toAbsolutePath() + " (set -Dringstack.pcaps=DIR)");
        return files.stream();
    }
}
