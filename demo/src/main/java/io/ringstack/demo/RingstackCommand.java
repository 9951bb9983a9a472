package io.ringstack.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code ringstack} command line (the launcher script at the repository root runs this class):
 * <pre>
 *   ringstack decode FILE [--limit N]    decode a pcap/pcapng capture, one line per frame, then a summary
 *   ringstack echo [--inproc | --tap ... | --af-packet IF ...] [--pcap F] [--stats N] [--mtu N]   TCP echo server
 *   ringstack http [--inproc | --tap ... | --af-packet IF ...] [--pcap F] [--stats N] [--mtu N]   HTTP/1.1 server
 *       (in-process with a built-in client and a results table, or serving Linux over TAP or AF_PACKET)
 *   ringstack pci --ip A/P [...]         run the stack on a real 8254x NIC (root, no IOMMU, huge pages)
 *   ringstack help                       this text
 * </pre>
 * Exit codes: 0 done, 1 the work failed (e.g. a damaged capture), 2 bad usage (unknown command, missing file).
 */
public final class RingstackCommand
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    private static final int USAGE_WIDTH = 116;

    /** The verbs, in the order the usage text lists them. */
    private static final List<Subcommand> COMMANDS = List.of(new DecodeCommand(), new EchoCommand(), new HttpCommand(),
        new PciCommand());

    private RingstackCommand()
    {
    }

    public static void main(final String[] args)
    {
        final int code = run(args, System.out, System.err);
        System.out.flush();
        if (code != EXIT_OK)
        {
            System.exit(code);
        }
    }

    /** Runs one command line; returns the exit code instead of exiting (tests call this). */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0)
        {
            err.println("ringstack: say which command to run");
            usage(err);
            return EXIT_USAGE;
        }
        final String name = args[0];
        if (name.equals("help") || name.equals("--help") || name.equals("-h"))
        {
            usage(out);
            return EXIT_OK;
        }
        for (final Subcommand command : COMMANDS)
        {
            if (command.name().equals(name))
            {
                return command.run(Arrays.asList(args).subList(1, args.length), out, err);
            }
        }
        err.println("ringstack: unknown command '" + name + "'");
        usage(err);
        return EXIT_USAGE;
    }

    static void usage(final PrintStream out)
    {
        out.println("usage: ringstack <command> [arguments]");
        for (final Subcommand command : COMMANDS)
        {
            if (command.arguments().length() <= 22)
            {
                out.printf("  ringstack %s %-22s %s%n", command.name(), command.arguments(), command.summary());
                continue;
            }
            // long arguments go under the summary, wrapped at spaces
            out.printf("  ringstack %-29s %s%n", command.name(), command.summary());
            final StringBuilder line = new StringBuilder("     ");
            // an option stays on one line with its value: split before "--x", "[--x" and "|" only
            for (final String word : command.arguments().split(" (?=-|\\[|\\|)"))
            {
                if (line.length() + 1 + word.length() > USAGE_WIDTH)
                {
                    out.println(line);
                    line.setLength(0);
                    line.append("     ");
                }
                line.append(' ').append(word);
            }
            out.println(line);
        }
        out.printf("  ringstack %-29s %s%n", "help", "show this text");
    }
}
