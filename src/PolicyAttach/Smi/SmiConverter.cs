using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Diagnostics;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Smi;

/// <summary>Options of <see cref="SmiConverter"/>.</summary>
public sealed record SmiConversionOptions
{
    /// <summary>The defaults.</summary>
    public static SmiConversionOptions Default { get; } = new();

    /// <summary>The cluster domain of Service host names (default <c>cluster.local</c>).</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The controller name the output is evaluated for when verifying (mesh routes have no class).</summary>
    public string ControllerName { get; init; } = "example.com/mesh";
}

/// <summary>
/// Converts SMI traffic objects to GAMMA routes: each TrafficSplit becomes a route per port of its root Service,
/// with the Service as parent and the backends (those with the same port) by weight: a TCPRoute on a port that
/// carries TCP (<see cref="SmiRouter.TcpFor"/>), an HTTPRoute elsewhere. A split with HTTPRouteGroup matches splits
/// only the requests they match, and a last rule sends the others to the root Service, as the split leaves them to
/// it; with TCPRoute matches, only the connections to the TCPRoutes' ports. UDPRoutes and TrafficTargets are
/// reported: traffic specs only describe traffic, and Gateway API has no access control.
/// </summary>
public static class SmiConverter
{
    /// <summary>The API groups of the objects converted (the others of the input are only read: Services).</summary>
    public static IReadOnlyList<string> ApiGroups { get; } = [SmiReader.SplitGroup, SmiReader.SpecsGroup, SmiReader.AccessGroup];

    /// <summary>Converts the SMI objects of a snapshot.</summary>
    /// <param name="snapshot">The input: SMI objects (kept by the reader as unknown kinds) and the Services they name.</param>
    /// <param name="options">The options; <see cref="SmiConversionOptions.Default"/> when null.</param>
    /// <returns>The output objects and the report.</returns>
    public static ConversionResult Convert(Snapshot snapshot, SmiConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        return new SmiConversion(snapshot, options ?? SmiConversionOptions.Default).Run();
    }

    /// <summary>Sends requests exercising every match (and near misses) to the SMI model and to the converted routes; returns every difference.</summary>
    /// <param name="snapshot">The input that was converted.</param>
    /// <param name="result">The conversion.</param>
    /// <param name="options">The options the conversion used.</param>
    /// <returns>The requests sent and the differences.</returns>
    public static MeshVerificationResult Verify(Snapshot snapshot, ConversionResult result, SmiConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(result);
        options ??= SmiConversionOptions.Default;
        var router = new SmiRouter(SmiReader.Read(snapshot), snapshot, options.ClusterDomain);
        return MeshVerifier.Run(snapshot, result, router.Probes(), router.Answer, options.ControllerName);
    }
}

/// <summary>
/// A model of SMI traffic splitting, from the specification: a request to the root Service that matches the split's
/// route groups (or any request, without matches) goes to the backends that have the request's port, by weight;
/// others go to the root Service. A TCP connection is split when the split has no matches or a TCPRoute it matches
/// covers the port, and goes to the root Service otherwise. Matches: <c>pathRegex</c> is anchored at the start of the path (so it is a
/// prefix expression), methods (<c>*</c> for all), header expressions (the specification does not say whether they
/// are anchored: the model matches the whole value, as Envoy-based meshes do). Several splits of one root Service:
/// the specification is silent; the model takes the oldest.
/// </summary>
internal sealed class SmiRouter(SmiInput input, Snapshot snapshot, string clusterDomain)
{
    private readonly Re2Patterns _re2 = new();

    public static TrafficSplitObject? SplitFor(IEnumerable<TrafficSplitObject> splits, ResourceKey service, string clusterDomain)
        => splits.OrderBy(s => s.Metadata.CreationTimestamp).ThenBy(s => s.Key)
            .FirstOrDefault(s => ServiceHosts.Resolve(s.Service, s.Key.Namespace, clusterDomain) == service);

    /// <summary>
    /// Why a port of a split's root Service carries TCP rather than HTTP, or null when nothing says so: a TCPRoute
    /// the split matches that covers the port; the port's <c>appProtocol</c> (anything but HTTP's own: http, http2,
    /// h2c, grpc, grpc-web, kubernetes.io/h2c, ws and wss), or without one its name (<c>tcp</c> or <c>tcp-*</c>, the
    /// meshes' naming convention); a TrafficTarget in the Service's namespace whose TCPRoute names the port, or
    /// whose destination port (v1alpha1) is the port. The last is an approximation: a TrafficTarget's destination
    /// is a ServiceAccount, not a Service.
    /// </summary>
    public TcpEvidence? TcpFor(TrafficSplitObject split, Service root, ServicePort port)
    {
        foreach (var m in split.Matches.Where(m => m.Kind == Kinds.TcpRoute.Kind))
        {
            if (TcpRoute(split.Key.Namespace, m.Name) is { } route && route.Covers(port.Port))
            {
                return new TcpEvidence($"TCPRoute {route.Key.Namespace}/{route.Key.Name} (the split's {m.Field}) covers port {Port(port.Port)}", route.Key, null, Approximate: false);
            }
        }

        if (port.AppProtocol is { Length: > 0 } app)
        {
            return HttpAppProtocols.Contains(app, StringComparer.OrdinalIgnoreCase)
                ? null
                : new TcpEvidence($"port {Port(port.Port)}'s appProtocol is {app}, not HTTP", null, null, Approximate: false);
        }

        if (port.Name is { } name && (string.Equals(name, "tcp", StringComparison.OrdinalIgnoreCase) || name.StartsWith("tcp-", StringComparison.OrdinalIgnoreCase)))
        {
            return new TcpEvidence($"port {Port(port.Port)} is named {name} (tcp or tcp-*: TCP by the meshes' naming convention)", null, null, Approximate: false);
        }

        foreach (var target in input.Targets.Where(t => t.DestinationNamespace == root.Namespace))
        {
            foreach (var rule in target.Rules.Where(r => r.Kind == Kinds.TcpRoute.Kind))
            {
                if (TcpRoute(target.Key.Namespace, rule.Name) is { } route
                    && ((route.HasPorts && route.Covers(port.Port)) || target.DestinationPort == port.Port))
                {
                    return new TcpEvidence($"TrafficTarget {target.Key.Namespace}/{target.Key.Name} allows TCPRoute {route.Key.Name} on port {Port(port.Port)}", route.Key, target.Key, Approximate: true);
                }
            }
        }

        return null;
    }

    private static readonly string[] HttpAppProtocols = ["http", "http2", "h2c", "grpc", "grpc-web", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss", "ws", "wss"];

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A TCPRoute of a namespace by name, or null.</summary>
    public SmiTcpRouteObject? TcpRoute(string ns, string name) => input.TcpRoutes.FirstOrDefault(r => r.Key.Namespace == ns && r.Key.Name == name);

    /// <summary>
    /// Whether a split takes the TCP connections to a port of its root Service: without matches it takes them all;
    /// with matches, only when a TCPRoute it matches covers the port (an HTTPRouteGroup's conditions cannot match a
    /// TCP connection, so those go to the root Service, as the specification says of requests no match takes).
    /// </summary>
    public bool SplitsTcp(TrafficSplitObject split, int port)
        => split.Matches.Count == 0 || split.Matches.Any(m => m.Kind == Kinds.TcpRoute.Kind && TcpRoute(split.Key.Namespace, m.Name) is { } r && r.Covers(port));

    public List<SmiHttpMatch> Matches(TrafficSplitObject split)
        => split.Matches.Where(m => m.Kind == "HTTPRouteGroup")
            .SelectMany(m => input.RouteGroups.Where(g => g.Key.Namespace == split.Key.Namespace && g.Key.Name == m.Name).SelectMany(g => g.Matches))
            .ToList();

    public (RoutingAnswer Answer, RuleOrigin? Origin) Answer(TargetedProbe probe)
    {
        if (probe.Service is not { } service || snapshot.Find<Service>(service) is not { } root)
        {
            return (new RoutingAnswer { Status = 404, Note = "no such Service" }, null);
        }

        var split = SplitFor(input.Splits, service, clusterDomain);
        if (split is null)
        {
            return (MeshVerifier.ToService(root, service, probe.Port), null);
        }

        if (probe.Protocol == RequestProtocol.Tcp)
        {
            return AnswerTcp(split, root, service, probe);
        }

        if (split.Matches.Count > 0 && !Matches(split).Any(m => Matches(m, probe)))
        {
            // "If the header conditions don't match the incoming request, then routing will be handled by the
            // Kubernetes service with the same name as spec.service."
            var toRoot = root.FindPort(probe.Port) is null
                ? new RoutingAnswer { Status = 503, Note = "the root Service has no such port" }
                : Forwarded(probe, [new AnsweredBackend(Name(service, probe.Port), 1)], "the root Service");
            return (toRoot, new RuleOrigin(split.Key, "spec.service"));
        }

        // "There must be a match between a port on the root service and a port on every destination backend
        // service. If they do not match, the backend service is not included and will not receive traffic."
        var backends = Backends(split, probe.Port);
        var origin = new RuleOrigin(split.Key, "spec.backends");
        return backends.Any(b => b.Weight > 0)
            ? (Forwarded(probe, backends, split.Key.Name), origin)
            : (new RoutingAnswer { Status = 503, Backends = backends.ToEquatableArray(), Note = "no backend with weight" }, origin);
    }

    /// <summary>A TCP connection to a port of the root Service: split by weight among the backends with the port, or to the root Service when the split's matches do not take it.</summary>
    private (RoutingAnswer, RuleOrigin?) AnswerTcp(TrafficSplitObject split, Service root, ResourceKey service, TargetedProbe probe)
    {
        if (root.FindPort(probe.Port) is null)
        {
            return (MeshVerifier.Refused(probe), null);
        }

        if (!SplitsTcp(split, probe.Port))
        {
            return (Connected([new AnsweredBackend(Name(service, probe.Port), 1)]), new RuleOrigin(split.Key, "spec.service"));
        }

        var backends = Backends(split, probe.Port);
        return (backends.Any(b => b.Weight > 0) ? Connected(backends) : MeshVerifier.Refused(probe), new RuleOrigin(split.Key, "spec.backends"));
    }

    private static RoutingAnswer Connected(IEnumerable<AnsweredBackend> backends)
        => new() { Status = 200, Backends = backends.ToEquatableArray(), Note = "connection forwarded" };

    /// <summary>The split's backends that have the port, by weight (capped as Gateway API caps it).</summary>
    private List<AnsweredBackend> Backends(TrafficSplitObject split, int port)
        => split.Backends
            .Where(b => ServiceHosts.Resolve(b.Service, split.Key.Namespace, clusterDomain) is { } k && snapshot.Find<Service>(k)?.FindPort(port) is not null)
            .Select(b => new AnsweredBackend(Name(ServiceHosts.Resolve(b.Service, split.Key.Namespace, clusterDomain)!.Value, port), (int)Math.Min(b.Weight, 1_000_000)))
            .ToList();

    private static RoutingAnswer Forwarded(TargetedProbe probe, IEnumerable<AnsweredBackend> backends, string note)
        => new() { Status = 200, Backends = backends.ToEquatableArray(), PathAndQuery = probe.PathAndQuery, Host = probe.Authority, Note = note };

    private static string Name(ResourceKey service, int port) => $"{service.Namespace}/{service.Name}:{port.ToString(CultureInfo.InvariantCulture)}";

    public bool Matches(SmiHttpMatch m, TargetedProbe probe)
    {
        if (m.PathRegex is { } regex && !_re2.FullMatch("(?:" + regex + ").*", probe.Path))
        {
            return false;
        }

        if (m.Methods.Count > 0 && !m.Methods.Contains("*", StringComparer.Ordinal) && !m.Methods.Contains(probe.Method, StringComparer.Ordinal))
        {
            return false;
        }

        return m.Headers.All(h => probe.Header(h.Key) is { } value && _re2.FullMatch(h.Value, value));
    }

    /// <summary>Requests for every root Service of a split: each match, near misses of it, and requests no match takes.</summary>
    public List<TargetedProbe> Probes()
    {
        var probes = new List<TargetedProbe>();
        foreach (var split in input.Splits)
        {
            if (ServiceHosts.Resolve(split.Service, split.Key.Namespace, clusterDomain) is not { } key || snapshot.Find<Service>(key) is not { } root)
            {
                continue;
            }

            foreach (var port in root.Ports)
            {
                if (TcpFor(split, root, port) is not null)
                {
                    // A TCP port: one connection (a connection has nothing else to vary), from the Service's namespace and another.
                    probes.Add(new TargetedProbe { Service = key, ClientNamespace = key.Namespace, Port = port.Port, Protocol = RequestProtocol.Tcp, Purpose = "tcp" });
                    probes.Add(new TargetedProbe { Service = key, ClientNamespace = "policyattach-other", Port = port.Port, Protocol = RequestProtocol.Tcp, Purpose = "tcp from another namespace" });
                    continue;
                }

                var template = new TargetedProbe { Service = key, ClientNamespace = key.Namespace, Port = port.Port, Authority = $"{root.Name}:{port.Port.ToString(CultureInfo.InvariantCulture)}" };
                probes.Add(template with { PathAndQuery = "/", Purpose = "root path" });
                probes.Add(template with { PathAndQuery = "/policyattach-unmatched", Method = "DELETE", Purpose = "no match" });
                foreach (var m in Matches(split))
                {
                    var path = m.PathRegex is { } r ? _re2.Sample(r, "/") : "/";
                    path = path.StartsWith('/') ? path : "/" + path;
                    var method = m.Methods.FirstOrDefault(x => x != "*") ?? "GET";
                    var headers = m.Headers.Select(h => new RequestHeader(h.Key, _re2.Sample(h.Value, "x"))).ToEquatableArray();
                    var hit = template with { PathAndQuery = path, Method = method, Headers = headers, Purpose = $"{split.Key.Name} match {m.Name}" };
                    probes.Add(hit);
                    probes.Add(hit with { PathAndQuery = path + "/more", Purpose = hit.Purpose + " near miss: longer path" });
                    probes.Add(hit with { PathAndQuery = path.ToUpperInvariant(), Purpose = hit.Purpose + " near miss: other case" });
                    if (m.Methods.Count > 0 && !m.Methods.Contains("*", StringComparer.Ordinal))
                    {
                        probes.Add(hit with { Method = method == "PATCH" ? "GET" : "PATCH", Purpose = hit.Purpose + " near miss: other method" });
                    }

                    foreach (var h in m.Headers)
                    {
                        probes.Add(hit with { Headers = headers.Where(x => x.Name != h.Key).ToEquatableArray(), Purpose = hit.Purpose + " near miss: without header " + h.Key });
                    }
                }
            }
        }

        return probes.Distinct().ToList();
    }
}

/// <summary>Why a port carries TCP: the reason, the object that says so (null for the Service port itself), and whether reading it so is an approximation.</summary>
internal sealed record TcpEvidence(string Why, ResourceKey? Route, ResourceKey? Target, bool Approximate);

/// <summary>One run of the SMI converter.</summary>
internal sealed class SmiConversion(Snapshot snapshot, SmiConversionOptions options)
{
    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    private readonly SmiInput _input = SmiReader.Read(snapshot);
    private readonly ConversionLedger _ledger = new();
    private readonly List<Diagnostic> _problems = [];
    private readonly List<ConversionError> _errors = [];
    private readonly List<(KubeObject Object, ResourceKey Source)> _made = [];
    private readonly Dictionary<(ResourceKey Route, int Rule), RuleOrigin> _origins = [];
    private readonly Names _names = new();
    private readonly Re2Patterns _re2 = new();
    private readonly HashSet<ResourceKey> _usedTcpRoutes = [];
    private readonly HashSet<ResourceKey> _tcpTargets = [];

    public ConversionResult Run()
    {
        _problems.AddRange(_input.Diagnostics);
        foreach (var obj in snapshot.Objects.Where(o => o.Group is Groups.Core or Groups.Gateway or ImplementationProfile.EnvoyGatewayGroup))
        {
            _names.Reserve(obj.Kind, obj.Namespace, obj.Name);
        }

        var router = new SmiRouter(_input, snapshot, options.ClusterDomain);
        foreach (var split in _input.Splits.OrderBy(s => s.Metadata.CreationTimestamp).ThenBy(s => s.Key))
        {
            ConvertSplit(split, router);
        }

        foreach (var group in _input.RouteGroups)
        {
            if (!_input.Splits.Any(s => s.Key.Namespace == group.Key.Namespace && s.Matches.Any(m => m.Name == group.Key.Name)))
            {
                _ledger.Dropped(group.Key, group.MatchesField, "no TrafficSplit uses this route group; route groups only describe traffic (for TrafficTargets, which Gateway API has no equivalent for).", affectsRouting: false);
            }
        }

        foreach (var split in _input.Splits)
        {
            foreach (var m in split.Matches.Where(m => m.Kind == Kinds.TcpRoute.Kind))
            {
                if (router.TcpRoute(split.Key.Namespace, m.Name) is { } used)
                {
                    _usedTcpRoutes.Add(used.Key);
                }
            }
        }

        foreach (var tcp in _input.TcpRoutes)
        {
            var spec = _input.Specs[tcp.Key];
            var matches = spec.ValueKind == System.Text.Json.JsonValueKind.Object && spec.TryGetProperty("matches", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Object ? m : default;
            if (!_usedTcpRoutes.Contains(tcp.Key))
            {
                _ledger.Dropped(tcp.Key, "spec", "no TrafficSplit matches this TCPRoute and no TrafficTarget with it told a split's port apart; a traffic spec only describes traffic, nothing routes by it.", affectsRouting: false);
                continue;
            }

            _ledger.Carried(tcp.Key, "spec.matches.ports", tcp.HasPorts
                ? $"the TCPRoutes are written for port(s) {string.Join(", ", tcp.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))} of the root Service (a port the root Service lacks gets no route)."
                : "no ports: every port of the root Service gets a TCPRoute.");
            if (matches.ValueKind == System.Text.Json.JsonValueKind.Object && matches.TryGetProperty("name", out _))
            {
                _ledger.Carried(tcp.Key, "spec.matches.name", "the match name only identifies it.");
            }
        }

        foreach (var other in _input.Others)
        {
            var why = other.Kind switch
            {
                "TrafficTarget" => "access control (which sources may call which routes) has no Gateway API equivalent; use your mesh's authorization policy (Istio AuthorizationPolicy, Linkerd AuthorizationPolicy). All traffic the TrafficTarget denies is allowed by the converted routes."
                    + (_tcpTargets.Contains(other.Key) ? " Its TCPRoute rules were read only to tell which ports of the Services in its namespace carry TCP." : string.Empty),
                // SMI's traffic specs share their kind names with Gateway API's routes (the group tells them apart).
                _ when other.Kind == Kinds.UdpRoute.Kind => "an SMI traffic spec only describes traffic for TrafficTargets (and TrafficSplit matches, which this converter reads for HTTPRouteGroups and TCPRoutes); nothing routes by it. A UDP split would need a UDPRoute, which GAMMA does not define.",
                _ => $"{other.Kind} is not converted.",
            };
            _ledger.Dropped(other.Key, "spec", why, affectsRouting: other.Kind == "TrafficTarget");
        }

        foreach (var (key, spec) in _input.Specs)
        {
            _ledger.Complete(key, spec, _input.TopLevel.Contains(key) ? string.Empty : "spec");
        }

        var (objects, manifests) = ConversionAssembly.Finish(_made, _origins, _errors);
        var kept = objects.Select(o => o.Key).ToHashSet();
        return new ConversionResult
        {
            Objects = objects.ToEquatableArray(),
            Manifests = manifests.ToEquatableArray(),
            EvaluationClasses = [],
            Report = new ConversionReport(_ledger.Notes(_input.Specs, _input.TopLevel)) { Errors = _errors.ToEquatableArray() },
            InputProblems = _problems.ToEquatableArray(),
            RuleOrigins = _origins.Where(o => kept.Contains(o.Key.Route)).ToDictionary(o => o.Key, o => o.Value),
        };
    }

    private void ConvertSplit(TrafficSplitObject split, SmiRouter router)
    {
        var key = split.Key;
        if (ServiceHosts.Resolve(split.Service, key.Namespace, options.ClusterDomain) is not { } rootKey || snapshot.Find<Service>(rootKey) is not { } root)
        {
            _ledger.Dropped(key, "spec", $"the root Service {split.Service} is not a Service of the input; a GAMMA route needs it as its parent.", affectsRouting: true);
            return;
        }

        if (SmiRouter.SplitFor(_input.Splits, rootKey, options.ClusterDomain) != split)
        {
            _ledger.Dropped(key, "spec", $"an older TrafficSplit already splits Service {root.Name}; the specification does not say how several combine, PolicyAttach takes the oldest.", affectsRouting: true);
            return;
        }

        _ledger.Carried(key, "spec.service", $"the routes' parent: Service {root.Namespace}/{root.Name} (GAMMA producer routes, one per port).");
        var matches = router.Matches(split);
        var specs = new List<MatchSpec>();
        foreach (var m in matches)
        {
            specs.AddRange(ConvertMatch(m));
        }

        foreach (var r in split.Matches)
        {
            var group = _input.RouteGroups.FirstOrDefault(g => g.Key.Namespace == key.Namespace && g.Key.Name == r.Name);
            if (r.Kind == Kinds.TcpRoute.Kind)
            {
                var tcp = router.TcpRoute(key.Namespace, r.Name);
                if (tcp is null)
                {
                    _ledger.Dropped(key, r.Field, $"TCPRoute {key.Namespace}/{r.Name} is not in the input; the connections it would match go to the root Service.", affectsRouting: true);
                }
                else
                {
                    _ledger.Carried(key, r.Field, $"the split takes the TCP connections to {(tcp.HasPorts ? "port(s) " + string.Join(", ", tcp.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture))) : "every port")} of the root Service (TCPRoutes with the backends); on its other ports, the requests go to the root Service.");
                }
            }
            else if (r.Kind != "HTTPRouteGroup")
            {
                _ledger.Dropped(key, r.Field, $"matches of kind {r.Kind} are not converted (only HTTPRouteGroup and TCPRoute).", affectsRouting: true);
            }
            else if (group is null)
            {
                _ledger.Dropped(key, r.Field, $"HTTPRouteGroup {key.Namespace}/{r.Name} is not in the input; its requests go to the root Service.", affectsRouting: true);
            }
            else
            {
                _ledger.Carried(key, r.Field, "the split's rule matches the route group's matches (merged, ORed); other requests go to the root Service.");
            }
        }

        foreach (var port in root.Ports)
        {
            if (router.TcpFor(split, root, port) is { } tcp)
            {
                ConvertTcpPort(split, root, port, tcp, router);
                continue;
            }

            var backends = Backends(split, port.Port);
            if (!backends.Any(b => b.BackendRef.Weight > 0))
            {
                _ledger.Remark(key, "spec.backends", ConversionOutcome.Approximated, $"on port {port.Port.ToString(CultureInfo.InvariantCulture)} no backend that has the port has a weight: the route's rule has no backend to send to and answers 500, as Gateway API says; the specification does not say what a split without weight does (PolicyAttach's model answers 503).", affectsRouting: true);
            }

            var rules = new List<List<MatchSpec>>();
            rules.Add(split.Matches.Count > 0 ? specs : [MatchSpec.All]);
            if (split.Matches.Count > 0)
            {
                rules.Add([MatchSpec.All]);
            }

            var (ordered, conflicts) = FirstMatchOrder.Preserve(rules.Select(r => (IReadOnlyList<MatchSpec>)r).ToList(), _re2);
            foreach (var c in conflicts)
            {
                _ledger.Remark(key, "spec.matches", ConversionOutcome.Approximated, $"first-match order not preserved between \"{c.Earlier}\" and \"{c.Later}\": {c.Why}.", affectsRouting: true);
            }

            var routeRules = new List<HttpRouteRule>();
            if (ordered[0].Count > 0)
            {
                routeRules.Add(new HttpRouteRule { Matches = ordered[0].Select(m => m.ToHttpRouteMatch()).ToEquatableArray(), BackendRefs = backends.ToEquatableArray() });
            }

            if (ordered.Count > 1)
            {
                routeRules.Add(new HttpRouteRule
                {
                    Matches = ordered[1].Select(m => m.ToHttpRouteMatch()).ToEquatableArray(),
                    BackendRefs = [new RouteBackendRef { BackendRef = new BackendReference { Name = root.Name, Namespace = root.Namespace, Port = port.Port } }],
                });
            }

            var name = _names.Take(Kinds.HttpRoute.Kind, root.Namespace, root.Ports.Count == 1 ? key.Name : $"{key.Name}-{port.Port.ToString(CultureInfo.InvariantCulture)}");
            var route = new HttpRoute
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = new ObjectMeta { Name = name, Namespace = root.Namespace, Annotations = StringMap.Of(("policyattach.io/converted-from", $"TrafficSplit/{key.Namespace}/{key.Name}")) },
                ParentRefs = [new ParentReference { Group = Groups.Core, Kind = Kinds.Service.Kind, Name = root.Name, Namespace = root.Namespace, Port = root.Ports.Count == 1 ? null : port.Port }],
                Rules = routeRules.ToEquatableArray(),
            };
            _made.Add((route, key));
            for (var i = 0; i < routeRules.Count; i++)
            {
                _origins[(route.Key, i)] = new RuleOrigin(key, routeRules[i].BackendRefs.Any(b => b.BackendRef.Name == root.Name && i == routeRules.Count - 1 && split.Matches.Count > 0) ? "spec.service" : "spec.backends");
            }
        }

        foreach (var b in split.Backends)
        {
            var target = ServiceHosts.Resolve(b.Service, key.Namespace, options.ClusterDomain);
            var svc = target is { } t ? snapshot.Find<Service>(t) : null;
            if (svc is null)
            {
                _ledger.Dropped(key, b.Field, $"Service {b.Service} is not in the input, so it gets no traffic in the routes (a backend without a port cannot be written).", affectsRouting: true);
                continue;
            }

            var missing = root.Ports.Where(p => svc.FindPort(p.Port) is null).Select(p => p.Port.ToString(CultureInfo.InvariantCulture)).ToList();
            _ledger.Carried(key, b.Field, $"backend {svc.Name} with weight {b.Weight.ToString(CultureInfo.InvariantCulture)}" + (missing.Count == 0 ? "." : $"; it lacks the root's port(s) {string.Join(", ", missing)}, so it gets no traffic there, as the specification says."));
            if (b.Weight > 1_000_000)
            {
                _ledger.Approximated(key, b.Field + ".weight", "Gateway API weights are at most 1,000,000; the weight is capped.", affectsRouting: true);
            }
        }
    }

    /// <summary>
    /// A TCP port of the root Service: a TCPRoute with the Service (port) as parent (GAMMA) and one rule, the
    /// backends with the port by weight when the split takes the port's connections, else the root Service itself.
    /// </summary>
    private void ConvertTcpPort(TrafficSplitObject split, Service root, ServicePort port, TcpEvidence tcp, SmiRouter router)
    {
        var key = split.Key;
        var number = port.Port.ToString(CultureInfo.InvariantCulture);
        var splits = router.SplitsTcp(split, port.Port);
        var backends = splits
            ? Backends(split, port.Port)
            : [new RouteBackendRef { BackendRef = new BackendReference { Name = root.Name, Namespace = root.Namespace, Port = port.Port } }];
        if (backends.Count == 0)
        {
            // A TCPRoute rule needs a backendRef: the root Service with weight 0 refuses the connections, as a split
            // whose backends all lack the port sends them nowhere.
            backends = [new RouteBackendRef { BackendRef = new BackendReference { Name = root.Name, Namespace = root.Namespace, Port = port.Port, Weight = 0 } }];
            _ledger.Remark(key, "spec.backends", ConversionOutcome.Approximated, $"no backend has port {number}: the TCPRoute names the root Service with weight 0 (a TCPRoute rule needs a backend), so connections are refused; the specification does not say what a split without a backend does.", affectsRouting: true);
        }
        else if (!backends.Any(b => b.BackendRef.Weight > 0))
        {
            _ledger.Remark(key, "spec.backends", ConversionOutcome.Carried, $"on TCP port {number} no backend that has the port has a weight: connections are refused, by the split and by the TCPRoute.", affectsRouting: false);
        }
        var name = _names.Take(Kinds.TcpRoute.Kind, root.Namespace, root.Ports.Count == 1 ? key.Name : $"{key.Name}-{number}");
        var route = new TcpRoute
        {
            ApiVersion = "gateway.networking.k8s.io/v1",
            Metadata = new ObjectMeta { Name = name, Namespace = root.Namespace, Annotations = StringMap.Of(("policyattach.io/converted-from", $"TrafficSplit/{key.Namespace}/{key.Name}")) },
            ParentRefs = [new ParentReference { Group = Groups.Core, Kind = Kinds.Service.Kind, Name = root.Name, Namespace = root.Namespace, Port = port.Port }],
            Rules = [new BackendRouteRule { BackendRefs = backends.Select(b => b.BackendRef).ToEquatableArray() }],
        };
        _made.Add((route, key));
        _origins[(route.Key, 0)] = new RuleOrigin(key, splits ? "spec.backends" : "spec.service");
        var fate = tcp.Approximate ? ConversionOutcome.Approximated : ConversionOutcome.Carried;
        _ledger.Remark(key, "spec.service", fate, $"port {number} carries TCP ({tcp.Why}): TCPRoute {name} with Service {root.Name} port {number} as parent (GAMMA; TCPRoutes in a mesh are experimental in Gateway API)" + (tcp.Approximate ? "; a TrafficTarget's destination is a ServiceAccount, so reading its ports as the Service's is an approximation." : "."), affectsRouting: tcp.Approximate);
        if (tcp.Route is { } used)
        {
            _usedTcpRoutes.Add(used);
        }

        if (tcp.Target is { } target)
        {
            _tcpTargets.Add(target);
        }

        if (!splits)
        {
            var why = split.Matches.Any(m => m.Kind == Kinds.TcpRoute.Kind)
                ? "no TCPRoute the split matches covers it"
                : "an HTTPRouteGroup's conditions cannot match a TCP connection";
            _ledger.Remark(key, "spec.matches", ConversionOutcome.Carried, $"on TCP port {number} {why}, so its connections go to the root Service (the TCPRoute's backend), as the specification says of requests no match takes.", affectsRouting: false);
        }
    }

    /// <summary>The split's backends that have the port, by weight (at most 1,000,000, Gateway API's cap).</summary>
    private List<RouteBackendRef> Backends(TrafficSplitObject split, int port)
    {
        var backends = new List<RouteBackendRef>();
        foreach (var b in split.Backends)
        {
            var target = ServiceHosts.Resolve(b.Service, split.Key.Namespace, options.ClusterDomain);
            var svc = target is { } t ? snapshot.Find<Service>(t) : null;
            if (svc?.FindPort(port) is null)
            {
                continue;
            }

            backends.Add(new RouteBackendRef { BackendRef = new BackendReference { Name = svc.Name, Namespace = svc.Namespace, Port = port, Weight = (int)Math.Min(b.Weight, 1_000_000) } });
        }

        return backends;
    }

    /// <summary>An HTTPRouteGroup match as HTTPRoute matches: the path expression anchored at the start (so followed by <c>.*</c>), one match per method, header expressions.</summary>
    private List<MatchSpec> ConvertMatch(SmiHttpMatch m)
    {
        var owner = _input.RouteGroups.First(g => g.Matches.Contains(m)).Key;
        var path = PathCondition.Any;
        if (m.PathRegex is { } regex)
        {
            path = regex is ".*" or "/.*" or "" ? PathCondition.Any : new PathCondition(PathKind.Regex, "(?:" + regex + ").*");
            _ledger.Carried(owner, m.Field + ".pathRegex", path.IsAny ? "every path." : "path RegularExpression (the expression anchored at the start of the path, as the specification says; regular expressions are implementation-specific in Gateway API).");
        }

        var headers = new List<ValueTest>();
        foreach (var (name, value) in m.Headers)
        {
            headers.Add(new ValueTest(name.ToLowerInvariant(), IsRegex: true, value));
        }

        if (m.Headers.Count > 0)
        {
            _ledger.Carried(owner, m.Field + ".headers", "header RegularExpression matches (the whole value; the specification does not say whether header expressions are anchored).");
        }

        _ledger.Carried(owner, m.Field + ".name", "the match name only identifies it.");
        var methods = m.Methods.Count == 0 || m.Methods.Contains("*", StringComparer.Ordinal) ? [null] : m.Methods.Select(x => x.ToUpperInvariant()).Where(x => HttpMethods.Contains(x)).Cast<string?>().Distinct().ToList();
        if (m.Methods.Count > 0)
        {
            if (methods.Count == m.Methods.Count || methods is [null])
            {
                _ledger.Carried(owner, m.Field + ".methods", "one match per method" + (methods is [null] ? " (* matches every method)." : "."));
            }
            else
            {
                _ledger.Approximated(owner, m.Field + ".methods", "methods outside Gateway API's nine are not matched.", affectsRouting: true);
            }
        }

        return methods.Select(method => MatchSpec.Create(path, method, headers, [])).ToList();
    }
}
