using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using Xunit.Abstractions;

namespace PolicyAttach.Testing.Tests;

/// <summary>
/// The generators cover what the engine covers: every fact below appears in the fixed sample (drawn from a fixed
/// seed, so the counts are the same on every run). A generator that stopped producing one would make properties over
/// it pass vacuously.
/// </summary>
public class GeneratorCoverageTests(ITestOutputHelper output)
{
    [Fact]
    public void World_FixedSample_CoversWhatTheEngineCovers()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Count(string fact, bool happened) => counts[fact] = counts.GetValueOrDefault(fact) + (happened ? 1 : 0);

        foreach (var world in Samples.Worlds)
        {
            var result = world.Result;
            var attached = result.Routes.Where(r => r.Parents.Any(p => p.IsAccepted && p.Listeners.Any(v => v.Attached))).ToList();
            foreach (var kind in new[] { "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute" })
            {
                Count($"{kind} attached to a listener", attached.Any(r => r.Route.Kind == kind));
            }

            Count("GAMMA: route accepted by a Service parent", result.Routes.Any(r => r.Parents.Any(p => p.ParentRef.Kind == "Service" && p.IsAccepted)));
            Count("ListenerSet accepted", result.ListenerSets.Any(s => s.IsAccepted));
            Count("route attached to a ListenerSet listener", attached.Any(r => r.Parents.Any(p => p.ParentRef.Kind == "ListenerSet" && p.Listeners.Any(v => v.Attached))));

            var references = world.Objects.SelectMany(o => o.References().Select(r => (Holder: o, Reference: r))).ToList();
            var crossBackends = result.Routes.SelectMany(r => r.BackendRefs.Where(b => b.BackendRef.Namespace != r.Route.Namespace).Select(b => b)).ToList();
            Count("ReferenceGrant permits a cross-namespace backend", crossBackends.Any(b => b.IsValid));
            Count("cross-namespace backend refused (RefNotPermitted)", crossBackends.Any(b => b.Reason == ConditionReason.RefNotPermitted));
            var crossCertificateListeners = world.Objects.OfType<GatewayBuilder>()
                .SelectMany(g => g.Listeners.Where(l => l.CertificateRefs.Any(c => c.Namespace is not null && c.Namespace != g.Namespace)).Select(l => (g.Key, l.Name)))
                .ToHashSet();
            Count("ReferenceGrant permits a cross-namespace certificate", result.Gateways.SelectMany(g => g.Listeners)
                .Any(l => crossCertificateListeners.Contains((l.Owner, l.Name)) && l.Conditions.Any(c => c.Type == ConditionType.ResolvedRefs && c.IsTrue)));

            var statuses = result.Policies.Statuses;
            bool Accepted(PolicyStatusResult s) => s.Ancestors.Any(a => a.Conditions.Any(c => c.Type == ConditionType.Accepted && c.IsTrue));
            Count("ReferenceGrant permits a cross-namespace policy target", statuses.Any(s => Accepted(s) && s.Policy.TargetRefs.Any(t => t.Namespace != s.Resource.Namespace)));
            foreach (var (kind, strategy) in new[] { ("HealthCheckPolicy", "Direct, merge None"), ("RetryPolicy", "Inherited, merge Patch"), ("TimeoutPolicy", "Inherited, merge Atomic") })
            {
                Count($"{strategy} policy accepted", statuses.Any(s => s.Resource.Kind == kind && Accepted(s)));
            }

            Count("Direct policies in conflict", statuses.Any(s => s.Resource.Kind == "HealthCheckPolicy" && s.Ancestors.Any(a => a.Conditions.Any(c => c.Reason == ConditionReason.Conflicted))));
            Count("BackendTLSPolicy accepted", statuses.Any(s => s.Resource.Kind == "BackendTLSPolicy" && Accepted(s)));
            Count("policy on a listener (sectionName) accepted", statuses.Any(s => Accepted(s) && s.Policy.TargetRefs.Any(t => t.Kind is "Gateway" or "ListenerSet" && t.SectionName is not null)));
            Count("policy on a rule (sectionName) accepted", statuses.Any(s => Accepted(s) && s.Policy.TargetRefs.Any(t => t.Kind.EndsWith("Route", StringComparison.Ordinal) && t.SectionName is not null)));
            Count("policy on a Service port (sectionName) accepted", statuses.Any(s => Accepted(s) && s.Policy.TargetRefs.Any(t => t.Kind == "Service" && t.SectionName is not null)));
            Count("policy target not found", statuses.Any(s => s.Ancestors.Any(a => a.Conditions.Any(c => c.Reason == ConditionReason.TargetNotFound))));

            var hits = WorldGenerators.Hits(world);
            var outcomes = hits.Select(h => (Request: h, Decision: RoutingOracle.Expected(world, h))).ToList();
            Count("Inherited policy in effect on a routed request", outcomes.Any(o => o.Request.Target == RequestTarget.Gateway && o.Decision.Outcome == MatchOutcomeKind.Routed
                && world.Routing.FindGateway(o.Request.TargetKey)?.Match(o.Request.ToView()).Policies.Kinds.Any(k => k.Kind.Kind is "RetryPolicy" or "TimeoutPolicy") == true));
            Count("Ingress of a named class routes a request", outcomes.Any(o => o.Request.Target == RequestTarget.Ingress && o.Decision.Outcome == MatchOutcomeKind.Routed
                && world.Snapshot.Find<Ingress>(o.Decision.Route!.Value)?.IngressClassName is not null));
            Count("Ingress of the default class routes a request", outcomes.Any(o => o.Request.Target == RequestTarget.Ingress && o.Decision.Outcome == MatchOutcomeKind.Routed
                && world.Snapshot.Find<Ingress>(o.Decision.Route!.Value)?.IngressClassName is null));
            Count("listener conflicted", result.Gateways.SelectMany(g => g.Listeners).Any(l => l.State == ListenerState.Conflicted));
            Count("dangling reference on purpose", new WorldReferences(world).Dangling.Count > 0);
        }

        foreach (var (fact, count) in counts)
        {
            output.WriteLine($"{count,4} of {Samples.Worlds.Length}: {fact}");
        }

        Assert.All(counts, c => Assert.True(c.Value >= 2, $"Only {c.Value} of {Samples.Worlds.Length} worlds had: {c.Key}."));
    }
}
