using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using PolicyAttach.Matching;

namespace PolicyAttach.Benchmarks.Matching;

/// <summary>The regex engine behind route matches: the backtracking engine PolicyAttach used before, and the linear one.</summary>
public enum RegexEngine
{
    /// <summary>Before: the pattern as written, anchored, on .NET's default engine (fast on friendly patterns, exponential on hostile ones).</summary>
    Backtracking,

    /// <summary>Now: the pattern read as RE2 (<see cref="MatchRegex"/>) on <see cref="RegexOptions.NonBacktracking"/>, linear in the value's length.</summary>
    Linear,
}

/// <summary>Route patterns compiled as PolicyAttach compiled them before, and as it compiles them now.</summary>
internal static class RegexEngines
{
    public static MatchPattern Create(string pattern, RegexEngine engine) => engine == RegexEngine.Linear
        ? MatchRegex.Create(pattern)
        : MatchPattern.Create(pattern, @"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant);
}

/// <summary>
/// Route regexes the matcher's shortcuts cannot decide (alternations, classes after literals, counted repetitions,
/// case-insensitive headers, gRPC services), each matched and missed, compiled as before (backtracking) and as now
/// (linear) in one run. The engine is built before timing, so the figures are the steady state of a compiled table.
/// </summary>
[MemoryDiagnoser]
public class RegexBenchmarks
{
    private static readonly (string Pattern, string Hit, string Miss)[] Cases =
    [
        ("/api/v[0-9]+/(users|groups)/[a-z0-9-]+", "/api/v2/users/alice-42", "/api/v2/users/Alice"),
        (@"/static/.*\.(css|js|png)", "/static/app/main.js", "/static/app/main.ts"),
        ("/users/[0-9]+/posts/[0-9]+", "/users/1234/posts/987", "/users/1234/posts/x"),
        ("(?i)bearer [A-Za-z0-9._-]+", "Bearer abc.def-123", "Basic abc"),
        (@"v[0-9]+\.[0-9]+", "v1.23", "v1."),
        ("[0-9]{1,5}", "12345", "123456"),
        (@"helloworld\.(Greeter|Farewell)", "helloworld.Greeter", "helloworld.Greet"),
        (@"/(\w+)/(\w+)/\d{4}-\d{2}-\d{2}", "/blog/post/2024-05-06", "/blog/post/2024-5-6"),
    ];

    private (MatchPattern Pattern, string Value)[] _values = null!;

    [Params(RegexEngine.Backtracking, RegexEngine.Linear)]
    public RegexEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _values = [.. Cases.SelectMany(c =>
        {
            var pattern = RegexEngines.Create(c.Pattern, Engine);
            if (!pattern.IsMatch(c.Hit) || pattern.IsMatch(c.Miss))
            {
                throw new InvalidOperationException($"{c.Pattern} decides {c.Hit} or {c.Miss} wrongly");
            }

            return new[] { (pattern, c.Hit), (pattern, c.Miss) };
        })];
    }

    /// <summary>Sixteen matches (eight patterns, a hit and a miss each); the time is per match.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int RouteRegexes()
    {
        var hits = 0;
        foreach (var (pattern, value) in _values)
        {
            hits += pattern.IsMatch(value) ? 1 : 0;
        }

        return hits;
    }
}

/// <summary>
/// The catastrophic pattern of issue 15, an HTTPRoute path <c>/(a+)+$</c>, against <c>/</c>, n <c>a</c>s and <c>!</c>:
/// the linear engine at 5,000 and 50,000 characters (ten times the length, about ten times the time).
/// </summary>
[MemoryDiagnoser]
public class CatastrophicRegexBenchmarks
{
    private MatchPattern _pattern = null!;
    private string _value = null!;

    [Params(5_000, 50_000)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pattern = RegexEngines.Create("/(a+)+$", RegexEngine.Linear);
        _value = "/" + new string('a', Length) + "!";
        if (_pattern.IsMatch(_value))
        {
            throw new InvalidOperationException("the value must not match");
        }
    }

    [Benchmark]
    public bool Linear() => _pattern.IsMatch(_value);
}

/// <summary>
/// The same catastrophic pattern compiled as PolicyAttach compiled it before (backtracking), at lengths it can still
/// finish: each four characters more multiply the time by about sixteen.
/// </summary>
[MemoryDiagnoser]
public class BacktrackingCatastropheBenchmarks
{
    private MatchPattern _pattern = null!;
    private string _value = null!;

    [Params(16, 20, 24)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pattern = RegexEngines.Create("/(a+)+$", RegexEngine.Backtracking);
        _value = "/" + new string('a', Length) + "!";
    }

    [Benchmark]
    public bool Backtracking() => _pattern.IsMatch(_value);
}
