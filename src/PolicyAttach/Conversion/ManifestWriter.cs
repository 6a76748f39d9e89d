using System.Buffers;
using System.Text;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Conversion;

/// <summary>
/// Writes model objects back as Kubernetes manifests (what <c>kubectl apply</c> reads): apiVersion, kind, metadata
/// (name, namespace, labels, annotations; no status, no creationTimestamp) and the spec, with CRD defaults left out
/// where writing them would change nothing. The inverse of <see cref="Manifests.ManifestReader"/> for the kinds
/// converters produce: Gateway, ListenerSet, HTTPRoute, GRPCRoute, ReferenceGrant, GatewayClass, BackendTLSPolicy and
/// policies of any kind (their spec as held). Produces strings only.
/// </summary>
public static class ManifestWriter
{
    /// <summary>Writes one object as compact JSON.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>The manifest.</returns>
    public static string Write(KubeObject obj)
    {
        Guard.NotNull(obj);
        return Json(w => WriteObject(w, obj));
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, EquatableArray<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, string name, StringMap map)
    {
        if (map.Count == 0)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter w, KubeObject obj)
    {
        w.WriteStartObject();
        w.WriteString("apiVersion", obj.ApiVersion);
        w.WriteString("kind", obj.Kind);
        w.WriteStartObject("metadata");
        w.WriteString("name", obj.Name);
        if (obj.Namespace.Length > 0)
        {
            w.WriteString("namespace", obj.Namespace);
        }

        Map(w, "labels", obj.Metadata.Labels);
        Map(w, "annotations", obj.Metadata.Annotations);
        w.WriteEndObject();
        switch (obj)
        {
            case IPolicyObject policy:
                w.WritePropertyName("spec");
                JsonData.WriteCanonical(w, policy.Spec.Element);
                break;
            case GenericObject generic:
                if (generic.Spec is { ValueKind: not JsonValueKind.Null } spec)
                {
                    w.WritePropertyName("spec");
                    JsonData.WriteCanonical(w, spec.Element);
                }

                break;
            default:
                w.WriteStartObject("spec");
                WriteSpec(w, obj);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteSpec(Utf8JsonWriter w, KubeObject obj)
    {
        switch (obj)
        {
            case Gateway gateway:
                w.WriteString("gatewayClassName", gateway.GatewayClassName);
                if (gateway.AllowedListeners.NamespacesFrom != FromNamespaces.None)
                {
                    w.WriteStartObject("allowedListeners");
                    w.WriteStartObject("namespaces");
                    w.WriteString("from", gateway.AllowedListeners.NamespacesFrom);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                WriteListeners(w, gateway.Listeners, gateway.Namespace);
                break;
            case ListenerSet set:
                w.WriteStartObject("parentRef");
                w.WriteString("name", set.ParentRef.Name);
                if (set.ParentRef.Namespace != set.Namespace)
                {
                    w.WriteString("namespace", set.ParentRef.Namespace);
                }

                w.WriteEndObject();
                WriteListeners(w, set.Listeners, set.Namespace);
                break;
            case HttpRoute route:
                WriteRouteHeader(w, route);
                w.WriteStartArray("rules");
                foreach (var rule in route.Rules)
                {
                    WriteHttpRule(w, rule, route.Namespace);
                }

                w.WriteEndArray();
                break;
            case GrpcRoute route:
                WriteRouteHeader(w, route);
                w.WriteStartArray("rules");
                foreach (var rule in route.Rules)
                {
                    WriteGrpcRule(w, rule, route.Namespace);
                }

                w.WriteEndArray();
                break;
            case ReferenceGrant grant:
                WriteGrant(w, grant);
                break;
            case GatewayClass gatewayClass:
                w.WriteString("controllerName", gatewayClass.ControllerName);
                break;
        }
    }

    private static void WriteListeners(Utf8JsonWriter w, EquatableArray<Listener> listeners, string ownNamespace)
    {
        w.WriteStartArray("listeners");
        foreach (var listener in listeners)
        {
            w.WriteStartObject();
            w.WriteString("name", listener.Name);
            Optional(w, "hostname", listener.Hostname);
            w.WriteNumber("port", listener.Port);
            w.WriteString("protocol", listener.Protocol);
            if (listener.Tls is { } tls)
            {
                w.WriteStartObject("tls");
                w.WriteString("mode", tls.Mode);
                w.WriteStartArray("certificateRefs");
                foreach (var cert in tls.CertificateRefs)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", cert.Kind);
                    w.WriteString("name", cert.Name);
                    if (cert.Namespace != ownNamespace)
                    {
                        w.WriteString("namespace", cert.Namespace);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteStartObject("allowedRoutes");
            w.WriteStartObject("namespaces");
            w.WriteString("from", listener.AllowedRoutes.NamespacesFrom);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteRouteHeader(Utf8JsonWriter w, RouteBase route)
    {
        w.WriteStartArray("parentRefs");
        foreach (var parent in route.ParentRefs)
        {
            w.WriteStartObject();
            if (parent.Group != Groups.Gateway)
            {
                w.WriteString("group", parent.Group);
            }

            if (parent.Kind != Kinds.Gateway.Kind)
            {
                w.WriteString("kind", parent.Kind);
            }

            w.WriteString("name", parent.Name);
            // Written whenever the reference says it was set, so that reading the manifest back gives the same reference.
            if (parent.NamespaceSet || parent.Namespace != route.Namespace)
            {
                w.WriteString("namespace", parent.Namespace);
            }

            Optional(w, "sectionName", parent.SectionName);
            if (parent.Port is { } port)
            {
                w.WriteNumber("port", port);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        Strings(w, "hostnames", route.Hostnames);
    }

    private static void WriteHttpRule(Utf8JsonWriter w, HttpRouteRule rule, string routeNamespace)
    {
        w.WriteStartObject();
        Optional(w, "name", rule.Name);
        w.WriteStartArray("matches");
        foreach (var match in rule.Matches)
        {
            w.WriteStartObject();
            w.WriteStartObject("path");
            w.WriteString("type", match.Path.TypeName);
            w.WriteString("value", match.Path.Value);
            w.WriteEndObject();
            WriteHeaderMatches(w, match.Headers);
            if (match.QueryParams.Count > 0)
            {
                w.WriteStartArray("queryParams");
                foreach (var q in match.QueryParams)
                {
                    w.WriteStartObject();
                    w.WriteString("type", q.TypeName);
                    w.WriteString("name", q.Name);
                    w.WriteString("value", q.Value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            Optional(w, "method", match.Method);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteFilters(w, rule.Filters, routeNamespace);
        WriteBackends(w, rule.BackendRefs, routeNamespace);
        if (rule.Timeouts is { } timeouts)
        {
            w.WriteStartObject("timeouts");
            Optional(w, "request", timeouts.Request);
            Optional(w, "backendRequest", timeouts.BackendRequest);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteGrpcRule(Utf8JsonWriter w, GrpcRouteRule rule, string routeNamespace)
    {
        w.WriteStartObject();
        Optional(w, "name", rule.Name);
        if (rule.Matches.Count > 0)
        {
            w.WriteStartArray("matches");
            foreach (var match in rule.Matches)
            {
                w.WriteStartObject();
                if (match.Method is { } method)
                {
                    w.WriteStartObject("method");
                    w.WriteString("type", method.TypeName);
                    Optional(w, "service", method.Service);
                    Optional(w, "method", method.Method);
                    w.WriteEndObject();
                }

                WriteHeaderMatches(w, match.Headers);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        WriteFilters(w, rule.Filters, routeNamespace);
        WriteBackends(w, rule.BackendRefs, routeNamespace);
        w.WriteEndObject();
    }

    private static void WriteHeaderMatches(Utf8JsonWriter w, EquatableArray<HttpHeaderMatch> headers)
    {
        if (headers.Count == 0)
        {
            return;
        }

        w.WriteStartArray("headers");
        foreach (var h in headers)
        {
            w.WriteStartObject();
            w.WriteString("type", h.TypeName);
            w.WriteString("name", h.Name);
            w.WriteString("value", h.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBackends(Utf8JsonWriter w, EquatableArray<RouteBackendRef> backends, string routeNamespace)
    {
        if (backends.Count == 0)
        {
            return;
        }

        w.WriteStartArray("backendRefs");
        foreach (var backend in backends)
        {
            w.WriteStartObject();
            WriteBackendReference(w, backend.BackendRef, routeNamespace);
            if (backend.BackendRef.Weight != 1)
            {
                w.WriteNumber("weight", backend.BackendRef.Weight);
            }

            WriteFilters(w, backend.Filters, routeNamespace);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBackendReference(Utf8JsonWriter w, BackendReference b, string routeNamespace)
    {
        if (b.Group.Length > 0)
        {
            w.WriteString("group", b.Group);
        }

        if (b.Kind != Kinds.Service.Kind)
        {
            w.WriteString("kind", b.Kind);
        }

        w.WriteString("name", b.Name);
        if (b.Namespace != routeNamespace)
        {
            w.WriteString("namespace", b.Namespace);
        }

        if (b.Port is { } port)
        {
            w.WriteNumber("port", port);
        }
    }

    private static void WriteFilters(Utf8JsonWriter w, EquatableArray<RouteFilter> filters, string routeNamespace)
    {
        if (filters.Count == 0)
        {
            return;
        }

        w.WriteStartArray("filters");
        foreach (var filter in filters)
        {
            w.WriteStartObject();
            w.WriteString("type", filter.TypeName);
            switch (filter.Type)
            {
                case RouteFilterType.RequestHeaderModifier when filter.RequestHeaderModifier is { } m:
                    WriteHeaderFilter(w, "requestHeaderModifier", m);
                    break;
                case RouteFilterType.ResponseHeaderModifier when filter.ResponseHeaderModifier is { } m:
                    WriteHeaderFilter(w, "responseHeaderModifier", m);
                    break;
                case RouteFilterType.RequestRedirect when filter.RequestRedirect is { } r:
                    w.WriteStartObject("requestRedirect");
                    Optional(w, "scheme", r.Scheme);
                    Optional(w, "hostname", r.Hostname);
                    WritePathModifier(w, r.Path);
                    if (r.Port is { } port)
                    {
                        w.WriteNumber("port", port);
                    }

                    w.WriteNumber("statusCode", r.StatusCode);
                    w.WriteEndObject();
                    break;
                case RouteFilterType.URLRewrite when filter.UrlRewrite is { } u:
                    w.WriteStartObject("urlRewrite");
                    Optional(w, "hostname", u.Hostname);
                    WritePathModifier(w, u.Path);
                    w.WriteEndObject();
                    break;
                case RouteFilterType.RequestMirror when filter.RequestMirror is { } m:
                    w.WriteStartObject("requestMirror");
                    w.WriteStartObject("backendRef");
                    WriteBackendReference(w, m.BackendRef, routeNamespace);
                    w.WriteEndObject();
                    if (m.Percent is { } percent)
                    {
                        w.WriteNumber("percent", percent);
                    }

                    w.WriteEndObject();
                    break;
                case RouteFilterType.CORS when filter.Cors is { } c:
                    w.WriteStartObject("cors");
                    Strings(w, "allowOrigins", c.AllowOrigins);
                    if (c.AllowCredentials is { } credentials)
                    {
                        w.WriteBoolean("allowCredentials", credentials);
                    }

                    Strings(w, "allowMethods", c.AllowMethods);
                    Strings(w, "allowHeaders", c.AllowHeaders);
                    Strings(w, "exposeHeaders", c.ExposeHeaders);
                    w.WriteNumber("maxAge", c.MaxAge);
                    w.WriteEndObject();
                    break;
                case RouteFilterType.ExtensionRef when filter.ExtensionRef is { } e:
                    w.WriteStartObject("extensionRef");
                    w.WriteString("group", e.Group);
                    w.WriteString("kind", e.Kind);
                    w.WriteString("name", e.Name);
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteHeaderFilter(Utf8JsonWriter w, string name, HttpHeaderFilter m)
    {
        w.WriteStartObject(name);
        WriteHeaders(w, "set", m.Set);
        WriteHeaders(w, "add", m.Add);
        Strings(w, "remove", m.Remove);
        w.WriteEndObject();
    }

    private static void WriteHeaders(Utf8JsonWriter w, string name, EquatableArray<HttpHeader> headers)
    {
        if (headers.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var h in headers)
        {
            w.WriteStartObject();
            w.WriteString("name", h.Name);
            w.WriteString("value", h.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePathModifier(Utf8JsonWriter w, HttpPathModifier? path)
    {
        if (path is null)
        {
            return;
        }

        w.WriteStartObject("path");
        w.WriteString("type", path.TypeName);
        Optional(w, "replaceFullPath", path.ReplaceFullPath);
        Optional(w, "replacePrefixMatch", path.ReplacePrefixMatch);
        w.WriteEndObject();
    }

    private static void WriteGrant(Utf8JsonWriter w, ReferenceGrant grant)
    {
        w.WriteStartArray("from");
        foreach (var from in grant.From)
        {
            w.WriteStartObject();
            w.WriteString("group", from.Group);
            w.WriteString("kind", from.Kind);
            w.WriteString("namespace", from.Namespace);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("to");
        foreach (var to in grant.To)
        {
            w.WriteStartObject();
            w.WriteString("group", to.Group);
            w.WriteString("kind", to.Kind);
            Optional(w, "name", to.Name);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
