package io.ringstack.testsupport.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration defaults and checks, and the address text forms it accepts. */
final class ScriptConfigTest
{
    @Test
    void defaultsAreTheDocumentedOnes()
    {
        final ScriptConfig config = ScriptConfig.defaults();
        assertEquals(TestFrames.STACK_MAC, config.stackMac());
        assertEquals(TestFrames.STACK_IP, config.stackAddress());
        assertEquals(TestFrames.PEER_MAC, config.peerMac());
        assertEquals(TestFrames.PEER_IP, config.peerAddress());
        assertEquals(8080, config.stackPort());
        assertEquals(40000, config.peerPort());
        assertEquals(1_000_000, config.tickNanos());
        assertEquals(5_000_000, config.toleranceNanos());
        assertEquals(10_000_000_000L, config.anyTimeBoundNanos());
        assertEquals(1_000_000_000L, config.lookaheadNanos());
        assertTrue(config.ignoreNonTcp());
        assertEquals(false, config.answerArp());
        assertEquals(0, config.peerIsn());
        assertEquals(65535, config.peerWindow());
        assertEquals(64, config.timeToLive());
        assertTrue(config.padFrames());
        assertEquals(16, config.historySize());
        assertNull(config.traceSink());
        assertEquals(config, config.toBuilder().build());
        assertEquals(81, config.toBuilder().stackPort(81).build().stackPort());
    }

    @Test
    void theTracePropertySendsTracesToStandardOutput()
    {
        System.setProperty(ScriptConfig.TRACE_PROPERTY, "true");
        try
        {
            assertNotNull(ScriptConfig.defaults().traceSink());
        }
        finally
        {
            System.clearProperty(ScriptConfig.TRACE_PROPERTY);
        }
        assertNull(ScriptConfig.defaults().traceSink());
    }

    @Test
    void rejectsImpossibleSettings()
    {
        assertMessage(() -> ScriptConfig.builder().stackPort(65536).build(), "stackPort is 0..65535");
        assertMessage(() -> ScriptConfig.builder().tickNanos(0).build(), "tickNanos must be positive");
        assertMessage(() -> ScriptConfig.builder().toleranceNanos(-1).build(), "must not be negative");
        assertMessage(() -> ScriptConfig.builder().peerIsn(1L << 32).build(), "peerIsn is a 32-bit");
        assertMessage(() -> ScriptConfig.builder().peerWindow(70000).build(), "peerWindow is 0..65535");
        assertMessage(() -> ScriptConfig.builder().timeToLive(0).build(), "timeToLive is 1..255");
    }

    private static void assertMessage(final org.junit.jupiter.api.function.Executable executable,
        final String fragment)
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
    }

    @Test
    void addressesRoundTrip()
    {
        assertEquals(0xC612_0001, Addresses.ipv4("198.18.0.1"));
        assertEquals("198.18.0.1", Addresses.ipv4(0xC612_0001));
        assertEquals("255.255.255.255", Addresses.ipv4(-1));
        assertEquals(0x0A1B_2C3D_4E5FL, Addresses.mac("0a:1b:2c:3d:4e:5f"));
        assertEquals("0a:1b:2c:3d:4e:5f", Addresses.mac(0x0A1B_2C3D_4E5FL));
        assertEquals(0x02_00_00_00_00_09L, ScriptConfig.builder().peer("02:00:00:00:00:09", "10.0.0.9").build()
            .peerMac());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.-4", "1.2.3.+4", "a.b.c.d", "1..3.4", ""})
    void rejectsBadIpv4Text(final String text)
    {
        assertThrows(IllegalArgumentException.class, () -> Addresses.ipv4(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00:11:22:33:44", "00:11:22:33:44:5g", "000:11:22:33:44:55", "+0:11:22:33:44:55"})
    void rejectsBadMacText(final String text)
    {
        assertThrows(IllegalArgumentException.class, () -> Addresses.mac(text));
    }
}
