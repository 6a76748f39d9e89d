using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Istio;

/// <summary>The Istio objects of an input, read from the objects the manifest reader kept as unknown kinds.</summary>
internal sealed record IstioInput
{
    public required EquatableArray<IstioGatewayObject> Gateways { get; init; }

    public required EquatableArray<VirtualServiceObject> VirtualServices { get; init; }

    public required EquatableArray<DestinationRuleObject> DestinationRules { get; init; }

    /// <summary>The <c>spec</c> of every object read (readable or not), for the report's completeness pass.</summary>
    public required IReadOnlyDictionary<ResourceKey, JsonElement> Specs { get; init; }

    /// <summary>Problems found while reading; an object with an error is not converted.</summary>
    public required EquatableArray<Diagnostic> Diagnostics { get; init; }
}

/// <summary>
/// Reads <c>networking.istio.io</c> Gateways, VirtualServices and DestinationRules (served as v1, v1beta1 and
/// v1alpha3 with the same fields) from a snapshot. The core's manifest reader keeps these kinds as
/// <see cref="GenericObject"/> with their JSON; this reader types them. A field of the wrong type is an error (the
/// API server's schema would refuse the object) and the object is left out of the conversion; nothing throws.
/// </summary>
internal static class IstioReader
{
    public const string Group = "networking.istio.io";

    private static readonly string[] Versions = ["v1", "v1beta1", "v1alpha3"];

    /// <summary>Istio's Gateway kind: the same name as Gateway API's Gateway, told apart by the group.</summary>
    private static readonly string IstioGatewayKind = Kinds.Gateway.Kind;

    public static IstioInput Read(Snapshot snapshot)
    {
        var gateways = new List<IstioGatewayObject>();
        var services = new List<VirtualServiceObject>();
        var rules = new List<DestinationRuleObject>();
        var specs = new Dictionary<ResourceKey, JsonElement>();
        var diagnostics = new List<Diagnostic>();
        foreach (var obj in snapshot.Objects.Where(o => o.Group == Group).OrderBy(o => o.Key))
        {
            var spec = obj switch
            {
                GenericObject g => g.Spec?.Element,
                PolicyObject p => p.Spec.Element,
                _ => null,
            };
            if (obj.Kind != IstioGatewayKind && obj.Kind is not ("VirtualService" or "DestinationRule"))
            {
                continue;
            }

            specs[obj.Key] = spec ?? default;
            var context = new ReadContext { Object = obj.Key };
            if (!Versions.Contains(obj.Version, StringComparer.Ordinal))
            {
                context.Error(DiagnosticCodes.UnservedVersion, "apiVersion", $"{obj.ApiVersion} is not a served version of {obj.Kind}.{Group}; use networking.istio.io/v1.");
            }

            var node = new Node(spec ?? default, "spec", context);
            if (spec is null)
            {
                context.Error(DiagnosticCodes.RequiredField, "spec", $"the {obj.Kind} has no spec.");
            }

            switch (obj.Kind)
            {
                case var kind when kind == IstioGatewayKind:
                    var gateway = ReadGateway(obj, node);
                    if (!context.HasErrors)
                    {
                        gateways.Add(gateway);
                    }

                    break;
                case "VirtualService":
                    var vs = ReadVirtualService(obj, node);
                    if (!context.HasErrors)
                    {
                        services.Add(vs);
                    }

                    break;
                default:
                    var dr = ReadDestinationRule(obj, node);
                    if (!context.HasErrors)
                    {
                        rules.Add(dr);
                    }

                    break;
            }

            diagnostics.AddRange(context.Diagnostics);
        }

        return new IstioInput
        {
            Gateways = gateways.ToEquatableArray(),
            VirtualServices = services.ToEquatableArray(),
            DestinationRules = rules.ToEquatableArray(),
            Specs = specs,
            Diagnostics = diagnostics.ToEquatableArray(),
        };
    }

    private static IstioGatewayObject ReadGateway(KubeObject obj, Node spec) => new()
    {
        Key = obj.Key,
        Metadata = obj.Metadata,
        Selector = spec.Map("selector"),
        Servers = spec.List("servers", ReadServer),
    };

    private static IstioServer? ReadServer(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var port = node["port"];
        var number = port.Int32("number");
        var protocol = port.String("protocol");
        if (number is null)
        {
            port["number"].Required();
        }

        if (string.IsNullOrEmpty(protocol))
        {
            port["protocol"].Required();
        }

        var hosts = node.Items("hosts").Select(h =>
        {
            var text = h.AsString() ?? string.Empty;
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? new IstioServerHost("*", text, h.Path) : new IstioServerHost(text[..slash], text[(slash + 1)..], h.Path);
        }).ToEquatableArray();
        if (hosts.Count == 0)
        {
            node["hosts"].Required();
        }

        var tls = node["tls"];
        var credentials = new List<string>();
        if (tls.String("credentialName") is { Length: > 0 } credential)
        {
            credentials.Add(credential);
        }

        credentials.AddRange(tls.Strings("credentialNames"));
        return new IstioServer
        {
            Port = number ?? 0,
            Protocol = (protocol ?? string.Empty).ToUpperInvariant(),
            PortName = port.String("name"),
            Name = node.String("name"),
            Hosts = hosts,
            HttpsRedirect = tls.Bool("httpsRedirect") ?? false,
            TlsMode = tls.IsObject(report: false) ? tls.String("mode") ?? "PASSTHROUGH" : null,
            CredentialNames = credentials.ToEquatableArray(),
            Field = node.Path,
        };
    }

    private static VirtualServiceObject ReadVirtualService(KubeObject obj, Node spec) => new()
    {
        Key = obj.Key,
        Metadata = obj.Metadata,
        Hosts = spec.Strings("hosts"),
        Gateways = spec.Strings("gateways"),
        Http = spec.Items("http").Select((n, i) => ReadHttpRule(n, i)).OfType<IstioHttpRule>().ToEquatableArray(),
        Tls = spec.Items("tls").Select((n, i) => ReadL4Rule(n, i)).OfType<IstioL4Rule>().ToEquatableArray(),
        Tcp = spec.Items("tcp").Select((n, i) => ReadL4Rule(n, i)).OfType<IstioL4Rule>().ToEquatableArray(),
        ExportTo = spec.Strings("exportTo"),
    };

    private static IstioHttpRule? ReadHttpRule(Node node, int index)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var direct = node["directResponse"];
        var status = direct.IsObject(report: false) ? direct.Int32("status") : null;
        if (direct.IsObject(report: false) && status is null)
        {
            direct["status"].Required();
        }

        var delegateNode = node["delegate"];
        (string, string?, string)? delegated = delegateNode.IsObject(report: false)
            ? (delegateNode.String("name") ?? string.Empty, delegateNode.String("namespace"), delegateNode.Path)
            : null;
        var mirrors = new List<IstioMirror>();
        if (node["mirror"].IsObject(report: false))
        {
            var percentage = Percent(node["mirrorPercentage"]) ?? (node.Int32("mirrorPercent") is { } p ? p : null);
            mirrors.Add(new IstioMirror(ReadDestination(node["mirror"])!, percentage, node["mirror"].Path));
        }

        foreach (var mirror in node.Items("mirrors"))
        {
            if (mirror.IsObject() && ReadDestination(mirror["destination"]) is { } destination)
            {
                mirrors.Add(new IstioMirror(destination, Percent(mirror["percentage"]), mirror.Path));
            }
        }

        return new IstioHttpRule
        {
            Field = node.Path,
            Index = index,
            Name = node.String("name"),
            Matches = node.List("match", ReadHttpMatch),
            Route = node.List("route", ReadRouteDestination),
            Redirect = ReadRedirect(node["redirect"]),
            DirectResponseStatus = status,
            DirectResponseField = direct.IsObject(report: false) ? direct.Path : null,
            Delegate = delegated,
            Rewrite = ReadRewrite(node["rewrite"]),
            Timeout = node.String("timeout"),
            Retries = ReadRetry(node["retries"]),
            Fault = ReadFault(node["fault"]),
            Mirrors = mirrors.ToEquatableArray(),
            Cors = ReadCors(node["corsPolicy"]),
            Headers = ReadHeaders(node["headers"]),
        };
    }

    private static IstioHttpMatch? ReadHttpMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        return new IstioHttpMatch
        {
            Field = node.Path,
            Source = node.Context.Object ?? default,
            Name = node.String("name"),
            Uri = ReadStringMatch(node["uri"]),
            Scheme = ReadStringMatch(node["scheme"]),
            Method = ReadStringMatch(node["method"]),
            Authority = ReadStringMatch(node["authority"]),
            Headers = ReadNamedMatches(node["headers"]),
            WithoutHeaders = ReadNamedMatches(node["withoutHeaders"]),
            QueryParams = ReadNamedMatches(node["queryParams"]),
            Port = node.Int32("port"),
            SourceLabels = node.Map("sourceLabels"),
            Gateways = node.Strings("gateways"),
            SourceNamespace = node.String("sourceNamespace"),
            IgnoreUriCase = node.Bool("ignoreUriCase") ?? false,
            StatPrefix = node.String("statPrefix"),
        };
    }

    private static IstioStringMatch? ReadStringMatch(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var kinds = new List<IstioStringMatch>();
        foreach (var (name, kind) in (ReadOnlySpan<(string, StringMatchKind)>)[("exact", StringMatchKind.Exact), ("prefix", StringMatchKind.Prefix), ("regex", StringMatchKind.Regex)])
        {
            if (node[name].Exists && node.String(name) is { } value)
            {
                kinds.Add(new IstioStringMatch(kind, value, node[name].Path) { Source = node.Context.Object ?? default });
            }
        }

        if (kinds.Count > 1)
        {
            node.Error(DiagnosticCodes.SchemaViolation, "a StringMatch sets only one of exact, prefix and regex.");
        }

        if (kinds.Count == 1 && kinds[0].Kind == StringMatchKind.Regex && Re2Patterns.TryCompile(kinds[0].Value, out var error) is null)
        {
            node["regex"].Error(DiagnosticCodes.SchemaViolation, $"\"{kinds[0].Value}\" is not a regular expression PolicyAttach can run in linear time ({error}); Istio uses RE2, which has no backreferences or lookaround.");
        }

        return kinds.Count == 0 ? new IstioStringMatch(StringMatchKind.Present, string.Empty, node.Path) { Source = node.Context.Object ?? default } : kinds[0];
    }

    private static EquatableArray<IstioNamedMatch> ReadNamedMatches(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return [];
        }

        return node.FieldNames()
            .Select(name => (Name: name, Match: ReadStringMatch(node[name]) ?? new IstioStringMatch(StringMatchKind.Present, string.Empty, node[name].Path) { Source = node.Context.Object ?? default }))
            .Select(p => new IstioNamedMatch(p.Name, p.Match))
            .ToEquatableArray();
    }

    private static IstioDestination? ReadDestination(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var host = node.String("host");
        if (string.IsNullOrEmpty(host))
        {
            node["host"].Required();
        }

        return new IstioDestination(host ?? string.Empty, node.String("subset") is { Length: > 0 } s ? s : null, node["port"].Int32("number"), node.Path);
    }

    private static IstioRouteDestination? ReadRouteDestination(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        if (ReadDestination(node["destination"]) is not { } destination)
        {
            node["destination"].Required();
            return null;
        }

        var weight = node.Int32("weight");
        if (weight is < 0)
        {
            node["weight"].Error(DiagnosticCodes.SchemaViolation, "a weight is not negative.");
        }

        return new IstioRouteDestination { Destination = destination, Weight = weight, Headers = ReadHeaders(node["headers"]), Field = node.Path };
    }

    private static IstioRedirect? ReadRedirect(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        if (node.Has("uri") && node.Has("prefixRewrite"))
        {
            node.Error(DiagnosticCodes.SchemaViolation, "uri and prefixRewrite are mutually exclusive.");
        }

        return new IstioRedirect
        {
            Uri = node.String("uri"),
            Authority = node.String("authority"),
            Port = node.Int32("port"),
            DerivePort = node.String("derivePort"),
            Scheme = node.String("scheme"),
            RedirectCode = node.Int32("redirectCode") is { } code and > 0 ? code : 301,
            PrefixRewrite = node.String("prefixRewrite"),
            Field = node.Path,
        };
    }

    private static IstioRewrite? ReadRewrite(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var regex = node["uriRegexRewrite"];
        return new IstioRewrite
        {
            Uri = node.String("uri"),
            Authority = node.String("authority"),
            RegexMatch = regex.String("match"),
            RegexRewrite = regex.String("rewrite"),
            Field = node.Path,
        };
    }

    private static IstioRetry? ReadRetry(Node node)
        => !node.Exists || !node.IsObject() ? null : new IstioRetry
        {
            Attempts = node.Int32("attempts"),
            PerTryTimeout = node.String("perTryTimeout"),
            RetryOn = node.String("retryOn"),
            Backoff = node.String("backoff"),
            Field = node.Path,
        };

    private static IstioFault? ReadFault(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var delay = node["delay"];
        var abort = node["abort"];
        return new IstioFault
        {
            DelayFixed = delay.String("fixedDelay"),
            DelayPercentage = Percent(delay["percentage"]) ?? delay.Int32("percent"),
            AbortHttpStatus = abort.Int32("httpStatus"),
            AbortGrpcStatus = abort.String("grpcStatus"),
            AbortPercentage = Percent(abort["percentage"]),
            Field = node.Path,
        };
    }

    private static IstioCors? ReadCors(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        return new IstioCors
        {
            AllowOrigins = node.Items("allowOrigins").Select(ReadStringMatch).OfType<IstioStringMatch>().ToEquatableArray(),
            AllowOriginLegacy = node.Strings("allowOrigin"),
            AllowMethods = node.Strings("allowMethods"),
            AllowHeaders = node.Strings("allowHeaders"),
            ExposeHeaders = node.Strings("exposeHeaders"),
            MaxAge = node.String("maxAge"),
            AllowCredentials = node.Bool("allowCredentials"),
            UnmatchedPreflights = node.String("unmatchedPreflights"),
            Field = node.Path,
        };
    }

    private static IstioHeaders? ReadHeaders(Node node)
        => !node.Exists || !node.IsObject() ? null : new IstioHeaders(ReadOperations(node["request"]), ReadOperations(node["response"]), node.Path);

    private static IstioHeaderOperations ReadOperations(Node node)
        => !node.Exists || !node.IsObject() ? new IstioHeaderOperations() : new IstioHeaderOperations
        {
            Set = Pairs(node["set"]),
            Add = Pairs(node["add"]),
            Remove = node.Strings("remove"),
        };

    private static EquatableArray<KeyValuePair<string, string>> Pairs(Node node)
        => !node.Exists || !node.IsObject() ? [] : node.FieldNames()
            .Select(name => new KeyValuePair<string, string>(name, node[name].AsString() ?? string.Empty))
            .ToEquatableArray();

    private static IstioL4Rule? ReadL4Rule(Node node, int index)
    {
        if (!node.IsObject())
        {
            return null;
        }

        return new IstioL4Rule
        {
            Field = node.Path,
            Index = index,
            Matches = node.List("match", m => !m.IsObject() ? null : new IstioL4Match
            {
                Field = m.Path,
                SniHosts = m.Strings("sniHosts"),
                DestinationSubnets = m.Strings("destinationSubnets"),
                Port = m.Int32("port"),
                SourceLabels = m.Map("sourceLabels"),
                Gateways = m.Strings("gateways"),
                SourceNamespace = m.String("sourceNamespace"),
                SourceSubnet = m.String("sourceSubnet"),
            }),
            Route = node.List("route", ReadRouteDestination),
        };
    }

    private static DestinationRuleObject ReadDestinationRule(KubeObject obj, Node spec)
    {
        var host = spec.String("host");
        if (string.IsNullOrEmpty(host))
        {
            spec["host"].Required();
        }

        return new DestinationRuleObject
        {
            Key = obj.Key,
            Metadata = obj.Metadata,
            Host = host ?? string.Empty,
            TrafficPolicy = ReadTrafficPolicy(spec["trafficPolicy"]),
            Subsets = spec.List("subsets", s =>
            {
                if (!s.IsObject())
                {
                    return null;
                }

                var name = s.String("name");
                if (string.IsNullOrEmpty(name))
                {
                    s["name"].Required();
                }

                return new IstioSubset(name ?? string.Empty, s.Map("labels"), ReadTrafficPolicy(s["trafficPolicy"]), s.Path);
            }),
            ExportTo = spec.Strings("exportTo"),
            HasWorkloadSelector = spec.Has("workloadSelector"),
        };
    }

    private static IstioTrafficPolicy? ReadTrafficPolicy(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var ports = new List<(int, IstioTrafficPolicy)>();
        foreach (var item in node.Items("portLevelSettings"))
        {
            if (item.IsObject() && item["port"].Int32("number") is { } port && ReadTrafficPolicy(item) is { } policy)
            {
                ports.Add((port, policy with { PortLevel = [] }));
            }
        }

        return new IstioTrafficPolicy
        {
            LoadBalancer = ReadLoadBalancer(node["loadBalancer"]),
            ConnectionPool = ReadConnectionPool(node["connectionPool"]),
            OutlierDetection = ReadOutlier(node["outlierDetection"]),
            Tls = ReadClientTls(node["tls"]),
            PortLevel = ports.ToEquatableArray(),
            Field = node.Path,
        };
    }

    private static IstioLoadBalancer? ReadLoadBalancer(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var hash = node["consistentHash"];
        var cookie = hash["httpCookie"];
        return new IstioLoadBalancer
        {
            Simple = node.String("simple"),
            HashHeader = hash.String("httpHeaderName"),
            HashCookie = cookie.IsObject(report: false) ? cookie.String("name") ?? string.Empty : null,
            HashCookieTtl = cookie.String("ttl"),
            HashSourceIp = hash.Bool("useSourceIp") ?? false,
            HashQueryParameter = hash.String("httpQueryParameterName"),
            MaglevTableSize = hash["maglev"].Int64("tableSize"),
            RingMinimumSize = hash["ringHash"].Int64("minimumRingSize") ?? hash.Int64("minimumRingSize"),
            Warmup = node["warmup"].String("duration") ?? node.String("warmupDurationSecs"),
            HasLocality = node.Has("localityLbSetting") || node.Has("zoneAwareLbSetting"),
            Field = node.Path,
        };
    }

    private static IstioConnectionPool? ReadConnectionPool(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var tcp = node["tcp"];
        var http = node["http"];
        var keepalive = tcp["tcpKeepalive"];
        return new IstioConnectionPool
        {
            MaxConnections = tcp.Int64("maxConnections"),
            ConnectTimeout = tcp.String("connectTimeout"),
            MaxConnectionDuration = tcp.String("maxConnectionDuration"),
            TcpIdleTimeout = tcp.String("idleTimeout"),
            TcpKeepalive = keepalive.IsObject(report: false) ? (keepalive.Int64("probes"), keepalive.String("time"), keepalive.String("interval")) : null,
            Http1MaxPendingRequests = http.Int64("http1MaxPendingRequests"),
            Http2MaxRequests = http.Int64("http2MaxRequests"),
            MaxRequestsPerConnection = http.Int64("maxRequestsPerConnection"),
            MaxRetries = http.Int64("maxRetries"),
            HttpIdleTimeout = http.String("idleTimeout"),
            Field = node.Path,
        };
    }

    private static IstioOutlierDetection? ReadOutlier(Node node)
        => !node.Exists || !node.IsObject() ? null : new IstioOutlierDetection
        {
            Consecutive5xxErrors = node.Int64("consecutive5xxErrors"),
            ConsecutiveGatewayErrors = node.Int64("consecutiveGatewayErrors"),
            ConsecutiveLocalOriginFailures = node.Int64("consecutiveLocalOriginFailures"),
            ConsecutiveErrors = node.Int64("consecutiveErrors"),
            SplitExternalLocalOriginErrors = node.Bool("splitExternalLocalOriginErrors"),
            Interval = node.String("interval"),
            BaseEjectionTime = node.String("baseEjectionTime"),
            MaxEjectionPercent = node.Int64("maxEjectionPercent"),
            MinHealthPercent = node.Int64("minHealthPercent"),
            HasErrorCodes = node.Count("outlierDetectionHttpErrorCodes") > 0,
            Field = node.Path,
        };

    private static IstioClientTls? ReadClientTls(Node node)
        => !node.Exists || !node.IsObject() ? null : new IstioClientTls
        {
            Mode = node.String("mode") ?? "DISABLE",
            Sni = node.String("sni"),
            SubjectAltNames = node.Strings("subjectAltNames"),
            CaCertificates = node.String("caCertificates"),
            CredentialName = node.String("credentialName"),
            InsecureSkipVerify = node.Bool("insecureSkipVerify"),
            HasClientCertificate = node.Has("clientCertificate") || node.Has("privateKey"),
            Field = node.Path,
        };

    /// <summary>A <c>Percent</c> (<c>{value: 12.5}</c>), or null.</summary>
    private static double? Percent(Node node)
    {
        if (!node.Exists || !node.IsObject())
        {
            return null;
        }

        var value = node["value"];
        if (value.Kind == JsonValueKind.Number && value.TryGetDouble(out var d))
        {
            if (d is < 0 or > 100 || double.IsNaN(d))
            {
                value.Error(DiagnosticCodes.SchemaViolation, "a percentage is between 0 and 100.");
                return null;
            }

            return d;
        }

        if (value.Exists)
        {
            value.Error(DiagnosticCodes.WrongType, "expected a number.");
        }

        return 0;
    }
}
