using System.Globalization;
using System.Text.Json;

namespace PolicyAttach.Examples.SimpleRouter;

/// <summary>What the router did with a request.</summary>
public enum Outcome
{
    /// <summary>No listener or no rule took the request (404).</summary>
    NotRouted,

    /// <summary>A rule took the request and forwards it to backends.</summary>
    Routed,

    /// <summary>A rule took the request but has no backend to send it to (500).</summary>
    NoBackend,
}

/// <summary>A backend Service port.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Port">The port.</param>
public sealed record Backend(string Namespace, string Name, int Port);

/// <summary>The router's decision for one request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="RouteNamespace">The HTTPRoute's namespace, when a rule took the request.</param>
/// <param name="RouteName">The HTTPRoute's name, when a rule took the request.</param>
/// <param name="RuleIndex">The rule's position, or -1.</param>
/// <param name="Backends">The backends the request may go to.</param>
public sealed record Decision(Outcome Outcome, string? RouteNamespace, string? RouteName, int RuleIndex, IReadOnlyList<Backend> Backends)
{
    /// <summary>The decision for a request nothing took.</summary>
    public static Decision NotFound { get; } = new(Outcome.NotRouted, null, null, -1, []);
}

/// <summary>
/// A deliberately small HTTP router, the "implementation under test" of docs/testing.md: it reads Gateways, HTTPRoutes
/// and Services as a controller receives them from the API server (JSON), and routes plain HTTP requests by listener
/// port, hostname and path (Exact and PathPrefix matches), with the Gateway API's precedence rules. It has one
/// planted bug: <see cref="PrefixMatches"/> compares characters, so the prefix <c>/a</c> also takes <c>/ab</c>.
/// <see cref="FixedRouter"/> compares whole path segments, as the spec says.
/// </summary>
public class SimpleRouter
{
    private readonly string _controllerName;
    private readonly Dictionary<string, string> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Name), Gateway> _gateways = [];
    private readonly Dictionary<(string Namespace, string Name), HashSet<int>> _services = [];
    private readonly List<Route> _routes = [];

    /// <summary>Reads the objects.</summary>
    /// <param name="manifests">Objects as JSON, as the API server returns them.</param>
    /// <param name="controllerName">The GatewayClass controllerName this router acts for.</param>
    protected SimpleRouter(IEnumerable<string> manifests, string controllerName)
    {
        _controllerName = controllerName;
        foreach (var manifest in manifests)
        {
            using var document = JsonDocument.Parse(manifest);
            Read(document.RootElement);
        }
    }

    /// <summary>A router for the objects.</summary>
    /// <param name="manifests">Objects as JSON, as the API server returns them.</param>
    /// <param name="controllerName">The GatewayClass controllerName this router acts for.</param>
    /// <returns>The router.</returns>
    public static SimpleRouter Load(IEnumerable<string> manifests, string controllerName) => new(manifests, controllerName);

    /// <summary>Routes a plain HTTP request sent to a Gateway.</summary>
    /// <param name="gatewayNamespace">The Gateway's namespace.</param>
    /// <param name="gatewayName">The Gateway's name.</param>
    /// <param name="port">The port the request arrives on.</param>
    /// <param name="host">The Host header (may carry a port).</param>
    /// <param name="pathAndQuery">The path, with an optional query.</param>
    /// <returns>The decision.</returns>
    public Decision Decide(string gatewayNamespace, string gatewayName, int port, string host, string pathAndQuery)
    {
        if (!_gateways.TryGetValue((gatewayNamespace, gatewayName), out var gateway)
            || !_classes.TryGetValue(gateway.ClassName, out var controller) || controller != _controllerName)
        {
            return Decision.NotFound;
        }

        host = StripPort(host).ToLowerInvariant();
        var path = pathAndQuery.Split('?')[0];

        // The listener: an exact hostname, else the longest wildcard that covers the host, else one without hostname.
        var listeners = gateway.Listeners.Where(l => l.Protocol == "HTTP" && l.Port == port).ToList();
        var listener = listeners.FirstOrDefault(l => l.Hostname == host)
            ?? listeners.Where(l => l.Hostname is { } h && h.StartsWith("*.", StringComparison.Ordinal) && Covers(h, host)).OrderByDescending(l => l.Hostname!.Length).FirstOrDefault()
            ?? listeners.FirstOrDefault(l => l.Hostname is null);
        if (listener is null)
        {
            return Decision.NotFound;
        }

        var candidates = new List<Candidate>();
        foreach (var route in _routes.Where(r => r.ParentRefs.Any(p => p.Namespace == gatewayNamespace && p.Name == gatewayName
                     && (p.SectionName is null || p.SectionName == listener.Name) && (p.Port is null || p.Port == listener.Port))))
        {
            if (BestHostname(route, listener, host) is not { } hostname)
            {
                continue;
            }

            for (var r = 0; r < route.Rules.Count; r++)
            {
                for (var m = 0; m < route.Rules[r].Matches.Count; m++)
                {
                    var match = route.Rules[r].Matches[m];
                    var matches = match.Type == "Exact" ? path == match.Value : PrefixMatches(match.Value, path);
                    if (matches)
                    {
                        candidates.Add(new Candidate(route, r, m, hostname, match));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            return Decision.NotFound;
        }

        // Precedence: the most specific hostname, Exact before PathPrefix, the longest prefix, the oldest route, then
        // namespace/name, rule and match order.
        var winner = candidates
            .OrderByDescending(c => c.Hostname.StartsWith('*') ? 0 : c.Hostname.Length)
            .ThenByDescending(c => c.Hostname == "*" ? 0 : c.Hostname.Length)
            .ThenBy(c => c.Match.Type == "Exact" ? 0 : 1)
            .ThenByDescending(c => c.Match.Type == "Exact" ? 0 : c.Match.Value.Length)
            .ThenBy(c => c.Route.Created)
            .ThenBy(c => c.Route.Namespace + "/" + c.Route.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Rule)
            .ThenBy(c => c.MatchIndex)
            .First();
        var backends = winner.Route.Rules[winner.Rule].Backends
            .Where(b => b.Weight > 0 && _services.TryGetValue((b.Namespace, b.Name), out var ports) && ports.Contains(b.Port))
            .Select(b => new Backend(b.Namespace, b.Name, b.Port))
            .Distinct()
            .ToList();
        return new Decision(backends.Count == 0 ? Outcome.NoBackend : Outcome.Routed, winner.Route.Namespace, winner.Route.Name, winner.Rule, backends);
    }

    /// <summary>Whether a PathPrefix match takes a path.</summary>
    /// <param name="prefix">The match's value.</param>
    /// <param name="path">The request path.</param>
    /// <returns>Whether it matches.</returns>
    protected virtual bool PrefixMatches(string prefix, string path)
        => path.StartsWith(prefix.TrimEnd('/'), StringComparison.Ordinal); // The planted bug: characters, not path segments.

    /// <summary>The route's most specific hostname that the listener serves and that covers the host, "*" when it has none, or null.</summary>
    private static string? BestHostname(Route route, Listener listener, string host)
    {
        if (route.Hostnames.Count == 0)
        {
            return listener.Hostname is null || Covers(listener.Hostname, host) ? (listener.Hostname ?? "*") : null;
        }

        return route.Hostnames
            .Where(h => Covers(h, host) && (listener.Hostname is null || Covers(listener.Hostname, host)))
            .OrderByDescending(h => h.StartsWith('*') ? 0 : h.Length)
            .ThenByDescending(h => h.Length)
            .FirstOrDefault();
    }

    /// <summary>Whether a hostname (exact, or <c>*.</c> and one or more labels) covers a host.</summary>
    private static bool Covers(string hostname, string host)
        => hostname.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(hostname[1..], StringComparison.Ordinal) && host.Length > hostname.Length - 1 : hostname == host;

    private static string StripPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host[(colon + 1)..].All(char.IsAsciiDigit) ? host[..colon] : host;
    }

    private void Read(JsonElement obj)
    {
        var kind = obj.GetProperty("kind").GetString();
        var metadata = obj.GetProperty("metadata");
        var name = metadata.GetProperty("name").GetString()!;
        var ns = metadata.TryGetProperty("namespace", out var n) ? n.GetString()! : "default";
        var spec = obj.TryGetProperty("spec", out var s) ? s : default;
        switch (kind)
        {
            case "GatewayClass":
                _classes[name] = spec.GetProperty("controllerName").GetString()!;
                break;
            case "Gateway":
                _gateways[(ns, name)] = new Gateway(spec.GetProperty("gatewayClassName").GetString()!, [.. spec.GetProperty("listeners").EnumerateArray().Select(l => new Listener(
                    l.GetProperty("name").GetString()!,
                    l.GetProperty("protocol").GetString()!,
                    l.GetProperty("port").GetInt32(),
                    l.TryGetProperty("hostname", out var h) ? h.GetString() : null))]);
                break;
            case "Service":
                _services[(ns, name)] = [.. Items(spec, "ports").Select(p => p.GetProperty("port").GetInt32())];
                break;
            case "HTTPRoute":
                _routes.Add(new Route(
                    ns,
                    name,
                    DateTimeOffset.Parse(metadata.GetProperty("creationTimestamp").GetString()!, CultureInfo.InvariantCulture),
                    [.. Items(spec, "parentRefs").Where(p => Text(p, "kind", "Gateway") == "Gateway").Select(p => new ParentRef(
                        Text(p, "namespace", ns), p.GetProperty("name").GetString()!, Text(p, "sectionName", null), p.TryGetProperty("port", out var port) ? port.GetInt32() : null))],
                    [.. Items(spec, "hostnames").Select(h => h.GetString()!)],
                    [.. Items(spec, "rules").Select(r => new Rule(
                        Items(r, "matches").Select(m => m.TryGetProperty("path", out var path)
                            ? new PathMatch(Text(path, "type", "PathPrefix")!, Text(path, "value", "/")!)
                            : new PathMatch("PathPrefix", "/")).DefaultIfEmpty(new PathMatch("PathPrefix", "/")).ToList(),
                        [.. Items(r, "backendRefs").Select(b => new BackendRef(
                            Text(b, "namespace", ns)!, b.GetProperty("name").GetString()!, b.GetProperty("port").GetInt32(), b.TryGetProperty("weight", out var w) ? w.GetInt32() : 1))]))]));
                break;
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement holder, string name)
    {
        if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var array))
        {
            foreach (var item in array.EnumerateArray())
            {
                yield return item;
            }
        }
    }

    private static string? Text(JsonElement holder, string name, string? fallback)
        => holder.TryGetProperty(name, out var value) ? value.GetString() : fallback;

    private sealed record Gateway(string ClassName, List<Listener> Listeners);

    private sealed record Listener(string Name, string Protocol, int Port, string? Hostname);

    private sealed record ParentRef(string? Namespace, string Name, string? SectionName, int? Port);

    private sealed record Route(string Namespace, string Name, DateTimeOffset Created, List<ParentRef> ParentRefs, List<string> Hostnames, List<Rule> Rules);

    private sealed record Rule(List<PathMatch> Matches, List<BackendRef> Backends);

    private sealed record PathMatch(string Type, string Value);

    private sealed record BackendRef(string Namespace, string Name, int Port, int Weight);

    private sealed record Candidate(Route Route, int Rule, int MatchIndex, string Hostname, PathMatch Match);
}

/// <summary>The router with the bug fixed: a PathPrefix match takes whole path segments only.</summary>
public sealed class FixedRouter : SimpleRouter
{
    private FixedRouter(IEnumerable<string> manifests, string controllerName)
        : base(manifests, controllerName)
    {
    }

    /// <summary>A fixed router for the objects.</summary>
    /// <param name="manifests">Objects as JSON, as the API server returns them.</param>
    /// <param name="controllerName">The GatewayClass controllerName this router acts for.</param>
    /// <returns>The router.</returns>
    public static new SimpleRouter Load(IEnumerable<string> manifests, string controllerName) => new FixedRouter(manifests, controllerName);

    /// <summary>Whether a PathPrefix match takes a path: element by element, a trailing <c>/</c> of the prefix ignored.</summary>
    /// <param name="prefix">The match's value.</param>
    /// <param name="path">The request path.</param>
    /// <returns>Whether it matches.</returns>
    protected override bool PrefixMatches(string prefix, string path)
    {
        var trimmed = prefix.TrimEnd('/');
        return path.StartsWith(trimmed, StringComparison.Ordinal) && (path.Length == trimmed.Length || path[trimmed.Length] == '/');
    }
}
