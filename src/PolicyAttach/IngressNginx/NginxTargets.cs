using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;

namespace PolicyAttach.IngressNginx;

/// <summary>A listener a server's routes attach to, and whether it is the HTTPS one.</summary>
internal sealed record NginxAttachment(ParentReference Parent, bool Https);

/// <summary>
/// Where the converted routes of one class attach: the listeners of a new Gateway (one per host and protocol), the
/// listeners of an existing Gateway (chosen as the Gateway would choose them for each host, and checked for the
/// hosts and certificates NGINX served), or one ListenerSet per namespace.
/// </summary>
internal sealed class NginxTargets(Snapshot snapshot, IngressNginxConversionOptions options, IngressNginxModel model, List<ConversionIssue> issues)
{
    private readonly Dictionary<string, List<NginxAttachment>> _byHost = new(StringComparer.Ordinal);
    private readonly HashSet<string> _listenerNames = new(StringComparer.Ordinal);

    public List<Gateway> Gateways { get; } = [];

    public List<ListenerSet> ListenerSets { get; } = [];

    /// <summary>A GatewayClass for evaluating the conversion, when the input has none for the Gateway.</summary>
    public GatewayClass? EvaluationClass { get; private set; }

    /// <summary>Secrets listeners use from other namespaces: (from kind, from namespace, Secret namespace, Secret name).</summary>
    public List<(string FromKind, string FromNamespace, string Namespace, string Name)> CertificateGrants { get; } = [];

    /// <summary>The Gateway that receives the requests, its controller and ports.</summary>
    public ConvertedGateway? Target { get; private set; }

    /// <summary>The namespace of a server's routes: that of the Ingress that created it (for the catch-all, of the oldest Ingress with a location there).</summary>
    public string RouteNamespace(NginxServer server)
        => server.Creator?.Namespace ?? server.Locations.Select(l => l.Ingress?.Namespace).FirstOrDefault(n => n is not null) ?? model.IngressObjects[0].Namespace;

    /// <summary>The listeners of a server's routes.</summary>
    public List<NginxAttachment> AttachmentsFor(NginxServer server)
        => new[] { server.Name }.Concat(server.Aliases).SelectMany(h => _byHost.GetValueOrDefault(h) ?? []).Distinct().ToList();

    /// <summary>The listeners of a from-to-www redirect host.</summary>
    public List<NginxAttachment> AttachmentsFor(string host) => _byHost.GetValueOrDefault(host) ?? [];

    public void Plan(List<NginxServer> servers)
    {
        switch (options.Target)
        {
            case NginxConversionTarget.ExistingGateway:
                PlanExisting(servers);
                break;
            case NginxConversionTarget.ListenerSets:
                PlanListenerSets(servers);
                break;
            default:
                PlanNew(servers);
                break;
        }

        ReportHosts(servers);
    }

    private string GatewayNamespace => options.GatewayNamespace ?? model.IngressObjects[0].Namespace;

    private void SetEvaluationClass(string className)
    {
        var controller = IngressClassSelector.Select(snapshot).OfClass(model.ClassName).Select(o => o.Controller).FirstOrDefault(c => c is not null) ?? IngressNginxOptions.ControllerName;
        if (snapshot.Find<GatewayClass>(new ResourceKey(Groups.Gateway, Kinds.GatewayClass.Kind, string.Empty, className)) is { } existing)
        {
            controller = existing.ControllerName;
        }
        else
        {
            EvaluationClass = new GatewayClass { ApiVersion = "gateway.networking.k8s.io/v1", Metadata = new ObjectMeta { Name = className }, ControllerName = controller };
        }

        _controller = controller;
    }

    private string _controller = IngressNginxOptions.ControllerName;

    /// <summary>Each host: an HTTP listener, and an HTTPS listener with its Secret when a TLS entry names one.</summary>
    private List<Listener> HostListeners(IEnumerable<NginxServer> servers, string ownerNamespace, string ownerKind, Func<string, string, ParentReference> parent)
    {
        var listeners = new List<Listener>();
        foreach (var server in servers.Where(s => !s.IsCatchAll))
        {
            foreach (var host in new[] { server.Name }.Concat(server.Aliases))
            {
                var http = Listener("http", host, options.Nginx.HttpPort, Protocols.Http, null);
                listeners.Add(http);
                Attach(host, parent(http.Name, host), https: false);
                ObjectReference? certificate = server.TlsSource is { } tls && tls.Ingress.Tls[tls.Index].SecretName is { Length: > 0 } secret
                    ? new ObjectReference { Name = secret, Namespace = tls.Ingress.Namespace }
                    : server.TlsSource is null ? options.DefaultCertificate : null;
                if (certificate is not null)
                {
                    // A listener of its own, also with the default certificate: on a shared listener without hostname the
                    // host's routes would fall through to the catch-all's, which NGINX's servers never do.
                    var https = Listener("https", host, options.Nginx.HttpsPort, Protocols.Https, certificate);
                    listeners.Add(https);
                    Attach(host, parent(https.Name, host), https: true);
                    if (certificate.Namespace != ownerNamespace)
                    {
                        CertificateGrants.Add((ownerKind, ownerNamespace, certificate.Namespace, certificate.Name));
                    }
                }
            }
        }

        return listeners;
    }

    private void Attach(string host, ParentReference parent, bool https)
    {
        if (!_byHost.TryGetValue(host, out var list))
        {
            _byHost[host] = list = [];
        }

        list.Add(new NginxAttachment(parent, https));
    }

    private Listener Listener(string prefix, string? host, int port, string protocol, ObjectReference? certificate)
    {
        var baseName = host is null ? prefix : prefix + "-" + NginxRules.Slug(host.Replace("*", "wildcard", StringComparison.Ordinal));
        baseName = baseName.Length > 60 ? baseName[..60].TrimEnd('-') : baseName;
        var name = baseName;
        for (var i = 2; !_listenerNames.Add(name); i++)
        {
            name = $"{baseName}-{i}";
        }

        return new Listener
        {
            Name = name,
            Hostname = host,
            Port = port,
            Protocol = protocol,
            Tls = certificate is null ? null : new ListenerTls { CertificateRefs = [certificate] },
            AllowedRoutes = new AllowedRoutes { NamespacesFrom = FromNamespaces.All },
        };
    }

    /// <summary>Catch-all listeners: plain HTTP for the catch-all server, HTTPS with the default certificate when given.</summary>
    private List<Listener> CatchAllListeners(bool catchAllServer, string ownerNamespace, string ownerKind, Func<string, ParentReference> parent)
    {
        var listeners = new List<Listener>();
        if (catchAllServer)
        {
            var http = Listener("http", null, options.Nginx.HttpPort, Protocols.Http, null);
            listeners.Add(http);
            Attach(NginxServer.CatchAll, parent(http.Name), https: false);
        }

        if (options.DefaultCertificate is { } certificate)
        {
            var https = Listener("https", null, options.Nginx.HttpsPort, Protocols.Https, certificate);
            listeners.Add(https);
            if (certificate.Namespace != ownerNamespace)
            {
                CertificateGrants.Add((ownerKind, ownerNamespace, certificate.Namespace, certificate.Name));
            }

            // Requests for hosts without a server of their own, served with the default certificate as NGINX does.
            if (catchAllServer)
            {
                Attach(NginxServer.CatchAll, parent(https.Name), https: true);
            }
        }

        return listeners;
    }

    private void PlanNew(List<NginxServer> servers)
    {
        var ns = GatewayNamespace;
        var name = model.ClassName;
        SetEvaluationClass(name);
        ParentReference Parent(string section) => new() { Name = name, Namespace = ns, NamespaceSet = true, SectionName = section };
        var listeners = HostListeners(servers, ns, Kinds.Gateway.Kind, (section, _) => Parent(section));
        listeners.AddRange(RedirectListeners(ns, Kinds.Gateway.Kind, (section, _) => Parent(section)));
        listeners.AddRange(CatchAllListeners(servers.Any(s => s.IsCatchAll), ns, Kinds.Gateway.Kind, Parent));
        Gateways.Add(NewGateway(name, ns, listeners, allowListenerSets: false));
        Target = new ConvertedGateway(model.ClassName, new ResourceKey(Groups.Gateway, Kinds.Gateway.Kind, ns, name), _controller, options.Nginx.HttpPort, options.Nginx.HttpsPort);
    }

    private List<Listener> RedirectListeners(string ownerNamespace, string ownerKind, Func<string, string, ParentReference> parent)
    {
        var listeners = new List<Listener>();
        foreach (var redirect in model.RedirectServers)
        {
            var http = Listener("http", redirect.From, options.Nginx.HttpPort, Protocols.Http, null);
            listeners.Add(http);
            Attach(redirect.From, parent(http.Name, redirect.From), https: false);
            if ((redirect.Target.Certificate == NginxCertificate.Secret ? redirect.Target.SecretRef : options.DefaultCertificate) is { } secret)
            {
                var https = Listener("https", redirect.From, options.Nginx.HttpsPort, Protocols.Https, secret);
                listeners.Add(https);
                Attach(redirect.From, parent(https.Name, redirect.From), https: true);
                if (secret.Namespace != ownerNamespace)
                {
                    CertificateGrants.Add((ownerKind, ownerNamespace, secret.Namespace, secret.Name));
                }
            }
        }

        return listeners;
    }

    private Gateway NewGateway(string name, string ns, List<Listener> listeners, bool allowListenerSets)
    {
        // cert-manager's Gateway support reads the same annotations as on Ingresses.
        var annotations = model.IngressObjects.SelectMany(i => i.Metadata.Annotations)
            .Where(a => a.Key.StartsWith("cert-manager.io/", StringComparison.Ordinal))
            .GroupBy(a => a.Key, StringComparer.Ordinal).Select(g => g.First());
        return new Gateway
        {
            ApiVersion = "gateway.networking.k8s.io/v1",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Annotations = StringMap.Create(annotations) },
            GatewayClassName = model.ClassName,
            Listeners = listeners.ToEquatableArray(),
            AllowedListeners = allowListenerSets ? new AllowedListeners { NamespacesFrom = FromNamespaces.All } : AllowedListeners.Default,
        };
    }

    private void PlanListenerSets(List<NginxServer> servers)
    {
        Gateway? parentGateway = null;
        if (options.Gateway is { } key)
        {
            parentGateway = snapshot.Find<Gateway>(key);
            if (parentGateway is null)
            {
                Issue("TargetGatewayMissing", ConversionOutcome.Dropped, $"Gateway {key.Namespace}/{key.Name} is not in the input; the ListenerSets name it as their parent, but nothing checks that it accepts them.");
            }
            else if (parentGateway.AllowedListeners.NamespacesFrom == FromNamespaces.None)
            {
                Issue("TargetListenerMissing", ConversionOutcome.Dropped, $"Gateway {key.Namespace}/{key.Name} does not allow ListenerSets (spec.allowedListeners); set namespaces.from so the converted ListenerSets attach.");
            }
        }

        var gwName = options.Gateway?.Name ?? model.ClassName;
        var gwNs = options.Gateway?.Namespace ?? GatewayNamespace;
        SetEvaluationClass(parentGateway?.GatewayClassName ?? model.ClassName);
        ParentReference GatewayParent(string section) => new() { Name = gwName, Namespace = gwNs, NamespaceSet = true, SectionName = section };
        if (parentGateway is null)
        {
            var own = CatchAllListeners(catchAllServer: true, gwNs, Kinds.Gateway.Kind, GatewayParent);
            Gateways.Add(NewGateway(gwName, gwNs, own, allowListenerSets: true));
        }
        else
        {
            foreach (var server in servers.Where(s => s.IsCatchAll))
            {
                foreach (var attachment in ExistingAttachments(parentGateway, NginxServer.CatchAll, https: false))
                {
                    Attach(NginxServer.CatchAll, attachment, https: false);
                }
            }
        }

        foreach (var group in servers.Where(s => !s.IsCatchAll).GroupBy(RouteNamespace, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ns = group.Key;
            var setName = model.ClassName;
            _listenerNames.Clear();
            ParentReference SetParent(string section, string host) => new() { Group = Groups.Gateway, Kind = Kinds.ListenerSet.Kind, Name = setName, Namespace = ns, NamespaceSet = true, SectionName = section };
            var listeners = HostListeners(group, ns, Kinds.ListenerSet.Kind, SetParent);
            ListenerSets.Add(new ListenerSet
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = new ObjectMeta { Name = setName, Namespace = ns },
                ParentRef = new ParentReference { Name = gwName, Namespace = gwNs, NamespaceSet = ns != gwNs },
                Listeners = listeners.ToEquatableArray(),
            });
        }

        foreach (var redirect in model.RedirectServers)
        {
            Issue("from-to-www-redirect", ConversionOutcome.Dropped, $"the redirect from {redirect.From} to {redirect.To} needs a listener for {redirect.From}; add it to a ListenerSet by hand.");
        }

        Target = new ConvertedGateway(model.ClassName, new ResourceKey(Groups.Gateway, Kinds.Gateway.Kind, gwNs, gwName), _controller, options.Nginx.HttpPort, options.Nginx.HttpsPort);
    }

    private void PlanExisting(List<NginxServer> servers)
    {
        var key = options.Gateway ?? throw new InvalidOperationException("An existing Gateway target needs IngressNginxConversionOptions.Gateway.");
        var gateway = snapshot.Find<Gateway>(key);
        if (gateway is null)
        {
            Issue("TargetGatewayMissing", ConversionOutcome.Dropped, $"Gateway {key.Namespace}/{key.Name} is not in the input, so its listeners cannot be chosen or checked; the routes name the Gateway without a sectionName. Add the Gateway to the input.");
            SetEvaluationClass(model.ClassName);
            foreach (var server in servers)
            {
                foreach (var host in new[] { server.Name }.Concat(server.Aliases))
                {
                    Attach(host, new ParentReference { Name = key.Name, Namespace = key.Namespace, NamespaceSet = true }, https: false);
                }
            }

            Target = new ConvertedGateway(model.ClassName, key, _controller, options.Nginx.HttpPort, options.Nginx.HttpsPort);
            return;
        }

        SetEvaluationClass(gateway.GatewayClassName);
        var httpPort = gateway.Listeners.FirstOrDefault(l => l.Protocol == Protocols.Http)?.Port ?? options.Nginx.HttpPort;
        var httpsPort = gateway.Listeners.FirstOrDefault(l => l.Protocol == Protocols.Https)?.Port ?? options.Nginx.HttpsPort;
        foreach (var server in servers)
        {
            foreach (var host in new[] { server.Name }.Concat(server.Aliases))
            {
                var http = ExistingAttachments(gateway, host, https: false);
                if (http.Count == 0)
                {
                    Issue("TargetListenerMissing", ConversionOutcome.Dropped, $"Gateway {key.Namespace}/{key.Name} has no HTTP listener for {(server.IsCatchAll ? "requests without a host rule" : host)}; NGINX serves it on HTTP.", server, host);
                }

                foreach (var parent in http)
                {
                    Attach(host, parent, https: false);
                }

                var https = ExistingAttachments(gateway, host, https: true);
                if (https.Count == 0 && server.Certificate != NginxCertificate.None)
                {
                    Issue("TargetListenerMissing", ConversionOutcome.Dropped, $"Gateway {key.Namespace}/{key.Name} has no HTTPS listener for {host}; NGINX serves it over HTTPS with the Ingress's certificate.", server, host);
                }

                foreach (var parent in https)
                {
                    Attach(host, parent, https: true);
                    CheckCertificate(gateway, parent.SectionName!, server, host);
                }
            }
        }

        foreach (var redirect in model.RedirectServers)
        {
            foreach (var parent in ExistingAttachments(gateway, redirect.From, https: false))
            {
                Attach(redirect.From, parent, https: false);
            }
        }

        Target = new ConvertedGateway(model.ClassName, key, _controller, httpPort, httpsPort);
    }

    /// <summary>
    /// The listeners of an existing Gateway that receive a host's requests: of the protocol, the most specific
    /// hostname that covers the host (exact, then the longest wildcard, then none), allowing routes from the
    /// namespace the routes live in.
    /// </summary>
    private static List<ParentReference> ExistingAttachments(Gateway gateway, string host, bool https)
    {
        var protocol = https ? Protocols.Https : Protocols.Http;
        var candidates = gateway.Listeners.Where(l => l.Protocol == protocol && Covers(l.Hostname, host)).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var best = candidates.OrderBy(l => Specificity(l.Hostname, host)).First();
        var chosen = candidates.Where(l => Specificity(l.Hostname, host) == Specificity(best.Hostname, host)).ToList();
        return chosen.Select(l => new ParentReference { Name = gateway.Name, Namespace = gateway.Namespace, NamespaceSet = true, SectionName = l.Name }).ToList();
    }

    /// <summary>Whether a listener hostname takes requests for a host (Gateway API: a wildcard covers one or more labels).</summary>
    private static bool Covers(string? listener, string host)
    {
        if (listener is null)
        {
            return true;
        }

        if (host == NginxServer.CatchAll)
        {
            return false;
        }

        if (string.Equals(listener, host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return listener.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(listener[1..], StringComparison.OrdinalIgnoreCase) && host.Length > listener.Length - 1;
    }

    private static int Specificity(string? listener, string host)
        => listener is null ? int.MaxValue : string.Equals(listener, host, StringComparison.OrdinalIgnoreCase) ? 0 : 1000 - listener.Length;

    private void CheckCertificate(Gateway gateway, string section, NginxServer server, string host)
    {
        var listener = gateway.Listeners.First(l => l.Name == section);
        if (server.TlsSource is not { } tls || tls.Ingress.Tls[tls.Index].SecretName is not { Length: > 0 } secret)
        {
            return;
        }

        if (listener.Tls?.CertificateRefs.Any(c => c.Name == secret && c.Namespace == tls.Ingress.Namespace) != true)
        {
            Issue("TargetCertificate", ConversionOutcome.Carried, $"listener {section} serves {host} with its own certificate, not Secret {tls.Ingress.Namespace}/{secret} of the Ingress; make sure it covers {host}.", server, host, routing: false);
        }
    }

    /// <summary>Report what the hosts' listeners cannot carry: one-label wildcards, certificates, and HTTPS for hosts without one.</summary>
    private void ReportHosts(List<NginxServer> servers)
    {
        foreach (var server in servers.Where(s => !s.IsCatchAll))
        {
            if (server.IsWildcard)
            {
                Issue(IngressIssueKinds.WildcardHost, ConversionOutcome.Approximated,
                    $"the Ingress host {server.Name} covers one DNS label; the Gateway API hostname {server.Name} also covers deeper hosts (x.y{server.Name[1..]}), which NGINX sends to its catch-all server.", server, server.Name);
            }

            if (server.TlsSource is { } tls && server.Certificate != NginxCertificate.Secret)
            {
                var secret = tls.Ingress.Tls[tls.Index].SecretName;
                Issue(secret is { Length: > 0 } ? IngressIssueKinds.TlsSecretNotUsable : IngressIssueKinds.TlsWithoutSecret, ConversionOutcome.Approximated,
                    secret is { Length: > 0 }
                        ? $"Secret {tls.Ingress.Namespace}/{secret} for {server.Name} is not in the input or holds no valid certificate: NGINX serves the host with its default certificate and does not redirect to https; the HTTPS listener referring to it will not be programmed until the Secret exists."
                        : $"the TLS entry for {server.Name} has no secretName (NGINX's default certificate); no HTTPS listener is made for it.",
                    server, server.Name, field: $"spec.tls[{tls.Index}]", subject: tls.Ingress);
            }
        }

        if (options.DefaultCertificate is null && options.Target != NginxConversionTarget.ExistingGateway)
        {
            var plain = servers.Where(s => s.TlsSource is null).Select(s => s.IsCatchAll ? "hosts without a rule of their own" : s.Name).ToList();
            if (plain.Count > 0)
            {
                Issue("DefaultCertificate", ConversionOutcome.Approximated,
                    $"NGINX also serves {string.Join(", ", plain)} over HTTPS, with its default certificate; the Gateway has no HTTPS listener for them. Pass the Secret of NGINX's default certificate (--default-certificate) to add one.", routing: true);
            }
        }
    }

    private void Issue(string kind, ConversionOutcome outcome, string message, NginxServer? server = null, string? host = null, bool routing = true, string? field = null, Ingress? subject = null)
        => issues.Add(new ConversionIssue
        {
            Kind = kind,
            Outcome = outcome,
            Subject = (subject ?? server?.Creator)?.Key,
            Field = field,
            Host = host is null || host == NginxServer.CatchAll ? null : host,
            Message = message,
            AffectsRouting = routing,
        });
}
