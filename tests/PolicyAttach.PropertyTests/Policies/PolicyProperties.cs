using System.Text.Json.Nodes;
using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests.Policies;

/// <summary>
/// GEP-713 over generated worlds (spec digest §14): order independence, overrides and defaults by level, no effect
/// from policies that do not attach or lose a conflict, and the engine's fold against a reference fold written from
/// the spec text. A failure prints the world's documents and the context, path and values that differ.
/// </summary>
[Properties(Arbitrary = [typeof(PolicyArbitraries)], MaxTest = 200)]
public class PolicyProperties
{
    [Property]
    public void Documents_Shuffled_SameStatusAndEffectivePolicies(ShuffledWorld input)
    {
        // Every document is read with the same default creationTimestamp, so only namespace and name break ties.
        var original = PolicyRun.Of(input.World.Objects.Select(o => o.Read().Resource).OfType<KubeObject>(), input.World.Options);
        var shuffled = PolicyRun.Of(Engine.Permute(input.World.Objects, input.Salt).Select(o => o.Read().Resource).OfType<KubeObject>(), input.World.Options);

        var (json, otherJson) = (original.StatusJson(), shuffled.StatusJson());
        Assert.True(string.Equals(json, otherJson, StringComparison.Ordinal), "Status JSON differs: " + Engine.FirstDifference(json, otherJson));
        var (dump, otherDump) = (original.EffectiveDump(), shuffled.EffectiveDump());
        Assert.True(string.Equals(dump, otherDump, StringComparison.Ordinal), "Effective policies differ: " + Engine.FirstDifference(dump, otherDump));
    }

    [Property(MaxTest = 300)]
    public void Override_AnyHierarchy_BeatsEverythingBelowIt(TestWorld world)
    {
        var run = PolicyRun.Of(world);
        foreach (var context in run.Contexts)
        {
            var levels = run.Levels(context.Chain, PolicyGenerators.PatchKind);
            var overrides = PolicyRun.OverrideSteps(levels);
            var effective = Document(context, PolicyGenerators.PatchKind);
            for (var i = 0; i < overrides.Count; i++)
            {
                foreach (var (path, value) in ReferenceFold.Leaves(overrides[i].Stanza, []))
                {
                    // Overrides applied later are higher (or older at the same level); they may set the path themselves.
                    if (overrides.Skip(i + 1).Any(h => ReferenceFold.Leaves(h.Stanza, []).Any(l => ReferenceFold.Comparable(l.Path, path))))
                    {
                        continue;
                    }

                    AssertAt(context, effective, path, value, $"the override of {overrides[i].Policy.Key} (level {overrides[i].Level})");
                }
            }

            // Atomic: the highest established override is the whole effective document.
            var atomicOverrides = PolicyRun.OverrideSteps(run.Levels(context.Chain, PolicyGenerators.AtomicKind));
            if (atomicOverrides.Count > 0)
            {
                var top = atomicOverrides[^1];
                Assert.True(JsonNode.DeepEquals(top.Stanza, Document(context, PolicyGenerators.AtomicKind)),
                    $"{context.Name}: the Atomic override of {top.Policy.Key} is {ReferenceFold.Canonical(top.Stanza)}, the effective document {ReferenceFold.Canonical(Document(context, PolicyGenerators.AtomicKind))}.");
            }
        }
    }

    [Property(MaxTest = 300)]
    public void Default_AnyHierarchy_LowestBeatsDefaultsAboveIt(TestWorld world)
    {
        var run = PolicyRun.Of(world);
        foreach (var context in run.Contexts)
        {
            var levels = run.Levels(context.Chain, PolicyGenerators.PatchKind);
            var overrides = PolicyRun.OverrideSteps(levels);
            var defaults = PolicyRun.DefaultSteps(levels);
            var effective = Document(context, PolicyGenerators.PatchKind);
            for (var i = 0; i < defaults.Count; i++)
            {
                foreach (var (path, value) in ReferenceFold.Leaves(defaults[i].Stanza, []))
                {
                    // Defaults applied later are lower (or newer at the same level); any override comes before every default.
                    if (defaults.Skip(i + 1).Concat(overrides).Any(h => ReferenceFold.Leaves(h.Stanza, []).Any(l => ReferenceFold.Comparable(l.Path, path))))
                    {
                        continue;
                    }

                    AssertAt(context, effective, path, value, $"the default of {defaults[i].Policy.Key} (level {defaults[i].Level})");
                }
            }

            var atomicLevels = run.Levels(context.Chain, PolicyGenerators.AtomicKind);
            if (PolicyRun.OverrideSteps(atomicLevels).Count == 0 && PolicyRun.DefaultSteps(atomicLevels) is { Count: > 0 } atomicDefaults)
            {
                var lowest = atomicDefaults[^1];
                Assert.True(JsonNode.DeepEquals(lowest.Stanza, Document(context, PolicyGenerators.AtomicKind)),
                    $"{context.Name}: the lowest Atomic default, of {lowest.Policy.Key}, is {ReferenceFold.Canonical(lowest.Stanza)}, the effective document {ReferenceFold.Canonical(Document(context, PolicyGenerators.AtomicKind))}.");
            }
        }
    }

    [Property]
    public void Policy_MissingTargets_ChangesNoEffectiveValue(WorldWithPolicy input)
    {
        var objects = input.World.Resources;
        var policy = input.Policy.ToObject();
        var before = PolicyRun.Of(objects, input.World.Options).EffectiveDump();
        var after = PolicyRun.Of([.. objects, policy], input.World.Options).EffectiveDump();
        Assert.True(string.Equals(before, after, StringComparison.Ordinal), "Effective policies changed: " + Engine.FirstDifference(before, after));
    }

    [Property]
    public void ConflictLoser_Removed_ChangesNoEffectiveValue(TestWorld world, uint pick)
    {
        var objects = world.Resources;
        var run = PolicyRun.Of(objects, world.Options);
        var losers = run.Result.Policies.Statuses
            .Where(s => s.Ancestors.Any(a => a.Conditions.Any(c => c.Type == ConditionType.Accepted && c.Reason == ConditionReason.Conflicted)))
            .Select(s => s.Resource)
            .Where(p => LosesOnEveryTarget(p, objects))
            .ToList();
        if (losers.Count == 0)
        {
            return;
        }

        var removed = losers[(int)(pick % (uint)losers.Count)];
        var before = run.EffectiveDump();
        var after = PolicyRun.Of(objects.Where(o => !ReferenceEquals(o, removed)), world.Options).EffectiveDump();
        Assert.True(string.Equals(before, after, StringComparison.Ordinal), $"Removing {removed.Key}, which lost a conflict, changed effective policies: " + Engine.FirstDifference(before, after));
    }

    /// <summary>
    /// Whether every target (object and section) the policy names is also named by a policy of its kind established
    /// first (older, then namespace and name; spec digest §14.4), so it takes effect nowhere. A policy that loses on
    /// one target may still be in effect on another.
    /// </summary>
    private static bool LosesOnEveryTarget(KubeObject policy, IEnumerable<KubeObject> objects)
        => ((IPolicyObject)policy).TargetRefs.All(target => objects.OfType<IPolicyObject>().Any(rival =>
            rival.Key != policy.Key && rival.Key.GroupKind == policy.Key.GroupKind
            && rival.TargetRefs.Any(t => t.TargetKey == target.TargetKey && t.SectionName == target.SectionName)
            && EstablishedFirst(rival, (IPolicyObject)policy)));

    private static bool EstablishedFirst(IPolicyObject a, IPolicyObject b)
    {
        var c = a.Metadata.CreationTimestamp.CompareTo(b.Metadata.CreationTimestamp);
        c = c != 0 ? c : string.CompareOrdinal(a.Key.Namespace, b.Key.Namespace);
        return (c != 0 ? c : string.CompareOrdinal(a.Key.Name, b.Key.Name)) < 0;
    }

    [Property]
    public void PatchStrategy_AnyWorld_EqualsReferenceFold(TestWorld world) => AssertReference(world, PolicyGenerators.PatchKind, ReferenceFold.Patch);

    [Property]
    public void AtomicStrategy_AnyWorld_EqualsReferenceFold(TestWorld world) => AssertReference(world, PolicyGenerators.AtomicKind, ReferenceFold.Atomic);

    private static void AssertReference(TestWorld world, GroupKind kind, Func<List<List<TestPolicy>>, JsonNode?> fold)
    {
        var run = PolicyRun.Of(world);
        foreach (var context in run.Contexts)
        {
            var expected = fold(run.Levels(context.Chain, kind));
            var actual = Document(context, kind);
            var (e, a) = (ReferenceFold.Canonical(expected), ReferenceFold.Canonical(actual));
            Assert.True(string.Equals(e, a, StringComparison.Ordinal),
                $"{context.Name} ({string.Join(" > ", context.Chain)}): the reference fold gives {e}, the engine {a}.");
        }
    }

    private static JsonNode? Document(PolicyContext context, GroupKind kind)
        => context.Lookup().Find(kind) is { } effective ? JsonNode.Parse(effective.Document.ToCanonicalString()) : null;

    private static void AssertAt(PolicyContext context, JsonNode? effective, System.Collections.Immutable.ImmutableArray<string> path, JsonNode? value, string what)
    {
        var (found, actual) = ReferenceFold.At(effective, path);
        var where = $"{context.Name}: {what} sets {string.Join('.', path)} to {ReferenceFold.Canonical(value)}";
        if (value is null)
        {
            Assert.False(found, $"{where} (deletes it), but the effective document {ReferenceFold.Canonical(effective)} has {ReferenceFold.Canonical(actual)}.");
        }
        else if (value is JsonObject)
        {
            Assert.True(actual is JsonObject, $"{where} (an object, merged with what is below), but the effective document {ReferenceFold.Canonical(effective)} has {(found ? ReferenceFold.Canonical(actual) : "nothing")} there.");
        }
        else
        {
            Assert.True(found && JsonNode.DeepEquals(value, actual), $"{where}, but the effective document {ReferenceFold.Canonical(effective)} has {(found ? ReferenceFold.Canonical(actual) : "nothing")} there.");
        }
    }
}
