namespace PolicyAttach.Cli.CommandLine;

/// <summary>The streams a command reads and writes, and whether standard output is a terminal.</summary>
/// <param name="Stdin">Standard input, read by the path <c>-</c>.</param>
/// <param name="Stdout">Standard output: the command's result.</param>
/// <param name="Stderr">Standard error: diagnostics and usage errors.</param>
/// <param name="IsTerminal">Whether standard output is a terminal (then human output is the default).</param>
internal sealed record CliContext(TextReader Stdin, TextWriter Stdout, TextWriter Stderr, bool IsTerminal)
{
    /// <summary>
    /// Opens standard input as bytes, when the host has them (the tool's own process): the path <c>-</c> then reads it
    /// with the loader's size limit and UTF-8 checks. Null (tests) reads <see cref="Stdin"/>, encoded as UTF-8 while read.
    /// </summary>
    public Func<Stream>? StdinBytes { get; init; }

    /// <summary>
    /// Opens standard output as bytes, when the host has them (the tool's own process): large JSON is then written
    /// straight to it as it is produced. Null (tests) writes to <see cref="Stdout"/>.
    /// </summary>
    public Func<Stream>? StdoutBytes { get; init; }

    /// <summary>Whether standard error is a terminal (then a progress line may be drawn there). False unless set.</summary>
    public bool IsErrorTerminal { get; init; }

    /// <summary>Reads an environment variable (such as <c>NO_COLOR</c>); null when unset.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The clock and timers of the progress indicator.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Ends a command that keeps running (<c>--watch</c>); when it cannot be cancelled, Ctrl-C does.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Writes text to standard output with <c>\n</c> newlines, ending with one newline.</summary>
    /// <param name="text">The text.</param>
    public void Out(string text) => WriteNormalized(Stdout, text);

    /// <summary>
    /// Writes JSON to standard output with the writer options of <see cref="StatusWriter.WriterOptions"/>,
    /// ending with one newline: the same bytes as <see cref="Out"/> of the same JSON, without holding it as text.
    /// </summary>
    /// <param name="write">Writes one JSON value.</param>
    public void OutJson(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        var options = StatusWriter.WriterOptions(indented: true);
        if (StdoutBytes is { } open)
        {
            Stdout.Flush();
            using var stream = new BufferedStream(open(), 1 << 16);
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream, options))
            {
                write(writer);
            }

            stream.WriteByte((byte)'\n');
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, options))
        {
            write(writer);
        }

        Out(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>Writes one line to standard error with a <c>\n</c> newline.</summary>
    /// <param name="text">The line.</param>
    public void Err(string text) => WriteNormalized(Stderr, text);

    /// <summary>Prints a usage error and a hint, and returns the usage exit code.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="command">The command whose help to point at, or null for the global help.</param>
    /// <returns><see cref="ExitCodes.Usage"/>.</returns>
    public int UsageError(string message, string? command)
    {
        if (message.StartsWith(EnvironmentMark))
        {
            // The command line was right; the kubeconfig or the cluster was not: one line, and no pointer at the help.
            Err("policyattach: error: " + message[1..]);
            return ExitCodes.Usage;
        }

        Err("policyattach: error: " + message);
        Err(command is null ? "Run 'policyattach --help' for usage." : $"Run 'policyattach {command} --help' for usage.");
        return ExitCodes.Usage;
    }

    private const char EnvironmentMark = '\u001e';

    /// <summary>
    /// Marks a problem of the environment rather than of the command line (a kubeconfig that does not exist, a server
    /// that cannot be reached): <see cref="UsageError"/> prints it on one line, without the hint to read the help.
    /// </summary>
    /// <param name="message">The problem.</param>
    /// <returns>The marked message.</returns>
    public static string EnvironmentProblem(string message) => EnvironmentMark + message;

    private static void WriteNormalized(TextWriter writer, string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        writer.Write(normalized);
        if (!normalized.EndsWith('\n'))
        {
            writer.Write('\n');
        }
    }
}
