package io.ringstack.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of {@code ip neigh show}: the kernel's neighbour (ARP) cache entry for an address.
 * <pre>
 *   198.18.0.1 dev eth0 lladdr 52:54:00:12:34:56 REACHABLE
 *   198.18.0.3 dev eth0 INCOMPLETE
 *   198.18.0.9 dev eth0 lladdr 52:54:00:aa:bb:cc router STALE
 * </pre>
 *
 * @param address the protocol address, as ip prints it
 * @param device  the interface, or "" when ip printed none (it does when the query names the device)
 * @param lladdr  the link-layer address in lower case, or "" when the entry has none (INCOMPLETE, FAILED)
 * @param state   the NUD state as ip prints it: REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED, PERMANENT,
 *                NOARP, NONE ("" when the line had none)
 */
public record Neighbour(String address, String device, String lladdr, String state)
{
    public Optional<String> mac()
    {
        return lladdr.isEmpty() ? Optional.empty() : Optional.of(lladdr);
    }

    /** Parses {@code ip neigh show}'s output, one entry per address, in the order printed. */
    public static Map<String, Neighbour> parse(final String ipNeighShowOutput)
    {
        final Map<String, Neighbour> neighbours = new LinkedHashMap<>();
        for (final String line : ipNeighShowOutput.lines().toList())
        {
            final String[] tokens = line.trim().split("\\s+");
            if (tokens.length == 0 || tokens[0].isEmpty())
            {
                continue;
            }
            String device = "";
            String lladdr = "";
            String state = "";
            for (int i = 1; i < tokens.length; i++)
            {
                final String token = tokens[i];
                if (("dev".equals(token) || "lladdr".equals(token)) && i + 1 < tokens.length)
                {
                    if ("dev".equals(token))
                    {
                        device = tokens[++i];
                    }
                    else
                    {
                        lladdr = tokens[++i].toLowerCase(java.util.Locale.ROOT);
                    }
                }
                else if (isState(token))
                {
                    state = token;
                }
            }
            neighbours.put(tokens[0], new Neighbour(tokens[0], device, lladdr, state));
        }
        return neighbours;
    }

    private static boolean isState(final String token)
    {
        for (int i = 0; i < token.length(); i++)
        {
            final char c = token.charAt(i);
            if (c < 'A' || c > 'Z')
            {
                return false;
            }
        }
        return !token.isEmpty();
    }
}
