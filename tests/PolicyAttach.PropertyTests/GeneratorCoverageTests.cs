using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;
using Xunit.Abstractions;

namespace PolicyAttach.PropertyTests;

/// <summary>
/// Guards the worlds the binding properties run on: properties over worlds where nothing attaches or nothing
/// conflicts would pass vacuously. Each outcome the properties depend on must show up in a sample of worlds drawn
/// from a fixed seed (the counts are the same on every run).
/// </summary>
public class GeneratorCoverageTests(ITestOutputHelper output)
{
    [Fact]
    public void WorldGenerator_FixedSample_CoversTheOutcomesThePropertiesNeed()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Count(string outcome, bool happened) => counts[outcome] = counts.GetValueOrDefault(outcome) + (happened ? 1 : 0);

        var worlds = PropertyWorlds.Worlds().Sample(150, new Rnd(20261206), 50);
        foreach (var world in worlds)
        {
            var result = world.Result;
            var listeners = result.Gateways.SelectMany(g => g.Listeners).Concat(result.ListenerSets.SelectMany(s => s.Listeners)).ToList();
            var backends = result.Routes.SelectMany(r => r.BackendRefs).ToList();
            Count("documents dropped by the reader", world.Resources.Count < world.Objects.Count);
            Count("route attached", listeners.Any(l => l.AttachedRoutes > 0));
            Count("listener conflicted", listeners.Any(l => l.State == ListenerState.Conflicted));
            Count("listener not accepted", listeners.Any(l => l.State == ListenerState.NotAccepted));
            Count("listener ResolvedRefs=False", listeners.Any(l => l.Conditions.Any(c => c.Type == ConditionType.ResolvedRefs && !c.IsTrue)));
            Count("route NotAllowedByListeners", result.Routes.Any(r => r.Parents.Any(p => p.Conditions.Any(c => c.Reason == ConditionReason.NotAllowedByListeners))));
            Count("route NoMatchingListenerHostname", result.Routes.Any(r => r.Parents.Any(p => p.Conditions.Any(c => c.Reason == ConditionReason.NoMatchingListenerHostname))));
            Count("backend RefNotPermitted", backends.Any(b => b.Reason == ConditionReason.RefNotPermitted));
            Count("cross-namespace backend resolved", backends.Any(b => b.IsValid && result.Routes.Any(r => r.BackendRefs.Contains(b) && r.Route.Namespace != b.BackendRef.Namespace)));
            Count("ListenerSet accepted", result.ListenerSets.Any(s => s.IsAccepted));
        }

        foreach (var (outcome, count) in counts)
        {
            output.WriteLine($"{count,4} of {worlds.Length}: {outcome}");
        }

        Assert.All(counts, c => Assert.True(c.Value >= 4, $"Only {c.Value} of {worlds.Length} worlds had: {c.Key}."));
    }
}
