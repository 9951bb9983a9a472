package io.ringstack.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The test runs a program: it is disabled with a reason naming the Debian package ("needs socat (apt-get install
 * socat)") when the program is found neither on PATH nor in the system directories. Repeatable:
 * <pre>{@code
 * @RequiresRoot
 * @RequiresTool("socat")
 * @RequiresTool("tcpdump")
 * @RequiresTool("scapy")     // special: /usr/bin/python3 can import scapy (python3-scapy)
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(RequiresTools.class)
@ExtendWith(RequiresToolCondition.class)
public @interface RequiresTool
{
    /** The program's name, e.g. {@code "socat"}; {@code "scapy"} checks that /usr/bin/python3 imports scapy. */
    String value();

    /** The Debian package that ships it, when {@link Tools#debianPackage(String)} does not know. */
    String debianPackage() default "";
}
