package io.ringstack.testsupport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A /29 for one self-test, inside 198.18.0.0/15 (RFC 2544's range for testing network devices), different for each
 * JVM and call, so that two test JVMs putting addresses on host ends in the root namespace never overlap routes.
 */
record TestSubnet(int base)
{
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final int RANGE = (198 << 24) | (18 << 16);

    static TestSubnet next()
    {
        final int block = (int)(ProcessHandle.current().pid() % 256) * 64 + NEXT.getAndIncrement() % 64;
        return new TestSubnet(RANGE + block * 8);
    }

    /** Host number 1..6 of the /29, dotted. */
    String address(final int host)
    {
        final int address = base + host;
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
            (address & 0xFF);
    }

    String cidr(final int host)
    {
        return address(host) + "/29";
    }
}
