using System.Text;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Ingresses;

/// <summary>Options of <see cref="IngressConverter.Convert(Snapshot, IngressConversionOptions?)"/>.</summary>
public sealed record IngressConversionOptions
{
    /// <summary>The defaults: every class, ports 80 and 443.</summary>
    public static IngressConversionOptions Default { get; } = new();

    /// <summary>The one class to convert, or null for every class.</summary>
    public string? ClassName { get; init; }

    /// <summary>The namespace of the Gateways; by default the namespace of the class's Ingresses (the first in order when several).</summary>
    public string? GatewayNamespace { get; init; }

    /// <summary>The HTTP listener port (default 80).</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>The HTTPS listener port (default 443).</summary>
    public int HttpsPort { get; init; } = 443;
}

/// <summary>
/// Converts Ingresses to an equivalent Gateway and HTTPRoutes, so that the converted routes, evaluated by the
/// engine, route every request as <see cref="IngressRoutingTable"/> does, except where the
/// <see cref="ConversionReport"/> says why not:
/// <list type="bullet">
/// <item>one Gateway per class (named after the class, <c>gatewayClassName</c> the class name); listeners accept
/// routes from all namespaces;</item>
/// <item>HTTP listeners: one per rule host (exact or wildcard) and one without hostname when there are rules without
/// host or a default backend. Gateway API listener isolation then reproduces the Ingress's per-host rule sets;</item>
/// <item>HTTPS listeners: one per TLS host (and one without hostname for a TLS entry without hosts) with its Secret,
/// and one per rule host a TLS host covers, so that the same host selects the same rules;</item>
/// <item>HTTPRoutes: one per Ingress and host in the Ingress's namespace, attached by <c>sectionName</c> to the
/// listeners whose host selects those rules; one rule per path (<c>Exact</c> stays <c>Exact</c>; <c>Prefix</c> and
/// <c>ImplementationSpecific</c> become <c>PathPrefix</c> without the trailing <c>/</c>, which keeps the
/// longest-path-first order); backends by Service port number (names resolved through the Service);</item>
/// <item>the class's default backend: an HTTPRoute without hostnames matching <c>PathPrefix /</c>, attached to every
/// listener where some request reaches it; route hostnames put it after the host's own rules;</item>
/// <item>ReferenceGrants for TLS Secrets outside the Gateway's namespace.</item>
/// </list>
/// Pure: reads the snapshot only (Services resolve port names, Secrets are checked for usable certificates).
/// </summary>
public static class IngressConverter
{
    private const int MaxRulesPerRoute = 16;
    private const int MaxListeners = 64;

    private static readonly HashSet<string> IgnoredAnnotations = new(StringComparer.Ordinal)
    {
        IngressClassSelector.ClassAnnotation,
        "kubectl.kubernetes.io/last-applied-configuration",
    };

    /// <summary>Converts the Ingresses of a snapshot.</summary>
    /// <param name="snapshot">The input: Ingresses, IngressClasses, and the Services and Secrets they use.</param>
    /// <param name="options">Which class and where; <see cref="IngressConversionOptions.Default"/> when null.</param>
    /// <returns>The converted objects and the report.</returns>
    public static IngressConversion Convert(Snapshot snapshot, IngressConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        options ??= IngressConversionOptions.Default;
        var selection = IngressClassSelector.Select(snapshot);
        var issues = new List<ConversionIssue>();
        var gateways = new List<Gateway>();
        var routes = new List<HttpRoute>();
        var grants = new List<ReferenceGrant>();
        var classes = new List<GatewayClass>();
        var origins = new List<ConversionOrigin>();
        if (options.ClassName is null)
        {
            foreach (var none in selection.Ingresses.Where(o => o.ClassName is null))
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.NoClass,
                    Outcome = ConversionOutcome.Dropped,
                    Subject = none.Ingress.Key,
                    Field = "spec.ingressClassName",
                    Message = "the Ingress has no class, so no Gateway is made for it; set spec.ingressClassName or mark one IngressClass default.",
                    AffectsRouting = false,
                });
            }
        }

        var names = selection.Ingresses.Select(o => o.ClassName).OfType<string>()
            .Where(n => options.ClassName is null || string.Equals(n, options.ClassName, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var className in names)
        {
            var owned = selection.OfClass(className).ToList();
            new ClassConversion(snapshot, options, className, owned, issues, origins).Run(gateways, routes, grants, classes);
        }

        // Never print what an API server would refuse: read the output back and withhold what fails.
        var readBack = ConversionReadBack.Check(gateways.Cast<KubeObject>().Concat(grants).Concat(routes), origins);
        var accepted = readBack.Accepted.Select(o => o.Key).ToHashSet();
        return new IngressConversion
        {
            Gateways = gateways.Where(g => accepted.Contains(g.Key)).ToEquatableArray(),
            HttpRoutes = routes.Where(r => accepted.Contains(r.Key)).ToEquatableArray(),
            ReferenceGrants = grants.Where(g => accepted.Contains(g.Key)).ToEquatableArray(),
            GatewayClasses = classes.ToEquatableArray(),
            Origins = origins.ToEquatableArray(),
            Report = new ConversionReport(issues.ToEquatableArray()) { Errors = readBack.Errors },
        };
    }

    /// <summary>A name fragment from a host: lowercase, <c>*</c> as <c>wildcard</c>, other characters than letters and digits as <c>-</c>.</summary>
    internal static string Slug(string? host)
    {
        if (host is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var c in host.Replace("*", "wildcard", StringComparison.Ordinal))
        {
            text.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }

        return text.ToString().Trim('-');
    }

    private sealed class ClassConversion(Snapshot snapshot, IngressConversionOptions options, string className, List<IngressOwnership> owned, List<ConversionIssue> issues, List<ConversionOrigin> origins)
    {
        private readonly IngressRuleSet _rules = IngressRuleSet.Build(owned.Select(o => o.Ingress));

        private sealed record ListenerPlan(string Name, string? Host, bool Https, IngressTlsHost? Tls, IngressHostGroup? Selected, bool DefaultReachable);

        public void Run(List<Gateway> gateways, List<HttpRoute> routes, List<ReferenceGrant> grants, List<GatewayClass> classes)
        {
            var ingressClass = owned.Select(o => o.IngressClass).FirstOrDefault(c => c is not null);
            var gwName = className;
            var gwNs = options.GatewayNamespace
                ?? owned.Select(o => o.Ingress.Namespace).Order(StringComparer.Ordinal).First();
            if (ingressClass?.Controller is { Length: > 0 } controller)
            {
                classes.Add(new GatewayClass { ApiVersion = "gateway.networking.k8s.io/v1", Metadata = new ObjectMeta { Name = className }, ControllerName = controller });
            }
            else
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.ClassWithoutIngressClass,
                    Outcome = ConversionOutcome.Approximated,
                    Host = null,
                    Message = $"class \"{className}\" has no IngressClass with a controller in the input; make sure a GatewayClass named \"{className}\" of your Gateway API implementation exists.",
                    AffectsRouting = false,
                });
            }

            ReportIngresses();
            var plans = PlanListeners();
            if (plans.Count > MaxListeners)
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.TooManyListeners,
                    Outcome = ConversionOutcome.Dropped,
                    Message = $"Gateway {gwNs}/{gwName} needs {plans.Count} listeners; the API allows {MaxListeners}. Split the hosts over several Gateways or ListenerSets.",
                    AffectsRouting = true,
                });
            }

            var listeners = plans.Select(p => new Listener
            {
                Name = p.Name,
                Hostname = p.Host,
                Port = p.Https ? options.HttpsPort : options.HttpPort,
                Protocol = p.Https ? Protocols.Https : Protocols.Http,
                Tls = p.Tls is { } tls ? new ListenerTls { CertificateRefs = [new ObjectReference { Name = tls.SecretName, Namespace = tls.Ingress.Namespace }] } : null,
                AllowedRoutes = new AllowedRoutes { NamespacesFrom = FromNamespaces.All },
            }).ToEquatableArray();
            var gateway = new Gateway
            {
                ApiVersion = "gateway.networking.k8s.io/v1",
                Metadata = new ObjectMeta { Name = gwName, Namespace = gwNs },
                GatewayClassName = className,
                Listeners = listeners,
            };
            gateways.Add(gateway);
            origins.Add(new ConversionOrigin(gateway.Key, string.Empty, _rules.Ingresses[0].Key, null));
            for (var l = 0; l < plans.Count; l++)
            {
                if (plans[l].Tls is { } planTls)
                {
                    origins.Add(new ConversionOrigin(gateway.Key, $"spec.listeners[{l}]", planTls.Ingress.Key, "spec.tls"));
                }
            }

            foreach (var group in plans.Where(p => p.Tls is not null).GroupBy(p => p.Tls!.Ingress.Namespace, StringComparer.Ordinal).Where(g => g.Key != gwNs).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                grants.Add(new ReferenceGrant
                {
                    ApiVersion = "gateway.networking.k8s.io/v1beta1",
                    Metadata = new ObjectMeta { Name = $"{gwName}-tls-from-{gwNs}", Namespace = group.Key },
                    From = [new ReferenceGrantFrom(Kinds.Gateway.Group, Kinds.Gateway.Kind, gwNs)],
                    To = group.Select(p => p.Tls!.SecretName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(s => new ReferenceGrantTo(Kinds.Secret.Group, Kinds.Secret.Kind, s)).ToEquatableArray(),
                });
            }

            var usedNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ingress in _rules.Ingresses)
            {
                var groups = _rules.Groups.Values.Where(g => g.Entries.Any(e => ReferenceEquals(e.Ingress, ingress)))
                    .OrderBy(g => g.Host ?? string.Empty, StringComparer.Ordinal).ToList();
                foreach (var group in groups)
                {
                    var parents = plans.Where(p => ReferenceEquals(p.Selected, group)).Select(p => Parent(gwName, gwNs, p.Name)).ToEquatableArray();
                    var entries = group.Entries.Where(e => ReferenceEquals(e.Ingress, ingress)).OrderBy(e => e.RuleIndex).ThenBy(e => e.PathIndex).ToList();
                    if (entries.Count == 0 || parents.Count == 0)
                    {
                        continue;
                    }

                    var baseName = groups.Count == 1 ? ingress.Name : ingress.Name + "-" + (group.Host is null ? "any-host" : Slug(group.Host));
                    for (var chunk = 0; chunk * MaxRulesPerRoute < entries.Count; chunk++)
                    {
                        var name = Unique(usedNames, ingress.Namespace, chunk == 0 ? baseName : $"{baseName}-{chunk + 1}");
                        var chunkEntries = entries.Skip(chunk * MaxRulesPerRoute).Take(MaxRulesPerRoute).ToList();
                        var route = new HttpRoute
                        {
                            ApiVersion = "gateway.networking.k8s.io/v1",
                            Metadata = new ObjectMeta { Name = name, Namespace = ingress.Namespace, CreationTimestamp = ingress.Metadata.CreationTimestamp },
                            ParentRefs = parents,
                            Hostnames = group.Host is null ? [] : [group.Host],
                            Rules = chunkEntries.Select(e => Rule(e.Kind, e.Value, Backend(ingress, e.Path.Backend))).ToEquatableArray(),
                        };
                        routes.Add(route);
                        origins.Add(new ConversionOrigin(route.Key, string.Empty, ingress.Key, null));
                        for (var i = 0; i < chunkEntries.Count; i++)
                        {
                            origins.Add(new ConversionOrigin(route.Key, $"spec.rules[{i}]", ingress.Key, $"spec.rules[{chunkEntries[i].RuleIndex}].http.paths[{chunkEntries[i].PathIndex}]"));
                        }
                    }
                }
            }

            if (_rules.DefaultBackend is { } d)
            {
                var parents = plans.Where(p => p.DefaultReachable).Select(p => Parent(gwName, gwNs, p.Name)).ToEquatableArray();
                if (parents.Count > 0)
                {
                    var route = new HttpRoute
                    {
                        ApiVersion = "gateway.networking.k8s.io/v1",
                        Metadata = new ObjectMeta { Name = Unique(usedNames, d.Ingress.Namespace, gwName + "-default-backend"), Namespace = d.Ingress.Namespace, CreationTimestamp = d.Ingress.Metadata.CreationTimestamp },
                        ParentRefs = parents,
                        Rules = [Rule(IngressPathKind.Prefix, string.Empty, Backend(d.Ingress, d.Backend))],
                    };
                    routes.Add(route);
                    origins.Add(new ConversionOrigin(route.Key, string.Empty, d.Ingress.Key, "spec.defaultBackend"));
                }
            }
        }

        private static ParentReference Parent(string gwName, string gwNs, string section)
            => new() { Name = gwName, Namespace = gwNs, NamespaceSet = true, SectionName = section };

        private static string Unique(HashSet<string> used, string ns, string name)
        {
            var candidate = name;
            for (var i = 2; !used.Add(ns + "/" + candidate); i++)
            {
                candidate = $"{name}-{i}";
            }

            return candidate;
        }

        private static HttpRouteRule Rule(IngressPathKind kind, string value, BackendReference backend) => new()
        {
            Matches =
            [
                new HttpRouteMatch
                {
                    Path = kind == IngressPathKind.Exact
                        ? new HttpPathMatch { Type = PathMatchType.Exact, TypeName = nameof(PathMatchType.Exact), Value = value }
                        : new HttpPathMatch { Value = value.Length == 0 ? "/" : value },
                },
            ],
            BackendRefs = [new RouteBackendRef { BackendRef = backend }],
        };

        private BackendReference Backend(Ingress ingress, IngressBackend backend) => IngressRuleSet.Resolve(snapshot, ingress, backend).Reference;

        /// <summary>
        /// The listeners: HTTP for every rule host plus a catch-all; HTTPS for every TLS host and every rule host a
        /// TLS host covers. Each listener serves the host group its hostname selects under the Ingress rules.
        /// </summary>
        private List<ListenerPlan> PlanListeners()
        {
            var plans = new List<ListenerPlan>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var hosts = _rules.Groups.Values.Select(g => g.Host).OfType<string>().Order(StringComparer.Ordinal).ToList();
            var catchAll = _rules.Groups.ContainsKey(string.Empty) || _rules.DefaultBackend is not null;

            void Add(string? host, bool https, IngressTlsHost? tls)
            {
                var selected = _rules.Select(host);
                var prefix = https ? "https" : "http";
                var name = host is null ? prefix : prefix + "-" + Slug(host);
                for (var i = 2; !names.Add(name); i++)
                {
                    name = $"{prefix}-{Slug(host)}-{i}";
                }

                // The default-backend route (no hostnames) competes with the rules without host; when one of them is
                // Prefix "/", the default backend is unreachable there, and attaching it would make a tie.
                var reachable = _rules.DefaultBackend is not null
                    && !(selected?.Entries.Any(e => e.Kind == IngressPathKind.Prefix && e.Value.Length == 0) ?? false);
                plans.Add(new ListenerPlan(name, host, https, tls, selected, reachable));
            }

            foreach (var host in hosts)
            {
                Add(host, https: false, null);
            }

            if (catchAll)
            {
                Add(null, https: false, null);
            }

            var httpsHosts = _rules.Tls.Keys.Where(k => k.Length > 0).Concat(hosts.Where(h => _rules.TlsFor(h) is not null))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            foreach (var host in httpsHosts)
            {
                Add(host, https: true, _rules.TlsFor(host));
            }

            if (_rules.Tls.TryGetValue(string.Empty, out var all))
            {
                Add(null, https: true, all);
            }

            return plans;
        }

        private void ReportIngresses()
        {
            foreach (var ingress in _rules.Ingresses)
            {
                foreach (var key in ingress.Metadata.Annotations.Keys.Order(StringComparer.Ordinal))
                {
                    if (IgnoredAnnotations.Contains(key))
                    {
                        continue;
                    }

                    var regex = key.EndsWith("/use-regex", StringComparison.Ordinal) || key.Contains("regex", StringComparison.OrdinalIgnoreCase)
                        || key.EndsWith("/rewrite-target", StringComparison.Ordinal) && (ingress.Metadata.Annotations.GetValueOrDefault(key) ?? string.Empty).Contains('$', StringComparison.Ordinal);
                    issues.Add(new ConversionIssue
                    {
                        Kind = regex ? IngressIssueKinds.RegexPaths : IngressIssueKinds.UnsupportedAnnotation,
                        Outcome = regex ? ConversionOutcome.Approximated : ConversionOutcome.Dropped,
                        Subject = ingress.Key,
                        Field = $"metadata.annotations[{key}]",
                        Message = regex
                            ? $"annotation {key} makes the controller read paths as regular expressions; they are converted as written, as PathPrefix or Exact. Use RegularExpression path matches if your implementation supports them."
                            : $"annotation {key} has no Gateway API equivalent and is dropped; check for a filter or policy of your implementation.",
                        AffectsRouting = regex,
                    });
                }

                for (var r = 0; r < ingress.Rules.Count; r++)
                {
                    var rule = ingress.Rules[r];
                    if (IngressRuleSet.NormalizeHost(rule.Host) is { } host && host.StartsWith("*.", StringComparison.Ordinal))
                    {
                        issues.Add(new ConversionIssue
                        {
                            Kind = IngressIssueKinds.WildcardHost,
                            Outcome = ConversionOutcome.Approximated,
                            Subject = ingress.Key,
                            Field = $"spec.rules[{r}].host",
                            Host = host,
                            Message = $"the Ingress host {host} covers one DNS label; the Gateway API hostname {host} also covers deeper hosts (x.{host[2..]} and y.x.{host[2..]}), so those reach this route instead of the rules for other hosts or the default backend.",
                            AffectsRouting = true,
                        });
                    }

                    for (var p = 0; p < rule.Paths.Count; p++)
                    {
                        var path = rule.Paths[p];
                        var field = $"spec.rules[{r}].http.paths[{p}]";
                        if (path.PathType == "ImplementationSpecific")
                        {
                            issues.Add(new ConversionIssue
                            {
                                Kind = IngressIssueKinds.ImplementationSpecificPath,
                                Outcome = ConversionOutcome.Approximated,
                                Subject = ingress.Key,
                                Field = field,
                                Host = IngressRuleSet.NormalizeHost(rule.Host),
                                Message = $"ImplementationSpecific path \"{path.Path}\" is converted as PathPrefix (element-wise); the controller may match it otherwise (a string prefix or a regular expression).",
                                AffectsRouting = true,
                            });
                        }

                        ReportBackend(ingress, path.Backend, field + ".backend", IngressRuleSet.NormalizeHost(rule.Host));
                    }
                }

                if (ingress.DefaultBackend is { } backend)
                {
                    ReportBackend(ingress, backend, "spec.defaultBackend", null);
                }

                for (var t = 0; t < ingress.Tls.Count; t++)
                {
                    ReportTls(ingress, ingress.Tls[t], $"spec.tls[{t}]");
                }
            }

            foreach (var diagnostic in _rules.Diagnostics)
            {
                var duplicate = diagnostic.Code == IngressDiagnosticCodes.DuplicatePath;
                issues.Add(new ConversionIssue
                {
                    Kind = duplicate ? IngressIssueKinds.DuplicatePath : IngressIssueKinds.DefaultBackendConflict,
                    Outcome = duplicate ? ConversionOutcome.Approximated : ConversionOutcome.Carried,
                    Subject = diagnostic.Subject,
                    Field = diagnostic.Path,
                    Message = duplicate
                        ? diagnostic.Message + " The converted routes are ordered by their creation time instead; keep the path in one Ingress."
                        : diagnostic.Message + " Only the oldest defaultBackend is converted.",
                    AffectsRouting = duplicate,
                });
            }
        }

        private void ReportBackend(Ingress ingress, IngressBackend backend, string field, string? host)
        {
            if (backend.Resource is { } resource)
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.ResourceBackend,
                    Outcome = ConversionOutcome.Approximated,
                    Subject = ingress.Key,
                    Field = field,
                    Host = host,
                    Message = $"resource backend {resource.Kind}.{resource.Group}/{resource.Name} is converted to a backendRef of that group and kind, which the Gateway API core does not support; use a Service.",
                    AffectsRouting = true,
                });
            }
            else if (backend.ServicePortName is { } portName && IngressRuleSet.Resolve(snapshot, ingress, backend).Reference.Port is null)
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.UnresolvedPortName,
                    Outcome = ConversionOutcome.Dropped,
                    Subject = ingress.Key,
                    Field = field,
                    Host = host,
                    Message = $"port \"{portName}\" of Service {ingress.Namespace}/{backend.ServiceName} cannot be resolved from the input, and a backendRef needs a port number; the converted backendRef has none. Add the Service to the input or set the port number.",
                    AffectsRouting = true,
                });
            }
        }

        private void ReportTls(Ingress ingress, IngressTls tls, string field)
        {
            if (tls.SecretName is not { Length: > 0 } secret)
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.TlsWithoutSecret,
                    Outcome = ConversionOutcome.Dropped,
                    Subject = ingress.Key,
                    Field = field,
                    Message = "the TLS entry has no secretName (the controller's default certificate); no HTTPS listener is made for its hosts. Set secretName.",
                    AffectsRouting = true,
                });
                return;
            }

            var found = snapshot.Find<Secret>(new ResourceKey(Kinds.Secret, ingress.Namespace, secret));
            if (found is null || found.TlsCertificateValid == false)
            {
                issues.Add(new ConversionIssue
                {
                    Kind = IngressIssueKinds.TlsSecretNotUsable,
                    Outcome = ConversionOutcome.Approximated,
                    Subject = ingress.Key,
                    Field = field + ".secretName",
                    Message = $"Secret {ingress.Namespace}/{secret} {(found is null ? "is not in the input" : "does not hold a valid certificate and key")}; a Gateway listener that refers to it is not programmed (ResolvedRefs=False), where the Ingress controller serves its default certificate.",
                    AffectsRouting = true,
                });
            }

            var hosts = tls.Hosts.Count == 0 ? [null] : tls.Hosts.Select(IngressRuleSet.NormalizeHost).ToList();
            foreach (var host in hosts)
            {
                if (_rules.Tls.TryGetValue(host ?? string.Empty, out var winner) && (!ReferenceEquals(winner.Ingress, ingress) || winner.SecretName != secret))
                {
                    if (winner.SecretName != secret || !ReferenceEquals(winner.Ingress, ingress) && winner.Ingress.Namespace != ingress.Namespace)
                    {
                        issues.Add(new ConversionIssue
                        {
                            Kind = IngressIssueKinds.TlsSecretConflict,
                            Outcome = ConversionOutcome.Approximated,
                            Subject = ingress.Key,
                            Field = field,
                            Host = host,
                            Message = $"{(host is null ? "every host" : "host " + host)} is already served with Secret {winner.Ingress.Namespace}/{winner.SecretName} of an older entry; the listener uses that one.",
                            AffectsRouting = false,
                        });
                    }
                }

                if (host is not null && host.StartsWith("*.", StringComparison.Ordinal))
                {
                    issues.Add(new ConversionIssue
                    {
                        Kind = IngressIssueKinds.WildcardTlsHost,
                        Outcome = ConversionOutcome.Approximated,
                        Subject = ingress.Key,
                        Field = field + ".hosts",
                        Host = host,
                        Message = $"the TLS host {host} covers one DNS label; the HTTPS listener {host} also accepts deeper hosts, which the Ingress does not serve over HTTPS.",
                        AffectsRouting = true,
                    });
                }
            }
        }
    }
}
