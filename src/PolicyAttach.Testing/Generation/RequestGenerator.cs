using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Testing;

/// <summary>
/// Requests aimed at a world: hits built from the matches of the rules that attached (host from the hostnames the
/// route serves on the listener, path, method, headers and query from the match), near misses (a hit changed in one
/// detail), and misses. Hits are enumerated in a fixed order, so a world always offers the same requests.
/// </summary>
internal static class RequestGenerator
{
    /// <summary>The most hits enumerated per world.</summary>
    private const int MaxHits = 256;

    private static readonly Dictionary<string, string> RegexExamples = new(StringComparer.Ordinal)
    {
        ["/a.*"] = "/a1",
        ["/[ab]+"] = "/ab",
        ["/b/.*"] = "/b/x",
    };

    public static Gen<TestRequest> Request(TestWorld world, RequestAim? aim)
    {
        var hits = Hits(world);
        var misses = Misses(world);
        var hit = hits.Count > 0 ? Gen.Elements(hits.ToArray()) : Gen.Elements(misses.ToArray());
        var near = hit.SelectMany(h => Gen.Elements(NearMisses(h).DefaultIfEmpty(h).ToArray()));
        var miss = Gen.Elements(misses.ToArray());
        return aim switch
        {
            RequestAim.Hit => hit,
            RequestAim.NearMiss => near,
            RequestAim.Miss => miss,
            _ => Gen.Frequency((hits.Count > 0 ? 5 : 0, hit), (hits.Count > 0 ? 4 : 0, near), (1, miss)),
        };
    }

    /// <summary>One request per (route, parent, listener, rule, match) that attached, and per Ingress path; at most <see cref="MaxHits"/>.</summary>
    public static List<TestRequest> Hits(TestWorld world)
    {
        var result = world.Result;
        var hits = new List<TestRequest>();
        var listeners = result.Gateways.SelectMany(g => g.Listeners.Select(l => (Gateway: g.Gateway.Key, Listener: l)))
            .Concat(result.ListenerSets.SelectMany(s => s.Listeners.Select(l => (Gateway: s.Parent, Listener: l))))
            .ToDictionary(x => (x.Listener.Owner, x.Listener.Name), x => x);
        foreach (var route in result.Routes)
        {
            foreach (var parent in route.Parents.Where(p => p.IsAccepted))
            {
                if (parent.ParentRef.Kind == "Service")
                {
                    var service = world.Snapshot.Find<Service>(parent.ParentRef.TargetKey);
                    var port = parent.ParentRef.Port ?? (service is { Ports.Count: > 0 } ? service.Ports[0].Port : 80);
                    var mesh = new TestRequest
                    {
                        Target = RequestTarget.Service,
                        Namespace = parent.ParentRef.Namespace,
                        Name = parent.ParentRef.Name,
                        ClientNamespace = route.Route.Namespace,
                        Port = port,
                        Host = $"{parent.ParentRef.Name}.{parent.ParentRef.Namespace}.svc.cluster.local:{port}",
                    };
                    hits.AddRange(RuleHits(route.Route, mesh, route.Route.Kind == "GRPCRoute" ? RequestProtocol.Grpc : RequestProtocol.Http, null));
                    continue;
                }

                foreach (var verdict in parent.Listeners.Where(v => v.Attached))
                {
                    if (!listeners.TryGetValue((verdict.Owner, verdict.ListenerName), out var at))
                    {
                        continue;
                    }

                    var listener = at.Listener.Listener;
                    var host = Concrete(verdict.Hostnames.FirstOrDefault(h => h != "*") ?? listener.Hostname ?? "example.com");
                    var request = new TestRequest { Target = RequestTarget.Gateway, Namespace = at.Gateway.Namespace, Name = at.Gateway.Name, Port = listener.Port, Host = host };
                    hits.AddRange(listener.Protocol switch
                    {
                        Protocols.Http => RuleHits(route.Route, request, route.Route.Kind == "GRPCRoute" ? RequestProtocol.Grpc : RequestProtocol.Http, null),
                        Protocols.Https => RuleHits(route.Route, request, route.Route.Kind == "GRPCRoute" ? RequestProtocol.Grpc : RequestProtocol.Https, host),
                        Protocols.Tls => [request with { Protocol = RequestProtocol.Tls, Host = string.Empty, Sni = host, Note = $"hit of {route.Route.Key}" }],
                        Protocols.Tcp => [request with { Protocol = RequestProtocol.Tcp, Host = string.Empty, Note = $"hit of {route.Route.Key}" }],
                        Protocols.Udp => [request with { Protocol = RequestProtocol.Udp, Host = string.Empty, Note = $"hit of {route.Route.Key}" }],
                        _ => [],
                    });
                }
            }
        }

        foreach (var ingress in world.Snapshot.OfType<Ingress>())
        {
            var className = ingress.IngressClassName ?? world.Snapshot.OfType<IngressClass>().Where(c => c.IsDefaultClass).Select(c => c.Name).Order(StringComparer.Ordinal).FirstOrDefault();
            if (className is null)
            {
                continue;
            }

            var request = new TestRequest { Target = RequestTarget.Ingress, Name = className, Port = 80 };
            for (var r = 0; r < ingress.Rules.Count; r++)
            {
                foreach (var path in ingress.Rules[r].Paths)
                {
                    hits.Add(request with { Host = Concrete(ingress.Rules[r].Host ?? "example.com"), Path = path.Path, Note = $"hit of {ingress.Key} rule {r}" });
                }
            }

            foreach (var tls in ingress.Tls.Where(t => t.Hosts.Count > 0))
            {
                var host = Concrete(tls.Hosts[0]);
                hits.Add(request with { Protocol = RequestProtocol.Https, Port = 443, Host = host, Sni = host, Note = $"hit of {ingress.Key} TLS" });
            }

            if (ingress.DefaultBackend is not null)
            {
                hits.Add(request with { Host = "default.example.com", Path = "/", Note = $"hit of {ingress.Key} default backend" });
            }
        }

        return hits.Take(MaxHits).ToList();
    }

    /// <summary>A request per match of every rule of a route, on top of <paramref name="request"/>.</summary>
    private static IEnumerable<TestRequest> RuleHits(RouteBase route, TestRequest request, RequestProtocol protocol, string? sni)
    {
        request = request with { Protocol = protocol, Sni = sni };
        switch (route)
        {
            case HttpRoute http:
                for (var r = 0; r < http.Rules.Count; r++)
                {
                    var matches = http.Rules[r].Matches.IsEmpty ? [HttpRouteMatch.Default] : http.Rules[r].Matches;
                    foreach (var match in matches)
                    {
                        var query = string.Join('&', match.QueryParams.DistinctBy(q => q.Name).Select(q => $"{q.Name}={Example(q.Type, q.Value)}"));
                        yield return request with
                        {
                            Method = match.Method ?? "GET",
                            Path = Path(match.Path) + (query.Length == 0 ? string.Empty : "?" + query),
                            Headers = [.. match.Headers.DistinctBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Select(h => new RequestHeader(h.Name, Example(h.Type, h.Value)))],
                            Note = $"hit of {route.Key} rule {r}",
                        };
                    }
                }

                break;
            case GrpcRoute grpc:
                for (var r = 0; r < grpc.Rules.Count; r++)
                {
                    var matches = grpc.Rules[r].Matches.IsEmpty ? [new GrpcRouteMatch()] : grpc.Rules[r].Matches;
                    foreach (var match in matches)
                    {
                        var service = match.Method?.Service ?? "pkg.Store";
                        var method = match.Method?.Method ?? "Get";
                        yield return request with
                        {
                            Protocol = RequestProtocol.Grpc,
                            Method = "POST",
                            Path = $"/{service}/{method}",
                            GrpcService = service,
                            GrpcMethod = method,
                            Headers = [.. match.Headers.DistinctBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Select(h => new RequestHeader(h.Name, Example(h.Type, h.Value)))],
                            Note = $"hit of {route.Key} rule {r}",
                        };
                    }
                }

                break;
        }
    }

    /// <summary>A path the path match takes.</summary>
    private static string Path(HttpPathMatch match) => match.Type switch
    {
        PathMatchType.RegularExpression => RegexExamples.GetValueOrDefault(match.Value, "/"),
        _ => match.Value,
    };

    /// <summary>A value a header or query match takes.</summary>
    private static string Example(StringMatchType type, string value) => type == StringMatchType.RegularExpression ? (value == "[12]" ? "1" : value) : value;

    /// <summary>A hostname with a leading wildcard label replaced by a concrete one.</summary>
    private static string Concrete(string host) => host == "*" ? "example.com" : host.StartsWith("*.", StringComparison.Ordinal) ? "x" + host[1..] : host;

    /// <summary>A hit changed in one detail each: path, method, a header, the query, the host, the port.</summary>
    public static List<TestRequest> NearMisses(TestRequest hit)
    {
        var near = new List<TestRequest>();
        TestRequest Near(TestRequest r, string what) => r with { Aim = RequestAim.NearMiss, Note = $"near miss ({what}) of the {hit.Note}" };
        if (hit.Protocol is RequestProtocol.Tcp or RequestProtocol.Udp)
        {
            near.Add(Near(hit with { Port = hit.Port + 1 }, "port"));
            return near;
        }

        if (hit.Protocol == RequestProtocol.Tls)
        {
            near.Add(Near(hit with { Sni = Sibling(hit.Sni ?? "example.com") }, "SNI"));
            near.Add(Near(hit with { Port = hit.Port + 1 }, "port"));
            return near;
        }

        var q = hit.Path.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = q < 0 ? (hit.Path, string.Empty) : (hit.Path[..q], hit.Path[q..]);
        if (hit.Protocol != RequestProtocol.Grpc)
        {
            near.Add(Near(hit with { Path = path + "x" + query }, "path"));
            near.Add(Near(hit with { Path = (path.EndsWith('/') ? path + "x" : path + "/") + query }, "path"));
            if (path.Length > 1)
            {
                near.Add(Near(hit with { Path = path[..^1] + query }, "path"));
                near.Add(Near(hit with { Path = "/" + char.ToUpperInvariant(path[1]) + path[2..] + query }, "path case"));
            }

            if (query.Length > 0)
            {
                near.Add(Near(hit with { Path = path }, "query"));
            }

            near.Add(Near(hit with { Method = hit.Method == "GET" ? "POST" : "GET" }, "method"));
        }
        else
        {
            near.Add(Near(hit with { GrpcMethod = hit.GrpcMethod == "Get" ? "List" : "Get", Path = $"/{hit.GrpcService}/{(hit.GrpcMethod == "Get" ? "List" : "Get")}" }, "gRPC method"));
        }

        if (!hit.Headers.IsEmpty)
        {
            near.Add(Near(hit with { Headers = [.. hit.Headers.Skip(1)] }, "header dropped"));
            near.Add(Near(hit with { Headers = [.. hit.Headers.Select((h, i) => i == 0 ? h with { Value = h.Value == "1" ? "2" : "1" } : h)] }, "header value"));
        }

        if (hit.Target != RequestTarget.Service && hit.Host.Length > 0)
        {
            near.Add(Near(hit with { Host = Sibling(hit.Host), Sni = hit.Sni is null ? null : Sibling(hit.Sni) }, "host"));
            near.Add(Near(hit with { Host = hit.Host.ToUpperInvariant() }, "host case"));
            near.Add(Near(hit with { Host = hit.Host + ":8080" }, "host port"));
        }

        near.Add(Near(hit with { Port = hit.Port + 1 }, "port"));
        return near;
    }

    /// <summary>A host in the same domain with another first label (or another domain for a single label).</summary>
    private static string Sibling(string host)
    {
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? host + ".test" : "other" + host[dot..];
    }

    /// <summary>Requests to every Gateway and IngressClass of the world that nothing was aimed at.</summary>
    public static List<TestRequest> Misses(TestWorld world)
    {
        var misses = new List<TestRequest>();
        foreach (var gateway in world.Result.Gateways)
        {
            var port = gateway.Listeners.Select(l => l.Listener.Port).DefaultIfEmpty(80).First();
            misses.Add(new TestRequest { Target = RequestTarget.Gateway, Namespace = gateway.Gateway.Namespace, Name = gateway.Gateway.Name, Port = port, Host = "nowhere.invalid", Path = "/zz", Aim = RequestAim.Miss, Note = "miss" });
            misses.Add(new TestRequest { Target = RequestTarget.Gateway, Namespace = gateway.Gateway.Namespace, Name = gateway.Gateway.Name, Port = 1, Host = "example.com", Aim = RequestAim.Miss, Note = "miss (port)" });
        }

        foreach (var cls in world.Snapshot.OfType<IngressClass>())
        {
            misses.Add(new TestRequest { Target = RequestTarget.Ingress, Name = cls.Name, Host = "nowhere.invalid", Path = "/zz", Aim = RequestAim.Miss, Note = "miss" });
        }

        if (misses.Count == 0)
        {
            misses.Add(new TestRequest { Target = RequestTarget.Gateway, Namespace = "default", Name = "gateway", Host = "example.com", Aim = RequestAim.Miss, Note = "miss (no Gateway)" });
        }

        return misses;
    }
}
