using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

/// <summary>A listener made for an Istio server host, and what it routes.</summary>
internal sealed record ListenerPlan(IstioGatewayObject Gateway, IstioServer Server, Listener Listener, ListenerRole Role, EquatableArray<string> Namespaces);

/// <summary>What a converted listener carries.</summary>
internal enum ListenerRole
{
    /// <summary>Plain HTTP: the VirtualServices' http rules.</summary>
    Http,

    /// <summary>HTTP that only redirects to HTTPS (<c>tls.httpsRedirect</c>).</summary>
    HttpsRedirect,

    /// <summary>HTTPS terminated at the gateway: the http rules.</summary>
    Https,

    /// <summary>TLS passed through: the tls rules, by SNI.</summary>
    Passthrough,

    /// <summary>TCP, or TLS terminated at the gateway: the tcp rules.</summary>
    Tcp,
}

internal sealed partial class IstioConversion
{
    private readonly List<ListenerPlan> _listeners = [];

    /// <summary>
    /// One Gateway per Istio Gateway, same namespace and name. Each server becomes one listener per host (a
    /// Gateway API listener has one hostname): HTTP, HTTP2, GRPC and GRPC-WEB as HTTP; HTTPS with SIMPLE or MUTUAL
    /// TLS as HTTPS with the <c>credentialName</c> Secret; HTTPS or TLS passed through as TLS Passthrough; TLS
    /// terminated as TLS Terminate; TCP and MONGO as TCP. The host's namespace part (<c>ns/host</c>) becomes the
    /// listener's allowed namespaces. <c>httpsRedirect</c> becomes an HTTPRoute that redirects everything to https.
    /// </summary>
    private void ConvertGateways()
    {
        foreach (var gw in _input.Gateways)
        {
            var key = gw.Key;
            _ledger.Approximated(key, "spec.selector", $"the selector picks the proxies that apply the Gateway; in Gateway API the class does: the Gateway is made with gatewayClassName \"{_options.GatewayClassName}\" (--gateway-class).", affectsRouting: false);
            var listeners = new List<ListenerPlan>();
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var server in gw.Servers)
            {
                ConvertServer(gw, server, listeners, used);
            }

            if (listeners.Count == 0)
            {
                _ledger.Dropped(key, "spec.servers", "no server could be converted, so no Gateway is made.", affectsRouting: true);
                continue;
            }

            if (listeners.Count > 64)
            {
                _ledger.Approximated(key, "spec.servers", $"the servers need {listeners.Count} listeners and a Gateway holds 64; the first 64 are kept. Split the hosts over several Gateways or ListenerSets.", affectsRouting: true);
                listeners = listeners.Take(64).ToList();
            }

            var name = _names.Take(Kinds.Gateway.Kind, key.Namespace, key.Name);
            var gateway = new Gateway
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = Meta(name, key.Namespace, key),
                GatewayClassName = _options.GatewayClassName,
                Listeners = listeners.Select(l => l.Listener).ToEquatableArray(),
            };
            _made.Add((gateway, key));
            _gatewayMap[key] = gateway.Key;
            _listeners.AddRange(listeners);
            AddRedirectRoute(gw, gateway, listeners.Where(l => l.Role == ListenerRole.HttpsRedirect).ToList());
        }
    }

    private void ConvertServer(IstioGatewayObject gw, IstioServer server, List<ListenerPlan> listeners, HashSet<string> used)
    {
        var key = gw.Key;
        var f = server.Field;
        (string Protocol, ListenerRole Role, string? Mode)? kind = server.Protocol switch
        {
            "HTTP" or "HTTP2" or "GRPC" or "GRPC-WEB" => ("HTTP", server.HttpsRedirect ? ListenerRole.HttpsRedirect : ListenerRole.Http, null),
            _ when IstioRouter.IsTerminatedHttps(server) => ("HTTPS", ListenerRole.Https, TlsModes.Terminate),
            _ when IstioRouter.IsPassthrough(server) && server.TlsMode != "AUTO_PASSTHROUGH" => ("TLS", ListenerRole.Passthrough, TlsModes.Passthrough),
            _ when IstioRouter.IsTcp(server) && server.Protocol == "TLS" => ("TLS", ListenerRole.Tcp, TlsModes.Terminate),
            _ when IstioRouter.IsTcp(server) => ("TCP", ListenerRole.Tcp, null),
            _ => null,
        };
        if (kind is not { } k)
        {
            var why = server.TlsMode == "AUTO_PASSTHROUGH"
                ? "AUTO_PASSTHROUGH routes by the SNI Istio encodes between meshes; Gateway API has no equivalent."
                : $"protocol {server.Protocol}{(server.TlsMode is null ? string.Empty : " with TLS mode " + server.TlsMode)} has no Gateway API listener equivalent.";
            _ledger.Dropped(key, f, "the server is not converted: " + why, affectsRouting: true);
            return;
        }

        _ledger.Carried(key, f + ".port", $"listener port {server.Port}, protocol {k.Protocol}" + (server.Protocol is "HTTP2" or "GRPC" or "GRPC-WEB" ? $" ({server.Protocol} is served by HTTP listeners: HTTP/2 and gRPC over cleartext)" : string.Empty) + ".");
        if (server.Name is not null)
        {
            _ledger.Carried(key, f + ".name", "used as the start of the listener names.");
        }

        ListenerTls? tls = null;
        if (k.Mode == TlsModes.Terminate)
        {
            if (server.CredentialNames.Count == 0)
            {
                _ledger.Dropped(key, f + ".tls", $"TLS mode {server.TlsMode} without credentialName: certificates from files (serverCertificate, tlsCertificates) or Istio's own (ISTIO_MUTUAL) cannot be referenced by a Gateway listener, so the server is not converted.", affectsRouting: true);
                return;
            }

            tls = new ListenerTls
            {
                Mode = TlsModes.Terminate,
                CertificateRefs = server.CredentialNames.Select(c => new ObjectReference { Name = c, Namespace = key.Namespace }).ToEquatableArray(),
            };
            _ledger.Carried(key, f + ".tls.mode", $"TLS {server.TlsMode} terminates at the listener (mode Terminate).");
            _ledger.Approximated(key, f + ".tls.credentialName", "the listener's certificateRefs name the Secret in the Gateway's namespace; Istio reads it from the gateway workload's namespace, usually the same.", affectsRouting: false);
            _ledger.Approximated(key, f + ".tls.credentialNames", "each becomes a certificateRef of the listener (Secrets in the Gateway's namespace).", affectsRouting: false);
            if (server.TlsMode is "MUTUAL" or "OPTIONAL_MUTUAL")
            {
                _ledger.Dropped(key, f + ".tls.mode", $"{server.TlsMode} also validates client certificates; the CA comes from files or the credential's cacert, which Gateway API frontend validation (spec.tls.frontend, ConfigMaps) cannot reference as written. Configure it by hand.", affectsRouting: false);
            }
        }
        else if (k.Mode == TlsModes.Passthrough)
        {
            tls = new ListenerTls { Mode = TlsModes.Passthrough };
            _ledger.Carried(key, f + ".tls.mode", "PASSTHROUGH: a TLS listener in Passthrough mode; the tls rules become TLSRoutes routed by SNI.");
        }

        if (server.HttpsRedirect)
        {
            _ledger.Carried(key, f + ".tls.httpsRedirect", "an HTTPRoute on this listener redirects every request to https with 301.");
        }

        var hosts = k.Protocol == "TCP" ? [new IstioServerHost(server.Hosts.Select(h => h.Namespace).Distinct(StringComparer.Ordinal).Count() == 1 ? server.Hosts[0].Namespace : "*", "*", f + ".hosts")] : server.Hosts.ToList();
        if (k.Protocol == "TCP" && server.Hosts.Count > 0)
        {
            _ledger.Approximated(key, f + ".hosts", "a TCP listener has no hostname: the server's hosts only choose which VirtualServices bind, which the TCPRoutes' parentRefs do.", affectsRouting: false);
        }

        foreach (var host in hosts)
        {
            var hostname = host.Host == "*" ? null : host.Host.ToLowerInvariant();
            if (hostname is not null && (System.Net.IPAddress.TryParse(hostname, out _) || hostname.Contains(':', StringComparison.Ordinal)))
            {
                _ledger.Dropped(key, host.Field, "a listener hostname cannot be an IP address; this host is not converted.", affectsRouting: true);
                continue;
            }

            var baseName = server.Name ?? server.PortName ?? $"{k.Protocol.ToLowerInvariant()}-{server.Port}";
            var listenerName = Names.Section(hostname is null ? baseName : baseName + "-" + Names.HostSlug(hostname));
            for (var n = 2; !used.Add(listenerName); n++)
            {
                listenerName = Names.Section($"{baseName}-{Names.HostSlug(hostname)}-{n}");
            }

            var (allowed, namespaces) = AllowedRoutesFor(host, gw);
            if (k.Protocol != "TCP")
            {
                _ledger.Carried(key, host.Field, $"listener {listenerName}" + (hostname is null ? " (every hostname)" : $" with hostname {hostname}") + NamespaceText(host) + ".");
            }

            // Two servers exposing the same host on the same port would be conflicting listeners in Gateway API.
            var twin = listeners.FirstOrDefault(l => l.Listener.Port == server.Port && l.Listener.Protocol == k.Protocol && l.Listener.Hostname == hostname);
            if (twin is not null)
            {
                _ledger.Approximated(key, host.Field, $"another server already exposes {hostname ?? "every host"} on port {server.Port}; Gateway API listeners with the same port, protocol and hostname conflict, so this host is served by listener {twin.Listener.Name}.", affectsRouting: true);
                continue;
            }

            listeners.Add(new ListenerPlan(gw, server, new Listener
            {
                Name = listenerName,
                Hostname = k.Protocol == "TCP" ? null : hostname,
                Port = server.Port,
                Protocol = k.Protocol,
                Tls = tls,
                AllowedRoutes = allowed,
            }, k.Role, namespaces));
        }
    }

    private static string NamespaceText(IstioServerHost host) => host.Namespace switch
    {
        "*" => ", routes from every namespace",
        "." => ", routes from the Gateway's namespace",
        _ => $", routes from namespace {host.Namespace}",
    };

    /// <summary>The allowed routes of a server host's namespace part: <c>*</c> All, <c>.</c> Same, a name a Selector on <c>kubernetes.io/metadata.name</c>.</summary>
    private static (AllowedRoutes Allowed, EquatableArray<string> Namespaces) AllowedRoutesFor(IstioServerHost host, IstioGatewayObject gw) => host.Namespace switch
    {
        "*" => (new AllowedRoutes { NamespacesFrom = FromNamespaces.All }, []),
        "." => (new AllowedRoutes { NamespacesFrom = FromNamespaces.Same }, [gw.Key.Namespace]),
        var ns => (new AllowedRoutes
        {
            NamespacesFrom = FromNamespaces.Selector,
            Selector = new LabelSelector { MatchLabels = StringMap.Of(("kubernetes.io/metadata.name", ns)) },
        }, [ns]),
    };

    /// <summary>
    /// The routes of <c>httpsRedirect</c> listeners: every request answered with a 301 to https. A route lives in a
    /// namespace the listener allows (the server host's namespace, or the Gateway's).
    /// </summary>
    private void AddRedirectRoute(IstioGatewayObject gw, Gateway gateway, List<ListenerPlan> redirects)
    {
        foreach (var group in redirects.GroupBy(r => r.Namespaces.Count == 0 ? gateway.Namespace : r.Namespaces[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ns = group.Key;
            var name = _names.Take(Kinds.HttpRoute.Kind, ns, gateway.Name + "-https-redirect");
            var route = new HttpRoute
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = Meta(name, ns, gw.Key),
                ParentRefs = group.Select(r => Parent(gateway.Key, ns, r.Listener.Name)).ToEquatableArray(),
                Rules =
                [
                    new HttpRouteRule
                    {
                        Matches = [HttpRouteMatch.Default],
                        Filters =
                        [
                            new RouteFilter
                            {
                                Type = RouteFilterType.RequestRedirect,
                                TypeName = "RequestRedirect",
                                RequestRedirect = new HttpRequestRedirectFilter { Scheme = "https", StatusCode = 301 },
                            },
                        ],
                    },
                ],
            };
            _made.Add((route, gw.Key));
            _origins[(route.Key, 0)] = new RuleOrigin(gw.Key, group.First().Server.Field + ".tls.httpsRedirect");
        }
    }

    /// <summary>
    /// A Service for every DestinationRule subset: "one or more labels [...] identify the subset destination", so the
    /// subset's endpoints are the Service's selected Pods that also carry the subset's labels. The new Service has
    /// the Service's selector plus those labels and the same ports; routes send the subset's traffic there.
    /// </summary>
    private void ConvertSubsets()
    {
        foreach (var dr in _input.DestinationRules.OrderBy(d => d.Metadata.CreationTimestamp).ThenBy(d => d.Key))
        {
            var service = ServiceHosts.Resolve(dr.Host, dr.Key.Namespace, _options.ClusterDomain);
            var svc = service is { } s ? _snapshot.Find<Service>(s) : null;
            if (svc is null)
            {
                _ledger.Dropped(dr.Key, "spec.host", $"{dr.Host} is not a Service of the input (or not a Kubernetes Service name); its subsets and policies are not converted.", affectsRouting: dr.Subsets.Count > 0);
                continue;
            }

            _ledger.Carried(dr.Key, "spec.host", $"Service {svc.Namespace}/{svc.Name}.");
            if (dr.ExportTo.Count > 0)
            {
                _ledger.Approximated(dr.Key, "spec.exportTo", "Gateway API has no visibility for backends: the subset Services and policies apply to every client.", affectsRouting: false);
            }

            if (dr.HasWorkloadSelector)
            {
                _ledger.Approximated(dr.Key, "spec.workloadSelector", "the policies are converted as if they applied to every workload.", affectsRouting: false);
            }

            foreach (var subset in dr.Subsets)
            {
                if (_subsets.TryGetValue((svc.Key, subset.Name), out var earlier))
                {
                    _ledger.Dropped(dr.Key, subset.Field, $"subset {subset.Name} is already defined by an older DestinationRule (Service {earlier.Name}); \"if there is more than one with the same name, the first definition is used\".", affectsRouting: true);
                    continue;
                }

                if (svc.Selector.Count == 0)
                {
                    _ledger.Dropped(dr.Key, subset.Field, $"Service {svc.Namespace}/{svc.Name} has no selector (its endpoints are managed by hand), so no Service can select the subset's Pods.", affectsRouting: true);
                    continue;
                }

                var conflict = subset.Labels.FirstOrDefault(l => svc.Selector.TryGetValue(l.Key, out var v) && v != l.Value);
                var selector = StringMap.Create(svc.Selector.Where(p => !subset.Labels.ContainsKey(p.Key)).Concat(subset.Labels));
                var name = _names.Take(Kinds.Service.Kind, svc.Namespace, $"{svc.Name}-{subset.Name}");
                var made = new Service
                {
                    ApiVersion = "v1",
                    Metadata = Meta(name, svc.Namespace, dr.Key),
                    Selector = selector,
                    Ports = svc.Ports,
                };
                _made.Add((made, dr.Key));
                _subsets[(svc.Key, subset.Name)] = made.Key;
                var labels = string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"));
                if (conflict.Key is not null)
                {
                    _ledger.Approximated(dr.Key, subset.Field + ".labels", $"label {conflict.Key} contradicts the Service's selector ({svc.Selector[conflict.Key]}), so in Istio the subset has no endpoints; Service {name} selects {labels}.", affectsRouting: true);
                }
                else
                {
                    _ledger.Carried(dr.Key, subset.Field + ".labels", $"subset {subset.Name} becomes Service {svc.Namespace}/{name} (selector {labels}, the ports of {svc.Name}). Note: a new Service; routes that send to the subset send to it.");
                }

                _ledger.Carried(dr.Key, subset.Field + ".name", $"Service {name}.");
            }
        }
    }
}
