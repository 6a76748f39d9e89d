using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;
using static PolicyAttach.Testing.Pools;

namespace PolicyAttach.Testing;

/// <summary>
/// Generates valid worlds in steps, each step reading what the earlier ones made so that references mostly resolve:
/// namespaces, classes and policy kinds, Gateways, ListenerSets, Services, routes, certificates, ReferenceGrants,
/// policies, Ingresses. References dangle only on purpose (<see cref="WorldOptions.DanglingShare"/>).
/// </summary>
internal static class WorldGenerator
{
    private sealed record Draft(WorldOptions Options, int Size, ImmutableList<ObjectBuilder> Objects)
    {
        public Draft Add(IEnumerable<ObjectBuilder?> more) => this with { Objects = Objects.AddRange(more.OfType<ObjectBuilder>()) };

        public IEnumerable<T> All<T>() => Objects.OfType<T>();

        public bool Dangles => Options.DanglingShare > 0;
    }

    public static Gen<TestWorld> World(WorldOptions options)
        => Gen.Sized(size => Gen.Constant(new Draft(options, Math.Max(size, 1), [])))
            .SelectMany(Namespaces)
            .SelectMany(Classes)
            .SelectMany(Gateways)
            .SelectMany(ListenerSets)
            .SelectMany(Services)
            .SelectMany(Routes)
            .SelectMany(Certificates)
            .SelectMany(Grants)
            .SelectMany(Policies)
            .SelectMany(BackendTlsPolicies)
            .SelectMany(Ingresses)
            .Select(d => new TestWorld(d.Objects.DistinctBy(o => o.Key), options.ControllerName, PolicyKinds(options)));

    /// <summary>The policy kinds a world of these options registers in code: the Atomic kind, which may cross namespaces.</summary>
    public static IEnumerable<PolicyKindDefinition> PolicyKinds(WorldOptions options)
        => options.PolicyStrategies.Contains(MergeStrategy.Atomic)
            ? [new PolicyKindDefinition
            {
                Kind = new GroupKind(PolicyGroup, AtomicKind),
                Class = PolicyClass.Inherited,
                Targets = PolicyKindDefinition.InheritedIngressTargets,
                Strategy = MergeStrategy.Atomic,
                CrossNamespace = CrossNamespaceTargets.WithReferenceGrant,
            }]
            : [];

    /// <summary>A short lower-case name of a kind, for generated object names.</summary>
    private static string ShortName(string kind) => kind switch
    {
        "HTTPRoute" => "http",
        "GRPCRoute" => "grpc",
        "TLSRoute" => "tls",
        "TCPRoute" => "tcp",
        "UDPRoute" => "udp",
        DirectKind => "health",
        AtomicKind => "timeout",
        _ => "retry",
    };

    private static Gen<List<T>> Repeat<T>(int count, Func<int, Gen<T>> item) => Gen.CollectToList(Enumerable.Range(0, count), item);

    private static Gen<Draft> Namespaces(Draft d)
        => from namespaces in Gen.CollectToList(Namespaces(), ns =>
               from present in Chance(0.85)
               from env in Gen.Elements<string?>(null, "prod", "dev")
               from team in Gen.Elements<string?>(null, "a")
               select present ? new NamespaceBuilder(ns) { Labels = Labels(("env", env), ("team", team)) } : null)
           select d.Add(namespaces);

    private static string[] Namespaces() => Pools.Namespaces;

    private static StringMap Labels(params (string Key, string? Value)[] labels)
        => StringMap.Create(labels.Where(l => l.Value is not null).Select(l => new KeyValuePair<string, string>(l.Key, l.Value!)));

    private static Gen<Draft> Classes(Draft d)
    {
        var o = d.Options;
        var crds = new List<ObjectBuilder>();
        if (o.PolicyStrategies.Contains(MergeStrategy.None))
        {
            crds.Add(new PolicyCrdBuilder(PolicyGroup, DirectKind, PolicyClass.Direct));
        }

        if (o.PolicyStrategies.Contains(MergeStrategy.Patch))
        {
            crds.Add(new PolicyCrdBuilder(PolicyGroup, PatchKind, PolicyClass.Inherited));
        }

        return from other in Chance(o.OtherControllers ? 0.3 : 0)
               from parameters in Chance(o.DanglingShare * 2)
               select d.Add(crds).Add([
                   new GatewayClassBuilder(Class, o.ControllerName),
                   other ? new GatewayClassBuilder(OtherClass, OtherController) : null,
                   parameters ? new GatewayClassBuilder(ParamsClass, o.ControllerName) { ParametersRef = ObjectRefBuilder.ConfigMap(Infra, "params") } : null,
               ]);
    }

    private static Gen<Draft> Gateways(Draft d)
    {
        var o = d.Options;
        var classes = d.All<GatewayClassBuilder>().ToList();
        return from count in Count(1, Math.Min(o.MaxGateways, 1 + (d.Size / 25)))
               from gateways in Repeat(count, i =>
                   from ns in Gen.Frequency((5, Gen.Constant(Infra)), (1, Gen.Constant(App)))
                   from className in Gen.Frequency(
                       (16, Gen.Constant(Class)),
                       (classes.Any(c => c.Name == OtherClass) ? 2 : 0, Gen.Constant(OtherClass)),
                       (classes.Any(c => c.Name == ParamsClass) ? 2 : 0, Gen.Constant(ParamsClass)),
                       (d.Dangles ? 1 : 0, Gen.Constant("gc-missing")))
                   from families in Gen.CollectToList(Families(o), f => Chance(f == Protocols.Http ? 1 : 0.6).Select(keep => keep ? f : null))
                   let basics = families.OfType<string>().Take(o.MaxListeners).ToList()
                   from extraCount in Count(0, Math.Min(o.MaxListeners - basics.Count, d.Size / 25))
                   from extras in Repeat(extraCount, j => Listener($"l{basics.Count + j}", d))
                   from basicListeners in Gen.CollectToList(basics.Select((p, j) => (p, j)), x => BasicListener($"l{x.j}", x.p, d))
                   let listeners = basicListeners.Concat(extras).ToList()
                   from allowed in o.ListenerSets
                       ? Gen.Frequency((2, Gen.Constant<string?>(null)), (3, Gen.Constant<string?>(FromNamespaces.All)), (2, Gen.Constant<string?>(FromNamespaces.Same)), (1, Gen.Constant<string?>(FromNamespaces.Selector)))
                       : Gen.Constant<string?>(null)
                   from frontend in Chance(0.08)
                   from frontendNs in CrossNamespace(d, ns)
                   from stamp in Stamp(0.3)
                   select new GatewayBuilder(ns, i == 0 ? "gw" : $"gw{i + 1}", className)
                   {
                       Listeners = Distinct(listeners),
                       ListenersFrom = allowed,
                       ListenersSelector = allowed == FromNamespaces.Selector ? LabelSelectorBuilder.Label("env", "prod") : null,
                       FrontendCaCertificateRefs = frontend ? [ObjectRefBuilder.ConfigMap(frontendNs, "ca")] : [],
                       CreationTimestamp = stamp,
                   })
               select d.Add(gateways);
    }

    /// <summary>One protocol per family of enabled route kinds, so that a Gateway usually has a listener for each.</summary>
    private static List<string> Families(WorldOptions o)
    {
        var kinds = o.RouteKinds;
        var families = new List<string> { Protocols.Http };
        if ((kinds & RouteKinds.Tls) != 0)
        {
            families.Add(Protocols.Tls);
        }

        if ((kinds & RouteKinds.Tcp) != 0)
        {
            families.Add(Protocols.Tcp);
        }

        if ((kinds & RouteKinds.Udp) != 0)
        {
            families.Add(Protocols.Udp);
        }

        return families;
    }

    /// <summary>A listener of a family on its own port (TLS on 8443, so it never conflicts with HTTPS), without restrictions.</summary>
    private static Gen<ListenerBuilder> BasicListener(string name, string protocol, Draft d)
        => from hostname in d.Options.ListenerHostnames && protocol is Protocols.Http or Protocols.Tls
               ? Gen.Frequency((3, Gen.Constant<string?>(null)), (2, Pick(ListenerHosts).Select(h => (string?)h)))
               : Gen.Constant<string?>(null)
           from routesFrom in Gen.Frequency((3, Gen.Constant<string?>(FromNamespaces.All)), (d.Options.AllowedRoutes ? 1 : 0, Gen.Constant<string?>(null)))
           select new ListenerBuilder(name, protocol, protocol == Protocols.Tls ? 8443 : NaturalPort(protocol))
           {
               Hostname = hostname,
               TlsMode = protocol == Protocols.Tls ? TlsModes.Passthrough : null,
               RoutesFrom = routesFrom,
           };

    /// <summary>Listeners with a unique (port, protocol, hostname), as the Gateway's CEL rule requires.</summary>
    private static EquatableArray<ListenerBuilder> Distinct(IEnumerable<ListenerBuilder> listeners)
        => listeners.DistinctBy(l => (l.Port, l.Protocol, l.Hostname)).ToEquatableArray();

    private static Gen<ListenerBuilder> Listener(string name, Draft d)
    {
        var o = d.Options;
        var kinds = o.RouteKinds;
        var web = (kinds & (RouteKinds.Http | RouteKinds.Grpc)) != 0 || kinds == RouteKinds.None;
        var protocol = Gen.Frequency(
            (web ? 6 : 0, Gen.Constant(Protocols.Http)),
            (web ? 3 : 0, Gen.Constant(Protocols.Https)),
            ((kinds & RouteKinds.Tls) != 0 ? 3 : 0, Gen.Constant(Protocols.Tls)),
            ((kinds & RouteKinds.Tcp) != 0 ? 2 : 0, Gen.Constant(Protocols.Tcp)),
            ((kinds & RouteKinds.Udp) != 0 ? 2 : 0, Gen.Constant(Protocols.Udp)),
            (o.ListenerConflicts ? 1 : 0, Gen.Constant("example.com/custom")));
        return from p in protocol
               from port in o.ListenerConflicts ? Gen.Frequency((5, Gen.Constant(NaturalPort(p))), (1, Gen.Elements(80, 443, 8080))) : Gen.Constant(NaturalPort(p))
               from hostname in o.ListenerHostnames && p is Protocols.Http or Protocols.Https or Protocols.Tls
                   ? Gen.Frequency((2, Gen.Constant<string?>(null)), (5, Pick(ListenerHosts).Select(h => (string?)h)))
                   : Gen.Constant<string?>(null)
               from passthrough in Gen.Frequency((4, Gen.Constant(true)), (3, Gen.Constant(false)))
               from certificates in Count(1, 2).SelectMany(n => Repeat(n, _ => Certificate(d)))
               from routesFrom in o.AllowedRoutes
                   ? Gen.Frequency((2, Gen.Constant<string?>(null)), (2, Gen.Constant<string?>(FromNamespaces.Same)), (4, Gen.Constant<string?>(FromNamespaces.All)), (2, Gen.Constant<string?>("env")), (1, Gen.Constant<string?>("team")))
                   : Gen.Constant<string?>(FromNamespaces.All)
               from kinds2 in o.AllowedRoutes
                   ? Gen.Frequency((12, Gen.Constant(Array.Empty<string>())), (1, Gen.Constant<string[]>(["HTTPRoute"])), (1, Gen.Constant<string[]>(["GRPCRoute", "HTTPRoute"])))
                   : Gen.Constant(Array.Empty<string>())
               let terminates = p == Protocols.Https || (p == Protocols.Tls && !passthrough)
               select new ListenerBuilder(name, p, port)
               {
                   Hostname = hostname,
                   TlsMode = p == Protocols.Tls ? (passthrough ? TlsModes.Passthrough : TlsModes.Terminate) : null,
                   CertificateRefs = terminates ? [.. certificates.DistinctBy(c => (c.Namespace, c.Name))] : [],
                   RoutesFrom = routesFrom is "env" or "team" ? FromNamespaces.Selector : routesFrom,
                   RoutesSelector = routesFrom == "env" ? LabelSelectorBuilder.Label("env", "prod") : routesFrom == "team" ? LabelSelectorBuilder.Exists("team") : null,
                   RouteKinds = p is Protocols.Http or Protocols.Https ? [.. kinds2] : [],
               };
    }

    /// <summary>The usual port of a protocol.</summary>
    private static int NaturalPort(string protocol) => protocol switch
    {
        Protocols.Http => 80,
        Protocols.Https or Protocols.Tls => 443,
        Protocols.Tcp => 9000,
        Protocols.Udp => 5353,
        _ => 8080,
    };

    /// <summary>A certificate reference: a valid Secret, an invalid one, or now and then a missing one.</summary>
    private static Gen<ObjectRefBuilder> Certificate(Draft d)
        => from name in Gen.Frequency((6, Gen.Constant("cert")), (2, Gen.Constant("cert-bad")), (d.Dangles ? 1 : 0, Gen.Constant("cert-missing")))
           from cross in Chance(d.Options.CrossNamespaceShare / 2)
           select ObjectRefBuilder.Secret(cross ? Shared : null, name);

    /// <summary>Null (the referring object's namespace), or another namespace with the cross-namespace share.</summary>
    private static Gen<string?> CrossNamespace(Draft d, string ns)
        => from cross in Chance(d.Options.CrossNamespaceShare)
           from other in Gen.Frequency((3, Gen.Constant(Shared)), (1, Pick(Pools.Namespaces)))
           select cross && other != ns ? other : null;

    private static Gen<DateTimeOffset?> Stamp(double share)
        => from set in Chance(share)
           from stamp in Pick(Timestamps)
           select set ? stamp : (DateTimeOffset?)null;

    private static Gen<Draft> ListenerSets(Draft d)
    {
        var gateways = d.All<GatewayBuilder>().ToList();
        if (!d.Options.ListenerSets || gateways.Count == 0)
        {
            return Gen.Constant(d);
        }

        return from count in Count(0, 2)
               from sets in Repeat(count, i =>
                   from ns in Gen.Frequency((4, Gen.Constant(Infra)), (1, Gen.Constant(App)))
                   from gateway in Gen.Frequency((6, Pick(gateways.Where(g => g.ListenersFrom is not null).DefaultIfEmpty(gateways[0]).ToList())), (1, Pick(gateways)))
                   from dangling in Chance(d.Options.DanglingShare)
                   from listenerCount in Count(1, 3)
                   from listeners in Repeat(listenerCount, j => Listener($"s{j}", d))
                   from stamp in Stamp(0.3)
                   select new ListenerSetBuilder(ns, $"ls{i + 1}", ObjectRefBuilder.Gateway(gateway.Namespace == ns ? null : gateway.Namespace, dangling ? "gw-missing" : gateway.Name))
                   {
                       Listeners = Distinct(listeners),
                       CreationTimestamp = stamp,
                   })
               select d.Add(sets);
    }

    private static Gen<Draft> Services(Draft d)
        => from services in Gen.CollectToList(ServiceNamespaces.SelectMany(ns => ServiceNames.Select(name => (ns, name))), s =>
               from present in Chance(0.8)
               from twoPorts in Chance(0.35)
               from h2c in Chance(0.1)
               select present
                   ? new ServiceBuilder(s.ns, s.name)
                   {
                       Ports = twoPorts
                           ? [new ServicePortBuilder(80) { Name = "http", AppProtocol = h2c ? "kubernetes.io/h2c" : null }, new ServicePortBuilder(8080) { Name = "alt" }]
                           : [new ServicePortBuilder(80) { Name = "http", AppProtocol = h2c ? "kubernetes.io/h2c" : null }],
                   }
                   : null)
           select d.Add(services);

    private static Gen<Draft> Routes(Draft d)
    {
        var o = d.Options;
        if (o.RouteKinds == RouteKinds.None || o.MaxRoutes == 0)
        {
            return Gen.Constant(d);
        }

        var kind = Gen.Frequency(
            ((o.RouteKinds & RouteKinds.Http) != 0 ? 4 : 0, Gen.Constant("HTTPRoute")),
            ((o.RouteKinds & RouteKinds.Grpc) != 0 ? 2 : 0, Gen.Constant("GRPCRoute")),
            ((o.RouteKinds & RouteKinds.Tls) != 0 ? 2 : 0, Gen.Constant("TLSRoute")),
            ((o.RouteKinds & RouteKinds.Tcp) != 0 ? 2 : 0, Gen.Constant("TCPRoute")),
            ((o.RouteKinds & RouteKinds.Udp) != 0 ? 1 : 0, Gen.Constant("UDPRoute")));
        return from count in Count(1, Math.Min(o.MaxRoutes, 1 + (d.Size / 8)))
               from routes in Repeat(count, i => kind.SelectMany(k => Route(d, k, i)))
               select d.Add(routes);
    }

    private static Gen<RouteBuilder> Route(Draft d, string kind, int index)
        => from ns in Gen.Frequency((3, Pick(GatewayNamespaces)), (2, Pick(RouteNamespaces)))
           from parentCount in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Constant(2)))
           from parents in Repeat(parentCount, _ => Parent(d, kind, ns))
           from hostnames in kind switch
           {
               "HTTPRoute" or "GRPCRoute" => Count(0, 2).SelectMany(n => Repeat(n, _ => Pick(RouteHosts))),
               "TLSRoute" => Count(1, 2).SelectMany(n => Repeat(n, _ => Pick(SniHosts))),
               _ => Gen.Constant(new List<string>()),
           }
           from stamp in Stamp(0.5)
           from tier in Chance(0.2)
           from route in kind switch
           {
               "HTTPRoute" => HttpRoute(d, ns, index),
               "GRPCRoute" => GrpcRoute(d, ns, index),
               _ => StreamRoute(d, kind, ns, index),
           }
           select route with
           {
               ParentRefs = [.. parents.DistinctBy(p => p.TargetKey(ns))],
               Hostnames = [.. hostnames.Distinct(StringComparer.Ordinal)],
               CreationTimestamp = stamp,
               Labels = tier ? StringMap.Of(("tier", "web")) : StringMap.Empty,
           };

    private static Gen<ObjectRefBuilder> Parent(Draft d, string kind, string ns)
    {
        var o = d.Options;
        var gateways = d.All<GatewayBuilder>().ToList();
        var sets = d.All<ListenerSetBuilder>().ToList();
        var services = d.All<ServiceBuilder>().Where(s => s.Namespace == ns || s.Namespace == Shared).ToList();
        var mesh = o.Mesh && kind is "HTTPRoute" or "GRPCRoute" && services.Count > 0;
        var parent = Gen.Frequency(
            (8, Pick(gateways).Select(g => (Ref: ObjectRefBuilder.Gateway(g.Namespace == ns ? null : g.Namespace, g.Name), Target: (ObjectBuilder?)g))),
            (sets.Count > 0 ? 2 : 0, sets.Count > 0 ? Pick(sets).Select(s => (Ref: ObjectRefBuilder.ListenerSet(s.Namespace == ns ? null : s.Namespace, s.Name), Target: (ObjectBuilder?)s)) : Gen.Constant((Ref: ObjectRefBuilder.Gateway(null, "none"), Target: (ObjectBuilder?)null))),
            (mesh ? 2 : 0, mesh ? Pick(services).Select(s => (Ref: ObjectRefBuilder.Service(s.Namespace == ns ? null : s.Namespace, s.Name), Target: (ObjectBuilder?)s)) : Gen.Constant((Ref: ObjectRefBuilder.Gateway(null, "none"), Target: (ObjectBuilder?)null))),
            (d.Dangles ? 1 : 0, Gen.Constant((Ref: ObjectRefBuilder.Gateway(Infra, "gw-missing"), Target: (ObjectBuilder?)null))));
        return from p in parent
               let sections = p.Target?.Sections().ToList() ?? []
               let ports = p.Target?.PortNumbers().ToList() ?? []
               from section in Gen.Frequency(
                   (6, Gen.Constant<string?>(null)),
                   (sections.Count > 0 ? 2 : 0, sections.Count > 0 ? Pick(sections).Select(s => (string?)s) : Gen.Constant<string?>(null)),
                   (d.Dangles ? 1 : 0, Gen.Constant<string?>("nope")))
               from port in Gen.Frequency(
                   (p.Ref.Kind == "Service" ? 0 : 8, Gen.Constant<int?>(null)),
                   (ports.Count > 0 ? (p.Ref.Kind == "Service" ? 8 : 1) : 0, ports.Count > 0 ? Pick(ports).Select(x => (int?)x) : Gen.Constant<int?>(null)))
               select p.Ref with { SectionName = p.Ref.Kind == "Service" ? null : section, Port = port };
    }

    private static Gen<RouteBuilder> HttpRoute(Draft d, string ns, int index)
        => from count in Count(1, Math.Min(d.Options.MaxRules, 3))
           from rules in Repeat(count, r => HttpRule(d, ns, r))
           select (RouteBuilder)new HttpRouteBuilder(ns, $"http-{index + 1}") { Rules = [.. rules] };

    private static Gen<HttpRuleBuilder> HttpRule(Draft d, string ns, int index)
    {
        var o = d.Options;
        return from named in Chance(0.65)
               from matchCount in Gen.Frequency((2, Gen.Constant(0)), (5, Gen.Constant(1)), (2, Gen.Constant(2)))
               from matches in Repeat(matchCount, _ => HttpMatch(o))
               from backendCount in Gen.Frequency((1, Gen.Constant(0)), (8, Gen.Constant(1)), (2, Gen.Constant(2)))
               from backends in Repeat(backendCount, _ => Backend(d, ns))
               from filter in o.Filters ? Gen.Frequency((10, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)), (1, Gen.Constant(5))) : Gen.Constant(0)
               from mirror in Backend(d, ns)
               let rewritable = matches.Count == 1 && matches[0].PathType == "PathPrefix"
               let filters = filter switch
               {
                   1 => new[] { FilterBuilder.SetRequestHeader("x-route", $"r{index}") },
                   2 => new[] { FilterBuilder.AddResponseHeader("x-served-by", "gateway") },
                   3 => new[] { FilterBuilder.Redirect("redirect.example.com", 301) },
                   4 when rewritable => new[] { FilterBuilder.RewritePrefix("/v2") },
                   5 => new[] { FilterBuilder.RequestMirror(mirror with { Weight = null }) },
                   _ => Array.Empty<FilterBuilder>(),
               }
               select new HttpRuleBuilder
               {
                   Name = named ? $"r{index}" : null,
                   Matches = [.. matches],
                   Filters = [.. filters],
                   BackendRefs = filter == 3 ? [] : [.. backends],
               };
    }

    private static Gen<HttpMatchBuilder> HttpMatch(WorldOptions o)
        => from path in Gen.Frequency(
               (1, Gen.Constant((Type: (string?)null, Value: (string?)null))),
               (3, Pick(Paths).Select(p => (Type: (string?)"Exact", Value: (string?)p))),
               (4, Pick(Paths).Select(p => (Type: (string?)"PathPrefix", Value: (string?)p))),
               (o.RichMatches ? 1 : 0, Pick(Regexes).Select(p => (Type: (string?)"RegularExpression", Value: (string?)p))))
           from method in o.RichMatches ? Gen.Frequency((4, Gen.Constant<string?>(null)), (1, Pick(Methods).Select(m => (string?)m))) : Gen.Constant<string?>(null)
           from headerCount in o.RichMatches ? Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Constant(1))) : Gen.Constant(0)
           from headers in Repeat(headerCount, _ => HeaderMatch(HeaderNames, 0.2))
           from queryCount in o.RichMatches ? Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Constant(1))) : Gen.Constant(0)
           from queries in Repeat(queryCount, _ => HeaderMatch(QueryNames, 0))
           select new HttpMatchBuilder { PathType = path.Type, PathValue = path.Value, Method = method, Headers = [.. headers], QueryParams = [.. queries] };

    private static Gen<HeaderMatchBuilder> HeaderMatch(string[] names, double regexShare)
        => from name in Pick(names)
           from value in Pick(Values)
           from regex in Chance(regexShare)
           select regex ? new HeaderMatchBuilder(name, "[12]") { Type = "RegularExpression" } : new HeaderMatchBuilder(name, value);

    private static Gen<RouteBuilder> GrpcRoute(Draft d, string ns, int index)
        => from count in Count(1, Math.Min(d.Options.MaxRules, 2))
           from rules in Repeat(count, r =>
               from named in Chance(0.65)
               from matchCount in Count(0, 2)
               from matches in Repeat(matchCount, _ =>
                   from service in Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Pick(GrpcServices).Select(s => (string?)s)))
                   from method in Gen.Frequency((2, Gen.Constant<string?>(null)), (2, Pick(GrpcMethods).Select(m => (string?)m)))
                   select new GrpcMatchBuilder { Service = service, Method = service is null && method is null ? GrpcMethods[0] : method })
               from backendCount in Gen.Frequency((1, Gen.Constant(0)), (8, Gen.Constant(1)), (2, Gen.Constant(2)))
               from backends in Repeat(backendCount, _ => Backend(d, ns))
               select new GrpcRuleBuilder { Name = named ? $"r{r}" : null, Matches = [.. matches], BackendRefs = [.. backends] })
           select (RouteBuilder)new GrpcRouteBuilder(ns, $"grpc-{index + 1}") { Rules = [.. rules] };

    private static Gen<RouteBuilder> StreamRoute(Draft d, string kind, string ns, int index)
        => from named in Chance(0.65)
           from backendCount in Gen.Frequency((4, Gen.Constant(1)), (1, Gen.Constant(2)))
           from backends in Repeat(backendCount, _ => Backend(d, ns))
           select (RouteBuilder)new StreamRouteBuilder(kind, ns, $"{ShortName(kind)}-{index + 1}")
           {
               Rules = [new StreamRuleBuilder { Name = named ? "r0" : null, BackendRefs = [.. backends] }],
           };

    /// <summary>A backend: a Service port in the route's namespace, or in another one, or now and then a missing one.</summary>
    private static Gen<BackendRefBuilder> Backend(Draft d, string ns)
        => from other in CrossNamespace(d, ns)
           let targetNs = other ?? ns
           let services = d.All<ServiceBuilder>().Where(s => s.Namespace == targetNs).ToList()
           from dangling in Chance(d.Options.DanglingShare)
           from service in services.Count > 0 ? Pick(services).Select(s => (ServiceBuilder?)s) : Gen.Constant<ServiceBuilder?>(null)
           from port in service is null ? Gen.Constant(80) : Pick(service.Ports.Select(p => p.Port).ToList())
           from wrongPort in Chance(d.Options.DanglingShare)
           from weight in Gen.Frequency((8, Gen.Constant<int?>(null)), (1, Gen.Constant<int?>(0)), (2, Gen.Choose(1, 3).Select(w => (int?)w)))
           select service is null || dangling
               ? new BackendRefBuilder("svc-missing", 80) { Namespace = other, Weight = weight }
               : new BackendRefBuilder(service.Name, wrongPort ? 9999 : port) { Namespace = other, Weight = weight };

    /// <summary>A Secret for every certificate reference that does not dangle on purpose, and the CA ConfigMaps.</summary>
    private static Gen<Draft> Certificates(Draft d)
    {
        var references = d.Objects.SelectMany(o => o.References().Where(r => r.Role == ReferenceRole.Certificate)).Select(r => r.Target).Distinct().ToList();
        var secrets = references.Where(k => k.Kind == "Secret" && k.Name != "cert-missing")
            .Select(k => k.Name == "cert-bad" ? (ObjectBuilder)SecretBuilder.InvalidTls(k.Namespace, k.Name) : SecretBuilder.Tls(k.Namespace, k.Name));
        return from ca in Chance(0.8)
               select d.Add(secrets).Add(references.Where(k => k.Kind == "ConfigMap" && ca).Select(k => ConfigMapBuilder.CaBundle(k.Namespace, k.Name)));
    }

    /// <summary>ReferenceGrants for cross-namespace backends and certificates (most of them), and now and then one that permits the wrong thing.</summary>
    private static Gen<Draft> Grants(Draft d)
    {
        var needs = new List<(string Namespace, string FromKind, string FromNamespace, string ToKind, string ToName)>();
        foreach (var obj in d.Objects)
        {
            foreach (var r in obj.References())
            {
                if (r.Target.Namespace.Length > 0 && r.Target.Namespace != obj.Namespace
                    && ((r.Role == ReferenceRole.Backend && obj is RouteBuilder) || (r.Role == ReferenceRole.Certificate && obj is GatewayBuilder or ListenerSetBuilder && r.Target.Kind == "Secret")))
                {
                    needs.Add((r.Target.Namespace, obj.Kind, obj.Namespace, r.Target.Kind, r.Target.Name));
                }
            }
        }

        var groups = needs.GroupBy(n => (n.Namespace, n.FromKind, n.FromNamespace, n.ToKind)).OrderBy(g => g.Key).ToList();
        return from decisions in Gen.CollectToList(groups, _ => Gen.Zip(Chance(d.Options.GrantShare), Chance(0.25)))
               from decoy in Chance(groups.Count > 0 ? 0.15 : 0)
               select d.Add(groups.Zip(decisions).Where(x => x.Second.Item1)
                   .Select((x, i) => new ReferenceGrantBuilder(x.First.Key.Namespace, $"rg-{i + 1}")
                   {
                       From = [new GrantFromBuilder(Groups.Gateway, x.First.Key.FromKind, x.First.Key.FromNamespace)],
                       To = [new GrantToBuilder(Groups.Core, x.First.Key.ToKind, x.Second.Item2 ? x.First.First().ToName : null)],
                   })
                   .Append(decoy ? new ReferenceGrantBuilder(groups[0].Key.Namespace, "rg-decoy")
                   {
                       From = [new GrantFromBuilder(Groups.Gateway, "HTTPRoute", "elsewhere")],
                       To = [new GrantToBuilder(Groups.Core, groups[0].Key.ToKind)],
                   } : null));
    }

    /// <summary>A policy target with the namespace of its object (null for a GatewayClass) and a weight.</summary>
    private sealed record Target(ObjectRefBuilder Ref, string? Namespace, int Weight);

    private static List<Target> Targets(Draft d)
    {
        var targets = new List<Target>();
        var backends = d.Objects.SelectMany(o => o.References().Where(r => r.Role == ReferenceRole.Backend)).Select(r => r.Target).ToHashSet();
        foreach (var obj in d.Objects)
        {
            switch (obj)
            {
                case GatewayClassBuilder c when c.Name == Class:
                    targets.Add(new Target(ObjectRefBuilder.GatewayClass(c.Name), null, 1));
                    break;
                case GatewayBuilder g:
                    targets.Add(new Target(ObjectRefBuilder.Gateway(null, g.Name), g.Namespace, 2));
                    targets.AddRange(g.Listeners.Select(l => new Target(ObjectRefBuilder.Gateway(null, g.Name) with { SectionName = l.Name }, g.Namespace, 2)));
                    break;
                case ListenerSetBuilder s:
                    targets.Add(new Target(ObjectRefBuilder.ListenerSet(null, s.Name), s.Namespace, 1));
                    targets.AddRange(s.Listeners.Select(l => new Target(ObjectRefBuilder.ListenerSet(null, s.Name) with { SectionName = l.Name }, s.Namespace, 1)));
                    break;
                case RouteBuilder r:
                    targets.Add(new Target(ObjectRefBuilder.Route(r.Kind, r.Name), r.Namespace, 2));
                    targets.AddRange(r.Sections().Select(s => new Target(ObjectRefBuilder.Route(r.Kind, r.Name) with { SectionName = s }, r.Namespace, 4)));
                    break;
                case ServiceBuilder s when backends.Contains(s.Key):
                    targets.Add(new Target(ObjectRefBuilder.Service(null, s.Name), s.Namespace, 2));
                    targets.AddRange(s.Ports.Where(p => p.Name is not null).Select(p => new Target(ObjectRefBuilder.Service(null, s.Name) with { SectionName = p.Name }, s.Namespace, 4)));
                    break;
            }
        }

        return targets;
    }

    private static Gen<Draft> Policies(Draft d)
    {
        var o = d.Options;
        var targets = Targets(d);
        if (o.PolicyStrategies.IsEmpty || o.MaxPolicies == 0 || targets.Count == 0)
        {
            return Gen.Constant(d);
        }

        var target = Gen.Frequency(targets.Select(t => (t.Weight, Gen.Constant(t))));
        return from count in Count(0, Math.Min(o.MaxPolicies, 2 + (d.Size / 4)))
               from policies in Repeat(count, i => Policy(d, target, targets, i))
               select d.Add(policies.SelectMany(p => p));
    }

    /// <summary>A policy, and the ReferenceGrant a cross-namespace Atomic policy needs (most of the time).</summary>
    private static Gen<ObjectBuilder[]> Policy(Draft d, Gen<Target> target, List<Target> targets, int index)
        => from strategy in Pick(d.Options.PolicyStrategies.ToList())
           from first in target
           from ghost in Chance(d.Options.DanglingShare * 2)
           from ghostSection in Chance(0.5)
           from ns in first.Namespace is null ? Pick(GatewayNamespaces) : Gen.Constant(first.Namespace)
           from second in Chance(0.25)
           from other in Pick(targets.Where(t => t.Namespace is null || t.Namespace == ns).DefaultIfEmpty(first).ToList())
           from cross in Chance(strategy == MergeStrategy.Atomic && first.Namespace is not null ? d.Options.CrossNamespaceShare : 0)
           from policyNs in Pick(RouteNamespaces.Where(n => n != ns).ToList())
           from granted in Chance(d.Options.GrantShare)
           from stanzas in Gen.Frequency(
               (2, Stanza().Select(s => (Default: (JsonData?)s, Override: (JsonData?)null))),
               (1, Stanza().Select(s => (Default: (JsonData?)null, Override: (JsonData?)s))),
               (2, Gen.Zip(Stanza(), Stanza()).Select(p => (Default: (JsonData?)p.Item1, Override: (JsonData?)p.Item2))))
           from interval in Gen.Choose(1, 3)
           from stamp in Stamp(0.8)
           from selector in Chance(strategy == MergeStrategy.Patch ? 0.1 : 0)
           let kind = strategy switch { MergeStrategy.None => DirectKind, MergeStrategy.Atomic => AtomicKind, _ => PatchKind }
           let firstRef = ghost ? (ghostSection && first.Ref.Kind != "GatewayClass" ? first.Ref with { SectionName = "nope" } : first.Ref with { Name = "ghost" }) : first.Ref
           let refs = (second && !cross ? new[] { firstRef, other.Ref } : [firstRef]).DistinctBy(r => (r.Kind, r.Name, r.SectionName)).ToList()
           let policy = new PolicyBuilder(PolicyGroup, kind, cross ? policyNs : ns, $"{ShortName(kind)}-{index + 1}")
           {
               TargetRefs = [.. refs.Select(r => cross ? r with { Namespace = ns } : r)],
               TargetSelectors = selector ? [new TargetSelectorBuilder(Groups.Gateway, "HTTPRoute") { MatchLabels = StringMap.Of(("tier", "web")) }] : [],
               Default = strategy == MergeStrategy.None ? null : stanzas.Default,
               Override = strategy == MergeStrategy.None ? null : stanzas.Override,
               Settings = strategy == MergeStrategy.None ? JsonData.Parse($"{{\"interval\":{interval}}}") : null,
               CreationTimestamp = stamp,
           }
           select cross && granted
               ? new ObjectBuilder[]
               {
                   policy,
                   new ReferenceGrantBuilder(ns, $"rg-{ShortName(kind)}-{index + 1}")
                   {
                       From = [new GrantFromBuilder(PolicyGroup, kind, policyNs)],
                       To = [new GrantToBuilder(first.Ref.Group, first.Ref.Kind)],
                   },
               }
               : new ObjectBuilder[] { policy };

    private static readonly string[] StanzaKeys = ["a", "b", "c"];

    /// <summary>A stanza: an object of a few keys whose values are scalars, lists, nulls or nested objects.</summary>
    internal static Gen<JsonData> Stanza() => StanzaObject(2).Select(JsonData.Parse);

    private static Gen<string> StanzaObject(int depth)
        => from keys in Gen.SubListOf(StanzaKeys)
           from values in Gen.CollectToList(keys, _ => StanzaValue(depth))
           select "{" + string.Join(",", keys.Zip(values, (k, v) => $"\"{k}\":{v}")) + "}";

    private static Gen<string> StanzaValue(int depth)
    {
        var scalar = Gen.Frequency(
            (3, Gen.Choose(0, 3).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (2, Gen.Elements("\"x\"", "\"y\"")),
            (1, Gen.Elements("true", "false")),
            (2, Gen.Constant("null")),
            (1, Gen.Choose(0, 3).ListOf(2).Select(l => "[" + string.Join(",", l) + "]")));
        return depth <= 0 ? scalar : Gen.Frequency((3, scalar), (2, StanzaObject(depth - 1)));
    }

    /// <summary>BackendTLSPolicies: a few on one backend Service (whole or a port), so they often conflict, and now and then one on a missing Service.</summary>
    private static Gen<Draft> BackendTlsPolicies(Draft d)
    {
        var backends = d.Objects.SelectMany(o => o.References().Where(r => r.Role == ReferenceRole.Backend)).Select(r => r.Target).ToHashSet();
        var services = d.All<ServiceBuilder>().Where(s => backends.Contains(s.Key)).ToList();
        if (!d.Options.BackendTlsPolicies || services.Count == 0)
        {
            return Gen.Constant(d);
        }

        return from any in Chance(0.5)
               from service in Pick(services)
               from count in Count(1, 3)
               from policies in Repeat(count, i =>
                   from port in Gen.Frequency((2, Gen.Constant<string?>(null)), (1, Pick(service.Ports.Select(p => p.Name).ToList())))
                   from hostname in Gen.Elements("one.example.com", "two.example.com")
                   from stamp in Stamp(0.7)
                   select new BackendTlsPolicyBuilder(service.Namespace, $"btls-{i + 1}", hostname)
                   {
                       TargetRefs = [ObjectRefBuilder.Service(null, service.Name) with { SectionName = port }],
                       CreationTimestamp = stamp,
                   })
               from ghost in Chance(d.Options.DanglingShare * 3)
               select any
                   ? d.Add(policies).Add([ghost ? new BackendTlsPolicyBuilder(service.Namespace, "btls-ghost", "one.example.com") { TargetRefs = [ObjectRefBuilder.Service(null, "svc-missing")] } : null])
                   : d;
    }

    private static Gen<Draft> Ingresses(Draft d)
    {
        if (!d.Options.Ingress)
        {
            return Gen.Constant(d);
        }

        return from isDefault in Chance(0.3)
               from other in Chance(0.3)
               from count in Count(1, 3)
               from ingresses in Repeat(count, i => Ingress(d, i))
               select d.Add([
                   new IngressClassBuilder(WebClass, IngressController) { IsDefault = isDefault },
                   other ? new IngressClassBuilder(OtherWebClass, OtherController) : null,
               ]).Add(ingresses.SelectMany(x => x));
    }

    private static Gen<ObjectBuilder[]> Ingress(Draft d, int index)
        => from ns in Pick(RouteNamespaces)
           from className in Gen.Frequency((6, Gen.Constant<string?>(WebClass)), (1, Gen.Constant<string?>(null)), (1, Gen.Constant<string?>(OtherWebClass)), (d.Dangles ? 1 : 0, Gen.Constant<string?>("missing-class")))
           from ruleCount in Count(0, 2)
           from rules in Repeat(ruleCount, _ =>
               from host in Gen.Frequency((1, Gen.Constant<string?>(null)), (4, Pick(IngressHosts).Select(h => (string?)h)))
               from pathCount in Count(1, 3)
               from paths in Repeat(pathCount, _ =>
                   from path in Pick(IngressPaths)
                   from type in Pick(IngressPathTypes)
                   from backend in IngressBackend(d, ns)
                   select new IngressPathBuilder(path, type, backend))
               select new IngressRuleBuilder(host) { Paths = [.. paths] })
           from defaultBackend in Chance(ruleCount == 0 ? 1 : 0.25)
           from backend in IngressBackend(d, ns)
           from tls in Chance(0.3)
           from tlsHosts in Gen.SubListOf(IngressHosts.Take(4).ToArray())
           from stamp in Stamp(0.8)
           let ingress = new IngressBuilder(ns, $"ing-{index + 1}")
           {
               ClassName = className,
               Rules = [.. rules],
               DefaultBackend = defaultBackend ? backend : null,
               Tls = tls ? [new IngressTlsBuilder("cert") { Hosts = [.. tlsHosts] }] : [],
               CreationTimestamp = stamp,
           }
           select tls ? new ObjectBuilder[] { ingress, SecretBuilder.Tls(ns, "cert") } : new ObjectBuilder[] { ingress };

    private static Gen<IngressBackendBuilder> IngressBackend(Draft d, string ns)
    {
        var services = d.All<ServiceBuilder>().Where(s => s.Namespace == ns).ToList();
        return from dangling in Chance(d.Options.DanglingShare * 2)
               from service in services.Count > 0 ? Pick(services).Select(s => (ServiceBuilder?)s) : Gen.Constant<ServiceBuilder?>(null)
               from byName in Chance(0.25)
               from port in service is null ? Gen.Constant(80) : Pick(service.Ports.Select(p => p.Port).ToList())
               select service is null || dangling ? IngressBackendBuilder.Port("svc-missing", 80)
                   : byName ? new IngressBackendBuilder(service.Name) { PortName = "http" }
                   : IngressBackendBuilder.Port(service.Name, port);
    }
}
