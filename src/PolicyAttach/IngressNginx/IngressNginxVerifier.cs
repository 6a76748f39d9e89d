using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Ingresses;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.IngressNginx;

/// <summary>
/// <c>convert-ingress --verify</c> for ingress-nginx: requests that exercise every host, path, canary condition and
/// redirect of the source, and the near misses around them (a trailing segment, another case, a missing or other
/// header, the other scheme), each answered by <see cref="IngressNginxModel"/> on the source and by the engine's
/// matcher on the converted objects (<see cref="ConversionVerifier"/>). gRPC locations are probed with gRPC
/// requests only; plain requests NGINX would pass to a gRPC backend are not compared.
/// </summary>
public static class IngressNginxVerifier
{
    /// <summary>At most this many probes per class (generation order decides which).</summary>
    public const int MaxProbes = 5000;

    private static readonly string[] CanaryValues = ["always", "never", "sometimes", "v2", "canary", "true", "1"];

    /// <summary>Verifies the conversion of every class of a model set.</summary>
    /// <param name="snapshot">The input that was converted.</param>
    /// <param name="conversion">The conversion.</param>
    /// <param name="options">The controller configuration the conversion assumed.</param>
    /// <returns>How many requests were compared, and every one both sides answer differently, by class then request order.</returns>
    public static VerificationResult Verify(Snapshot snapshot, IngressConversion conversion, IngressNginxOptions? options = null)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(conversion);
        options ??= IngressNginxOptions.Default;
        var differences = new List<RoutingDifference>();
        var count = 0;
        var converted = Snapshot.Create(snapshot.Objects.Concat(conversion.Objects).Concat(conversion.GatewayClasses));
        foreach (var target in conversion.Targets)
        {
            var model = IngressNginxModel.Compile(snapshot, target.ClassName, options);
            var answerer = GatewayAnswerer.Create(converted, new EvaluationOptions { ControllerNames = [target.ControllerName] }, target.Gateway);
            var result = Compare(model, answerer, target, Probes(model));
            count += result.Requests;
            differences.AddRange(result.Differences);
        }

        return new VerificationResult(count, differences.ToEquatableArray());
    }

    /// <summary>Compares the model's answers with the converted Gateway's on the given probes.</summary>
    internal static VerificationResult Compare(IngressNginxModel model, GatewayAnswerer answerer, ConvertedGateway target, IEnumerable<RequestProbe> probes)
    {
        var applicable = new List<RequestProbe>();
        var decisions = new Dictionary<RequestProbe, NginxDecision>(ReferenceEqualityComparer.Instance);
        foreach (var probe in probes)
        {
            var decision = model.Decide(probe);
            var grpcLocation = decision.Step == "location" && IsGrpc(model, decision);
            if (grpcLocation != (probe.Protocol == RequestProtocol.Grpc))
            {
                continue;
            }

            decisions[probe] = decision;
            applicable.Add(probe);
        }

        return ConversionVerifier.Compare(applicable, p => decisions[p].Answer, p => answerer.Answer(p with { Port = p.Scheme == "https" ? target.HttpsPort : target.HttpPort }));
    }

    private static bool IsGrpc(IngressNginxModel model, NginxDecision decision)
        => decision.Ingress is { } key && model.IngressObjects.FirstOrDefault(i => i.Key == key) is { } ingress
            && model.Settings[ingress].BackendProtocol is "GRPC" or "GRPCS";

    /// <summary>The probes for one class: every host, path, canary condition and redirect, and their near misses.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The probes, deduplicated, in generation order.</returns>
    public static EquatableArray<RequestProbe> Probes(IngressNginxModel model)
    {
        Guard.NotNull(model);
        var probes = new List<RequestProbe>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var options = model.Options;

        void Add(RequestProtocol protocol, string host, string pathAndQuery, string purpose, IReadOnlyList<RequestHeader>? headers = null, string method = "GET", bool https = false)
        {
            if (probes.Count >= MaxProbes || pathAndQuery.Length == 0 || pathAndQuery[0] != '/' || pathAndQuery.Contains("//", StringComparison.Ordinal))
            {
                return;
            }

            var tls = https || protocol == RequestProtocol.Https;
            var probe = new RequestProbe
            {
                Protocol = protocol,
                Port = tls ? options.HttpsPort : options.HttpPort,
                Method = protocol == RequestProtocol.Grpc ? "POST" : method,
                Authority = host,
                PathAndQuery = pathAndQuery,
                Headers = (headers ?? []).ToEquatableArray(),
                Sni = protocol == RequestProtocol.Grpc && tls ? host : null,
                Purpose = purpose,
            };
            var key = $"{probe.Protocol} {probe.Port} {probe.Method} {probe.Authority} {probe.PathAndQuery} {string.Join(";", probe.Headers.Select(h => h.Name + "=" + h.Value))}";
            if (seen.Add(key))
            {
                probes.Add(probe);
            }
        }

        foreach (var server in model.Servers)
        {
            var hosts = Hosts(server);
            var grpc = server.Locations.Where(l => l.Settings.BackendProtocol is "GRPC" or "GRPCS").ToList();
            foreach (var host in hosts)
            {
                foreach (var https in new[] { false, true })
                {
                    var protocol = https ? RequestProtocol.Https : RequestProtocol.Http;
                    var scheme = https ? "https" : "http";
                    foreach (var location in server.Locations)
                    {
                        var where = location.Ingress is { } i ? $"{i.Namespace}/{i.Name} {location.Field}" : "default backend";
                        if (grpc.Contains(location))
                        {
                            foreach (var path in GrpcPaths(location))
                            {
                                Add(RequestProtocol.Grpc, host, path, $"gRPC {location.IngressPath} ({where})", https: https);
                            }

                            continue;
                        }

                        foreach (var (path, what) in Paths(location))
                        {
                            Add(protocol, host, path, $"{scheme} {what} of {location.IngressPath} ({where})");
                        }

                        foreach (var (headers, what) in Conditions(location))
                        {
                            var path = Paths(location).First().Path;
                            Add(protocol, host, path, $"{scheme} {what} at {location.IngressPath} ({where})", headers);
                        }

                        if (location.Settings.Cors is { } cors)
                        {
                            var origin = cors.Origins[0] == "*" ? "https://app.example.com" : cors.Origins[0].Replace("*", "app", StringComparison.Ordinal);
                            var path = Paths(location).First().Path;
                            Add(protocol, host, path, $"{scheme} CORS preflight at {location.IngressPath}", [new RequestHeader("Origin", origin), new RequestHeader("Access-Control-Request-Method", "GET")], "OPTIONS");
                            Add(protocol, host, path, $"{scheme} CORS request at {location.IngressPath}", [new RequestHeader("Origin", origin)]);
                        }
                    }

                    Add(protocol, host, "/", $"{scheme} root");
                    Add(protocol, host, "/no-such-path-9", $"{scheme} a path no rule names");
                }
            }
        }

        foreach (var redirect in model.RedirectServers)
        {
            Add(RequestProtocol.Http, redirect.From, "/", "from-to-www redirect");
            Add(RequestProtocol.Http, redirect.From, "/a/b?c=d", "from-to-www redirect with a path");
            Add(RequestProtocol.Https, redirect.From, "/a/", "from-to-www redirect with a trailing slash");
        }

        return probes.ToEquatableArray();
    }

    /// <summary>The hosts of a server: its name (a wildcard's one-label and two-label hosts), its aliases, or an unknown host for the catch-all.</summary>
    private static List<string> Hosts(NginxServer server)
    {
        if (server.IsCatchAll)
        {
            return ["unknown.example.net"];
        }

        var hosts = new List<string>();
        if (server.IsWildcard)
        {
            hosts.Add("app" + server.Name[1..]);
            hosts.Add("a.b" + server.Name[1..]);
        }
        else
        {
            hosts.Add(server.Name);
            hosts.Add(server.Name.ToUpperInvariant());
        }

        hosts.AddRange(server.Aliases);
        return hosts;
    }

    /// <summary>Paths that exercise a location and its near misses: the path, a trailing segment, a slash, another case, a query.</summary>
    private static List<(string Path, string What)> Paths(NginxLocation location)
    {
        var paths = new List<(string, string)>();
        var basis = Basis(location);
        paths.Add((basis, "the path"));
        if (basis != "/")
        {
            var trimmed = basis.TrimEnd('/');
            paths.Add((trimmed + "/extra", "a trailing segment"));
            paths.Add((trimmed + "x", "a longer last segment"));
            paths.Add((basis.EndsWith('/') ? trimmed : basis + "/", basis.EndsWith('/') ? "without the trailing slash" : "with a trailing slash"));
            paths.Add((basis.ToUpperInvariant(), "another case"));
        }
        else
        {
            paths.Add(("/extra/more/", "a deeper path"));
        }

        paths.Add((basis + (basis.EndsWith('/') ? "q" : "/q") + "?x=1", "a query"));
        return paths;
    }

    /// <summary>A path the location matches: the path itself, or a string its regular expression matches.</summary>
    private static string Basis(NginxLocation location)
    {
        var path = location.IngressPath;
        if (location.Kind != NginxMatchKind.Regex || !NginxRegex.HasMetacharacters(path))
        {
            return path.Length == 0 ? "/" : path;
        }

        if (NginxPaths.Prefix(path) is { } prefix)
        {
            return prefix.Shape == NginxPathShape.Literal ? prefix.Prefix : prefix.Prefix + "/item";
        }

        // An arbitrary expression: try candidates built on its literal prefix; keep one it matches.
        var literal = NginxPaths.LiteralPrefix(path);
        var start = literal.Length > 0 ? literal : "/";
        foreach (var tail in new[] { "1", "123", "abc", "a/b", "v1/x", "1/abc", "api", string.Empty })
        {
            var candidate = start + tail;
            if (location.Pattern is { } pattern && pattern.IsMatch(candidate) && candidate.StartsWith('/'))
            {
                return candidate;
            }
        }

        return start.StartsWith('/') ? start : "/" + start;
    }

    private static List<string> GrpcPaths(NginxLocation location)
    {
        var path = location.IngressPath.Trim('/');
        if (path.Length == 0)
        {
            return ["/helloworld.Greeter/SayHello"];
        }

        var parts = path.Split('/');
        return parts.Length == 1
            ? ["/" + parts[0] + "/Call", "/" + parts[0].ToUpperInvariant() + "/Call"]
            : ["/" + path, "/" + parts[0] + "/Other"];
    }

    /// <summary>Canary conditions of a location's upstream: its header with telling values, its cookie, and other headers (near misses).</summary>
    private static List<(RequestHeader[] Headers, string What)> Conditions(NginxLocation location)
    {
        var conditions = new List<(RequestHeader[], string)>();
        if (location.Backend.Alternatives.Count == 0 || location.Backend.Alternatives[0].Policy is not { } policy)
        {
            return conditions;
        }

        if (policy.Header is { } header)
        {
            var values = CanaryValues.AsEnumerable();
            if (policy.HeaderValue is { } value)
            {
                values = values.Append(value).Append(value.ToUpperInvariant());
            }

            foreach (var v in values.Distinct(StringComparer.Ordinal))
            {
                conditions.Add(([new RequestHeader(header, v)], $"canary header {header}: {v}"));
            }

            conditions.Add(([new RequestHeader("X-Other-Header", "always")], "another header"));
            if (policy.Cookie is { } both)
            {
                conditions.Add(([new RequestHeader(header, "never"), new RequestHeader("Cookie", both + "=always")], "header never with cookie always"));
                conditions.Add(([new RequestHeader(header, "sometimes"), new RequestHeader("Cookie", both + "=always")], "other header value with cookie always"));
            }
        }

        if (policy.Cookie is { } cookie)
        {
            conditions.Add(([new RequestHeader("Cookie", cookie + "=always")], $"canary cookie {cookie}=always"));
            conditions.Add(([new RequestHeader("Cookie", "a=b; " + cookie + "=never")], $"canary cookie {cookie}=never"));
            conditions.Add(([new RequestHeader("Cookie", cookie + "=sometimes")], $"canary cookie {cookie}=sometimes"));
            conditions.Add(([new RequestHeader("Cookie", "other=always")], "another cookie"));
        }

        return conditions;
    }
}
