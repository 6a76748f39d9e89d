using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

/// <summary>One output rule being planned: its matches, actions and origin.</summary>
internal sealed record RulePlan
{
    public required List<MatchSpec> Matches { get; init; }

    public required EffectiveHttpRule Source { get; init; }

    /// <summary>The Istio match each original output match came from (for path-dependent rewrites), by position.</summary>
    public required List<IstioHttpMatch?> MatchOrigins { get; init; }

    public required RuleActions Actions { get; init; }

    /// <summary>Whether this is a copy of a later rule placed before a rule with <c>withoutHeaders</c>.</summary>
    public bool Shadow { get; init; }
}

/// <summary>What a rule does, before the path-dependent parts (prefix rewrites) are fixed per match.</summary>
internal sealed record RuleActions
{
    public EquatableArray<RouteBackendRef> Backends { get; init; } = [];

    public RouteFilter? Redirect { get; init; }

    /// <summary>Istio's redirect <c>prefixRewrite</c>, applied per match.</summary>
    public string? RedirectPrefixRewrite { get; init; }

    /// <summary>Istio's <c>rewrite.uri</c>, applied per match.</summary>
    public string? RewriteUri { get; init; }

    public string? RewriteHost { get; init; }

    public EquatableArray<RouteFilter> Filters { get; init; } = [];

    public HttpRouteTimeouts? Timeouts { get; init; }

    public HttpRouteRetry? Retry { get; init; }

    public string? Name { get; init; }
}

internal sealed partial class IstioConversion
{
    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    /// <summary>The match blocks that have no GRPCRoute form (a gRPC call may match them, but no GRPCRoute match says so).</summary>
    private readonly HashSet<IstioHttpMatch> _noGrpcForm = [];

    /// <summary>The rules converted in at least one context.</summary>
    private readonly HashSet<RuleOrigin> _converted = [];

    /// <summary>The HTTPRoutes made, with the Istio rule behind each output rule (for the policies).</summary>
    private readonly List<(HttpRoute Route, List<EffectiveHttpRule?> Rules, bool Mesh)> _httpRoutes = [];
    private readonly List<(GrpcRoute Route, List<EffectiveHttpRule?> Rules, bool Mesh)> _grpcRoutes = [];

    private void ConvertHttp()
    {
        foreach (var vs in _ordered.Where(v => !v.IsDelegate && v.Http.Count > 0))
        {
            var problems = new List<(EffectiveHttpRule? Rule, string Field, string Message)>();
            var rules = IstioRules.Expand(vs, _input.VirtualServices, problems);
            foreach (var (_, field, message) in problems)
            {
                var owner = _input.VirtualServices.FirstOrDefault(v => field.StartsWith("spec", StringComparison.Ordinal) && v.Http.Any(r => field.StartsWith(r.Field, StringComparison.Ordinal) && (r.Delegate is not null ? field.StartsWith(r.Delegate.Value.Field, StringComparison.Ordinal) : true)))?.Key ?? vs.Key;
                _ledger.Remark(owner == vs.Key ? vs.Key : owner, field, ConversionOutcome.Dropped, message, affectsRouting: true);
            }

            foreach (var rule in vs.Http.Where(r => r.Delegate is not null))
            {
                _ledger.Carried(vs.Key, rule.Delegate!.Value.Field, $"the delegate's rules are inlined here, each match combined with this rule's.");
                foreach (var m in rule.Matches)
                {
                    // A condition the delegate's match narrows (Istio requires it to lie within the root's) is carried
                    // by the delegate's; the others are converted as the root's and have their own notes.
                    _ledger.Carried(vs.Key, m.Field, "combined with each match of the delegate's rules: a condition a delegate's match narrows is carried by that match's; the others are converted as this match's (see their notes).");
                }
            }

            ConvertGatewayRoutes(vs, rules);
            ConvertMeshRoutes(vs, rules);
            foreach (var rule in rules.Where(r => !_converted.Contains(r.Origin)))
            {
                var matches = rule.Matches;
                var why = matches.Any(m => m.SourceLabels.Count > 0)
                    ? "its matches select clients by labels (sourceLabels), which Gateway API cannot: no converted route carries it, so those clients are routed by the other rules."
                    : matches.Any(m => m.Gateways.Count > 0) ? "its matches name gateways that are not converted, or not the ones the rule could apply to." : matches.Any(m => m.Port is not null) ? "its matches name a port no converted listener or Service has." : "no converted gateway or Service it applies to.";
                _ledger.Dropped(rule.Owner.Key, rule.Rule.Field, "the rule is not converted: " + why, affectsRouting: true);
            }
        }

        foreach (var d in _ordered.Where(v => v.IsDelegate))
        {
            _ledger.Remark(d.Key, "spec", ConversionOutcome.Carried, "a delegate: its rules are inlined into the rules that delegate to it.", affectsRouting: false);
        }

        NoteFallThrough();
    }

    /// <summary>
    /// Envoy picks one virtual host per request host, so a request for a host that a VirtualService names exactly
    /// gets 404 when none of its rules matches, even if a wildcard VirtualService of the same gateway would route
    /// it; Gateway API ranks the routes of every hostname of a listener together, and such a request falls through
    /// to the wildcard's routes. The report says so on both VirtualServices, unless the specific one has a catch-all.
    /// </summary>
    private void NoteFallThrough()
    {
        foreach (var gw in _input.Gateways)
        {
            var bound = _ordered.Where(v => !v.IsDelegate && v.Http.Count > 0 && IstioRules.NamesGateway(v.Gateways, v.Key.Namespace, gw.Key)).ToList();
            foreach (var a in bound)
            {
                var rules = IstioRules.Expand(a, _input.VirtualServices, null);
                var catchAll = rules.Any(r => r.Matches.Count == 0 || r.Matches.Any(m => m.Uri is null or { Kind: StringMatchKind.Prefix, Value: "/" } or { Kind: StringMatchKind.Present }
                    && m.Headers.Count == 0 && m.QueryParams.Count == 0 && m.Method is null && m.Authority is null && m.Scheme is null && m.WithoutHeaders.Count == 0));
                if (catchAll)
                {
                    continue;
                }

                foreach (var b in bound.Where(b => b != a))
                {
                    foreach (var host in a.Hosts)
                    {
                        var wider = b.Hosts.FirstOrDefault(p => p != host && (p == "*" || (p.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(p[1..], StringComparison.OrdinalIgnoreCase))));
                        if (wider is null)
                        {
                            continue;
                        }

                        _ledger.Remark(a.Key, "spec.hosts", ConversionOutcome.Approximated, $"requests for {host} that no rule of this VirtualService matches get 404 in Istio (Envoy picks one virtual host per host); the converted routes let them fall through to the routes for {wider} (VirtualService {b.Key.Namespace}/{b.Key.Name}), since Gateway API ranks all routes of a listener together. Add a catch-all rule to this VirtualService to make both agree.", affectsRouting: true);
                        _ledger.Remark(b.Key, "spec.hosts", ConversionOutcome.Approximated, $"its routes for {wider} also take the requests for {host} that VirtualService {a.Key.Namespace}/{a.Key.Name} does not match, which Istio answers with 404.", affectsRouting: true);
                    }
                }
            }
        }
    }

    // ---- Gateway routes -------------------------------------------------------------------------------------

    private void ConvertGatewayRoutes(VirtualServiceObject vs, List<EffectiveHttpRule> rules)
    {
        var gatewayRefs = vs.Gateways.Where(g => g != IstioRules.Mesh)
            .Concat(rules.SelectMany(r => r.Matches).SelectMany(m => m.Gateways).Where(g => g != IstioRules.Mesh))
            .Select(g => IstioRules.GatewayKey(g, vs.Key.Namespace)).Distinct().ToList();
        var made = 0;
        foreach (var (ns, name) in gatewayRefs)
        {
            var gw = _input.Gateways.FirstOrDefault(g => g.Key.Namespace == ns && g.Key.Name == name);
            if (gw is null || !_gatewayMap.ContainsKey(gw.Key))
            {
                _ledger.Remark(vs.Key, "spec.gateways", ConversionOutcome.Dropped, $"Gateway {ns}/{name} is not in the input (or could not be converted); the rules bound to it are not converted for it.", affectsRouting: true);
                continue;
            }

            var target = _gatewayMap[gw.Key];
            var candidates = _listeners.Where(l => l.Gateway == gw && l.Role is ListenerRole.Http or ListenerRole.Https
                    && (l.Namespaces.Count == 0 || l.Namespaces.Contains(vs.Key.Namespace, StringComparer.Ordinal))
                    && vs.Hosts.Any(h => IstioRouter.IntersectHosts(h, l.Listener.Hostname ?? "*") is not null))
                .ToList();
            if (candidates.Count == 0)
            {
                _ledger.Remark(vs.Key, "spec.hosts", ConversionOutcome.Dropped, $"no HTTP or HTTPS server of Gateway {ns}/{name} exposes these hosts to namespace {vs.Key.Namespace}, so no route attaches there (Istio does not bind them either).", affectsRouting: false);
                continue;
            }

            // On an HTTP server, rules whose destinations are all gRPC ports become GRPCRoutes when every match has a
            // GRPCRoute form (IstioRules.GrpcPromoted); otherwise they stay HTTPRoutes and the report says why.
            var plainHttp = candidates.Any(l => l.Role == ListenerRole.Http && l.Server.Protocol is "HTTP" or "HTTP2");
            var promoted = plainHttp && IstioRules.GrpcPromoted(vs, IstioRules.BoundTo(_ordered, gw.Key), _input.VirtualServices, _snapshot, _options.ClusterDomain);
            if (plainHttp)
            {
                NoteGrpcPromotion(vs, rules, $"on the HTTP listeners of Gateway {gw.Key.Namespace}/{gw.Key.Name}", promoted);
            }

            var groups = new List<(List<ListenerPlan> Listeners, List<HttpRouteRule> Rules, List<EffectiveHttpRule?> Sources, bool Grpc)>();
            foreach (var group in candidates.GroupBy(l => (l.Listener.Port, l.Role, Grpc: l.Server.Protocol == "GRPC" || (promoted && l.Role == ListenerRole.Http && l.Server.Protocol is "HTTP" or "HTTP2"))))
            {
                var context = new IstioContext
                {
                    Gateway = gw.Key,
                    Port = group.Key.Port,
                    Scheme = group.Key.Role == ListenerRole.Https ? "https" : "http",
                    ProxyLabels = gw.Selector,
                    ProxyNamespace = gw.Key.Namespace,
                    Grpc = group.Key.Grpc,
                };
                var (built, sources) = BuildRules(vs, rules, context);
                var same = groups.FindIndex(g => g.Grpc == group.Key.Grpc && g.Rules.SequenceEqual(built));
                if (same >= 0)
                {
                    groups[same].Listeners.AddRange(group);
                }
                else
                {
                    groups.Add((group.ToList(), built, sources, group.Key.Grpc));
                }
            }

            foreach (var (listeners, built, sources, grpc) in groups)
            {
                if (built.Count == 0)
                {
                    continue;
                }

                var parents = listeners.Select(l => Parent(target, vs.Key.Namespace, l.Listener.Name)).ToEquatableArray();
                var hostnames = vs.Hosts.Any(h => h == "*") ? [] : vs.Hosts.Select(h => h.ToLowerInvariant()).Where(IsHostname).Distinct(StringComparer.Ordinal).ToEquatableArray();
                var baseName = gatewayRefs.Count == 1 && groups.Count == 1 ? vs.Key.Name : groups.Count == 1 ? $"{vs.Key.Name}-{name}" : $"{vs.Key.Name}-{name}-{listeners[0].Listener.Port}";
                EmitRoutes(vs, baseName, vs.Key.Namespace, parents, hostnames, built, sources, mesh: false, grpc);
                made++;
            }
        }

        foreach (var (host, i) in vs.Hosts.Select((h, i) => (h, i)))
        {
            if (gatewayRefs.Count > 0)
            {
                var field = $"spec.hosts[{i}]";
                if (host == "*" || IsHostname(host.ToLowerInvariant()))
                {
                    _ledger.Carried(vs.Key, field, host == "*" ? "the gateway routes have no hostnames: they serve every host of their listeners." : $"hostname {host.ToLowerInvariant()} of the gateway routes (Gateway API intersects it with the listener's hostname as Istio does with the server's hosts).");
                }
                else
                {
                    _ledger.Dropped(vs.Key, field, "not a hostname a route can carry (an IP address, a host with a port, or a short name); gateway routes do not serve it.", affectsRouting: true);
                }
            }
        }

        if (made > 0)
        {
            _ledger.Carried(vs.Key, "spec.gateways", "the routes' parentRefs name the converted Gateways' listeners that expose the hosts (sectionName per listener).");
        }
    }

    /// <summary>
    /// What the report says of a VirtualService whose destinations are all gRPC ports, where Istio does not read the
    /// traffic as gRPC: an HTTP server of a Gateway, or a mesh Service port that is not gRPC (<paramref name="where"/>
    /// says which, as "on ...").
    /// </summary>
    private void NoteGrpcPromotion(VirtualServiceObject vs, List<EffectiveHttpRule> rules, string where, bool promoted)
    {
        var why = IstioRules.NotGrpcOnly(rules, _snapshot, _options.ClusterDomain);
        if (promoted)
        {
            _ledger.Remark(vs.Key, "spec.http", ConversionOutcome.Approximated, $"every destination is a gRPC port and every match has a GRPCRoute form, so the rules become GRPCRoutes {where}, as where Istio reads the traffic as gRPC: gRPC calls are routed as Istio routes them; other HTTP requests, which Istio would pass to the gRPC backends, are not routed.", affectsRouting: false);
        }
        else if (why is null)
        {
            _ledger.Remark(vs.Key, "spec.http", ConversionOutcome.Carried, $"every destination is a gRPC port, but another VirtualService that shares a host {where} is not gRPC-only; the rules stay HTTPRoutes, and Gateway API routes gRPC calls over HTTPRoutes too.", affectsRouting: false);
        }
        else if (rules.Count > 0 && !why.Contains("not a Service port Istio reads as gRPC", StringComparison.Ordinal) && !why.Contains("has no destinations", StringComparison.Ordinal))
        {
            _ledger.Remark(vs.Key, "spec.http", ConversionOutcome.Carried, $"every destination is a gRPC port, but {why}: the rules stay HTTPRoutes {where} (Gateway API routes gRPC calls over HTTPRoutes too).", affectsRouting: false);
        }
    }

    private static bool IsHostname(string host)
        => host.Length is > 0 and <= 253 && !host.Contains(':', StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(host, out _)
            && (host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host).Split('.').All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');

    private static ParentReference Parent(ResourceKey gateway, string routeNamespace, string? section)
        => new() { Name = gateway.Name, Namespace = gateway.Namespace, NamespaceSet = gateway.Namespace != routeNamespace, SectionName = section };

    // ---- Mesh routes ----------------------------------------------------------------------------------------

    /// <summary>The client group that stands for every namespace the VirtualServices do not name.</summary>
    private const string OtherClients = "\u0000other";

    private void ConvertMeshRoutes(VirtualServiceObject vs, List<EffectiveHttpRule> rules)
    {
        var meshBound = IstioRules.NamesMesh(vs.Gateways, topLevel: true) || rules.SelectMany(r => r.Matches).Any(m => m.Gateways.Contains(IstioRules.Mesh, StringComparer.Ordinal));
        if (!meshBound)
        {
            return;
        }

        NoteMeshGateway(vs);

        var services = new List<ResourceKey>();
        foreach (var (host, i) in vs.Hosts.Select((h, i) => (h, i)))
        {
            var field = $"spec.hosts[{i}]";
            if (ServiceHosts.Resolve(host, vs.Key.Namespace, _options.ClusterDomain) is { } key)
            {
                if (_snapshot.Find<Service>(key) is null)
                {
                    _ledger.Dropped(vs.Key, field, $"Service {key.Namespace}/{key.Name} is not in the input; a mesh route needs the Service as its parent.", affectsRouting: true);
                    continue;
                }

                services.Add(key);
                _ledger.Carried(vs.Key, field, $"mesh routes have Service {key.Namespace}/{key.Name} as their parent (GAMMA).");
            }
            else if (host.Contains('*', StringComparison.Ordinal))
            {
                var matched = _snapshot.Services.Where(s => IstioRouter.HostMatches(host, ServiceHosts.Fqdn(s.Key, _options.ClusterDomain))).Select(s => s.Key).ToList();
                services.AddRange(matched);
                _ledger.Approximated(vs.Key, field, matched.Count == 0
                    ? "a wildcard host: a mesh route needs a Service parent, and no Service of the input matches it."
                    : $"a wildcard host: mesh routes are made for the {matched.Count} Service(s) of the input it matches ({string.Join(", ", matched.Select(m => m.Namespace + "/" + m.Name))}); Services added later are not covered.", affectsRouting: true);
            }
            else if (!vs.Gateways.Any(g => g != IstioRules.Mesh))
            {
                _ledger.Dropped(vs.Key, field, "not a Kubernetes Service host (short name or name.namespace.svc." + _options.ClusterDomain + "); external hosts (ServiceEntry) have no Gateway API mesh parent.", affectsRouting: true);
            }
        }

        if (vs.ExportTo.Count > 0)
        {
            _ledger.Carried(vs.Key, "spec.exportTo", "visibility by namespace: clients that see the VirtualService get its routes (producer or consumer routes), the others the Service's default routing.");
        }

        foreach (var service in services.Distinct())
        {
            var svc = _snapshot.Find<Service>(service)!;
            var groups = new List<string> { OtherClients, service.Namespace, vs.Key.Namespace };
            groups.AddRange(vs.ExportTo.Where(e => e is not "." and not "*"));
            groups.AddRange(rules.SelectMany(r => r.Matches).Select(m => m.SourceNamespace).OfType<string>().Where(n => n.Length > 0));
            var winners = groups.Distinct(StringComparer.Ordinal).ToDictionary(g => g, g => IstioRouter.MeshVirtualService(_ordered, service, g, _options.ClusterDomain), StringComparer.Ordinal);
            if (!winners.ContainsValue(vs))
            {
                _ledger.Remark(vs.Key, "spec.hosts", ConversionOutcome.Dropped, $"an older VirtualService for Service {service.Namespace}/{service.Name} takes effect in sidecars (\"host merging is not supported in sidecars\"; which one wins is undocumented, PolicyAttach takes the oldest), so this one is not converted for it.", affectsRouting: true);
                continue;
            }

            // Rules whose destinations are all gRPC ports, every match with a GRPCRoute form, become GRPCRoutes on the
            // Service's other ports too (IstioRules.MeshGrpc), as on a Gateway's HTTP server; otherwise the report says why not.
            var grpcOnly = IstioRules.NotGrpcOnly(rules, _snapshot, _options.ClusterDomain) is null;
            if (!svc.Ports.All(IstioRules.IsGrpcPort))
            {
                NoteGrpcPromotion(vs, rules, $"on the ports of Service {service.Namespace}/{service.Name} Istio does not read as gRPC", grpcOnly);
            }

            var splitPorts = rules.SelectMany(r => r.Matches).Any(m => m.Port is not null)
                || rules.Any(r => r.Rule.Route.Any(d => d.Destination.Port is null && ServiceHosts.Resolve(d.Destination.Host, r.Owner.Key.Namespace, _options.ClusterDomain) is { } k && _snapshot.Find<Service>(k) is { Ports.Count: > 1 }));
            // A Service with gRPC and other ports needs GRPCRoutes for some ports and HTTPRoutes for the others.
            splitPorts |= svc.Ports.Any(IstioRules.IsGrpcPort) && !svc.Ports.All(IstioRules.IsGrpcPort);
            var ports = splitPorts ? svc.Ports.Select(p => (int?)p.Port).ToList() : [null];
            foreach (var port in ports)
            {
                var grpc = IstioRules.MeshGrpc(svc, port, grpcOnly);
                var others = winners[OtherClients] == vs ? BuildRules(vs, rules, MeshContext(port, OtherClients, grpc)) : default;
                if (others.Rules is { Count: > 0 } otherRules)
                {
                    EmitMesh(vs, svc, port, service.Namespace, otherRules, others.Sources, "producer", grpc);
                }
                else if (others.Rules is not null)
                {
                    EmitMesh(vs, svc, port, service.Namespace, [NoRuleApplies(vs, svc, port, grpc)], [null], "producer", grpc);
                }

                foreach (var group in winners.Keys.Where(g => g != OtherClients).Order(StringComparer.Ordinal))
                {
                    var winner = winners[group];
                    if (winner != vs && !(winner is null && winners[OtherClients] == vs))
                    {
                        continue;
                    }

                    List<HttpRouteRule> built;
                    List<EffectiveHttpRule?> sources;
                    // Clients that see no VirtualService get the Service itself, as gRPC only where Istio reads the port so.
                    var groupGrpc = winner is null ? IstioRules.MeshGrpc(svc, port, grpcOnlyRules: false) : grpc;
                    if (winner is null)
                    {
                        built = [ToService(svc, port)];
                        sources = [null];
                    }
                    else
                    {
                        (built, sources) = BuildRules(vs, rules, MeshContext(port, group, grpc));
                    }

                    if (others.Rules is not null && built.SequenceEqual(others.Rules) && groupGrpc == grpc)
                    {
                        continue;
                    }

                    if (built.Count == 0)
                    {
                        (built, sources) = ([NoRuleApplies(vs, svc, port, grpc)], [null]);
                    }

                    if (group == service.Namespace)
                    {
                        _ledger.Remark(vs.Key, "spec", ConversionOutcome.Approximated, $"clients in {group} (the Service's namespace) route differently from others (exportTo or sourceNamespace), but a route in the Service's namespace applies to every client (GAMMA producer route); they get the routes of other clients.", affectsRouting: true);
                        continue;
                    }

                    EmitMesh(vs, svc, port, group, built, sources, "consumer", groupGrpc);
                }
            }
        }
    }

    /// <summary>
    /// The rule of a mesh route for a VirtualService none of whose rules applies on a port (every match left out):
    /// Istio answers 404, since the VirtualService takes the Service's host; without a route the Service itself
    /// would take the requests. A catch-all rule without backends keeps them from it: 500 for HTTP,
    /// UNIMPLEMENTED for gRPC (which is what a gRPC client makes of Istio's 404).
    /// </summary>
    private HttpRouteRule NoRuleApplies(VirtualServiceObject vs, Service svc, int? port, bool grpc)
    {
        _ledger.Remark(vs.Key, "spec.http", ConversionOutcome.Approximated, $"no rule applies to {(grpc ? "gRPC calls" : "requests")} to Service {svc.Namespace}/{svc.Name}{(port is { } p ? " port " + p.ToString(CultureInfo.InvariantCulture) : string.Empty)}, which Istio answers with 404 (the VirtualService takes the host): the route has one rule without backends, which answers {(grpc ? "UNIMPLEMENTED, as a gRPC client reads Istio's 404 (HTTP status 500 instead of 404)" : "500 instead of 404")}.", affectsRouting: true);
        return new HttpRouteRule { Matches = [HttpRouteMatch.Default] };
    }

    private static IstioContext MeshContext(int? port, string clientNamespace, bool grpc) => new() { Gateway = null, Port = port ?? -1, Scheme = "http", ProxyNamespace = clientNamespace, Grpc = grpc };

    /// <summary>A catch-all rule to the Service itself: what a client gets when no VirtualService applies to it.</summary>
    private static HttpRouteRule ToService(Service svc, int? port)
        => new()
        {
            Matches = [HttpRouteMatch.Default],
            BackendRefs = svc.Ports.Where(p => port is null || p.Port == port).Take(1)
                .Select(p => new RouteBackendRef { BackendRef = new BackendReference { Name = svc.Name, Namespace = svc.Namespace, Port = p.Port } }).ToEquatableArray(),
        };

    private void EmitMesh(VirtualServiceObject vs, Service svc, int? port, string routeNamespace, List<HttpRouteRule> rules, List<EffectiveHttpRule?> sources, string role, bool grpc)
    {
        var parent = new ParentReference
        {
            Group = Groups.Core,
            Kind = Kinds.Service.Kind,
            Name = svc.Name,
            Namespace = svc.Namespace,
            NamespaceSet = svc.Namespace != routeNamespace,
            Port = port,
        };
        var name = $"{vs.Key.Name}-{svc.Name}" + (port is { } p ? "-" + p.ToString(CultureInfo.InvariantCulture) : string.Empty) + (role == "consumer" ? "-" + routeNamespace : string.Empty);
        if (name.StartsWith(vs.Key.Name + "-" + vs.Key.Name, StringComparison.Ordinal))
        {
            name = name[(vs.Key.Name.Length + 1)..];
        }

        EmitRoutes(vs, name, routeNamespace, [parent], [], rules, sources, mesh: true, grpc);
    }

    // ---- Rules ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The HTTPRoute rules of a VirtualService in one context: each applicable Istio rule's matches and actions
    /// converted, rules with <c>withoutHeaders</c> preceded by copies of the later rules for the excluded requests,
    /// matches added so that Gateway API's precedence keeps the first-match order, and prefix rewrites fixed per match.
    /// </summary>
    private (List<HttpRouteRule> Rules, List<EffectiveHttpRule?> Sources) BuildRules(VirtualServiceObject vs, List<EffectiveHttpRule> rules, IstioContext context)
    {
        var converted = new List<(EffectiveHttpRule Rule, List<(MatchSpec Spec, List<ValueTest> Without, IstioHttpMatch? Origin)> Matches, RuleActions Actions)>();
        foreach (var rule in rules)
        {
            if (IstioRules.Specialize(rule, context) is not { } matches)
            {
                continue;
            }

            var specs = matches.Count == 0
                ? [(MatchSpec.All, new List<ValueTest>(), (IstioHttpMatch?)null)]
                : matches.SelectMany(m => ConvertMatch(rule, m, context).Select(c => (c.Spec, c.Without, (IstioHttpMatch?)m))).ToList();
            if (specs.Count == 0)
            {
                if (context.Grpc)
                {
                    // Every match was left out for gRPC calls, each with its reason; the rule as a whole is not written.
                    _converted.Add(rule.Origin);
                    if (matches.Any(_noGrpcForm.Contains))
                    {
                        _ledger.Add(rule.Owner.Key, rule.Rule.Field, ConversionOutcome.Dropped, "no match of the rule has a GRPCRoute form (see its matches): the rule is not in the GRPCRoutes, so the calls it takes in Istio go to the later rules.", affectsRouting: true);
                    }
                    else
                    {
                        _ledger.Add(rule.Owner.Key, rule.Rule.Field, ConversionOutcome.Carried, "no gRPC call matches the rule (see its matches): it is left out of the GRPCRoutes.", affectsRouting: false);
                    }
                }

                continue;
            }

            converted.Add((rule, specs, ConvertActions(rule, context)));
            _converted.Add(rule.Origin);
        }

        // withoutHeaders: a match "base and not W" is the match "base", preceded, for the requests in "base and W",
        // by copies of the later rules (intersected with "base and W"), in order. Where a later match's copy cannot
        // be written (a regular expression and a prefix have no one-match intersection), every copy for W is written
        // without the base's path instead ("base's other conditions and W"): for a request of W outside the base's
        // path Istio skips this rule too and takes the first later rule that matches, which is what the copies, all
        // cut the same way and kept in first-match order, choose as well.
        var plans = new List<RulePlan>();
        for (var i = 0; i < converted.Count; i++)
        {
            var (rule, matches, actions) = converted[i];
            foreach (var (spec, without, origin) in matches.Where(m => m.Without.Count > 0))
            {
                var covered = true;
                var inexact = false;
                var uncopied = new SortedSet<int>();
                foreach (var test in without)
                {
                    var w = MatchSpec.Create(PathCondition.Any, null, [test], []);
                    switch (MatchSpec.Intersect(spec, w, _re2, out var excluded))
                    {
                        case Intersection.Empty:
                            // No request of the match has the excluded header value: nothing to exclude.
                            continue;
                        case Intersection.Inexpressible:
                            inexact = true;
                            continue;
                    }

                    // The excluded requests still belong to this rule when another of its matches takes them: copies
                    // of later rules would steal those, so then nothing is placed before the rule.
                    if (matches.Any(o => !ReferenceEquals(o.Spec, spec) && MatchSpec.Intersect(excluded!, o.Spec, _re2, out _) != Intersection.Empty))
                    {
                        inexact = true;
                        continue;
                    }

                    var copied = CopyScope(excluded!, spec, w, matches.Select(m => m.Spec).ToList(), converted.Skip(i + 1).SelectMany(c => c.Matches).Select(m => m.Spec));
                    var coveredHere = false;
                    for (var j = i + 1; j < converted.Count; j++)
                    {
                        var later = converted[j];
                        var shadow = new List<MatchSpec>();
                        var shadowOrigins = new List<IstioHttpMatch?>();
                        foreach (var (p, laterWithout, po) in later.Matches)
                        {
                            // Every excluded request reaches a copy when a later match takes them all.
                            coveredHere |= laterWithout.Count == 0 && MatchSpec.Intersect(excluded!, p, _re2, out var tight) == Intersection.Match && tight == excluded;
                            switch (MatchSpec.Intersect(copied, p, _re2, out var both))
                            {
                                case Intersection.Match when laterWithout.Count > 0:
                                    // The later match excludes headers too (regression: its copy took requests it
                                    // excludes). When every request of the copy carries a header it excludes, there is
                                    // no copy; otherwise the copy cannot be written exactly.
                                    if (!laterWithout.Any(t => MatchSpec.Intersect(both!, MatchSpec.Create(PathCondition.Any, null, [t], []), _re2, out var skipped) == Intersection.Match && skipped == both))
                                    {
                                        inexact = true;
                                        uncopied.Add(j);
                                    }

                                    break;
                                case Intersection.Match:
                                    shadow.Add(both!);
                                    shadowOrigins.Add(po);
                                    break;
                                case Intersection.Inexpressible:
                                    // A later rule's requests among the excluded ones cannot be written: not exact.
                                    inexact = true;
                                    uncopied.Add(j);
                                    break;
                            }
                        }

                        if (shadow.Count > 0)
                        {
                            plans.Add(new RulePlan { Matches = shadow, Source = later.Rule, MatchOrigins = shadowOrigins, Actions = later.Actions, Shadow = true });
                        }
                    }

                    covered &= coveredHere;
                }

                if (origin is not null)
                {
                    if (covered && !inexact)
                    {
                        _ledger.Carried(origin.Source, origin.Field + ".withoutHeaders", "requests with these headers skip this rule: copies of the later rules placed before it route them as Istio does (a later catch-all covers them all).");
                    }
                    else
                    {
                        _ledger.Approximated(origin.Source, origin.Field + ".withoutHeaders", "Gateway API matches cannot exclude headers: copies of the later rules placed before this rule route the excluded requests the later rules match; excluded requests that no later rule matches, or whose copies cannot be written (another match of this rule overlaps them, or two regular expressions would have to be combined), reach this rule instead.", affectsRouting: true);
                    }
                }

                // The later rules whose copies could not be written: the excluded requests Istio sends to them may
                // reach another rule; said on them too, so that a verifier sees the difference is reported.
                foreach (var j in uncopied)
                {
                    var later = converted[j].Rule;
                    _ledger.Remark(later.Owner.Key, later.Rule.Field, ConversionOutcome.Approximated,
                        $"requests that {rule.Owner.Key.Namespace}/{rule.Owner.Key.Name} {rule.Rule.Field} excludes with withoutHeaders and this rule matches may not reach it: its copy for them cannot be one HTTPRoute match (two regular expressions, or withoutHeaders of its own).", affectsRouting: true);
                }
            }

            plans.Add(new RulePlan { Matches = matches.Select(m => m.Spec).ToList(), Source = rule, MatchOrigins = matches.Select(m => m.Origin).ToList(), Actions = actions });
        }

        var (ordered, conflicts) = FirstMatchOrder.Preserve(plans.Select(p => (IReadOnlyList<MatchSpec>)p.Matches).ToList(), _re2, FirstMatchOrder.MaxMatchesPerRoute, out var demoted);
        foreach (var j in demoted)
        {
            var rule = plans[j].Source;
            _ledger.Remark(rule.Owner.Key, rule.Rule.Field, ConversionOutcome.Carried, "its paths are written as regular expressions (the same paths) so that an earlier rule's regular expression keeps its place: Gateway API ranks every prefix above every regular expression.", affectsRouting: false);
        }

        foreach (var conflict in conflicts)
        {
            var earlier = plans[conflict.EarlierRule].Source;
            var later = plans[conflict.LaterRule].Source;
            _ledger.Remark(earlier.Owner.Key, earlier.Rule.Field, ConversionOutcome.Approximated,
                $"first-match order not preserved: requests matching both \"{conflict.Earlier}\" and \"{conflict.Later}\" ({later.Owner.Key.Namespace}/{later.Owner.Key.Name} {later.Rule.Field}, which Gateway API ranks higher) go to the later rule: {conflict.Why}.", affectsRouting: true);
        }

        var result = new List<HttpRouteRule>();
        var sources = new List<EffectiveHttpRule?>();
        for (var i = 0; i < plans.Count; i++)
        {
            foreach (var rule in Finish(plans[i], ordered[i]))
            {
                result.Add(rule);
                sources.Add(plans[i].Source);
            }
        }

        return (result, sources);
    }

    /// <summary>
    /// The requests the copies of later rules are cut to for one excluded header condition <paramref name="w"/> of
    /// <paramref name="spec"/>: the excluded requests themselves (<paramref name="excluded"/>), or, when a later match
    /// has no one-match intersection with them (a regular expression against a prefix), the same without the path
    /// condition, provided no other match of the rule takes any of those requests (Istio would pick the rule for them).
    /// </summary>
    private MatchSpec CopyScope(MatchSpec excluded, MatchSpec spec, MatchSpec w, List<MatchSpec> ruleMatches, IEnumerable<MatchSpec> laterMatches)
    {
        if (spec.Path.IsAny || MatchSpec.Intersect(spec with { Path = PathCondition.Any }, w, _re2, out var loose) != Intersection.Match)
        {
            return excluded;
        }

        var needed = laterMatches.Any(p => MatchSpec.Intersect(excluded, p, _re2, out _) == Intersection.Inexpressible && MatchSpec.Intersect(loose!, p, _re2, out _) == Intersection.Match);
        return needed && !ruleMatches.Any(o => !ReferenceEquals(o, spec) && MatchSpec.Intersect(loose!, o, _re2, out _) != Intersection.Empty) ? loose! : excluded;
    }

    /// <summary>
    /// The HTTPRoute rule(s) of a plan. ReplacePrefixMatch needs exactly one PathPrefix match in its rule, so a rule
    /// whose Istio rewrite or redirect replaces the matched prefix is split into one rule per match, each replacing
    /// what Istio replaces for that match (consecutive rules with the same actions keep the order).
    /// </summary>
    private IEnumerable<HttpRouteRule> Finish(RulePlan plan, List<MatchSpec> matches)
    {
        var a = plan.Actions;
        if (a.RewriteUri is null && a.RedirectPrefixRewrite is null)
        {
            yield return Rule(plan, matches, null);
            yield break;
        }

        var prefixes = plan.MatchOrigins.Select(o => o?.Uri).Where(u => u is { Kind: StringMatchKind.Prefix }).Select(u => u!).Distinct().ToList();
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            var origin = i < plan.MatchOrigins.Count ? plan.MatchOrigins[i] : null;
            var prefix = origin is not null
                ? (origin.Uri is { Kind: StringMatchKind.Prefix } u ? u : null)
                : prefixes.FirstOrDefault(u => match.Path.Kind switch
                {
                    PathKind.Exact => match.Path.Value.StartsWith(u.Value, StringComparison.Ordinal),
                    PathKind.Prefix => PathCondition.Covers(PathCondition.Prefix(u.Value).Value, match.Path.Value),
                    _ => false,
                });
            var modifier = PathModifier(a, match, prefix, out var exact);
            if (!exact)
            {
                _ledger.Remark(plan.Source.Owner.Key, (a.RewriteUri is not null ? plan.Source.Rule.Rewrite?.Field : plan.Source.Rule.Redirect?.Field) ?? plan.Source.Rule.Field, ConversionOutcome.Approximated,
                    $"for requests matching \"{match}\" the path cannot be rewritten as Istio does (its prefix replacement works on characters, Gateway API's on path elements, and a regular expression path has no prefix to replace); {(modifier is null ? "the path is kept" : "the path is " + (modifier.ReplaceFullPath ?? "replaced element by element"))}.", affectsRouting: true);
            }

            yield return Rule(plan, [match], modifier);
        }
    }

    /// <summary>
    /// The path modifier that does what Istio's rewrite (<c>rewrite.uri</c>) or redirect (<c>prefixRewrite</c>) does
    /// for the requests of one match, or null to keep the path; <paramref name="exact"/> says whether it is the same.
    /// </summary>
    private static HttpPathModifier? PathModifier(RuleActions a, MatchSpec match, IstioStringMatch? prefix, out bool exact)
    {
        var replacement = a.RewriteUri ?? a.RedirectPrefixRewrite!;
        var isRewrite = a.RewriteUri is not null;
        exact = true;
        if (prefix is not null && match.Path.Kind == PathKind.Prefix)
        {
            // Istio strips the characters of its prefix and prepends the replacement; Gateway API replaces the
            // matched path elements. They agree when both end with '/' or neither does (spec digest §12.4).
            var p = prefix.Value;
            var tail = match.Path.Value.StartsWith(p, StringComparison.Ordinal) ? match.Path.Value[p.Length..]
                : match.Path.Value == PathCondition.Prefix(p).Value ? string.Empty : null;
            if (tail is not null)
            {
                var value = replacement + tail;
                exact = (p.EndsWith('/') == replacement.EndsWith('/')) && value.Length > 0 && (value != "/" || p.EndsWith('/'));
                return new HttpPathModifier { Type = HttpPathModifierType.ReplacePrefixMatch, TypeName = "ReplacePrefixMatch", ReplacePrefixMatch = value };
            }
        }

        if (prefix is not null && match.Path.Kind == PathKind.Exact && match.Path.Value.StartsWith(prefix.Value, StringComparison.Ordinal))
        {
            var path = replacement + match.Path.Value[prefix.Value.Length..];
            exact = path.StartsWith('/');
            return exact ? new HttpPathModifier { Type = HttpPathModifierType.ReplaceFullPath, TypeName = "ReplaceFullPath", ReplaceFullPath = path } : null;
        }

        if (prefix is not null)
        {
            // A regular expression standing for Istio's prefix: nothing replaces the prefix alone.
            exact = false;
            return null;
        }

        // No uri prefix (exact, regex or no uri condition): rewrite.uri replaces the whole path; a redirect's
        // prefixRewrite has no prefix to replace and keeps the path.
        return isRewrite ? new HttpPathModifier { Type = HttpPathModifierType.ReplaceFullPath, TypeName = "ReplaceFullPath", ReplaceFullPath = replacement } : null;
    }

    private static HttpRouteRule Rule(RulePlan plan, List<MatchSpec> matches, HttpPathModifier? path)
    {
        var a = plan.Actions;
        var filters = new List<RouteFilter>();
        if (a.Redirect is { } redirect)
        {
            filters.Add(path is null ? redirect : redirect with { RequestRedirect = redirect.RequestRedirect! with { Path = path } });
        }

        if (a.RewriteHost is not null || (a.RewriteUri is not null && path is not null))
        {
            filters.Add(new RouteFilter
            {
                Type = RouteFilterType.URLRewrite,
                TypeName = "URLRewrite",
                UrlRewrite = new HttpUrlRewriteFilter { Hostname = a.RewriteHost, Path = a.RewriteUri is null ? null : path },
            });
        }

        filters.AddRange(a.Filters);
        return new HttpRouteRule
        {
            Name = plan.Shadow ? null : a.Name,
            Matches = matches.Select(m => m.ToHttpRouteMatch()).ToEquatableArray(),
            Filters = filters.ToEquatableArray(),
            BackendRefs = a.Redirect is null ? a.Backends : [],
            Timeouts = a.Timeouts,
            Retry = a.Retry,
        };
    }

    /// <summary>
    /// Writes the routes of one context: rules in chunks of at most 16 (and 128 matches) per route. When the rules
    /// do not fit one route, ties between routes are broken by creation time, then name: the report says so.
    /// </summary>
    private void EmitRoutes(VirtualServiceObject vs, string baseName, string ns, EquatableArray<ParentReference> parents, EquatableArray<string> hostnames, List<HttpRouteRule> rules, List<EffectiveHttpRule?> sources, bool mesh, bool grpc)
    {
        var chunks = new List<List<int>>();
        var current = new List<int>();
        var matches = 0;
        for (var i = 0; i < rules.Count; i++)
        {
            var count = rules[i].Matches.Count;
            if (current.Count == 16 || matches + count > FirstMatchOrder.MaxMatchesPerRoute)
            {
                chunks.Add(current);
                current = [];
                matches = 0;
            }

            current.Add(i);
            matches += count;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        if (chunks.Count > 1)
        {
            _ledger.Remark(vs.Key, "spec.http", ConversionOutcome.Approximated, $"the rules need {chunks.Count} HTTPRoutes (16 rules and 128 matches each); between routes, equally ranked matches are ordered by creation time, then name: apply them in the order printed (names end -1, -2, ...).", affectsRouting: true);
        }

        for (var c = 0; c < chunks.Count; c++)
        {
            var name = _names.Take(grpc ? Kinds.GrpcRoute.Kind : Kinds.HttpRoute.Kind, ns, chunks.Count == 1 ? baseName : $"{baseName}-{c + 1}");
            var chunk = chunks[c];
            var named = NameRules(chunk.Select(i => rules[i]).ToList());
            if (grpc)
            {
                var grpcRoute = new GrpcRoute
                {
                    ApiVersion = "gateway.networking.k8s.io/v1",
                    Metadata = Meta(name, ns, vs.Key),
                    ParentRefs = parents,
                    Hostnames = hostnames,
                    Rules = named.Select(ToGrpcRule).ToEquatableArray(),
                };
                _made.Add((grpcRoute, vs.Key));
                for (var r = 0; r < chunk.Count; r++)
                {
                    _origins[(grpcRoute.Key, r)] = sources[chunk[r]]?.Origin ?? new RuleOrigin(vs.Key, "spec");
                }

                _grpcRoutes.Add((grpcRoute, chunk.Select(i => sources[i]).ToList(), mesh));
                continue;
            }

            var route = new HttpRoute
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = Meta(name, ns, vs.Key),
                ParentRefs = parents,
                Hostnames = hostnames,
                Rules = named.ToEquatableArray(),
            };
            _made.Add((route, vs.Key));
            var routeSources = new List<EffectiveHttpRule?>();
            for (var r = 0; r < chunk.Count; r++)
            {
                var source = sources[chunk[r]];
                routeSources.Add(source);
                _origins[(route.Key, r)] = source?.Origin ?? new RuleOrigin(vs.Key, "spec");
            }

            _httpRoutes.Add((route, routeSources, mesh));
        }
    }

    /// <summary>
    /// The GRPCRoute rule of a rule built for gRPC traffic. Its matches have only the paths a gRPC method match
    /// writes (<see cref="ConvertGrpcPath"/>): <c>Exact /S/M</c> (service and method), <c>PathPrefix /S</c> (the
    /// service), <c>PathPrefix /</c> (every call); Gateway API ranks those by the characters of the service and the
    /// method as it ranks the HTTP paths (on matches that share a request), so the first-match order kept for the
    /// HTTP form holds here. What a GRPCRoute rule has no field for was left out, and reported, when the actions were
    /// converted.
    /// </summary>
    private static GrpcRouteRule ToGrpcRule(HttpRouteRule rule)
    {
        var matches = rule.Matches.Select(m =>
        {
            var value = m.Path?.Value ?? "/";
            var slash = value.IndexOf('/', 1);
            GrpcMethodMatch? method = m.Path?.Type switch
            {
                PathMatchType.Exact => new GrpcMethodMatch { Service = value[1..slash], Method = value[(slash + 1)..] },
                PathMatchType.PathPrefix when value != "/" => new GrpcMethodMatch { Service = value[1..] },
                _ => null,
            };
            return new GrpcRouteMatch { Method = method, Headers = m.Headers };
        }).ToList();
        return new GrpcRouteRule
        {
            Name = rule.Name,
            // Every match is kept, even one with no condition next to others: a match added for the first-match order
            // (a catch-all with a later rule's header) must still outrank the later rule.
            Matches = matches.Distinct().ToEquatableArray(),
            Filters = rule.Filters.Where(f => f.Type is RouteFilterType.RequestHeaderModifier or RouteFilterType.ResponseHeaderModifier or RouteFilterType.RequestMirror).ToEquatableArray(),
            BackendRefs = rule.BackendRefs,
        };
    }

    /// <summary>Rule names must be unique in a route: a repeated name (a rule split per match) is kept on the first only.</summary>
    private static List<HttpRouteRule> NameRules(List<HttpRouteRule> rules)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return rules.Select(r => r.Name is { } n && !seen.Add(n) ? r with { Name = null } : r).ToList();
    }

    // ---- Matches --------------------------------------------------------------------------------------------

    /// <summary>
    /// The HTTPRoute matches (ORed) of one Istio match block in a context, each with the header conditions it must
    /// not meet (<c>withoutHeaders</c>); empty when the block can never match there (a scheme the listener never
    /// sees, a method Gateway API cannot name).
    /// </summary>
    private List<(MatchSpec Spec, List<ValueTest> Without)> ConvertMatch(EffectiveHttpRule rule, IstioHttpMatch m, IstioContext context)
    {
        var key = rule.Owner.Key;
        var f = m.Field;
        var result = new List<(MatchSpec, List<ValueTest>)>();
        if (m.Scheme is { } scheme)
        {
            if (!scheme.Matches(context.Scheme, _re2))
            {
                _ledger.Carried(scheme.Source, scheme.Field, $"the match never applies to {context.Scheme} requests, so it is left out of the routes for {(context.Gateway is null ? "the mesh" : context.Scheme.ToUpperInvariant() + " listeners")}.");
                return result;
            }

            _ledger.Carried(scheme.Source, scheme.Field, context.Gateway is null ? "mesh requests are plain HTTP to the sidecar: decided when converting." : "decided by the listener: HTTP listeners only see http, HTTPS listeners https.");
        }

        var path = context.Grpc ? ConvertGrpcPath(m) : ConvertPath(key, m);
        if (path is null)
        {
            return result;
        }

        var methods = context.Grpc ? GrpcMethod(m) : ConvertMethod(key, m);
        if (methods.Count == 0)
        {
            return result;
        }

        if (context.Grpc && m.QueryParams.Count > 0)
        {
            foreach (var q in m.QueryParams)
            {
                _ledger.Carried(q.Match.Source, q.Match.Field, "a gRPC call's path has no query string, so the match never applies to gRPC calls: it is left out of the GRPCRoutes.");
            }

            return result;
        }

        var headers = new List<ValueTest>();
        foreach (var h in m.Headers)
        {
            if (h.Name is "uri" or "scheme" or "method" or "authority")
            {
                _ledger.Carried(h.Match.Source, h.Match.Field, "Istio ignores this key in headers; so does the conversion.");
                continue;
            }

            if (Value(key, h.Name, h.Match, "header", header: true) is { } test)
            {
                headers.Add(test);
            }
        }

        if (m.Authority is { } authority && Value(key, "host", authority, "authority", header: true) is { } host)
        {
            if (headers.Any(h => h.Name == "host"))
            {
                _ledger.Approximated(authority.Source, authority.Field, "a Host header condition is already written; the authority condition is left out.", affectsRouting: true);
            }
            else
            {
                headers.Add(host);
                _ledger.Approximated(authority.Source, authority.Field, "matched as the Host header (Gateway API matches headers, not :authority; Envoy-based implementations read the Host header as :authority, others may not).", affectsRouting: true);
            }
        }

        var queries = new List<ValueTest>();
        foreach (var q in m.QueryParams)
        {
            if (Value(key, q.Name, q.Match, "query parameter", header: false) is { } test)
            {
                queries.Add(test);
            }
        }

        var without = new List<ValueTest>();
        foreach (var h in m.WithoutHeaders)
        {
            if (Value(key, h.Name, h.Match, "header", header: true, note: false) is { } test)
            {
                without.Add(test);
            }
        }

        if (headers.DistinctBy(h => h.Name).Count() > 16 || queries.Count > 16)
        {
            _ledger.Approximated(m.Source, f, "more than 16 header or query conditions: the first 16 of each are kept.", affectsRouting: true);
        }

        if (m.Name is not null)
        {
            _ledger.Dropped(m.Source, f + ".name", "match names only label access logs; Gateway API matches have no name.", affectsRouting: false);
        }

        if (m.StatPrefix is not null)
        {
            _ledger.Dropped(m.Source, f + ".statPrefix", "proxy statistics have no Gateway API equivalent.", affectsRouting: false);
        }

        if (m.IgnoreUriCase)
        {
            _ledger.Carried(m.Source, f + ".ignoreUriCase", "handled with the uri condition.");
        }

        NoteSelectors(rule, m, context);
        foreach (var method in methods)
        {
            result.Add((MatchSpec.Create(path, method, headers.Take(16), queries.Take(16)), without));
        }

        return result;
    }

    private void NoteSelectors(EffectiveHttpRule rule, IstioHttpMatch m, IstioContext context)
    {
        var original = rule.Matches.FirstOrDefault(x => x.Field == m.Field && x.Source == m.Source) ?? m;
        var key = original.Source;
        if (original.Port is not null)
        {
            _ledger.Carried(key, original.Field + ".port", context.Gateway is null ? "the mesh route's parentRef port." : "the route attaches only to listeners of this port.");
        }

        if (original.Gateways.Count > 0)
        {
            _ledger.Carried(key, original.Field + ".gateways", "the match is converted only for the routes of the gateways (or mesh) it names.");
        }

        if (original.SourceNamespace is { Length: > 0 })
        {
            _ledger.Carried(key, original.Field + ".sourceNamespace", context.Gateway is null
                ? "a GAMMA consumer route in that namespace carries the rules for its clients."
                : "at a gateway the source is the gateway's proxy: decided when converting.");
        }

        if (original.SourceLabels.Count > 0)
        {
            if (context.Gateway is null)
            {
                _ledger.Dropped(key, original.Field + ".sourceLabels", "Gateway API cannot select clients by their labels: the match is left out of the mesh routes, so labelled clients are routed like the others.", affectsRouting: true);
            }
            else
            {
                _ledger.Approximated(key, original.Field + ".sourceLabels", "at a gateway the source is the gateway's proxy: the labels are compared with the Istio Gateway's selector.", affectsRouting: false);
            }
        }
    }

    /// <summary>The path condition of an Istio uri match.</summary>
    private PathCondition? ConvertPath(ResourceKey key, IstioHttpMatch m)
    {
        if (m.Uri is not { } uri || uri.Kind == StringMatchKind.Present)
        {
            if (m.Uri is { } present)
            {
                _ledger.Carried(present.Source, present.Field, "an empty uri condition matches every path (PathPrefix /).");
            }

            return PathCondition.Any;
        }

        switch (uri.Kind)
        {
            case StringMatchKind.Exact when !m.IgnoreUriCase && PathCondition.IsValidPathValue(uri.Value):
                _ledger.Carried(uri.Source, uri.Field, $"path Exact {uri.Value}.");
                return new PathCondition(PathKind.Exact, uri.Value);
            case StringMatchKind.Exact:
                _ledger.Carried(uri.Source, uri.Field, m.IgnoreUriCase
                    ? "path RegularExpression (?i) for the case-insensitive exact match (regular expressions are implementation-specific in Gateway API)."
                    : "path RegularExpression for the exact value, which is not a valid Exact path value (regular expressions are implementation-specific in Gateway API).");
                return new PathCondition(PathKind.Regex, (m.IgnoreUriCase ? "(?i)" : string.Empty) + Re2Patterns.Escape(uri.Value));
            case StringMatchKind.Prefix when uri.Value == "/":
                _ledger.Carried(uri.Source, uri.Field, "path PathPrefix / (every path).");
                return PathCondition.Any;
            case StringMatchKind.Prefix when _options.PrefixMatch == PrefixMatchStyle.PathPrefix && !m.IgnoreUriCase && PathCondition.IsValidPathValue(uri.Value):
            {
                var prefix = PathCondition.Prefix(uri.Value);
                var slash = uri.Value.EndsWith('/');
                _ledger.Approximated(uri.Source, uri.Field, slash
                    ? $"path PathPrefix {prefix.Value}: Istio's prefix {uri.Value} does not match {prefix.Value} itself, which PathPrefix does (use --prefix-match regex to carry it exactly)."
                    : $"path PathPrefix {prefix.Value}: Istio's prefix matches characters, so {uri.Value}x... matches it too; PathPrefix matches whole path elements ({prefix.Value}, {prefix.Value}/...) (use --prefix-match regex to carry it exactly).", affectsRouting: true);
                return prefix;
            }

            case StringMatchKind.Prefix:
                _ledger.Carried(uri.Source, uri.Field, $"path RegularExpression {(m.IgnoreUriCase ? "(?i)" : string.Empty)}{Re2Patterns.Escape(uri.Value)}.* (Istio's character prefix{(m.IgnoreUriCase ? ", case-insensitive" : string.Empty)}; regular expressions are implementation-specific in Gateway API).");
                return new PathCondition(PathKind.Regex, (m.IgnoreUriCase ? "(?i)" : string.Empty) + Re2Patterns.Escape(uri.Value) + ".*");
            default:
                _ledger.Carried(uri.Source, uri.Field, "path RegularExpression, matched against the whole path as Envoy does (RE2; implementation-specific in Gateway API).");
                return new PathCondition(PathKind.Regex, uri.Value);
        }
    }

    /// <summary>
    /// The path condition of an Istio uri match for gRPC calls (path <c>/{service}/{method}</c>), in the forms a
    /// GRPCRoute method match writes (see <see cref="ToGrpcRule"/>): an exact <c>/S/M</c> is the service and method;
    /// a prefix <c>/S/</c> the service; a prefix <c>/S</c> or <c>/S/M</c> the service, or the service and method
    /// (approximated: Istio's prefix also takes longer names); none or <c>/</c> every call. Null leaves the match out:
    /// a path no gRPC call has, or one no GRPCRoute match expresses (a regular expression over the whole path).
    /// </summary>
    private PathCondition? ConvertGrpcPath(IstioHttpMatch m)
    {
        if (m.Uri is not { } uri || uri.Kind == StringMatchKind.Present || (uri.Kind == StringMatchKind.Prefix && uri.Value == "/"))
        {
            if (m.Uri is { } any)
            {
                _ledger.Carried(any.Source, any.Field, "every gRPC call (no method match).");
            }

            return PathCondition.Any;
        }

        var caseNote = m.IgnoreUriCase ? " Matched case-sensitively: GRPCRoute method matches have no case-insensitive form." : string.Empty;
        if (uri.Kind == StringMatchKind.Regex)
        {
            _ledger.Dropped(uri.Source, uri.Field, "a regular expression over the whole path has no GRPCRoute form (GRPCRoute expressions apply to the service and the method separately): the match is left out of the GRPCRoutes.", affectsRouting: true);
            _noGrpcForm.Add(m);
            return null;
        }

        var parts = uri.Value.Split('/');
        var service = parts.Length > 1 ? parts[1] : string.Empty;
        var validService = GrpcService().IsMatch(service);
        if (uri.Kind == StringMatchKind.Exact)
        {
            if (parts.Length == 3 && validService && GrpcMethodName().IsMatch(parts[2]))
            {
                Note(uri, $"GRPCRoute method match: service {service}, method {parts[2]}." + caseNote);
                return new PathCondition(PathKind.Exact, uri.Value);
            }

            if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
            {
                _ledger.Carried(uri.Source, uri.Field, "no gRPC call has this path (/{service}/{method}): the match never applies to gRPC calls and is left out of the GRPCRoutes.");
            }
            else
            {
                _ledger.Dropped(uri.Source, uri.Field, "not a service and method a GRPCRoute Exact match accepts (service a.b.Name, method Name): the match is left out of the GRPCRoutes.", affectsRouting: true);
                _noGrpcForm.Add(m);
            }

            return null;
        }

        // A prefix.
        if (parts.Length == 3 && validService && parts[2].Length == 0)
        {
            Note(uri, $"GRPCRoute method match: service {service}, every method." + caseNote);
            return PathCondition.Prefix("/" + service);
        }

        if (parts.Length == 2 && validService)
        {
            _ledger.Approximated(uri.Source, uri.Field, $"GRPCRoute method match: service {service}, every method; Istio's prefix also takes services whose names begin with {service}.", affectsRouting: true);
            return PathCondition.Prefix("/" + service);
        }

        if (parts.Length == 3 && validService && GrpcMethodName().IsMatch(parts[2]))
        {
            _ledger.Approximated(uri.Source, uri.Field, $"GRPCRoute method match: service {service}, method {parts[2]}; Istio's prefix also takes methods whose names begin with {parts[2]}.", affectsRouting: true);
            return new PathCondition(PathKind.Exact, uri.Value);
        }

        _ledger.Dropped(uri.Source, uri.Field, "no GRPCRoute Exact method match expresses this prefix (it ends inside a service name, or has more path elements than /{service}/{method}): the match is left out of the GRPCRoutes.", affectsRouting: true);
        _noGrpcForm.Add(m);
        return null;

        void Note(IstioStringMatch what, string text)
        {
            if (m.IgnoreUriCase)
            {
                _ledger.Approximated(what.Source, what.Field, text, affectsRouting: true);
            }
            else
            {
                _ledger.Carried(what.Source, what.Field, text);
            }
        }
    }

    /// <summary>A gRPC call is a POST: a method condition that takes POST holds for every call, any other never does.</summary>
    private List<string?> GrpcMethod(IstioHttpMatch m)
    {
        if (m.Method is not { } method || method.Kind == StringMatchKind.Present)
        {
            return [null];
        }

        if (method.Matches("POST", _re2))
        {
            _ledger.Carried(method.Source, method.Field, "gRPC calls are POST requests: the condition holds for every call, so the GRPCRoutes need none.");
            return [null];
        }

        _ledger.Carried(method.Source, method.Field, "gRPC calls are POST requests: the condition never holds for them, so the match is left out of the GRPCRoutes.");
        return [];
    }

    private static System.Text.RegularExpressions.Regex GrpcService() => IstioRules.GrpcService();

    private static System.Text.RegularExpressions.Regex GrpcMethodName() => IstioRules.GrpcMethodName();

    /// <summary>The methods of an Istio method match: one match per method Gateway API can name; null for no condition.</summary>
    private List<string?> ConvertMethod(ResourceKey key, IstioHttpMatch m)
    {
        if (m.Method is not { } method || method.Kind == StringMatchKind.Present)
        {
            return [null];
        }

        var names = HttpMethods.Where(x => method.Matches(x, _re2)).ToList();
        if (method.Kind == StringMatchKind.Exact && names.Count == 1)
        {
            _ledger.Carried(method.Source, method.Field, $"method {names[0]}.");
        }
        else if (names.Count == 0)
        {
            _ledger.Dropped(method.Source, method.Field, $"no method Gateway API can match ({string.Join(", ", HttpMethods)}) satisfies it, so the match is left out: those requests are not routed by this rule.", affectsRouting: true);
        }
        else
        {
            _ledger.Approximated(method.Source, method.Field, $"one match per method it accepts among Gateway API's: {string.Join(", ", names)}; other methods are not matched.", affectsRouting: method.Kind != StringMatchKind.Exact);
        }

        return names.Cast<string?>().ToList();
    }

    /// <summary>A header or query condition: exact stays exact (an empty value as the regex <c>(?:)</c>), prefix and presence become regular expressions.</summary>
    private ValueTest? Value(ResourceKey key, string name, IstioStringMatch match, string what, bool header, bool note = true)
    {
        if (name.Length == 0 || name.Length > 256 || !name.All(c => c > ' ' && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            _ledger.Dropped(match.Source, match.Field, $"\"{name}\" is not a valid {what} name in Gateway API; the condition is left out.", affectsRouting: true);
            return null;
        }

        var n = header ? name.ToLowerInvariant() : name;
        (ValueTest Test, string Text) result = match.Kind switch
        {
            StringMatchKind.Exact when match.Value.Length == 0 => (new ValueTest(n, true, "(?:)"), "RegularExpression (?:) for the empty value"),
            StringMatchKind.Exact => (new ValueTest(n, false, match.Value), "Exact"),
            StringMatchKind.Prefix => (new ValueTest(n, true, Re2Patterns.Escape(match.Value) + ".*"), "RegularExpression (the prefix followed by anything)"),
            StringMatchKind.Regex => (new ValueTest(n, true, match.Value), "RegularExpression (whole value, RE2)"),
            _ => (new ValueTest(n, true, ".*"), "RegularExpression .* (present with any value)"),
        };
        if (result.Test.Value.Length > (header ? 4096 : 1024))
        {
            _ledger.Dropped(match.Source, match.Field, $"the value is longer than Gateway API allows for a {what}; the condition is left out.", affectsRouting: true);
            return null;
        }

        if (note)
        {
            _ledger.Carried(match.Source, match.Field, $"{what} {n} {result.Text}" + (result.Test.IsRegex && match.Kind != StringMatchKind.Exact ? "; regular expressions are implementation-specific in Gateway API." : "."));
        }

        return result.Test;
    }
}
