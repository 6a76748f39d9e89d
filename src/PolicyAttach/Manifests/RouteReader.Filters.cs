using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Manifests;

/// <summary>Filters of HTTP and gRPC rules and backendRefs: header modifiers, redirects, rewrites, mirrors, CORS, external auth and extension references.</summary>
internal static partial class RouteReader
{
    private static RouteBackendRef? ReadRouteBackendRef(Node node, string routeNamespace, RouteFlavor flavor)
    {
        var reference = ReadBackendRef(node, routeNamespace, weighted: true);
        var filters = node.IsObject(report: false) ? ReadFilters(node["filters"], routeNamespace, flavor) : [];
        return reference is null ? null : filters.Count == 0 ? RecentReferences.Unfiltered(reference) : new RouteBackendRef { BackendRef = reference, Filters = filters };
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
        if (!list.Exists)
        {
            return [];
        }

        var filters = ReadFilterItems(list, routeNamespace, flavor);
        var count = list.Kind == System.Text.Json.JsonValueKind.Array ? list.ItemCount : 0;
        RouteSchema.MaxItems(list, count, MaxFilters);

        // CEL compares the type strings as written. No filter (the common case) has nothing to check.
        if (filters.IsEmpty)
        {
            return filters;
        }

        int Count(string type) => CountOfType(filters.AsSpan(), type);
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

    /// <summary>The filters of a list; apart from <see cref="ReadFilters"/> so that its closure is made only for a list that exists.</summary>
    private static EquatableArray<RouteFilter> ReadFilterItems(Node list, string routeNamespace, RouteFlavor flavor)
        => list.AsList((routeNamespace, flavor), static (n, state) => ReadFilter(n, state.routeNamespace, state.flavor));

    private static int CountOfType(ReadOnlySpan<RouteFilter> filters, string type)
    {
        var count = 0;
        foreach (var filter in filters)
        {
            if (string.Equals(filter.TypeName, type, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
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

        var count = list.Kind == System.Text.Json.JsonValueKind.Array ? list.ItemCount : 0;
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
            if (item.Kind == System.Text.Json.JsonValueKind.String && !RouteSchema.IsCorsOrigin(item.StringValue!))
            {
                item.Error(DiagnosticCodes.SchemaViolation, $"\"{item.StringValue}\" is not a valid origin: write \"*\" or scheme://host[:port] with scheme http or https, such as \"https://*.example.com\".");
            }
        }

        var methods = WildcardSet(node, "allowMethods", 9, "AllowMethods cannot contain '*' alongside other methods", "method");
        foreach (var item in node.Items("allowMethods"))
        {
            if (item.Kind == System.Text.Json.JsonValueKind.String && item.StringValue is { } m && m != "*" && !HttpMethods.Contains(m, StringComparer.Ordinal))
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
            RouteSchema.HeaderName(item, item.Kind == System.Text.Json.JsonValueKind.String ? item.StringValue : null);
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
