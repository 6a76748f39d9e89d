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
internal static class RouteReader
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
            rules = rulesNode.AsItems().Select(n => ReadHttpRule(n, header.Namespace)).Where(r => r is not null).Select(r => r!).ToEquatableArray();
            var count = spec.Count("rules");
            RouteSchema.MinItems(rulesNode, count, 1);
            RouteSchema.MaxItems(rulesNode, count, MaxRules);

            // CEL sees the defaulted matches: a rule without matches counts as one.
            var total = rulesNode.AsItems().Sum(r => r["matches"].Exists ? r.Count("matches") : 1);
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
        var rules = rulesNode.AsItems().Select(n => ReadGrpcRule(n, header.Namespace)).Where(r => r is not null).Select(r => r!).ToEquatableArray();
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
        var raw = new List<RawParent>();
        var parents = new List<ParentReference>();
        foreach (var item in parentsNode.AsItems())
        {
            var parent = ReadParentRef(item, header.Namespace, out var rawParent);
            if (parent is not null)
            {
                parents.Add(parent);
                raw.Add(rawParent);
            }
        }

        RouteSchema.MaxItems(parentsNode, spec.Count("parentRefs"), MaxParentRefs);
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
                    RouteSchema.Hostname(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.Element.GetString() : null);
                }
            }
        }

        var useDefault = spec.String("useDefaultGateways");
        if (useDefault is not null and not "All" and not "None")
        {
            spec["useDefaultGateways"].Error(DiagnosticCodes.SchemaViolation, $"\"{useDefault}\" is not a valid value; use All or None.");
        }

        return new CommonSpec(parents.ToEquatableArray(), hostnames, useDefault);
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
        return new ParentReference
        {
            Group = group,
            Kind = kind,
            Namespace = string.IsNullOrEmpty(ns) ? routeNamespace : ns,
            NamespaceSet = !string.IsNullOrEmpty(ns),
            Name = name,
            SectionName = sectionName,
            Port = port,
        };
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
        return new BackendReference
        {
            Group = group,
            Kind = kind,
            Name = name,
            Namespace = string.IsNullOrEmpty(ns) ? routeNamespace : ns,
            Port = port,
            Weight = weight ?? 1,
        };
    }

    private static void RuleName(Node node, out string? name)
    {
        name = node.String("name");
        RouteSchema.SectionName(node["name"], name);
    }

    /// <summary>Rule name uniqueness is CEL of the experimental CRDs only, so the standard channel admits duplicates.</summary>
    private static void RuleNames(Node rules)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules.AsItems())
        {
            if (rule.IsObject(report: false) && rule["name"].Kind == System.Text.Json.JsonValueKind.String && !seen.Add(rule["name"].Element.GetString()!))
            {
                rule["name"].Warning(DiagnosticCodes.CelViolation, "Rule name must be unique within the route. The experimental CRDs refuse this route; policies targeting the name cannot tell the rules apart. Rename one of the rules.");
            }
        }
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

            var refs = refsNode.AsItems().Select(n => ReadBackendRef(n, routeNamespace, weighted: true)).Where(b => b is not null).Select(b => b!).ToEquatableArray();
            RouteSchema.MinItems(refsNode, item.Count("backendRefs"), 1);
            RouteSchema.MaxItems(refsNode, item.Count("backendRefs"), MaxBackendRefs);
            rules.Add(new BackendRouteRule { Name = name, BackendRefs = refs });
        }

        RuleNames(rulesNode);
        return rules.ToEquatableArray();
    }

    private static HttpRouteRule? ReadHttpRule(Node node, string routeNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        RuleName(node, out var name);
        var matchesNode = node["matches"];
        var matches = matchesNode.AsItems().Select(ReadHttpMatch).Where(m => m is not null).Select(m => m!).ToEquatableArray();
        RouteSchema.MaxItems(matchesNode, node.Count("matches"), MaxMatches);
        if (!matchesNode.Exists)
        {
            matches = [HttpRouteMatch.Default];
        }

        var filtersNode = node["filters"];
        var filters = ReadFilters(filtersNode, routeNamespace, RouteFlavor.Http);
        var backendsNode = node["backendRefs"];
        var backends = backendsNode.AsItems().Select(n => ReadRouteBackendRef(n, routeNamespace, RouteFlavor.Http)).Where(b => b is not null).Select(b => b!).ToEquatableArray();
        RouteSchema.MaxItems(backendsNode, node.Count("backendRefs"), MaxBackendRefs);

        var timeouts = ReadTimeouts(node["timeouts"]);
        var retry = ReadRetry(node["retry"]);
        HttpRuleCel(node, matchesNode.Exists ? node.Count("matches") : 1, matches, filters, backends);
        return new HttpRouteRule
        {
            Name = name,
            Matches = matches,
            Filters = filters,
            BackendRefs = backends,
            Timeouts = timeouts,
            Retry = retry,
            SessionPersistence = ReadSessionPersistence(node["sessionPersistence"]),
        };
    }

    private static void HttpRuleCel(Node rule, int rawMatchCount, EquatableArray<HttpRouteMatch> matches, EquatableArray<RouteFilter> filters, EquatableArray<RouteBackendRef> backends)
    {
        if (backends.Count > 0 && filters.Any(f => f.RequestRedirect is not null))
        {
            RouteSchema.Cel(rule, "RequestRedirect filter must not be used together with backendRefs", "a redirect answers without a backend: remove the backendRefs, or move the redirect into a backendRef's filters");
        }

        var onePrefixMatch = rawMatchCount == 1 && matches.Count == 1 && matches[0].Path.Type == PathMatchType.PathPrefix;
        static bool PrefixRedirect(RouteFilter f) => f.RequestRedirect?.Path is { Type: HttpPathModifierType.ReplacePrefixMatch, ReplacePrefixMatch: not null };
        static bool PrefixRewrite(RouteFilter f) => f.UrlRewrite?.Path is { Type: HttpPathModifierType.ReplacePrefixMatch, ReplacePrefixMatch: not null };
        const string Fix = "ReplacePrefixMatch replaces the matched prefix, so the rule needs exactly one match of type PathPrefix; use ReplaceFullPath or split the rule";

        // The CEL uses exists_one, so it only fires when exactly one filter (or backendRef) carries the modifier.
        if (!onePrefixMatch && filters.Count(PrefixRedirect) == 1)
        {
            RouteSchema.Cel(rule, "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && filters.Count(PrefixRewrite) == 1)
        {
            RouteSchema.Cel(rule, "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && backends.Count(b => b.Filters.Count(PrefixRedirect) == 1) == 1)
        {
            RouteSchema.Cel(rule, "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }

        if (!onePrefixMatch && backends.Count(b => b.Filters.Count(PrefixRewrite) == 1) == 1)
        {
            RouteSchema.Cel(rule, "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified", Fix);
        }
    }

    private static HttpRouteMatch? ReadHttpMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var path = ReadPathMatch(node["path"]);
        var headersNode = node["headers"];
        var headers = headersNode.AsItems().Select(n => ReadHeaderMatch(n, 4096)).Where(h => h is not null).Select(h => h!).ToEquatableArray();
        RouteSchema.MaxItems(headersNode, node.Count("headers"), MaxHeaderMatches);
        RouteSchema.Unique(headersNode, headers.Select(h => h.Name), "header name");

        var queryNode = node["queryParams"];
        var query = queryNode.AsItems().Select(ReadQueryParamMatch).Where(h => h is not null).Select(h => h!).ToEquatableArray();
        RouteSchema.MaxItems(queryNode, node.Count("queryParams"), MaxHeaderMatches);
        RouteSchema.Unique(queryNode, query.Select(h => h.Name), "query parameter name");

        var method = node.String("method");
        if (method is not null && !HttpMethods.Contains(method, StringComparer.Ordinal))
        {
            RouteSchema.UnsupportedValue(node["method"], method, "HTTP method", string.Join(", ", HttpMethods));
        }

        return new HttpRouteMatch { Path = path, Headers = headers, QueryParams = query, Method = method };
    }

    private static HttpPathMatch ReadPathMatch(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return HttpPathMatch.Default;
        }

        var typeName = node.String("type") ?? nameof(PathMatchType.PathPrefix);
        var value = node.String("value") ?? "/";
        var type = typeName switch
        {
            "Exact" => PathMatchType.Exact,
            "PathPrefix" => PathMatchType.PathPrefix,
            "RegularExpression" => PathMatchType.RegularExpression,
            _ => PathMatchType.Unknown,
        };
        if (type == PathMatchType.Unknown)
        {
            RouteSchema.UnsupportedValue(node["type"], typeName, "path match type", "Exact, PathPrefix, RegularExpression");
        }

        RouteSchema.Length(node["value"], value, 0, 1024);
        if (type is PathMatchType.Exact or PathMatchType.PathPrefix)
        {
            var v = node["value"];
            const string Suffix = " when type one of ['Exact', 'PathPrefix']";
            if (!value.StartsWith('/'))
            {
                RouteSchema.Cel(v, "value must be an absolute path and start with '/'" + Suffix, "start the path with '/'");
            }

            foreach (var bad in (ReadOnlySpan<string>)["//", "/./", "/../", "%2f", "%2F", "#"])
            {
                if (value.Contains(bad, StringComparison.Ordinal))
                {
                    RouteSchema.Cel(v, $"must not contain '{bad}'" + Suffix, "write the normalized path a client would send");
                }
            }

            foreach (var bad in (ReadOnlySpan<string>)["/..", "/."])
            {
                if (value.EndsWith(bad, StringComparison.Ordinal))
                {
                    RouteSchema.Cel(v, $"must not end with '{bad}'" + Suffix, "write the normalized path a client would send");
                }
            }

            if (!RouteSchema.IsPathCharacters(value))
            {
                RouteSchema.Cel(v, $"must only contain valid characters (matching {RouteSchema.PathCharacters}) for types ['Exact', 'PathPrefix']", "percent-encode other characters");
            }
        }

        return new HttpPathMatch { Type = type, TypeName = typeName, Value = value };
    }

    private static StringMatchType ParseStringMatch(Node node, string typeName, string what)
    {
        var type = typeName switch
        {
            "Exact" => StringMatchType.Exact,
            "RegularExpression" => StringMatchType.RegularExpression,
            _ => StringMatchType.Unknown,
        };
        if (type == StringMatchType.Unknown)
        {
            RouteSchema.UnsupportedValue(node, typeName, what, "Exact, RegularExpression");
        }

        return type;
    }

    private static HttpHeaderMatch? ReadHeaderMatch(Node node, int maxValue)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type") ?? nameof(StringMatchType.Exact);
        var type = ParseStringMatch(node["type"], typeName, "header match type");
        var name = node.String("name");
        var value = node.String("value");
        RouteSchema.HeaderName(node["name"], name);
        RouteSchema.Length(node["value"], value, 1, maxValue);
        if (name is null)
        {
            node["name"].Required();
        }

        if (value is null)
        {
            node["value"].Required();
        }

        return name is null || value is null ? null : new HttpHeaderMatch { Type = type, TypeName = typeName, Name = name, Value = value };
    }

    private static HttpQueryParamMatch? ReadQueryParamMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type") ?? nameof(StringMatchType.Exact);
        var type = ParseStringMatch(node["type"], typeName, "query parameter match type");
        var name = node.String("name");
        var value = node.String("value");
        RouteSchema.HeaderName(node["name"], name);
        RouteSchema.Length(node["value"], value, 1, 1024);
        if (name is null)
        {
            node["name"].Required();
        }

        if (value is null)
        {
            node["value"].Required();
        }

        return name is null || value is null ? null : new HttpQueryParamMatch { Type = type, TypeName = typeName, Name = name, Value = value };
    }

    private static HttpRouteTimeouts? ReadTimeouts(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var request = node.String("request");
        var backendRequest = node.String("backendRequest");
        RouteSchema.Duration(node["request"], request);
        RouteSchema.Duration(node["backendRequest"], backendRequest);
        if (GatewayDuration.Parse(request) is { } r && GatewayDuration.Parse(backendRequest) is { } b && r != TimeSpan.Zero && b > r)
        {
            RouteSchema.Cel(node, "backendRequest timeout cannot be longer than request timeout", "the request timeout covers every backend attempt; raise request or lower backendRequest");
        }

        return new HttpRouteTimeouts { Request = request, BackendRequest = backendRequest };
    }

    private static HttpRouteRetry? ReadRetry(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var codes = new List<int>();
        foreach (var item in node.Items("codes"))
        {
            if (item.AsInt32() is { } code)
            {
                RouteSchema.Range(item, code, 400, 599);
                codes.Add(code);
            }
        }

        RouteSchema.Unique(node["codes"], codes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)), "retry code");
        var backoff = node.String("backoff");
        RouteSchema.Duration(node["backoff"], backoff);
        return new HttpRouteRetry { Codes = codes.ToEquatableArray(), Attempts = node.Int32("attempts"), Backoff = backoff };
    }

    private static JsonData? ReadSessionPersistence(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var type = node.String("type") ?? "Cookie";
        if (type is not "Cookie" and not "Header")
        {
            node["type"].Error(DiagnosticCodes.SchemaViolation, $"\"{type}\" is not a session persistence type; use Cookie or Header.");
        }

        if (node.Has("cookieConfig") && type != "Cookie")
        {
            RouteSchema.Cel(node, "cookieConfig can only be set with type Cookie", "remove cookieConfig or set type: Cookie");
        }

        if (string.Equals(node["cookieConfig"].String("lifetimeType"), "Permanent", StringComparison.Ordinal) && !node.Has("absoluteTimeout"))
        {
            RouteSchema.Cel(node, "absoluteTimeout must be specified when cookie lifetimeType is Permanent", "add absoluteTimeout, or use lifetimeType: Session");
        }

        RouteSchema.Duration(node["absoluteTimeout"], node.String("absoluteTimeout"));
        RouteSchema.Duration(node["idleTimeout"], node.String("idleTimeout"));
        return node.AsData();
    }

    private static GrpcRouteRule? ReadGrpcRule(Node node, string routeNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        RuleName(node, out var name);
        var matchesNode = node["matches"];
        var matches = matchesNode.AsItems().Select(ReadGrpcMatch).Where(m => m is not null).Select(m => m!).ToEquatableArray();
        RouteSchema.MaxItems(matchesNode, node.Count("matches"), MaxMatches);
        var filters = ReadFilters(node["filters"], routeNamespace, RouteFlavor.Grpc);
        var backendsNode = node["backendRefs"];
        var backends = backendsNode.AsItems().Select(n => ReadRouteBackendRef(n, routeNamespace, RouteFlavor.Grpc)).Where(b => b is not null).Select(b => b!).ToEquatableArray();
        RouteSchema.MaxItems(backendsNode, node.Count("backendRefs"), MaxBackendRefs);
        return new GrpcRouteRule
        {
            Name = name,
            Matches = matches,
            Filters = filters,
            BackendRefs = backends,
            SessionPersistence = ReadSessionPersistence(node["sessionPersistence"]),
        };
    }

    private static GrpcRouteMatch? ReadGrpcMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var headersNode = node["headers"];
        var headers = headersNode.AsItems().Select(n => ReadHeaderMatch(n, 4096)).Where(h => h is not null).Select(h => h!).ToEquatableArray();
        RouteSchema.MaxItems(headersNode, node.Count("headers"), MaxHeaderMatches);
        RouteSchema.Unique(headersNode, headers.Select(h => h.Name), "header name");
        return new GrpcRouteMatch { Method = ReadGrpcMethodMatch(node["method"]), Headers = headers };
    }

    private static GrpcMethodMatch? ReadGrpcMethodMatch(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type") ?? nameof(GrpcMethodMatchType.Exact);
        var type = typeName switch
        {
            "Exact" => GrpcMethodMatchType.Exact,
            "RegularExpression" => GrpcMethodMatchType.RegularExpression,
            _ => GrpcMethodMatchType.Unknown,
        };
        if (type == GrpcMethodMatchType.Unknown)
        {
            RouteSchema.UnsupportedValue(node["type"], typeName, "gRPC method match type", "Exact, RegularExpression");
        }

        var service = node.String("service");
        var method = node.String("method");
        RouteSchema.Length(node["service"], service, 0, 1024);
        RouteSchema.Length(node["method"], method, 0, 1024);

        // The type is always set once defaulted, so the CEL "has(self.type)" guard always holds.
        if (service is null && method is null)
        {
            RouteSchema.Cel(node, "One or both of 'service' or 'method' must be specified", "set service, method or both; omit the whole method match to match every call");
        }

        if (type == GrpcMethodMatchType.Exact && service is not null && !RouteSchema.IsGrpcService(service))
        {
            RouteSchema.Cel(node, "service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)", "write the fully qualified service name, such as \"helloworld.Greeter\", without slashes");
        }

        if (type == GrpcMethodMatchType.Exact && method is not null && !RouteSchema.IsGrpcMethod(method))
        {
            RouteSchema.Cel(node, "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)", "write only the method name, such as \"SayHello\", without slashes");
        }

        return new GrpcMethodMatch { Type = type, TypeName = typeName, Service = service, Method = method };
    }

    private static RouteBackendRef? ReadRouteBackendRef(Node node, string routeNamespace, RouteFlavor flavor)
    {
        var reference = ReadBackendRef(node, routeNamespace, weighted: true);
        var filters = node.IsObject(report: false) ? ReadFilters(node["filters"], routeNamespace, flavor) : [];
        return reference is null ? null : new RouteBackendRef { BackendRef = reference, Filters = filters };
    }

    private static readonly (string Field, RouteFilterType Type)[] HttpUnion =
    [
        ("cors", RouteFilterType.CORS),
        ("requestHeaderModifier", RouteFilterType.RequestHeaderModifier),
        ("responseHeaderModifier", RouteFilterType.ResponseHeaderModifier),
        ("requestMirror", RouteFilterType.RequestMirror),
        ("requestRedirect", RouteFilterType.RequestRedirect),
        ("urlRewrite", RouteFilterType.URLRewrite),
        ("externalAuth", RouteFilterType.ExternalAuth),
        ("extensionRef", RouteFilterType.ExtensionRef),
    ];

    private static readonly (string Field, RouteFilterType Type)[] GrpcUnion =
    [
        ("requestHeaderModifier", RouteFilterType.RequestHeaderModifier),
        ("responseHeaderModifier", RouteFilterType.ResponseHeaderModifier),
        ("requestMirror", RouteFilterType.RequestMirror),
        ("extensionRef", RouteFilterType.ExtensionRef),
    ];

    private static EquatableArray<RouteFilter> ReadFilters(Node list, string routeNamespace, RouteFlavor flavor)
    {
        var filters = list.AsItems().Select(n => ReadFilter(n, routeNamespace, flavor)).Where(f => f is not null).Select(f => f!).ToEquatableArray();
        var count = list.Kind == System.Text.Json.JsonValueKind.Array ? list.Element.GetArrayLength() : 0;
        RouteSchema.MaxItems(list, count, MaxFilters);

        // CEL compares the type strings as written.
        int Count(string type) => filters.Count(f => string.Equals(f.TypeName, type, StringComparison.Ordinal));
        if (flavor == RouteFlavor.Http)
        {
            if (Count("RequestRedirect") > 0 && Count("URLRewrite") > 0)
            {
                RouteSchema.Cel(list, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both", "a redirect answers the request, so a rewrite would never apply; keep one of them");
            }

            foreach (var type in (ReadOnlySpan<string>)["CORS", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"])
            {
                if (Count(type) > 1)
                {
                    RouteSchema.Cel(list, $"{type} filter cannot be repeated", "merge the entries into one filter");
                }
            }
        }
        else
        {
            foreach (var type in (ReadOnlySpan<string>)["RequestHeaderModifier", "ResponseHeaderModifier"])
            {
                if (Count(type) > 1)
                {
                    RouteSchema.Cel(list, $"{type} filter cannot be repeated", "merge the entries into one filter");
                }
            }
        }

        return filters;
    }

    private static RouteFilter? ReadFilter(Node node, string routeNamespace, RouteFlavor flavor)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type");
        if (typeName is null)
        {
            node["type"].Required();
            return null;
        }

        var union = flavor == RouteFlavor.Http ? HttpUnion : GrpcUnion;
        var type = RouteFilterType.Unknown;
        foreach (var (_, candidate) in union)
        {
            if (string.Equals(candidate.ToString(), typeName, StringComparison.Ordinal))
            {
                type = candidate;
            }
        }

        if (type == RouteFilterType.Unknown)
        {
            RouteSchema.UnsupportedValue(node["type"], typeName, flavor == RouteFlavor.Http ? "HTTPRoute filter type" : "GRPCRoute filter type", string.Join(", ", union.Select(u => u.Type.ToString())));
        }

        foreach (var (field, member) in union)
        {
            var typeMatches = string.Equals(member.ToString(), typeName, StringComparison.Ordinal);
            if (node.Has(field) && !typeMatches)
            {
                RouteSchema.Cel(node, $"filter.{field} must be nil if the filter.type is not {member}", $"set type: {member} or remove {field}");
            }
            else if (!node.Has(field) && typeMatches)
            {
                RouteSchema.Cel(node, $"filter.{field} must be specified for {member} filter.type", $"add the {field} configuration");
            }
        }

        var http = flavor == RouteFlavor.Http;
        return new RouteFilter
        {
            Type = type,
            TypeName = typeName,
            RequestHeaderModifier = ReadHeaderFilter(node["requestHeaderModifier"]),
            ResponseHeaderModifier = ReadHeaderFilter(node["responseHeaderModifier"]),
            RequestMirror = ReadMirror(node["requestMirror"], routeNamespace),
            RequestRedirect = http ? ReadRedirect(node["requestRedirect"]) : null,
            UrlRewrite = http ? ReadRewrite(node["urlRewrite"]) : null,
            Cors = http ? ReadCors(node["cors"]) : null,
            ExternalAuth = http ? ReadExternalAuth(node["externalAuth"], routeNamespace) : null,
            ExtensionRef = ReadExtensionRef(node["extensionRef"]),
        };
    }

    private static HttpHeaderFilter? ReadHeaderFilter(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var set = ReadHeaders(node["set"]);
        var add = ReadHeaders(node["add"]);
        var removeNode = node["remove"];
        var remove = node.Strings("remove");
        RouteSchema.MaxItems(removeNode, node.Count("remove"), 16);
        RouteSchema.Unique(removeNode, remove, "header name");
        foreach (var item in removeNode.AsItems())
        {
            RouteSchema.HeaderName(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.AsString() : null);
        }

        // The API server cannot see this, so it is for the controller to reject; say it early.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in set.Select(h => h.Name).Concat(add.Select(h => h.Name)).Concat(remove))
        {
            if (!seen.Add(name))
            {
                node.Warning(DiagnosticCodes.SchemaViolation, $"header \"{name}\" is named more than once (names are case-insensitive); only one action per header is valid. Put multiple values in one comma-separated value.");
            }
        }

        return new HttpHeaderFilter { Set = set, Add = add, Remove = remove };
    }

    private static EquatableArray<HttpHeader> ReadHeaders(Node list)
    {
        var headers = new List<HttpHeader>();
        foreach (var item in list.AsItems())
        {
            if (!item.IsObject())
            {
                continue;
            }

            var name = item.String("name");
            var value = item.String("value");
            RouteSchema.HeaderName(item["name"], name);
            RouteSchema.Length(item["value"], value, 1, 4096);
            if (name is null)
            {
                item["name"].Required();
            }

            if (value is null)
            {
                item["value"].Required();
            }

            if (name is not null && value is not null)
            {
                headers.Add(new HttpHeader(name, value));
            }
        }

        var count = list.Kind == System.Text.Json.JsonValueKind.Array ? list.Element.GetArrayLength() : 0;
        RouteSchema.MaxItems(list, count, 16);
        RouteSchema.Unique(list, headers.Select(h => h.Name), "header name");
        return headers.ToEquatableArray();
    }

    private static HttpPathModifier? ReadPathModifier(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var typeName = node.String("type");
        var full = node.String("replaceFullPath");
        var prefix = node.String("replacePrefixMatch");
        RouteSchema.Length(node["replaceFullPath"], full, 0, 1024);
        RouteSchema.Length(node["replacePrefixMatch"], prefix, 0, 1024);
        if (typeName is null)
        {
            node["type"].Required();
            return null;
        }

        var type = typeName switch
        {
            "ReplaceFullPath" => HttpPathModifierType.ReplaceFullPath,
            "ReplacePrefixMatch" => HttpPathModifierType.ReplacePrefixMatch,
            _ => HttpPathModifierType.Unknown,
        };
        if (type == HttpPathModifierType.Unknown)
        {
            RouteSchema.UnsupportedValue(node["type"], typeName, "path modifier type", "ReplaceFullPath, ReplacePrefixMatch");
        }

        if (type == HttpPathModifierType.ReplaceFullPath && full is null)
        {
            RouteSchema.Cel(node, "replaceFullPath must be specified when type is set to 'ReplaceFullPath'", "add replaceFullPath");
        }

        if (full is not null && type != HttpPathModifierType.ReplaceFullPath)
        {
            RouteSchema.Cel(node, "type must be 'ReplaceFullPath' when replaceFullPath is set", "set type: ReplaceFullPath or remove replaceFullPath");
        }

        if (type == HttpPathModifierType.ReplacePrefixMatch && prefix is null)
        {
            RouteSchema.Cel(node, "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'", "add replacePrefixMatch (it may be empty)");
        }

        if (prefix is not null && type != HttpPathModifierType.ReplacePrefixMatch)
        {
            RouteSchema.Cel(node, "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set", "set type: ReplacePrefixMatch or remove replacePrefixMatch");
        }

        return new HttpPathModifier { Type = type, TypeName = typeName, ReplaceFullPath = full, ReplacePrefixMatch = prefix };
    }

    private static HttpRequestRedirectFilter? ReadRedirect(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var scheme = node.String("scheme");
        if (scheme is not null and not "http" and not "https")
        {
            RouteSchema.UnsupportedValue(node["scheme"], scheme, "redirect scheme", "http, https");
        }

        var hostname = node.String("hostname");
        RouteSchema.PreciseHostname(node["hostname"], hostname);
        var port = node.Int32("port");
        RouteSchema.Range(node["port"], port, 1, RouteSchema.MaxPortNumber);
        var statusCode = node.Int32("statusCode") ?? 302;
        if (!RedirectCodes.Contains(statusCode))
        {
            RouteSchema.UnsupportedValue(node["statusCode"], statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), "redirect status code", "301, 302, 303, 307, 308");
        }

        return new HttpRequestRedirectFilter { Scheme = scheme, Hostname = hostname, Path = ReadPathModifier(node["path"]), Port = port, StatusCode = statusCode };
    }

    private static HttpUrlRewriteFilter? ReadRewrite(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var hostname = node.String("hostname");
        RouteSchema.PreciseHostname(node["hostname"], hostname);
        return new HttpUrlRewriteFilter { Hostname = hostname, Path = ReadPathModifier(node["path"]) };
    }

    private static HttpRequestMirrorFilter? ReadMirror(Node node, string routeNamespace)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var backendNode = node["backendRef"];
        if (!backendNode.Exists)
        {
            backendNode.Required();
        }

        var backend = ReadBackendRef(backendNode, routeNamespace, weighted: false);
        var percent = node.Int32("percent");
        RouteSchema.Range(node["percent"], percent, 0, 100);
        MirrorFraction? fraction = null;
        var fractionNode = node["fraction"];
        if (fractionNode.Exists && fractionNode.IsObject())
        {
            var numerator = fractionNode.Int32("numerator");
            var denominator = fractionNode.Int32("denominator") ?? 100;
            RouteSchema.Range(fractionNode["numerator"], numerator, 0, int.MaxValue);
            RouteSchema.Range(fractionNode["denominator"], denominator, 1, int.MaxValue);
            if (numerator is null)
            {
                fractionNode["numerator"].Required();
            }
            else
            {
                if (numerator > denominator)
                {
                    RouteSchema.Cel(fractionNode, "numerator must be less than or equal to denominator", "a fraction above 1 cannot be mirrored");
                }

                fraction = new MirrorFraction { Numerator = numerator.Value, Denominator = denominator };
            }
        }

        if (percent is not null && fractionNode.Exists)
        {
            RouteSchema.Cel(node, "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter", "keep percent or fraction, not both");
        }

        return backend is null ? null : new HttpRequestMirrorFilter { BackendRef = backend, Percent = percent, Fraction = fraction };
    }

    private static HttpCorsFilter? ReadCors(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var origins = WildcardSet(node, "allowOrigins", 64, "AllowOrigins cannot contain '*' alongside other origins", "origin");
        foreach (var item in node.Items("allowOrigins"))
        {
            if (item.Kind == System.Text.Json.JsonValueKind.String && !RouteSchema.IsCorsOrigin(item.Element.GetString()!))
            {
                item.Error(DiagnosticCodes.SchemaViolation, $"\"{item.Element.GetString()}\" is not a valid origin: write \"*\" or scheme://host[:port] with scheme http or https, such as \"https://*.example.com\".");
            }
        }

        var methods = WildcardSet(node, "allowMethods", 9, "AllowMethods cannot contain '*' alongside other methods", "method");
        foreach (var item in node.Items("allowMethods"))
        {
            if (item.Kind == System.Text.Json.JsonValueKind.String && item.Element.GetString() is { } m && m != "*" && !HttpMethods.Contains(m, StringComparer.Ordinal))
            {
                item.Error(DiagnosticCodes.SchemaViolation, $"\"{m}\" is not an allowed method; use one of {string.Join(", ", HttpMethods)} or \"*\".");
            }
        }

        var headers = WildcardSet(node, "allowHeaders", 64, "AllowHeaders cannot contain '*' alongside other methods", "header name");
        var expose = node.Strings("exposeHeaders");
        RouteSchema.MaxItems(node["exposeHeaders"], node.Count("exposeHeaders"), 64);
        RouteSchema.Unique(node["exposeHeaders"], expose, "header name");
        foreach (var item in node.Items("allowHeaders").Concat(node.Items("exposeHeaders")))
        {
            RouteSchema.HeaderName(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.Element.GetString() : null);
        }

        var maxAge = node.Int32("maxAge") ?? 5;
        RouteSchema.Range(node["maxAge"], maxAge, 1, int.MaxValue);
        return new HttpCorsFilter
        {
            AllowOrigins = origins,
            AllowCredentials = node.Bool("allowCredentials"),
            AllowMethods = methods,
            AllowHeaders = headers,
            ExposeHeaders = expose,
            MaxAge = maxAge,
        };
    }

    private static EquatableArray<string> WildcardSet(Node node, string field, int max, string celMessage, string what)
    {
        var values = node.Strings(field);
        var list = node[field];
        RouteSchema.MaxItems(list, node.Count(field), max);
        RouteSchema.Unique(list, values, what);
        if (values.Count > 1 && values.Contains("*", StringComparer.Ordinal))
        {
            RouteSchema.Cel(list, celMessage, "\"*\" already allows everything; keep only \"*\" or list the values without it");
        }

        return values;
    }

    private static JsonData? ReadExternalAuth(Node node, string routeNamespace)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var protocol = node.String("protocol");
        if (protocol is null)
        {
            node["protocol"].Required();
        }
        else if (protocol is not "HTTP" and not "GRPC")
        {
            node["protocol"].Error(DiagnosticCodes.SchemaViolation, $"\"{protocol}\" is not an external auth protocol; use HTTP or GRPC.");
        }

        if (string.Equals(protocol, "GRPC", StringComparison.Ordinal) != node.Has("grpc") && node.Has("grpc"))
        {
            RouteSchema.Cel(node, "protocol must be 'GRPC' when grpc is set", "set protocol: GRPC or remove grpc");
        }

        if (string.Equals(protocol, "HTTP", StringComparison.Ordinal) != node.Has("http") && node.Has("http"))
        {
            RouteSchema.Cel(node, "protocol must be 'HTTP' when http is set", "set protocol: HTTP or remove http");
        }

        if (!node.Has("backendRef"))
        {
            node["backendRef"].Required();
        }
        else
        {
            ReadBackendRef(node["backendRef"], routeNamespace, weighted: false);
        }

        return node.AsData();
    }

    private static LocalObjectReference? ReadExtensionRef(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var group = node.String("group");
        var kind = node.String("kind");
        var name = node.String("name");
        RouteSchema.Group(node["group"], group);
        RouteSchema.Kind(node["kind"], kind);
        RouteSchema.ObjectName(node["name"], name);
        if (group is null)
        {
            node["group"].Required();
        }

        if (kind is null)
        {
            node["kind"].Required();
        }

        if (name is null)
        {
            node["name"].Required();
        }

        return group is null || kind is null || name is null ? null : new LocalObjectReference(group, kind, name);
    }
}
