using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Manifests;

/// <summary>
/// Reads the five route kinds, applying every CRD default and checking the schema and CEL rules of the CRDs
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/">reference</see>). Every violation is reported, not
/// only the first, so one run shows everything to fix.
/// </summary>
internal static partial class RouteReader
{
    private const int MaxHostnames = 16;
    private const int MaxParentRefs = 32;
    private const int MaxRules = 16;
    private const int MaxMatches = 64;
    private const int MaxTotalMatches = 128;
    private const int MaxFilters = 16;
    private const int MaxBackendRefs = 16;
    private const int MaxHeaderMatches = 16;
    private const int MaxWeight = 1_000_000;

    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    private static readonly int[] RedirectCodes = [301, 302, 303, 307, 308];

    private enum RouteFlavor
    {
        Http,
        Grpc,
        Tls,
        Tcp,
        Udp,
    }

    public static KubeObject? ReadHttpRoute(Node root, ObjectHeader header)
    {
        var spec = Spec(root);
        var common = ReadCommon(spec, header, RouteFlavor.Http);
        var rulesNode = spec["rules"];
        EquatableArray<HttpRouteRule> rules;
        if (!rulesNode.Exists)
        {
            // CRD default: one rule matching PathPrefix "/" with no backends.
            rules = [new HttpRouteRule { Matches = [HttpRouteMatch.Default] }];
        }
        else
        {
            rules = rulesNode.AsList(header.Namespace, static (n, ns) => ReadHttpRule(n, ns));
            var count = spec.Count("rules");
            RouteSchema.MinItems(rulesNode, count, 1);
            RouteSchema.MaxItems(rulesNode, count, MaxRules);

            // CEL sees the defaulted matches: a rule without matches counts as one.
            var total = 0;
            foreach (var rule in rulesNode.AsItems())
            {
                total += rule["matches"].Exists ? rule.Count("matches") : 1;
            }

            TotalMatches(rulesNode, total);
            RuleNames(rulesNode);
        }

        return new HttpRoute
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            ParentRefs = common.ParentRefs,
            Hostnames = common.Hostnames,
            UseDefaultGateways = common.UseDefaultGateways,
            Rules = rules,
        };
    }

    public static KubeObject? ReadGrpcRoute(Node root, ObjectHeader header)
    {
        var spec = Spec(root);
        var common = ReadCommon(spec, header, RouteFlavor.Grpc);
        var rulesNode = spec["rules"];
        var rules = rulesNode.AsList(header.Namespace, static (n, ns) => ReadGrpcRule(n, ns));
        RouteSchema.MaxItems(rulesNode, spec.Count("rules"), MaxRules);
        TotalMatches(rulesNode, rulesNode.AsItems().Sum(r => r.Count("matches")));
        RuleNames(rulesNode);
        return new GrpcRoute
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            ParentRefs = common.ParentRefs,
            Hostnames = common.Hostnames,
            UseDefaultGateways = common.UseDefaultGateways,
            Rules = rules,
        };
    }

    public static KubeObject? ReadTlsRoute(Node root, ObjectHeader header)
    {
        var spec = Spec(root);
        var common = ReadCommon(spec, header, RouteFlavor.Tls);
        var rules = ReadBackendRules(spec, header.Namespace);
        return new TlsRoute { ApiVersion = header.ApiVersion, Metadata = header.Metadata, ParentRefs = common.ParentRefs, Hostnames = common.Hostnames, UseDefaultGateways = common.UseDefaultGateways, Rules = rules };
    }

    public static KubeObject? ReadTcpRoute(Node root, ObjectHeader header)
    {
        var spec = Spec(root);
        var common = ReadCommon(spec, header, RouteFlavor.Tcp);
        var rules = ReadBackendRules(spec, header.Namespace);
        return new TcpRoute { ApiVersion = header.ApiVersion, Metadata = header.Metadata, ParentRefs = common.ParentRefs, UseDefaultGateways = common.UseDefaultGateways, Rules = rules };
    }

    public static KubeObject? ReadUdpRoute(Node root, ObjectHeader header)
    {
        var spec = Spec(root);
        var common = ReadCommon(spec, header, RouteFlavor.Udp);
        var rules = ReadBackendRules(spec, header.Namespace);
        return new UdpRoute { ApiVersion = header.ApiVersion, Metadata = header.Metadata, ParentRefs = common.ParentRefs, UseDefaultGateways = common.UseDefaultGateways, Rules = rules };
    }

    private static Node Spec(Node root)
    {
        var spec = root["spec"];
        if (!spec.Exists)
        {
            spec.Required();
        }
        else
        {
            spec.IsObject();
        }

        return spec;
    }

    private readonly record struct CommonSpec(EquatableArray<ParentReference> ParentRefs, EquatableArray<string> Hostnames, string? UseDefaultGateways);

    private static CommonSpec ReadCommon(Node spec, ObjectHeader header, RouteFlavor flavor)
    {
        var parentsNode = spec["parentRefs"];
        var parentCount = spec.Count("parentRefs");
        var raw = new List<RawParent>(parentCount);
        var parents = new List<ParentReference>(parentCount);
        foreach (var item in parentsNode.AsItems())
        {
            var parent = ReadParentRef(item, header.Namespace, out var rawParent);
            if (parent is not null)
            {
                parents.Add(parent);
                raw.Add(rawParent);
            }
        }

        RouteSchema.MaxItems(parentsNode, parentCount, MaxParentRefs);
        var experimentalOnly = !string.Equals(ApiVersions.VersionOf(header.ApiVersion), "v1", StringComparison.Ordinal)
            && !string.Equals(ApiVersions.VersionOf(header.ApiVersion), "v1beta1", StringComparison.Ordinal);
        ParentRefRules(parentsNode, raw, experimentalOnly);

        var hostnamesNode = spec["hostnames"];
        EquatableArray<string> hostnames = [];
        if (flavor is RouteFlavor.Tcp or RouteFlavor.Udp)
        {
            if (hostnamesNode.Exists)
            {
                hostnamesNode.Warning(DiagnosticCodes.SchemaViolation, "TCPRoute and UDPRoute have no hostnames; the API server drops this unknown field. Remove it.");
            }
        }
        else
        {
            hostnames = spec.Strings("hostnames");
            var count = spec.Count("hostnames");
            if (flavor == RouteFlavor.Tls)
            {
                // v1 requires hostnames; the experimental v1alpha2 and v1alpha3 leave them optional (a route for every SNI).
                TlsHostnames(hostnamesNode, hostnames, count, required: ApiVersions.VersionOf(header.ApiVersion) == "v1");
            }
            else
            {
                RouteSchema.MaxItems(hostnamesNode, count, MaxHostnames);
                foreach (var item in hostnamesNode.AsItems())
                {
                    RouteSchema.Hostname(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.StringValue : null);
                }
            }
        }

        var useDefault = spec.String("useDefaultGateways");
        if (useDefault is not null and not "All" and not "None")
        {
            spec["useDefaultGateways"].Error(DiagnosticCodes.SchemaViolation, $"\"{useDefault}\" is not a valid value; use All or None.");
        }

        return new CommonSpec(RecentLists<ParentReference>.Of(parents.ToEquatableArray()), RecentLists<string>.Of(hostnames), useDefault);
    }

    private static void TlsHostnames(Node node, EquatableArray<string> hostnames, int count, bool required)
    {
        if (!node.Exists && !required)
        {
            return;
        }

        if (!node.Exists)
        {
            node.Error(DiagnosticCodes.RequiredField, "spec.hostnames is required for a TLSRoute: list the SNI hostnames (1 to 1024) it serves.");
            return;
        }

        RouteSchema.MinItems(node, count, 1);
        RouteSchema.MaxItems(node, count, 1024);
        if (hostnames.Any(RouteSchema.IsIp))
        {
            RouteSchema.Cel(node, "Hostnames cannot contain an IP", "SNI never carries an IP address (RFC 6066); use DNS names");
        }

        if (hostnames.Any(h => !h.Contains('*', StringComparison.Ordinal) && !RouteSchema.IsRfc1123Subdomain(h)))
        {
            RouteSchema.Cel(node, "Hostnames must be valid based on RFC-1123", "use lowercase letters, digits, '-' and '.' only");
        }

        if (hostnames.Any(h => h.Contains('*', StringComparison.Ordinal) && !(h.StartsWith("*.", StringComparison.Ordinal) && RouteSchema.IsRfc1123Subdomain(h[2..]))))
        {
            RouteSchema.Cel(node, "Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123", "write a wildcard only as a leading \"*.\" label, such as \"*.example.com\"");
        }

        foreach (var item in node.AsItems())
        {
            RouteSchema.Length(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.AsString() : null, 1, 253);
        }
    }

    private readonly record struct RawParent(string Group, string Kind, string? Namespace, string Name, string? SectionName, int? Port);

    private static ParentReference? ReadParentRef(Node node, string routeNamespace, out RawParent raw)
    {
        raw = default;
        if (!node.IsObject())
        {
            return null;
        }

        var group = node.String("group") ?? Groups.Gateway;
        var kind = node.String("kind") ?? Kinds.Gateway.Kind;
        var ns = node.String("namespace");
        var name = node.String("name");
        var sectionName = node.String("sectionName");
        var port = node.Int32("port");
        RouteSchema.Group(node["group"], group);
        RouteSchema.Kind(node["kind"], kind);
        RouteSchema.Namespace(node["namespace"], ns);
        RouteSchema.SectionName(node["sectionName"], sectionName);
        RouteSchema.Range(node["port"], port, 1, RouteSchema.MaxPortNumber);
        if (name is null)
        {
            node["name"].Required();
            return null;
        }

        RouteSchema.ObjectName(node["name"], name);
        raw = new RawParent(group, kind, string.IsNullOrEmpty(ns) ? null : ns, name, string.IsNullOrEmpty(sectionName) ? null : sectionName, port is null or 0 ? null : port);
        return RecentReferences.Parent(group, kind, string.IsNullOrEmpty(ns) ? routeNamespace : ns, !string.IsNullOrEmpty(ns), name, sectionName, port);
    }

    /// <summary>
    /// The CEL rules on <c>parentRefs</c>. The standard and experimental CRDs carry different variants; v1 and
    /// v1beta1 are served by both channels, so a list either channel admits is accepted.
    /// </summary>
    private static void ParentRefRules(Node node, List<RawParent> parents, bool experimentalOnly)
    {
        static bool SameParent(RawParent a, RawParent b)
            => string.Equals(a.Group, b.Group, StringComparison.Ordinal) && string.Equals(a.Kind, b.Kind, StringComparison.Ordinal)
            && string.Equals(a.Name, b.Name, StringComparison.Ordinal) && string.Equals(a.Namespace, b.Namespace, StringComparison.Ordinal);

        bool standardSpecified = true, standardUnique = true, experimentalSpecified = true, experimentalUnique = true;
        foreach (var p1 in parents)
        {
            int standardMatches = 0, experimentalMatches = 0;
            foreach (var p2 in parents)
            {
                if (!SameParent(p1, p2))
                {
                    continue;
                }

                var sameSectionPresence = (p1.SectionName is null) == (p2.SectionName is null);
                standardSpecified &= sameSectionPresence;
                experimentalSpecified &= sameSectionPresence && (p1.Port is null) == (p2.Port is null);
                var sameSection = string.Equals(p1.SectionName, p2.SectionName, StringComparison.Ordinal);
                if (sameSection)
                {
                    standardMatches++;
                    if (p1.Port == p2.Port)
                    {
                        experimentalMatches++;
                    }
                }
            }

            standardUnique &= standardMatches == 1;
            experimentalUnique &= experimentalMatches == 1;
        }

        var standardOk = standardSpecified && standardUnique;
        var experimentalOk = experimentalSpecified && experimentalUnique;
        if (experimentalOk || (!experimentalOnly && standardOk))
        {
            return;
        }

        if (experimentalOnly)
        {
            if (!experimentalSpecified)
            {
                RouteSchema.Cel(node, "sectionName or port must be specified when parentRefs includes 2 or more references to the same parent", "give every reference to that parent a sectionName (or a port), or none of them");
            }

            if (!experimentalUnique)
            {
                RouteSchema.Cel(node, "sectionName or port must be unique when parentRefs includes 2 or more references to the same parent", "remove the duplicate reference or point it at another listener");
            }

            return;
        }

        if (!standardSpecified)
        {
            RouteSchema.Cel(node, "sectionName must be specified when parentRefs includes 2 or more references to the same parent", "give every reference to that parent a sectionName, or keep only one reference");
        }

        if (!standardUnique)
        {
            RouteSchema.Cel(node, "sectionName must be unique when parentRefs includes 2 or more references to the same parent", "remove the duplicate reference or point it at another listener");
        }
    }

    private static BackendReference? ReadBackendRef(Node node, string routeNamespace, bool weighted)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var group = node.String("group") ?? Groups.Core;
        var kind = node.String("kind") ?? Kinds.Service.Kind;
        var name = node.String("name");
        var ns = node.String("namespace");
        var port = node.Int32("port");
        var weight = weighted ? node.Int32("weight") : null;
        RouteSchema.Group(node["group"], group);
        RouteSchema.Kind(node["kind"], kind);
        RouteSchema.Namespace(node["namespace"], ns);
        RouteSchema.Range(node["port"], port, 1, RouteSchema.MaxPortNumber);
        RouteSchema.Range(node["weight"], weight, 0, MaxWeight);
        if (group.Length == 0 && string.Equals(kind, Kinds.Service.Kind, StringComparison.Ordinal) && port is null)
        {
            RouteSchema.Cel(node, "Must have port for Service reference", "add the Service port number (the port of the Service, not the targetPort)");
        }

        if (name is null)
        {
            node["name"].Required();
            return null;
        }

        RouteSchema.ObjectName(node["name"], name);
        return RecentReferences.Backend(group, kind, name, string.IsNullOrEmpty(ns) ? routeNamespace : ns, port, weight ?? 1);
    }

    private static void RuleName(Node node, out string? name)
    {
        name = node.String("name");
        RouteSchema.SectionName(node["name"], name);
    }

    /// <summary>Rule name uniqueness is CEL of the experimental CRDs only, so the standard channel admits duplicates.</summary>
    private static void RuleNames(Node rules)
    {
        // The names seen, compared one by one while there are few (a route has at most 16 rules), in a set after.
        var few = t_ruleNames ??= new string[16];
        var count = 0;
        HashSet<string>? seen = null;
        foreach (var rule in rules.AsItems())
        {
            if (!rule.IsObject(report: false))
            {
                continue;
            }

            var name = rule["name"];
            if (name.Kind == System.Text.Json.JsonValueKind.String && !AddName(name.StringValue!, few, ref count, ref seen))
            {
                name.Warning(DiagnosticCodes.CelViolation, "Rule name must be unique within the route. The experimental CRDs refuse this route; policies targeting the name cannot tell the rules apart. Rename one of the rules.");
            }
        }

        Array.Clear(few, 0, count);
    }

    [ThreadStatic]
    private static string[]? t_ruleNames;

    /// <summary>Adds a rule name to those seen (<paramref name="few"/> up to its length, then <paramref name="seen"/>); false when it was seen.</summary>
    private static bool AddName(string name, string[] few, ref int count, ref HashSet<string>? seen)
    {
        if (seen is null)
        {
            if (Array.IndexOf(few, name, 0, count) >= 0)
            {
                return false;
            }

            if (count < few.Length)
            {
                few[count++] = name;
                return true;
            }

            seen = new HashSet<string>(few, StringComparer.Ordinal);
        }

        return seen.Add(name);
    }

    private static void TotalMatches(Node rules, int total)
    {
        if (total > MaxTotalMatches)
        {
            RouteSchema.Cel(rules, "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128", $"this route has {total}; split it into several routes");
        }
    }

    private static EquatableArray<BackendRouteRule> ReadBackendRules(Node spec, string routeNamespace)
    {
        var rulesNode = spec["rules"];
        if (!rulesNode.Exists)
        {
            rulesNode.Error(DiagnosticCodes.RequiredField, "spec.rules is required: add exactly one rule with its backendRefs.");
            return [];
        }

        var count = spec.Count("rules");
        if (count != 1 && rulesNode.Kind == System.Text.Json.JsonValueKind.Array)
        {
            rulesNode.Error(count > 1 ? DiagnosticCodes.TooMany : DiagnosticCodes.SchemaViolation, $"has {count} rules; this kind takes exactly one rule. Move the backends into one rule or split the route.");
        }

        var rules = new List<BackendRouteRule>();
        foreach (var item in rulesNode.AsItems())
        {
            if (!item.IsObject())
            {
                continue;
            }

            RuleName(item, out var name);
            var refsNode = item["backendRefs"];
            if (!refsNode.Exists)
            {
                refsNode.Error(DiagnosticCodes.RequiredField, $"{refsNode.Path} is required: add 1 to 16 backendRefs.");
            }

            var refs = refsNode.AsList(routeNamespace, static (n, ns) => ReadBackendRef(n, ns, weighted: true));
            RouteSchema.MinItems(refsNode, item.Count("backendRefs"), 1);
            RouteSchema.MaxItems(refsNode, item.Count("backendRefs"), MaxBackendRefs);
            rules.Add(new BackendRouteRule { Name = name, BackendRefs = refs });
        }

        RuleNames(rulesNode);
        return rules.ToEquatableArray();
    }
}
