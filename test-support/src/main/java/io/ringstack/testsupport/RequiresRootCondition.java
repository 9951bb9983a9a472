package io.ringstack.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;

/** Evaluates {@link RequiresRoot}; see there. */
public final class RequiresRootCondition implements ExecutionCondition
{
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        return evaluate(context.getElement());
    }

    static ConditionEvaluationResult evaluate(final Optional<? extends AnnotatedElement> element)
    {
        if (!AnnotationSupport.isAnnotated(element, RequiresRoot.class))
        {
            return ConditionEvaluationResult.enabled("no @RequiresRoot");
        }
        return Tools.rootMissingReason()
            .map(ConditionEvaluationResult::disabled)
            .orElseGet(() -> ConditionEvaluationResult.enabled(
                "root with CAP_NET_ADMIN and CAP_SYS_ADMIN, ip present"));
    }
}
