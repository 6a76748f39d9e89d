using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Manifests;

/// <summary>GRPCRoute rules: method and header matches.</summary>
internal static partial class RouteReader
{
    private static GrpcRouteRule? ReadGrpcRule(Node node, string routeNamespace)
    {
        if (!node.IsObject())
        {
            return null;
        }

        RuleName(node, out var name);
        var matchesNode = node["matches"];
        var matches = matchesNode.AsList(ReadGrpcMatch);
        RouteSchema.MaxItems(matchesNode, node.Count("matches"), MaxMatches);
        var filters = ReadFilters(node["filters"], routeNamespace, RouteFlavor.Grpc);
        var backendsNode = node["backendRefs"];
        var backends = RecentLists<RouteBackendRef>.Of(backendsNode.AsList(routeNamespace, static (n, ns) => ReadRouteBackendRef(n, ns, RouteFlavor.Grpc)));
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
        var headers = headersNode.AsList(n => ReadHeaderMatch(n, 4096));
        RouteSchema.MaxItems(headersNode, node.Count("headers"), MaxHeaderMatches);
        if (headers.Count > 1)
        {
            RouteSchema.Unique(headersNode, headers.Select(h => h.Name), "header name");
        }
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
        if (type == GrpcMethodMatchType.RegularExpression)
        {
            RouteSchema.Regex(node["service"], service);
            RouteSchema.Regex(node["method"], method);
        }


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
}
