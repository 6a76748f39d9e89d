using System.Globalization;
using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Istio;

/// <summary>
/// The requests <c>--verify</c> sends: for every Istio Gateway server and every mesh Service a VirtualService
/// routes, one request per match block of every rule (its path, method, headers, query, authority), and near misses
/// of each (the next path element, a longer path in the same element, another case, a missing or changed header, a
/// missing query parameter, another method, an excluded header present), plus a request no rule matches.
/// Deterministic: the same input gives the same requests in the same order.
/// </summary>
internal static class IstioProbes
{
    /// <summary>The client namespace standing for "any other namespace" in mesh requests.</summary>
    public const string OtherNamespace = "policyattach-other";

    public static List<TargetedProbe> Generate(IstioInput input, Snapshot snapshot, string clusterDomain)
    {
        var re2 = new Re2Patterns();
        var probes = new List<TargetedProbe>();
        var ordered = input.VirtualServices.OrderBy(v => v.Metadata.CreationTimestamp).ThenBy(v => v.Key).ToList();
        foreach (var gw in input.Gateways)
        {
            foreach (var server in gw.Servers)
            {
                var bound = IstioRules.BoundTo(ordered, gw.Key);
                if (IstioRouter.IsPlainHttp(server.Protocol) || IstioRouter.IsTerminatedHttps(server))
                {
                    var https = IstioRouter.IsTerminatedHttps(server);
                    var serverProtocol = https ? RequestProtocol.Https : server.Protocol == "GRPC" ? RequestProtocol.Grpc : RequestProtocol.Http;
                    foreach (var host in ServerHosts(server, bound))
                    {
                        // A host whose VirtualServices are converted to GRPCRoutes on this HTTP server gets gRPC calls.
                        var covering = bound.FirstOrDefault(v => v.Http.Count > 0 && v.Hosts.Any(h => IstioRouter.HostMatches(h, host) || IstioRouter.HostMatches(host, h)));
                        var protocol = serverProtocol == RequestProtocol.Http && server.Protocol is "HTTP" or "HTTP2" && covering is not null
                            && IstioRules.GrpcPromoted(covering, bound, input.VirtualServices, snapshot, clusterDomain) ? RequestProtocol.Grpc : serverProtocol;
                        var template = new TargetedProbe { Gateway = gw.Key, Protocol = protocol, Port = server.Port, Authority = host, Sni = https ? host : null };
                        probes.Add(template with { PathAndQuery = "/policyattach-unmatched", Purpose = "no rule" });
                        foreach (var vs in bound.Where(v => v.Hosts.Any(h => IstioRouter.HostMatches(h, host) || IstioRouter.HostMatches(host, h))))
                        {
                            foreach (var rule in IstioRules.Expand(vs, input.VirtualServices, null))
                            {
                                probes.AddRange(ForRule(rule, template, re2));
                            }
                        }
                    }

                    probes.Add(new TargetedProbe { Gateway = gw.Key, Protocol = serverProtocol, Port = server.Port, Authority = "unknown.policyattach.invalid", Sni = https ? "unknown.policyattach.invalid" : null, Purpose = "unknown host" });
                }
                else if (IstioRouter.IsPassthrough(server))
                {
                    foreach (var sni in bound.SelectMany(v => v.Tls).SelectMany(r => r.Matches).SelectMany(m => m.SniHosts).Distinct(StringComparer.Ordinal))
                    {
                        foreach (var host in Instances(sni))
                        {
                            probes.Add(new TargetedProbe { Gateway = gw.Key, Protocol = RequestProtocol.Tls, Port = server.Port, Sni = host, Purpose = "sniHosts " + sni });
                        }
                    }

                    probes.Add(new TargetedProbe { Gateway = gw.Key, Protocol = RequestProtocol.Tls, Port = server.Port, Sni = "unknown.policyattach.invalid", Purpose = "unknown SNI" });
                }
                else if (IstioRouter.IsTcp(server))
                {
                    probes.Add(new TargetedProbe { Gateway = gw.Key, Protocol = RequestProtocol.Tcp, Port = server.Port, Purpose = "tcp" });
                }
            }
        }

        foreach (var service in snapshot.Services)
        {
            var candidates = ordered.Where(v => !v.IsDelegate && v.Http.Count > 0 && v.Hosts.Any(h =>
                ServiceHosts.Resolve(h, v.Key.Namespace, clusterDomain) == service.Key
                || (h.Contains('*', StringComparison.Ordinal) && IstioRouter.HostMatches(h, ServiceHosts.Fqdn(service.Key, clusterDomain))))).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var clients = ClientNamespaces(service.Namespace, candidates, vs => vs.Http.SelectMany(r => r.Matches).Select(m => m.SourceNamespace));

            foreach (var port in service.Ports)
            {
                var authority = $"{service.Name}:{port.Port.ToString(CultureInfo.InvariantCulture)}";
                foreach (var client in clients)
                {
                    // gRPC calls where Istio reads the port as gRPC, or where the client's VirtualService becomes GRPCRoutes.
                    var seen = IstioRouter.MeshVirtualService(ordered, service.Key, client, clusterDomain);
                    var grpcOnly = seen is not null && IstioRules.NotGrpcOnly(IstioRules.Expand(seen, input.VirtualServices, null), snapshot, clusterDomain) is null;
                    var template = new TargetedProbe { Service = service.Key, ClientNamespace = client, Port = port.Port, Authority = authority, Protocol = IstioRules.MeshGrpc(service, port.Port, grpcOnly) ? RequestProtocol.Grpc : RequestProtocol.Http };
                    probes.Add(template with { PathAndQuery = "/policyattach-unmatched", Purpose = "no rule" });
                    foreach (var vs in candidates)
                    {
                        foreach (var rule in IstioRules.Expand(vs, input.VirtualServices, null))
                        {
                            probes.AddRange(ForRule(rule, template, re2));
                        }
                    }
                }
            }
        }

        probes.AddRange(MeshTcp(ordered, snapshot, clusterDomain));
        return probes.Select(AsGrpcCall).Distinct().ToList();
    }

    /// <summary>
    /// The namespaces a mesh probe comes from: the Service's, one no rule names, and every namespace the VirtualServices
    /// name (their own, exportTo, and the source namespaces of their matches).
    /// </summary>
    private static SortedSet<string> ClientNamespaces(string serviceNamespace, List<VirtualServiceObject> candidates, Func<VirtualServiceObject, IEnumerable<string?>> sourceNamespaces)
    {
        var clients = new SortedSet<string>(StringComparer.Ordinal) { serviceNamespace, OtherNamespace };
        foreach (var vs in candidates)
        {
            clients.Add(vs.Key.Namespace);
            clients.UnionWith(vs.ExportTo.Where(e => e is not "." and not "*"));
            clients.UnionWith(sourceNamespaces(vs).OfType<string>().Where(n => n.Length > 0));
        }

        return clients;
    }

    /// <summary>
    /// A TCP connection to every port of a Service that a mesh VirtualService's tcp rules may take (a port Istio does
    /// not route with http rules), from the Service's namespace, another namespace, and every namespace the
    /// VirtualServices name (their own, exportTo, sourceNamespace): the answers name every destination and weight.
    /// </summary>
    private static IEnumerable<TargetedProbe> MeshTcp(List<VirtualServiceObject> ordered, Snapshot snapshot, string clusterDomain)
    {
        foreach (var service in snapshot.Services)
        {
            var candidates = ordered.Where(v => IstioRules.MeshTcp(v) && v.Hosts.Any(h => ServiceHosts.Resolve(h, v.Key.Namespace, clusterDomain) == service.Key)).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var clients = ClientNamespaces(service.Namespace, candidates, vs => vs.Tcp.SelectMany(r => r.Matches).Select(m => m.SourceNamespace));

            foreach (var port in service.Ports.Where(p => !IstioRules.IsDeclaredHttpPort(p)))
            {
                foreach (var client in clients)
                {
                    yield return new TargetedProbe { Service = service.Key, ClientNamespace = client, Port = port.Port, Protocol = RequestProtocol.Tcp, Purpose = "tcp" };
                }
            }
        }
    }

    /// <summary>
    /// A probe sent as gRPC is a gRPC call: a POST to <c>/{service}/{method}</c>, both non-empty, without a query
    /// string. Other paths are made calls: the first element is the service (a sample one when there is none), the
    /// others run together as the method (a sample one when there are none), so a near miss stays a near miss.
    /// </summary>
    private static TargetedProbe AsGrpcCall(TargetedProbe probe)
    {
        if (probe.Protocol != RequestProtocol.Grpc)
        {
            return probe;
        }

        var elements = probe.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var service = elements.Length > 0 ? elements[0] : "policyattach.Probe";
        var method = elements.Length > 1 ? string.Concat(elements[1..]) : "Call";
        return probe with { Method = "POST", PathAndQuery = "/" + service + "/" + method };
    }

    /// <summary>Concrete request hosts for a server: its exact hosts, one or two hosts under each wildcard, and for <c>*</c> the bound VirtualServices' hosts.</summary>
    private static SortedSet<string> ServerHosts(IstioServer server, List<VirtualServiceObject> bound)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var h in server.Hosts)
        {
            if (h.Host == "*")
            {
                foreach (var vsHost in bound.SelectMany(v => v.Hosts))
                {
                    hosts.UnionWith(Instances(vsHost));
                }

                if (hosts.Count == 0)
                {
                    hosts.Add("example.policyattach.invalid");
                }
            }
            else
            {
                hosts.UnionWith(Instances(h.Host));
                foreach (var vsHost in bound.SelectMany(v => v.Hosts).Where(v => IstioRouter.IntersectHosts(v, h.Host) is not null))
                {
                    hosts.UnionWith(Instances(IstioRouter.IntersectHosts(vsHost, h.Host)!));
                }
            }
        }

        return hosts;
    }

    /// <summary>Hosts a pattern covers: itself, or for <c>*.x</c> a host one label deeper and one two labels deeper.</summary>
    private static IEnumerable<string> Instances(string pattern)
    {
        pattern = pattern.ToLowerInvariant();
        if (pattern == "*")
        {
            return ["any.policyattach.invalid"];
        }

        return pattern.StartsWith("*.", StringComparison.Ordinal) ? ["a" + pattern[1..], "b.c" + pattern[1..]] : [pattern];
    }

    private static IEnumerable<TargetedProbe> ForRule(EffectiveHttpRule rule, TargetedProbe template, Re2Patterns re2)
    {
        var origin = rule.Owner.Key.Name + " " + rule.Rule.Field;
        if (rule.Matches.Count == 0)
        {
            yield return template with { PathAndQuery = "/", Purpose = origin + " (every request)" };
            yield return template with { PathAndQuery = "/a/b?c=d", Method = "POST", Purpose = origin + " (every request)" };
            yield break;
        }

        foreach (var m in rule.Matches)
        {
            var what = origin + " " + m.Field[m.Field.LastIndexOf('.')..].TrimStart('.');
            var hit = Hit(m, template, re2);
            yield return hit with { Purpose = what };
            foreach (var miss in NearMisses(m, hit, re2))
            {
                yield return miss with { Purpose = what + " near miss: " + miss.Purpose };
            }
        }
    }

    /// <summary>A request the match block matches (as far as a sample of its regular expressions can).</summary>
    private static TargetedProbe Hit(IstioHttpMatch m, TargetedProbe template, Re2Patterns re2)
    {
        var path = m.Uri is { } uri ? Sample(uri, "/", re2) : "/";
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        var headers = new List<RequestHeader>();
        foreach (var h in m.Headers)
        {
            headers.Add(new RequestHeader(h.Name, Sample(h.Match, "1", re2)));
        }

        var query = new StringBuilder();
        foreach (var q in m.QueryParams)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append(q.Name);
            var value = Sample(q.Match, "1", re2);
            if (!(q.Match.Kind == StringMatchKind.Exact && value.Length == 0))
            {
                query.Append('=').Append(value);
            }
        }

        var method = m.Method is { } me ? Sample(me, "GET", re2) : template.Method;
        var authority = m.Authority is { } a ? Sample(a, template.Authority, re2) : template.Authority;
        var protocol = template.Protocol;
        return template with
        {
            Method = method.Length == 0 ? "GET" : method,
            Authority = authority,
            PathAndQuery = path + query,
            Headers = headers.ToEquatableArray(),
            Protocol = protocol,
        };
    }

    private static IEnumerable<TargetedProbe> NearMisses(IstioHttpMatch m, TargetedProbe hit, Re2Patterns re2)
    {
        var query = hit.PathAndQuery[hit.Path.Length..];
        if (m.Uri is { Kind: StringMatchKind.Prefix } prefix && prefix.Value.Length > 1)
        {
            // Istio's prefix is a character prefix: the prefix itself, and the prefix continued within its last element.
            yield return hit with { PathAndQuery = prefix.Value + query, Purpose = "the prefix itself" };
            yield return hit with { PathAndQuery = prefix.Value + (prefix.Value.EndsWith('/') ? "x" : "x/y") + query, Purpose = "prefix continued within an element" };
            if (prefix.Value.EndsWith('/'))
            {
                yield return hit with { PathAndQuery = prefix.Value.TrimEnd('/') + query, Purpose = "prefix without its trailing slash" };
            }
        }

        if (m.Uri is { } uri && uri.Kind != StringMatchKind.Present)
        {
            var path = hit.Path;
            yield return hit with { PathAndQuery = path.TrimEnd('/') + "/next" + query, Purpose = "next path element" };
            yield return hit with { PathAndQuery = path + "x" + query, Purpose = "longer path element" };
            if (path.Length > 1)
            {
                yield return hit with { PathAndQuery = path.TrimEnd('/') + query, Purpose = "without trailing slash" };
                yield return hit with { PathAndQuery = path[..^1] + query, Purpose = "one character shorter" };
            }

            var upper = path.ToUpperInvariant();
            if (upper != path)
            {
                yield return hit with { PathAndQuery = upper + query, Purpose = "other case" };
            }
        }

        foreach (var h in m.Headers)
        {
            yield return hit with { Headers = hit.Headers.Where(x => x.Name != h.Name).ToEquatableArray(), Purpose = "without header " + h.Name };
            if (h.Match.Kind != StringMatchKind.Present)
            {
                yield return hit with { Headers = hit.Headers.Select(x => x.Name == h.Name ? x with { Value = x.Value + "-other" } : x).ToEquatableArray(), Purpose = "other value of header " + h.Name };
            }
        }

        foreach (var h in m.WithoutHeaders)
        {
            yield return hit with { Headers = [.. hit.Headers, new RequestHeader(h.Name, Sample(h.Match, "1", re2))], Purpose = "with excluded header " + h.Name };
        }

        if (m.QueryParams.Count > 0)
        {
            yield return hit with { PathAndQuery = hit.Path, Purpose = "without query" };
        }

        if (m.Method is not null)
        {
            yield return hit with { Method = hit.Method == "POST" ? "GET" : "POST", Purpose = "other method" };
        }

        if (m.Authority is not null)
        {
            yield return hit with { Authority = "other." + hit.Authority, Purpose = "other authority" };
        }
    }

    /// <summary>A value a StringMatch accepts: the exact value, the prefix with a suffix, a sample of a regular expression, or a fallback.</summary>
    public static string Sample(IstioStringMatch match, string fallback, Re2Patterns re2) => match.Kind switch
    {
        StringMatchKind.Exact => match.Value,
        StringMatchKind.Prefix => match.Value + (match.Value.EndsWith('/') ? "a" : "/a"),
        StringMatchKind.Regex => re2.Sample(match.Value, fallback),
        _ => fallback,
    };
}
