namespace PolicyAttach.Tests.Architecture;

/// <summary>
/// The core is a one-way pipeline (docs/concepts.md): each stage refers only to earlier ones. Read from the compiled
/// assembly's metadata and IL, so a reference hidden in a method body, a lambda or a generic argument counts too.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Lazy<SortedDictionary<string, SortedSet<string>>> Core = new(() => TypeDependencies.Read(typeof(Evaluator).Assembly.Location));

    [Fact]
    public void CoreAssembly_EveryStage_RefersOnlyToEarlierStages()
    {
        var violations = StageMap.Core.Check(Core.Value).Select(v => v.ToString()).ToList();
        Assert.True(violations.Count == 0, "References against the pipeline's direction:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void CoreAssembly_EveryType_HasAStage()
    {
        var unplaced = StageMap.Core.Unplaced(Core.Value.Keys).ToList();
        Assert.True(unplaced.Count == 0, "Types no stage places (add their namespace, or the root type, to StageMap.Core):\n" + string.Join("\n", unplaced));
    }

    [Fact]
    public void CoreAssembly_Binding_NeverRefersToPolicies()
    {
        var fromBinding = Core.Value.Where(p => p.Key.StartsWith("PolicyAttach.Binding.", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Select(t => $"{p.Key} -> {t}"))
            .Where(r => r.Contains("-> PolicyAttach.Policies.", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(fromBinding);
    }

    [Fact]
    public void Reader_CoreAssembly_SeesKnownReferences()
    {
        // Known edges of each kind the reader must see, so that an empty dependency list cannot pass the checks above.
        var deps = Core.Value;
        Assert.Contains("PolicyAttach.Binding.BindingResult", deps["PolicyAttach.EvaluationResult"]); // field
        Assert.Contains("PolicyAttach.References.ReferenceIndex", deps["PolicyAttach.Evaluator"]); // method body
        Assert.Contains("PolicyAttach.Snapshot", deps["PolicyAttach.Binding.BindingResult"]); // property
    }

    [Fact]
    public void Reader_SyntheticAssemblyTypes_SeesSignatureBodyAndGenericReferences()
    {
        var deps = TypeDependencies.Read(typeof(ArchitectureTests).Assembly.Location);
        Assert.Contains(typeof(Synthetic.Late.Target).FullName!, deps[typeof(Synthetic.Early.InBody).FullName!]);
        Assert.Contains(typeof(Synthetic.Late.Target).FullName!, deps[typeof(Synthetic.Early.InSignature).FullName!]);
        Assert.Contains(typeof(Synthetic.Late.Target).FullName!, deps[typeof(Synthetic.Early.InGenericArgument).FullName!]);
        Assert.Contains(typeof(Synthetic.Late.Target).FullName!, deps[typeof(Synthetic.Early.InLambda).FullName!]);
        Assert.DoesNotContain(typeof(Synthetic.Late.Target).FullName!, deps[typeof(Synthetic.Early.Clean).FullName!]);
    }

    [Fact]
    public void Checker_SyntheticLaterStageReferences_AreEachReported()
    {
        var map = new StageMap("PolicyAttach.Tests.Architecture.Synthetic",
        [
            new("Early", 0, ["PolicyAttach.Tests.Architecture.Synthetic.Early"], []),
            new("Late", 1, ["PolicyAttach.Tests.Architecture.Synthetic.Late"], []),
        ]);
        var deps = TypeDependencies.Read(typeof(ArchitectureTests).Assembly.Location)
            .Where(p => p.Key.StartsWith("PolicyAttach.Tests.Architecture.Synthetic.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value);

        var violations = map.Check(deps).Select(v => v.From).Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            new[] { typeof(Synthetic.Early.InBody), typeof(Synthetic.Early.InGenericArgument), typeof(Synthetic.Early.InLambda), typeof(Synthetic.Early.InSignature) }
                .Select(t => t.FullName!).Order(StringComparer.Ordinal),
            violations);
    }

    [Fact]
    public void Checker_ParallelStages_MayNotReferToEachOther()
    {
        var map = new StageMap("X", [new("A", 0, ["X.A"], []), new("B", 1, ["X.B"], []), new("C", 1, ["X.C"], [])]);
        var deps = new Dictionary<string, SortedSet<string>>
        {
            ["X.B.One"] = new(StringComparer.Ordinal) { "X.A.Base", "X.C.Sibling" },
            ["X.C.Sibling"] = new(StringComparer.Ordinal) { "X.A.Base" },
            ["X.A.Base"] = new(StringComparer.Ordinal),
        };

        var violation = Assert.Single(map.Check(deps));

        Assert.Equal(new Violation("X.B.One", "B", "X.C.Sibling", "C"), violation);
    }

    [Fact]
    public void Checker_RootNamespaceTypes_TakeTheirListedStage()
    {
        Assert.Equal("Evaluation", StageMap.Core.StageOf("PolicyAttach.Evaluator")?.Name);
        Assert.Equal("Matching", StageMap.Core.StageOf("PolicyAttach.RequestView")?.Name);
        Assert.Equal("Model", StageMap.Core.StageOf("PolicyAttach.Model.Routes.HttpRoute")?.Name);
        Assert.Null(StageMap.Core.StageOf("PolicyAttach.SomethingNew"));
        Assert.Equal(["PolicyAttach.SomethingNew"], StageMap.Core.Unplaced(["PolicyAttach.SomethingNew", "PolicyAttach.Evaluator"]));
    }
}
