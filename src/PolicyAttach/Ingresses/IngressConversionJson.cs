using System.Buffers;
using System.Text;
using System.Text.Json;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Ingresses;

/// <summary>
/// The JSON of a conversion: each converted object as a Kubernetes manifest (what <c>kubectl apply</c> reads; no
/// status, no creationTimestamp), and the report. Produces strings only; writing them is the caller's business.
/// </summary>
public static class IngressConversionJson
{
    /// <summary>One manifest per object to apply, in <see cref="IngressConversion.Objects"/> order.</summary>
    /// <param name="conversion">The conversion.</param>
    /// <returns>Compact JSON objects.</returns>
    public static IReadOnlyList<string> Manifests(IngressConversion conversion)
        => Guard.NotNull(conversion).Objects.Select(o => Write(w => WriteObject(w, o))).ToList();

    /// <summary>The report as a JSON array of issues (<c>kind</c>, <c>subject</c>, <c>field</c>, <c>host</c>, <c>affectsRouting</c>, <c>message</c>).</summary>
    /// <param name="report">The report.</param>
    /// <returns>Compact JSON.</returns>
    public static string Report(ConversionReport report)
        => Write(w =>
        {
            w.WriteStartArray();
            foreach (var issue in Guard.NotNull(report).Issues)
            {
                w.WriteStartObject();
                w.WriteString("kind", issue.Kind.ToString());
                if (issue.Subject is { } s)
                {
                    w.WriteString("subject", $"{s.Kind}/{(s.Namespace.Length == 0 ? string.Empty : s.Namespace + "/")}{s.Name}");
                }

                Optional(w, "field", issue.Field);
                Optional(w, "host", issue.Host);
                w.WriteBoolean("affectsRouting", issue.AffectsRouting);
                w.WriteString("message", issue.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    /// <summary>The whole conversion as one JSON object: <c>{"objects":[...],"report":[...]}</c>.</summary>
    /// <param name="conversion">The conversion.</param>
    /// <returns>Compact JSON.</returns>
    public static string Document(IngressConversion conversion)
    {
        Guard.NotNull(conversion);
        var text = new StringBuilder("{\"objects\":[");
        text.AppendJoin(',', Manifests(conversion));
        text.Append("],\"report\":").Append(Report(conversion.Report)).Append('}');
        return text.ToString();
    }

    private static string Write(Action<Utf8JsonWriter> body)
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

        w.WriteEndObject();
        w.WriteStartObject("spec");
        switch (obj)
        {
            case Gateway gateway:
                WriteGateway(w, gateway);
                break;
            case HttpRoute route:
                WriteRoute(w, route);
                break;
            case ReferenceGrant grant:
                WriteGrant(w, grant);
                break;
            case GatewayClass gatewayClass:
                w.WriteString("controllerName", gatewayClass.ControllerName);
                break;
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteGateway(Utf8JsonWriter w, Gateway gateway)
    {
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
                w.WriteStartArray("certificateRefs");
                foreach (var cert in tls.CertificateRefs)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", cert.Kind);
                    w.WriteString("name", cert.Name);
                    if (cert.Namespace != gateway.Namespace)
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

    private static void WriteRoute(Utf8JsonWriter w, HttpRoute route)
    {
        w.WriteStartArray("parentRefs");
        foreach (var parent in route.ParentRefs)
        {
            w.WriteStartObject();
            w.WriteString("name", parent.Name);
            // Written whenever the reference says it was set, so that reading the manifest back gives the same reference.
            if (parent.NamespaceSet || parent.Namespace != route.Namespace)
            {
                w.WriteString("namespace", parent.Namespace);
            }

            Optional(w, "sectionName", parent.SectionName);
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

        w.WriteStartArray("rules");
        foreach (var rule in route.Rules)
        {
            w.WriteStartObject();
            w.WriteStartArray("matches");
            foreach (var match in rule.Matches)
            {
                w.WriteStartObject();
                w.WriteStartObject("path");
                w.WriteString("type", match.Path.TypeName);
                w.WriteString("value", match.Path.Value);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("backendRefs");
            foreach (var backend in rule.BackendRefs)
            {
                var b = backend.BackendRef;
                w.WriteStartObject();
                if (b.Group.Length > 0)
                {
                    w.WriteString("group", b.Group);
                }

                if (b.Kind != "Service")
                {
                    w.WriteString("kind", b.Kind);
                }

                w.WriteString("name", b.Name);
                if (b.Port is { } port)
                {
                    w.WriteNumber("port", port);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
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
