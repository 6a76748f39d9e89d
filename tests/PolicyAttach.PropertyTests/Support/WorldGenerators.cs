using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.PropertyTests.Support;

/// <summary>
/// Generators of small Gateway API worlds as JSON documents. Names, ports and hostnames come from small pools so
/// that references hit, listeners conflict and hostnames intersect often; a few documents break a schema or CEL
/// rule on purpose (the reader drops those with diagnostics).
/// </summary>
internal static class WorldGenerators
{
    public const string GatewayGroup = "gateway.networking.k8s.io";

    public static readonly string[] Namespaces = ["default", "team-a", "team-b", "infra"];
    public static readonly string[] ClassNames = ["gc-one", "gc-two", "gc-three"];
    public static readonly string[] GatewayNames = ["gw-a", "gw-b"];
    public static readonly string[] GatewayNamespaces = ["infra", "default"];

    /// <summary>Where most cross-namespace backends and the grants for them live.</summary>
    public const string SharedNamespace = "team-b";
    public static readonly string[] ListenerSetNames = ["ls-a", "ls-b"];
    public static readonly string[] ListenerNames = ["l0", "l1", "l2", "l3", "l4"];
    public static readonly string[] ServiceNames = ["svc-a", "svc-a", "svc-b", "svc-b", "svc-a", "svc-b", "svc-missing"];
    public static readonly string[] SecretNames = ["cert-ok", "cert-bad", "cert-missing"];
    public static readonly string[] RouteKinds = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];
    private static readonly int[] Ports = [80, 443, 8080];
    private static readonly string[] ListenerHosts = ["example.com", "a.example.com", "*.example.com", "*.a.example.com", "other.test"];
    private static readonly string[] RouteHosts = ["example.com", "a.example.com", "x.a.example.com", "*.example.com", "*.a.example.com", "other.test", "*.test"];

    /// <summary>A whole world: namespaces, classes, Gateways, ListenerSets, routes, Services, Secrets, ConfigMaps, grants.</summary>
    public static Gen<World> World() =>
        from namespaces in Namespace().ListOf().Resize(4)
        from ownClass in Gen.Frequency((9, OwnClass().Select(c => new[] { c })), (1, Gen.Constant(Array.Empty<string>())))
        from classes in GatewayClass().ListOf().Resize(2)
        from gateways in Gateway().NonEmptyListOf().Resize(3)
        from sets in ListenerSet().ListOf().Resize(2)
        from routes in Route().ListOf().Resize(8)
        from services in Services()
        from secrets in Secret().ListOf().Resize(3)
        from configMaps in ConfigMap().ListOf().Resize(1)
        from grants in ReferenceGrant("rg").ListOf().Resize(4)
        from sharedGrant in Gen.Frequency((1, SharedGrant().Select(g => new[] { g })), (1, Gen.Constant(Array.Empty<string>())))
        from broken in GarbageGenerators.Mutated().ListOf().Resize(2)
        from order in Gen.Shuffle(namespaces.Concat(ownClass).Concat(classes).Concat(broken).Concat(gateways).Concat(sets).Concat(routes).Concat(services).Concat(secrets).Concat(configMaps).Concat(grants).Concat(sharedGrant).ToArray())
        select Support.World.Create(order);

    public static Gen<string> Namespace() =>
        from name in Gen.Elements(Namespaces)
        from env in Gen.Elements<string?>(null, "prod", "dev")
        from team in Gen.Elements<string?>(null, "a")
        from meta in Metadata(name, null)
        select Doc("v1", "Namespace", WithLabels(meta, ("env", env), ("team", team)), null);

    /// <summary>The class most Gateways use, owned by our controller.</summary>
    public static Gen<string> OwnClass() =>
        from meta in Metadata(ClassNames[0], null)
        select Doc($"{GatewayGroup}/v1", "GatewayClass", meta, Obj(("controllerName", Support.World.OurController)));

    public static Gen<string> GatewayClass() =>
        from name in Gen.Elements(ClassNames)
        from controller in Gen.Frequency((6, Gen.Constant(Support.World.OurController)), (2, Gen.Constant("other.example.org/controller")), (1, Gen.Constant("not a domain path")))
        from parameters in Gen.Frequency((8, Gen.Constant<JsonObject?>(null)), (1, Gen.Fresh(() => (JsonObject?)Obj(("group", ""), ("kind", "ConfigMap"), ("name", "params"), ("namespace", "infra")))))
        from meta in Metadata(name, null)
        select Doc($"{GatewayGroup}/v1", "GatewayClass", meta, Obj(("controllerName", controller), ("parametersRef", parameters)));

    public static Gen<string> Gateway() =>
        from name in Gen.Elements(GatewayNames)
        from ns in Gen.Frequency((6, Gen.Elements(GatewayNamespaces)), (1, Gen.Elements(Namespaces)))
        from className in Gen.Frequency((12, Gen.Constant(ClassNames[0])), (2, Gen.Elements(ClassNames)), (1, Gen.Constant("gc-missing")))
        from count in Gen.Choose(1, 5)
        from listeners in Gen.CollectToList(Enumerable.Range(0, count), i => Listener(i, ns))
        from allowedListeners in Gen.Frequency(
            (1, Gen.Constant<JsonObject?>(null)),
            (4, Gen.Elements("All", "All", "Same", "None").Select(f => (JsonObject?)Obj(("namespaces", Obj(("from", f)))))),
            (1, Gen.Fresh(() => (JsonObject?)Obj(("namespaces", Obj(("from", "Selector"), ("selector", MatchLabels("env", "prod"))))))))
        from frontend in Gen.Frequency((6, Gen.Constant<JsonObject?>(null)), (1, FrontendTls(ns)))
        from meta in Metadata(name, ns)
        select Doc($"{GatewayGroup}/v1", "Gateway", meta, Obj(
            ("gatewayClassName", className),
            ("listeners", new JsonArray([.. listeners])),
            ("allowedListeners", allowedListeners),
            ("tls", frontend)));

    public static Gen<string> ListenerSet() =>
        from name in Gen.Elements(ListenerSetNames)
        from ns in Gen.Frequency((4, Gen.Elements(GatewayNamespaces)), (1, Gen.Elements(Namespaces)))
        from parent in Gen.Elements(GatewayNames)
        from parentNs in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements(Namespaces).Select(n => (string?)n)))
        from count in Gen.Choose(1, 3)
        from listeners in Gen.CollectToList(Enumerable.Range(0, count), i => Listener(i, ns))
        from meta in Metadata(name, ns)
        select Doc($"{GatewayGroup}/v1", "ListenerSet", meta, Obj(
            ("parentRef", Obj(("group", GatewayGroup), ("kind", "Gateway"), ("name", parent), ("namespace", parentNs))),
            ("listeners", new JsonArray([.. listeners]))));

    /// <summary>One listener; index <paramref name="i"/> picks its name, now and then a repeated (invalid) one.</summary>
    public static Gen<JsonObject> Listener(int i, string ns) =>
        from name in Gen.Frequency((40, Gen.Constant(ListenerNames[i])), (1, Gen.Elements(ListenerNames)))
        from protocol in Gen.Frequency(
            (6, Gen.Constant("HTTP")), (4, Gen.Constant("HTTPS")), (2, Gen.Constant("TLS")), (2, Gen.Constant("TCP")),
            (1, Gen.Constant("UDP")), (1, Gen.Constant("example.com/custom")))
        from port in Gen.Frequency((5, Gen.Constant(NaturalPort(protocol))), (1, Gen.Elements(Ports)))
        from hostname in protocol is "HTTP" or "HTTPS" or "TLS"
            ? Gen.Frequency((2, Gen.Constant<string?>(null)), (5, Gen.Elements(ListenerHosts).Select(h => (string?)h)))
            : Gen.Constant<string?>(null)
        from tls in ListenerTls(protocol, ns)
        from allowedRoutes in AllowedRoutes()
        select Obj(("name", name), ("protocol", protocol), ("port", port), ("hostname", hostname), ("tls", tls), ("allowedRoutes", allowedRoutes));

    /// <summary>The usual port of a protocol; listeners use another port from the pool now and then, so conflicts happen.</summary>
    private static int NaturalPort(string protocol) => protocol switch
    {
        "HTTP" => 80,
        "HTTPS" or "TLS" => 443,
        "TCP" => 9000,
        "UDP" => 5353,
        _ => 8080,
    };

    private static Gen<JsonObject?> ListenerTls(string protocol, string ns)
    {
        var certificateRef =
            from secret in Gen.Elements(SecretNames)
            from secretNs in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements(Namespaces).Where(n => n != ns).Select(n => (string?)n)))
            select (JsonNode)Obj(("group", ""), ("kind", "Secret"), ("name", secret), ("namespace", secretNs));
        var terminate =
            from refs in certificateRef.NonEmptyListOf().Resize(2)
            select (JsonObject?)Obj(("mode", "Terminate"), ("certificateRefs", new JsonArray([.. refs])));
        var passthrough = Gen.Fresh(() => (JsonObject?)Obj(("mode", "Passthrough")));
        var none = Gen.Constant<JsonObject?>(null);
        return protocol switch
        {
            "HTTPS" => terminate,
            "TLS" => Gen.Frequency((4, passthrough), (3, terminate)),
            _ => none,
        };
    }

    private static Gen<JsonObject?> AllowedRoutes()
    {
        var namespaces = Gen.Frequency(
            (2, Gen.Constant<JsonObject?>(null)),
            (6, Gen.Elements("Same", "All", "All").Select(f => (JsonObject?)Obj(("from", f)))),
            (2, Gen.Fresh(() => (JsonObject?)Obj(("from", "Selector"), ("selector", MatchLabels("env", "prod"))))),
            (1, Gen.Fresh(() => (JsonObject?)Obj(("from", "Selector"), ("selector", Obj(("matchExpressions", new JsonArray(Obj(("key", "team"), ("operator", "Exists"))))))))));
        var kinds = Gen.Frequency(
            (12, Gen.Constant<string[]?>(null)),
            (1, Gen.Constant<string[]?>(["HTTPRoute"])),
            (1, Gen.Constant<string[]?>(["GRPCRoute", "HTTPRoute"])),
            (1, Gen.Constant<string[]?>(["TCPRoute"])),
            (1, Gen.Constant<string[]?>(["TLSRoute", "Unknown"])));
        return from ns in namespaces
               from k in kinds
               select ns is null && k is null
                   ? null
                   : Obj(("namespaces", ns), ("kinds", k is null ? null : new JsonArray([.. k.Select(x => (JsonNode)Obj(("kind", x)))])));
    }

    private static Gen<JsonObject?> FrontendTls(string ns) =>
        from name in Gen.Elements("ca-ok", "ca-missing")
        from caNs in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements(Namespaces).Where(n => n != ns).Select(n => (string?)n)))
        from mode in Gen.Elements("AllowValidOnly", "AllowInsecureFallback")
        select (JsonObject?)Obj(("frontend", Obj(("default", Obj(("validation", Obj(
            ("mode", mode),
            ("caCertificateRefs", new JsonArray(Obj(("group", ""), ("kind", "ConfigMap"), ("name", name), ("namespace", caNs)))))))))));

    public static Gen<string> Route() =>
        from kind in Gen.Frequency((4, Gen.Constant("HTTPRoute")), (2, Gen.Constant("GRPCRoute")), (2, Gen.Constant("TLSRoute")), (2, Gen.Constant("TCPRoute")), (1, Gen.Constant("UDPRoute")))
        from name in Gen.Elements("route-1", "route-2", "route-3")
        from ns in Gen.Frequency((3, Gen.Elements(GatewayNamespaces)), (2, Gen.Elements(Namespaces)))
        from parents in ParentRef(ns).NonEmptyListOf().Resize(2)
        from hostnames in kind is "HTTPRoute" or "GRPCRoute" or "TLSRoute"
            ? Gen.Elements(RouteHosts).ListOf().Resize(2).Select(h => (JsonArray?)new JsonArray([.. h.Distinct(StringComparer.Ordinal).Select(x => (JsonNode)x)]))
            : Gen.Constant<JsonArray?>(null)
        from tlsHostname in Gen.Elements(RouteHosts)
        from rules in kind is "HTTPRoute" or "GRPCRoute" ? Rule(ns).NonEmptyListOf().Resize(2).Select(r => r.ToArray()) : Rule(ns).Select(r => new[] { r })
        from named in Gen.Elements(false, true, true).ArrayOf(rules.Length)
        from meta in Metadata(name, ns)
        select Doc(kind is "TCPRoute" or "UDPRoute" ? $"{GatewayGroup}/v1alpha2" : $"{GatewayGroup}/v1", kind, meta, Obj(
            ("parentRefs", new JsonArray([.. parents])),
            ("hostnames", hostnames is { Count: > 0 } ? hostnames : kind == "TLSRoute" ? new JsonArray(tlsHostname) : null),
            ("rules", new JsonArray([.. rules.Select((r, i) => NameRule(r, named[i] ? FormattableString.Invariant($"r{i}") : null))]))));

    /// <summary>Rule names are unique in a route (by position), so policies can target rules by sectionName.</summary>
    public static readonly string[] RuleNames = ["r0", "r1"];

    private static JsonNode NameRule(JsonNode rule, string? name)
    {
        if (name is not null)
        {
            rule["name"] = name;
        }

        return rule;
    }

    private static Gen<JsonNode> ParentRef(string ns) =>
        from target in Gen.Frequency(
            (8, Gen.Elements(GatewayNames).Select(n => ("Gateway", n))),
            (2, Gen.Elements(ListenerSetNames).Select(n => ("ListenerSet", n))),
            (1, Gen.Constant(("Gateway", "gw-missing"))),
            (1, Gen.Constant(("Service", "svc-a"))))
        from parentNs in Gen.Frequency((2, Gen.Constant<string?>(null)), (3, Gen.Elements(GatewayNamespaces).Select(n => (string?)n)), (1, Gen.Elements(Namespaces).Select(n => (string?)n)))
        from section in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements(ListenerNames).Select(n => (string?)n)))
        from port in Gen.Frequency((4, Gen.Constant<int?>(null)), (1, Gen.Elements(Ports).Select(p => (int?)p)))
        select (JsonNode)Obj(
            ("group", target.Item1 == "Service" ? "" : GatewayGroup),
            ("kind", target.Item1),
            ("name", target.Item2),
            ("namespace", parentNs),
            ("sectionName", section),
            ("port", port));

    private static Gen<JsonNode> Rule(string ns) =>
        from backends in BackendRef(ns).NonEmptyListOf().Resize(1)
        select (JsonNode)Obj(("backendRefs", new JsonArray([.. backends])));

    private static Gen<JsonNode> BackendRef(string ns) =>
        from name in Gen.Elements(ServiceNames)
        from backendNs in Gen.Frequency((3, Gen.Constant<string?>(null)), (2, Gen.Constant<string?>(SharedNamespace)), (1, Gen.Elements(Namespaces).Select(n => (string?)n)))
        from port in Gen.Frequency((16, Gen.Constant<int?>(80)), (3, Gen.Constant<int?>(8080)), (1, Gen.Constant<int?>(9999)), (1, Gen.Constant<int?>(null)))
        from kind in Gen.Frequency((30, Gen.Constant<string?>(null)), (1, Gen.Constant<string?>("Unknown")))
        select (JsonNode)Obj(("kind", kind), ("name", name), ("namespace", backendNs), ("port", port));

    /// <summary>Most of the Services routes can refer to, so that some backends resolve and some do not.</summary>
    public static Gen<IEnumerable<string>> Services() =>
        from picked in Gen.SubListOf(Namespaces.SelectMany(ns => new[] { (ns, "svc-a"), (ns, "svc-b") }))
        from docs in Gen.CollectToList(picked, p => Service(p.Item2, p.Item1))
        select (IEnumerable<string>)docs;

    public static Gen<string> Service() =>
        from name in Gen.Elements("svc-a", "svc-b")
        from ns in Gen.Elements(Namespaces)
        from doc in Service(name, ns)
        select doc;

    private static Gen<string> Service(string name, string ns) =>
        from twoPorts in Gen.Elements(false, true)
        from meta in Metadata(name, ns)
        select Doc("v1", "Service", meta, Obj(("ports", twoPorts
            ? new JsonArray(Obj(("name", "http"), ("port", 80)), Obj(("name", "alt"), ("port", 8080)))
            : new JsonArray(Obj(("port", 80))))));

    public static Gen<string> Secret() =>
        from name in Gen.Elements("cert-ok", "cert-bad")
        from ns in Gen.Elements(Namespaces)
        from meta in Metadata(name, ns)
        select Doc("v1", "Secret", meta, null, extra: [
            ("type", "kubernetes.io/tls"),
            ("stringData", name == "cert-ok"
                ? Obj(("tls.crt", TestCertificates.CertificatePem), ("tls.key", TestCertificates.KeyPem))
                : Obj(("tls.crt", "not a certificate"), ("tls.key", "not a key"))),
        ]);

    public static Gen<string> ConfigMap() =>
        from ns in Gen.Elements(Namespaces)
        from meta in Metadata("ca-ok", ns)
        select Doc("v1", "ConfigMap", meta, null, extra: [("data", Obj(("ca.crt", TestCertificates.CertificatePem)))]);

    /// <summary>A ReferenceGrant named from <paramref name="prefix"/> plus a number.</summary>
    public static Gen<string> ReferenceGrant(string prefix) =>
        from number in Gen.Choose(1, 6)
        from ns in Gen.Frequency((3, Gen.Constant(SharedNamespace)), (1, Gen.Elements(Namespaces)))
        from fromKind in Gen.Frequency((4, Gen.Constant("HTTPRoute")), (1, Gen.Elements("GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")), (2, Gen.Constant("Gateway")))
        from fromNs in Gen.Frequency((3, Gen.Elements(GatewayNamespaces)), (1, Gen.Elements(Namespaces)))
        from to in Gen.Frequency(
            (6, Gen.Constant(("Service", (string?)null))),
            (2, Gen.Elements(ServiceNames).Select(n => ("Service", (string?)n))),
            (1, Gen.Constant(("Secret", (string?)null))),
            (1, Gen.Elements(SecretNames).Select(n => ("Secret", (string?)n))),
            (1, Gen.Constant(("ConfigMap", (string?)null))))
        from meta in Metadata($"{prefix}-{number}", ns)
        select Doc($"{GatewayGroup}/v1beta1", "ReferenceGrant", meta, Obj(
            ("from", new JsonArray(Obj(("group", GatewayGroup), ("kind", fromKind), ("namespace", fromNs)))),
            ("to", new JsonArray(Obj(("group", ""), ("kind", to.Item1), ("name", to.Item2))))));

    /// <summary>A grant that lets the usual route namespaces use the Services of the shared namespace.</summary>
    public static Gen<string> SharedGrant() =>
        from meta in Metadata("rg-shared", SharedNamespace)
        from kinds in Gen.SubListOf(RouteKinds).Where(k => k.Count > 0)
        select Doc($"{GatewayGroup}/v1beta1", "ReferenceGrant", meta, Obj(
            ("from", new JsonArray([.. kinds.SelectMany(k => GatewayNamespaces.Select(ns => (JsonNode)Obj(("group", GatewayGroup), ("kind", k), ("namespace", ns))))])),
            ("to", new JsonArray(Obj(("group", ""), ("kind", "Service"))))));

    internal static Gen<JsonObject> Metadata(string name, string? ns) =>
        from generation in Gen.Frequency((1, Gen.Constant<long?>(null)), (4, Gen.Choose(1, 4).Select(g => (long?)g)))
        from stamp in Gen.Frequency((1, Gen.Constant<string?>(null)), (4, Gen.Choose(0, 5).Select(s => (string?)$"2024-01-01T00:00:0{s}Z")))
        select Obj(("name", name), ("namespace", ns), ("generation", generation), ("creationTimestamp", stamp));

    private static JsonObject MatchLabels(string key, string value) => Obj(("matchLabels", Obj((key, value))));

    private static JsonObject WithLabels(JsonObject metadata, params (string Key, string? Value)[] labels)
    {
        var map = new JsonObject();
        foreach (var (key, value) in labels)
        {
            if (value is not null)
            {
                map[key] = value;
            }
        }

        if (map.Count > 0)
        {
            metadata["labels"] = map;
        }

        return metadata;
    }

    /// <summary>A JSON object of the given properties, leaving out null values.</summary>
    public static JsonObject Obj(params (string Key, JsonNode? Value)[] properties)
    {
        var result = new JsonObject();
        foreach (var (key, value) in properties)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        return result;
    }

    internal static string Doc(string apiVersion, string kind, JsonObject metadata, JsonObject? spec, (string Key, JsonNode? Value)[]? extra = null)
    {
        var doc = Obj(("apiVersion", apiVersion), ("kind", kind), ("metadata", metadata), ("spec", spec));
        foreach (var (key, value) in extra ?? [])
        {
            doc[key] = value;
        }

        return doc.ToJsonString();
    }
}
