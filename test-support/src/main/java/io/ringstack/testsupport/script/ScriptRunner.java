package io.ringstack.testsupport.script;

/**
 * Plays the peer of a TCP under test, following a {@link Script} on the target's virtual time:
 * <pre>{@code
 * ScriptRunner runner = new ScriptRunner(ScriptConfig.builder().stackPort(8080).build());
 * ScriptResult result = runner.run(Script.fromResource(MyTest.class, "handshake.pkt"), target);
 * }</pre>
 * Events run in order. Before an event at time t the runner advances the target in ticks up to t, collecting
 * every frame it transmits with the virtual time it appeared; an injected segment or a call then runs at t. An
 * expected segment must be the next TCP segment the stack sends and appear within the tolerance of its time (or
 * its range, or by the any-time bound for {@code *}); every TCP segment nobody expects fails the run, as does one
 * left over after the last line. {@link ScriptFailure} says what went wrong; {@link ScriptResult#traceText()} shows
 * what happened when it did not.
 * <p>
 * A runner holds only its configuration and may run many scripts; a run is single-threaded.
 */
public final class ScriptRunner
{
    private final ScriptConfig config;

    public ScriptRunner(final ScriptConfig config)
    {
        this.config = config;
    }

    /** A runner with {@link ScriptConfig#defaults()}. */
    public ScriptRunner()
    {
        this(ScriptConfig.defaults());
    }

    public ScriptConfig config()
    {
        return config;
    }

    /** Runs the script against the target; returns the trace, or throws {@link ScriptFailure}. */
    public ScriptResult run(final Script script, final ScriptTarget target)
    {
        return new ScriptExecution(config, script, target).run();
    }
}
