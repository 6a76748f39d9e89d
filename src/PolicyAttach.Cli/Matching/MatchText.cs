using System.Globalization;
using System.Text;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Matching;

/// <summary>The readable form of an answer: the listener, route, rule, backends with weights, filter effects and policies.</summary>
internal static class MatchText
{
    /// <summary>Writes one answer as text.</summary>
    /// <param name="answer">The answer.</param>
    /// <returns>Lines ending with a newline.</returns>
    public static string Write(MatchAnswer answer)
    {
        var t = new StringBuilder();
        if (answer.Request is { } r)
        {
            var target = r.Target == MatchTarget.Service && r.ClientNamespace is { } client ? $"{r.TargetText()} from namespace {client}" : r.TargetText();
            var what = r.IsStream
                ? $"{MatchRequest.ProtocolName(r.Protocol)} connection{(r.Sni is null ? string.Empty : " sni " + r.Sni)}"
                : $"{MatchRequest.ProtocolName(r.Protocol)} {r.Method} {r.Host}{r.Path}{(r.Sni is null ? string.Empty : " (sni " + r.Sni + ")")}";
            Line(t, "Request", $"{what} to {target} port {r.Port}");
        }
        else if (answer.IdJson is { } id)
        {
            Line(t, "Request", "id " + id);
        }

        if (answer.Error is { } error)
        {
            Line(t, "Error", error);
            return t.ToString();
        }

        var status = answer.StatusCode is { } code ? " " + code.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var grpc = answer.GrpcStatus is { } g ? $" (gRPC {GrpcName(g)})" : string.Empty;
        Line(t, "Outcome", answer.Outcome + status + grpc);
        Line(t, "Listener", answer.Listener is { } l ? $"{l.Owner.Kind} {l.Owner.Namespace}/{l.Owner.Name} listener {l.Name} (port {l.Listener.Port}, {l.Listener.Protocol}{(l.Listener.Hostname is { } hostname ? ", hostname " + hostname : string.Empty)})" : answer.MeshDefault ? "none (mesh: no route binds to this Service port; the Service itself serves)" : "none");
        if (answer.IngressMatch is { } ingress)
        {
            Line(t, "Route", $"Ingress {ingress.Ingress.Namespace}/{ingress.Ingress.Name}");
            Line(t, "Rule", ingress.IsDefaultBackend
                ? "spec.defaultBackend"
                : string.Create(CultureInfo.InvariantCulture, $"{ingress.RuleIndex} path {ingress.PathIndex} (host {ingress.Host ?? "*"}, {ingress.Path?.PathType} {ingress.Path?.Path})"));
        }
        else if (answer.Route is { } route)
        {
            Line(t, "Route", $"{route.Key.Kind} {route.Namespace}/{route.Name}");
            Line(t, "Rule", answer.RuleIndex.ToString(CultureInfo.InvariantCulture) + (answer.RuleName is { } n ? $" ({n})" : string.Empty));
        }
        else if (!answer.MeshDefault)
        {
            Line(t, "Route", "none");
        }

        if (answer.Backends.Count > 0)
        {
            var total = answer.Backends.Sum(b => (long)b.Weight);
            t.Append("Backends:\n");
            for (var i = 0; i < answer.Backends.Count; i++)
            {
                var b = answer.Backends[i];
                var share = total > 0 ? string.Create(CultureInfo.InvariantCulture, $", {100.0 * b.Weight / total:0.#}%") : string.Empty;
                var port = b.Ref.Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
                var kind = b.Ref.Group.Length == 0 && b.Ref.Kind == "Service" ? string.Empty : new GroupKind(b.Ref.Group, b.Ref.Kind) + " ";
                t.Append("  ").Append(kind).Append(b.Ref.Namespace).Append('/').Append(b.Ref.Name).Append(port)
                    .Append(" weight ").Append(b.Weight.ToString(CultureInfo.InvariantCulture)).Append(share)
                    .Append(b.Valid ? string.Empty : " invalid" + (b.Reason is { } reason ? $" ({reason})" : string.Empty))
                    .Append(i == answer.ChosenBackend && answer.Backends.Count > 1 ? " (shown below)" : string.Empty)
                    .Append('\n');
            }
        }

        if (answer.Redirect is { } redirect)
        {
            Line(t, "Redirect", $"{redirect.StatusCode.ToString(CultureInfo.InvariantCulture)} Location: {redirect.Location}");
        }

        if (answer.Forwarded is { } f && answer.Request is { IsStream: false } req)
        {
            var changed = f.Host != req.Host || f.Path != req.Path || !f.Headers.SequenceEqual(req.Headers);
            Line(t, "Forwarded", changed ? $"{f.Method} {f.Host}{f.Path}" : $"{f.Method} {f.Host}{f.Path} (unchanged)");
            if (changed)
            {
                foreach (var h in f.Headers)
                {
                    t.Append("  ").Append(h.Name).Append(": ").Append(h.Value).Append('\n');
                }
            }
        }

        if (answer.ResponseSet.Count + answer.ResponseAdd.Count + answer.ResponseRemove.Count > 0)
        {
            t.Append("Response headers:\n");
            foreach (var h in answer.ResponseSet)
            {
                t.Append("  set ").Append(h.Name).Append(": ").Append(h.Value).Append('\n');
            }

            foreach (var h in answer.ResponseAdd)
            {
                t.Append("  add ").Append(h.Name).Append(": ").Append(h.Value).Append('\n');
            }

            foreach (var name in answer.ResponseRemove)
            {
                t.Append("  remove ").Append(name).Append('\n');
            }
        }

        foreach (var m in answer.Mirrors)
        {
            Line(t, "Mirror", string.Create(CultureInfo.InvariantCulture, $"{m.Ref.Namespace}/{m.Ref.Name}{(m.Ref.Port is { } p ? ":" + p : string.Empty)} {m.Percent:0.##}%{(m.Valid ? string.Empty : " invalid")}"));
        }

        if (answer.Policies.Kinds.IsEmpty)
        {
            Line(t, "Policies", "none");
        }
        else
        {
            t.Append("Policies:\n");
            foreach (var policy in answer.Policies.Kinds)
            {
                t.Append("  ").Append(policy.Kind.ToString()).Append(" from ").Append(string.Join(", ", policy.Policies.Select(p => $"{p.Namespace}/{p.Name}")))
                    .Append(": ").Append(policy.Document.ToCanonicalString()).Append('\n');
            }
        }

        return t.ToString();
    }

    private static void Line(StringBuilder t, string label, string value) => t.Append(label).Append(": ").Append(value).Append('\n');

    private static string GrpcName(int code) => code switch
    {
        0 => "OK",
        12 => "Unimplemented",
        14 => "Unavailable",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };
}
