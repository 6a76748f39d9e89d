using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.IngressNginx;

/// <summary>Where the converted routes attach.</summary>
public enum NginxConversionTarget
{
    /// <summary>A new Gateway per class, named after the class, with a listener per host (the default).</summary>
    NewGateway = 0,

    /// <summary>An existing Gateway of the input (<see cref="IngressNginxConversionOptions.Gateway"/>): routes attach to its listeners.</summary>
    ExistingGateway,

    /// <summary>One ListenerSet per namespace with the listeners of that namespace's hosts, on a new or an existing Gateway.</summary>
    ListenerSets,
}

/// <summary>Options of <see cref="IngressNginxConverter.Convert"/>.</summary>
public sealed record IngressNginxConversionOptions
{
    /// <summary>The defaults: every ingress-nginx class, a new Gateway each.</summary>
    public static IngressNginxConversionOptions Default { get; } = new();

    /// <summary>The class to convert, or null for every class ingress-nginx serves (<see cref="IngressNginxModel.Classes"/>).</summary>
    public string? ClassName { get; init; }

    /// <summary>The controller's configuration.</summary>
    public IngressNginxOptions Nginx { get; init; } = IngressNginxOptions.Default;

    /// <summary>Where routes attach.</summary>
    public NginxConversionTarget Target { get; init; }

    /// <summary>The existing Gateway (for <see cref="NginxConversionTarget.ExistingGateway"/>, and optionally the parent of ListenerSets).</summary>
    public ResourceKey? Gateway { get; init; }

    /// <summary>The namespace of a new Gateway; by default that of the class's oldest Ingress's server.</summary>
    public string? GatewayNamespace { get; init; }

    /// <summary>
    /// The Secret NGINX serves HTTPS with for hosts without a TLS entry (its default certificate); when set, a new
    /// Gateway gets an HTTPS listener without hostname with it, so those hosts are served over HTTPS as before.
    /// </summary>
    public ObjectReference? DefaultCertificate { get; init; }

    /// <summary>Convert access control and traffic annotations to Envoy Gateway policies (<c>--profile envoy-gateway</c>).</summary>
    public bool EnvoyGateway { get; init; }
}

/// <summary>
/// Converts the Ingresses of ingress-nginx classes to Gateway API objects that route as ingress-nginx does, reading
/// every decision from <see cref="IngressNginxModel"/>: one HTTPRoute per host (and one for the plain-HTTP listener
/// where locations redirect to https), GRPCRoutes for gRPC backends, canaries as header-matched rules and weighted
/// backendRefs, rewrites and redirects as filters, BackendTLSPolicies for TLS backends, ReferenceGrants for
/// cross-namespace backends and certificates, and Envoy Gateway policies under its profile. Every annotation of the
/// input appears in the report as carried, approximated or dropped; the output is read back
/// (<see cref="ConversionReadBack"/>) and what an API server would refuse is withheld.
/// </summary>
public static class IngressNginxConverter
{
    private const int MaxRulesPerRoute = 16;

    /// <summary>The annotations every Ingress may carry that are not ingress-nginx's and need no conversion.</summary>
    private static readonly Dictionary<string, string> Bookkeeping = new(StringComparer.Ordinal)
    {
        [IngressClassSelector.ClassAnnotation] = "the class, which selected this Ingress for conversion",
        ["kubectl.kubernetes.io/last-applied-configuration"] = "kubectl's record of the last apply",
        ["deployment.kubernetes.io/revision"] = "bookkeeping",
        ["meta.helm.sh/release-name"] = "Helm's release, worth copying to the new objects' labels by hand",
        ["meta.helm.sh/release-namespace"] = "Helm's release, worth copying to the new objects' labels by hand",
    };

    /// <summary>Converts the Ingresses of a snapshot.</summary>
    /// <param name="snapshot">The input: Ingresses, IngressClasses, Services, Secrets, and the target Gateway when given.</param>
    /// <param name="options">The options; the defaults when null.</param>
    /// <returns>The converted objects, the report, and the objects for evaluating the conversion.</returns>
    public static IngressConversion Convert(Snapshot snapshot, IngressNginxConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        options ??= IngressNginxConversionOptions.Default;
        var output = new Output();
        var classes = options.ClassName is { } one ? [one] : IngressNginxModel.Classes(snapshot);
        foreach (var className in classes)
        {
            var model = IngressNginxModel.Compile(snapshot, className, options.Nginx);
            if (model.Ingresses.Count > 0)
            {
                new ClassConversion(snapshot, options, model, output).Run();
            }
        }

        var objects = output.Gateways.Cast<KubeObject>().Concat(output.ListenerSets).Concat(output.Grants).Concat(output.HttpRoutes).Concat(output.GrpcRoutes).Concat(output.Policies).ToList();
        var readBack = ConversionReadBack.Check(objects, output.Origins);
        var accepted = readBack.Accepted.Select(o => o.Key).ToHashSet();
        var issues = output.Issues
            .Distinct()
            .OrderBy(i => i.Subject is null ? 0 : 1)
            .ThenBy(i => i.Subject ?? default)
            .ThenBy(i => i.Field ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(i => i.Kind, StringComparer.Ordinal)
            .ThenBy(i => i.Host ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(i => i.Path ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(i => i.Message, StringComparer.Ordinal)
            .ToEquatableArray();
        return new IngressConversion
        {
            Gateways = output.Gateways.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            ListenerSets = output.ListenerSets.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            HttpRoutes = output.HttpRoutes.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            GrpcRoutes = output.GrpcRoutes.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            ReferenceGrants = output.Grants.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            Policies = output.Policies.Where(o => accepted.Contains(o.Key)).ToEquatableArray(),
            GatewayClasses = output.Classes.ToEquatableArray(),
            Origins = output.Origins.ToEquatableArray(),
            Targets = output.Targets.ToEquatableArray(),
            Report = new ConversionReport(issues) { Errors = readBack.Errors },
        };
    }

    /// <summary>What the classes produce, gathered.</summary>
    private sealed class Output
    {
        public List<Gateway> Gateways { get; } = [];

        public List<ListenerSet> ListenerSets { get; } = [];

        public List<HttpRoute> HttpRoutes { get; } = [];

        public List<GrpcRoute> GrpcRoutes { get; } = [];

        public List<ReferenceGrant> Grants { get; } = [];

        public List<KubeObject> Policies { get; } = [];

        public List<GatewayClass> Classes { get; } = [];

        public List<ConversionOrigin> Origins { get; } = [];

        public List<ConversionIssue> Issues { get; } = [];

        public List<ConvertedGateway> Targets { get; } = [];

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        /// <summary>A name not yet used by that kind in that namespace.</summary>
        public string Unique(string kind, string ns, string name)
        {
            name = name.Length > 63 ? name[..63].TrimEnd('-') : name;
            var candidate = name;
            for (var i = 2; !Names.Add($"{kind}/{ns}/{candidate}"); i++)
            {
                var suffix = "-" + i.ToString(CultureInfo.InvariantCulture);
                candidate = (name.Length + suffix.Length > 63 ? name[..(63 - suffix.Length)] : name) + suffix;
            }

            return candidate;
        }
    }

    private sealed class ClassConversion(Snapshot snapshot, IngressNginxConversionOptions options, IngressNginxModel model, Output output)
    {
        private readonly List<NginxNote> _notes = [];
        private readonly NginxTargets _targets = new(snapshot, options, model, output.Issues);

        private readonly Dictionary<HttpRoute, List<NginxLocation>> _routeRules = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<(string Namespace, string Service)> _tlsBackends = [];

        public void Run()
        {
            var plans = model.Servers.Where(s => !s.IsCatchAll || s.AppRoot is not null || s.Locations.Any(l => !(l.IsDefBackend && l.Backend.IsDefault))).ToList();
            var rules = new Dictionary<NginxServer, NginxRules>(ReferenceEqualityComparer.Instance);
            foreach (var server in plans)
            {
                rules[server] = new NginxRules(model, server, _targets.RouteNamespace(server), options.EnvoyGateway, _notes);
            }

            _targets.Plan(plans);
            foreach (var gateway in _targets.Gateways)
            {
                output.Gateways.Add(gateway);
                output.Origins.Add(new ConversionOrigin(gateway.Key, string.Empty, model.IngressObjects[0].Key, null));
            }

            output.ListenerSets.AddRange(_targets.ListenerSets);
            if (_targets.Target is { } target)
            {
                output.Targets.Add(target);
            }

            if (_targets.EvaluationClass is { } evaluationClass && output.Classes.All(c => c.Name != evaluationClass.Name))
            {
                output.Classes.Add(evaluationClass);
            }

            var grants = new Dictionary<(string Namespace, string FromKind, string FromNamespace, string ToKind), SortedSet<string>>();
            foreach (var (fromKind, fromNs, ns, name) in _targets.CertificateGrants)
            {
                Grant(grants, ns, fromKind, fromNs, Kinds.Secret.Kind, name);
            }

            foreach (var server in plans)
            {
                var serverRules = rules[server];
                var attachments = _targets.AttachmentsFor(server);
                var ns = _targets.RouteNamespace(server);
                var baseName = server.IsCatchAll ? model.ClassName + "-catch-all" : NginxRules.Slug(server.Name.Replace("*", "wildcard", StringComparison.Ordinal));
                var hostnames = server.IsCatchAll ? [] : new[] { server.Name }.Concat(server.Aliases).ToEquatableArray();
                var https = attachments.Where(a => a.Https).Select(a => a.Parent).ToEquatableArray();
                var http = attachments.Where(a => !a.Https).Select(a => a.Parent).ToEquatableArray();
                if (serverRules.HttpDiffers)
                {
                    AddRoutes(server, ns, baseName, hostnames, https, serverRules.Serving);
                    AddRoutes(server, ns, baseName + "-http", hostnames, http, serverRules.Http);
                }
                else
                {
                    AddRoutes(server, ns, baseName, hostnames, [.. http, .. https], serverRules.Serving);
                }

                var kinds = serverRules.Serving.Concat(serverRules.Http).Select(r => r.IsGrpc ? Kinds.GrpcRoute.Kind : Kinds.HttpRoute.Kind).Distinct(StringComparer.Ordinal).ToList();
                foreach (var (backendNs, service) in serverRules.CrossNamespaceBackends)
                {
                    foreach (var kind in kinds)
                    {
                        Grant(grants, backendNs, kind, ns, Kinds.Service.Kind, service);
                    }
                }

                foreach (var ((backendNs, service), location) in serverRules.TlsBackends.OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Service, StringComparer.Ordinal))
                {
                    if (_tlsBackends.Add((backendNs, service)) && NginxPolicies.BackendTls(snapshot, backendNs, service, location, output.Unique) is { } policy)
                    {
                        output.Policies.Add(policy);
                        if (location.Ingress is { } source)
                        {
                            output.Origins.Add(new ConversionOrigin(policy.Key, string.Empty, source.Key, $"metadata.annotations[{model.Options.AnnotationPrefix}/backend-protocol]"));
                        }
                    }
                }
            }

            foreach (var redirect in model.RedirectServers)
            {
                var destination = redirect.Target;
                var rule = new HttpRouteRule
                {
                    Matches = [new HttpRouteMatch()],
                    Filters = [new RouteFilter { Type = RouteFilterType.RequestRedirect, TypeName = "RequestRedirect", RequestRedirect = new HttpRequestRedirectFilter { Hostname = redirect.To, StatusCode = model.Options.HttpRedirectCode } }],
                };
                var attachments = _targets.AttachmentsFor(redirect.From);
                AddRoutes(destination, _targets.RouteNamespace(destination), NginxRules.Slug(redirect.From), [redirect.From], attachments.Select(a => a.Parent).ToEquatableArray(), [new NginxRule(rule, null, destination.Locations[0])]);
                _notes.Add(new NginxNote(destination.Locations.FirstOrDefault(l => l.Settings.FromToWww) ?? destination.Locations[0], "from-to-www-redirect", ConversionOutcome.Approximated, true,
                    $"requests for {redirect.From} redirect ({model.Options.HttpRedirectCode}) to {redirect.To}; NGINX drops a trailing slash from the path, Gateway API keeps it.") { Server = destination });
            }

            foreach (var ((ns, fromKind, fromNs, toKind), names) in grants.OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.FromKind, StringComparer.Ordinal).ThenBy(g => g.Key.FromNamespace, StringComparer.Ordinal).ThenBy(g => g.Key.ToKind, StringComparer.Ordinal))
            {
                var grant = new ReferenceGrant
                {
                    ApiVersion = "gateway.networking.k8s.io/v1beta1",
                    Metadata = new ObjectMeta { Name = output.Unique(Kinds.ReferenceGrant.Kind, ns, $"{model.ClassName}-{fromKind.ToLowerInvariant()}s-from-{fromNs}"), Namespace = ns },
                    From = [new ReferenceGrantFrom(Groups.Gateway, fromKind, fromNs)],
                    To = names.Select(n => new ReferenceGrantTo(Groups.Core, toKind, n)).ToEquatableArray(),
                };
                output.Grants.Add(grant);
            }

            if (options.EnvoyGateway)
            {
                var (policies, issues, origins) = NginxPolicies.EnvoyGateway(model, _routeRules, output.Unique);
                output.Policies.AddRange(policies);
                output.Issues.AddRange(issues);
                output.Origins.AddRange(origins);
            }

            ReportAnnotations();
            foreach (var note in _notes.Distinct())
            {
                var annotation = model.Options.AnnotationPrefix + "/" + note.Kind;
                var annotated = note.Location?.Ingress is { } i && i.Metadata.Annotations.ContainsKey(annotation);
                output.Issues.Add(new ConversionIssue
                {
                    Kind = annotated ? annotation : note.Kind,
                    Outcome = note.Outcome,
                    Subject = note.Location?.Ingress?.Key ?? note.Server?.Creator?.Key,
                    Field = note.Location is { } l ? (annotated ? $"metadata.annotations[{annotation}]" : l.Field) : null,
                    Host = note.Server is { IsCatchAll: false } server ? server.Name : null,
                    Path = note.RequestPath ?? note.Location?.IngressPath,
                    Message = note.Message,
                    AffectsRouting = note.AffectsRouting,
                });
            }
        }

        private static void Grant(Dictionary<(string, string, string, string), SortedSet<string>> grants, string ns, string fromKind, string fromNs, string toKind, string name)
        {
            if (ns == fromNs)
            {
                return;
            }

            if (!grants.TryGetValue((ns, fromKind, fromNs, toKind), out var names))
            {
                grants[(ns, fromKind, fromNs, toKind)] = names = new SortedSet<string>(StringComparer.Ordinal);
            }

            names.Add(name);
        }

        private void AddRoutes(NginxServer server, string ns, string baseName, EquatableArray<string> hostnames, EquatableArray<ParentReference> parents, List<NginxRule> rules)
        {
            if (parents.Count == 0 || rules.Count == 0)
            {
                return;
            }

            var created = server.Creator?.Metadata.CreationTimestamp ?? model.IngressObjects[0].Metadata.CreationTimestamp;
            var http = rules.Where(r => !r.IsGrpc).ToList();
            var grpc = rules.Where(r => r.IsGrpc).ToList();
            var chunks = Chunk(http);
            for (var c = 0; c < chunks.Count; c++)
            {
                var name = output.Unique(Kinds.HttpRoute.Kind, ns, c == 0 ? baseName : $"{baseName}-part-{(c + 1).ToString("00", CultureInfo.InvariantCulture)}");
                var chunk = chunks[c];
                var route = new HttpRoute
                {
                    ApiVersion = "gateway.networking.k8s.io/v1",
                    Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = created },
                    ParentRefs = parents,
                    Hostnames = hostnames,
                    Rules = UniqueNames(chunk.Select(r => r.Http!)).ToEquatableArray(),
                };
                output.HttpRoutes.Add(route);
                _routeRules[route] = chunk.Select(r => r.Source).ToList();
                Origins(route.Key, server, chunk);
            }

            if (chunks.Count > 1 && rules.Any(r => r.Http?.Matches.Any(m => m.Path.Type == PathMatchType.RegularExpression) == true))
            {
                output.Issues.Add(new ConversionIssue
                {
                    Kind = "RegexRuleOrder",
                    Outcome = ConversionOutcome.Approximated,
                    Subject = server.Creator?.Key,
                    Host = server.IsCatchAll ? null : server.Name,
                    Message = $"host {server.Name} needs {http.Count} rules, more than one HTTPRoute holds ({MaxRulesPerRoute}); its RegularExpression rules keep NGINX's order only while the routes are ordered by name (create them together).",
                    AffectsRouting = true,
                });
            }

            for (var c = 0; c * MaxRulesPerRoute < grpc.Count; c++)
            {
                var chunk = grpc.Skip(c * MaxRulesPerRoute).Take(MaxRulesPerRoute).ToList();
                var name = output.Unique(Kinds.GrpcRoute.Kind, ns, c == 0 ? baseName : $"{baseName}-part-{(c + 1).ToString("00", CultureInfo.InvariantCulture)}");
                var route = new GrpcRoute
                {
                    ApiVersion = "gateway.networking.k8s.io/v1",
                    Metadata = new ObjectMeta { Name = name, Namespace = ns, CreationTimestamp = created },
                    ParentRefs = parents,
                    Hostnames = hostnames,
                    Rules = chunk.Select(r => r.Grpc!).ToEquatableArray(),
                };
                output.GrpcRoutes.Add(route);
                Origins(route.Key, server, chunk);
            }
        }

        /// <summary>Rules in chunks of at most 16, keeping the rules of one location together (their order decides among them).</summary>
        private static List<List<NginxRule>> Chunk(List<NginxRule> rules)
        {
            var chunks = new List<List<NginxRule>>();
            var current = new List<NginxRule>();
            for (var i = 0; i < rules.Count;)
            {
                var j = i;
                while (j < rules.Count && ReferenceEquals(rules[j].Source, rules[i].Source))
                {
                    j++;
                }

                var group = rules.GetRange(i, j - i);
                if (current.Count + group.Count > MaxRulesPerRoute && current.Count > 0)
                {
                    chunks.Add(current);
                    current = [];
                }

                current.AddRange(group);
                i = j;
            }

            if (current.Count > 0)
            {
                chunks.Add(current);
            }

            return chunks;
        }

        private static IEnumerable<HttpRouteRule> UniqueNames(IEnumerable<HttpRouteRule> rules)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in rules)
            {
                if (rule.Name is not { } name)
                {
                    yield return rule;
                    continue;
                }

                var candidate = name;
                for (var i = 2; !used.Add(candidate); i++)
                {
                    candidate = $"{name}-{i.ToString(CultureInfo.InvariantCulture)}";
                }

                yield return rule with { Name = candidate };
            }
        }

        private void Origins(ResourceKey route, NginxServer server, List<NginxRule> rules)
        {
            var source = server.Creator ?? model.IngressObjects[0];
            output.Origins.Add(new ConversionOrigin(route, string.Empty, source.Key, server.IsCatchAll ? null : "spec.rules"));
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i].Source.Ingress is { } ingress)
                {
                    output.Origins.Add(new ConversionOrigin(route, $"spec.rules[{i.ToString(CultureInfo.InvariantCulture)}]", ingress.Key, rules[i].Source.Field));
                }
            }
        }

        /// <summary>Every annotation of every Ingress of the class, as carried, approximated or dropped.</summary>
        private void ReportAnnotations()
        {
            foreach (var ingress in model.IngressObjects.OrderBy(i => i.Key))
            {
                var settings = model.Settings[ingress];
                var prefix = model.Options.AnnotationPrefix + "/";
                foreach (var (key, value) in ingress.Metadata.Annotations)
                {
                    var field = $"metadata.annotations[{key}]";
                    if (!key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        ReportForeign(ingress, key, field);
                        continue;
                    }

                    var name = key[prefix.Length..];
                    ConversionIssue Issue(ConversionOutcome outcome, bool routing, string message) => new()
                    {
                        Kind = key,
                        Outcome = outcome,
                        Subject = ingress.Key,
                        Field = field,
                        Message = message,
                        AffectsRouting = routing,
                    };

                    if (NginxAnnotationCatalog.Find(name) is not { } info)
                    {
                        output.Issues.Add(Issue(ConversionOutcome.Dropped, false, $"ingress-nginx does not read {name} (removed, or misspelled), so it had no effect there either."));
                        continue;
                    }

                    if (settings.Invalid.TryGetValue(name, out var invalid))
                    {
                        output.Issues.Add(Issue(ConversionOutcome.Carried, false, invalid + " The conversion ignores it too."));
                        continue;
                    }

                    if (settings.IsCanary && !name.StartsWith("canary", StringComparison.Ordinal) && !name.StartsWith("affinity", StringComparison.Ordinal)
                        && !name.StartsWith("session-cookie", StringComparison.Ordinal) && name is not ("load-balance" or "upstream-hash-by"))
                    {
                        output.Issues.Add(Issue(ConversionOutcome.Carried, false, "ingress-nginx ignores this annotation on a canary Ingress (the main Ingress's applies), and so does the conversion."));
                        continue;
                    }

                    switch (info.Treatment)
                    {
                        case NginxAnnotationTreatment.Routing:
                            // Where the paths of the Ingress say more (per path), their entries stand for the annotation.
                            if (!_notes.Any(n => n.Kind == name && ReferenceEquals(n.Location?.Ingress, ingress)))
                            {
                                output.Issues.Add(RoutingIssue(ingress, settings, name, key, field, value, info));
                            }

                            break;
                        case NginxAnnotationTreatment.Policy:
                            if (!options.EnvoyGateway)
                            {
                                output.Issues.Add(Issue(ConversionOutcome.Dropped, true, info.Plain + " (with --profile envoy-gateway: " + info.EnvoyGateway + ")."));
                            }

                            // Under the profile, NginxPolicies reports each one with what it made.
                            break;
                        case NginxAnnotationTreatment.NoRoutingEffect:
                            output.Issues.Add(Issue(ConversionOutcome.Dropped, false, (options.EnvoyGateway ? info.EnvoyGateway : info.Plain) + "."));
                            break;
                        default:
                            output.Issues.Add(Issue(ConversionOutcome.Dropped, true, (options.EnvoyGateway ? info.EnvoyGateway : info.Plain) + "."));
                            break;
                    }
                }
            }
        }

        private void ReportForeign(Ingress ingress, string key, string field)
        {
            string message;
            ConversionOutcome outcome;
            if (Bookkeeping.TryGetValue(key, out var what))
            {
                outcome = ConversionOutcome.Carried;
                message = $"{what}; nothing to convert.";
            }
            else if (key.StartsWith("cert-manager.io/", StringComparison.Ordinal) && options.Target != NginxConversionTarget.ExistingGateway)
            {
                outcome = ConversionOutcome.Carried;
                message = "copied to the Gateway: cert-manager's Gateway support reads the same annotations there.";
            }
            else
            {
                outcome = ConversionOutcome.Dropped;
                message = key.StartsWith("cert-manager.io/", StringComparison.Ordinal)
                    ? "cert-manager reads this on Gateways; set it on the target Gateway."
                    : "not an ingress-nginx annotation (ingress-nginx ignores it); check whether its owner reads it on Gateway API objects.";
            }

            output.Issues.Add(new ConversionIssue { Kind = key, Outcome = outcome, Subject = ingress.Key, Field = field, Message = message, AffectsRouting = false });
        }

        /// <summary>The entry of a routing annotation: carried unless a location note says otherwise.</summary>
        private ConversionIssue RoutingIssue(Ingress ingress, NginxSettings settings, string name, string key, string field, string value, NginxAnnotationInfo info)
        {
            var outcome = ConversionOutcome.Carried;
            var message = info.Plain + ".";
            var routing = false;
            switch (name)
            {
                case "canary" or "canary-by-header" or "canary-by-header-value" or "canary-weight" or "canary-weight-total":
                    message = settings.IsCanary
                        ? "carried: canary conditions become rules with header matches and weighted backendRefs on the main Ingress's routes."
                        : "canary is not \"true\"; nothing to convert.";
                    if (settings.IsCanary && !CanaryMerged(ingress))
                    {
                        outcome = ConversionOutcome.Carried;
                        message = "ingress-nginx finds no main Ingress location with this canary's host, path and type, so the canary serves nothing; neither do the converted routes.";
                    }

                    break;
                case "canary-by-header-pattern":
                    outcome = settings.Canary?.HeaderPattern is null ? ConversionOutcome.Carried : ConversionOutcome.Approximated;
                    routing = outcome != ConversionOutcome.Carried;
                    message = settings.Canary?.HeaderPattern is null
                        ? "ignored by ingress-nginx (canary-by-header-value is set, or canary-by-header is not); ignored here too."
                        : "approximated: a RegularExpression header match (implementation-specific) searching the value as PCRE does.";
                    break;
                case "canary-by-cookie":
                    outcome = ConversionOutcome.Approximated;
                    routing = true;
                    message = "approximated: a RegularExpression match on the Cookie header (implementation-specific) for name=always and name=never; NGINX reads only the first cookie of that name.";
                    break;
                case "enable-cors" or "cors-allow-origin" or "cors-allow-methods" or "cors-allow-headers" or "cors-expose-headers" or "cors-allow-credentials" or "cors-max-age":
                    outcome = settings.Cors is null ? ConversionOutcome.Carried : ConversionOutcome.Approximated;
                    routing = settings.Cors is not null;
                    message = settings.Cors is null ? "enable-cors is not \"true\"; nothing to convert." : info.Plain + ".";
                    break;
                case "use-regex":
                    outcome = settings.UseRegex ? ConversionOutcome.Approximated : ConversionOutcome.Carried;
                    routing = settings.UseRegex;
                    message = settings.UseRegex ? info.Plain + "." : "use-regex is off; nothing to convert.";
                    break;
                case "x-forwarded-prefix" when settings.RewriteTarget.Length == 0:
                    message = "ingress-nginx sets X-Forwarded-Prefix only where rewrite-target rewrites; without it there is nothing to convert.";
                    break;
                case "backend-protocol":
                    (outcome, routing, message) = settings.BackendProtocol switch
                    {
                        "GRPC" => (ConversionOutcome.Carried, false, "carried: the locations become GRPCRoute rules (service and method matches)."),
                        "GRPCS" => (ConversionOutcome.Approximated, true, "approximated: GRPCRoute rules and a BackendTLSPolicy, which always verifies the backend's certificate (NGINX does not unless proxy-ssl-verify)."),
                        "HTTPS" => (ConversionOutcome.Approximated, true, "approximated: a BackendTLSPolicy for the Service, which always verifies the backend's certificate (NGINX does not unless proxy-ssl-verify)."),
                        "AJP" or "FCGI" => (ConversionOutcome.Dropped, true, $"dropped: Gateway API does not speak {settings.BackendProtocol}."),
                        "AUTO_HTTP" => (ConversionOutcome.Approximated, true, "approximated: NGINX speaks to the backend with the client's scheme; the conversion speaks plain HTTP."),
                        _ => (ConversionOutcome.Carried, false, "HTTP, the default; nothing to convert."),
                    };
                    break;
                case "server-alias":
                    message = $"carried: the aliases {string.Join(", ", settings.Aliases)} are hostnames of the host's routes and listeners.";
                    break;
                case "ssl-redirect" when !settings.SslRedirect:
                    message = "carried: the host's locations of this Ingress are served on HTTP without a redirect.";
                    break;
                case "proxy-ssl-secret" or "proxy-ssl-verify" or "proxy-ssl-name" when settings.BackendProtocol is not ("HTTPS" or "GRPCS"):
                    message = "ingress-nginx uses it only with backend-protocol HTTPS or GRPCS; nothing to convert.";
                    break;
                case "proxy-ssl-secret":
                    outcome = ConversionOutcome.Approximated;
                    routing = true;
                    message = info.Plain + ".";
                    break;
                case "from-to-www-redirect":
                    outcome = settings.FromToWww ? ConversionOutcome.Approximated : ConversionOutcome.Carried;
                    routing = settings.FromToWww;
                    break;
            }

            _ = value;
            return new ConversionIssue { Kind = key, Outcome = outcome, Subject = ingress.Key, Field = field, Message = message, AffectsRouting = routing };
        }

        /// <summary>Whether some location's upstream received one of this canary Ingress's backends.</summary>
        private bool CanaryMerged(Ingress ingress)
            => model.Servers.SelectMany(s => s.Locations).Any(l => l.Backend.Alternatives.Any(a => ReferenceEquals(a.CanaryIngress, ingress)));
    }
}
