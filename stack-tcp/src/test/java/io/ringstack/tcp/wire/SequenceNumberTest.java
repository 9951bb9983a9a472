package io.ringstack.tcp.wire;

import org.junit.jupiter.api.Test;

import static io.ringstack.tcp.wire.SequenceNumber.*;
import static org.junit.jupiter.api.Assertions.*;

class SequenceNumberTest
{
    @Test
    void comparesAcrossTheWrap()
    {
        final int beforeWrap = 0xFFFF_FFF0;
        final int afterWrap = 0x10;
        assertTrue(lessThan(beforeWrap, afterWrap));
        assertTrue(greaterThan(afterWrap, beforeWrap));
        assertTrue(lessOrEqual(afterWrap, afterWrap));
        assertTrue(greaterOrEqual(afterWrap, afterWrap));
        assertFalse(lessThan(afterWrap, afterWrap));
        assertEquals(afterWrap, max(beforeWrap, afterWrap));
        assertEquals(beforeWrap, min(beforeWrap, afterWrap));
        assertTrue(inWindow(0, beforeWrap, afterWrap));
        assertTrue(inWindow(beforeWrap, beforeWrap, afterWrap));
        assertFalse(inWindow(afterWrap, beforeWrap, afterWrap), "the window's right edge is outside");
        assertEquals("4294967280", SequenceNumber.toString(beforeWrap));
    }

    @Test
    void halfTheSpaceAheadIsGreater()
    {
        assertTrue(greaterThan(0x7FFF_FFFF, 0));
        assertTrue(lessThan(0x8000_0001, 0), "more than 2^31 ahead counts as behind");
    }
}
