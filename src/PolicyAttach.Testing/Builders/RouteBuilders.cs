using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>What every route kind has: parent references and hostnames.</summary>
public abstract record RouteBuilder : ObjectBuilder
{
    private protected RouteBuilder(string @namespace, string name, ObjectRefBuilder[] parents)
        : base(@namespace, name)
    {
        ParentRefs = [.. parents ?? []];
    }

    /// <inheritdoc />
    public override string ApiVersion => Groups.Gateway + "/v1";

    /// <summary>The parents: Gateways, ListenerSets, or Services (GAMMA).</summary>
    public EquatableArray<ObjectRefBuilder> ParentRefs { get; init; }

    /// <summary>The hostnames (HTTPRoute, GRPCRoute, TLSRoute); empty for every hostname of the listener.</summary>
    public EquatableArray<string> Hostnames { get; init; } = [];

    /// <summary>The number of rules.</summary>
    public abstract int RuleCount { get; }

    private protected override void RenderBody(JsonObject manifest)
        => manifest["spec"] = Json.Obj(
            ("parentRefs", Json.ArrayOrNull(ParentRefs.Select(p => (JsonNode?)p.ParentJson()))),
            ("hostnames", Json.Strings(Hostnames)),
            ("rules", Json.ArrayOrNull(RulesJson())));

    private protected abstract IEnumerable<JsonNode?> RulesJson();

    /// <summary>The backend references of every rule: (rule, site, backend), mirrors included.</summary>
    private protected abstract IEnumerable<(string Site, BackendRefBuilder Backend)> Backends();

    /// <summary>This route with the doomed backends (and mirrors) removed; null when a rule or the route cannot stand.</summary>
    private protected abstract RouteBuilder? WithoutBackends(IReadOnlySet<Reference> doomed);

    private protected abstract RouteBuilder RetargetBackends(ResourceKey target, string name);

    private protected abstract IEnumerable<RouteBuilder> ShrinkRules();

    internal override IEnumerable<Reference> References()
        => ParentRefs.Select((p, i) => p.AsReference(ReferenceRole.Parent, Namespace, $"spec.parentRefs[{i}]"))
            .Concat(Backends().Select(b => b.Backend.AsReference(Namespace, b.Site)));

    internal override ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed)
    {
        var parents = ParentRefs.Where((p, i) => !doomed.Contains(p.AsReference(ReferenceRole.Parent, Namespace, $"spec.parentRefs[{i}]"))).ToEquatableArray();
        if (parents.IsEmpty && !ParentRefs.IsEmpty)
        {
            return null;
        }

        return (this with { ParentRefs = parents }).WithoutBackends(doomed);
    }

    internal override ObjectBuilder RetargetReferences(ResourceKey target, string name)
        => (this with { ParentRefs = [.. ParentRefs.Select(p => p.Retarget(Namespace, target, name))] }).RetargetBackends(target, name);

    internal override ObjectBuilder RetargetSections(ResourceKey target, string from, string to)
        => this with { ParentRefs = [.. ParentRefs.Select(p => p.RetargetSection(Namespace, target, from, to))] };

    internal override IEnumerable<ObjectBuilder> ShrinkParts()
    {
        for (var i = ParentRefs.Count - 1; i >= 0 && ParentRefs.Count > 1; i--)
        {
            yield return this with { ParentRefs = ServiceBuilder.Without(ParentRefs, i) };
        }

        foreach (var (p, i) in ParentRefs.Select((p, i) => (p, i)))
        {
            if (p.SectionName is not null)
            {
                yield return this with { ParentRefs = ServiceBuilder.Replace(ParentRefs, i, p with { SectionName = null }) };
            }

            if (p.Port is not null)
            {
                yield return this with { ParentRefs = ServiceBuilder.Replace(ParentRefs, i, p with { Port = null }) };
            }
        }

        for (var i = Hostnames.Count - 1; i >= 0; i--)
        {
            if (Hostnames.Count > 1 || Kind != "TLSRoute")
            {
                yield return this with { Hostnames = ServiceBuilder.Without(Hostnames, i) };
            }
        }

        foreach (var smaller in ShrinkRules())
        {
            yield return smaller;
        }
    }

    /// <summary>Backends without the doomed ones.</summary>
    private protected EquatableArray<BackendRefBuilder> Keep(EquatableArray<BackendRefBuilder> backends, string site, IReadOnlySet<Reference> doomed)
        => backends.Where((b, i) => !doomed.Contains(b.AsReference(Namespace, $"{site}.backendRefs[{i}]"))).ToEquatableArray();

    /// <summary>Filters without mirrors of doomed targets.</summary>
    private protected EquatableArray<FilterBuilder> Keep(EquatableArray<FilterBuilder> filters, string site, IReadOnlySet<Reference> doomed)
        => filters.Where((f, i) => f.Mirror is not { } m || !doomed.Contains(m.AsReference(Namespace, $"{site}.filters[{i}].requestMirror.backendRef"))).ToEquatableArray();

    private protected static IEnumerable<(string Site, BackendRefBuilder Backend)> BackendsOf(string site, EquatableArray<BackendRefBuilder> backends, EquatableArray<FilterBuilder> filters)
        => backends.Select((b, i) => ($"{site}.backendRefs[{i}]", b))
            .Concat(filters.Select((f, i) => (f, i)).Where(x => x.f.Mirror is not null).Select(x => ($"{site}.filters[{x.i}].requestMirror.backendRef", x.f.Mirror!)));

    private protected EquatableArray<FilterBuilder> Retarget(EquatableArray<FilterBuilder> filters, ResourceKey target, string name)
        => [.. filters.Select(f => f.Mirror is { } m ? f with { Mirror = m.Retarget(Namespace, target, name) } : f)];

    private protected EquatableArray<BackendRefBuilder> Retarget(EquatableArray<BackendRefBuilder> backends, ResourceKey target, string name)
        => [.. backends.Select(b => b.Retarget(Namespace, target, name))];

    /// <summary>Shrinks shared by every rule kind: one backend (of several) or one filter removed.</summary>
    private protected static IEnumerable<(EquatableArray<BackendRefBuilder> Backends, EquatableArray<FilterBuilder> Filters)> ShrinkBackendsAndFilters(
        EquatableArray<BackendRefBuilder> backends, EquatableArray<FilterBuilder> filters, int minimumBackends)
    {
        for (var i = backends.Count - 1; i >= 0 && backends.Count > minimumBackends; i--)
        {
            yield return (ServiceBuilder.Without(backends, i), filters);
        }

        foreach (var (b, i) in backends.Select((b, i) => (b, i)).Where(x => x.b.Weight is not null))
        {
            yield return (ServiceBuilder.Replace(backends, i, b with { Weight = null }), filters);
        }

        for (var i = filters.Count - 1; i >= 0; i--)
        {
            yield return (backends, ServiceBuilder.Without(filters, i));
        }
    }
}

/// <summary>An HTTPRoute.</summary>
public sealed record HttpRouteBuilder : RouteBuilder
{
    /// <summary>An HTTPRoute.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="parents">Its parents.</param>
    public HttpRouteBuilder(string @namespace, string name, params ObjectRefBuilder[] parents)
        : base(@namespace, name, parents)
    {
    }

    /// <inheritdoc />
    public override string Kind => "HTTPRoute";

    /// <summary>The rules; none means one rule matching every request, with no backend.</summary>
    public EquatableArray<HttpRuleBuilder> Rules { get; init; } = [];

    /// <inheritdoc />
    public override int RuleCount => Rules.Count;

    private protected override IEnumerable<JsonNode?> RulesJson() => Rules.Select(r => (JsonNode?)r.ToJson());

    private protected override IEnumerable<(string Site, BackendRefBuilder Backend)> Backends()
        => Rules.SelectMany((r, i) => BackendsOf($"spec.rules[{i}]", r.BackendRefs, r.Filters));

    private protected override RouteBuilder? WithoutBackends(IReadOnlySet<Reference> doomed)
        => this with { Rules = [.. Rules.Select((r, i) => r with { BackendRefs = Keep(r.BackendRefs, $"spec.rules[{i}]", doomed), Filters = Keep(r.Filters, $"spec.rules[{i}]", doomed) })] };

    private protected override RouteBuilder RetargetBackends(ResourceKey target, string name)
        => this with { Rules = [.. Rules.Select(r => r with { BackendRefs = Retarget(r.BackendRefs, target, name), Filters = Retarget(r.Filters, target, name) })] };

    internal override IEnumerable<string> Sections() => Rules.Select(r => r.Name).OfType<string>();

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Rules = [.. Rules.Select(r => r.Name == from ? r with { Name = to } : r)] };

    private protected override IEnumerable<RouteBuilder> ShrinkRules()
    {
        for (var i = Rules.Count - 1; i >= 0 && Rules.Count > 1; i--)
        {
            yield return this with { Rules = ServiceBuilder.Without(Rules, i) };
        }

        // A lone empty rule is what the CRD defaults give a route without rules.
        if (Rules.Count == 1 && Rules[0] == new HttpRuleBuilder())
        {
            yield return this with { Rules = [] };
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            for (var m = rule.Matches.Count - 1; m >= 0; m--)
            {
                yield return With(i, rule with { Matches = ServiceBuilder.Without(rule.Matches, m) });
            }

            for (var m = 0; m < rule.Matches.Count; m++)
            {
                foreach (var match in rule.Matches[m].ShrinkParts())
                {
                    yield return With(i, rule with { Matches = ServiceBuilder.Replace(rule.Matches, m, match) });
                }
            }

            foreach (var (backends, filters) in ShrinkBackendsAndFilters(rule.BackendRefs, rule.Filters, 0))
            {
                yield return With(i, rule with { BackendRefs = backends, Filters = filters });
            }
        }
    }

    private HttpRouteBuilder With(int index, HttpRuleBuilder rule) => this with { Rules = ServiceBuilder.Replace(Rules, index, rule) };
}

/// <summary>A GRPCRoute.</summary>
public sealed record GrpcRouteBuilder : RouteBuilder
{
    /// <summary>A GRPCRoute.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="parents">Its parents.</param>
    public GrpcRouteBuilder(string @namespace, string name, params ObjectRefBuilder[] parents)
        : base(@namespace, name, parents)
    {
    }

    /// <inheritdoc />
    public override string Kind => "GRPCRoute";

    /// <summary>The rules.</summary>
    public EquatableArray<GrpcRuleBuilder> Rules { get; init; } = [];

    /// <inheritdoc />
    public override int RuleCount => Rules.Count;

    private protected override IEnumerable<JsonNode?> RulesJson() => Rules.Select(r => (JsonNode?)r.ToJson());

    private protected override IEnumerable<(string Site, BackendRefBuilder Backend)> Backends()
        => Rules.SelectMany((r, i) => BackendsOf($"spec.rules[{i}]", r.BackendRefs, r.Filters));

    private protected override RouteBuilder? WithoutBackends(IReadOnlySet<Reference> doomed)
        => this with { Rules = [.. Rules.Select((r, i) => r with { BackendRefs = Keep(r.BackendRefs, $"spec.rules[{i}]", doomed), Filters = Keep(r.Filters, $"spec.rules[{i}]", doomed) })] };

    private protected override RouteBuilder RetargetBackends(ResourceKey target, string name)
        => this with { Rules = [.. Rules.Select(r => r with { BackendRefs = Retarget(r.BackendRefs, target, name), Filters = Retarget(r.Filters, target, name) })] };

    internal override IEnumerable<string> Sections() => Rules.Select(r => r.Name).OfType<string>();

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Rules = [.. Rules.Select(r => r.Name == from ? r with { Name = to } : r)] };

    private protected override IEnumerable<RouteBuilder> ShrinkRules()
    {
        for (var i = Rules.Count - 1; i >= 0 && Rules.Count > 1; i--)
        {
            yield return this with { Rules = ServiceBuilder.Without(Rules, i) };
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            for (var m = rule.Matches.Count - 1; m >= 0; m--)
            {
                yield return With(i, rule with { Matches = ServiceBuilder.Without(rule.Matches, m) });
            }

            for (var m = 0; m < rule.Matches.Count; m++)
            {
                var match = rule.Matches[m];
                if (match.Method is not null && match.Service is not null)
                {
                    yield return With(i, rule with { Matches = ServiceBuilder.Replace(rule.Matches, m, match with { Method = null }) });
                }

                for (var h = match.Headers.Count - 1; h >= 0; h--)
                {
                    yield return With(i, rule with { Matches = ServiceBuilder.Replace(rule.Matches, m, match with { Headers = ServiceBuilder.Without(match.Headers, h) }) });
                }
            }

            foreach (var (backends, filters) in ShrinkBackendsAndFilters(rule.BackendRefs, rule.Filters, 0))
            {
                yield return With(i, rule with { BackendRefs = backends, Filters = filters });
            }
        }
    }

    private GrpcRouteBuilder With(int index, GrpcRuleBuilder rule) => this with { Rules = ServiceBuilder.Replace(Rules, index, rule) };
}

/// <summary>A TLSRoute, TCPRoute or UDPRoute: one rule of backends; TLSRoutes also have hostnames (SNI).</summary>
public sealed record StreamRouteBuilder : RouteBuilder
{
    /// <summary>A stream route.</summary>
    /// <param name="kind"><c>TLSRoute</c>, <c>TCPRoute</c> or <c>UDPRoute</c>.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <param name="parents">Its parents.</param>
    public StreamRouteBuilder(string kind, string @namespace, string name, params ObjectRefBuilder[] parents)
        : base(@namespace, name, parents)
    {
        RouteKind = kind is "TLSRoute" or "TCPRoute" or "UDPRoute"
            ? kind
            : throw new ArgumentException($"\"{kind}\" is not TLSRoute, TCPRoute or UDPRoute.", nameof(kind));
    }

    /// <summary>The kind: <c>TLSRoute</c>, <c>TCPRoute</c> or <c>UDPRoute</c>.</summary>
    public string RouteKind { get; init; }

    /// <inheritdoc />
    public override string Kind => RouteKind;

    /// <summary>The rules (exactly one for a valid route).</summary>
    public EquatableArray<StreamRuleBuilder> Rules { get; init; } = [];

    /// <inheritdoc />
    public override int RuleCount => Rules.Count;

    private protected override IEnumerable<JsonNode?> RulesJson() => Rules.Select(r => (JsonNode?)r.ToJson());

    private protected override IEnumerable<(string Site, BackendRefBuilder Backend)> Backends()
        => Rules.SelectMany((r, i) => BackendsOf($"spec.rules[{i}]", r.BackendRefs, []));

    private protected override RouteBuilder? WithoutBackends(IReadOnlySet<Reference> doomed)
    {
        var rules = Rules.Select((r, i) => r with { BackendRefs = Keep(r.BackendRefs, $"spec.rules[{i}]", doomed) }).Where(r => !r.BackendRefs.IsEmpty).ToEquatableArray();
        return rules.IsEmpty ? null : this with { Rules = rules };
    }

    private protected override RouteBuilder RetargetBackends(ResourceKey target, string name)
        => this with { Rules = [.. Rules.Select(r => r with { BackendRefs = Retarget(r.BackendRefs, target, name) })] };

    internal override IEnumerable<string> Sections() => Rules.Select(r => r.Name).OfType<string>();

    internal override ObjectBuilder RenameSection(string from, string to)
        => this with { Rules = [.. Rules.Select(r => r.Name == from ? r with { Name = to } : r)] };

    private protected override IEnumerable<RouteBuilder> ShrinkRules()
    {
        for (var i = 0; i < Rules.Count; i++)
        {
            foreach (var (backends, _) in ShrinkBackendsAndFilters(Rules[i].BackendRefs, [], 1))
            {
                yield return this with { Rules = ServiceBuilder.Replace(Rules, i, Rules[i] with { BackendRefs = backends }) };
            }
        }
    }
}
