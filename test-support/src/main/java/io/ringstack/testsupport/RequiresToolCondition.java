package io.ringstack.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Evaluates {@link RequiresTool}; see there. */
public final class RequiresToolCondition implements ExecutionCondition
{
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context)
    {
        return evaluate(context.getElement());
    }

    static ConditionEvaluationResult evaluate(final Optional<? extends AnnotatedElement> element)
    {
        final List<RequiresTool> tools = element.isPresent() ?
            AnnotationSupport.findRepeatableAnnotations(element.get(), RequiresTool.class) : List.of();
        final List<String> missing = new ArrayList<>();
        for (final RequiresTool tool : tools)
        {
            if ("scapy".equals(tool.value()))
            {
                Scapy.unavailableReason().ifPresent(missing::add);
            }
            else if (!Tools.has(tool.value()))
            {
                missing.add(Tools.missingReason(tool.value(), tool.debianPackage()));
            }
        }
        if (missing.isEmpty())
        {
            return ConditionEvaluationResult.enabled(tools.isEmpty() ? "no @RequiresTool" : "tools present");
        }
        return ConditionEvaluationResult.disabled(String.join("; ", missing));
    }
}
