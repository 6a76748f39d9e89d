using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Input;

namespace PolicyAttach.Cli.Tests;

/// <summary>The progress line: silent for a second, a spinner after, erased at the end; never when stderr is not a terminal.</summary>
public class LoadProgressTests
{
    [Fact]
    public void LoadProgress_SlowLoad_DrawsNothingBeforeFirstTickAndErasesLineAtEnd()
    {
        var time = new ManualTime();
        using var stderr = new StringWriter();
        var context = Context(stderr, time, isErrorTerminal: true);
        var progress = LoadProgress.Start(context, () => "reading 3 files…");
        Assert.Equal(LoadProgress.Delay, time.Timer!.DueTime);
        Assert.Equal(LoadProgress.Interval, time.Timer.Period);
        Assert.Equal(string.Empty, stderr.ToString());

        time.Advance(TimeSpan.FromSeconds(1));
        time.Timer.Fire();
        Assert.Equal("\r| reading 3 files… 1s", stderr.ToString());

        time.Advance(TimeSpan.FromSeconds(1.5));
        time.Timer.Fire();
        Assert.Equal("\r| reading 3 files… 1s\r/ reading 3 files… 2s", stderr.ToString());

        progress.Dispose();
        Assert.True(time.Timer.Disposed);
        Assert.EndsWith("\r" + new string(' ', "| reading 3 files… 1s".Length) + "\r", stderr.ToString(), StringComparison.Ordinal);

        var length = stderr.ToString().Length;
        time.Timer.Fire();
        Assert.Equal(length, stderr.ToString().Length);
    }

    [Fact]
    public void LoadProgress_FastLoad_WritesNothing()
    {
        var time = new ManualTime();
        using var stderr = new StringWriter();
        LoadProgress.Start(Context(stderr, time, isErrorTerminal: true), () => "reading 1 file…").Dispose();
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void LoadProgress_StderrNotATerminal_Off()
    {
        var time = new ManualTime();
        using var stderr = new StringWriter();
        var message = false;
        LoadProgress.Start(Context(stderr, time, isErrorTerminal: false), () => { message = true; return "x"; }).Dispose();
        Assert.Null(time.Timer);
        Assert.False(message);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void LoadProgress_ReadingMessage_CountsTheFilesToRead()
    {
        Assert.Equal("reading 4 files…", LoadProgress.ReadingMessage([Path.Combine(CliRunner.RepoRoot, "examples")]));
        // Without -R the files of subdirectories (examples/controller/deploy) are not read, so not counted.
        Assert.Equal("reading 6 files…", LoadProgress.ReadingMessage([Path.Combine(CliRunner.RepoRoot, "examples")], recursive: true));
        Assert.Equal("reading 1 file…", LoadProgress.ReadingMessage(["-"]));
    }

    private static CliContext Context(StringWriter stderr, TimeProvider time, bool isErrorTerminal)
        => new(new StringReader(string.Empty), new StringWriter(), stderr, IsTerminal: false) { IsErrorTerminal = isErrorTerminal, Time = time };

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public ManualTimer? Timer { get; private set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => Timer = new ManualTimer(() => callback(state), dueTime, period);
    }

    private sealed class ManualTimer(Action fire, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        public TimeSpan DueTime { get; } = dueTime;

        public TimeSpan Period { get; } = period;

        public bool Disposed { get; private set; }

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
