using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Cli.Matching;

/// <summary>
/// The JSON line of one answer, with the field names of the CLI contract: <c>id</c>, <c>outcome</c>,
/// <c>statusCode</c>, <c>grpcStatus</c>, <c>listener</c>, <c>route</c>, <c>rule</c>, <c>backends</c>,
/// <c>request</c>, <c>responseHeaders</c>, <c>redirect</c>, <c>mirrors</c>, <c>policies</c>; an unanswered request is
/// <c>{"id":…,"outcome":"error","error":"…"}</c>.
/// </summary>
internal static class MatchJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>Writes one answer as a single JSON line (no newline).</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>The line.</returns>
    public static string Write(MatchAnswer answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (answer.IdJson is { } id)
            {
                w.WriteRawValue(id);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteString("outcome", answer.Outcome);
            if (answer.Error is { } error)
            {
                w.WriteString("error", error);
                w.WriteEndObject();
            }
            else
            {
                WriteOutcome(w, answer);
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteOutcome(Utf8JsonWriter w, MatchAnswer a)
    {
        WriteNumber(w, "statusCode", a.StatusCode);
        WriteNumber(w, "grpcStatus", a.GrpcStatus);
        w.WritePropertyName("listener");
        if (a.Listener is { } listener)
        {
            w.WriteStartObject();
            w.WriteString("kind", listener.Owner.Kind);
            w.WriteString("namespace", listener.Owner.Namespace);
            w.WriteString("name", listener.Owner.Name);
            w.WriteString("sectionName", listener.Name);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WritePropertyName("route");
        if (a.Route is { } route)
        {
            var key = a.RouteKey ?? route.Key;
            w.WriteStartObject();
            w.WriteString("group", key.Group);
            w.WriteString("kind", key.Kind);
            w.WriteString("namespace", key.Namespace);
            w.WriteString("name", key.Name);
            w.WriteEndObject();
            w.WritePropertyName("rule");
            w.WriteStartObject();
            w.WriteNumber("index", a.RuleIndex);
            w.WriteString("name", a.RuleName);
            if (a.IngressMatch is { } ingress)
            {
                w.WriteNumber("path", ingress.PathIndex);
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
            w.WriteNull("rule");
        }

        w.WriteStartArray("backends");
        foreach (var b in a.Backends)
        {
            w.WriteStartObject();
            WriteRef(w, b.Ref);
            w.WriteNumber("weight", b.Weight);
            w.WriteBoolean("valid", b.Valid);
            if (b.Reason is { } reason)
            {
                w.WriteString("reason", reason);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (a.ChosenBackend >= 0)
        {
            w.WriteNumber("chosenBackend", a.ChosenBackend);
        }

        w.WritePropertyName("request");
        if (a.Forwarded is { } f)
        {
            w.WriteStartObject();
            w.WriteString("method", f.Method);
            w.WriteString("host", f.Host);
            w.WriteString("path", f.Path);
            w.WriteStartArray("headers");
            foreach (var h in f.Headers)
            {
                WritePair(w, h.Name, h.Value);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteStartObject("responseHeaders");
        WriteHeaders(w, "set", a.ResponseSet);
        WriteHeaders(w, "add", a.ResponseAdd);
        w.WriteStartArray("remove");
        foreach (var name in a.ResponseRemove)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WritePropertyName("redirect");
        if (a.Redirect is { } redirect)
        {
            w.WriteStartObject();
            w.WriteNumber("statusCode", redirect.StatusCode);
            w.WriteString("location", redirect.Location);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteStartArray("mirrors");
        foreach (var m in a.Mirrors)
        {
            w.WriteStartObject();
            WriteRef(w, m.Ref);
            w.WriteNumber("percent", m.Percent);
            w.WriteBoolean("valid", m.Valid);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("policies");
        foreach (var policy in a.Policies.Kinds)
        {
            w.WritePropertyName(policy.Kind.Group + "/" + policy.Kind.Kind);
            policy.Document.Element.WriteTo(w);
        }

        w.WriteEndObject();
        if (a.MeshDefault)
        {
            w.WriteBoolean("meshDefault", true);
        }

        w.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter w, BackendReference r)
    {
        w.WriteString("group", r.Group);
        w.WriteString("kind", r.Kind);
        w.WriteString("namespace", r.Namespace);
        w.WriteString("name", r.Name);
        WriteNumber(w, "port", r.Port);
    }

    private static void WriteHeaders(Utf8JsonWriter w, string name, IReadOnlyList<HttpHeader> headers)
    {
        w.WriteStartArray(name);
        foreach (var h in headers)
        {
            WritePair(w, h.Name, h.Value);
        }

        w.WriteEndArray();
    }

    private static void WritePair(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartArray();
        w.WriteStringValue(name);
        w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
