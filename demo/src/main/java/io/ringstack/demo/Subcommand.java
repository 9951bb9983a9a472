package io.ringstack.demo;

import java.io.PrintStream;
import java.util.List;

/** One verb of the {@code ringstack} command line (decode now; http and echo with the sockets API). */
interface Subcommand
{
    /** The word that selects it: {@code ringstack <name> ...}. */
    String name();

    /** Its arguments, for the usage text, e.g. {@code FILE [--limit N]}. */
    String arguments();

    /** One line saying what it does. */
    String summary();

    /**
     * Runs with the arguments after the name; returns the exit code ({@link RingstackCommand#EXIT_OK},
     * {@link RingstackCommand#EXIT_FAILURE} or {@link RingstackCommand#EXIT_USAGE}).
     */
    int run(List<String> arguments, PrintStream out, PrintStream err);
}
