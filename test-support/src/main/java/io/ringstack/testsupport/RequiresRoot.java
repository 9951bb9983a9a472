package io.ringstack.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test (or every test of the class) builds network namespaces, veth pairs or TAP devices: it is disabled,
 * with the reason in the report, when the JVM is not root ("needs root for network namespaces, veth and TAP (CI
 * runs as root)"), when root lacks CAP_NET_ADMIN or CAP_SYS_ADMIN, or when {@code ip} is missing ("needs iproute2
 * (apt-get install iproute2)").
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RequiresRootCondition.class)
public @interface RequiresRoot
{
}
