using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.PropertyTests.Support;

namespace PolicyAttach.PropertyTests.Fuzzing;

/// <summary>
/// The YAML fast path on issue 15's hostile inputs: every input loads to the same objects, diagnostics (with their
/// positions) and field positions as on the exact path alone, whether the fast path takes its documents or declines
/// them. CI runs the counts below; <c>POLICYATTACH_FUZZ_CASES=N</c> runs N cases per property instead.
/// </summary>
public class YamlFastPathProperties
{
    [Fact]
    public void Load_TruncatedManifest_FastPathSameAsExactPath() => Run(FuzzInputs.Truncated(), 200);

    [Fact]
    public void Load_ManifestWithOneByteChanged_FastPathSameAsExactPath() => Run(FuzzInputs.ByteChanged(), 200);

    [Fact]
    public void Load_ManifestWithOneFieldMutated_FastPathSameAsExactPath() => Run(FuzzInputs.FieldMutated(), 400);

    [Fact]
    public void Load_RandomYamlLikeText_FastPathSameAsExactPath() => Run(FuzzInputs.RandomText(), 200);

    private static void Run(Gen<FuzzCase> cases, int count)
    {
        var configured = Environment.GetEnvironmentVariable("POLICYATTACH_FUZZ_CASES");
        var total = string.IsNullOrEmpty(configured) ? count : int.Parse(configured, CultureInfo.InvariantCulture);
        FsCheck.Check.One(PropertyAttribute.Seeded(Config.QuickThrowOnFailure.WithMaxTest(total)), Prop.ForAll(Arb.From(cases), (Action<FuzzCase>)Verify));
    }

    private static void Verify(FuzzCase input)
    {
        var name = Path.ChangeExtension(input.Name, ".yaml");
        var fast = new ManifestLoader().Load([ManifestSource.FromStream(new MemoryStream(input.Bytes), name)]);
        var exact = new ManifestLoader(new ManifestLoaderOptions { ExactYamlOnly = true }).Load([ManifestSource.FromStream(new MemoryStream(input.Bytes), name)]);

        Assert.Equal(exact.Diagnostics, fast.Diagnostics);
        Assert.Equal(exact.Objects, fast.Objects);
        Assert.Equal(exact.DocumentCount, fast.DocumentCount);
        for (var i = 0; i < exact.Objects.Count; i++)
        {
            foreach (var path in new[] { "metadata.name", "spec.rules[0].matches[0].path.value", "spec.listeners[1].port", "spec.parentRefs[0]" })
            {
                Assert.Equal(exact.Objects[i].Fields!.Locate(path), fast.Objects[i].Fields!.Locate(path));
            }
        }
    }
}
