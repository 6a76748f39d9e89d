using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

/// <summary>
/// A model of how Istio routes a request, written from the networking API reference: the oracle that
/// <c>convert-istio --verify</c> and the property tests hold the converted objects to. It answers requests that
/// arrive at an Istio Gateway (server by port, protocol and host; VirtualServices bound to the gateway; virtual
/// host by the most specific host; rules in order, first match wins; 404 when none matches) and requests a
/// sidecar sends to a Service (the VirtualService for the host, rules in order, 404 when none matches, the Service
/// itself when no VirtualService applies). Where the documentation is silent, the comments say what is assumed.
/// </summary>
internal sealed class IstioRouter
{
    private readonly IstioInput _input;
    private readonly Snapshot _snapshot;
    private readonly string _domain;
    private readonly Func<ResourceKey, string?, ResourceKey?> _subsetService;
    private readonly Re2Patterns _re2 = new();
    private readonly Dictionary<ResourceKey, List<EffectiveHttpRule>> _expanded = [];
    private readonly List<VirtualServiceObject> _ordered;

    /// <param name="input">The Istio objects.</param>
    /// <param name="snapshot">The input, for Services.</param>
    /// <param name="clusterDomain">The cluster domain of Service host names.</param>
    /// <param name="subsetService">The output Service that carries a (Service, subset) pair; the Service itself for no subset; null when the subset is not defined.</param>
    public IstioRouter(IstioInput input, Snapshot snapshot, string clusterDomain, Func<ResourceKey, string?, ResourceKey?> subsetService)
    {
        _input = input;
        _snapshot = snapshot;
        _domain = clusterDomain;
        _subsetService = subsetService;

        // The order of VirtualServices merged on one host is undefined (traffic management best practices); the
        // model takes the oldest first, then namespace/name, as Kubernetes lists objects.
        _ordered = [.. input.VirtualServices.OrderBy(v => v.Metadata.CreationTimestamp).ThenBy(v => v.Key)];
    }

    /// <summary>Answers a probe sent to an Istio Gateway or to a Service, with the rule that decided (null when none did).</summary>
    public (RoutingAnswer Answer, RuleOrigin? Origin) Answer(TargetedProbe probe)
    {
        if (probe.Gateway is { } g)
        {
            var gateway = _input.Gateways.FirstOrDefault(x => x.Key == g);
            return gateway is null ? NotFound(probe) : AnswerGateway(gateway, probe);
        }

        return probe.Service is { } s ? AnswerMesh(s, probe) : NotFound(probe);
    }

    /// <summary>
    /// Whether an issue on a Gateway or a DestinationRule concerns a request: on the Gateway the request arrives at,
    /// an issue on all its servers, or on the server of the request's port (on one of its hosts only when that host
    /// covers the request's host or SNI); on a DestinationRule, only when either answer sends the request to its
    /// Service or to one of its subsets. Issues elsewhere on the same objects explain nothing about the request.
    /// </summary>
    public bool Concerns(ConversionIssue issue, TargetedProbe probe, RoutingAnswer expected, RoutingAnswer actual)
    {
        if (issue.Subject is not { } subject)
        {
            return false;
        }

        if (probe.Gateway == subject && _input.Gateways.FirstOrDefault(g => g.Key == subject) is { } gateway)
        {
            var field = issue.Field ?? string.Empty;
            if (field is "" or "spec" or "spec.servers")
            {
                return true;
            }

            var server = gateway.Servers.FirstOrDefault(s => field == s.Field || field.StartsWith(s.Field + ".", StringComparison.Ordinal));
            if (server is null || server.Port != probe.Port)
            {
                return false;
            }

            var host = server.Hosts.FirstOrDefault(h => field == h.Field || field.StartsWith(h.Field + ".", StringComparison.Ordinal));
            return host is null || probe.Protocol == RequestProtocol.Tcp || HostMatches(host.Host, (probe.Sni ?? probe.Host).ToLowerInvariant());
        }

        if (_input.DestinationRules.FirstOrDefault(d => d.Key == subject) is { } rule
            && ServiceHosts.Resolve(rule.Host, rule.Key.Namespace, _domain) is { } service)
        {
            var prefixes = rule.Subsets.Select(x => _subsetService(service, x.Name)).OfType<ResourceKey>()
                .Select(k => $"{k.Namespace}/{k.Name}:")
                .Append($"{service.Namespace}/{service.Name}:").Append($"{service.Namespace}/{service.Name}/").ToList();
            return expected.Backends.Concat(actual.Backends).Any(b => prefixes.Any(p => b.Backend.StartsWith(p, StringComparison.Ordinal)));
        }

        return false;
    }

    /// <summary>No virtual host, no rule: 404 (a refused connection for TLS and TCP).</summary>
    private static (RoutingAnswer, RuleOrigin?) NotFound(TargetedProbe probe) => (MeshVerifier.Refused(probe), null);

    private List<EffectiveHttpRule> Rules(VirtualServiceObject vs)
    {
        if (!_expanded.TryGetValue(vs.Key, out var rules))
        {
            _expanded[vs.Key] = rules = IstioRules.Expand(vs, _input.VirtualServices, null);
        }

        return rules;
    }

    // ---- Gateways -------------------------------------------------------------------------------------------

    /// <summary>Protocols whose servers route HTTP with the VirtualService's <c>http</c> rules (Gateway reference, Port.protocol).</summary>
    public static bool IsPlainHttp(string protocol) => protocol is "HTTP" or "HTTP2" or "GRPC" or "GRPC-WEB";

    /// <summary>Whether a server terminates TLS and routes the HTTP inside (HTTPS with SIMPLE, MUTUAL, OPTIONAL_MUTUAL or ISTIO_MUTUAL).</summary>
    public static bool IsTerminatedHttps(IstioServer server) => server.Protocol == "HTTPS" && server.TlsMode is "SIMPLE" or "MUTUAL" or "OPTIONAL_MUTUAL" or "ISTIO_MUTUAL";

    /// <summary>Whether a server passes TLS through, routed by SNI with the <c>tls</c> rules.</summary>
    public static bool IsPassthrough(IstioServer server) => server.Protocol is "HTTPS" or "TLS" && server.TlsMode is null or "PASSTHROUGH" or "AUTO_PASSTHROUGH";

    /// <summary>Whether a server routes opaque TCP with the <c>tcp</c> rules (TCP, MONGO, or TLS terminated at the gateway).</summary>
    public static bool IsTcp(IstioServer server) => server.Protocol is "TCP" or "MONGO" || (server.Protocol == "TLS" && server.TlsMode is "SIMPLE" or "MUTUAL" or "ISTIO_MUTUAL" or "OPTIONAL_MUTUAL");

    /// <summary>
    /// The host a VirtualService host and a server host both cover, the more specific of the two (Gateway reference,
    /// Server.hosts: "The match could be an exact match or a suffix match with the server's hosts"), or null.
    /// </summary>
    public static string? IntersectHosts(string vsHost, string serverHost)
    {
        vsHost = vsHost.ToLowerInvariant();
        serverHost = serverHost.ToLowerInvariant();
        if (vsHost == serverHost || serverHost == "*")
        {
            return vsHost;
        }

        if (vsHost == "*")
        {
            return serverHost;
        }

        if (serverHost.StartsWith("*.", StringComparison.Ordinal) && vsHost.EndsWith(serverHost[1..], StringComparison.Ordinal))
        {
            return vsHost;
        }

        return vsHost.StartsWith("*.", StringComparison.Ordinal) && serverHost.EndsWith(vsHost[1..], StringComparison.Ordinal) ? serverHost : null;
    }

    /// <summary>Whether a server host's namespace part lets a VirtualService of a namespace bind (<c>*</c> any, <c>.</c> the gateway's).</summary>
    public static bool AllowsNamespace(IstioServerHost host, string vsNamespace, string gatewayNamespace)
        => host.Namespace == "*" || (host.Namespace == "." ? vsNamespace == gatewayNamespace : host.Namespace == vsNamespace);

    /// <summary>Whether a host pattern (exact, <c>*.suffix</c>, or <c>*</c>) covers a request host; Envoy's suffix wildcards cover any number of labels.</summary>
    public static bool HostMatches(string pattern, string host)
        => pattern == "*" || string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)
            || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1);

    /// <summary>The most specific pattern that covers a host: exact, then the longest suffix wildcard, then <c>*</c> (Envoy virtual host selection).</summary>
    public static string? MostSpecific(IEnumerable<string> patterns, string host)
        => patterns.Where(p => HostMatches(p, host))
            .OrderByDescending(p => p == "*" ? 0 : p.StartsWith("*.", StringComparison.Ordinal) ? 1 : 2)
            .ThenByDescending(p => p.Length)
            .ThenBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault();

    private (RoutingAnswer, RuleOrigin?) AnswerGateway(IstioGatewayObject gateway, TargetedProbe probe)
    {
        var servers = gateway.Servers.Where(s => s.Port == probe.Port).ToList();
        var host = probe.Host;
        switch (probe.Protocol)
        {
            case RequestProtocol.Tls:
                return AnswerTls(gateway, servers.Where(IsPassthrough).ToList(), probe);
            case RequestProtocol.Tcp:
                return AnswerTcp(gateway, servers.Where(IsTcp).ToList(), probe);
            case RequestProtocol.Https:
            {
                // The server is chosen by SNI among the terminating servers of the port (one filter chain each).
                var tls = servers.Where(IsTerminatedHttps).ToList();
                var sni = (probe.Sni ?? host).ToLowerInvariant();
                var best = MostSpecific(tls.SelectMany(s => s.Hosts.Select(h => h.Host)), sni);
                var server = best is null ? null : tls.First(s => s.Hosts.Any(h => h.Host == best));
                return server is null ? NotFound(probe) : RouteHttp(gateway, [server], probe, "https");
            }

            default:
            {
                var plain = servers.Where(s => IsPlainHttp(s.Protocol)).ToList();
                var best = MostSpecific(plain.SelectMany(s => s.Hosts.Select(h => h.Host)), host);
                if (best is not null && plain.First(s => s.Hosts.Any(h => h.Host == best)).HttpsRedirect)
                {
                    // tls.httpsRedirect: "the load balancer will send a 301 redirect for all http connections".
                    return (new RoutingAnswer { Status = 301, Location = "https://" + host + probe.PathAndQuery, Note = "httpsRedirect" }, new RuleOrigin(gateway.Key, plain.First(s => s.Hosts.Any(h => h.Host == best)).Field + ".tls.httpsRedirect"));
                }

                return RouteHttp(gateway, plain.Where(s => !s.HttpsRedirect).ToList(), probe, "http");
            }
        }
    }

    /// <summary>The VirtualServices bound to a gateway with a host a server of the list exposes, and the virtual host domains each gets.</summary>
    private List<(VirtualServiceObject Vs, string Domain)> VirtualHosts(IstioGatewayObject gateway, List<IstioServer> servers, Func<VirtualServiceObject, bool> hasRules)
    {
        var result = new List<(VirtualServiceObject, string)>();
        foreach (var vs in _ordered.Where(v => !v.IsDelegate && hasRules(v) && Bound(v, gateway.Key)))
        {
            foreach (var vsHost in vs.Hosts)
            {
                foreach (var server in servers)
                {
                    foreach (var serverHost in server.Hosts.Where(h => AllowsNamespace(h, vs.Key.Namespace, gateway.Key.Namespace)))
                    {
                        if (IntersectHosts(vsHost, serverHost.Host) is { } domain && !result.Contains((vs, domain)))
                        {
                            result.Add((vs, domain));
                        }
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Whether a VirtualService is bound to a gateway at its top level, or in some match block's <c>gateways</c>.</summary>
    private static bool Bound(VirtualServiceObject vs, ResourceKey gateway)
        => IstioRules.NamesGateway(vs.Gateways, vs.Key.Namespace, gateway)
            || vs.Http.Any(r => r.Matches.Any(m => IstioRules.NamesGateway(m.Gateways, vs.Key.Namespace, gateway)))
            || vs.Tls.Concat(vs.Tcp).Any(r => r.Matches.Any(m => IstioRules.NamesGateway(m.Gateways, vs.Key.Namespace, gateway)));

    private (RoutingAnswer, RuleOrigin?) RouteHttp(IstioGatewayObject gateway, List<IstioServer> servers, TargetedProbe probe, string scheme)
    {
        if (servers.Count == 0)
        {
            return NotFound(probe);
        }

        var hosts = VirtualHosts(gateway, servers, v => v.Http.Count > 0);
        var domain = MostSpecific(hosts.Select(h => h.Domain).Distinct(), probe.Host);
        if (domain is null)
        {
            return NotFound(probe);
        }

        var merged = hosts.Where(h => h.Domain == domain).Select(h => h.Vs).Distinct().ToList();
        var rules = merged.SelectMany(Rules).ToList();
        if (merged.Count > 1)
        {
            // "All such catch-all rules will be moved to the end of the list in the merged configuration."
            rules = [.. rules.Where(r => r.Matches.Count > 0), .. rules.Where(r => r.Matches.Count == 0)];
        }

        var context = new IstioContext
        {
            Gateway = gateway.Key,
            Port = probe.Port,
            Scheme = scheme,
            ProxyLabels = gateway.Selector,
            ProxyNamespace = gateway.Key.Namespace,
        };
        return RouteRules(rules, context, probe);
    }

    private (RoutingAnswer, RuleOrigin?) AnswerTls(IstioGatewayObject gateway, List<IstioServer> servers, TargetedProbe probe)
    {
        var sni = (probe.Sni ?? string.Empty).ToLowerInvariant();
        if (servers.Count == 0 || !servers.Any(s => s.Hosts.Any(h => HostMatches(h.Host, sni))))
        {
            return NotFound(probe);
        }

        // Each VirtualService's tls rules in order, VirtualServices oldest first; the first rule with a match block
        // whose sniHosts cover the SNI (and whose port, if set, is the server's) wins (TLSRoute, TLSMatchAttributes).
        foreach (var vs in _ordered.Where(v => !v.IsDelegate && v.Tls.Count > 0 && Bound(v, gateway.Key)))
        {
            foreach (var rule in vs.Tls)
            {
                if (rule.Matches.Any(m => L4Applies(m, vs, gateway, probe.Port) && m.SniHosts.Any(h => HostMatches(h, sni))))
                {
                    return Forward(vs, rule.Route, probe, rule.Field);
                }
            }
        }

        return NotFound(probe);
    }

    private (RoutingAnswer, RuleOrigin?) AnswerTcp(IstioGatewayObject gateway, List<IstioServer> servers, TargetedProbe probe)
    {
        if (servers.Count == 0)
        {
            return NotFound(probe);
        }

        foreach (var vs in _ordered.Where(v => !v.IsDelegate && v.Tcp.Count > 0 && Bound(v, gateway.Key)))
        {
            foreach (var rule in vs.Tcp)
            {
                if (rule.Matches.Count == 0 || rule.Matches.Any(m => L4Applies(m, vs, gateway, probe.Port)))
                {
                    return Forward(vs, rule.Route, probe, rule.Field);
                }
            }
        }

        return NotFound(probe);
    }

    private static bool L4Applies(IstioL4Match m, VirtualServiceObject vs, IstioGatewayObject gateway, int port)
    {
        if (m.Gateways.Count > 0 ? !IstioRules.NamesGateway(m.Gateways, vs.Key.Namespace, gateway.Key) : !IstioRules.NamesGateway(vs.Gateways, vs.Key.Namespace, gateway.Key))
        {
            return false;
        }

        return m.Port is null || m.Port == port;
    }

    private (RoutingAnswer, RuleOrigin?) Forward(VirtualServiceObject vs, EquatableArray<IstioRouteDestination> route, TargetedProbe probe, string field, bool mesh = false)
    {
        var backends = Backends(vs, route, probe.Port, mesh);
        var origin = new RuleOrigin(vs.Key, field);
        return backends.Any(b => b.Weight > 0)
            ? (new RoutingAnswer { Status = 200, Backends = backends.ToEquatableArray(), Note = "connection forwarded" }, origin)
            : (MeshVerifier.Refused(probe), origin);
    }

    // ---- Mesh -----------------------------------------------------------------------------------------------

    /// <summary>
    /// The VirtualService a sidecar uses for a Service: one bound to the mesh (no gateways, or <c>mesh</c> among
    /// them) with a host naming the Service, exported to the client's namespace. "Host merging is not supported in
    /// sidecars" (best practices); which one wins is not documented: the model takes the oldest.
    /// </summary>
    public static VirtualServiceObject? MeshVirtualService(IEnumerable<VirtualServiceObject> ordered, ResourceKey service, string clientNamespace, string clusterDomain)
    {
        var fqdn = ServiceHosts.Fqdn(service, clusterDomain);
        return ordered.FirstOrDefault(v => !v.IsDelegate && v.Http.Count > 0
            && (IstioRules.NamesMesh(v.Gateways, topLevel: true) || v.Http.Any(r => r.Matches.Any(m => m.Gateways.Contains(IstioRules.Mesh, StringComparer.Ordinal))))
            && Exported(v.ExportTo, v.Key.Namespace, clientNamespace)
            && v.Hosts.Any(h => ServiceHosts.Resolve(h, v.Key.Namespace, clusterDomain) == service || (h.Contains('*', StringComparison.Ordinal) && HostMatches(h, fqdn))));
    }

    /// <summary>Whether <c>exportTo</c> makes an object visible in a namespace: empty or <c>*</c> everywhere, <c>.</c> its own namespace.</summary>
    public static bool Exported(EquatableArray<string> exportTo, string ownNamespace, string clientNamespace)
        => exportTo.Count == 0 || exportTo.Any(e => e == "*" || (e == "." ? ownNamespace == clientNamespace : e == clientNamespace));

    private (RoutingAnswer, RuleOrigin?) AnswerMesh(ResourceKey service, TargetedProbe probe)
    {
        var svc = _snapshot.Find<Service>(service);
        if (svc is null)
        {
            return NotFound(probe);
        }

        if (probe.Protocol == RequestProtocol.Tcp)
        {
            return AnswerMeshTcp(svc, probe);
        }

        var vs = MeshVirtualService(_ordered, service, probe.ClientNamespace, _domain);
        if (vs is null)
        {
            return (MeshVerifier.ToService(svc, service, probe.Port), null);
        }

        var context = new IstioContext { Gateway = null, Port = probe.Port, Scheme = "http", ProxyNamespace = probe.ClientNamespace };
        return RouteRules(Rules(vs), context, probe);
    }

    /// <summary>
    /// A TCP connection a sidecar sends to a Service port: the oldest mesh VirtualService with tcp rules for the host
    /// that the client sees (exportTo) takes it, by its first tcp rule that applies to the port and the client
    /// (<see cref="IstioRules.FirstMeshTcpRule"/>); the destinations by weight. Assumed where the reference is silent:
    /// with no such VirtualService, or no rule that applies, the connection goes to the Service itself (the
    /// sidecar's default route for the port).
    /// </summary>
    private (RoutingAnswer, RuleOrigin?) AnswerMeshTcp(Service svc, TargetedProbe probe)
    {
        var vs = _ordered.FirstOrDefault(v => IstioRules.MeshTcp(v) && Exported(v.ExportTo, v.Key.Namespace, probe.ClientNamespace)
            && v.Hosts.Any(h => ServiceHosts.Resolve(h, v.Key.Namespace, _domain) == svc.Key));
        if (vs is null || IstioRules.FirstMeshTcpRule(vs, probe.Port, probe.ClientNamespace) is not { } rule)
        {
            return (MeshVerifier.ToService(svc, svc.Key, probe.Port), null);
        }

        return Forward(vs, rule.Route, probe, rule.Field, mesh: true);
    }

    // ---- HTTP rules -----------------------------------------------------------------------------------------

    private (RoutingAnswer, RuleOrigin?) RouteRules(List<EffectiveHttpRule> rules, IstioContext context, TargetedProbe probe)
    {
        foreach (var rule in rules)
        {
            if (IstioRules.Specialize(rule, context) is not { } matches)
            {
                continue;
            }

            if (matches.Count == 0)
            {
                return Act(rule, null, probe, context);
            }

            foreach (var m in matches)
            {
                if (Matches(m, probe, context.Scheme))
                {
                    return Act(rule, m, probe, context);
                }
            }
        }

        return NotFound(probe);
    }

    /// <summary>Whether a request satisfies a match block's runtime conditions (HTTPMatchRequest).</summary>
    public bool Matches(IstioHttpMatch m, TargetedProbe probe, string scheme)
    {
        if (m.Uri is { } uri && !uri.Matches(probe.Path, _re2, m.IgnoreUriCase && uri.Kind is StringMatchKind.Exact or StringMatchKind.Prefix))
        {
            return false;
        }

        if ((m.Scheme is { } s && !s.Matches(scheme, _re2)) || (m.Method is { } method && !method.Matches(probe.Method, _re2))
            || (m.Authority is { } authority && !authority.Matches(probe.Authority, _re2)))
        {
            return false;
        }

        foreach (var h in m.Headers)
        {
            // "The keys uri, scheme, method, and authority will be ignored."
            if (h.Name is "uri" or "scheme" or "method" or "authority")
            {
                continue;
            }

            if (probe.Header(h.Name) is not { } value || !h.Match.Matches(value, _re2))
            {
                return false;
            }
        }

        foreach (var h in m.WithoutHeaders)
        {
            // "If a header is matched with a matching rule among withoutHeader, the traffic becomes not matched."
            if (probe.Header(h.Name) is { } value && h.Match.Matches(value, _re2))
            {
                return false;
            }
        }

        foreach (var q in m.QueryParams)
        {
            if (probe.Query(q.Name) is not { } value || !q.Match.Matches(value, _re2))
            {
                return false;
            }
        }

        return true;
    }

    private (RoutingAnswer, RuleOrigin?) Act(EffectiveHttpRule effective, IstioHttpMatch? matched, TargetedProbe probe, IstioContext context)
    {
        var rule = effective.Rule;
        var origin = effective.Origin;
        var note = $"{effective.Owner.Key.Namespace}/{effective.Owner.Key.Name} {rule.Field}";
        if (rule.Redirect is { } redirect)
        {
            return (new RoutingAnswer { Status = redirect.RedirectCode, Location = Location(redirect, matched, probe, context), Note = note }, origin);
        }

        if (rule.DirectResponseStatus is { } status)
        {
            return (new RoutingAnswer { Status = status, Note = note + " direct response" }, origin);
        }

        var backends = Backends(effective.Owner, rule.Route, probe.Port, mesh: context.Gateway is null);
        if (!backends.Any(b => b.Weight > 0))
        {
            // Envoy answers 503 when no destination of the rule can take the request (unknown host or subset).
            return (new RoutingAnswer { Status = 503, Backends = backends.ToEquatableArray(), Note = note + ": no destination" }, origin);
        }

        // The destination whose own header operations run: the valid one with the greatest weight, the first on a
        // tie (the same choice the converted rule's backend filters are evaluated with).
        var chosen = -1;
        for (var i = 0; i < backends.Count; i++)
        {
            if (backends[i].Weight > 0 && (chosen < 0 || backends[i].Weight > backends[chosen].Weight))
            {
                chosen = i;
            }
        }

        var original = probe.AllHeaders().Select(h => (Name: h.Name.ToLowerInvariant(), h.Value)).ToList();
        var headers = original.ToList();
        var host = probe.Authority;
        var path = probe.PathAndQuery;
        if (rule.Rewrite is { } rewrite)
        {
            if (rewrite.Authority is { Length: > 0 } authority)
            {
                host = authority;
                Set(headers, "host", authority);
            }

            path = RewritePath(rewrite, matched, probe) ?? path;
        }

        var effects = new List<string>();
        Apply(rule.Headers, headers, effects);
        if (chosen >= 0 && rule.Route[chosen].Headers is { } own)
        {
            Apply(own, headers, effects);
        }

        effects.AddRange(original.Where(o => o.Name != "host" && !headers.Any(h => h.Name == o.Name)).Select(o => "remove request " + o.Name));
        effects.AddRange(rule.Mirrors.Select(m =>
        {
            var name = BackendName(effective.Owner, m.Destination, probe.Port, mesh: context.Gateway is null, out _);
            return $"mirror {name} {(m.Percentage ?? 100).ToString("0.####", CultureInfo.InvariantCulture)}%";
        }));
        return (new RoutingAnswer
        {
            Status = 200,
            Backends = backends.ToEquatableArray(),
            PathAndQuery = path,
            Host = host,
            SetHeaders = headers.Where(h => h.Name != "host" && !original.Contains(h)).Select(h => new HttpHeader(h.Name, h.Value))
                .OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToEquatableArray(),
            Effects = effects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToEquatableArray(),
            Note = note,
        }, origin);
    }

    private static void Set(List<(string Name, string Value)> headers, string name, string value)
    {
        headers.RemoveAll(h => h.Name == name);
        headers.Add((name, value));
    }

    /// <summary>Header operations: set overwrites, add appends to the comma-separated list, remove deletes (Headers.HeaderOperations).</summary>
    private static void Apply(IstioHeaders? ops, List<(string Name, string Value)> headers, List<string> response)
    {
        if (ops is null)
        {
            return;
        }

        foreach (var (name, value) in ops.Request.Set)
        {
            Set(headers, name.ToLowerInvariant(), value);
        }

        foreach (var (name, value) in ops.Request.Add)
        {
            var lower = name.ToLowerInvariant();
            var i = headers.FindIndex(h => h.Name == lower);
            if (i >= 0)
            {
                headers[i] = (lower, headers[i].Value + "," + value);
            }
            else
            {
                headers.Add((lower, value));
            }
        }

        foreach (var name in ops.Request.Remove)
        {
            var lower = name.ToLowerInvariant();
            headers.RemoveAll(h => h.Name == lower);
        }

        response.AddRange(ops.Response.Set.Select(p => $"response set {p.Key.ToLowerInvariant()}: {p.Value}"));
        response.AddRange(ops.Response.Add.Select(p => $"response add {p.Key.ToLowerInvariant()}: {p.Value}"));
        response.AddRange(ops.Response.Remove.Select(n => $"response remove {n.ToLowerInvariant()}"));
    }

    /// <summary>
    /// The path after <c>rewrite.uri</c>: "If the original URI was matched based on prefix, the value provided in this
    /// field will replace the corresponding matched prefix"; otherwise the whole path is replaced. Without a uri
    /// condition the documentation is silent: the model replaces the whole path. The query string is kept.
    /// </summary>
    private static string? RewritePath(IstioRewrite rewrite, IstioHttpMatch? matched, TargetedProbe probe)
    {
        var query = probe.PathAndQuery.Length > probe.Path.Length ? probe.PathAndQuery[probe.Path.Length..] : string.Empty;
        if (rewrite.RegexMatch is { Length: > 0 } pattern)
        {
            return Re2Patterns.ReplaceAll(pattern, probe.Path, rewrite.RegexRewrite ?? string.Empty) is { } replaced ? replaced + query : null;
        }

        if (rewrite.Uri is not { Length: > 0 } uri)
        {
            return null;
        }

        if (matched?.Uri is { Kind: StringMatchKind.Prefix } prefix)
        {
            return uri + probe.Path[prefix.Value.Length..] + query;
        }

        return uri + query;
    }

    /// <summary>
    /// The redirect Location: scheme (the request's unless set), authority (the request's host unless set), port
    /// (<c>port</c>; the request's port for <c>derivePort: FROM_REQUEST_PORT</c>; otherwise the scheme's default,
    /// which the reference gives for FROM_PROTOCOL_DEFAULT and which the model also assumes when neither is set), and
    /// path (<c>uri</c> replaces it whole; <c>prefixRewrite</c> replaces the matched prefix). The query is kept.
    /// </summary>
    private static string Location(IstioRedirect redirect, IstioHttpMatch? matched, TargetedProbe probe, IstioContext context)
    {
        var scheme = redirect.Scheme is { Length: > 0 } s ? s.ToLowerInvariant() : context.Scheme;
        var host = redirect.Authority is { Length: > 0 } a ? a : probe.Host;
        int? port = redirect.Port is { } p and > 0 ? p : redirect.DerivePort == "FROM_REQUEST_PORT" ? probe.Port : null;
        var query = probe.PathAndQuery.Length > probe.Path.Length ? probe.PathAndQuery[probe.Path.Length..] : string.Empty;
        var path = probe.Path;
        if (redirect.Uri is { Length: > 0 } uri)
        {
            path = uri;
        }
        else if (redirect.PrefixRewrite is { } rewrite && matched?.Uri is { Kind: StringMatchKind.Prefix } prefix)
        {
            path = rewrite + probe.Path[prefix.Value.Length..];
        }

        var showPort = port is { } x && !((scheme == "http" && x == 80) || (scheme == "https" && x == 443));
        return $"{scheme}://{host}{(showPort ? ":" + port!.Value.ToString(CultureInfo.InvariantCulture) : string.Empty)}{path}{query}";
    }

    /// <summary>The rule's destinations as answered backends; a destination that does not resolve gets weight 0 (its share fails).</summary>
    private List<AnsweredBackend> Backends(VirtualServiceObject owner, EquatableArray<IstioRouteDestination> route, int requestPort, bool mesh)
    {
        var result = new List<AnsweredBackend>();
        foreach (var d in route)
        {
            // "If there is only one destination in a rule, it will receive all traffic. Otherwise, if weight is 0,
            // the destination will not receive any traffic."
            var weight = route.Count == 1 ? 1 : d.Weight ?? 0;
            var name = BackendName(owner, d.Destination, requestPort, mesh, out var valid);
            result.Add(new AnsweredBackend(name, valid ? weight : 0));
        }

        return result;
    }

    /// <summary>
    /// The output name (<c>namespace/name:port</c>) of a destination and whether it resolves: a Service of the input
    /// (host resolved as Istio resolves Kubernetes names), a subset some DestinationRule defines, and a port (the
    /// one written; else the Service's only port; else, in the mesh, the port the request was sent to, the Service
    /// having it). "Traffic forwarded to destinations that are not found [...] will be dropped."
    /// </summary>
    private string BackendName(VirtualServiceObject owner, IstioDestination d, int requestPort, bool mesh, out bool valid)
    {
        valid = false;
        var key = ServiceHosts.Resolve(d.Host, owner.Key.Namespace, _domain);
        var svc = key is { } k ? _snapshot.Find<Service>(k) : null;
        if (svc is null)
        {
            return d.Host + (d.Subset is null ? string.Empty : "/" + d.Subset) + (d.Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : string.Empty);
        }

        var port = d.Port ?? (svc.Ports.Count == 1 ? svc.Ports[0].Port : mesh && svc.FindPort(requestPort) is not null ? requestPort : (int?)null);
        var target = _subsetService(svc.Key, d.Subset);
        var name = target is { } t ? $"{t.Namespace}/{t.Name}" : $"{svc.Namespace}/{svc.Name}/{d.Subset}";
        valid = target is not null && port is { } q && svc.FindPort(q) is not null;
        return name + ":" + (port?.ToString(CultureInfo.InvariantCulture) ?? "?");
    }
}
