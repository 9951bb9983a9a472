package io.ringstack.socket;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link IdleMode}: a sleeping host's thread waits when there is nothing to do; a busy-spinning one never does. */
class IdleModeTest
{
    @Test
    void sleepingHostsWaitAndSpinningHostsRunAndBothCarryData() throws Exception
    {
        try (NetStack.Pair pair = NetStack.inMemoryPair(
            NetStack.builder("idle-sleep").mac(0x5254_0000_0B01L).address("10.0.0.1/24"),
            NetStack.builder("idle-spin").mac(0x5254_0000_0B02L).address("10.0.0.2/24").idle(IdleMode.BUSY_SPIN)))
        {
            final TcpServerSocket server = pair.b().listen(9, 4);
            try (TcpSocket client = pair.a().connect("10.0.0.2", 9, 5, TimeUnit.SECONDS);
                 TcpSocket accepted = server.accept(5, TimeUnit.SECONDS))
            {
                final OutputStream out = client.getOutputStream();
                out.write(new byte[] { 1, 2, 3 });
                out.flush();
                final InputStream in = accepted.getInputStream();
                accepted.setReadTimeout(5, TimeUnit.SECONDS);
                assertEquals(1, in.read());
                assertEquals(2, in.read());
                assertEquals(3, in.read());
            }
            // both idle now: sample each stack thread's state for a while
            int sleepingWaits = 0;
            int spinningWaits = 0;
            for (int i = 0; i < 200; i++)
            {
                Thread.sleep(2);
                sleepingWaits += waiting(thread("ringstack-idle-sleep")) ? 1 : 0;
                spinningWaits += waiting(thread("ringstack-idle-spin")) ? 1 : 0;
            }
            assertTrue(sleepingWaits > 150, "an idle SLEEP host waits (seen waiting " + sleepingWaits + "/200)");
            assertEquals(0, spinningWaits, "a BUSY_SPIN host never waits");
            server.close();
        }
    }

    private static boolean waiting(final Thread thread)
    {
        final Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static Thread thread(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError("no thread " + name));
    }
}
