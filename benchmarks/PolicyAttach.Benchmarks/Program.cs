using BenchmarkDotNet.Running;

namespace PolicyAttach.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (for example <c>--filter '*Evaluation*' --job short</c>),
/// writes the whole-path inputs into a folder
/// (<c>worlds FOLDER</c>), profiles the stages of the whole path on them (<c>profile FOLDER [FILE]</c>: both worlds or the one named), measures the
/// reading rates on them (<c>reading FOLDER</c>), prints the heap a session holds against a full result
/// (<c>session-memory</c>), maps where a session's time goes (<c>session-profile</c>), or measures how long
/// <c>status --watch</c> takes from a saved file to its delta line (<c>watch-latency TOOL_FOLDER WORLD_FOLDER [SAVES]</c>).</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">BenchmarkDotNet arguments.</param>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
        {
            Matching.QuickMatch.Run(args[1..]);
            return;
        }

        if (args.Length == 2 && args[0] == "worlds")
        {
            ScaleWorlds.Write(args[1]);
            return;
        }

        if (args.Length == 2 && args[0] == "reading")
        {
            ReadingRates.Run(args[1]);
            return;
        }

        if (args.Length is 2 or 3 && args[0] == "profile")
        {
            StageProfile.Run(args[1], args.Length == 3 ? args[2] : null);
            return;
        }

        if (args.Length is 3 or 4 && args[0] == "watch-latency")
        {
            WatchLatency.Run(args[1], args[2], args.Length == 4 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10);
            return;
        }

        if (args.Length == 1 && args[0] == "session-profile")
        {
            SessionProfile.Run();
            return;
        }

        if (args.Length == 1 && args[0] == "session-memory")
        {
            SessionBenchmarks.PrintMemory();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
