using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

internal sealed partial class IstioConversion
{
    /// <summary>
    /// TLS and TCP rules. At a gateway, a VirtualService's <c>tls</c> rules become TLSRoutes on the passthrough
    /// listeners, one per rule, with the rule's SNI hosts as hostnames; <c>tcp</c> rules become one TCPRoute per TCP
    /// listener, the first rule that applies to its port. In the mesh, <c>tcp</c> rules become TCPRoutes with the
    /// Service as parent, per port.
    /// </summary>
    private void ConvertL4()
    {
        foreach (var gw in _input.Gateways.Where(g => _gatewayMap.ContainsKey(g.Key)))
        {
            ConvertTls(gw);
            ConvertTcp(gw);
        }

        ConvertMeshTcp();
        foreach (var vs in _ordered.Where(v => !v.IsDelegate && v.Http.Count == 0 && (v.Tls.Count > 0 || v.Tcp.Count > 0)))
        {
            for (var i = 0; i < vs.Hosts.Count; i++)
            {
                _ledger.Carried(vs.Key, $"spec.hosts[{i}]", "the hosts the rules apply to: TLSRoutes take their hostnames from sniHosts (which Istio keeps within these hosts), TCPRoutes have none.");
            }

            if (vs.Gateways.Any(g => g != IstioRules.Mesh))
            {
                _ledger.Carried(vs.Key, "spec.gateways", "the routes' parentRefs name the converted Gateways' listeners.");
            }
        }

        foreach (var vs in _ordered)
        {
            foreach (var rule in vs.Tls.Concat(vs.Tcp))
            {
                foreach (var m in rule.Matches)
                {
                    if (m.DestinationSubnets.Count > 0)
                    {
                        _ledger.Dropped(vs.Key, m.Field + ".destinationSubnets", "Gateway API routes cannot match destination addresses.", affectsRouting: true);
                    }

                    if (m.SourceLabels.Count > 0)
                    {
                        _ledger.Dropped(vs.Key, m.Field + ".sourceLabels", "Gateway API routes cannot select clients by their labels.", affectsRouting: true);
                    }

                    if (m.SourceNamespace is not null && vs.Tcp.Contains(rule) && IstioRules.MeshTcp(vs))
                    {
                        _ledger.Carried(vs.Key, m.Field + ".sourceNamespace", "mesh: a GAMMA consumer TCPRoute in that namespace where its clients take another rule than the others.");
                    }
                    else if (m.SourceNamespace is not null)
                    {
                        _ledger.Dropped(vs.Key, m.Field + ".sourceNamespace", "not carried for TLS and gateway TCP routes.", affectsRouting: true);
                    }

                    if (m.SourceSubnet is not null)
                    {
                        _ledger.Dropped(vs.Key, m.Field + ".sourceSubnet", "Gateway API routes cannot match source addresses.", affectsRouting: true);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Istio takes the first tls rule whose SNI hosts cover the SNI; Gateway API the route with the most specific
    /// hostname. Each SNI host is therefore given to the earliest rule that covers it (a host a wildcard of an earlier
    /// rule covers moves there; it can never reach its own rule), and with that, for every SNI, the most specific
    /// hostname that covers it belongs to Istio's rule: every hostname covering the SNI is covered by a pattern of
    /// Istio's rule, which holds them.
    /// </summary>
    private void ConvertTls(IstioGatewayObject gw)
    {
        var listeners = _listeners.Where(l => l.Gateway == gw && l.Role == ListenerRole.Passthrough).ToList();
        if (listeners.Count == 0)
        {
            return;
        }

        var target = _gatewayMap[gw.Key];
        foreach (var port in listeners.Select(l => l.Listener.Port).Distinct())
        {
            var rules = new List<(VirtualServiceObject Vs, IstioL4Rule Rule, List<string> Hosts)>();
            foreach (var vs in _ordered.Where(v => !v.IsDelegate && v.Tls.Count > 0))
            {
                foreach (var rule in vs.Tls)
                {
                    var hosts = rule.Matches.Where(m => L4Applies(m, vs, gw.Key, port)).SelectMany(m => m.SniHosts).Select(h => h.ToLowerInvariant()).Distinct().ToList();
                    if (hosts.Count > 0)
                    {
                        rules.Add((vs, rule, hosts));
                    }
                }
            }

            var assigned = rules.Select(_ => new List<string>()).ToList();
            for (var i = 0; i < rules.Count; i++)
            {
                foreach (var host in rules[i].Hosts)
                {
                    var owner = Enumerable.Range(0, i).FirstOrDefault(j => rules[j].Hosts.Any(p => p == host || Covers(p, host)), i);
                    if (!assigned[owner].Contains(host))
                    {
                        assigned[owner].Add(host);
                    }
                }
            }

            for (var i = 0; i < rules.Count; i++)
            {
                var (vs, rule, hosts) = rules[i];
                var names = assigned[i].Where(h => IsHostname(h)).ToEquatableArray();
                var moved = hosts.Except(assigned[i]).ToList();
                if (moved.Count > 0)
                {
                    _ledger.Remark(vs.Key, rule.Field, ConversionOutcome.Carried, $"SNI host(s) {string.Join(", ", moved)} are covered by an earlier tls rule, which Istio tries first: that rule's TLSRoute carries them.", affectsRouting: false);
                }

                if (names.Count == 0)
                {
                    _ledger.Carried(vs.Key, rule.Field, "no connection reaches this rule (earlier rules cover its SNI hosts), so no TLSRoute is made for it.");
                    continue;
                }

                var parents = listeners.Where(l => l.Listener.Port == port && names.Any(n => l.Listener.Hostname is null || IstioRouter.IntersectHosts(n, l.Listener.Hostname) is not null))
                    .Select(l => Parent(target, vs.Key.Namespace, l.Listener.Name)).ToEquatableArray();
                if (parents.Count == 0)
                {
                    _ledger.Remark(vs.Key, rule.Field, ConversionOutcome.Dropped, $"no passthrough server of Gateway {gw.Key.Namespace}/{gw.Key.Name} on port {port} exposes these SNI hosts.", affectsRouting: false);
                    continue;
                }

                var name = _names.Take(Kinds.TlsRoute.Kind, vs.Key.Namespace, $"{vs.Key.Name}-tls-{rule.Index}");
                var route = new TlsRoute
                {
                    ApiVersion = "gateway.networking.k8s.io/v1",
                    Metadata = Meta(name, vs.Key.Namespace, vs.Key),
                    ParentRefs = parents,
                    Hostnames = names,
                    Rules = [new BackendRouteRule { BackendRefs = L4Backends(vs, rule, port) }],
                };
                _made.Add((route, vs.Key));
                _origins[(route.Key, 0)] = new RuleOrigin(vs.Key, rule.Field);
                foreach (var m in rule.Matches)
                {
                    _ledger.Carried(vs.Key, m.Field + ".sniHosts", "TLSRoute hostnames (Gateway API picks the most specific hostname; hosts are placed so that this keeps Istio's first-match order).");
                    if (m.Port is not null)
                    {
                        _ledger.Carried(vs.Key, m.Field + ".port", "the TLSRoute attaches to the listeners of this port.");
                    }

                    if (m.Gateways.Count > 0)
                    {
                        _ledger.Carried(vs.Key, m.Field + ".gateways", "the TLSRoute attaches to these gateways only.");
                    }
                }
            }
        }
    }

    /// <summary>Whether a host pattern covers another (a wildcard covers longer hosts and narrower wildcards).</summary>
    private static bool Covers(string pattern, string host)
        => pattern == "*" || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1);

    private static bool L4Applies(IstioL4Match m, VirtualServiceObject vs, ResourceKey gateway, int port)
        => (m.Gateways.Count > 0 ? IstioRules.NamesGateway(m.Gateways, vs.Key.Namespace, gateway) : IstioRules.NamesGateway(vs.Gateways, vs.Key.Namespace, gateway))
            && (m.Port is null || m.Port == port);

    private EquatableArray<BackendReference> L4Backends(VirtualServiceObject vs, IstioL4Rule rule, int port)
    {
        var context = new IstioContext { Port = port };
        var result = new List<BackendReference>();
        foreach (var d in rule.Route)
        {
            result.Add(Backend(vs.Key, vs.Key.Namespace, d.Destination, context, d.Field + ".destination") with { Weight = rule.Route.Count == 1 ? 1 : Math.Min(d.Weight ?? 0, 1_000_000) });
            if (d.Weight is not null)
            {
                _ledger.Carried(vs.Key, d.Field + ".weight", "backend weight.");
            }
        }

        return result.ToEquatableArray();
    }

    /// <summary>
    /// Istio's first tcp rule that applies to a port takes its connections; in Gateway API the oldest TCPRoute on a
    /// TCP listener does. One TCPRoute per listener, for the first applicable rule, keeps the choice.
    /// </summary>
    private void ConvertTcp(IstioGatewayObject gw)
    {
        var target = _gatewayMap[gw.Key];
        foreach (var listener in _listeners.Where(l => l.Gateway == gw && l.Role == ListenerRole.Tcp))
        {
            var port = listener.Listener.Port;
            var found = _ordered.Where(v => !v.IsDelegate && (listener.Namespaces.Count == 0 || listener.Namespaces.Contains(v.Key.Namespace, StringComparer.Ordinal)))
                .SelectMany(v => v.Tcp.Select(r => (Vs: v, Rule: r)))
                .FirstOrDefault(x => (x.Rule.Matches.Count == 0 && IstioRules.NamesGateway(x.Vs.Gateways, x.Vs.Key.Namespace, gw.Key)) || x.Rule.Matches.Any(m => L4Applies(m, x.Vs, gw.Key, port)));
            if (found.Vs is null)
            {
                continue;
            }

            var (vs, rule) = found;
            var kind = listener.Listener.Protocol == Protocols.Tls ? "TLS-terminated " : string.Empty;
            var name = _names.Take(Kinds.TcpRoute.Kind, vs.Key.Namespace, $"{vs.Key.Name}-tcp-{port}");
            var route = new TcpRoute
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = Meta(name, vs.Key.Namespace, vs.Key),
                ParentRefs = [Parent(target, vs.Key.Namespace, listener.Listener.Name)],
                Rules = [new BackendRouteRule { BackendRefs = L4Backends(vs, rule, port) }],
            };
            _made.Add((route, vs.Key));
            _origins[(route.Key, 0)] = new RuleOrigin(vs.Key, rule.Field);
            _ledger.Carried(vs.Key, rule.Field, $"TCPRoute {name} on {kind}listener {listener.Listener.Name} (port {port}): the first tcp rule that applies to the port takes its connections, as in Istio." + (kind.Length > 0 ? " A TCPRoute on a TLS Terminate listener is Envoy Gateway's extension; the standard kind there is TLSRoute." : string.Empty));
        }
    }

    /// <summary>
    /// Mesh <c>tcp</c> rules: for each Service a mesh VirtualService names, the oldest such VirtualService with tcp
    /// rules takes its connections ("host merging is not supported in sidecars"; which one wins is undocumented, as
    /// for http rules the oldest), and each port Istio does not route with http rules
    /// (<see cref="IstioRules.IsDeclaredHttpPort"/>) gets a TCPRoute with the Service port as parent for the first
    /// rule that applies to it. A port no rule applies to gets none: connections go to the Service itself.
    /// </summary>
    private void ConvertMeshTcp()
    {
        var taken = new Dictionary<ResourceKey, VirtualServiceObject>();
        foreach (var vs in _ordered.Where(IstioRules.MeshTcp))
        {
            if (vs.ExportTo.Count > 0 && !vs.ExportTo.Contains("*", StringComparer.Ordinal))
            {
                _ledger.Approximated(vs.Key, "spec.exportTo", "the mesh TCPRoutes are producer routes (in the Service's namespace), which apply to every client: clients that do not see the VirtualService get its tcp rules too.", affectsRouting: true);
            }

            NoteMeshGateway(vs);
            foreach (var host in vs.Hosts)
            {
                if (ServiceHosts.Resolve(host, vs.Key.Namespace, _options.ClusterDomain) is not { } key || _snapshot.Find<Service>(key) is not { } svc)
                {
                    continue;
                }

                if (taken.TryGetValue(key, out var older) && older != vs)
                {
                    _ledger.Remark(vs.Key, "spec.tcp", ConversionOutcome.Dropped, $"VirtualService {older.Key.Namespace}/{older.Key.Name}, older, has tcp rules for Service {key.Namespace}/{key.Name} and takes its connections in sidecars (\"host merging is not supported in sidecars\"; which one wins is undocumented, PolicyAttach takes the oldest): no TCPRoute is made from this one for it.", affectsRouting: true);
                    continue;
                }

                taken[key] = vs;
                var groups = vs.Tcp.SelectMany(r => r.Matches).Select(m => m.SourceNamespace).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                foreach (var port in svc.Ports)
                {
                    // Clients of namespaces no match names (a name no namespace has stands for them) get the producer
                    // route; a namespace whose first applicable rule differs gets a consumer route of its own.
                    var others = IstioRules.FirstMeshTcpRule(vs, port.Port, OtherClients);
                    var consumers = groups.Select(g => (Namespace: g, Rule: IstioRules.FirstMeshTcpRule(vs, port.Port, g))).Where(c => c.Rule != others).ToList();
                    if (others is null && consumers.Count == 0)
                    {
                        continue;
                    }

                    if (IstioRules.IsDeclaredHttpPort(port))
                    {
                        foreach (var rule in consumers.Select(c => c.Rule).Append(others).OfType<IstioL4Rule>().Distinct())
                        {
                            _ledger.Remark(vs.Key, rule.Field, ConversionOutcome.Carried, $"port {port.Port.ToString(CultureInfo.InvariantCulture)} of Service {svc.Namespace}/{svc.Name} declares HTTP ({port.AppProtocol ?? port.Name}), where Istio applies http rules, not tcp rules: no TCPRoute is made for it.", affectsRouting: false);
                        }

                        continue;
                    }

                    if (others is not null)
                    {
                        EmitMeshTcp(vs, svc, port.Port, svc.Namespace, others);
                    }

                    foreach (var (group, rule) in consumers)
                    {
                        if (group == svc.Namespace)
                        {
                            _ledger.Remark(vs.Key, "spec.tcp", ConversionOutcome.Approximated, $"clients in {group} (the Service's namespace) take another tcp rule on port {port.Port.ToString(CultureInfo.InvariantCulture)} (sourceNamespace), but a route in the Service's namespace applies to every client (GAMMA producer route); they get the other clients' route.", affectsRouting: true);
                            continue;
                        }

                        EmitMeshTcp(vs, svc, port.Port, group, rule);
                    }
                }
            }
        }
    }

    /// <summary>The fate of <c>mesh</c> in a VirtualService's gateways: GAMMA routes.</summary>
    private void NoteMeshGateway(VirtualServiceObject vs)
    {
        for (var i = 0; i < vs.Gateways.Count; i++)
        {
            if (vs.Gateways[i] == IstioRules.Mesh)
            {
                _ledger.Carried(vs.Key, $"spec.gateways[{i}]", "mesh: GAMMA routes with the Services of the hosts as parents (producer routes, and consumer routes where clients route differently).");
            }
        }
    }

    /// <summary>
    /// A mesh TCPRoute with the Service port as parent (GAMMA): a producer route in the Service's namespace, or a
    /// consumer route in a client namespace; the rule's destinations by weight, or (no rule applies) the Service itself.
    /// </summary>
    private void EmitMeshTcp(VirtualServiceObject vs, Service svc, int port, string routeNamespace, IstioL4Rule? rule)
    {
        var number = port.ToString(CultureInfo.InvariantCulture);
        var consumer = routeNamespace != svc.Namespace;
        var name = _names.Take(Kinds.TcpRoute.Kind, routeNamespace, $"{vs.Key.Name}-{svc.Name}-tcp-{number}" + (consumer ? "-" + routeNamespace : string.Empty));
        var route = new TcpRoute
        {
            ApiVersion = "gateway.networking.k8s.io/v1",
            Metadata = Meta(name, routeNamespace, vs.Key),
            ParentRefs = [new ParentReference { Group = Groups.Core, Kind = Kinds.Service.Kind, Name = svc.Name, Namespace = svc.Namespace, NamespaceSet = consumer, Port = port }],
            Rules = [new BackendRouteRule { BackendRefs = rule is null ? [new BackendReference { Name = svc.Name, Namespace = svc.Namespace, Port = port }] : L4Backends(vs, rule, port) }],
        };
        _made.Add((route, vs.Key));
        if (rule is null)
        {
            _ledger.Remark(vs.Key, "spec.tcp", ConversionOutcome.Carried, $"no tcp rule applies to clients in {routeNamespace} on port {number} of Service {svc.Namespace}/{svc.Name}: their consumer TCPRoute {name} sends the connections to the Service itself, as the sidecar does.", affectsRouting: false);
            return;
        }

        _origins[(route.Key, 0)] = new RuleOrigin(vs.Key, rule.Field);
        _ledger.Carried(vs.Key, rule.Field, $"TCPRoute {name} with Service {svc.Namespace}/{svc.Name} port {number} as parent (GAMMA{(consumer ? ", a consumer route for clients in " + routeNamespace : string.Empty)}): the first tcp rule that applies to the port takes its connections, as in Istio; TCP routes in a mesh are experimental in Gateway API.");
    }
}
