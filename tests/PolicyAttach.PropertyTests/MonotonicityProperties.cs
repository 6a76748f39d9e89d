using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests;

/// <summary>Changes that can only help (a grant) or only remove (a route) must move results in one direction.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
public class MonotonicityProperties
{
    [Property]
    public void ReferenceGrant_Added_NeverUnresolvesBackendOrListenerRefs(WorldWithGrant input)
    {
        var world = input.World;
        var before = Engine.Run(world).Result;
        var after = Engine.Run([.. world.Resources, input.Grant.ToObject()], world.Options).Result;

        foreach (var route in before.Routes)
        {
            var later = after.FindRoute(route.Route.Key);
            Assert.True(later is not null, $"{route.Route.Key} had a result and lost it.");
            foreach (var backend in route.BackendRefs.Where(b => b.IsValid))
            {
                var same = later.BackendRefs.Single(b => b.RuleIndex == backend.RuleIndex && b.BackendIndex == backend.BackendIndex && b.IsMirror == backend.IsMirror);
                Assert.True(same.IsValid, $"{route.Route.Key} rule {backend.RuleIndex} backendRef {backend.BackendIndex} resolved before the grant and is {same.Reason} after: {same.Message}");
            }
        }

        foreach (var (key, listener, resolved) in ListenerResolvedRefs(before))
        {
            var now = ListenerResolvedRefs(after).SingleOrDefault(l => l.Owner == key && l.Listener == listener);
            Assert.True(!resolved || now.Resolved, $"Listener {listener} of {key} had ResolvedRefs=True before the grant and False after.");
        }

        foreach (var gateway in before.Gateways.Where(g => IsTrue(g.Conditions, ConditionType.ResolvedRefs)))
        {
            var now = after.FindGateway(gateway.Gateway.Key);
            Assert.True(now is not null && IsTrue(now.Conditions, ConditionType.ResolvedRefs), $"{gateway.Gateway.Key} had ResolvedRefs=True before the grant and not after.");
        }
    }

    [Property]
    public void Route_Deleted_NeverRaisesAttachedRoutes(TestWorld world, uint pick)
    {
        var objects = world.Resources;
        var routes = objects.Where(o => o is Model.Routes.RouteBase).ToList();
        if (routes.Count == 0)
        {
            return;
        }

        var deleted = routes[(int)(pick % (uint)routes.Count)];
        var before = AttachedRoutes(Engine.Run(objects, world.Options).Result);
        var after = AttachedRoutes(Engine.Run(objects.Where(o => !ReferenceEquals(o, deleted)), world.Options).Result);

        foreach (var (listener, count) in after)
        {
            Assert.True(before.TryGetValue(listener, out var earlier), $"Listener {listener} appeared when {deleted.Key} was deleted.");
            Assert.True(count <= earlier, $"Deleting {deleted.Key} raised attachedRoutes of {listener} from {earlier} to {count}.");
        }
    }

    private static Dictionary<string, int> AttachedRoutes(EvaluationResult result)
        => result.Gateways.SelectMany(g => g.Listeners)
            .Concat(result.ListenerSets.SelectMany(s => s.Listeners))
            .ToDictionary(l => $"{l.Owner}/{l.Name}", l => l.AttachedRoutes, StringComparer.Ordinal);

    private static List<(ResourceKey Owner, string Listener, bool Resolved)> ListenerResolvedRefs(EvaluationResult result)
        => result.Gateways.SelectMany(g => g.Listeners)
            .Concat(result.ListenerSets.SelectMany(s => s.Listeners))
            .Select(l => (l.Owner, l.Name, IsTrue(l.Conditions, ConditionType.ResolvedRefs)))
            .ToList();

    private static bool IsTrue(IEnumerable<Condition> conditions, string type) => conditions.Any(c => c.Type == type && c.IsTrue);
}
