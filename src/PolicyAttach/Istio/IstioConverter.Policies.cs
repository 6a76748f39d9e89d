using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

internal sealed partial class IstioConversion
{
    /// <summary>gRPC status codes by name, for Envoy Gateway's fault injection (which takes the number).</summary>
    private static readonly Dictionary<string, int> GrpcCodes = new(StringComparer.Ordinal)
    {
        ["OK"] = 0, ["CANCELLED"] = 1, ["UNKNOWN"] = 2, ["INVALID_ARGUMENT"] = 3, ["DEADLINE_EXCEEDED"] = 4, ["NOT_FOUND"] = 5,
        ["ALREADY_EXISTS"] = 6, ["PERMISSION_DENIED"] = 7, ["RESOURCE_EXHAUSTED"] = 8, ["FAILED_PRECONDITION"] = 9, ["ABORTED"] = 10,
        ["OUT_OF_RANGE"] = 11, ["UNIMPLEMENTED"] = 12, ["INTERNAL"] = 13, ["UNAVAILABLE"] = 14, ["DATA_LOSS"] = 15, ["UNAUTHENTICATED"] = 16,
    };

    private static readonly string[] EnvoyGatewayTriggers =
        ["5xx", "gateway-error", "reset", "connect-failure", "retriable-4xx", "refused-stream", "retriable-status-codes", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"];

    /// <summary>The traffic policy in effect for a destination: port-level settings replace the policy for their port; a subset's settings override the DestinationRule's field by field.</summary>
    private sealed record Effective(DestinationRuleObject Rule, IstioLoadBalancer? LoadBalancer, IstioConnectionPool? Pool, IstioOutlierDetection? Outlier, IstioClientTls? Tls);

    private void ConvertPolicies()
    {
        foreach (var dr in _input.DestinationRules.OrderBy(d => d.Metadata.CreationTimestamp).ThenBy(d => d.Key))
        {
            var service = ServiceHosts.Resolve(dr.Host, dr.Key.Namespace, _options.ClusterDomain);
            if (service is not { } key || _snapshot.Find<Service>(key) is not { } svc)
            {
                continue;
            }

            ConvertBackendTls(dr, svc);
            foreach (var policy in Policies(dr))
            {
                NoteTrafficPolicy(dr.Key, policy);
            }
        }

        if (_options.EnvoyGateway)
        {
            ConvertBackendTrafficPolicies();
        }
    }

    private static List<IstioTrafficPolicy> Policies(DestinationRuleObject dr)
    {
        var all = new List<IstioTrafficPolicy>();
        if (dr.TrafficPolicy is { } p)
        {
            all.Add(p);
            all.AddRange(p.PortLevel.Select(x => x.Policy));
        }

        foreach (var s in dr.Subsets.Where(s => s.TrafficPolicy is not null))
        {
            all.Add(s.TrafficPolicy!);
            all.AddRange(s.TrafficPolicy!.PortLevel.Select(x => x.Policy));
        }

        return all;
    }

    /// <summary>The DestinationRule policy for traffic to a Service, subset and port; null when no DestinationRule names the Service.</summary>
    private Effective? EffectivePolicy(ResourceKey service, string? subset, int port)
    {
        var rules = _input.DestinationRules.Where(d => ServiceHosts.Resolve(d.Host, d.Key.Namespace, _options.ClusterDomain) == service)
            .OrderBy(d => d.Metadata.CreationTimestamp).ThenBy(d => d.Key).ToList();
        if (rules.Count == 0)
        {
            return null;
        }

        // "When top-level traffic policies are defined in multiple destination rules, the first one processed will be used."
        var top = rules.FirstOrDefault(r => r.TrafficPolicy is not null);
        var basePolicy = ForPort(top?.TrafficPolicy, port);
        var owner = subset is null ? null : rules.SelectMany(r => r.Subsets).FirstOrDefault(s => s.Name == subset);
        var sub = ForPort(owner?.TrafficPolicy, port);
        return new Effective(top ?? rules[0], sub?.LoadBalancer ?? basePolicy?.LoadBalancer, sub?.ConnectionPool ?? basePolicy?.ConnectionPool, sub?.OutlierDetection ?? basePolicy?.OutlierDetection, sub?.Tls ?? basePolicy?.Tls);

        // "Traffic settings specified at the destination-level will not be inherited when overridden by port-level settings."
        static IstioTrafficPolicy? ForPort(IstioTrafficPolicy? policy, int port)
            => policy?.PortLevel.FirstOrDefault(p => p.Port == port).Policy ?? policy;
    }

    /// <summary>
    /// DestinationRule TLS toward the Service as BackendTLSPolicies: SIMPLE TLS verifies the server with the
    /// system's CAs (wellKnownCACertificates: System) or, when a CA is given, with a ConfigMap the user must create
    /// (Gateway API cannot read file paths or Istio's credential Secrets); the SNI is the validation hostname.
    /// Subset Services get their own policy, since traffic to them does not go through the Service's.
    /// </summary>
    private void ConvertBackendTls(DestinationRuleObject dr, Service svc)
    {
        var targets = new List<(ResourceKey Target, IstioClientTls Tls, string? Section, int? Port)>();
        void Collect(IstioTrafficPolicy? policy, ResourceKey target)
        {
            if (policy?.Tls is { } tls)
            {
                targets.Add((target, tls, null, null));
            }

            foreach (var (port, portPolicy) in policy?.PortLevel ?? [])
            {
                if (portPolicy.Tls is { } portTls)
                {
                    targets.Add((target, portTls, svc.FindPort(port)?.Name, port));
                }
            }
        }

        Collect(dr.TrafficPolicy, svc.Key);
        foreach (var subset in dr.Subsets)
        {
            if (_subsets.TryGetValue((svc.Key, subset.Name), out var subsetService))
            {
                Collect(subset.TrafficPolicy ?? dr.TrafficPolicy, subsetService);
            }
        }

        foreach (var (target, tls, section, port) in targets.Distinct())
        {
            var f = tls.Field;
            switch (tls.Mode)
            {
                case "DISABLE":
                    _ledger.Carried(dr.Key, f, "plain connections to the Service: no BackendTLSPolicy.");
                    continue;
                case "ISTIO_MUTUAL":
                    _ledger.Dropped(dr.Key, f, "Istio mutual TLS with its own certificates: a mesh implementation provides it; Gateway API has nothing to write.", affectsRouting: false);
                    continue;
                case "SIMPLE" or "MUTUAL":
                    break;
                default:
                    _ledger.Dropped(dr.Key, f + ".mode", $"unknown TLS mode {tls.Mode}.", affectsRouting: false);
                    continue;
            }

            if (port is not null && section is null)
            {
                _ledger.Dropped(dr.Key, f, $"port {port} of Service {svc.Name} has no name, which a BackendTLSPolicy sectionName needs.", affectsRouting: false);
                continue;
            }

            var hostname = tls.Sni ?? ServiceHosts.Fqdn(svc.Key, _options.ClusterDomain);
            var validation = new JsonObject();
            if (tls.CaCertificates is not null || tls.CredentialName is not null)
            {
                var configMap = Names.Subdomain(tls.CredentialName ?? $"{svc.Name}-ca");
                validation["caCertificateRefs"] = new JsonArray(new JsonObject { ["group"] = string.Empty, ["kind"] = Kinds.ConfigMap.Kind, ["name"] = configMap });
                _ledger.Approximated(dr.Key, tls.CaCertificates is not null ? f + ".caCertificates" : f + ".credentialName", $"the CA is read from ConfigMap {target.Namespace}/{configMap} (key ca.crt), which must be created with the certificates: Gateway API cannot read files or Istio's credential Secrets.", affectsRouting: false);
            }
            else
            {
                validation["wellKnownCACertificates"] = "System";
            }

            validation["hostname"] = hostname;
            if (tls.SubjectAltNames.Count > 0)
            {
                validation["subjectAltNames"] = new JsonArray(tls.SubjectAltNames.Take(5).Select(s => (JsonNode)(s.Contains("://", StringComparison.Ordinal)
                    ? new JsonObject { ["type"] = "URI", ["uri"] = s }
                    : new JsonObject { ["type"] = "Hostname", ["hostname"] = s })).ToArray());
                _ledger.Carried(dr.Key, f + ".subjectAltNames", "validation.subjectAltNames" + (tls.SubjectAltNames.Count > 5 ? " (the first 5: the most Gateway API allows)." : "."));
            }

            var targetRef = new JsonObject { ["group"] = string.Empty, ["kind"] = Kinds.Service.Kind, ["name"] = target.Name };
            if (section is not null)
            {
                targetRef["sectionName"] = section;
            }

            var name = _names.Take(Kinds.BackendTlsPolicy.Kind, target.Namespace, target.Name + (section is null ? string.Empty : "-" + section) + "-tls");
            var manifest = new JsonObject
            {
                ["apiVersion"] = "gateway.networking.k8s.io/v1",
                ["kind"] = Kinds.BackendTlsPolicy.Kind,
                ["metadata"] = MetaJson(name, target.Namespace, dr.Key),
                ["spec"] = new JsonObject { ["targetRefs"] = new JsonArray(targetRef), ["validation"] = validation },
            };
            AddJson(ToElement(manifest), dr.Key);
            _ledger.Carried(dr.Key, f + ".mode", $"TLS {tls.Mode} to Service {target.Name}: BackendTLSPolicy {target.Namespace}/{name}.");
            if (tls.Sni is not null)
            {
                _ledger.Carried(dr.Key, f + ".sni", "validation.hostname (the SNI sent and the name verified).");
            }
            else
            {
                _ledger.Remark(dr.Key, f, ConversionOutcome.Approximated, $"no sni: Istio sends the request's host; a BackendTLSPolicy needs one hostname, so {hostname} is sent and verified.", affectsRouting: false);
            }

            if (tls.Mode == "MUTUAL" || tls.HasClientCertificate)
            {
                _ledger.Dropped(dr.Key, f, "the client certificate (MUTUAL) cannot be given per backend in Gateway API (only Gateway-wide, spec.tls.backend.clientCertificateRef); set it there by hand.", affectsRouting: false);
            }

            if (tls.InsecureSkipVerify == true)
            {
                _ledger.Dropped(dr.Key, f + ".insecureSkipVerify", "a BackendTLSPolicy always verifies the server certificate.", affectsRouting: false);
            }
        }
    }

    private static JsonElement ToElement(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private static JsonObject MetaJson(string name, string ns, ResourceKey source)
        => new()
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["annotations"] = new JsonObject { [IstioConverter.SourceAnnotation] = $"{source.Kind}/{source.Namespace}/{source.Name}" },
        };

    /// <summary>Notes on the load balancer, pool and outlier fields: what Envoy Gateway carries, or why they are only reported.</summary>
    private void NoteTrafficPolicy(ResourceKey key, IstioTrafficPolicy policy)
    {
        foreach (var (port, settings) in policy.PortLevel)
        {
            _ledger.Carried(key, settings.Field + ".port", $"the settings below replace the policy's for traffic to port {port.ToString(CultureInfo.InvariantCulture)}, as Istio applies them (each field's note says how it is carried).");
        }

        var eg = _options.EnvoyGateway;
        var how = eg ? "BackendTrafficPolicy" : "reported only: Gateway API has no standard policy for it (--profile envoy-gateway writes Envoy Gateway's BackendTrafficPolicy)";
        if (policy.LoadBalancer is { } lb)
        {
            var f = lb.Field;
            if (!eg)
            {
                _ledger.Dropped(key, f, "load balancing: " + how + ".", affectsRouting: false);
            }
            else
            {
                if (lb.Simple is { } simple)
                {
                    if (simple == "PASSTHROUGH")
                    {
                        _ledger.Dropped(key, f + ".simple", "PASSTHROUGH (forward to the original destination) has no Envoy Gateway equivalent.", affectsRouting: false);
                    }
                    else
                    {
                        _ledger.Carried(key, f + ".simple", $"loadBalancer.type {SimpleLb(simple) ?? "(default)"}.");
                    }
                }

                NoteIf(key, f + ".consistentHash.httpHeaderName", lb.HashHeader, "loadBalancer consistentHash type Header.");
                NoteIf(key, f + ".consistentHash.httpCookie", lb.HashCookie, "loadBalancer consistentHash type Cookie (name, ttl).");
                if (lb.HashSourceIp)
                {
                    _ledger.Carried(key, f + ".consistentHash.useSourceIp", "loadBalancer consistentHash type SourceIP.");
                }

                if (lb.HashQueryParameter is not null)
                {
                    _ledger.Dropped(key, f + ".consistentHash.httpQueryParameterName", "hashing on a query parameter is not written (Envoy Gateway's query-parameter hashing is not in the policy shapes this converter writes).", affectsRouting: false);
                }

                NoteIf(key, f + ".consistentHash.maglev", lb.MaglevTableSize?.ToString(CultureInfo.InvariantCulture), "consistentHash.tableSize (Envoy Gateway hashes with Maglev).");
                if (lb.RingMinimumSize is not null)
                {
                    _ledger.Approximated(key, f + ".consistentHash.ringHash", "Envoy Gateway hashes with Maglev, not a ring hash; the ring size is not carried.", affectsRouting: false);
                }

                NoteIf(key, f + ".warmup", lb.Warmup, "loadBalancer.slowStart.window.");
                NoteIf(key, f + ".warmupDurationSecs", lb.Warmup, "loadBalancer.slowStart.window.");
                if (lb.HasLocality)
                {
                    _ledger.Dropped(key, f + ".localityLbSetting", "locality load balancing has no Envoy Gateway policy field here.", affectsRouting: false);
                    _ledger.Dropped(key, f + ".zoneAwareLbSetting", "zone-aware load balancing has no Envoy Gateway policy field here.", affectsRouting: false);
                }
            }
        }

        if (policy.ConnectionPool is { } pool)
        {
            var f = pool.Field;
            if (!eg)
            {
                _ledger.Dropped(key, f, "connection pools and timeouts: " + how + ".", affectsRouting: false);
            }
            else
            {
                NoteIf(key, f + ".tcp.maxConnections", pool.MaxConnections?.ToString(CultureInfo.InvariantCulture), "circuitBreaker.maxConnections.");
                NoteIf(key, f + ".tcp.connectTimeout", pool.ConnectTimeout, "timeout.tcp.connectTimeout.");
                NoteIf(key, f + ".tcp.maxConnectionDuration", pool.MaxConnectionDuration, "timeout.http.maxConnectionDuration.");
                NoteIf(key, f + ".tcp.tcpKeepalive", pool.TcpKeepalive is null ? null : "x", "tcpKeepalive (probes, idleTime, interval).");
                NoteIf(key, f + ".http.http1MaxPendingRequests", pool.Http1MaxPendingRequests?.ToString(CultureInfo.InvariantCulture), "circuitBreaker.maxPendingRequests.");
                NoteIf(key, f + ".http.http2MaxRequests", pool.Http2MaxRequests?.ToString(CultureInfo.InvariantCulture), "circuitBreaker.maxParallelRequests.");
                NoteIf(key, f + ".http.maxRequestsPerConnection", pool.MaxRequestsPerConnection?.ToString(CultureInfo.InvariantCulture), "circuitBreaker.maxRequestsPerConnection.");
                NoteIf(key, f + ".http.maxRetries", pool.MaxRetries?.ToString(CultureInfo.InvariantCulture), "circuitBreaker.maxParallelRetries.");
                NoteIf(key, f + ".http.idleTimeout", pool.HttpIdleTimeout, "timeout.http.connectionIdleTimeout.");
                if (pool.TcpIdleTimeout is not null)
                {
                    _ledger.Dropped(key, f + ".tcp.idleTimeout", "the TCP idle timeout has no Envoy Gateway BackendTrafficPolicy field.", affectsRouting: false);
                }
            }
        }

        if (policy.OutlierDetection is { } outlier)
        {
            var f = outlier.Field;
            if (!eg)
            {
                _ledger.Dropped(key, f, "outlier detection: " + how + ".", affectsRouting: false);
            }
            else
            {
                _ledger.Carried(key, f, "healthCheck.passive (consecutive errors, interval, base ejection time, maximum ejection percent).");
                if (outlier.MinHealthPercent is not null)
                {
                    _ledger.Dropped(key, f + ".minHealthPercent", "Envoy Gateway's passive health check has no minimum healthy percentage.", affectsRouting: false);
                }

                if (outlier.HasErrorCodes)
                {
                    _ledger.Dropped(key, f + ".outlierDetectionHttpErrorCodes", "Envoy Gateway's passive health check counts 5xx and gateway errors only.", affectsRouting: false);
                }

                if (outlier.ConsecutiveErrors is not null)
                {
                    _ledger.Approximated(key, f + ".consecutiveErrors", "deprecated: written as consecutiveGatewayErrors (502, 503, 504), what it counted.", affectsRouting: false);
                }
            }
        }
    }

    private void NoteIf(ResourceKey key, string field, string? value, string how)
    {
        if (value is not null)
        {
            _ledger.Carried(key, field, how);
        }
    }

    private static string? SimpleLb(string simple) => simple switch
    {
        "ROUND_ROBIN" => "RoundRobin",
        "LEAST_REQUEST" or "LEAST_CONN" => "LeastRequest",
        "RANDOM" => "Random",
        _ => null,
    };

    /// <summary>
    /// Envoy Gateway BackendTrafficPolicies for the gateway routes (HTTPRoutes and GRPCRoutes): per route rule, the
    /// DestinationRule policy of its backends (load balancer, circuit breaker from the pools, timeouts, keepalive,
    /// passive health check from outlier detection) and the Istio rule's retries and faults (and, for a GRPCRoute
    /// rule, which has no timeouts field, its timeout). One policy per route when every rule gets the same spec,
    /// else one per named rule (sectionName).
    /// </summary>
    private void ConvertBackendTrafficPolicies()
    {
        foreach (var (route, sources, mesh) in _httpRoutes)
        {
            var specs = mesh ? null : route.Rules.Select((r, i) => RuleSpec(r.BackendRefs.Select(b => b.BackendRef), sources[i], grpc: false)).ToList();
            WriteBackendTrafficPolicies(route, Kinds.HttpRoute.Kind, sources, specs, route.Rules.Select(r => r.Name).ToList(), names => route with { Rules = route.Rules.Select((r, i) => r with { Name = names[i] }).ToEquatableArray() });
        }

        foreach (var (route, sources, mesh) in _grpcRoutes)
        {
            var specs = mesh ? null : route.Rules.Select((r, i) => RuleSpec(r.BackendRefs.Select(b => b.BackendRef), sources[i], grpc: true)).ToList();
            WriteBackendTrafficPolicies(route, Kinds.GrpcRoute.Kind, sources, specs, route.Rules.Select(r => r.Name).ToList(), names => route with { Rules = route.Rules.Select((r, i) => r with { Name = names[i] }).ToEquatableArray() });
        }
    }

    /// <summary>
    /// The BackendTrafficPolicies of one route from its rules' specs (null specs: a mesh route, which Envoy Gateway
    /// policies do not apply to). Rules that need a policy of their own and have no name get one (<c>rule-N</c>),
    /// and the route is replaced by its copy with the names, so that the policy's sectionName finds the rule.
    /// </summary>
    private void WriteBackendTrafficPolicies(RouteBase route, string kind, List<EffectiveHttpRule?> sources, List<JsonObject?>? specs, List<string?> ruleNames, Func<List<string?>, RouteBase> withNames)
    {
        var vsKey = _made.First(m => m.Object == route).Source;
        if (specs is null)
        {
            foreach (var rule in sources.OfType<EffectiveHttpRule>().Where(r => r.Rule.Retries is not null || r.Rule.Fault is not null))
            {
                _ledger.Dropped(rule.Owner.Key, rule.Rule.Retries?.Field ?? rule.Rule.Fault!.Field, "Envoy Gateway policies apply to gateway routes, not mesh routes.", affectsRouting: false);
            }

            return;
        }

        if (specs.All(s => s is null))
        {
            return;
        }

        var policies = new List<(JsonObject Spec, string? Section)>();
        if (specs.All(s => s is not null) && specs.Select(s => s!.ToJsonString()).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            policies.Add((specs[0]!, null));
        }
        else
        {
            var names = ruleNames.ToList();
            for (var i = 0; i < names.Count; i++)
            {
                if (specs[i] is null)
                {
                    continue;
                }

                if (names[i] is null)
                {
                    var name = Names.Section($"rule-{i}");
                    while (names.Contains(name, StringComparer.Ordinal))
                    {
                        name += "-x";
                    }

                    names[i] = name;
                }

                policies.Add((specs[i]!, names[i]));
            }

            var index = _made.FindIndex(m => m.Object == route);
            _made[index] = (withNames(names), _made[index].Source);
        }

        foreach (var (spec, section) in policies)
        {
            var targetRef = new JsonObject { ["group"] = "gateway.networking.k8s.io", ["kind"] = kind, ["name"] = route.Name };
            if (section is not null)
            {
                targetRef["sectionName"] = section;
            }

            spec["targetRefs"] = new JsonArray(targetRef);
            var name = _names.Take("BackendTrafficPolicy", route.Namespace, route.Name + (section is null ? string.Empty : "-" + section));
            var manifest = new JsonObject
            {
                ["apiVersion"] = "gateway.envoyproxy.io/v1alpha1",
                ["kind"] = "BackendTrafficPolicy",
                ["metadata"] = MetaJson(name, route.Namespace, vsKey),
                ["spec"] = spec,
            };
            AddJson(ToElement(manifest), vsKey);
        }
    }

    /// <summary>The BackendTrafficPolicy spec (without targets) for one route rule, or null when nothing applies.</summary>
    private JsonObject? RuleSpec(IEnumerable<BackendReference> backends, EffectiveHttpRule? source, bool grpc)
    {
        var spec = new JsonObject();
        var effective = backends
            .Select(b => (Backend: b, Policy: PolicyFor(b)))
            .ToList();
        var distinct = effective.Select(e => e.Policy).Distinct().ToList();
        if (distinct.Count > 1 && source is not null)
        {
            _ledger.Remark(source.Owner.Key, source.Rule.Field, ConversionOutcome.Approximated, "the rule's backends have different DestinationRule policies; a BackendTrafficPolicy applies to the whole rule, so the first backend's is used.", affectsRouting: false);
        }

        if (distinct.FirstOrDefault() is { } policy)
        {
            AddTrafficPolicy(spec, policy);
        }

        if (source is not null)
        {
            var retries = source.Rule.Retries;
            AddRetry(spec, source.Owner.Key, retries, source.Rule.Field);
            if (source.Rule.Fault is { } fault)
            {
                AddFault(spec, source.Owner.Key, fault);
            }

            if (grpc && source.Rule.Timeout is { } timeout)
            {
                AddRequestTimeout(spec, source.Owner.Key, source.Rule.Field + ".timeout", timeout);
            }
        }

        return spec.Count == 0 ? null : spec;
    }

    /// <summary>
    /// A GRPCRoute rule's timeout, which the rule has no field for, as the BackendTrafficPolicy's
    /// <c>timeout.http.requestTimeout</c> (beside the connection pool's timeouts, when the DestinationRule set some).
    /// </summary>
    private void AddRequestTimeout(JsonObject spec, ResourceKey key, string field, string timeout)
    {
        var value = Durations.GoToGateway(timeout, out var rounded);
        if (value is null)
        {
            _ledger.Dropped(key, field, $"\"{timeout}\" is not a duration Envoy Gateway can write.", affectsRouting: false);
            return;
        }

        if (spec["timeout"] is not JsonObject timeouts)
        {
            spec["timeout"] = timeouts = new JsonObject();
        }

        if (timeouts["http"] is not JsonObject http)
        {
            timeouts["http"] = http = new JsonObject();
        }

        http["requestTimeout"] = value;
        var how = $"a GRPCRoute rule has no timeouts: BackendTrafficPolicy timeout.http.requestTimeout {value}";
        if (rounded)
        {
            _ledger.Approximated(key, field, how + " (rounded to milliseconds).", affectsRouting: false);
        }
        else
        {
            _ledger.Carried(key, field, how + ".");
        }
    }

    private Effective? PolicyFor(BackendReference backend)
    {
        if (backend.Port is not { } port)
        {
            return null;
        }

        var key = new ResourceKey(Kinds.Service, backend.Namespace, backend.Name);
        var subset = _subsets.FirstOrDefault(s => s.Value == key);
        return subset.Value == key ? EffectivePolicy(subset.Key.Service, subset.Key.Subset, port) : EffectivePolicy(key, null, port);
    }

    private static void AddTrafficPolicy(JsonObject spec, Effective policy)
    {
        if (policy.LoadBalancer is { } lb)
        {
            var balancer = new JsonObject();
            if (lb.HashHeader is not null || lb.HashCookie is not null || lb.HashSourceIp)
            {
                balancer["type"] = "ConsistentHash";
                var hash = new JsonObject();
                if (lb.HashHeader is { } header)
                {
                    hash["type"] = "Header";
                    hash["header"] = new JsonObject { ["name"] = header };
                }
                else if (lb.HashCookie is { } cookie)
                {
                    hash["type"] = "Cookie";
                    var c = new JsonObject { ["name"] = cookie };
                    if (lb.HashCookieTtl is { } ttl && Durations.GoToGateway(ttl, out _) is { } t)
                    {
                        c["ttl"] = t;
                    }

                    hash["cookie"] = c;
                }
                else
                {
                    hash["type"] = "SourceIP";
                }

                if (lb.MaglevTableSize is { } size)
                {
                    hash["tableSize"] = size;
                }

                balancer["consistentHash"] = hash;
            }
            else if (lb.Simple is { } simple && SimpleLb(simple) is { } type)
            {
                balancer["type"] = type;
            }

            if (lb.Warmup is { } warmup && Durations.GoToGateway(warmup, out _) is { } window && balancer.ContainsKey("type") && (string?)balancer["type"] is "RoundRobin" or "LeastRequest")
            {
                balancer["slowStart"] = new JsonObject { ["window"] = window };
            }

            if (balancer.ContainsKey("type"))
            {
                spec["loadBalancer"] = balancer;
            }
        }

        if (policy.Pool is { } pool)
        {
            var breaker = new JsonObject();
            Put(breaker, "maxConnections", pool.MaxConnections);
            Put(breaker, "maxPendingRequests", pool.Http1MaxPendingRequests);
            Put(breaker, "maxParallelRequests", pool.Http2MaxRequests);
            Put(breaker, "maxParallelRetries", pool.MaxRetries);
            Put(breaker, "maxRequestsPerConnection", pool.MaxRequestsPerConnection);
            if (breaker.Count > 0)
            {
                spec["circuitBreaker"] = breaker;
            }

            var timeout = new JsonObject();
            if (Durations.GoToGateway(pool.ConnectTimeout, out _) is { } connect)
            {
                timeout["tcp"] = new JsonObject { ["connectTimeout"] = connect };
            }

            var http = new JsonObject();
            if (Durations.GoToGateway(pool.HttpIdleTimeout, out _) is { } idle)
            {
                http["connectionIdleTimeout"] = idle;
            }

            if (Durations.GoToGateway(pool.MaxConnectionDuration, out _) is { } duration)
            {
                http["maxConnectionDuration"] = duration;
            }

            if (http.Count > 0)
            {
                timeout["http"] = http;
            }

            if (timeout.Count > 0)
            {
                spec["timeout"] = timeout;
            }

            if (pool.TcpKeepalive is { } keepalive)
            {
                var k = new JsonObject();
                Put(k, "probes", keepalive.Probes);
                if (Durations.GoToGateway(keepalive.Time, out _) is { } idleTime)
                {
                    k["idleTime"] = idleTime;
                }

                if (Durations.GoToGateway(keepalive.Interval, out _) is { } interval)
                {
                    k["interval"] = interval;
                }

                spec["tcpKeepalive"] = k;
            }
        }

        if (policy.Outlier is { } outlier)
        {
            var passive = new JsonObject();
            Put(passive, "consecutive5XxErrors", outlier.Consecutive5xxErrors);
            Put(passive, "consecutiveGatewayErrors", outlier.ConsecutiveGatewayErrors ?? outlier.ConsecutiveErrors);
            Put(passive, "consecutiveLocalOriginFailures", outlier.ConsecutiveLocalOriginFailures);
            if (outlier.SplitExternalLocalOriginErrors is { } split)
            {
                passive["splitExternalLocalOriginErrors"] = split;
            }

            if (Durations.GoToGateway(outlier.Interval, out _) is { } interval)
            {
                passive["interval"] = interval;
            }

            if (Durations.GoToGateway(outlier.BaseEjectionTime, out _) is { } ejection)
            {
                passive["baseEjectionTime"] = ejection;
            }

            Put(passive, "maxEjectionPercent", outlier.MaxEjectionPercent);
            spec["healthCheck"] = new JsonObject { ["passive"] = passive };
        }

        static void Put(JsonObject o, string name, long? value)
        {
            if (value is { } v)
            {
                o[name] = v;
            }
        }
    }

    /// <summary>
    /// Istio's retries as Envoy Gateway's retry: attempts as numRetries, retryOn's Envoy conditions as triggers and
    /// its status codes as httpStatusCodes (with the retriable-status-codes trigger), the per-try timeout and the
    /// backoff. No retries set: Istio's default (2 attempts on connect-failure, refused-stream, unavailable,
    /// cancelled) is written, since Envoy Gateway's own default differs.
    /// </summary>
    private void AddRetry(JsonObject spec, ResourceKey key, IstioRetry? retries, string ruleField)
    {
        var attempts = retries is null ? 2 : retries.Attempts;
        var retryOn = retries?.RetryOn ?? "connect-failure,refused-stream,unavailable,cancelled";
        if (attempts is 0)
        {
            spec["retry"] = new JsonObject { ["numRetries"] = 0 };
            _ledger.Carried(key, retries!.Field, "BackendTrafficPolicy retry numRetries 0.");
            return;
        }

        var triggers = new List<string>();
        var codes = new List<int>();
        var unknown = new List<string>();
        foreach (var condition in retryOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(condition, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                codes.Add(code);
            }
            else if (EnvoyGatewayTriggers.Contains(condition, StringComparer.Ordinal))
            {
                triggers.Add(condition);
            }
            else
            {
                unknown.Add(condition);
            }
        }

        if (codes.Count > 0 && !triggers.Contains("retriable-status-codes"))
        {
            triggers.Add("retriable-status-codes");
        }

        var retry = new JsonObject();
        if (attempts is { } a)
        {
            retry["numRetries"] = a;
        }

        var on = new JsonObject();
        if (triggers.Count > 0)
        {
            on["triggers"] = new JsonArray(triggers.Distinct().Select(t => (JsonNode)t).ToArray());
        }

        if (codes.Count > 0)
        {
            on["httpStatusCodes"] = new JsonArray(codes.Distinct().Order().Select(c => (JsonNode)c).ToArray());
        }

        if (on.Count > 0)
        {
            retry["retryOn"] = on;
        }

        var perRetry = new JsonObject();
        if (Durations.GoToGateway(retries?.PerTryTimeout, out _) is { } perTry)
        {
            perRetry["timeout"] = perTry;
        }

        if (Durations.GoToGateway(retries?.Backoff, out _) is { } backoff)
        {
            perRetry["backoff"] = new JsonObject { ["baseInterval"] = backoff };
        }

        if (perRetry.Count > 0)
        {
            retry["perRetry"] = perRetry;
        }

        spec["retry"] = retry;
        if (retries is null)
        {
            _ledger.Remark(key, ruleField, ConversionOutcome.Carried, "no retries set: Istio's default (2 attempts on connect-failure, refused-stream, unavailable, cancelled) is written as the BackendTrafficPolicy retry.", affectsRouting: false);
            return;
        }

        _ledger.Carried(key, retries.Field + ".attempts", "BackendTrafficPolicy retry.numRetries.");
        _ledger.Carried(key, retries.Field + ".perTryTimeout", "retry.perRetry.timeout.");
        _ledger.Carried(key, retries.Field + ".backoff", "retry.perRetry.backoff.baseInterval.");
        if (unknown.Count > 0)
        {
            _ledger.Approximated(key, retries.Field + ".retryOn", $"retry.retryOn; the conditions {string.Join(", ", unknown)} are not among Envoy Gateway's triggers and are left out.", affectsRouting: false);
        }
        else
        {
            _ledger.Carried(key, retries.Field + ".retryOn", "retry.retryOn triggers and httpStatusCodes.");
        }

        _ledger.Dropped(key, retries.Field + ".retryRemoteLocalities", "locality selection for retries has no Envoy Gateway field.", affectsRouting: false);
        _ledger.Dropped(key, retries.Field + ".retryIgnorePreviousHosts", "host selection for retries has no Envoy Gateway field.", affectsRouting: false);
    }

    private void AddFault(JsonObject spec, ResourceKey key, IstioFault fault)
    {
        var injection = new JsonObject();
        if (fault.DelayFixed is { } fixedDelay && Durations.GoToGateway(fixedDelay, out _) is { } delay)
        {
            injection["delay"] = new JsonObject { ["fixedDelay"] = delay, ["percentage"] = fault.DelayPercentage ?? 0 };
            _ledger.Carried(key, fault.Field + ".delay", "BackendTrafficPolicy faultInjection.delay.");
        }

        if (fault.AbortHttpStatus is { } status)
        {
            injection["abort"] = new JsonObject { ["httpStatus"] = status, ["percentage"] = fault.AbortPercentage ?? 0 };
            _ledger.Carried(key, fault.Field + ".abort", "BackendTrafficPolicy faultInjection.abort.");
        }
        else if (fault.AbortGrpcStatus is { } grpc && GrpcCodes.TryGetValue(grpc, out var code))
        {
            injection["abort"] = new JsonObject { ["grpcStatus"] = code, ["percentage"] = fault.AbortPercentage ?? 0 };
            _ledger.Carried(key, fault.Field + ".abort", "BackendTrafficPolicy faultInjection.abort (gRPC status).");
        }

        if (injection.Count > 0)
        {
            spec["faultInjection"] = injection;
        }
    }

    /// <summary>
    /// ReferenceGrants for gateway routes whose backends are Services of another namespace (a VirtualService may
    /// route anywhere; a Gateway API route needs the other namespace's grant). Mesh routes need none.
    /// </summary>
    private void AddReferenceGrants()
    {
        var needs = new Dictionary<(string From, string To), (SortedSet<string> Kinds, SortedSet<string> Names, ResourceKey Source)>();
        foreach (var (obj, source) in _made)
        {
            if (obj is not RouteBase route || route.ParentRefs.All(p => p.Kind == Kinds.Service.Kind))
            {
                continue;
            }

            foreach (var entry in route.EnumerateBackendRefs().Concat(route.EnumerateMirrorBackendRefs()))
            {
                var b = entry.BackendRef;
                if (b.Namespace == route.Namespace || b.Kind != Kinds.Service.Kind)
                {
                    continue;
                }

                if (!needs.TryGetValue((route.Namespace, b.Namespace), out var need))
                {
                    needs[(route.Namespace, b.Namespace)] = need = ([], [], source);
                }

                need.Kinds.Add(route.Kind);
                need.Names.Add(b.Name);
            }
        }

        foreach (var ((from, to), (kinds, names, source)) in needs.OrderBy(n => n.Key.To, StringComparer.Ordinal).ThenBy(n => n.Key.From, StringComparer.Ordinal))
        {
            var grant = new ReferenceGrant
            {
                ApiVersion = "gateway.networking.k8s.io/v1beta1",
                Metadata = Meta(_names.Take(Kinds.ReferenceGrant.Kind, to, $"routes-from-{from}"), to, source),
                From = kinds.Select(k => new ReferenceGrantFrom(Groups.Gateway, k, from)).ToEquatableArray(),
                To = names.Count <= 16 ? names.Select(n => new ReferenceGrantTo(Kinds.Service.Group, Kinds.Service.Kind, n)).ToEquatableArray() : [new ReferenceGrantTo(Kinds.Service.Group, Kinds.Service.Kind, null)],
            };
            _made.Add((grant, source));
        }
    }

    /// <summary>What is left to say about VirtualServices: those that produced nothing.</summary>
    private void NoteVirtualServices()
    {
        var producing = _made.Select(m => m.Source).ToHashSet();
        foreach (var vs in _ordered.Where(v => !v.IsDelegate && !producing.Contains(v.Key)))
        {
            _ledger.Dropped(vs.Key, "spec", "nothing was converted: the VirtualService is bound to no Gateway of the input and to no Service of the input in the mesh.", affectsRouting: true);
        }
    }
}
