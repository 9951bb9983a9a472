package io.ringstack.nic.pci;

import java.util.regex.Pattern;

/**
 * A PCI function's address as sysfs names it, {@code domain:bus:device.function}, e.g. {@code 0000:00:10.0}.
 *
 * @param text the canonical form: four hex digits of domain, two of bus, two of device (00-1f), one function (0-7).
 */
public record PciAddress(String text)
{
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]");

    public PciAddress
    {
        if (!FORM.matcher(text).matches())
        {
            throw new IllegalArgumentException("'" + text + "' is not a PCI address: give domain:bus:device.function " +
                "in hex, e.g. 0000:00:10.0 (see lspci -D or /sys/bus/pci/devices)");
        }
    }

    /** Parses {@code 0000:00:10.0}, or the short {@code 00:10.0} (domain 0000); upper-case hex is accepted. */
    public static PciAddress parse(final String text)
    {
        final String lower = text.trim().toLowerCase(java.util.Locale.ROOT);
        return new PciAddress(lower.length() == 7 ? "0000:" + lower : lower);
    }

    @Override
    public String toString()
    {
        return text;
    }
}
