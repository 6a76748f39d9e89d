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
/// Converts SMI traffic objects to GAMMA routes: each TrafficSplit becomes an HTTPRoute per port of its root
/// Service, with the Service as parent and the backends (those with the same port) by weight; a split with
/// HTTPRouteGroup matches splits only the requests they match, and a last rule sends the others to the root
/// Service, as the split leaves them to it. TCPRoutes, UDPRoutes and TrafficTargets are reported: traffic specs
/// only describe traffic, and Gateway API has no access control.
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
/// others go to the root Service. Matches: <c>pathRegex</c> is anchored at the start of the path (so it is a
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

        var refs = split.Matches.Where(m => m.Kind == "HTTPRouteGroup").ToList();
        if (refs.Count > 0 && !Matches(split).Any(m => Matches(m, probe)))
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
        var backends = split.Backends
            .Where(b => ServiceHosts.Resolve(b.Service, split.Key.Namespace, clusterDomain) is { } k && snapshot.Find<Service>(k)?.FindPort(probe.Port) is not null)
            .Select(b => new AnsweredBackend(Name(ServiceHosts.Resolve(b.Service, split.Key.Namespace, clusterDomain)!.Value, probe.Port), (int)Math.Min(b.Weight, 1_000_000)))
            .ToList();
        var origin = new RuleOrigin(split.Key, "spec.backends");
        return backends.Any(b => b.Weight > 0)
            ? (Forwarded(probe, backends, split.Key.Name), origin)
            : (new RoutingAnswer { Status = 503, Backends = backends.ToEquatableArray(), Note = "no backend with weight" }, origin);
    }

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

        foreach (var other in _input.Others)
        {
            var why = other.Kind switch
            {
                "TrafficTarget" => "access control (which sources may call which routes) has no Gateway API equivalent; use your mesh's authorization policy (Istio AuthorizationPolicy, Linkerd AuthorizationPolicy). All traffic the TrafficTarget denies is allowed by the converted routes.",
                // SMI's traffic specs share their kind names with Gateway API's routes (the group tells them apart).
                _ when other.Kind == Kinds.TcpRoute.Kind || other.Kind == Kinds.UdpRoute.Kind => "an SMI traffic spec only describes traffic for TrafficTargets (and TrafficSplit matches, which this converter reads for HTTPRouteGroups only); nothing routes by it.",
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
            if (r.Kind != "HTTPRouteGroup")
            {
                _ledger.Dropped(key, r.Field, $"matches of kind {r.Kind} are not converted (only HTTPRouteGroup).", affectsRouting: true);
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
            var backends = new List<RouteBackendRef>();
            foreach (var b in split.Backends)
            {
                var target = ServiceHosts.Resolve(b.Service, key.Namespace, options.ClusterDomain);
                var svc = target is { } t ? snapshot.Find<Service>(t) : null;
                if (svc?.FindPort(port.Port) is null)
                {
                    continue;
                }

                backends.Add(new RouteBackendRef { BackendRef = new BackendReference { Name = svc.Name, Namespace = svc.Namespace, Port = port.Port, Weight = (int)Math.Min(b.Weight, 1_000_000) } });
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
