using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using static PolicyAttach.Testing.Pools;

namespace PolicyAttach.Testing;

/// <summary>One change to a world: an object put (added, or replacing the object of its key) or a key deleted.</summary>
/// <param name="Key">The key changed.</param>
/// <param name="NewObject">The object put, or null to delete the key.</param>
public sealed record WorldChange(ResourceKey Key, ObjectBuilder? NewObject)
{
    /// <summary>Puts an object: adds it, or replaces the object of its key.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>The change.</returns>
    public static WorldChange Put(ObjectBuilder obj) => new((obj ?? throw new ArgumentNullException(nameof(obj))).Key, obj);

    /// <summary>Deletes an object.</summary>
    /// <param name="key">Its key.</param>
    /// <returns>The change.</returns>
    public static WorldChange Delete(ResourceKey key) => new(key, null);

    /// <summary>Whether the change deletes.</summary>
    public bool IsDelete => NewObject is null;

    /// <summary>The world after the change (a delete of a missing key changes nothing).</summary>
    /// <param name="world">The world before.</param>
    /// <returns>The world after.</returns>
    public TestWorld ApplyTo(TestWorld world)
        => NewObject is { } obj ? (world ?? throw new ArgumentNullException(nameof(world))).With(obj) : (world ?? throw new ArgumentNullException(nameof(world))).Without(Key);

    /// <summary><c>put Kind/ns/name</c> or <c>delete Kind/ns/name</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => (IsDelete ? "delete " : "put ") + Key;
}

/// <summary>Changes applied together, as a controller sees them after a burst of watch events.</summary>
/// <param name="Description">What the batch does, such as "rename Service app/svc-a".</param>
/// <param name="Changes">The changes, in order.</param>
public sealed record WorldChangeBatch(string Description, EquatableArray<WorldChange> Changes)
{
    /// <summary>The world after every change of the batch.</summary>
    /// <param name="world">The world before.</param>
    /// <returns>The world after.</returns>
    public TestWorld ApplyTo(TestWorld world) => Changes.Aggregate(world, (w, c) => c.ApplyTo(w));
}

/// <summary>
/// A world and a sequence of batches of changes to it: adds, replacements, deletes, re-adds, renames, label changes,
/// policy conflicts appearing and disappearing. For incremental evaluation: after each batch, the incremental result
/// must equal a full evaluation of <see cref="States"/>.
/// </summary>
/// <param name="Initial">The world before the first batch.</param>
/// <param name="Batches">The batches, in order.</param>
public sealed record WorldHistory(TestWorld Initial, EquatableArray<WorldChangeBatch> Batches)
{
    /// <summary>The world after each batch, in order (not including <see cref="Initial"/>).</summary>
    /// <returns>The worlds.</returns>
    public IEnumerable<TestWorld> States()
    {
        var world = Initial;
        foreach (var batch in Batches)
        {
            world = batch.ApplyTo(world);
            yield return world;
        }
    }

    /// <summary>The initial world as YAML, then each batch: its description, its deletes and the YAML of what it puts.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Initial.ToString());
        for (var i = 0; i < Batches.Count; i++)
        {
            text.Append("# Batch ").Append(i + 1).Append(": ").Append(Batches[i].Description).Append('\n');
            foreach (var change in Batches[i].Changes)
            {
                text.Append(change.NewObject is { } obj ? "---\n" + obj.ToYaml() : $"# delete {change.Key}\n");
            }
        }

        return text.ToString();
    }
}

/// <summary>Generates and shrinks histories.</summary>
internal static class Histories
{
    public static Gen<WorldHistory> History(Gen<TestWorld> worlds, int maxBatches) => History(worlds, maxBatches, Batch);

    /// <summary>Histories whose batches change routes and the policies on routes only (<see cref="RouteBatch"/>).</summary>
    public static Gen<WorldHistory> RouteHistory(Gen<TestWorld> worlds, int maxBatches) => History(worlds, maxBatches, RouteBatch);

    private static Gen<WorldHistory> History(Gen<TestWorld> worlds, int maxBatches, Func<TestWorld, List<ObjectBuilder>, int, Gen<WorldChangeBatch>> batch)
        => from world in worlds
           from count in Gen.Choose(1, Math.Max(1, maxBatches))
           from batches in Batches(world, count, batch)
           select new WorldHistory(world, [.. batches]);

    private static Gen<List<WorldChangeBatch>> Batches(TestWorld world, int count, Func<TestWorld, List<ObjectBuilder>, int, Gen<WorldChangeBatch>> next)
    {
        var gen = Gen.Constant((World: world, Batches: new List<WorldChangeBatch>(), Deleted: new List<ObjectBuilder>()));
        for (var i = 0; i < count; i++)
        {
            var step = i;
            gen = gen.SelectMany(state => next(state.World, state.Deleted, step).Select(batch =>
            {
                var deleted = state.Deleted.Concat(batch.Changes.Where(c => c.IsDelete).Select(c => state.World.Find(c.Key)).OfType<ObjectBuilder>()).ToList();
                return (batch.ApplyTo(state.World), state.Batches.Append(batch).ToList(), deleted);
            }));
        }

        return gen.Select(s => s.Batches);
    }

    /// <summary>One batch of one kind, chosen among those the world allows.</summary>
    private static Gen<WorldChangeBatch> Batch(TestWorld world, List<ObjectBuilder> deleted, int step)
    {
        var objects = world.Objects.Where(o => o.Edits.IsEmpty).ToList();
        var routes = objects.OfType<HttpRouteBuilder>().ToList();
        var policies = objects.OfType<PolicyBuilder>().ToList();
        var directs = policies.Where(p => p.PolicyKind == DirectKind).ToList();
        var namespaces = objects.OfType<NamespaceBuilder>().ToList();
        var services = objects.OfType<ServiceBuilder>().ToList();
        var gateways = objects.OfType<GatewayBuilder>().ToList();
        var deletable = objects.Where(o => o is not (NamespaceBuilder or PolicyCrdBuilder)).ToList();
        var renamable = objects.Where(o => o is RouteBuilder or ServiceBuilder or PolicyBuilder or ReferenceGrantBuilder or GatewayBuilder).ToList();
        var choices = new List<(int Weight, Gen<WorldChangeBatch> Batch)>();
        if (deletable.Count > 0)
        {
            choices.Add((3, Gen.Elements(deletable.ToArray()).Select(o => One($"delete {o.Key}", WorldChange.Delete(o.Key)))));
        }

        if (deleted.Count > 0)
        {
            choices.Add((2, Gen.Elements(deleted.ToArray()).Select(o => One($"re-add {o.Key}", WorldChange.Put(o)))));
        }

        if (renamable.Count > 0)
        {
            choices.Add((2, Gen.Elements(renamable.ToArray()).Select(o => new WorldChangeBatch(
                $"rename {o.Key} to {o.Name}-v{step + 2}",
                [WorldChange.Delete(o.Key), WorldChange.Put(o with { Name = $"{o.Name}-v{step + 2}" })]))));
        }

        if (routes.Count > 0)
        {
            choices.Add((3, ChangeFirstMatch(routes)));
            if (gateways.Count > 0)
            {
                choices.Add((2, PointAtGateway(routes, gateways)));
            }

            choices.Add((2, from route in Gen.Elements(routes.ToArray())
                            select One($"add a copy of {route.Key}", WorldChange.Put(route with { Name = $"{route.Name}-copy{step + 1}", CreationTimestamp = null }))));
        }

        if (policies.Count > 0)
        {
            choices.Add((2, from policy in Gen.Elements(policies.ToArray())
                            from stanza in WorldGenerator.Stanza()
                            select One($"change the spec of {policy.Key}", WorldChange.Put(policy.PolicyKind == DirectKind
                                ? policy with { Settings = stanza }
                                : policy with { Default = stanza }))));
            var targets = policies.SelectMany(p => p.TargetRefs.Select(t => (p.Namespace, Ref: t))).ToList();
            if (targets.Count > 0)
            {
                choices.Add((2, from policy in Gen.Elements(policies.ToArray())
                                from target in Gen.Elements(targets.Where(t => t.Namespace == policy.Namespace).Select(t => t.Ref).DefaultIfEmpty(policy.TargetRefs.Count > 0 ? policy.TargetRefs[0] : ObjectRefBuilder.GatewayClass(Class)).ToArray())
                                select One($"retarget {policy.Key} to {target.Kind} {target.Name}{(target.SectionName is null ? string.Empty : "/" + target.SectionName)}", WorldChange.Put(policy with { TargetRefs = [target] }))));
            }
        }

        if (directs.Count > 0)
        {
            // A conflict appears: a second Direct policy on the same target, older or newer; a later batch may delete it.
            choices.Add((2, from policy in Gen.Elements(directs.ToArray())
                            from older in Gen.Elements(true, false)
                            select One($"add a {(older ? "older" : "newer")} policy on the target of {policy.Key}", WorldChange.Put(policy with
                            {
                                Name = $"{policy.Name}-rival{step + 1}",
                                CreationTimestamp = older ? new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
                            }))));
        }

        if (namespaces.Count > 0)
        {
            choices.Add((2, from ns in Gen.Elements(namespaces.ToArray())
                            from env in Gen.Elements<string?>(null, "prod", "dev")
                            select One($"set label env={env ?? "(none)"} on {ns.Key}", WorldChange.Put(ns with
                            {
                                Labels = Collections.StringMap.Create(ns.Labels.Where(l => l.Key != "env").Concat(env is null ? [] : [new KeyValuePair<string, string>("env", env)])),
                            }))));
        }

        if (routes.Count > 0)
        {
            choices.Add((1, from route in Gen.Elements(routes.ToArray())
                            select One($"toggle label tier=web on {route.Key}", WorldChange.Put(route with
                            {
                                Labels = route.Labels.ContainsKey("tier") ? Collections.StringMap.Empty : Collections.StringMap.Of(("tier", "web")),
                            }))));
        }

        if (gateways.Count > 0)
        {
            choices.Add((2, ListenerHostname(gateways, null)));
        }

        if (services.Count > 0)
        {
            choices.Add((1, from service in Gen.Elements(services.ToArray())
                            select One($"toggle port 8080 of {service.Key}", WorldChange.Put(service with
                            {
                                Ports = service.Ports.Any(p => p.Port == 8080)
                                    ? [.. service.Ports.Where(p => p.Port != 8080)]
                                    : [.. service.Ports, new ServicePortBuilder(8080) { Name = "alt" }],
                            }))));
        }

        return choices.Count == 0
            ? Gen.Constant(new WorldChangeBatch("no change", []))
            : Gen.Frequency(choices.Select(c => (c.Weight, c.Batch)));
    }

    /// <summary>
    /// One batch that changes a route or a policy whose targets are routes: a route's first match, parent, label or
    /// deletion; a new policy of each kind on a route; a route policy's spec, its move to another route of its
    /// namespace, a rival on its route (older or newer), its deletion; a ReferenceGrant's to list (a kind that changes
    /// no permission, a Service name that narrows or widens it) or its deletion; a Gateway listener's hostname; re-adding
    /// what was deleted.
    /// </summary>
    private static Gen<WorldChangeBatch> RouteBatch(TestWorld world, List<ObjectBuilder> deleted, int step)
    {
        var objects = world.Objects.Where(o => o.Edits.IsEmpty).ToList();
        var routes = objects.OfType<HttpRouteBuilder>().ToList();
        var gateways = objects.OfType<GatewayBuilder>().ToList();
        var onRoutes = objects.OfType<PolicyBuilder>()
            .Where(p => !p.TargetRefs.IsEmpty && p.TargetSelectors.IsEmpty && p.TargetRefs.All(t => t.Kind == "HTTPRoute" && t.Namespace is null))
            .ToList();
        var grants = objects.OfType<ReferenceGrantBuilder>().ToList();
        var readd = deleted.Where(o => o is HttpRouteBuilder or PolicyBuilder or ReferenceGrantBuilder).ToList();
        var choices = new List<(int Weight, Gen<WorldChangeBatch> Batch)>();
        if (routes.Count > 0)
        {
            choices.Add((2, ChangeFirstMatch(routes)));
            if (gateways.Count > 0)
            {
                choices.Add((2, PointAtGateway(routes, gateways)));
            }

            choices.Add((1, from route in Gen.Elements(routes.ToArray())
                            select One($"delete {route.Key}", WorldChange.Delete(route.Key))));
            choices.Add((3, from route in Gen.Elements(routes.ToArray())
                            from kind in Gen.Elements(PatchKind, DirectKind, AtomicKind)
                            from stanza in WorldGenerator.Stanza()
                            select One($"put a {kind} on {route.Key}", WorldChange.Put(new PolicyBuilder(PolicyGroup, kind, route.Namespace, $"on-{route.Name}-{step + 1}")
                            {
                                TargetRefs = [ObjectRefBuilder.Route("HTTPRoute", route.Name)],
                                Default = kind == DirectKind ? null : stanza,
                                Settings = kind == DirectKind ? JsonData.Parse($"{{\"interval\":{step + 1}}}") : null,
                            }))));
        }

        if (onRoutes.Count > 0)
        {
            choices.Add((3, from policy in Gen.Elements(onRoutes.ToArray())
                            from stanza in WorldGenerator.Stanza()
                            select One($"change the spec of {policy.Key}", WorldChange.Put(policy.PolicyKind == DirectKind
                                ? policy with { Settings = JsonData.Parse($"{{\"interval\":{step + 7}}}") }
                                : policy with { Default = stanza }))));
            choices.Add((3, from policy in Gen.Elements(onRoutes.ToArray())
                            from route in Gen.Elements(routes.Where(r => r.Namespace == policy.Namespace).Select(r => r.Name).DefaultIfEmpty("ghost").ToArray())
                            select One($"retarget {policy.Key} to HTTPRoute {route}", WorldChange.Put(policy with { TargetRefs = [ObjectRefBuilder.Route("HTTPRoute", route)] }))));
            choices.Add((2, from policy in Gen.Elements(onRoutes.ToArray())
                            from older in Gen.Elements(true, false)
                            select One($"add a {(older ? "older" : "newer")} rival of {policy.Key}", WorldChange.Put(policy with
                            {
                                Name = $"{policy.Name}-rival{step + 1}",
                                CreationTimestamp = older ? new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
                            }))));
            choices.Add((1, from policy in Gen.Elements(onRoutes.ToArray())
                            select One($"delete {policy.Key}", WorldChange.Delete(policy.Key))));
        }

        if (grants.Count > 0)
        {
            choices.Add((1, from grant in Gen.Elements(grants.ToArray())
                            from change in Gen.Elements(0, 1, 1, 2)
                            let secret = grant.To.Any(t => t.Kind == "Secret")
                            select change switch
                            {
                                0 => One($"{(secret ? "remove" : "add")} Secret in the to list of {grant.Key}", WorldChange.Put(grant with
                                {
                                    To = secret ? [.. grant.To.Where(t => t.Kind != "Secret")] : [.. grant.To, new GrantToBuilder(Groups.Core, "Secret")],
                                })),
                                1 => One($"narrow or widen the Services in the to list of {grant.Key}", WorldChange.Put(grant with
                                {
                                    To = [.. grant.To.Select(t => t.Kind == "Service" ? t with { Name = t.Name is null ? "narrowed" : null } : t)],
                                })),
                                _ => One($"delete {grant.Key}", WorldChange.Delete(grant.Key)),
                            }));
        }

        if (gateways.Count > 0)
        {
            choices.Add((1, ListenerHostname(gateways, routes)));
        }

        if (readd.Count > 0)
        {
            choices.Add((1, Gen.Elements(readd.ToArray()).Select(o => One($"re-add {o.Key}", WorldChange.Put(o)))));
        }

        return choices.Count == 0
            ? Gen.Constant(new WorldChangeBatch("no change", []))
            : Gen.Frequency(choices.Select(c => (c.Weight, c.Batch)));
    }

    /// <summary>
    /// A Gateway's first HTTP or HTTPS listener serves another hostname: one of the pool; or, given the routes, also
    /// every hostname or one a route of the Gateway asks for (so routes it refused can attach to it). No change when it
    /// has none.
    /// </summary>
    private static Gen<WorldChangeBatch> ListenerHostname(List<GatewayBuilder> gateways, List<HttpRouteBuilder>? routes)
        => from gateway in Gen.Elements(gateways.ToArray())
           let asked = (routes ?? []).Where(r => r.ParentRefs.Any(p => p.Kind == "Gateway" && p.Name == gateway.Name)).SelectMany(r => r.Hostnames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()
           from host in routes is null
               ? Pick(ListenerHosts).Select(h => (string?)h)
               : Gen.Frequency(
                   (4, Pick(ListenerHosts).Select(h => (string?)h)),
                   (1, Gen.Constant<string?>(null)),
                   (asked.Length > 0 ? 3 : 0, Gen.Elements(asked.DefaultIfEmpty("example.com").ToArray()).Select(h => (string?)h)))
           let index = gateway.Listeners.ToList().FindIndex(l => l.Protocol is Protocols.Http or Protocols.Https)
           select index < 0
               ? One($"no change to {gateway.Key}", WorldChange.Put(gateway))
               : One($"set the hostname of listener {gateway.Listeners[index].Name} of {gateway.Key} to {host ?? "(none)"}", WorldChange.Put(gateway with
               {
                   Listeners = ServiceBuilder.Replace(gateway.Listeners, index, gateway.Listeners[index] with { Hostname = host }),
               }));

    private static WorldChangeBatch One(string description, WorldChange change) => new(description, [change]);

    /// <summary>Shorter histories: a batch removed, a change of a batch removed, or the initial world shrunk.</summary>
    public static IEnumerable<WorldHistory> Shrink(WorldHistory history)
    {
        for (var i = history.Batches.Count - 1; i >= 0 && history.Batches.Count > 1; i--)
        {
            yield return history with { Batches = ServiceBuilder.Without(history.Batches, i) };
        }

        for (var i = 0; i < history.Batches.Count; i++)
        {
            var batch = history.Batches[i];
            for (var c = batch.Changes.Count - 1; c >= 0 && batch.Changes.Count > 1; c--)
            {
                yield return history with { Batches = ServiceBuilder.Replace(history.Batches, i, batch with { Changes = ServiceBuilder.Without(batch.Changes, c) }) };
            }
        }

        foreach (var world in WorldShrinker.Shrink(history.Initial))
        {
            yield return history with { Initial = world };
        }
    }

    /// <summary>A route whose first match becomes a PathPrefix of one of the generated paths.</summary>
    private static Gen<WorldChangeBatch> ChangeFirstMatch(List<HttpRouteBuilder> routes)
        => from route in Gen.Elements(routes.ToArray())
           from path in Pick(Paths)
           select One($"change the first match of {route.Key} to PathPrefix {path}", WorldChange.Put(route with
           {
               Rules = route.Rules.IsEmpty
                   ? [new HttpRuleBuilder { Matches = [HttpMatchBuilder.PathPrefix(path)] }]
                   : ServiceBuilder.Replace(route.Rules, 0, route.Rules[0] with { Matches = [HttpMatchBuilder.PathPrefix(path)] }),
           }));

    /// <summary>A route whose parentRefs become one Gateway.</summary>
    private static Gen<WorldChangeBatch> PointAtGateway(List<HttpRouteBuilder> routes, List<GatewayBuilder> gateways)
        => from route in Gen.Elements(routes.ToArray())
           from gateway in Gen.Elements(gateways.ToArray())
           select One($"point {route.Key} at {gateway.Key}", WorldChange.Put(route with
           {
               ParentRefs = [ObjectRefBuilder.Gateway(gateway.Namespace == route.Namespace ? null : gateway.Namespace, gateway.Name)],
           }));
}
