using System.Buffers;
using System.Text;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Migration;

/// <summary>
/// Writes model objects as Kubernetes manifests (what <c>kubectl apply</c> reads: no status, no
/// creationTimestamp): GatewayClass, Gateway, HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, Service, ReferenceGrant,
/// and any object kept as JSON (policies). Every field the model holds is written, so that reading the manifest
/// back gives the same object; defaults the CRD applies are left out where reading adds them again.
/// </summary>
public static class ManifestWriter
{
    /// <summary>The manifest of an object as compact JSON.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentException">The kind has no writer (a programmer error).</exception>
    public static string Write(KubeObject obj)
    {
        Guard.NotNull(obj);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", obj.ApiVersion);
            w.WriteString("kind", obj.Kind);
            WriteMetadata(w, obj.Metadata);
            switch (obj)
            {
                case GatewayClass c:
                    w.WriteStartObject("spec");
                    w.WriteString("controllerName", c.ControllerName);
                    w.WriteEndObject();
                    break;
                case Gateway g:
                    WriteGateway(w, g);
                    break;
                case HttpRoute r:
                    WriteHttpRoute(w, r);
                    break;
                case GrpcRoute r:
                    WriteGrpcRoute(w, r);
                    break;
                case BackendOnlyRoute r:
                    WriteBackendOnlyRoute(w, r);
                    break;
                case Service s:
                    WriteService(w, s);
                    break;
                case ReferenceGrant g:
                    WriteGrant(w, g);
                    break;
                case PolicyObject p:
                    w.WritePropertyName("spec");
                    JsonData.WriteCanonical(w, p.Spec.Element);
                    break;
                case BackendTlsPolicy p:
                    w.WritePropertyName("spec");
                    JsonData.WriteCanonical(w, p.Spec.Element);
                    break;
                case GenericObject o when o.Spec is { } spec:
                    w.WritePropertyName("spec");
                    JsonData.WriteCanonical(w, spec.Element);
                    break;
                default:
                    throw new ArgumentException($"no manifest writer for {obj.Kind}", nameof(obj));
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMetadata(Utf8JsonWriter w, ObjectMeta meta)
    {
        w.WriteStartObject("metadata");
        w.WriteString("name", meta.Name);
        if (meta.Namespace.Length > 0)
        {
            w.WriteString("namespace", meta.Namespace);
        }

        WriteMap(w, "labels", meta.Labels);
        WriteMap(w, "annotations", meta.Annotations);
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, StringMap map)
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

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteGateway(Utf8JsonWriter w, Gateway gateway)
    {
        w.WriteStartObject("spec");
        w.WriteString("gatewayClassName", gateway.GatewayClassName);
        w.WriteStartArray("listeners");
        foreach (var listener in gateway.Listeners)
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
                if (tls.CertificateRefs.Count > 0)
                {
                    w.WriteStartArray("certificateRefs");
                    foreach (var cert in tls.CertificateRefs)
                    {
                        w.WriteStartObject();
                        if (cert.Group.Length > 0)
                        {
                            w.WriteString("group", cert.Group);
                        }

                        w.WriteString("kind", cert.Kind);
                        w.WriteString("name", cert.Name);
                        if (cert.Namespace != gateway.Namespace)
                        {
                            w.WriteString("namespace", cert.Namespace);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                WriteMap(w, "options", tls.Options);
                w.WriteEndObject();
            }

            var allowed = listener.AllowedRoutes;
            w.WriteStartObject("allowedRoutes");
            w.WriteStartObject("namespaces");
            w.WriteString("from", allowed.NamespacesFrom);
            if (allowed.Selector is { } selector)
            {
                w.WritePropertyName("selector");
                WriteSelector(w, selector);
            }

            w.WriteEndObject();
            if (allowed.Kinds.Count > 0)
            {
                w.WriteStartArray("kinds");
                foreach (var kind in allowed.Kinds)
                {
                    w.WriteStartObject();
                    w.WriteString("group", kind.Group);
                    w.WriteString("kind", kind.Kind);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSelector(Utf8JsonWriter w, LabelSelector selector)
    {
        w.WriteStartObject();
        WriteMap(w, "matchLabels", selector.MatchLabels);
        if (selector.MatchExpressions.Count > 0)
        {
            w.WriteStartArray("matchExpressions");
            foreach (var e in selector.MatchExpressions)
            {
                w.WriteStartObject();
                w.WriteString("key", e.Key);
                w.WriteString("operator", e.Operator);
                if (e.Values.Count > 0)
                {
                    w.WriteStartArray("values");
                    foreach (var v in e.Values)
                    {
                        w.WriteStringValue(v);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteParents(Utf8JsonWriter w, RouteBase route)
    {
        w.WriteStartArray("parentRefs");
        foreach (var parent in route.ParentRefs)
        {
            w.WriteStartObject();
            if (parent.Group != Groups.Gateway || parent.Kind != "Gateway")
            {
                w.WriteString("group", parent.Group);
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
        if (route.Hostnames.Count > 0)
        {
            w.WriteStartArray("hostnames");
            foreach (var host in route.Hostnames)
            {
                w.WriteStringValue(host);
            }

            w.WriteEndArray();
        }
    }

    private static void WriteBackend(Utf8JsonWriter w, BackendReference b, string routeNamespace, bool writeWeight)
    {
        if (b.Group.Length > 0)
        {
            w.WriteString("group", b.Group);
        }

        if (b.Kind != "Service")
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

        if (writeWeight && b.Weight != 1)
        {
            w.WriteNumber("weight", b.Weight);
        }
    }

    private static void WriteHttpRoute(Utf8JsonWriter w, HttpRoute route)
    {
        w.WriteStartObject("spec");
        WriteParents(w, route);
        w.WriteStartArray("rules");
        foreach (var rule in route.Rules)
        {
            w.WriteStartObject();
            Optional(w, "name", rule.Name);
            w.WriteStartArray("matches");
            foreach (var match in rule.Matches)
            {
                WriteHttpMatch(w, match);
            }

            w.WriteEndArray();
            WriteFilters(w, rule.Filters, route.Namespace);
            WriteRouteBackends(w, rule.BackendRefs, route.Namespace);
            if (rule.Timeouts is { } timeouts)
            {
                w.WriteStartObject("timeouts");
                Optional(w, "request", timeouts.Request);
                Optional(w, "backendRequest", timeouts.BackendRequest);
                w.WriteEndObject();
            }

            if (rule.Retry is { } retry)
            {
                w.WriteStartObject("retry");
                if (retry.Codes.Count > 0)
                {
                    w.WriteStartArray("codes");
                    foreach (var code in retry.Codes)
                    {
                        w.WriteNumberValue(code);
                    }

                    w.WriteEndArray();
                }

                if (retry.Attempts is { } attempts)
                {
                    w.WriteNumber("attempts", attempts);
                }

                Optional(w, "backoff", retry.Backoff);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteHttpMatch(Utf8JsonWriter w, HttpRouteMatch match)
    {
        w.WriteStartObject();
        w.WriteStartObject("path");
        w.WriteString("type", match.Path.TypeName);
        w.WriteString("value", match.Path.Value);
        w.WriteEndObject();
        WriteHeaderMatches(w, "headers", match.Headers);
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

    private static void WriteHeaderMatches(Utf8JsonWriter w, string name, EquatableArray<HttpHeaderMatch> headers)
    {
        if (headers.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
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

    private static void WriteRouteBackends(Utf8JsonWriter w, EquatableArray<RouteBackendRef> backends, string routeNamespace)
    {
        if (backends.Count == 0)
        {
            return;
        }

        w.WriteStartArray("backendRefs");
        foreach (var backend in backends)
        {
            w.WriteStartObject();
            WriteBackend(w, backend.BackendRef, routeNamespace, writeWeight: true);
            WriteFilters(w, backend.Filters, routeNamespace);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteFilters(Utf8JsonWriter w, EquatableArray<RouteFilter> filters, string routeNamespace)
    {
        if (filters.Count == 0)
        {
            return;
        }

        w.WriteStartArray("filters");
        foreach (var f in filters)
        {
            w.WriteStartObject();
            w.WriteString("type", f.TypeName);
            switch (f.Type)
            {
                case RouteFilterType.RequestHeaderModifier when f.RequestHeaderModifier is { } m:
                    WriteHeaderFilter(w, "requestHeaderModifier", m);
                    break;
                case RouteFilterType.ResponseHeaderModifier when f.ResponseHeaderModifier is { } m:
                    WriteHeaderFilter(w, "responseHeaderModifier", m);
                    break;
                case RouteFilterType.RequestMirror when f.RequestMirror is { } m:
                    w.WriteStartObject("requestMirror");
                    w.WriteStartObject("backendRef");
                    WriteBackend(w, m.BackendRef, routeNamespace, writeWeight: false);
                    w.WriteEndObject();
                    if (m.Percent is { } percent)
                    {
                        w.WriteNumber("percent", percent);
                    }

                    if (m.Fraction is { } fraction)
                    {
                        w.WriteStartObject("fraction");
                        w.WriteNumber("numerator", fraction.Numerator);
                        w.WriteNumber("denominator", fraction.Denominator);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                    break;
                case RouteFilterType.RequestRedirect when f.RequestRedirect is { } r:
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
                case RouteFilterType.URLRewrite when f.UrlRewrite is { } r:
                    w.WriteStartObject("urlRewrite");
                    Optional(w, "hostname", r.Hostname);
                    WritePathModifier(w, r.Path);
                    w.WriteEndObject();
                    break;
                case RouteFilterType.CORS when f.Cors is { } c:
                    w.WriteStartObject("cors");
                    WriteStrings(w, "allowOrigins", c.AllowOrigins);
                    if (c.AllowCredentials is { } credentials)
                    {
                        w.WriteBoolean("allowCredentials", credentials);
                    }

                    WriteStrings(w, "allowMethods", c.AllowMethods);
                    WriteStrings(w, "allowHeaders", c.AllowHeaders);
                    WriteStrings(w, "exposeHeaders", c.ExposeHeaders);
                    w.WriteNumber("maxAge", c.MaxAge);
                    w.WriteEndObject();
                    break;
                case RouteFilterType.ExtensionRef when f.ExtensionRef is { } e:
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

    private static void WriteStrings(Utf8JsonWriter w, string name, EquatableArray<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void WriteHeaderFilter(Utf8JsonWriter w, string name, HttpHeaderFilter m)
    {
        w.WriteStartObject(name);
        WriteHeaders(w, "set", m.Set);
        WriteHeaders(w, "add", m.Add);
        WriteStrings(w, "remove", m.Remove);
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

    private static void WriteGrpcRoute(Utf8JsonWriter w, GrpcRoute route)
    {
        w.WriteStartObject("spec");
        WriteParents(w, route);
        w.WriteStartArray("rules");
        foreach (var rule in route.Rules)
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

                    WriteHeaderMatches(w, "headers", match.Headers);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            WriteFilters(w, rule.Filters, route.Namespace);
            WriteRouteBackends(w, rule.BackendRefs, route.Namespace);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBackendOnlyRoute(Utf8JsonWriter w, BackendOnlyRoute route)
    {
        w.WriteStartObject("spec");
        WriteParents(w, route);
        w.WriteStartArray("rules");
        foreach (var rule in route.Rules)
        {
            w.WriteStartObject();
            Optional(w, "name", rule.Name);
            w.WriteStartArray("backendRefs");
            foreach (var b in rule.BackendRefs)
            {
                w.WriteStartObject();
                WriteBackend(w, b, route.Namespace, writeWeight: true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter w, Service service)
    {
        w.WriteStartObject("spec");
        if (service.Type != "ClusterIP")
        {
            w.WriteString("type", service.Type);
        }

        WriteMap(w, "selector", service.Selector);
        w.WriteStartArray("ports");
        foreach (var port in service.Ports)
        {
            w.WriteStartObject();
            Optional(w, "name", port.Name);
            w.WriteNumber("port", port.Port);
            if (port.Protocol != "TCP")
            {
                w.WriteString("protocol", port.Protocol);
            }

            Optional(w, "appProtocol", port.AppProtocol);
            if (port.TargetPort is { } target)
            {
                if (int.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    w.WriteNumber("targetPort", number);
                }
                else
                {
                    w.WriteString("targetPort", target);
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGrant(Utf8JsonWriter w, ReferenceGrant grant)
    {
        w.WriteStartObject("spec");
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
        w.WriteEndObject();
    }
}
