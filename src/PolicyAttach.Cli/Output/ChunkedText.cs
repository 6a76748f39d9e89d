using System.Text;

namespace PolicyAttach.Cli.Output;

/// <summary>
/// Text made in a buffer and, when there is a writer, written to it in chunks of about 64 KB while it is made, with
/// <c>\n</c> newlines: output of any length is never held whole, and the writer sees the same characters as
/// <see cref="CommandLine.CliContext.Out"/> of the whole text would write.
/// </summary>
/// <param name="output">Where to write, or null to keep the whole text (<see cref="ToString"/>).</param>
internal sealed class ChunkedText(TextWriter? output)
{
    private const int ChunkSize = 1 << 16;

    /// <summary>The text not written yet (one buffer, kept and reused while writing).</summary>
    public StringBuilder Text { get; } = new(output is null ? 16 : 2 * ChunkSize);

    /// <summary>Writes the text made so far once there is a chunk of it; call it after whole lines only.</summary>
    public void LineDone()
    {
        if (output is not null && Text.Length >= ChunkSize)
        {
            Flush();
        }
    }

    /// <summary>Writes everything made so far (call it at the end).</summary>
    public void Flush()
    {
        if (output is null || Text.Length == 0)
        {
            return;
        }

        var carriageReturn = false;
        foreach (var chunk in Text.GetChunks())
        {
            carriageReturn |= chunk.Span.Contains('\r');
        }

        if (carriageReturn)
        {
            // Chunks end after whole lines, so no CR LF pair is split between two writes.
            output.Write(Text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
        }
        else
        {
            foreach (var chunk in Text.GetChunks())
            {
                output.Write(chunk.Span);
            }
        }

        Text.Clear();
    }

    /// <inheritdoc />
    public override string ToString() => Text.ToString();
}
