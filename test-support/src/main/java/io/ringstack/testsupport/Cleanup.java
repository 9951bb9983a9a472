package io.ringstack.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What this JVM must undo if a test forgets to close it or the JVM is asked to exit: background processes and
 * network namespaces. One shutdown hook closes whatever is still open, newest first. (A JVM killed with SIGKILL
 * runs no hook: {@link LinuxNetwork#removeStale()} cleans up after it in a later run.)
 */
final class Cleanup
{
    private static final Set<AutoCloseable> OPEN = Collections.synchronizedSet(
        Collections.newSetFromMap(new IdentityHashMap<>()));
    private static final List<AutoCloseable> ORDER = Collections.synchronizedList(new ArrayList<>());

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "ringstack-test-support-cleanup"));
    }

    private Cleanup()
    {
    }

    static void register(final AutoCloseable resource)
    {
        if (OPEN.add(resource))
        {
            ORDER.add(resource);
        }
    }

    static void unregister(final AutoCloseable resource)
    {
        if (OPEN.remove(resource))
        {
            ORDER.remove(resource);
        }
    }

    static void closeAll()
    {
        final List<AutoCloseable> resources;
        synchronized (ORDER)
        {
            resources = new ArrayList<>(ORDER);
        }
        Collections.reverse(resources);
        boolean clean = true;
        for (final AutoCloseable resource : resources)
        {
            try
            {
                resource.close();
            }
            catch (final Exception ex)
            {
                clean = false;
                System.err.println("ringstack test-support: cleanup at exit failed: " + ex);
            }
        }
        if (clean)
        {
            LinuxNetwork.forgetOwnRecord();
        }
    }
}
