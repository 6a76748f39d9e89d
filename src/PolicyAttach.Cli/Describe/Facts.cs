using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Describe;

/// <summary>Facts derived from an evaluation that describe, graph and diff share: grants used, rule summaries, policy levels.</summary>
internal static class Facts
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The ReferenceGrants that permit a cross-namespace reference, sorted by name; empty for a same-namespace one.</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="from">The referring object.</param>
    /// <param name="to">The referent.</param>
    /// <returns>The grants.</returns>
    public static List<ResourceKey> GrantsFor(Snapshot snapshot, ResourceKey from, ResourceKey to)
    {
        if (from.Namespace == to.Namespace)
        {
            return [];
        }

        return [.. snapshot.ReferenceGrants
            .Where(g => g.Namespace == to.Namespace
                && g.From.Any(f => f.Group == from.Group && f.Kind == from.Kind && f.Namespace == from.Namespace)
                && g.To.Any(t => t.Group == to.Group && t.Kind == to.Kind && (t.Name is null || t.Name == to.Name)))
            .Select(g => g.Key)
            .Order()];
    }

    /// <summary>
    /// What a rule matches, in one line: <c>PathPrefix /bar, header x=y</c> per match, matches joined by <c> | </c>;
    /// <c>any request</c> for a rule without matches.
    /// </summary>
    /// <param name="route">The route.</param>
    /// <param name="index">The rule position.</param>
    /// <returns>The summary.</returns>
    public static string RuleMatches(RouteBase route, int index)
    {
        List<string> matches = route switch
        {
            HttpRoute http => [.. http.Rules[index].Matches.Select(Http)],
            GrpcRoute grpc => [.. grpc.Rules[index].Matches.Select(Grpc)],
            _ => [],
        };
        return matches.Count == 0 ? "any request" : string.Join(" | ", matches);
    }

    private static string Http(HttpRouteMatch match)
    {
        var parts = new List<string> { match.Path.TypeName + " " + match.Path.Value };
        if (match.Method is { } method)
        {
            parts.Insert(0, method);
        }

        parts.AddRange(match.Headers.Select(h => "header " + h.Name + (h.Type == StringMatchType.Exact ? "=" : "~") + h.Value));
        parts.AddRange(match.QueryParams.Select(q => "query " + q.Name + (q.Type == StringMatchType.Exact ? "=" : "~") + q.Value));
        return string.Join(", ", parts);
    }

    private static string Grpc(GrpcRouteMatch match)
    {
        var parts = new List<string>();
        if (match.Method is { } method)
        {
            parts.Add("method " + (method.Service ?? "*") + "/" + (method.Method ?? "*") + (method.Type == GrpcMethodMatchType.Exact ? string.Empty : " (" + method.TypeName + ")"));
        }

        parts.AddRange(match.Headers.Select(h => "header " + h.Name + (h.Type == StringMatchType.Exact ? "=" : "~") + h.Value));
        return parts.Count == 0 ? "any method" : string.Join(", ", parts);
    }

    /// <summary>
    /// The levels at which a policy acts in an effective policy: the levels of the fields it supplied or lost; when it
    /// supplied none, the levels its targets name.
    /// </summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="effective">The effective policy.</param>
    /// <param name="policy">One of its policies.</param>
    /// <returns>The level names, in level order.</returns>
    public static List<string> Levels(Snapshot snapshot, EffectivePolicy effective, ResourceKey policy)
    {
        var levels = effective.Fields.SelectMany(f => f.Overrode.Prepend(f.Source)).Where(s => s.Policy == policy).Select(s => s.Level).ToHashSet();
        if (levels.Count == 0 && snapshot.Find(policy) is IPolicyObject found)
        {
            levels.UnionWith(found.TargetRefs.Select(t => TargetLevel(t.Kind, t.SectionName)));
        }

        return [.. levels.Order().Select(l => l.ToString())];
    }

    /// <summary>The level a policy target names.</summary>
    /// <param name="kind">The target kind.</param>
    /// <param name="sectionName">The target's sectionName.</param>
    /// <returns>The level.</returns>
    public static PolicyLevel TargetLevel(string kind, string? sectionName) => kind switch
    {
        "GatewayClass" => PolicyLevel.GatewayClass,
        "Namespace" => PolicyLevel.RouteNamespace, // the standard Inherited kinds declare all three namespace levels; routes are the common case
        "Gateway" => sectionName is null ? PolicyLevel.Gateway : PolicyLevel.Listener,
        "ListenerSet" or "XListenerSet" => sectionName is null ? PolicyLevel.ListenerSet : PolicyLevel.Listener,
        "Service" => sectionName is null ? PolicyLevel.Service : PolicyLevel.ServicePort,
        _ => sectionName is null ? PolicyLevel.Route : PolicyLevel.Rule,
    };

    /// <summary>The stanzas a policy writes: <c>default</c>, <c>override</c>, both, or none (a direct policy).</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The stanza names.</returns>
    public static List<string> Stanzas(IPolicyObject policy)
    {
        var stanzas = new List<string>();
        if (policy is PolicyObject p)
        {
            if (p.Default is not null)
            {
                stanzas.Add("default");
            }

            if (p.Override is not null)
            {
                stanzas.Add("override");
            }
        }

        return stanzas;
    }

    /// <summary>A JSON value on one line.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Compact JSON.</returns>
    public static string Json(JsonElement value) => JsonSerializer.Serialize(value, Compact);

    /// <summary><c>Kind ns/name</c> (or <c>Kind name</c> when cluster-scoped).</summary>
    /// <param name="key">The object.</param>
    /// <returns>The text.</returns>
    public static string Name(ResourceKey key) => key.Namespace.Length == 0 ? key.Kind + " " + key.Name : key.Kind + " " + key.Namespace + "/" + key.Name;

    /// <summary><c>ns/name</c>, or <c>name</c> when cluster-scoped.</summary>
    /// <param name="key">The object.</param>
    /// <returns>The text.</returns>
    public static string ShortName(ResourceKey key) => key.Namespace.Length == 0 ? key.Name : key.Namespace + "/" + key.Name;

    /// <summary>A number in invariant culture.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The text.</returns>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
