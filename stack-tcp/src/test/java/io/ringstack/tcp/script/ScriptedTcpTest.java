package io.ringstack.tcp.script;

import io.ringstack.tcp.TcpConfig;
import io.ringstack.testsupport.script.Script;
import io.ringstack.testsupport.script.ScriptRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Issue 6's scripted-peer scenarios: every {@code scripts/*.pkt} resource runs against ringstack's TCP with the
 * defaults (a script may start with {@code // config: ...} to change them; see {@link #configFor}).
 */
class ScriptedTcpTest
{
    static Stream<String> scripts() throws IOException
    {
        final Path dir = Path.of("src/test/resources/scripts");
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pkt")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void script(final String name) throws IOException
    {
        final String text = Files.readString(Path.of("src/test/resources/scripts", name));
        try (ScriptedStack target = new ScriptedStack(configFor(text)))
        {
            new ScriptRunner(ScriptedStack.scriptConfig()).run(Script.parse(name, text), target);
        }
    }

    /** The peer's ISN for the wrapped run: its sequence numbers cross 2^32 after 256 bytes. */
    static final long WRAPPING_PEER_ISN = 0xFFFF_FF00L;
    /** The stack's ISN for the wrapped run: its sequence numbers cross 2^32 after 128 bytes. */
    static final int WRAPPING_STACK_ISN = 0xFFFF_FF80;

    /**
     * Every script again with both sequence spaces about to wrap (RFC 9293 §3.4: arithmetic modulo 2^32), unchanged:
     * relative numbers move with the ISNs. A script that writes the stack's absolute numbers says
     * {@code // config: fixed-isn} and keeps the stack's usual ISN.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void scriptWithWrappingSequenceNumbers(final String name) throws IOException
    {
        final String text = Files.readString(Path.of("src/test/resources/scripts", name));
        final int isn = text.lines().anyMatch(l -> l.trim().equals("// config: fixed-isn")) ?
            ScriptedStack.INITIAL_SEQUENCE_NUMBER : WRAPPING_STACK_ISN;
        try (ScriptedStack target = new ScriptedStack(configFor(text), isn))
        {
            new ScriptRunner(ScriptedStack.scriptConfig().toBuilder().peerIsn(WRAPPING_PEER_ISN).build())
                .run(Script.parse(name, text), target);
        }
    }

    /**
     * Config lines: {@code // config: nodelay}, {@code // config: no-timestamps}, {@code no-wscale}, {@code no-sack},
     * {@code msl-ms N}, {@code keepalive-ms IDLE INTERVAL PROBES}, {@code rto-ms INITIAL MIN MAX},
     * {@code receive-buffer BYTES BUFFERS}, {@code delack-ms N}, {@code congestion-control new-reno|cubic},
     * {@code fixed-isn} (the script writes the stack's absolute sequence numbers: see
     * {@link #scriptWithWrappingSequenceNumbers}).
     */
    static TcpConfig configFor(final String text)
    {
        TcpConfig config = TcpConfig.defaults();
        for (final String line : text.lines().toList())
        {
            if (!line.startsWith("// config:"))
            {
                continue;
            }
            final String[] w = line.substring(10).trim().split("\\s+");
            config = switch (w[0])
            {
                case "nodelay" -> config.withNoDelay(true);
                case "no-timestamps" -> config.withTimestamps(false);
                case "no-wscale" -> config.withWindowScaling(false);
                case "no-sack" -> config.withSackPermitted(false);
                case "msl-ms" -> config.withMsl(Long.parseLong(w[1]) * 1_000_000L);
                case "keepalive-ms" -> config.withKeepalive(Long.parseLong(w[1]) * 1_000_000L,
                    Long.parseLong(w[2]) * 1_000_000L, Integer.parseInt(w[3]));
                case "rto-ms" -> config.withRto(Long.parseLong(w[1]) * 1_000_000L, Long.parseLong(w[2]) * 1_000_000L,
                    Long.parseLong(w[3]) * 1_000_000L);
                case "receive-buffer" -> config.withReceiveBuffer(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                case "delack-ms" -> config.withDelayedAck(Long.parseLong(w[1]) * 1_000_000L);
                case "fixed-isn" -> config;
                case "congestion-control" -> config.withCongestionControl(
                    io.ringstack.tcp.CongestionAlgorithm.valueOf(w[1].toUpperCase().replace('-', '_')));
                default -> throw new IllegalArgumentException("unknown config " + line);
            };
        }
        return config;
    }
}
