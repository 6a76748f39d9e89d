using System.Globalization;
using PolicyAttach.Cli.CommandLine;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// A progress line on standard error while input loads: nothing for the first second, then a spinner, what is read
/// and the seconds elapsed, redrawn by a background timer and erased when loading ends. Only when standard error is a
/// terminal; the clock and timer come from <see cref="CliContext.Time"/> so that tests can drive them.
/// </summary>
internal sealed class LoadProgress : IDisposable
{
    /// <summary>How long loading runs before the line appears.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>How often the line is redrawn.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(125);

    private static readonly string[] Frames = ["|", "/", "-", "\\"];

    private readonly Lock _lock = new();
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly string _message;
    private readonly long _start;
    private readonly ITimer _timer;
    private int _frame;
    private int _shown;
    private bool _done;

    private LoadProgress(TextWriter writer, TimeProvider time, string message)
    {
        _writer = writer;
        _time = time;
        _message = message;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Tick(), null, Delay, Interval);
    }

    /// <summary>Starts the indicator when standard error is a terminal; otherwise returns one that does nothing.</summary>
    /// <param name="context">The streams and the clock.</param>
    /// <param name="message">What is being done, such as <c>reading 12 files…</c>.</param>
    /// <returns>Dispose it when loading is done.</returns>
    public static IDisposable Start(CliContext context, Func<string> message)
        => context.IsErrorTerminal ? new LoadProgress(context.Stderr, context.Time, message()) : Nothing.Instance;

    /// <summary><c>reading N files…</c>: counts the files the loader will read under the paths.</summary>
    /// <param name="paths">Files, directories or <c>-</c>.</param>
    /// <param name="recursive">Whether subdirectories are read (<c>-R</c>), so counted.</param>
    /// <returns>The message.</returns>
    public static string ReadingMessage(IEnumerable<string> paths, bool recursive = false)
    {
        var count = 0;
        foreach (var path in paths)
        {
            count += Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Count(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
                    || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                : 1;
        }

        return string.Create(CultureInfo.InvariantCulture, $"reading {count} file{(count == 1 ? string.Empty : "s")}…");
    }

    /// <summary>Draws the next frame (called by the timer).</summary>
    internal void Tick()
    {
        lock (_lock)
        {
            if (_done)
            {
                return;
            }

            var seconds = (int)_time.GetElapsedTime(_start).TotalSeconds;
            var line = string.Create(CultureInfo.InvariantCulture, $"{Frames[_frame++ % Frames.Length]} {_message} {seconds}s");
            _writer.Write("\r" + line.PadRight(_shown));
            _writer.Flush();
            _shown = Math.Max(_shown, line.Length);
        }
    }

    /// <summary>Stops the timer and erases the line if one was drawn.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _timer.Dispose();
            if (_shown > 0)
            {
                _writer.Write("\r" + new string(' ', _shown) + "\r");
                _writer.Flush();
            }
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}
