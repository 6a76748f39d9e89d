using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Ingresses;

/// <summary>Whose Ingresses a table serves: those of a controller, or those of one class name.</summary>
public sealed record IngressOwner
{
    private IngressOwner(string? controllerName, string? className)
    {
        ControllerName = controllerName;
        ClassName = className;
    }

    /// <summary>The controller (IngressClass <c>spec.controller</c>), or null.</summary>
    public string? ControllerName { get; }

    /// <summary>The class name, or null.</summary>
    public string? ClassName { get; }

    /// <summary>The Ingresses of every IngressClass whose <c>spec.controller</c> is <paramref name="controllerName"/>.</summary>
    /// <param name="controllerName">The controller, such as <c>k8s.io/ingress-nginx</c>.</param>
    /// <returns>The owner.</returns>
    public static IngressOwner Controller(string controllerName) => new(Guard.NotNullOrEmpty(controllerName), null);

    /// <summary>The Ingresses of one class name (an IngressClass, or a name only the legacy annotation uses).</summary>
    /// <param name="className">The class name.</param>
    /// <returns>The owner.</returns>
    public static IngressOwner Class(string className) => new(null, Guard.NotNullOrEmpty(className));

    /// <summary>The Ingresses of this owner in a selection.</summary>
    /// <param name="selection">The class selection.</param>
    /// <returns>The owned Ingresses.</returns>
    public IEnumerable<IngressOwnership> Select(IngressClassSelection selection)
        => Guard.NotNull(selection) is var s && ControllerName is { } controller ? s.OwnedBy(controller) : s.OfClass(ClassName!);
}

/// <summary>The ports an Ingress controller listens on.</summary>
public sealed record IngressTableOptions
{
    /// <summary>The defaults: HTTP on 80, HTTPS on 443.</summary>
    public static IngressTableOptions Default { get; } = new();

    /// <summary>The plain HTTP port (default 80).</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>The HTTPS port (default 443).</summary>
    public int HttpsPort { get; init; } = 443;
}

/// <summary>What an Ingress match chose, in Ingress terms.</summary>
/// <param name="Ingress">The Ingress whose rule (or <c>spec.defaultBackend</c>) matched.</param>
/// <param name="RuleIndex">The <c>spec.rules</c> position, or −1 for the default backend.</param>
/// <param name="PathIndex">The <c>http.paths</c> position, or −1 for the default backend.</param>
/// <param name="Host">The rule's host (lowercase), or null for a rule without host or the default backend.</param>
/// <param name="Path">The matched path, or null for the default backend.</param>
/// <param name="Backend">The backend as written.</param>
public sealed record IngressMatch(Ingress Ingress, int RuleIndex, int PathIndex, string? Host, IngressPath? Path, IngressBackend Backend)
{
    /// <summary>Whether the class's <c>spec.defaultBackend</c> answered.</summary>
    public bool IsDefaultBackend => RuleIndex < 0;
}

/// <summary>
/// The Ingress routing of one controller or class, compiled once so that matching a request allocates nothing.
/// It reads the Ingress rules as <c>networking.k8s.io/v1</c> defines them
/// (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/">Ingress</see>,
/// <see href="https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/">IngressSpec</see>),
/// not the Gateway API rules:
/// <list type="bullet">
/// <item><b>Hosts</b> (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards">hostname wildcards</see>):
/// the Host header without its port, compared case-insensitively. The rules of the exact host are used; else those of
/// <c>*.suffix</c> where the wildcard covers <em>exactly one</em> DNS label (<c>*.foo.com</c> matches
/// <c>bar.foo.com</c>, not <c>baz.bar.foo.com</c> nor <c>foo.com</c>; Gateway API wildcards cover one or more);
/// else the rules without host. Only the selected host's paths are candidates, as a controller's per-host server
/// (a request to a host with rules does not fall back to the rules without host).</item>
/// <item><b>Paths</b> (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types">path types</see>,
/// <see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#examples">examples</see>): the raw path
/// before <c>?</c>, case-sensitive. <c>Exact</c> is equality (<c>/foo</c> does not match <c>/foo/</c>).
/// <c>Prefix</c> compares <c>/</c>-separated elements: trailing slashes of the path are ignored, <c>/foo</c> and
/// <c>/foo/</c> match <c>/foo</c>, <c>/foo/</c> and <c>/foo/bar</c> but not <c>/foobar</c>; <c>/</c> matches
/// every path. <c>ImplementationSpecific</c> is matched as <c>Prefix</c> (PolicyAttach's documented choice; the
/// conversion report names each such path because controllers differ).</item>
/// <item><b>Precedence</b> (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#multiple-matches">multiple matches</see>):
/// the longest path (characters without the trailing <c>/</c>) first; at equal length <c>Exact</c> before
/// <c>Prefix</c>; then the oldest Ingress (creationTimestamp, then namespace and name), rule order, path order.</item>
/// <item><b>Default backend</b> (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend">default backend</see>):
/// a request that matches no path gets the <c>spec.defaultBackend</c> of the class's oldest Ingress that sets one,
/// else it is not routed (404).</item>
/// <item><b>Backends</b>: a Service in the Ingress's namespace, its port by number or by name (resolved through the
/// Service's <c>spec.ports</c>). A missing Service or port gives <see cref="MatchOutcomeKind.NoBackend"/> (status 500,
/// as the Gateway API matcher; controllers commonly answer 503). A <c>resource</c> backend is taken as served.</item>
/// <item><b>Ports and TLS</b> (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#tls">TLS</see>):
/// HTTP is served on <see cref="IngressTableOptions.HttpPort"/> for every host; HTTPS on
/// <see cref="IngressTableOptions.HttpsPort"/> only for hosts a <c>spec.tls</c> entry with a <c>secretName</c> of
/// the class covers (by the same one-label wildcard rule; an entry without hosts covers all), and the SNI, when
/// given, must be covered too. Other ports and TLS, TCP and UDP connections are not routed. gRPC requests are
/// routed as HTTP requests.</item>
/// </list>
/// The result is a <see cref="MatchOutcome"/> like the Gateway API matcher's: <see cref="MatchOutcome.RouteKey"/>
/// is the Ingress's key, <see cref="MatchOutcome.RuleIndex"/> the <c>spec.rules</c> position (−1 for the default
/// backend), <see cref="MatchOutcome.MatchIndex"/> the path position, <see cref="MatchOutcome.Backends"/> the one
/// backend, <see cref="MatchOutcome.Listener"/> null and <see cref="MatchOutcome.Route"/> a placeholder HTTPRoute
/// carrying the Ingress's metadata. <see cref="Describe(MatchOutcome)"/> gives the Ingress rule. Immutable and
/// thread-safe once compiled.
/// </summary>
public sealed class IngressRoutingTable
{
    private readonly HostMap<IngressEntry[]> _exact;
    private readonly HostMap<IngressEntry[]> _wildcards;
    private readonly IngressEntry[]? _any;
    private readonly CompiledRule? _default;
    private readonly HostMap<bool> _tlsExact;
    private readonly HostMap<bool> _tlsWildcards;
    private readonly bool _tlsAll;
    private readonly Dictionary<CompiledRule, IngressMatch> _matches;

    private IngressRoutingTable(IngressOwner owner, IngressTableOptions options, IngressRuleSet rules, Snapshot snapshot, EquatableArray<Diagnostic> diagnostics)
    {
        Owner = owner;
        Options = options;
        Ingresses = rules.Ingresses.Select(i => i.Key).ToEquatableArray();
        Diagnostics = diagnostics;
        _matches = new Dictionary<CompiledRule, IngressMatch>(ReferenceEqualityComparer.Instance);
        var routes = new Dictionary<Ingress, CompiledRoute>(ReferenceEqualityComparer.Instance);
        var backendProblems = new List<Diagnostic>();

        CompiledRule Rule(Ingress ingress, int ruleIndex, int pathIndex, string? host, IngressPath? path, IngressBackend backend, string where)
        {
            if (!routes.TryGetValue(ingress, out var route))
            {
                var placeholder = new HttpRoute { ApiVersion = ingress.ApiVersion, Metadata = ingress.Metadata };
                route = new CompiledRoute
                {
                    Route = placeholder,
                    Result = new RouteResult { Route = placeholder, Parents = [], BackendRefs = [], DroppedRules = [] },
                    Key = ingress.Key,
                    NamespacedName = ingress.Namespace + "/" + ingress.Name,
                    Rules = [],
                };
                routes[ingress] = route;
            }

            var resolved = IngressRuleSet.Resolve(snapshot, ingress, backend);
            if (!resolved.IsValid)
            {
                backendProblems.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Warning,
                    Code = IngressDiagnosticCodes.BackendNotFound,
                    Subject = ingress.Key,
                    Path = where,
                    Message = $"{resolved.Message}; requests routed here get no backend.",
                });
            }

            var rule = new CompiledRule
            {
                Route = route,
                Index = ruleIndex,
                Backends = [new MatchedBackend(resolved.Reference, 1, resolved.IsValid, resolved.Reason?.Value, [])],
                ValidWeight = resolved.IsValid ? 1 : 0,
            };
            _matches[rule] = new IngressMatch(ingress, ruleIndex, pathIndex, host, path, backend);
            return rule;
        }

        IngressEntry[] Entries(IngressHostGroup group) => group.Entries
            .Select(e => new IngressEntry(Rule(e.Ingress, e.RuleIndex, e.PathIndex, e.Host, e.Path, e.Path.Backend, $"spec.rules[{e.RuleIndex}].http.paths[{e.PathIndex}].backend"), e.PathIndex, e.Kind, e.Value))
            .ToArray();

        var exact = new List<KeyValuePair<string, IngressEntry[]>>();
        var wildcards = new List<KeyValuePair<string, IngressEntry[]>>();
        foreach (var group in rules.Groups.Values.OrderBy(g => g.Host ?? string.Empty, StringComparer.Ordinal))
        {
            var entries = Entries(group);
            if (group.Host is null)
            {
                _any = entries;
            }
            else if (group.Host.StartsWith("*.", StringComparison.Ordinal))
            {
                wildcards.Add(new(group.Host[2..], entries));
            }
            else
            {
                exact.Add(new(group.Host, entries));
            }
        }

        _exact = new HostMap<IngressEntry[]>(exact);
        _wildcards = new HostMap<IngressEntry[]>(wildcards);
        if (rules.DefaultBackend is { } d)
        {
            _default = Rule(d.Ingress, -1, -1, null, null, d.Backend, "spec.defaultBackend");
        }

        _tlsExact = new HostMap<bool>(rules.Tls.Keys.Where(k => k.Length > 0 && !k.StartsWith("*.", StringComparison.Ordinal)).Select(k => new KeyValuePair<string, bool>(k, true)));
        _tlsWildcards = new HostMap<bool>(rules.Tls.Keys.Where(k => k.StartsWith("*.", StringComparison.Ordinal)).Select(k => new KeyValuePair<string, bool>(k[2..], true)));
        _tlsAll = rules.Tls.ContainsKey(string.Empty);
        Diagnostics = diagnostics.Concat(backendProblems).ToEquatableArray();
    }

    /// <summary>Whose Ingresses this table serves.</summary>
    public IngressOwner Owner { get; }

    /// <summary>The ports.</summary>
    public IngressTableOptions Options { get; }

    /// <summary>The Ingresses served, oldest first.</summary>
    public EquatableArray<ResourceKey> Ingresses { get; }

    /// <summary>Problems found: class selection, default backend and path conflicts, missing backends.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Compiles the Ingress routing of a controller or class.</summary>
    /// <param name="snapshot">The input (Ingresses, IngressClasses, Services).</param>
    /// <param name="owner">Whose Ingresses to serve.</param>
    /// <param name="options">The ports; <see cref="IngressTableOptions.Default"/> when null.</param>
    /// <returns>The table.</returns>
    public static IngressRoutingTable Compile(Snapshot snapshot, IngressOwner owner, IngressTableOptions? options = null)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(owner);
        var selection = IngressClassSelector.Select(snapshot);
        var owned = owner.Select(selection).ToList();
        var rules = IngressRuleSet.Build(owned.Select(o => o.Ingress));
        var diagnostics = selection.Diagnostics.Where(d => d.Code == IngressDiagnosticCodes.SeveralDefaultClasses)
            .Concat(owned.SelectMany(o => o.Diagnostics))
            .Concat(rules.Diagnostics)
            .ToEquatableArray();
        return new IngressRoutingTable(owner, options ?? IngressTableOptions.Default, rules, snapshot, diagnostics);
    }

    /// <summary>Compiles the Ingress routing of every Ingress of an IngressClass controller.</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="controllerName">The controller (IngressClass <c>spec.controller</c>).</param>
    /// <returns>The table.</returns>
    public static IngressRoutingTable Compile(Snapshot snapshot, string controllerName) => Compile(snapshot, IngressOwner.Controller(controllerName));

    /// <summary>Matches a request and returns a new outcome (convenience; allocates the outcome).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The outcome.</returns>
    public MatchOutcome Match(in RequestView request)
    {
        var outcome = new MatchOutcome();
        Match(request, outcome);
        return outcome;
    }

    /// <summary>Matches a request by the Ingress rules, overwriting <paramref name="outcome"/>; allocates nothing.</summary>
    /// <param name="request">The request.</param>
    /// <param name="outcome">The outcome to fill.</param>
    public void Match(in RequestView request, MatchOutcome outcome)
    {
        Guard.NotNull(outcome);
        var grpc = request.Protocol == RequestProtocol.Grpc;
        bool https;
        switch (request.Protocol)
        {
            case RequestProtocol.Http:
                https = false;
                break;
            case RequestProtocol.Https:
                https = true;
                break;
            case RequestProtocol.Grpc:
                https = !request.Sni.IsEmpty || request.Scheme.SequenceEqual("https");
                break;
            default:
                outcome.SetNotRouted(null, grpc: false, stream: true);
                return;
        }

        var port = https ? Options.HttpsPort : Options.HttpPort;
        var host = request.Host;
        if (request.Port != port || (https && (!CoveredByTls(host) || (!request.Sni.IsEmpty && !CoveredByTls(request.Sni)))))
        {
            outcome.SetNotRouted(null, grpc, stream: false);
            return;
        }

        IngressEntry[]? entries;
        if (!_exact.TryGetValue(host, out entries))
        {
            var up = IngressHosts.OneLabelUp(host);
            if (up.IsEmpty || !_wildcards.TryGetValue(up, out entries))
            {
                entries = _any;
            }
        }

        if (entries is not null)
        {
            var path = request.Path;
            foreach (var entry in entries)
            {
                if (entry.Matches(path))
                {
                    outcome.SetMatched(null, port, entry.Rule, entry.PathIndex, null, request, grpc, stream: false);
                    return;
                }
            }
        }

        if (_default is not null)
        {
            outcome.SetMatched(null, port, _default, -1, null, request, grpc, stream: false);
        }
        else
        {
            outcome.SetNotRouted(null, grpc, stream: false);
        }
    }

    /// <summary>The Ingress rule behind an outcome this table produced, or null (not routed, or another table's outcome).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The Ingress, rule, path and backend.</returns>
    public IngressMatch? Describe(MatchOutcome outcome)
        => Guard.NotNull(outcome).Rule is { } rule ? _matches.GetValueOrDefault(rule) : null;

    private bool CoveredByTls(ReadOnlySpan<char> host)
    {
        if (_tlsAll || _tlsExact.TryGetValue(host, out _))
        {
            return true;
        }

        var up = IngressHosts.OneLabelUp(host);
        return !up.IsEmpty && _tlsWildcards.TryGetValue(up, out _);
    }
}

/// <summary>One compiled Ingress path.</summary>
internal sealed class IngressEntry(CompiledRule rule, int pathIndex, IngressPathKind kind, string value)
{
    public CompiledRule Rule { get; } = rule;

    public int PathIndex { get; } = pathIndex;

    /// <summary>Exact: equality. Prefix: the normalized prefix, then the end of the path or a <c>/</c>.</summary>
    public bool Matches(ReadOnlySpan<char> path) => kind == IngressPathKind.Exact
        ? path.SequenceEqual(value)
        : path.StartsWith(value, StringComparison.Ordinal) && (path.Length == value.Length || path[value.Length] == '/');
}
