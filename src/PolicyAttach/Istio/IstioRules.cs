using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;

namespace PolicyAttach.Istio;

/// <summary>An HTTP rule as it takes effect: delegation resolved, its matches combined with the root's.</summary>
internal sealed record EffectiveHttpRule
{
    /// <summary>The VirtualService bound to the host (the root of a delegation).</summary>
    public required VirtualServiceObject Root { get; init; }

    /// <summary>The VirtualService that wrote the rule: the root, or the delegate.</summary>
    public required VirtualServiceObject Owner { get; init; }

    /// <summary>The rule whose actions apply.</summary>
    public required IstioHttpRule Rule { get; init; }

    /// <summary>The match blocks in effect (ORed); empty matches every request.</summary>
    public required EquatableArray<IstioHttpMatch> Matches { get; init; }

    /// <summary>The root rule that delegates to this one, or null.</summary>
    public IstioHttpRule? RootRule { get; init; }

    /// <summary>The rule's origin for reports (with the delegating root rule, if any).</summary>
    public RuleOrigin Origin => new(Owner.Key, Rule.Field) { Via = RootRule is null ? null : new RuleOrigin(Root.Key, RootRule.Field) };
}

/// <summary>Where an HTTP rule is evaluated: a gateway (and its server port and scheme) or the mesh (and the client).</summary>
internal sealed record IstioContext
{
    /// <summary>The Istio Gateway, or null for the mesh (sidecars).</summary>
    public ResourceKey? Gateway { get; init; }

    /// <summary>The server port (gateway) or the Service port (mesh).</summary>
    public int Port { get; init; }

    /// <summary><c>http</c> or <c>https</c>: what the request's <c>:scheme</c> is in this context.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>The labels of the proxy applying the rules: the gateway's selector, or the calling workload's labels.</summary>
    public StringMap ProxyLabels { get; init; } = StringMap.Empty;

    /// <summary>The namespace of the proxy applying the rules: the gateway's, or the calling workload's.</summary>
    public string ProxyNamespace { get; init; } = string.Empty;

    /// <summary>
    /// Whether the traffic is gRPC: a gateway server of protocol <c>GRPC</c>, or a mesh Service port Istio reads as
    /// gRPC (<see cref="IstioRules.IsGrpcPort"/>). Its rules become GRPCRoutes.
    /// </summary>
    public bool Grpc { get; init; }
}

/// <summary>
/// The parts of VirtualService semantics the model and the converter share: delegation, and which match blocks
/// apply to which proxy. Facts from the VirtualService reference (HTTPRoute.delegate, HTTPMatchRequest) and the
/// traffic management best practices page (merging VirtualServices).
/// </summary>
internal static class IstioRules
{
    /// <summary>
    /// Whether Istio reads a Service port as gRPC (protocol selection): <c>appProtocol: grpc</c>, which takes
    /// precedence over the name, or else a name <c>grpc</c> or <c>grpc-SUFFIX</c> (but <c>grpc-web</c>, a protocol of
    /// its own). Case-insensitive.
    /// </summary>
    public static bool IsGrpcPort(Model.ServicePort port)
    {
        if (port.AppProtocol is { Length: > 0 } app)
        {
            return string.Equals(app, "grpc", StringComparison.OrdinalIgnoreCase);
        }

        var name = port.Name ?? string.Empty;
        return string.Equals(name, "grpc", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "grpc-web", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("grpc-web-", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The reserved gateway name for every sidecar (VirtualService reference, gateways).</summary>
    public const string Mesh = "mesh";

    /// <summary>Whether a gateway list names the mesh; an empty top-level list means the mesh.</summary>
    public static bool NamesMesh(EquatableArray<string> gateways, bool topLevel) => (topLevel && gateways.Count == 0) || gateways.Contains(Mesh, StringComparer.Ordinal);

    /// <summary>
    /// Whether a gateway list names an Istio Gateway: <c>namespace/name</c>, or <c>name</c> for the namespace of the
    /// VirtualService (VirtualService reference, gateways).
    /// </summary>
    public static bool NamesGateway(EquatableArray<string> gateways, string vsNamespace, ResourceKey gateway)
        => gateways.Any(g => g != Mesh && GatewayKey(g, vsNamespace) == (gateway.Namespace, gateway.Name));

    /// <summary>The (namespace, name) a gateway reference names.</summary>
    public static (string Namespace, string Name) GatewayKey(string reference, string vsNamespace)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (vsNamespace, reference) : (reference[..slash], reference[(slash + 1)..]);
    }

    /// <summary>
    /// The rules of a VirtualService in effect: a rule with <c>delegate</c> is replaced by the delegate
    /// VirtualService's rules (namespace defaulting to the root's), each match combined with the root rule's. The
    /// reference allows one level of delegation and says a delegate's match must be a strict subset of the root's,
    /// otherwise "there is a conflict and the HTTPRoute will not take effect": such combinations are left out and
    /// returned in <paramref name="problems"/>.
    /// </summary>
    public static List<EffectiveHttpRule> Expand(VirtualServiceObject vs, IReadOnlyList<VirtualServiceObject> all, List<(EffectiveHttpRule? Rule, string Field, string Message)>? problems)
    {
        var result = new List<EffectiveHttpRule>();
        foreach (var rule in vs.Http)
        {
            if (rule.Delegate is not { } d)
            {
                result.Add(new EffectiveHttpRule { Root = vs, Owner = vs, Rule = rule, Matches = rule.Matches });
                continue;
            }

            var target = all.FirstOrDefault(v => v.Key.Namespace == (string.IsNullOrEmpty(d.Namespace) ? vs.Key.Namespace : d.Namespace) && v.Key.Name == d.Name);
            if (target is null || !target.IsDelegate)
            {
                problems?.Add((null, d.Field, target is null
                    ? $"the delegate VirtualService {d.Namespace ?? vs.Key.Namespace}/{d.Name} is not in the input; the rule routes nothing."
                    : $"VirtualService {target.Key.Namespace}/{target.Key.Name} has hosts, so it cannot be a delegate; the rule routes nothing."));
                continue;
            }

            foreach (var inner in target.Http)
            {
                if (inner.Delegate is not null)
                {
                    problems?.Add((null, inner.Delegate.Value.Field, "only one level of delegation is supported; the nested delegate routes nothing."));
                    continue;
                }

                var matches = new List<IstioHttpMatch>();
                var conflicts = 0;
                List<IstioHttpMatch?> roots = rule.Matches.Count == 0 ? [null] : [.. rule.Matches];
                List<IstioHttpMatch?> inners = inner.Matches.Count == 0 ? [null] : [.. inner.Matches];
                foreach (var r in roots)
                {
                    foreach (var i in inners)
                    {
                        if (r is null || i is null)
                        {
                            if ((r ?? i) is { } only)
                            {
                                matches.Add(only);
                            }

                            continue;
                        }

                        if (Combine(r, i) is { } both)
                        {
                            matches.Add(both);
                        }
                        else
                        {
                            conflicts++;
                        }
                    }
                }

                var effective = new EffectiveHttpRule { Root = vs, Owner = target, Rule = inner, Matches = matches.ToEquatableArray(), RootRule = rule };
                if (conflicts > 0)
                {
                    problems?.Add((effective, inner.Field, $"{conflicts} combination(s) of this delegate rule's matches with the root rule {vs.Key.Namespace}/{vs.Key.Name} {rule.Field} are not a subset of the root's match and do not take effect."));
                }

                if (matches.Count > 0 || (rule.Matches.Count == 0 && inner.Matches.Count == 0))
                {
                    result.Add(effective);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The match blocks of a rule that apply to a proxy, with the selector-like fields removed (they are not runtime
    /// matches: <c>gateways</c>, <c>port</c>, <c>sourceLabels</c>, <c>sourceNamespace</c>). A rule with matches of
    /// which none applies is not used by that proxy; a rule without matches applies everywhere.
    /// </summary>
    /// <returns>The applicable matches; null when the rule does not apply at all.</returns>
    public static List<IstioHttpMatch>? Specialize(EffectiveHttpRule rule, IstioContext context)
    {
        if (rule.Matches.Count == 0)
        {
            return [];
        }

        var result = new List<IstioHttpMatch>();
        foreach (var m in rule.Matches)
        {
            if (Applies(m.Gateways, m.Port, m.SourceLabels, m.SourceNamespace, rule.Root, context))
            {
                result.Add(m with { Gateways = [], Port = null, SourceLabels = StringMap.Empty, SourceNamespace = null });
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>Whether a match block's selector fields let it apply to the proxy of the context.</summary>
    public static bool Applies(EquatableArray<string> gateways, int? port, StringMap sourceLabels, string? sourceNamespace, VirtualServiceObject vs, IstioContext context)
    {
        if (gateways.Count > 0)
        {
            var named = context.Gateway is { } g ? NamesGateway(gateways, vs.Key.Namespace, g) : gateways.Contains(Mesh, StringComparer.Ordinal);
            if (!named)
            {
                return false;
            }
        }

        if (port is { } p && p != context.Port)
        {
            return false;
        }

        // sourceLabels and sourceNamespace select proxies; the reference says they only apply when the
        // VirtualService's gateways include the mesh. For a VirtualService bound to gateways only, they are ignored.
        var selectors = context.Gateway is null || NamesMesh(vs.Gateways, topLevel: true);
        if (selectors && sourceLabels.Any(l => context.ProxyLabels.GetValueOrDefault(l.Key) != l.Value))
        {
            return false;
        }

        return !selectors || sourceNamespace is null || sourceNamespace.Length == 0 || string.Equals(sourceNamespace, context.ProxyNamespace, StringComparison.Ordinal);
    }

    private static IstioHttpMatch? Combine(IstioHttpMatch root, IstioHttpMatch inner)
    {
        if (!CombineString(root.Uri, inner.Uri, out var uri) || !CombineString(root.Scheme, inner.Scheme, out var scheme)
            || !CombineString(root.Method, inner.Method, out var method) || !CombineString(root.Authority, inner.Authority, out var authority)
            || !CombineNamed(root.Headers, inner.Headers, out var headers) || !CombineNamed(root.QueryParams, inner.QueryParams, out var query)
            || !CombineNamed(root.WithoutHeaders, inner.WithoutHeaders, out var without))
        {
            return null;
        }

        if (root.Port is { } a && inner.Port is { } b && a != b)
        {
            return null;
        }

        if (root.SourceNamespace is { Length: > 0 } x && inner.SourceNamespace is { Length: > 0 } y && x != y)
        {
            return null;
        }

        if (root.SourceLabels.Any(l => inner.SourceLabels.TryGetValue(l.Key, out var v) && v != l.Value))
        {
            return null;
        }

        return inner with
        {
            Uri = uri,
            Scheme = scheme,
            Method = method,
            Authority = authority,
            Headers = headers,
            QueryParams = query,
            WithoutHeaders = without,
            Port = root.Port ?? inner.Port,
            SourceNamespace = root.SourceNamespace is { Length: > 0 } ? root.SourceNamespace : inner.SourceNamespace,
            SourceLabels = StringMap.Create(root.SourceLabels.Concat(inner.SourceLabels).DistinctBy(p => p.Key, StringComparer.Ordinal)),
            Gateways = root.Gateways.Count > 0 ? root.Gateways : inner.Gateways,
            IgnoreUriCase = root.IgnoreUriCase || inner.IgnoreUriCase,
        };
    }

    /// <summary>A delegate's condition on a property the root also matches must be within the root's.</summary>
    private static bool CombineString(IstioStringMatch? root, IstioStringMatch? inner, out IstioStringMatch? result)
    {
        result = inner ?? root;
        if (root is null || inner is null || root.Kind == StringMatchKind.Present)
        {
            return true;
        }

        if (root.Kind == inner.Kind && root.Value == inner.Value)
        {
            return true;
        }

        return root.Kind == StringMatchKind.Prefix && inner.Kind is StringMatchKind.Prefix or StringMatchKind.Exact
            && inner.Value.StartsWith(root.Value, StringComparison.Ordinal);
    }

    private static bool CombineNamed(EquatableArray<IstioNamedMatch> root, EquatableArray<IstioNamedMatch> inner, out EquatableArray<IstioNamedMatch> result)
    {
        var list = new List<IstioNamedMatch>(inner);
        foreach (var r in root)
        {
            var same = list.FirstOrDefault(i => string.Equals(i.Name, r.Name, StringComparison.OrdinalIgnoreCase));
            if (same is null)
            {
                list.Add(r);
            }
            else if (!CombineString(r.Match, same.Match, out _))
            {
                result = [];
                return false;
            }
        }

        result = list.ToEquatableArray();
        return true;
    }
}
