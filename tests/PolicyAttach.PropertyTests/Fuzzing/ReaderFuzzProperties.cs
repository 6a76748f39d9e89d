using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.PropertyTests.Support;

namespace PolicyAttach.PropertyTests.Fuzzing;

/// <summary>
/// Issue 15's fuzzing harness: hostile files loaded between two sound sibling files, then evaluated. No exception
/// escapes, every diagnostic has a position in a file of the load, both siblings are still read, and each case's work
/// is bounded. CI runs the counts below; <c>POLICYATTACH_FUZZ_CASES=N</c> runs N cases per property instead.
/// </summary>
public class ReaderFuzzProperties
{
    /// <summary>Bytes one case may allocate: far above what a sound reader needs for these inputs (a few MB), far below the gigabytes of the bugs.</summary>
    private const long MaxAllocatedBytesPerCase = 512L * 1024 * 1024;

    /// <summary>A bound that only a runaway case reaches (the bugs took from 25 seconds to hours), not a performance measure.</summary>
    private static readonly TimeSpan MaxTimePerCase = TimeSpan.FromSeconds(30);

    private const string SiblingYaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: fuzz-sibling-a\n  namespace: default\nspec:\n  ports:\n  - port: 80\n";

    private const string SiblingJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fuzz-sibling-b","namespace":"default"},"data":{"k":"v"}}""";

    [Fact]
    public void Load_RandomBytes_IsBoundedLocatedAndKeepsSiblings() => Run(FuzzInputs.RandomBytes(), 300);

    [Fact]
    public void Load_RandomYamlLikeText_IsBoundedLocatedAndKeepsSiblings() => Run(FuzzInputs.RandomText(), 500);

    [Fact]
    public void Load_TruncatedManifest_IsBoundedLocatedAndKeepsSiblings() => Run(FuzzInputs.Truncated(), 400);

    [Fact]
    public void Load_ManifestWithOneByteChanged_IsBoundedLocatedAndKeepsSiblings() => Run(FuzzInputs.ByteChanged(), 400);

    [Fact]
    public void Load_ManifestWithOneFieldMutated_IsBoundedLocatedAndKeepsSiblings() => Run(FuzzInputs.FieldMutated(), 800);

    [Fact]
    public void Seeds_IncludeTheExamples()
        => Assert.Contains(FuzzInputs.Seeds, s => s.Name == "gateway.yaml");

    private static void Run(Gen<FuzzCase> cases, int count)
    {
        var configured = Environment.GetEnvironmentVariable("POLICYATTACH_FUZZ_CASES");
        var total = string.IsNullOrEmpty(configured) ? count : int.Parse(configured, CultureInfo.InvariantCulture);
        FsCheck.Check.One(PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(total)), Prop.ForAll(Arb.From(cases), (Action<FuzzCase>)Verify));
    }

    private static void Verify(FuzzCase input)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();

        var result = new ManifestLoader().Load(
        [
            ManifestSource.FromText(SiblingYaml, "sibling-a.yaml"),
            ManifestSource.FromStream(new MemoryStream(input.Bytes), input.Name),
            ManifestSource.FromText(SiblingJson, "sibling-b.json"),
        ]);
        var (_, evaluation, json) = Engine.Run(result.Resources, Testing.TestWorld.Empty.Options);

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.NotNull(evaluation);
        Assert.StartsWith("[", json, StringComparison.Ordinal);
        foreach (var diagnostic in result.Diagnostics)
        {
            Assert.True(
                diagnostic.Location is { Line: >= 1, Column: >= 1 } location && (location.File == input.Name || location.File.StartsWith("sibling-", StringComparison.Ordinal)),
                $"a diagnostic without a position in the load: {diagnostic}");
        }

        Assert.DoesNotContain(result.Diagnostics, d => d.Location?.File.StartsWith("sibling-", StringComparison.Ordinal) == true);
        Assert.Contains(result.Objects, o => o.Resource.Name == "fuzz-sibling-a" && o.Location?.File == "sibling-a.yaml");
        Assert.Contains(result.Objects, o => o.Resource.Name == "fuzz-sibling-b" && o.Location?.File == "sibling-b.json");
        Assert.True(allocated < MaxAllocatedBytesPerCase, $"the case allocated {allocated:N0} bytes");
        Assert.True(watch.Elapsed < MaxTimePerCase, $"the case took {watch.Elapsed}");
    }
}
