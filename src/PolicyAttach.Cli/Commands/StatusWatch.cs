using System.Buffers;
using System.Text.Json;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;
using PolicyAttach.Cli.Output;
using PolicyAttach.Diagnostics;
using PolicyAttach.Status;

namespace PolicyAttach.Cli.Commands;

/// <summary>
/// <c>status --watch</c>: evaluates the files once, then applies each burst of file changes to an
/// <see cref="EvaluationSession"/> and prints what changed. With JSON, every line is one object: a <c>snapshot</c>
/// line, then one <c>delta</c> line per batch (../shared/docs/cli-contract.md). Ends with exit 0 on Ctrl-C (or when the
/// context's cancellation fires).
/// </summary>
internal static class StatusWatch
{
    public static int Run(FileWatch watch, Func<Snapshot, EvaluationOptions?> options, OutputFormat format, StatusWriterOptions writerOptions, Func<Snapshot, ResourceKey, bool> include, CliContext context)
    {
        var (snapshot, diagnostics) = watch.Start();
        Print(diagnostics, context);
        if (options(snapshot) is not { } evaluationOptions)
        {
            return ExitCodes.Usage;
        }

        var session = EvaluationSession.Start(snapshot, evaluationOptions);
        var current = session.Result;
        if (format == OutputFormat.Json)
        {
            Line(context, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "snapshot");
                writer.WritePropertyName("statuses");
                StatusWriter.Write(current, writer, writerOptions with { Indented = false, Include = key => include(current.Snapshot, key) });
                writer.WriteEndObject();
            });
        }
        else
        {
            context.Out(StatusText.Write(current, null, key => include(current.Snapshot, key)));
            context.Stdout.Flush();
        }

        using var interrupt = Interrupt(context, out var cancellation);
        while (watch.TryNext(cancellation, out var batch, out diagnostics))
        {
            Print(diagnostics, context);
            var update = session.Apply(batch);
            var result = update.Result;
            var changed = update.Changed.Where(k => include(result.Snapshot, k)).ToList();
            var removed = update.Removed.Where(k => include(update.Previous.Snapshot, k)).ToList();
            if (format == OutputFormat.Json)
            {
                Line(context, writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "delta");
                    writer.WritePropertyName("changed");
                    // The changed statuses alone, found by key (Changed is sorted, as the status array is): writing the
                    // whole result through a filter would read every object's result, and build the result's lists.
                    StatusWriter.WriteStatuses(changed.Select(k => StatusModel.Find(result, k)!), writer, writerOptions with { Indented = false, Include = null });
                    writer.WriteStartArray("removed");
                    foreach (var key in removed)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("apiVersion", update.Previous.Snapshot.Find(key)?.ApiVersion ?? key.Group);
                        writer.WriteString("kind", key.Kind);
                        if (key.Namespace.Length > 0)
                        {
                            writer.WriteString("namespace", key.Namespace);
                        }

                        writer.WriteString("name", key.Name);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                });
            }
            else
            {
                var text = $"--- {changed.Count} changed, {removed.Count} removed ({update.Path})";
                text += string.Concat(removed.Select(k => $"\nremoved {k}"));
                context.Out(changed.Count == 0 ? text : text + "\n" + StatusText.Write(result, null, changed.ToHashSet().Contains));
                context.Stdout.Flush();
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>The context's cancellation when it has one (tests), else one that Ctrl-C fires.</summary>
    internal static IDisposable? Interrupt(CliContext context, out CancellationToken cancellation)
    {
        if (context.Cancellation.CanBeCanceled)
        {
            cancellation = context.Cancellation;
            return null;
        }

        var source = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            e.Cancel = true;
            source.Cancel();
        };
        Console.CancelKeyPress += handler;
        cancellation = source.Token;
        return new Unhook(() =>
        {
            Console.CancelKeyPress -= handler;
            source.Dispose();
        });
    }

    internal static void Print(List<Diagnostic> diagnostics, CliContext context)
    {
        foreach (var diagnostic in diagnostics)
        {
            var where = diagnostic.Location?.ToString() ?? "policyattach";
            context.Err($"{where}: {Workspace.SeverityName(diagnostic.Severity)}: {diagnostic.Message} [{diagnostic.Code}]");
        }
    }

    /// <summary>Writes one compact JSON object as one line and flushes it, so a reader sees each line as it is made.</summary>
    private static void Line(CliContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, StatusWriter.WriterOptions(indented: false)))
        {
            write(writer);
        }

        context.Out(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        context.Stdout.Flush();
    }

    private sealed class Unhook(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
