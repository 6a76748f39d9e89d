using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace PolicyAttach.Testing;

/// <summary>How <see cref="PropertyCheck.Run"/> runs a property.</summary>
public sealed record PropertyCheckOptions
{
    /// <summary>The number of passing cases needed.</summary>
    public int MaxTest { get; init; } = 100;

    /// <summary>The FsCheck size of the last case (the first is 1).</summary>
    public int EndSize { get; init; } = 100;

    /// <summary>The seed of the random sequence, so that the run is the same every time; null for a random one.</summary>
    public ulong? Seed { get; init; }
}

/// <summary>The outcome of a property run: passed, or the counterexample as found and as shrunk.</summary>
/// <typeparam name="T">The property's input.</typeparam>
public sealed record PropertyCheckResult<T>
{
    /// <summary>Whether every case passed.</summary>
    public required bool Passed { get; init; }

    /// <summary>The number of cases run.</summary>
    public required int Tests { get; init; }

    /// <summary>The number of successful shrinking steps.</summary>
    public int Shrinks { get; init; }

    /// <summary>The first failing input, or default when passed.</summary>
    public T? Original { get; init; }

    /// <summary>The failing input after shrinking, or default when passed.</summary>
    public T? Counterexample { get; init; }

    /// <summary>Why the counterexample fails (the exception's message), or null.</summary>
    public string? Failure { get; init; }

    /// <summary>"Passed N tests", or the shrunk counterexample and why it fails.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Passed
        ? $"Passed {Tests} tests."
        : $"Falsified after {Tests} tests ({Shrinks} shrinks).\n{Failure}\nCounterexample:\n{Counterexample}";
}

/// <summary>
/// Runs a property with FsCheck and returns the shrunk counterexample as a value, for tests that assert on it
/// (that a property finds a known bug, and that the counterexample is small). Properties that must pass are better
/// written with FsCheck.Xunit's <c>[Property]</c>, which prints the counterexample itself.
/// </summary>
public static class PropertyCheck
{
    /// <summary>Runs a property over an arbitrary; the property fails by throwing (for example from an assertion).</summary>
    /// <typeparam name="T">The input.</typeparam>
    /// <param name="arbitrary">The inputs and their shrinker.</param>
    /// <param name="property">The property.</param>
    /// <param name="options">How many cases, what size, which seed; null for 100 random cases.</param>
    /// <returns>The outcome.</returns>
    public static PropertyCheckResult<T> Run<T>(Arbitrary<T> arbitrary, Action<T> property, PropertyCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(arbitrary);
        ArgumentNullException.ThrowIfNull(property);
        options ??= new PropertyCheckOptions();
        var runner = new CapturingRunner();
        var config = Config.Quick.WithMaxTest(options.MaxTest).WithEndSize(options.EndSize).WithRunner(runner);
        if (options.Seed is { } seed)
        {
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL | 1), FSharpOption<int>.None)));
        }

        Check.One(config, Prop.ForAll(arbitrary, property));
        if (runner.Result is TestResult.Failed failed)
        {
            var counterexample = failed.Item3.IsEmpty ? default : (T)failed.Item3.Head;
            string? failure = null;
            try
            {
                property(counterexample!);
            }
#pragma warning disable CA1031 // The property's own exception is the failure being reported.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = e.Message;
            }

            return new PropertyCheckResult<T>
            {
                Passed = false,
                Tests = failed.Item1.NumberOfTests,
                Shrinks = failed.Item1.NumberOfShrinks,
                Original = failed.Item2.IsEmpty ? default : (T)failed.Item2.Head,
                Counterexample = counterexample,
                Failure = failure,
            };
        }

        var tests = runner.Result switch
        {
            TestResult.Passed passed => passed.Item1.NumberOfTests,
            TestResult.Exhausted exhausted => exhausted.Item.NumberOfTests,
            _ => 0,
        };
        return new PropertyCheckResult<T> { Passed = true, Tests = tests };
    }

    private sealed class CapturingRunner : IRunner
    {
        public TestResult? Result { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
        {
        }

        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
