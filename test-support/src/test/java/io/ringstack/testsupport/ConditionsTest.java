package io.ringstack.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import java.lang.reflect.Method;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** @RequiresRoot and @RequiresTool decide and explain; evaluated on annotated sample methods. */
final class ConditionsTest
{
    @RequiresTool(value = "no-such-tool-rs", debianPackage = "rs-package")
    void needsMissingTool()
    {
    }

    @RequiresTool("no-such-tool-rs")
    @RequiresTool("sh")
    @RequiresTool("no-other-tool-rs")
    void needsSeveralTools()
    {
    }

    @RequiresTool("sh")
    void needsPresentTool()
    {
    }

    @RequiresRoot
    void needsRoot()
    {
    }

    void needsNothing()
    {
    }

    @Test
    void missingToolDisablesWithItsDebianPackage() throws Exception
    {
        final ConditionEvaluationResult result = RequiresToolCondition.evaluate(method("needsMissingTool"));
        assertTrue(result.isDisabled());
        assertEquals(Optional.of("needs no-such-tool-rs (apt-get install rs-package)"), result.getReason());
    }

    @Test
    void repeatedToolsNameEveryMissingOneOnly() throws Exception
    {
        final ConditionEvaluationResult result = RequiresToolCondition.evaluate(method("needsSeveralTools"));
        assertTrue(result.isDisabled());
        assertEquals(Optional.of("needs no-such-tool-rs (apt-get install no-such-tool-rs); " +
            "needs no-other-tool-rs (apt-get install no-other-tool-rs)"), result.getReason());
    }

    @Test
    void presentToolAndNoAnnotationAreEnabled() throws Exception
    {
        assertFalse(RequiresToolCondition.evaluate(method("needsPresentTool")).isDisabled());
        assertFalse(RequiresToolCondition.evaluate(method("needsNothing")).isDisabled());
        assertFalse(RequiresRootCondition.evaluate(method("needsNothing")).isDisabled());
    }

    @Test
    void rootConditionFollowsTheMachine() throws Exception
    {
        final ConditionEvaluationResult result = RequiresRootCondition.evaluate(method("needsRoot"));
        assertEquals(Tools.rootMissingReason().isPresent(), result.isDisabled());
        Tools.rootMissingReason().ifPresent(reason -> assertEquals(Optional.of(reason), result.getReason()));
    }

    @Test
    void rootReasonsAreTheDocumentedOnes()
    {
        final long allCapabilities = -1L;
        assertEquals(Optional.of("needs root for network namespaces, veth and TAP (CI runs as root)"),
            Tools.rootMissingReason(1000, allCapabilities, true));
        assertEquals(Optional.of("needs iproute2 (apt-get install iproute2)"),
            Tools.rootMissingReason(0, allCapabilities, false));
        assertEquals(Optional.of(Tools.NEEDS_CAPABILITIES),
            Tools.rootMissingReason(0, 1L << Tools.CAP_NET_ADMIN, true), "CAP_SYS_ADMIN missing");
        assertEquals(Optional.empty(), Tools.rootMissingReason(0, allCapabilities, true));
    }

    @Test
    void effectiveUidMatchesId()
    {
        assertEquals(Integer.parseInt(Command.of("id", "-u").run().stdout().trim()), Tools.effectiveUid());
    }

    @Test
    void toolsAreFoundInSbinEvenOffPath()
    {
        assertTrue(Tools.searchPath().contains("/usr/sbin"));
        assertEquals("iproute2", Tools.debianPackage("ip"));
        assertEquals("netcat-openbsd", Tools.debianPackage("nc"));
        assertEquals("python3-scapy", Tools.debianPackage("scapy"));
        assertTrue(Tools.which("sh").orElseThrow().isAbsolute());
    }

    private static Optional<Method> method(final String name) throws NoSuchMethodException
    {
        return Optional.of(ConditionsTest.class.getDeclaredMethod(name));
    }
}
