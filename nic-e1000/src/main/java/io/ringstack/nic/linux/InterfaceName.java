package io.ringstack.nic.linux;

import java.nio.charset.StandardCharsets;

/**
 * The kernel's rules for a network interface name ({@code dev_valid_name} in net/core/dev.c): 1 to 15 bytes
 * (IFNAMSIZ 16 with the NUL), not "." or "..", no '/', ':' or whitespace. The kernel truncates a longer name in a
 * {@code struct ifreq} silently, so the check is ours.
 */
public final class InterfaceName
{
    /** IFNAMSIZ, including the terminating NUL. */
    public static final int IFNAMSIZ = 16;

    private InterfaceName()
    {
    }

    /**
     * @param what what the name is for, e.g. "TAP device".
     * @return the name's bytes (ASCII), without NUL.
     * @throws IllegalArgumentException naming the rule broken.
     */
    public static byte[] check(final String name, final String what)
    {
        if (name == null || name.isEmpty())
        {
            throw new IllegalArgumentException(what + " needs a name: give 1 to 15 characters");
        }
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > IFNAMSIZ - 1)
        {
            throw new IllegalArgumentException(what + " name '" + name + "' is " + bytes.length +
                " bytes long: Linux interface names have at most 15 (IFNAMSIZ 16 with the NUL)");
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw new IllegalArgumentException(what + " name '" + name + "' is not allowed by Linux");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7E)
            {
                throw new IllegalArgumentException(what + " name '" + name + "' has the character '" + c +
                    "' (0x" + Integer.toHexString(c) + "): use printable ASCII without '/', ':' or spaces");
            }
        }
        return bytes;
    }
}
