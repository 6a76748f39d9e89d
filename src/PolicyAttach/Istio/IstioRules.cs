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
internal static partial class IstioRules
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

    /// <summary>
    /// Whether a Service port declares an HTTP protocol Istio routes with <c>http</c> rules (protocol selection): its
    /// <c>appProtocol</c>, or else its name's prefix (<c>PROTOCOL</c> or <c>PROTOCOL-SUFFIX</c>), is http, http2,
    /// h2c, grpc or grpc-web (or <c>kubernetes.io/h2c</c>). Istio applies a VirtualService's <c>tcp</c> rules to the
    /// other ports (declared TCP-like, or sniffed: a connection that is not HTTP).
    /// </summary>
    public static bool IsDeclaredHttpPort(Model.ServicePort port)
    {
        var protocol = port.AppProtocol is { Length: > 0 } app ? app : (port.Name ?? string.Empty).Split('-')[0];
        return protocol.ToLowerInvariant() is "http" or "http2" or "h2c" or "grpc" or "grpc-web" or "kubernetes.io/h2c";
    }

    /// <summary>
    /// Whether a mesh VirtualService's http rules for a Service port (or every port) become GRPCRoutes: Istio reads
    /// every such port as gRPC (<see cref="IsGrpcPort"/>), or none of them and the rules are gRPC-only
    /// (<paramref name="grpcOnlyRules"/>: <see cref="NotGrpcOnly"/> found nothing), as on a Gateway's HTTP server.
    /// </summary>
    public static bool MeshGrpc(Service svc, int? port, bool grpcOnlyRules)
    {
        var ports = svc.Ports.Where(p => port is null || p.Port == port).ToList();
        return ports.Count > 0 && (ports.All(IsGrpcPort) || (grpcOnlyRules && !ports.Any(IsGrpcPort)));
    }

    /// <summary>Whether a VirtualService's <c>tcp</c> rules apply in the mesh: it is no delegate, has tcp rules, and names the mesh (or no gateway).</summary>
    public static bool MeshTcp(VirtualServiceObject vs) => !vs.IsDelegate && vs.Tcp.Count > 0 && NamesMesh(vs.Gateways, topLevel: true);

    /// <summary>
    /// The first <c>tcp</c> rule of a mesh VirtualService that applies to a connection to a Service port from a
    /// client namespace (a rule without matches, or a match whose gateways include the mesh, whose port is the
    /// port, and whose client selectors hold: <see cref="Applies"/>; clients carry no labels here, so a match with
    /// <c>sourceLabels</c> never applies, as for mesh http rules); null when none does. A null client namespace
    /// ignores <c>sourceNamespace</c> (the converter, whose TCPRoutes apply to every client).
    /// </summary>
    public static IstioL4Rule? FirstMeshTcpRule(VirtualServiceObject vs, int port, string? clientNamespace)
    {
        var context = new IstioContext { Gateway = null, Port = port, ProxyNamespace = clientNamespace ?? string.Empty };
        return vs.Tcp.FirstOrDefault(r => r.Matches.Count == 0
            || r.Matches.Any(m => Applies(m.Gateways, m.Port, m.SourceLabels, clientNamespace is null ? null : m.SourceNamespace, vs, context)));
    }

    /// <summary>
    /// Why a VirtualService's http rules on an HTTP server of a Gateway are not gRPC-only, or null when they are: every
    /// rule has destinations and every destination is a Service port Istio reads as gRPC (<see cref="IsGrpcPort"/>;
    /// the destination's port, or the Service's only port), and every match has an exact GRPCRoute form (no uri, or
    /// <c>prefix: /</c>; <c>exact: /S/M</c>; <c>prefix: /S/</c>, with service and method names the CRD accepts;
    /// no regular expression, no <c>ignoreUriCase</c>, no query parameters, no method but POST). Such rules become
    /// GRPCRoutes on the server's listener, as on a GRPC server.
    /// </summary>
    public static string? NotGrpcOnly(IReadOnlyList<EffectiveHttpRule> rules, Snapshot snapshot, string clusterDomain)
    {
        if (rules.Count == 0)
        {
            return "it has no http rules";
        }

        foreach (var rule in rules)
        {
            if (rule.Rule.Route.Count == 0)
            {
                return $"{rule.Rule.Field} has no destinations (a redirect or a direct response)";
            }

            foreach (var d in rule.Rule.Route)
            {
                var svc = ServiceHosts.Resolve(d.Destination.Host, rule.Owner.Key.Namespace, clusterDomain) is { } key ? snapshot.Find<Service>(key) : null;
                var port = svc is null ? null : d.Destination.Port is { } number ? svc.FindPort(number) : svc.Ports.Count == 1 ? svc.Ports[0] : null;
                if (port is null || !IsGrpcPort(port))
                {
                    return $"{d.Field} is not a Service port Istio reads as gRPC (appProtocol grpc, or a port named grpc or grpc-*)";
                }
            }

            foreach (var m in rule.Matches)
            {
                if (GrpcFormOf(m) is { } why)
                {
                    return $"{m.Field} {why}";
                }
            }
        }

        return null;
    }

    /// <summary>Why a match has no exact GRPCRoute form, or null when it has one.</summary>
    private static string? GrpcFormOf(IstioHttpMatch m)
    {
        if (m.QueryParams.Count > 0)
        {
            return "has query parameters, which no gRPC call has";
        }

        if (m.Method is { } method && !(method.Kind == StringMatchKind.Present || (method.Kind == StringMatchKind.Exact && method.Value == "POST")))
        {
            return "has a method condition other than POST";
        }

        if (m.Uri is not { } uri || uri.Kind == StringMatchKind.Present || (uri.Kind == StringMatchKind.Prefix && uri.Value == "/"))
        {
            return null;
        }

        if (m.IgnoreUriCase)
        {
            return "ignores the uri's case, which GRPCRoute method matches cannot";
        }

        var parts = uri.Value.Split('/');
        var exact = uri.Kind == StringMatchKind.Exact && parts.Length == 3 && parts[0].Length == 0 && GrpcService().IsMatch(parts[1]) && GrpcMethodName().IsMatch(parts[2]);
        var service = uri.Kind == StringMatchKind.Prefix && parts.Length == 3 && parts[0].Length == 0 && GrpcService().IsMatch(parts[1]) && parts[2].Length == 0;
        return exact || service ? null : $"matches the uri \"{uri.Value}\" ({uri.Kind.ToString().ToLowerInvariant()}), which is no gRPC service (prefix /S/) or method (exact /S/M)";
    }

    /// <summary>The CRD's pattern of an Exact GRPCRoute service (case-insensitive).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$")]
    internal static partial System.Text.RegularExpressions.Regex GrpcService();

    /// <summary>The CRD's pattern of an Exact GRPCRoute method.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z_0-9]*$")]
    internal static partial System.Text.RegularExpressions.Regex GrpcMethodName();

    /// <summary>The VirtualServices (not delegates) bound to a Gateway, at the top level or in a match.</summary>
    public static List<VirtualServiceObject> BoundTo(IEnumerable<VirtualServiceObject> ordered, ResourceKey gateway)
        => ordered.Where(v => !v.IsDelegate && (NamesGateway(v.Gateways, v.Key.Namespace, gateway)
            || v.Http.Any(r => r.Matches.Any(m => NamesGateway(m.Gateways, v.Key.Namespace, gateway))))).ToList();

    /// <summary>
    /// Whether a VirtualService's http rules on a Gateway's HTTP servers become GRPCRoutes: it and every VirtualService
    /// bound to the Gateway that shares a host with it, directly or through others, are gRPC-only
    /// (<see cref="NotGrpcOnly"/>). A host then gets GRPCRoutes only (Gateway API would otherwise route its gRPC calls
    /// by the GRPCRoutes alone), and --verify sends it gRPC calls.
    /// </summary>
    public static bool GrpcPromoted(VirtualServiceObject vs, IReadOnlyList<VirtualServiceObject> bound, IReadOnlyList<VirtualServiceObject> all, Snapshot snapshot, string clusterDomain)
    {
        var seen = new List<VirtualServiceObject> { vs };
        for (var i = 0; i < seen.Count; i++)
        {
            if (NotGrpcOnly(Expand(seen[i], all, null), snapshot, clusterDomain) is not null)
            {
                return false;
            }

            seen.AddRange(bound.Where(o => o.Http.Count > 0 && !seen.Contains(o) && o.Hosts.Any(h => seen[i].Hosts.Any(x => IstioRouter.IntersectHosts(x, h) is not null))));
        }

        return true;
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
