using System.Runtime.CompilerServices;
using PolicyAttach.Binding;
using PolicyAttach.Matching;
using PolicyAttach.Model.Routes;

namespace PolicyAttach;

/// <summary>
/// The routing decisions of an <see cref="EvaluationResult"/>, compiled once into hash-indexed tables so that
/// matching a request allocates nothing: one table per Gateway (its Ready listeners and those of its accepted
/// ListenerSets) and one per mesh Service that routes bind to. Only routes accepted by a parent serve traffic, on
/// the listeners they attached to, with the hostnames intersected there, and without the rules binding dropped
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/#httproute">HTTPRoute</see>; spec digest §4.3, §4.4,
/// §9–§13). Immutable and thread-safe once compiled.
/// </summary>
public sealed class RoutingTable
{
    private readonly Dictionary<ResourceKey, GatewayRoutingTable> _gateways;
    private readonly Dictionary<ResourceKey, MeshRoutingTable> _services;

    private RoutingTable(Dictionary<ResourceKey, GatewayRoutingTable> gateways, Dictionary<ResourceKey, MeshRoutingTable> services)
    {
        _gateways = gateways;
        _services = services;
    }

    /// <summary>The per-Gateway tables, in the order of the Gateways' keys.</summary>
    public IReadOnlyCollection<GatewayRoutingTable> Gateways => _gateways.Values;

    /// <summary>The per-Service mesh tables, in the order of the Services' keys.</summary>
    public IReadOnlyCollection<MeshRoutingTable> Services => _services.Values;

    /// <summary>The table of a Gateway this controller owns, or null.</summary>
    /// <param name="gateway">The Gateway's key.</param>
    /// <returns>The table, or null.</returns>
    public GatewayRoutingTable? FindGateway(ResourceKey gateway) => _gateways.GetValueOrDefault(gateway);

    /// <summary>
    /// The mesh table of a Service, or null when no accepted route binds to it (the mesh's default behaviour then
    /// applies: traffic goes to the Service itself).
    /// </summary>
    /// <param name="service">The Service's key (group "", kind Service).</param>
    /// <returns>The table, or null.</returns>
    public MeshRoutingTable? FindService(ResourceKey service) => _services.GetValueOrDefault(service);

    /// <summary>Compiles the routing tables of an evaluation.</summary>
    /// <param name="result">The evaluation.</param>
    /// <returns>The compiled tables.</returns>
    public static RoutingTable Compile(EvaluationResult result)
    {
        Guard.NotNull(result);
        var compiler = new TableCompiler(result);
        return new RoutingTable(compiler.BuildGateways(), compiler.BuildServices());
    }

    /// <summary>
    /// Compiles the routing tables of an evaluation from those of an earlier one: only the tables of the Gateways and
    /// mesh Services named as changed (and of Gateways the earlier tables lack) are compiled, from the routes attached
    /// to them; every other table is the earlier table itself, shared by reference. The answers are those of
    /// <see cref="Compile(EvaluationResult)"/> when <paramref name="changed"/> holds every Gateway and Service whose
    /// routing differs between the two evaluations, as <see cref="SessionUpdate.RoutingChanged"/> does (across several
    /// batches, the union of theirs). <see cref="SessionUpdate.Routing"/> does this for a session.
    /// </summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="previous">The tables of an earlier evaluation of the same controller.</param>
    /// <param name="changed">The Gateways and Services whose routing changed since <paramref name="previous"/>.</param>
    /// <returns>The compiled tables.</returns>
    /// <remarks>Finding the routes attached to the changed owners reads every route's result once; a session knows them.</remarks>
    public static RoutingTable Compile(EvaluationResult result, RoutingTable previous, IEnumerable<ResourceKey> changed)
    {
        Guard.NotNull(result);
        Guard.NotNull(previous);
        Guard.NotNull(changed);
        return Compile(result, previous, changed, null);
    }

    /// <summary>
    /// <see cref="Compile(EvaluationResult, RoutingTable, IEnumerable{ResourceKey})"/>, given the routes that can be
    /// attached to each Gateway or Service (those whose parentRefs name it or a ListenerSet of it; a superset is fine).
    /// </summary>
    internal static RoutingTable Compile(EvaluationResult result, RoutingTable previous, IEnumerable<ResourceKey> changed, Func<ResourceKey, IEnumerable<ResourceKey>>? routesOf)
    {
        var owners = new HashSet<ResourceKey>(changed);
        foreach (var gateway in result.Gateways)
        {
            if (!previous._gateways.ContainsKey(gateway.Gateway.Key))
            {
                owners.Add(gateway.Gateway.Key);
            }
        }

        var candidates = routesOf is null ? null : new SortedSet<ResourceKey>(owners.SelectMany(routesOf));
        var compiler = owners.Count == 0 ? null : new TableCompiler(result, owners: owners, candidates: candidates);
        var (gateways, services) = compiler is null ? ([], []) : (compiler.BuildGateways(), compiler.BuildServices());
        var allGateways = new Dictionary<ResourceKey, GatewayRoutingTable>(result.Gateways.Count);
        foreach (var gateway in result.Gateways)
        {
            var key = gateway.Gateway.Key;
            allGateways[key] = owners.Contains(key) ? gateways[key] : previous._gateways[key];
        }

        var allServices = new Dictionary<ResourceKey, MeshRoutingTable>(previous._services.Count + services.Count);
        foreach (var (key, table) in previous._services.Where(p => !owners.Contains(p.Key)).Concat(services).OrderBy(p => p.Key))
        {
            allServices[key] = table;
        }

        return new RoutingTable(allGateways, allServices);
    }

    /// <summary>
    /// The Gateway tables of an evaluation compiled for analyses of precedence only (the findings' never-matching
    /// check): listeners, hostname buckets and every served match in precedence order, exactly as
    /// <see cref="Compile(EvaluationResult)"/> builds them, but rules carry no backends, filters or effective policies and no mesh table
    /// is built. Such tables must never answer requests.
    /// </summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="owners">The Gateways whose tables are compiled, from the routes attached to them; null for every one.</param>
    /// <returns>The tables.</returns>
    internal static RoutingTable CompilePrecedence(EvaluationResult result, IReadOnlySet<ResourceKey>? owners = null)
    {
        Guard.NotNull(result);
        return new RoutingTable(new TableCompiler(result, precedenceOnly: true, owners: owners).BuildGateways(), []);
    }
}

/// <summary>
/// The compiled routing of one Gateway: listeners by port, protocol and hostname, and per listener the rules of
/// the routes attached to it (spec digest §4.4, §9–§11).
/// </summary>
public sealed class GatewayRoutingTable
{
    // Listener groups by port and protocol family: few per Gateway, so a linear scan over packed keys; a
    // dictionary when there are many.
    private readonly long[] _keys;
    private readonly HostTiers<ListenerTable>[] _selectors;
    private readonly Dictionary<long, HostTiers<ListenerTable>>? _many;

    // The first HTTP listener group, resolved once: most requests are plain HTTP to it, and when its listeners
    // have no hostnames (one catch-all listener) the listener is known without looking at the Host.
    private readonly int _httpPort = -1;
    private readonly HostTiers<ListenerTable>? _http;
    private readonly ListenerTable? _httpOnly;

    // The routes of _httpOnly, held here too: each object between the table and a hash slot is a dependent load.
    private readonly HostTiers<HostRoutes>? _httpOnlyRoutes;

    internal GatewayRoutingTable(ResourceKey gateway, Dictionary<(int Port, ListenerFamily Family), HostTiers<ListenerTable>> listeners)
    {
        Gateway = gateway;
        _keys = [.. listeners.Keys.Select(k => Key(k.Port, k.Family))];
        _selectors = [.. listeners.Values];
        if (_keys.Length > 16)
        {
            _many = listeners.ToDictionary(p => Key(p.Key.Port, p.Key.Family), p => p.Value);
        }

        foreach (var ((port, family), selector) in listeners)
        {
            if (family == ListenerFamily.Http)
            {
                _httpPort = port;
                _http = selector;
                _httpOnly = selector.OnlyAny ? selector.Any : null;
                _httpOnlyRoutes = _httpOnly?.Http;
                break;
            }
        }
    }

    /// <summary>The listener of the first HTTP port when it is the only one there and has no hostname (tests).</summary>
    internal ListenerTable? HttpOnlyListener => _httpOnly;

    /// <summary>The listener groups by port and protocol family, for analyses of the compiled tables (findings).</summary>
    internal IEnumerable<(int Port, ListenerFamily Family, HostTiers<ListenerTable> Listeners)> ListenerGroups()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            yield return ((int)(_keys[i] >> 8), (ListenerFamily)(_keys[i] & 0xFF), _selectors[i]);
        }
    }

    private static long Key(int port, ListenerFamily family) => ((long)port << 8) | (long)family;

    private HostTiers<ListenerTable>? Selector(int port, ListenerFamily family)
    {
        var key = Key(port, family);
        if (_many is { } many)
        {
            return many.GetValueOrDefault(key);
        }

        var keys = _keys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] == key)
            {
                return _selectors[i];
            }
        }

        return null;
    }

    /// <summary>The Gateway.</summary>
    public ResourceKey Gateway { get; }

    /// <summary>Matches a request and returns a new outcome (convenience; allocates the outcome).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The outcome.</returns>
    public MatchOutcome Match(in RequestView request)
    {
        var outcome = new MatchOutcome();
        Match(request, outcome);
        return outcome;
    }

    /// <summary>
    /// Matches a request, overwriting <paramref name="outcome"/>; allocates nothing. The listener is chosen among
    /// the Ready listeners of the port and protocol by the most specific hostname (exact, longest wildcard, none);
    /// only the routes attached to it are candidates (listener isolation). For HTTPS, the listener the SNI selects
    /// must be the one the Host selects, else 421; no listener for the Host gives 404.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="outcome">The outcome to fill.</param>
    // Never inlined: inlined into a caller, the JIT copies the view (about 170 bytes) into a temporary first.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Match(in RequestView request, MatchOutcome outcome)
    {
        Guard.NotNull(outcome);
        if (request.Protocol == RequestProtocol.Http)
        {
            // The common case on a small frame; every other protocol takes the general path.
            if (request.Port == _httpPort && _httpOnly is { } only)
            {
                Matcher.MatchHttp(only, _httpOnlyRoutes, request, outcome);
                return;
            }

            if ((request.Port == _httpPort ? _http : Selector(request.Port, ListenerFamily.Http))?.Best(request.Host) is { } lt)
            {
                Matcher.MatchHttp(lt, request, outcome);
            }
            else
            {
                outcome.SetNotRouted(null, grpc: false, stream: false);
            }

            return;
        }

        MatchOther(request, outcome);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MatchOther(in RequestView request, MatchOutcome outcome)
    {
        var grpc = request.Protocol == RequestProtocol.Grpc;
        var family = request.Protocol switch
        {
            RequestProtocol.Http => ListenerFamily.Http,
            RequestProtocol.Https => ListenerFamily.Https,
            RequestProtocol.Grpc => request.Sni.IsEmpty && !request.Scheme.SequenceEqual("https") ? ListenerFamily.Http : ListenerFamily.Https,
            RequestProtocol.Tls => ListenerFamily.Tls,
            RequestProtocol.Tcp => ListenerFamily.Tcp,
            _ => ListenerFamily.Udp,
        };
        var stream = family is ListenerFamily.Tls or ListenerFamily.Tcp or ListenerFamily.Udp;
        if (Selector(request.Port, family) is not { } selector)
        {
            outcome.SetNotRouted(null, grpc, stream);
            return;
        }

        switch (family)
        {
            case ListenerFamily.Tcp or ListenerFamily.Udp:
            {
                var lt = selector.Any;
                if (lt?.Stream is { } entry)
                {
                    outcome.SetMatched(lt.Listener, lt.Listener.Listener.Port, entry.Rule, -1, null, request, grpc: false, stream: true);
                }
                else
                {
                    outcome.SetNotRouted(lt?.Listener, grpc: false, stream: true);
                }

                return;
            }

            case ListenerFamily.Tls:
            {
                var sni = request.Sni.IsEmpty ? request.Host : request.Sni;
                var lt = selector.Best(sni);
                var entry = lt?.Tls is { } tiers ? Matcher.First(tiers, sni) : null;
                if (entry is null)
                {
                    outcome.SetNotRouted(lt?.Listener, grpc: false, stream: true);
                }
                else
                {
                    outcome.SetMatched(lt!.Listener, lt.Listener.Listener.Port, entry.Rule, -1, null, request, grpc: false, stream: true);
                }

                return;
            }
        }

        var host = request.Host;
        var selected = selector.Best(host);
        if (family == ListenerFamily.Https)
        {
            var bySni = request.Sni.IsEmpty ? selected : selector.Best(request.Sni);
            if (selected is null || bySni is null)
            {
                outcome.SetNotRouted(null, grpc, stream: false);
                return;
            }

            if (!ReferenceEquals(selected, bySni))
            {
                outcome.SetMisdirected(bySni.Listener, grpc);
                return;
            }
        }

        if (selected is null)
        {
            outcome.SetNotRouted(null, grpc, stream: false);
            return;
        }

        Matcher.MatchListener(selected, request, outcome, grpc);
    }
}

/// <summary>
/// The compiled mesh (GAMMA) routing of one Service (spec digest §13): routes in the Service's namespace are
/// producer routes and apply to every client; routes in another namespace are consumer routes and, for clients of
/// that namespace, replace the producer routes. Hostnames are ignored. GRPCRoutes take precedence over HTTPRoutes
/// on a port. A request that matches no route is rejected (404). A TCP connection is taken by the oldest TCPRoute
/// on its port (the Service itself when there is none).
/// </summary>
public sealed class MeshRoutingTable
{
    private readonly MeshGroup _producer;
    private readonly HostMap<MeshGroup> _consumers;

    internal MeshRoutingTable(ResourceKey service, MeshGroup producer, HostMap<MeshGroup> consumers)
    {
        Service = service;
        _producer = producer;
        _consumers = consumers;
    }

    /// <summary>The Service.</summary>
    public ResourceKey Service { get; }

    /// <summary>Matches a mesh request and returns a new outcome (convenience; allocates the outcome).</summary>
    /// <param name="request">The request; <see cref="RequestView.ClientNamespace"/> selects consumer routes.</param>
    /// <returns>The outcome.</returns>
    public MatchOutcome Match(in RequestView request)
    {
        var outcome = new MatchOutcome();
        Match(request, outcome);
        return outcome;
    }

    /// <summary>Matches a mesh request to the Service's port, overwriting <paramref name="outcome"/>; allocates nothing.</summary>
    /// <param name="request">The request.</param>
    /// <param name="outcome">The outcome to fill.</param>
    public void Match(in RequestView request, MatchOutcome outcome)
    {
        Guard.NotNull(outcome);
        var port = request.Port;
        if (request.Protocol == RequestProtocol.Tcp)
        {
            MatchTcp(request, outcome);
            return;
        }

        var grpc = request.Protocol == RequestProtocol.Grpc;
        var group = _producer;
        if (!request.ClientNamespace.IsEmpty && _consumers.TryGetValue(request.ClientNamespace, out var consumer)
            && (consumer.Http(port).Candidates.Length > 0 || consumer.Grpc(port).Length > 0))
        {
            group = consumer;
        }

        var grpcEntries = group.Grpc(port);
        var http = group.Http(port);
        if (grpcEntries.Length == 0 && http.Candidates.Length == 0)
        {
            outcome.SetMeshDefault(grpc);
            return;
        }

        if (grpc || grpcEntries.Length > 0)
        {
            var entry = grpc ? Matcher.First(grpcEntries, request) : null;
            if (entry is null)
            {
                outcome.SetNotRouted(null, grpc, stream: false);
            }
            else
            {
                outcome.SetMatched(null, port, entry.Rule, entry.MatchIndex, null, request, grpc, stream: false);
                outcome.SetMeshService(Service);
            }

            return;
        }

        var index = Matcher.First(http.Candidates, request);
        if (index < 0)
        {
            outcome.SetNotRouted(null, grpc: false, stream: false);
        }
        else
        {
            outcome.SetMatched(null, port, in http.Candidates[index], http.Rules[index], request);
            outcome.SetMeshService(Service);
        }    }

    /// <summary>
    /// A TCP connection to the Service's port: the oldest TCPRoute bound to the port takes it (consumer routes of the
    /// client's namespace first); with none, the mesh's default, the Service itself. HTTP and gRPC routes do not
    /// take raw connections here.
    /// </summary>
    private void MatchTcp(in RequestView request, MatchOutcome outcome)
    {
        var port = request.Port;
        var entry = !request.ClientNamespace.IsEmpty && _consumers.TryGetValue(request.ClientNamespace, out var consumer) && consumer.Tcp(port) is { } mine
            ? mine
            : _producer.Tcp(port);
        if (entry is null)
        {
            outcome.SetMeshDefault(false);
            return;
        }

        outcome.SetMatched(null, port, entry.Rule, -1, null, request, grpc: false, stream: true);
        outcome.SetMeshService(Service);
    }
}
