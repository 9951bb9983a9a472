package io.ringstack.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Processes with timeouts and killed trees; needs no root (sh, sleep, cat, printf only). */
@Timeout(60)
final class CommandTest
{
    @Test
    void runCapturesOutputAndExitCodeWithoutAShell()
    {
        final CommandResult result = Command.of("printf", "%s|", "a b", "$HOME", "*").run();
        assertEquals("a b|$HOME|*|", result.stdout(), "arguments reach the program as given, unexpanded");
        assertEquals(0, result.exitCode());
        assertTrue(result.succeeded());

        final CommandResult shell = Command.shell("echo out; echo err >&2").run();
        assertEquals("out\n", shell.stdout());
        assertEquals("err\n", shell.stderr());
    }

    @Test
    void failureSaysCommandLineExitCodeAndStderr()
    {
        final CommandFailedException failure = assertThrows(CommandFailedException.class,
            () -> Command.of("sh", "-c", "echo boom >&2; exit 3").run());
        final String message = failure.getMessage();
        assertTrue(message.contains("sh -c 'echo boom >&2; exit 3'"), message);
        assertTrue(message.contains("exit code 3"), message);
        assertTrue(message.contains("boom"), message);
        assertEquals(3, failure.result().exitCode());
        assertFalse(failure.timedOut());

        final CommandResult allowed = Command.of("sh", "-c", "exit 3").runAllowingFailure();
        assertEquals(3, allowed.exitCode());
    }

    @Test
    void timeoutKillsTheWholeTreeAndSaysSo() throws Exception
    {
        final long start = System.nanoTime();
        final CommandFailedException failure = assertThrows(CommandFailedException.class,
            () -> Command.shell("sleep 30 & echo $!; wait").timeout(Duration.ofMillis(300)).run());
        final Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(failure.timedOut());
        assertTrue(failure.getMessage().contains("timed out after 0.300 s"), failure.getMessage());
        assertTrue(elapsed.compareTo(Duration.ofSeconds(5)) < 0, "took " + elapsed);

        final long grandchild = Long.parseLong(failure.result().stdout().trim());
        assertGone(grandchild);
    }

    @Test
    void missingProgramNamesItsDebianPackage()
    {
        final CommandFailedException failure = assertThrows(CommandFailedException.class,
            () -> Command.of("no-such-program-rs", "x").run());
        assertTrue(failure.getMessage().contains("needs no-such-program-rs (apt-get install no-such-program-rs)"),
            failure.getMessage());
        assertEquals(null, failure.result());
    }

    @Test
    void inputFeedsStandardInput()
    {
        assertEquals("hello\nworld", Command.of("cat").input("hello\nworld").run().stdout());
        assertEquals("", Command.of("cat").run().stdout(), "without input, stdin is empty instead of blocking");
    }

    @Test
    void backgroundProcessTreeIsKilledOnClose() throws Exception
    {
        final long child;
        final BackgroundProcess process = Command.shell("sleep 300 & echo child $!; wait").start();
        try (process)
        {
            process.awaitOutput("child", Duration.ofSeconds(10));
            child = Long.parseLong(process.stdout().trim().split(" ")[1]);
            assertTrue(process.isAlive());
            assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
        }
        assertFalse(process.isAlive());
        assertGone(child);
        assertTrue(process.stdout().startsWith("child "), "output stays readable after close: " + process.stdout());
    }

    @Test
    void stopSendsSigtermFirstSoProgramsCanFinishTheirWork()
    {
        final BackgroundProcess process = Command.shell(
            "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.05; done").start();
        process.awaitOutput("ready", Duration.ofSeconds(10));
        final CommandResult result = process.stop(Duration.ofSeconds(5));
        assertTrue(result.stdout().contains("got-term"), result.stdout());
        assertEquals(0, result.exitCode());
    }

    @Test
    void awaitOutputFailsWhenTheProcessExitsOrTimeRunsOut()
    {
        try (BackgroundProcess quitter = Command.of("sh", "-c", "echo started; exit 4").start())
        {
            final IllegalStateException exited = assertThrows(IllegalStateException.class,
                () -> quitter.awaitOutput("never", Duration.ofSeconds(10)));
            assertTrue(exited.getMessage().contains("exited with code 4"), exited.getMessage());
            assertTrue(exited.getMessage().contains("started"), exited.getMessage());
        }
        try (BackgroundProcess sleeper = Command.of("sleep", "30").start())
        {
            final IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> sleeper.awaitOutput("never", Duration.ofMillis(200)));
            assertTrue(late.getMessage().contains("did not print 'never' within 0.200 s"), late.getMessage());
            assertThrows(IllegalStateException.class, () -> sleeper.waitFor(Duration.ofMillis(100)));
        }
    }

    @Test
    void commandLineIsQuotedForAShell()
    {
        assertEquals("ip netns exec 'a b' 'it'\\''s' x=1", Command.toCommandLine(List.of("ip", "netns", "exec", "a b",
            "it's", "x=1")));
    }

    /** Waits a little for {@code pid} to end (a zombie awaiting init's reaping counts as ended). */
    static void assertGone(final long pid) throws InterruptedException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessTree.isRunning(pid))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("process " + pid + " is still alive");
            }
            Thread.sleep(20);
        }
    }
}
