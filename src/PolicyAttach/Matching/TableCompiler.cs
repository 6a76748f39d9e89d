using System.Runtime.CompilerServices;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Matching;

/// <summary>Builds the routing tables from an evaluation: compiles every route once, ranks every entry once.</summary>
internal sealed class TableCompiler
{
    private readonly EvaluationResult _result;
    private readonly IReadOnlySet<ResourceKey>? _owners;
    private readonly List<RouteResult> _compiled = [];
    private readonly Dictionary<ResourceKey, CompiledRoute> _routes = [];
    private readonly Dictionary<CompiledRoute, List<HttpEntry>> _http = [];
    private readonly Dictionary<CompiledRoute, List<GrpcEntry>> _grpc = [];
    private readonly Dictionary<CompiledRoute, StreamEntry> _stream = [];

    // Whether only the precedence of matches is compiled (the never-matching analysis of the findings): rules then
    // carry no backends, filters or policies, and such tables must never answer requests.
    private readonly bool _precedenceOnly;

    /// <summary>Compiles the routes the tables of the owners (or of every Gateway and Service) need.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="precedenceOnly">Whether only the precedence of matches is compiled.</param>
    /// <param name="owners">
    /// The Gateways and mesh Services whose tables are built, or null for every one. Only the routes attached to them
    /// are compiled, and entries are ranked among those routes alone: ranks only order the entries of one table, and
    /// the order is total (age, name, rule, match), so a table's order does not depend on which other routes were ranked.
    /// </param>
    /// <param name="candidates">
    /// With <paramref name="owners"/>, the keys of the routes that can be attached to them, in key order (a superset is
    /// fine: only those attached are compiled), or null to read every route's result.
    /// </param>
    public TableCompiler(EvaluationResult result, bool precedenceOnly = false, IReadOnlySet<ResourceKey>? owners = null, IEnumerable<ResourceKey>? candidates = null)
    {
        _result = result;
        _precedenceOnly = precedenceOnly;
        _owners = owners;
        var routes = candidates is null ? result.Routes.AsEnumerable() : candidates.Select(result.FindRoute).OfType<RouteResult>();
        foreach (var routeResult in routes)
        {
            if (owners is null || ServesAny(routeResult, owners))
            {
                _compiled.Add(routeResult);
                Compile(routeResult);
            }
        }

        Rank(_http.Values.SelectMany(e => e), HttpEntry.Compare, (e, r) => e.Rank = r);
        Rank(_grpc.Values.SelectMany(e => e), GrpcEntry.Compare, (e, r) => e.Rank = r);
        Rank(_stream.Values, StreamEntry.Compare, (e, r) => e.Rank = r);
    }

    /// <summary>Whether an accepted parent of a route puts it in the table of one of the owners.</summary>
    private bool ServesAny(RouteResult route, IReadOnlySet<ResourceKey> owners)
    {
        foreach (var parent in route.Parents)
        {
            if (!parent.IsAccepted)
            {
                continue;
            }

            if (parent.ParentRef.GroupKind == Kinds.Service && owners.Contains(parent.ParentRef.TargetKey))
            {
                return true;
            }

            foreach (var verdict in parent.AttachedListeners)
            {
                if (verdict.Attached && owners.Contains(_result.GatewayOf(verdict.Owner)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void Rank<T>(IEnumerable<T> entries, Comparison<T> compare, Action<T, int> set)
    {
        var all = entries.ToList();
        all.Sort(compare);
        for (var i = 0; i < all.Count; i++)
        {
            set(all[i], i);
        }
    }

    private void Compile(RouteResult result)
    {
        var route = result.Route;
        var key = route.Key;
        var dropped = result.DroppedRules.AsSpan();
        var compiled = new CompiledRoute
        {
            Route = route,
            Result = result,
            Key = key,
            NamespacedName = route.Namespace + "/" + route.Name,
            Rules = new CompiledRule[route.RuleCount],
        };
        _routes[key] = compiled;

        // One matcher per kind of traffic (RouteKindDefinition.Traffic). HTTPRoutes and GRPCRoutes compile their
        // rules alike and differ only in the entries a match becomes.
        switch (route.Definition.Traffic)
        {
            case RouteTraffic.Http:
                _http[compiled] = CompileRules<HttpRouteRule, HttpEntry>(compiled, ((HttpRoute)route).Rules, result.DroppedRules, r => r.Name, r => r.Filters, r => r.BackendRefs, (rule, r, entries) =>
                {
                    var matches = r.Matches.IsEmpty ? [HttpRouteMatch.Default] : r.Matches;
                    for (var m = 0; m < matches.Count; m++)
                    {
                        entries.Add(CompileHttp(rule, m, matches[m]));
                    }
                });
                break;
            case RouteTraffic.Grpc:
                _grpc[compiled] = CompileRules<GrpcRouteRule, GrpcEntry>(compiled, ((GrpcRoute)route).Rules, result.DroppedRules, r => r.Name, r => r.Filters, r => r.BackendRefs, (rule, r, entries) =>
                {
                    if (r.Matches.IsEmpty)
                    {
                        entries.Add(new GrpcEntry { Rule = rule, MatchIndex = -1, Headers = [] });
                    }

                    for (var m = 0; m < r.Matches.Count; m++)
                    {
                        entries.Add(CompileGrpc(rule, m, r.Matches[m]));
                    }
                });
                break;
            default:
            {
                // TLSRoutes (by SNI) and TCP and UDP routes (the whole listener): rules without matches or filters.
                var stream = (BackendOnlyRoute)route;
                for (var r = 0; r < stream.Rules.Count; r++)
                {
                    var rule = stream.Rules[r];
                    compiled.Rules[r] = CompiledRule.Create(compiled, r, rule.Name, [], _precedenceOnly ? [] : rule.BackendRefs.Select(b => (b, (IReadOnlyList<RouteFilter>)[])).ToList(), !dropped.Contains(r));
                }

                if (compiled.Rules.Length > 0 && compiled.Rules[0].IsServed)
                {
                    _stream[compiled] = new StreamEntry { Rule = compiled.Rules[0] };
                }

                break;
            }
        }
    }

    /// <summary>
    /// The rules of an HTTPRoute or a GRPCRoute, each compiled once (backends with their validity, filters), and the
    /// entries of the matches of every rule that is served.
    /// </summary>
    private List<TEntry> CompileRules<TRule, TEntry>(CompiledRoute compiled, EquatableArray<TRule> rules, EquatableArray<int> dropped,
        Func<TRule, string?> name, Func<TRule, EquatableArray<RouteFilter>> filters, Func<TRule, EquatableArray<RouteBackendRef>> backends,
        Action<CompiledRule, TRule, List<TEntry>> addEntries)
    {
        var entries = new List<TEntry>();
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var served = !dropped.AsSpan().Contains(r);
            var cr = _precedenceOnly
                ? CompiledRule.Create(compiled, r, name(rule), [], [], served)
                : CompiledRule.Create(compiled, r, name(rule), filters(rule), backends(rule).Select(b => (b.BackendRef, (IReadOnlyList<RouteFilter>)b.Filters)).ToList(), served);
            compiled.Rules[r] = cr;
            if (served)
            {
                addEntries(cr, rule, entries);
            }
        }

        return entries;
    }

    private HttpEntry CompileHttp(CompiledRule rule, int index, HttpRouteMatch match)
        => new()
        {
            Rule = rule,
            MatchIndex = index,
            PathType = match.Path.Type,
            PathValue = Intern(match.Path.Value),
            Prefix = Intern(HttpEntry.NormalizePrefix(match.Path.Value)),
            PathRegex = match.Path.Type == PathMatchType.RegularExpression ? Pattern(match.Path.Value) : null,
            Method = match.Method is { } method ? Intern(method) : null,
            Headers = Conditions(match.Headers.Select(h => (h.Name, h.Value, h.Type)), StringComparer.OrdinalIgnoreCase),
            Queries = Conditions(match.QueryParams.Select(q => (q.Name, q.Value, q.Type)), StringComparer.Ordinal),
        };

    /// <summary>
    /// One instance per distinct string and pattern in the tables: the same values recur across routes, and
    /// sharing them keeps the matcher's working set small (strings and compiled patterns are immutable).
    /// </summary>
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MatchPattern> _patterns = new(StringComparer.Ordinal);

    private string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings[value] = value;
        return value;
    }

    private MatchPattern Pattern(string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var compiled))
        {
            _patterns[pattern] = compiled = MatchRegex.Create(pattern);
        }

        return compiled;
    }

    private GrpcEntry CompileGrpc(CompiledRule rule, int index, GrpcRouteMatch match)
    {
        var method = match.Method;
        var regex = method?.Type == GrpcMethodMatchType.RegularExpression;
        return new GrpcEntry
        {
            Rule = rule,
            MatchIndex = index,
            Service = method?.Service,
            Method = method?.Method,
            ServiceRegex = regex && method!.Service is { } s ? Pattern(s) : null,
            MethodRegex = regex && method!.Method is { } m ? Pattern(m) : null,
            ServiceWeight = !regex ? method?.Service?.Length ?? 0 : 0,
            MethodWeight = !regex ? method?.Method?.Length ?? 0 : 0,
            Headers = Conditions(match.Headers.Select(h => (h.Name, h.Value, h.Type)), StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>Of several entries naming the same header (case-insensitively) or parameter (exactly), only the first counts.</summary>
    private ValueCondition[] Conditions(IEnumerable<(string Name, string Value, StringMatchType Type)> items, StringComparer names)
    {
        var seen = new HashSet<string>(names);
        var result = new List<ValueCondition>();
        foreach (var (name, value, type) in items)
        {
            if (seen.Add(name))
            {
                result.Add(Condition(name, value, type == StringMatchType.RegularExpression));
            }
        }

        return Conditions(result);
    }

    // Conditions and condition lists, interned like strings: keyed by their interned parts, compared by reference.
    private readonly Dictionary<(string Name, string Value, bool Regex), ValueCondition> _conditions = [];
    private readonly Dictionary<ValueCondition[], ValueCondition[]> _conditionLists = new(new Elementwise<ValueCondition>(ReferenceEquals, RuntimeHelpers.GetHashCode));
    private readonly Dictionary<(string? Method, ValueCondition[]? Headers, ValueCondition[]? Queries), RestCondition> _rests = [];

    private ValueCondition Condition(string name, string value, bool regex)
    {
        var key = (Intern(name), Intern(value), regex);
        if (!_conditions.TryGetValue(key, out var condition))
        {
            _conditions[key] = condition = new ValueCondition(key.Item1, key.Item2, regex ? Pattern(value) : null);
        }

        return condition;
    }

    private ValueCondition[] Conditions(List<ValueCondition> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        ValueCondition[] conditions = [.. list];
        if (!_conditionLists.TryGetValue(conditions, out var shared))
        {
            _conditionLists[conditions] = shared = conditions;
        }

        return shared;
    }

    private readonly Dictionary<HttpCandidate[], HttpCandidate[]> _shapes = new(new Elementwise<HttpCandidate>((x, y) => x.SameShape(in y), c => c.ShapeHash()));

    /// <summary>The candidates of a hostname's entries, one shared array per distinct shape.</summary>
    private HttpCandidate[] Shape(HttpEntry[] entries)
    {
        var shape = Array.ConvertAll(entries, e => new HttpCandidate(e, Rest(e)));
        if (_shapes.TryGetValue(shape, out var shared))
        {
            return shared;
        }

        _shapes[shape] = shape;
        return shape;
    }

    /// <summary>Arrays equal element by element, for interning arrays of interned parts (compile time only).</summary>
    private sealed class Elementwise<T>(Func<T, T, bool> same, Func<T, int> hash) : IEqualityComparer<T[]>
    {
        public bool Equals(T[]? x, T[]? y)
        {
            if (x is null || y is null || x.Length != y.Length)
            {
                return ReferenceEquals(x, y);
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (!same(x[i], y[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(T[] obj)
        {
            var combined = new HashCode();
            foreach (var item in obj)
            {
                combined.Add(hash(item));
            }

            return combined.ToHashCode();
        }
    }

    /// <summary>The shared predicates after the path of an entry; null when it has none.</summary>
    private RestCondition? Rest(HttpEntry entry)
    {
        var key = (entry.Method, entry.Headers.Length > 0 ? entry.Headers : null, entry.Queries.Length > 0 ? entry.Queries : null);
        if (key.Method is null && key.Item2 is null && key.Item3 is null)
        {
            return null;
        }

        if (!_rests.TryGetValue(key, out var rest))
        {
            _rests[key] = rest = new RestCondition(key.Method, key.Item2, key.Item3);
        }

        return rest;
    }

    public Dictionary<ResourceKey, GatewayRoutingTable> BuildGateways()
    {
        var listeners = new Dictionary<(ResourceKey Owner, string Name), ListenerTable>();
        var byGateway = new Dictionary<ResourceKey, List<ListenerTable>>();
        var setsByGateway = _result.ListenerSets.Where(s => s.IsAccepted && (_owners is null || _owners.Contains(s.Parent))).ToLookup(s => s.Parent);
        foreach (var gateway in _result.Gateways)
        {
            var key = gateway.Gateway.Key;
            if (_owners is not null && !_owners.Contains(key))
            {
                continue;
            }

            var list = new List<ListenerTable>();
            byGateway[key] = list;
            if (!gateway.IsAccepted)
            {
                continue;
            }

            var all = gateway.Listeners.AsEnumerable().Concat(setsByGateway[key].SelectMany(s => s.Listeners));
            foreach (var listener in all.Where(l => l.State == ListenerState.Ready))
            {
                var table = new ListenerTable(listener);
                listeners[(listener.Owner, listener.Name)] = table;
                list.Add(table);
            }
        }

        foreach (var routeResult in _compiled)
        {
            var compiled = _routes[routeResult.Route.Key];
            foreach (var parent in routeResult.Parents)
            {
                if (!parent.IsAccepted)
                {
                    continue;
                }

                foreach (var verdict in parent.AttachedListeners)
                {
                    if (!verdict.Attached || !listeners.TryGetValue((verdict.Owner, verdict.ListenerName), out var table))
                    {
                        continue;
                    }

                    var existing = table.Attached.FindIndex(a => a.Route == compiled);
                    if (existing < 0)
                    {
                        table.Attached.Add((compiled, [.. verdict.Hostnames]));
                    }
                    else
                    {
                        table.Attached[existing].Hostnames.AddRange(verdict.Hostnames.Where(h => !table.Attached[existing].Hostnames.Contains(h, StringComparer.Ordinal)));
                    }
                }
            }
        }

        var resolution = _result.Policies;
        foreach (var table in listeners.Values)
        {
            Fill(table);
            if (_precedenceOnly)
            {
                continue;
            }

            var listener = table.Listener;
            foreach (var (route, _) in table.Attached)
            {
                foreach (var rule in route.Rules)
                {
                    rule.AddPolicies(listener, resolution.ForRule(listener.Owner, listener.Name, route.Key, rule.Name));
                }
            }
        }

        var result = new Dictionary<ResourceKey, GatewayRoutingTable>();
        foreach (var (key, list) in byGateway)
        {
            var groups = list.GroupBy(t => (t.Listener.Listener.Port, Family(t.Listener.Listener.Protocol)))
                .Where(g => g.Key.Item2 is not null)
                .ToDictionary(
                    g => (g.Key.Port, g.Key.Item2!.Value),
                    g =>
                    {
                        // On one port and protocol, listener hostnames are unique (else the listeners conflict).
                        var byHost = new Dictionary<string, ListenerTable>(StringComparer.OrdinalIgnoreCase);
                        ListenerTable? any = null;
                        foreach (var t in g)
                        {
                            if (t.Listener.Listener.Hostname is { } h)
                            {
                                byHost.TryAdd(h, t);
                            }
                            else
                            {
                                any ??= t;
                            }
                        }

                        return new HostTiers<ListenerTable>(byHost, any);
                    });
            result[key] = new GatewayRoutingTable(key, groups);
        }

        return result;
    }

    /// <summary>The protocol family a listener's table groups it by (one per port and family); null for a protocol no table serves.</summary>
    internal static ListenerFamily? Family(string protocol) => protocol switch
    {
        Protocols.Http => ListenerFamily.Http,
        Protocols.Https => ListenerFamily.Https,
        Protocols.Tls => ListenerFamily.Tls,
        Protocols.Tcp => ListenerFamily.Tcp,
        Protocols.Udp => ListenerFamily.Udp,
        _ => null,
    };

    private void Fill(ListenerTable table)
    {
        table.Http = Tiers(table.Attached, _http, e => e.Rank)?.Map(entries => new HostRoutes(Shape(entries), Array.ConvertAll(entries, e => e.Rule)));
        table.Grpc = Tiers(table.Attached, _grpc, e => e.Rank);
        table.Tls = Tiers(table.Attached.Where(a => a.Route.Route.Definition.Traffic == RouteTraffic.Sni).ToList(), _stream.ToDictionary(p => p.Key, p => new List<StreamEntry> { p.Value }), e => e.Rank);
        table.Stream = table.Attached.Where(a => a.Route.Route.Definition.Traffic == RouteTraffic.Stream && _stream.ContainsKey(a.Route))
            .Select(a => _stream[a.Route]).OrderBy(e => e.Rank).FirstOrDefault();
    }

    private static HostTiers<T[]>? Tiers<T>(List<(CompiledRoute Route, List<string> Hostnames)> attached, Dictionary<CompiledRoute, List<T>> entries, Func<T, int> rank)
    {
        var byPattern = new Dictionary<string, List<T>>(StringComparer.OrdinalIgnoreCase);
        List<T>? any = null;
        foreach (var (route, hostnames) in attached)
        {
            if (!entries.TryGetValue(route, out var list))
            {
                continue;
            }

            foreach (var hostname in hostnames)
            {
                if (hostname == Hostnames.Any)
                {
                    (any ??= []).AddRange(list);
                }
                else
                {
                    if (!byPattern.TryGetValue(hostname, out var bucket))
                    {
                        byPattern[hostname] = bucket = [];
                    }

                    bucket.AddRange(list);
                }
            }
        }

        if (byPattern.Count == 0 && any is null)
        {
            return null;
        }

        return new HostTiers<T[]>(
            byPattern.Select(p => new KeyValuePair<string, T[]>(p.Key, [.. p.Value.OrderBy(rank)])),
            any is null ? null : [.. any.OrderBy(rank)]);
    }

    public Dictionary<ResourceKey, MeshRoutingTable> BuildServices()
    {
        var bound = new Dictionary<ResourceKey, List<(CompiledRoute Route, int? Port)>>();
        foreach (var routeResult in _compiled)
        {
            var compiled = _routes[routeResult.Route.Key];
            foreach (var parent in routeResult.Parents)
            {
                var pr = parent.ParentRef;
                if (!parent.IsAccepted || pr.GroupKind != Kinds.Service || (_owners is not null && !_owners.Contains(pr.TargetKey)))
                {
                    continue;
                }

                var port = pr.Port;
                if (port is null && pr.SectionName is { } section
                    && _result.Snapshot.Find<Service>(pr.TargetKey)?.Ports.FirstOrDefault(p => p.Name == section) is { } named)
                {
                    port = named.Port;
                }

                if (!bound.TryGetValue(pr.TargetKey, out var list))
                {
                    bound[pr.TargetKey] = list = [];
                }

                list.Add((compiled, port));
            }
        }

        var result = new Dictionary<ResourceKey, MeshRoutingTable>();
        foreach (var (service, routes) in bound.OrderBy(p => p.Key))
        {
            foreach (var (route, _) in routes)
            {
                foreach (var rule in route.Rules)
                {
                    rule.AddMeshPolicies(service, _result.Policies.ForMeshRule(service, route.Key, rule.Name));
                }
            }

            var producer = Group(routes.Where(r => r.Route.Route.Namespace == service.Namespace));
            var consumers = routes.Where(r => r.Route.Route.Namespace != service.Namespace)
                .GroupBy(r => r.Route.Route.Namespace, StringComparer.Ordinal)
                .Select(g => new KeyValuePair<string, MeshGroup>(g.Key, Group(g)));
            result[service] = new MeshRoutingTable(service, producer, new HostMap<MeshGroup>(consumers));
        }

        return result;
    }

    /// <summary>The oldest TCPRoute bound to a Service port (or to every port, for null): it takes the port's connections (spec digest §11).</summary>
    private StreamEntry? Tcp(List<(CompiledRoute Route, int? Port)> list, int? port)
        => list.Where(r => (r.Port is null || r.Port == port) && r.Route.Route.Definition == RouteKindTable.Tcp && _stream.ContainsKey(r.Route))
            .Select(r => _stream[r.Route]).OrderBy(e => e.Rank).FirstOrDefault();

    private MeshGroup Group(IEnumerable<(CompiledRoute Route, int? Port)> routes)
    {
        var list = routes.ToList();
        var ports = list.Where(r => r.Port is not null).Select(r => r.Port!.Value).Distinct().ToList();
        T[] Entries<T>(Dictionary<CompiledRoute, List<T>> source, int? port, Func<T, int> rank)
            => [.. list.Where(r => r.Port is null || r.Port == port).Distinct().Where(r => source.ContainsKey(r.Route))
                .SelectMany(r => source[r.Route]).Distinct().OrderBy(rank)];
        HostRoutes Http(int? port)
        {
            var entries = Entries(_http, port, e => e.Rank);
            return new HostRoutes(Shape(entries), Array.ConvertAll(entries, e => e.Rule));
        }

        return new MeshGroup
        {
            HttpByPort = ports.ToDictionary(p => p, p => Http(p)),
            HttpAllPorts = Http(null),
            GrpcByPort = ports.ToDictionary(p => p, p => Entries(_grpc, p, e => e.Rank)),
            GrpcAllPorts = Entries(_grpc, null, e => e.Rank),
            TcpByPort = ports.ToDictionary(p => p, p => Tcp(list, p)),
            TcpAllPorts = Tcp(list, null),
        };
    }
}
