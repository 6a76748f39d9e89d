using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Conversion;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.IngressNginx;

/// <summary>
/// The policies of a conversion: a BackendTLSPolicy per Service NGINX speaks TLS to, and under
/// <c>--profile envoy-gateway</c> Envoy Gateway's SecurityPolicy and BackendTrafficPolicy for access control and
/// traffic annotations (shapes from Envoy Gateway's API, <c>gateway.envoyproxy.io/v1alpha1</c>), targeting the
/// converted rules of each Ingress by rule name. Each policy is built as a manifest and read through
/// <see cref="ManifestReader"/>, so it is the object the reader would make of it.
/// </summary>
internal static class NginxPolicies
{
    private const string EnvoyGatewayApi = "gateway.envoyproxy.io/v1alpha1";

    private static readonly string[] SourceRanges = ["whitelist-source-range", "allowlist-source-range", "denylist-source-range"];

    /// <summary>A BackendTLSPolicy for a Service spoken to over TLS (backend-protocol HTTPS or GRPCS).</summary>
    public static KubeObject? BackendTls(Snapshot snapshot, string ns, string service, NginxLocation location, Func<string, string, string, string> unique)
    {
        _ = snapshot;
        var s = location.Settings;
        var hostname = s.Get("proxy-ssl-name") is { Length: > 0 } sslName && !sslName.Contains('$', StringComparison.Ordinal) ? sslName : $"{service}.{ns}.svc.cluster.local";
        var spec = new JsonObject
        {
            ["targetRefs"] = new JsonArray(new JsonObject { ["group"] = string.Empty, ["kind"] = Kinds.Service.Kind, ["name"] = service }),
            ["validation"] = new JsonObject { ["hostname"] = hostname, ["wellKnownCACertificates"] = "System" },
        };
        return Read("gateway.networking.k8s.io/v1", Kinds.BackendTlsPolicy.Kind, unique(Kinds.BackendTlsPolicy.Kind, ns, service + "-backend-tls"), ns, spec);
    }

    /// <summary>Envoy Gateway policies for the policy annotations of each Ingress, with what became of each annotation.</summary>
    public static (List<KubeObject> Policies, List<ConversionIssue> Issues, List<ConversionOrigin> Origins) EnvoyGateway(
        IngressNginxModel model, Dictionary<HttpRoute, List<NginxLocation>> routeRules, Func<string, string, string, string> unique)
    {
        var policies = new List<KubeObject>();
        var issues = new List<ConversionIssue>();
        var origins = new List<ConversionOrigin>();
        var prefix = model.Options.AnnotationPrefix + "/";
        foreach (var ingress in model.IngressObjects.OrderBy(i => i.Key))
        {
            var settings = model.Settings[ingress];
            var present = settings.Annotations.Keys.Where(n => NginxAnnotationCatalog.Find(n)?.Treatment == NginxAnnotationTreatment.Policy && !settings.Invalid.ContainsKey(n)).ToList();
            if (present.Count == 0 || settings.IsCanary)
            {
                continue;
            }

            var results = new Dictionary<string, (ConversionOutcome Outcome, string Message)>(StringComparer.Ordinal);
            var security = Security(ingress, settings, results);
            var traffic = Traffic(settings, results);

            // Targets: the converted rules of this Ingress's locations, per route namespace.
            var targets = routeRules
                .SelectMany(p => p.Value.Select((location, index) => (Route: p.Key, Index: index, Location: location)))
                .Where(t => ReferenceEquals(t.Location.Ingress, ingress) && t.Route.Rules[t.Index].Name is not null)
                .GroupBy(t => t.Route.Namespace, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToList();
            foreach (var name in present)
            {
                var (outcome, message) = results.GetValueOrDefault(name, (ConversionOutcome.Dropped, (NginxAnnotationCatalog.Find(name)!.EnvoyGateway) + "."));
                if (targets.Count == 0 && outcome != ConversionOutcome.Dropped)
                {
                    (outcome, message) = (ConversionOutcome.Dropped, "no converted rule of this Ingress to attach an Envoy Gateway policy to.");
                }

                issues.Add(new ConversionIssue
                {
                    Kind = prefix + name,
                    Outcome = outcome,
                    Subject = ingress.Key,
                    Field = $"metadata.annotations[{prefix}{name}]",
                    Message = message,
                    AffectsRouting = outcome != ConversionOutcome.Carried,
                });
            }

            foreach (var group in targets)
            {
                var ns = group.Key;
                var refs = new JsonArray();
                foreach (var (route, index, _) in group.OrderBy(t => t.Route.Name, StringComparer.Ordinal).ThenBy(t => t.Index))
                {
                    refs.Add((JsonNode)new JsonObject { ["group"] = Groups.Gateway, ["kind"] = Kinds.HttpRoute.Kind, ["name"] = route.Name, ["sectionName"] = route.Rules[index].Name });
                }

                var name = ns == ingress.Namespace ? ingress.Name : $"{ingress.Namespace}-{ingress.Name}";
                foreach (var (kind, body) in new[] { ("SecurityPolicy", security), ("BackendTrafficPolicy", traffic) })
                {
                    if (body is null)
                    {
                        continue;
                    }

                    var spec = (JsonObject)body.DeepClone();
                    spec["targetRefs"] = refs.DeepClone();
                    if (Read(EnvoyGatewayApi, kind, unique(kind, ns, name), ns, spec) is { } policy)
                    {
                        policies.Add(policy);
                        origins.Add(new ConversionOrigin(policy.Key, string.Empty, ingress.Key, "metadata.annotations"));
                    }
                }
            }
        }

        return (policies, issues, origins);
    }

    /// <summary>The SecurityPolicy body (without targets) for allow/deny lists and authentication, or null.</summary>
    private static JsonObject? Security(Ingress ingress, NginxSettings s, Dictionary<string, (ConversionOutcome, string)> results)
    {
        var spec = new JsonObject();
        var allow = Cidrs(s.Get("whitelist-source-range") ?? s.Get("allowlist-source-range"));
        var deny = Cidrs(s.Get("denylist-source-range"));
        if (allow.Count > 0 || deny.Count > 0)
        {
            var rules = new JsonArray();
            if (deny.Count > 0)
            {
                rules.Add((JsonNode)new JsonObject { ["action"] = "Deny", ["principal"] = new JsonObject { ["clientCIDRs"] = Array(deny) } });
            }

            if (allow.Count > 0)
            {
                rules.Add((JsonNode)new JsonObject { ["action"] = "Allow", ["principal"] = new JsonObject { ["clientCIDRs"] = Array(allow) } });
            }

            spec["authorization"] = new JsonObject { ["defaultAction"] = allow.Count > 0 ? "Deny" : "Allow", ["rules"] = rules };
            const string how = "carried: a SecurityPolicy authorization rule on the converted rules (Envoy sees the client address as its ClientTrafficPolicy's clientIPDetection says; NGINX as use-forwarded-headers says)";
            foreach (var name in SourceRanges.Where(n => s.Get(n) is not null))
            {
                results[name] = (ConversionOutcome.Carried, how + ".");
            }
        }

        if (s.Get("auth-type") is { } type)
        {
            if (type == "basic" && s.Get("auth-secret") is { Length: > 0 } secret && (s.Get("auth-secret-type") ?? "auth-file") == "auth-file")
            {
                var slash = secret.IndexOf('/', StringComparison.Ordinal);
                var users = slash < 0 ? new JsonObject { ["name"] = secret } : new JsonObject { ["name"] = secret[(slash + 1)..], ["namespace"] = secret[..slash] };
                spec["basicAuth"] = new JsonObject { ["users"] = users };
                var how = $"approximated: SecurityPolicy basicAuth with Secret {secret}; Envoy Gateway reads the htpasswd lines from its key .htpasswd, ingress-nginx from auth: copy them.";
                results["auth-type"] = (ConversionOutcome.Approximated, how);
                results["auth-secret"] = (ConversionOutcome.Approximated, how);
                if (s.Get("auth-secret-type") is not null)
                {
                    results["auth-secret-type"] = (ConversionOutcome.Approximated, how);
                }
            }
            else
            {
                results["auth-type"] = (ConversionOutcome.Dropped, $"auth-type {type} with {(s.Get("auth-secret-type") ?? "auth-file")} has no Envoy Gateway equivalent (only basic with an htpasswd file).");
            }
        }

        if (s.Get("auth-url") is { Length: > 0 } url)
        {
            if (InCluster(url, ingress.Namespace) is { } target)
            {
                var http = new JsonObject
                {
                    ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = target.Service, ["namespace"] = target.Namespace, ["port"] = target.Port }),
                };
                if (target.Path.Length > 1)
                {
                    http["path"] = target.Path;
                }

                if (s.Get("auth-response-headers") is { Length: > 0 } headers)
                {
                    http["headersToBackend"] = Array(headers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList());
                    results["auth-response-headers"] = (ConversionOutcome.Carried, "carried: extAuth.http.headersToBackend.");
                }

                spec["extAuth"] = new JsonObject { ["http"] = http };
                results["auth-url"] = (ConversionOutcome.Approximated, $"approximated: SecurityPolicy extAuth.http to Service {target.Namespace}/{target.Service}:{target.Port.ToString(CultureInfo.InvariantCulture)}{target.Path}; Envoy sends the original path after it, where NGINX calls the URL as written, and a cross-namespace Service needs a ReferenceGrant.");
            }
            else
            {
                results["auth-url"] = (ConversionOutcome.Dropped, $"auth-url {url} is not an in-cluster Service URL (service.namespace.svc); Envoy Gateway's extAuth needs a backendRef.");
            }
        }

        return spec.Count == 0 ? null : spec;
    }

    /// <summary>The BackendTrafficPolicy body (without targets) for rate limits, timeouts, balancing and body size, or null.</summary>
    private static JsonObject? Traffic(NginxSettings s, Dictionary<string, (ConversionOutcome, string)> results)
    {
        var spec = new JsonObject();
        var rps = Number(s.Get("limit-rps"));
        var rpm = Number(s.Get("limit-rpm"));
        if (rps is > 0 || rpm is > 0)
        {
            var (requests, unit, name) = rps is > 0 ? (rps.Value, "Second", "limit-rps") : (rpm!.Value, "Minute", "limit-rpm");
            spec["rateLimit"] = new JsonObject
            {
                ["type"] = "Local",
                ["local"] = new JsonObject { ["rules"] = new JsonArray(new JsonObject { ["limit"] = new JsonObject { ["requests"] = requests, ["unit"] = unit } }) },
            };
            results[name] = (ConversionOutcome.Approximated, $"approximated: a local rate limit of {requests.ToString(CultureInfo.InvariantCulture)} requests per {unit.ToLowerInvariant()}; NGINX counts each client address apart and allows a burst ({(s.Get("limit-burst-multiplier") ?? "5")} times), Envoy counts all clients of a proxy together.");
            if (rps is > 0 && rpm is > 0)
            {
                results["limit-rpm"] = (ConversionOutcome.Dropped, "dropped: only one local limit is converted (limit-rps).");
            }
        }

        if (Number(s.Get("proxy-connect-timeout")) is > 0 and var connect)
        {
            spec["timeout"] = new JsonObject { ["tcp"] = new JsonObject { ["connectTimeout"] = connect.ToString(CultureInfo.InvariantCulture) + "s" } };
            results["proxy-connect-timeout"] = (ConversionOutcome.Carried, "carried: BackendTrafficPolicy timeout.tcp.connectTimeout.");
        }

        JsonObject? balancer = null;
        if (s.Get("affinity") == "cookie")
        {
            var cookie = new JsonObject { ["name"] = s.Get("session-cookie-name") is { Length: > 0 } cookieName ? cookieName : "INGRESSCOOKIE" };
            if (Number(s.Get("session-cookie-max-age")) is > 0 and var maxAge)
            {
                cookie["ttl"] = maxAge.ToString(CultureInfo.InvariantCulture) + "s";
            }

            balancer = new JsonObject { ["type"] = "ConsistentHash", ["consistentHash"] = new JsonObject { ["type"] = "Cookie", ["cookie"] = cookie } };
            results["affinity"] = (ConversionOutcome.Approximated, "approximated: a consistent hash on the session cookie; Envoy does not rebalance sessions as affinity-mode balanced does.");
            foreach (var name in s.Annotations.Keys.Where(n => n.StartsWith("session-cookie-", StringComparison.Ordinal) || n.StartsWith("affinity-", StringComparison.Ordinal)))
            {
                results[name] = name is "session-cookie-name" or "session-cookie-max-age"
                    ? (ConversionOutcome.Carried, "carried with affinity: the cookie of the consistent hash.")
                    : (ConversionOutcome.Dropped, "dropped: Envoy's cookie hash has no such setting.");
            }
        }
        else if (s.Get("upstream-hash-by") is { Length: > 0 } hashBy)
        {
            JsonObject? hash = hashBy switch
            {
                "$remote_addr" or "$binary_remote_addr" => new JsonObject { ["type"] = "SourceIP" },
                _ when hashBy.StartsWith("$http_", StringComparison.Ordinal) && hashBy.AsSpan(6).IndexOfAny("$ {}") < 0 => new JsonObject { ["type"] = "Header", ["header"] = new JsonObject { ["name"] = hashBy[6..].Replace('_', '-') } },
                _ when hashBy.StartsWith("$cookie_", StringComparison.Ordinal) && hashBy.AsSpan(8).IndexOfAny("$ {}") < 0 => new JsonObject { ["type"] = "Cookie", ["cookie"] = new JsonObject { ["name"] = hashBy[8..] } },
                _ => null,
            };
            if (hash is not null)
            {
                balancer = new JsonObject { ["type"] = "ConsistentHash", ["consistentHash"] = hash };
                results["upstream-hash-by"] = (ConversionOutcome.Approximated, "approximated: BackendTrafficPolicy loadBalancer ConsistentHash; Envoy's ring differs from NGINX's ketama, so keys land on other endpoints.");
            }
            else
            {
                results["upstream-hash-by"] = (ConversionOutcome.Dropped, $"dropped: Envoy Gateway hashes on the client address, one header or one cookie, not on {hashBy}.");
            }
        }
        else if (s.Get("load-balance") is { } algorithm)
        {
            var type = algorithm switch { "round_robin" => "RoundRobin", "ewma" => "LeastRequest", _ => null };
            if (type is not null)
            {
                balancer = new JsonObject { ["type"] = type };
                results["load-balance"] = (type == "RoundRobin" ? ConversionOutcome.Carried : ConversionOutcome.Approximated, $"{(type == "RoundRobin" ? "carried" : "approximated")}: BackendTrafficPolicy loadBalancer {type}.");
            }
        }

        if (balancer is not null)
        {
            spec["loadBalancer"] = balancer;
        }

        if (s.Get("proxy-body-size") is { Length: > 0 } size && Quantity(size) is { } limit)
        {
            spec["requestBuffer"] = new JsonObject { ["limit"] = limit };
            results["proxy-body-size"] = (ConversionOutcome.Approximated, $"approximated: BackendTrafficPolicy requestBuffer.limit {limit}; Envoy buffers the whole body to enforce it.");
        }

        if (Number(s.Get("proxy-next-upstream-tries")) is > 1 and var tries)
        {
            spec["retry"] = new JsonObject { ["numRetries"] = tries - 1 };
            results["proxy-next-upstream-tries"] = (ConversionOutcome.Approximated, $"approximated: BackendTrafficPolicy retry.numRetries {(tries - 1).ToString(CultureInfo.InvariantCulture)}; Envoy's retry conditions differ from proxy-next-upstream's.");
        }

        return spec.Count == 0 ? null : spec;
    }

    private static int? Number(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>An NGINX size (<c>8m</c>, <c>512k</c>, <c>1g</c>, bytes) as a Kubernetes quantity; null for 0 (no limit) or an invalid size.</summary>
    private static string? Quantity(string size)
    {
        var unit = char.ToLowerInvariant(size[^1]);
        var digits = char.IsAsciiDigit(size[^1]) ? size : size[..^1];
        if (Number(digits) is not { } n || n <= 0)
        {
            return null;
        }

        var number = n.ToString(CultureInfo.InvariantCulture);
        return unit switch
        {
            'k' => number + "Ki",
            'm' => number + "Mi",
            'g' => number + "Gi",
            _ when char.IsAsciiDigit(unit) => number,
            _ => null,
        };
    }

    private static List<string> Cidrs(string? list)
        => list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.Contains('/', StringComparison.Ordinal) ? c : c + (c.Contains(':', StringComparison.Ordinal) ? "/128" : "/32")).ToList();

    private static JsonArray Array(List<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add((JsonNode?)JsonValue.Create(value));
        }

        return array;
    }

    /// <summary>A URL naming an in-cluster Service (<c>http://svc.ns.svc.cluster.local:port/path</c> and shorter forms).</summary>
    private static (string Service, string Namespace, int Port, string Path)? InCluster(string url, string defaultNamespace)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0 || url.Contains('$', StringComparison.Ordinal))
        {
            return null;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var slash = rest.IndexOfAny(['/', '?']);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        var port = scheme == "https" ? 443 : 80;
        var colon = authority.LastIndexOf(':');
        if (colon > 0)
        {
            if (Number(authority[(colon + 1)..]) is not { } p)
            {
                return null;
            }

            port = p;
            authority = authority[..colon];
        }

        var labels = authority.Split('.');
        if (labels.Length == 5 && labels[2] == "svc" && labels[3] == "cluster" && labels[4] == "local")
        {
            return (labels[0], labels[1], port, path);
        }

        if (labels.Length == 3 && labels[2] == "svc")
        {
            return (labels[0], labels[1], port, path);
        }

        return labels.Length == 1 ? (labels[0], defaultNamespace, port, path) : null;
    }

    /// <summary>Reads a policy built as a manifest, as the manifest reader makes it.</summary>
    private static KubeObject? Read(string apiVersion, string kind, string name, string ns, JsonObject spec)
    {
        var manifest = new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        };
        using var document = JsonDocument.Parse(manifest.ToJsonString());
        return ManifestReader.Read(document.RootElement).Resource;
    }
}
