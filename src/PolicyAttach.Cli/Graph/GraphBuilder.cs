using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Describe;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Graph;

/// <summary>
/// Builds the resource graph of an evaluation: owned GatewayClasses, their Gateways and ListenerSets with listeners,
/// managed routes, every Service a route or policy refers to, every ReferenceGrant and every policy. Edges: containment
/// (class → Gateway → listener, ListenerSet → listener, ListenerSet → parent Gateway), attachment (route → listener,
/// solid when attached and labelled with the hostnames served, dashed when refused and labelled with the cause;
/// listeners a parentRef does not select by sectionName or port are left out), backend references (route → Service,
/// with rule, port, weight and grant), grants (ReferenceGrant → the referent it opens, labelled with the route) and
/// policy targets (policy → target, labelled with level and stanza; dashed when the target is missing).
/// </summary>
internal static class GraphBuilder
{
    private static readonly string[] TypeOrder = ["GatewayClass", "Gateway", "ListenerSet", "Listener", "Route", "Service", "ReferenceGrant", "Policy", "Missing"];

    /// <summary>Builds the graph.</summary>
    /// <param name="result">The evaluation.</param>
    /// <returns>The graph.</returns>
    public static GraphModel Build(EvaluationResult result)
    {
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var edges = new EdgeSet();
        var listenerIds = new Dictionary<ResourceKey, Dictionary<string, string>>();
        var lastOwner = default(ResourceKey);
        Dictionary<string, string>? lastIds = null;
        string ListenerNode(ResourceKey owner, string listener)
        {
            // One id string per listener, shared by every edge to it (a Gateway of 64 listeners and 50,000 routes has
            // 3.2 million attachment edges); consecutive edges nearly always share the owner, so its map is kept.
            if (lastIds is null || !owner.Equals(lastOwner))
            {
                if (!listenerIds.TryGetValue(owner, out lastIds))
                {
                    listenerIds[owner] = lastIds = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                lastOwner = owner;
            }

            if (!lastIds.TryGetValue(listener, out var id))
            {
                lastIds[listener] = id = ListenerId(owner, listener);
            }

            return id;
        }

        void Add(string type, ResourceKey key, string? listener = null)
        {
            var id = listener is null ? Id(key) : ListenerNode(key, listener);
            if (!nodes.ContainsKey(id))
            {
                var label = listener is null ? [type == "Missing" ? key.Kind + " (missing)" : key.Kind, Facts.ShortName(key)] : new[] { "listener " + listener, Facts.ShortName(key) };
                nodes[id] = new GraphNode(id, type, label, ObjectRef.From(key), listener);
            }
        }

        string Ensure(ResourceKey key, string type)
        {
            if (!nodes.ContainsKey(Id(key)))
            {
                Add(result.Snapshot.Find(key) is null ? "Missing" : type, key);
            }

            return Id(key);
        }

        foreach (var cls in result.GatewayClasses)
        {
            Add("GatewayClass", cls.GatewayClass.Key);
        }

        foreach (var gateway in result.Gateways)
        {
            var key = gateway.Gateway.Key;
            Add("Gateway", key);
            var cls = result.GatewayClasses.FirstOrDefault(c => c.GatewayClass.Name == gateway.Gateway.GatewayClassName);
            if (cls is not null)
            {
                edges.Add(new GraphEdge(Id(cls.GatewayClass.Key), Id(key), "contains", false, null));
            }

            Listeners(gateway.Listeners, key);
        }

        foreach (var set in result.ListenerSets)
        {
            var key = set.ListenerSet.Key;
            Add("ListenerSet", key);
            var parent = Ensure(set.Parent, "Gateway");
            var problem = set.Conditions.FirstOrDefault(c => c.Type == ConditionType.Accepted && !c.IsTrue);
            edges.Add(new GraphEdge(Id(key), parent, "parent", problem is not null, problem?.Reason));
            Listeners(set.Listeners, key);
        }

        foreach (var route in result.Routes)
        {
            var key = route.Route.Key;
            var from = Id(key);
            if (!nodes.ContainsKey(from))
            {
                Add("Route", key);
            }

            foreach (var parent in route.Parents)
            {
                if (parent.ListenerCount == 0)
                {
                    var reason = parent.Conditions.FirstOrDefault(c => ConditionText.IsProblem(c))?.Reason;
                    edges.Add(new GraphEdge(from, Ensure(parent.ParentRef.TargetKey, "Gateway"), "attachment", true, reason ?? "not attached"));
                }

                // Cell by cell, without the verdict messages the graph does not show.
                for (var i = 0; i < parent.ListenerCount; i++)
                {
                    var verdict = parent.OutcomeAt(i);
                    if (verdict.Cause is BindingCause.SectionNameMismatch or BindingCause.PortMismatch)
                    {
                        continue;
                    }

                    var to = ListenerNode(verdict.Owner, verdict.ListenerName);
                    if (!nodes.ContainsKey(to))
                    {
                        Add("Listener", verdict.Owner, verdict.ListenerName);
                    }

                    edges.Add(verdict.Attached
                        ? new GraphEdge(from, to, "attachment", false, string.Join(", ", verdict.Hostnames))
                        : new GraphEdge(from, to, "attachment", true, CauseName(verdict.Cause)));
                }
            }

            foreach (var backend in route.BackendRefs)
            {
                var target = backend.BackendRef.TargetKey;
                var to = Ensure(target, "Service");
                var label = new StringBuilder(backend.IsMirror ? "mirror, rule " : "rule ").Append(Facts.Number(backend.RuleIndex));
                if (backend.BackendRef.Port is { } port)
                {
                    label.Append(", port ").Append(Facts.Number(port));
                }

                if (!backend.IsMirror)
                {
                    label.Append(", weight ").Append(Facts.Number(backend.BackendRef.Weight));
                }

                foreach (var grant in Facts.GrantsFor(result.Snapshot, key, target))
                {
                    label.Append(", grant ").Append(Facts.ShortName(grant));
                    Add("ReferenceGrant", grant);
                    edges.Add(new GraphEdge(Id(grant), to, "grant", false, "permits " + Facts.Name(key)));
                }

                if (!backend.IsValid)
                {
                    label.Append(", ").Append(backend.Reason);
                }

                edges.Add(new GraphEdge(from, to, "backend", !backend.IsValid, label.ToString()));
            }
        }

        foreach (var grant in result.Snapshot.ReferenceGrants)
        {
            Add("ReferenceGrant", grant.Key);
        }

        foreach (var policy in result.Snapshot.Policies)
        {
            Add("Policy", policy.Key);
            var stanzas = Facts.Stanzas(policy);
            var stanza = stanzas.Count == 0 ? "direct" : string.Join("+", stanzas);
            foreach (var target in policy.TargetRefs)
            {
                var level = Facts.TargetLevel(target.Kind, target.SectionName);
                var key = target.TargetKey;
                string to;
                var missing = false;
                if (target.SectionName is { } section && target.Kind is "Gateway" or "ListenerSet" or "XListenerSet" && nodes.ContainsKey(Id(key)))
                {
                    to = ListenerNode(key, section);
                    missing = !nodes.ContainsKey(to);
                    if (missing)
                    {
                        Add("Missing", key, section);
                    }
                }
                else
                {
                    var type = target.Kind switch
                    {
                        "GatewayClass" => "GatewayClass",
                        "Gateway" => "Gateway",
                        "ListenerSet" or "XListenerSet" => "ListenerSet",
                        "Service" => "Service",
                        _ => "Route",
                    };
                    to = Ensure(key, type);
                    missing = nodes[to].Type == "Missing";
                }

                var where = level.ToString() + (target.SectionName is { } s ? " " + s : string.Empty);
                edges.Add(new GraphEdge(Id(policy.Key), to, "policy", missing, where + ", " + stanza + (missing ? ", target not found" : string.Empty)));
            }
        }

        var orderedNodes = nodes.Values.OrderBy(n => Array.IndexOf(TypeOrder, n.Type)).ThenBy(n => n.Id, StringComparer.Ordinal).ToList();
        return new GraphModel(orderedNodes, edges.Ordered());

        void Listeners(IEnumerable<ListenerResult> listeners, ResourceKey owner)
        {
            foreach (var listener in listeners)
            {
                Add("Listener", owner, listener.Name);
                var id = ListenerNode(owner, listener.Name);
                var l = listener.Listener;
                nodes[id] = nodes[id] with { Label = ["listener " + l.Name, string.Create(CultureInfo.InvariantCulture, $"{l.Protocol} {l.Hostname ?? "*"}:{l.Port}")] };
                edges.Add(new GraphEdge(Id(owner), id, "contains", false, null));
            }
        }
    }

    /// <summary>The name of a cause, one string per cause (an enum's name is made again on each call).</summary>
    private static string CauseName(BindingCause cause)
    {
        var index = (int)cause;
        if ((uint)index >= (uint)CauseNames.Length)
        {
            return cause.ToString();
        }

        return CauseNames[index] ??= cause.ToString();
    }

    private static readonly string?[] CauseNames = new string?[32];

    /// <summary>
    /// The edges without duplicates, grouped by source: sorting 50,000 sources and then each source's few edges costs
    /// far less than sorting millions of edges by four strings, and gives the same order (source, target, type, label;
    /// equal keys in the order added, as the ordered set gave them).
    /// </summary>
    private sealed class EdgeSet
    {
        private readonly Dictionary<string, List<GraphEdge>> bySource = new(StringComparer.Ordinal);
        private List<GraphEdge>? _last;

        public void Add(GraphEdge edge)
        {
            // A route's edges come one after another: the list of the last source is kept.
            if (_last is null || _last[0].From != edge.From)
            {
                if (!bySource.TryGetValue(edge.From, out _last))
                {
                    bySource[edge.From] = _last = [];
                }
            }

            _last.Add(edge);
        }

        public List<GraphEdge> Ordered()
        {
            var ordered = new List<GraphEdge>(bySource.Values.Sum(l => l.Count));
            var sources = bySource.Keys.ToArray();
            Array.Sort(sources, StringComparer.Ordinal);
            var indexed = new List<(GraphEdge Edge, int Index)>();
            foreach (var source in sources)
            {
                // By target, type and label, equal keys in the order added (the index breaks ties, as a stable sort
                // would); then the first of equal edges is kept. Equal edges have equal keys, so they are neighbours
                // in a run of equal keys, which differ at most in Refused.
                var edges = bySource[source];
                indexed.Clear();
                for (var i = 0; i < edges.Count; i++)
                {
                    indexed.Add((edges[i], i));
                }

                indexed.Sort(static (a, b) =>
                {
                    var order = string.CompareOrdinal(a.Edge.To, b.Edge.To);
                    if (order == 0)
                    {
                        order = string.CompareOrdinal(a.Edge.Type, b.Edge.Type);
                    }

                    if (order == 0)
                    {
                        order = string.CompareOrdinal(a.Edge.Label, b.Edge.Label);
                    }

                    return order != 0 ? order : a.Index.CompareTo(b.Index);
                });

                // A run of equal keys holds at most one edge refused and one not: the first of each is kept.
                GraphEdge? runKey = null;
                bool keptRefused = false, keptServed = false;
                foreach (var (edge, _) in indexed)
                {
                    if (runKey is null || runKey.To != edge.To || runKey.Type != edge.Type || runKey.Label != edge.Label)
                    {
                        runKey = edge;
                        keptRefused = keptServed = false;
                    }

                    ref var kept = ref edge.Refused ? ref keptRefused : ref keptServed;
                    if (!kept)
                    {
                        kept = true;
                        ordered.Add(edge);
                    }
                }
            }

            return ordered;
        }
    }

    /// <summary>
    /// A stable, readable id: the lowercase kind (with <c>Y</c> and the group for a group other than the Gateway API's
    /// and the core one), <c>X</c>, the namespace, <c>X</c>, the name. Lowercase letters and digits stay, <c>-</c>
    /// becomes <c>_</c>, and any other character <c>Z</c> and two hex digits; as object names are lowercase, the
    /// uppercase markers never clash with them, so distinct objects never share an id.
    /// </summary>
    /// <param name="key">The object.</param>
    /// <returns>The id, such as <c>httprouteXfooXfoo</c>.</returns>
    public static string Id(ResourceKey key)
    {
        var kind = Escape(key.Kind.ToLowerInvariant());
        var group = key.Group is Groups.Core or Groups.Gateway or Groups.GatewayExperimental ? string.Empty : "Y" + Escape(key.Group);
        return kind + group + "X" + Escape(key.Namespace) + "X" + Escape(key.Name);
    }

    /// <summary>The id of a listener: its owner's id, <c>L</c>, and the escaped listener name.</summary>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <param name="listener">The listener name.</param>
    /// <returns>The id.</returns>
    public static string ListenerId(ResourceKey owner, string listener) => Id(owner) + "L" + Escape(listener);

    private static string Escape(string text)
    {
        var id = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                id.Append(c);
            }
            else if (c == '-')
            {
                id.Append('_');
            }
            else
            {
                id.Append(c < 256 ? "Z" : "ZU").Append(((int)c).ToString(c < 256 ? "X2" : "X4", CultureInfo.InvariantCulture));
            }
        }

        return id.ToString();
    }
}
