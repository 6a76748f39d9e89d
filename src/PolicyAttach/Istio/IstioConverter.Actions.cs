using System.Globalization;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Istio;

internal sealed partial class IstioConversion
{
    private static readonly int[] RedirectCodes = [301, 302, 303, 307, 308];

    /// <summary>What an Istio HTTP rule does, as HTTPRoute rule parts, in one context (the port a mesh route serves decides destinations without a port).</summary>
    private RuleActions ConvertActions(EffectiveHttpRule effective, IstioContext context)
    {
        var key = effective.Owner.Key;
        var rule = effective.Rule;
        var f = rule.Field;
        var mesh = context.Gateway is null;
        var filters = new List<RouteFilter>();
        string? name = null;
        if (rule.Name is { } n)
        {
            name = Names.IsSection(n) ? n : Names.Section(n);
            if (name == n)
            {
                _ledger.Carried(key, f + ".name", "the rule's name (a policy sectionName).");
            }
            else
            {
                _ledger.Approximated(key, f + ".name", $"rule name {name}: Gateway API rule names are DNS subdomains.", affectsRouting: false);
            }
        }

        if (rule.Redirect is { } redirect)
        {
            if (context.Grpc)
            {
                _ledger.Dropped(key, redirect.Field, "a GRPCRoute has no redirect: in the GRPCRoutes the rule has no backends (so it still takes its calls) and answers UNIMPLEMENTED.", affectsRouting: true);
                return new RuleActions { Name = name };
            }

            return ConvertRedirect(key, redirect, context) with { Name = name };
        }

        if (rule.DirectResponseStatus is { } status)
        {
            if (status == 500)
            {
                _ledger.Approximated(key, rule.DirectResponseField!, "a rule without backends answers 500 in Gateway API, as this one does; the body is not carried.", affectsRouting: false);
            }
            else
            {
                _ledger.Approximated(key, rule.DirectResponseField!, $"Gateway API has no direct response: the rule is kept without backends (so it still takes the requests it matches) and answers 500 instead of {status}.", affectsRouting: true);
            }

            return new RuleActions { Name = name };
        }

        var backends = new List<RouteBackendRef>();
        foreach (var d in rule.Route)
        {
            backends.Add(new RouteBackendRef
            {
                BackendRef = Backend(key, effective.Owner.Key.Namespace, d.Destination, context, d.Field + ".destination") with { Weight = rule.Route.Count == 1 ? 1 : Math.Min(d.Weight ?? 0, 1_000_000) },
                Filters = HeaderFilters(key, d.Headers),
            });
            if (d.Weight is not null)
            {
                _ledger.Carried(key, d.Field + ".weight", rule.Route.Count == 1 ? "a single destination takes every request, as the backend does." : $"backend weight {d.Weight}.");
            }
        }

        if (rule.Route.Count > 1 && rule.Route.All(d => (d.Weight ?? 0) == 0))
        {
            _ledger.Remark(key, f + ".route", ConversionOutcome.Approximated, "every destination has weight 0: the reference does not say what Istio does then (Envoy refuses a total weight of 0); the converted rule has no backend with a weight and answers 500.", affectsRouting: true);
        }

        if (rule.Route.Count == 0)
        {
            _ledger.Remark(key, f, ConversionOutcome.Approximated, "a rule without destinations: the converted rule has no backends and answers 500.", affectsRouting: true);
        }

        filters.AddRange(HeaderFilters(key, rule.Headers));
        foreach (var mirror in rule.Mirrors)
        {
            if (Mirror(key, effective.Owner.Key.Namespace, mirror, context) is { } filter)
            {
                filters.Add(filter);
            }
        }

        if (context.Grpc)
        {
            // What a GRPCRoute rule has no field for (GRPCRouteRule: matches, filters without redirect, rewrite or
            // CORS, backendRefs; no timeouts or retry).
            GrpcUnsupported(effective, policies: _options.EnvoyGateway && context.Gateway is not null);
            return new RuleActions { Backends = backends.ToEquatableArray(), Filters = filters.ToEquatableArray(), Name = name };
        }

        if (rule.Cors is { } cors && Cors(key, cors) is { } corsFilter)
        {
            filters.Add(corsFilter);
        }

        string? rewriteUri = null;
        string? rewriteHost = null;
        if (rule.Rewrite is { } rewrite)
        {
            if (rewrite.Uri is { Length: > 0 } uri)
            {
                if (uri.StartsWith('/') && uri.Length <= 1024)
                {
                    rewriteUri = uri;
                    _ledger.Carried(key, rewrite.Field + ".uri", "URLRewrite: ReplacePrefixMatch for prefix matches, ReplaceFullPath otherwise (a rule with several matches is split, one rule per match).");
                }
                else
                {
                    _ledger.Dropped(key, rewrite.Field + ".uri", "a Gateway API rewrite path starts with / and has at most 1024 characters.", affectsRouting: true);
                }
            }

            if (rewrite.Authority is { Length: > 0 } authority)
            {
                if (IsHostname(authority.ToLowerInvariant()) && !authority.StartsWith('*'))
                {
                    rewriteHost = authority.ToLowerInvariant();
                    _ledger.Carried(key, rewrite.Field + ".authority", "URLRewrite hostname.");
                }
                else
                {
                    _ledger.Dropped(key, rewrite.Field + ".authority", "not a precise hostname (with a port, or a wildcard), which is all a URLRewrite hostname can be.", affectsRouting: true);
                }
            }

            if (rewrite.RegexMatch is not null)
            {
                _ledger.Dropped(key, rewrite.Field + ".uriRegexRewrite", "Gateway API rewrites cannot use regular expressions (Envoy Gateway's HTTPRouteFilter urlRewrite.path.replaceRegexMatch can; write it by hand).", affectsRouting: true);
            }
        }

        HttpRouteTimeouts? timeouts = null;
        if (rule.Timeout is { } timeout)
        {
            var value = Durations.GoToGateway(timeout, out var rounded);
            if (value is null)
            {
                _ledger.Dropped(key, f + ".timeout", $"\"{timeout}\" is not a duration Gateway API can write.", affectsRouting: false);
            }
            else
            {
                timeouts = new HttpRouteTimeouts { Request = value };
                if (rounded)
                {
                    _ledger.Approximated(key, f + ".timeout", $"timeouts.request {value} (rounded to milliseconds).", affectsRouting: false);
                }
                else
                {
                    _ledger.Carried(key, f + ".timeout", $"timeouts.request {value}.");
                }
            }
        }

        HttpRouteRetry? retry = null;
        if (rule.Retries is { } retries)
        {
            (retry, timeouts) = ConvertRetries(key, retries, timeouts);
        }
        else if (!_options.EnvoyGateway)
        {
            _ledger.Remark(key, f, ConversionOutcome.Dropped, "no retries set: Istio then retries twice on connect-failure,refused-stream,unavailable,cancelled (its mesh-wide default); the route has no retry, so the implementation's default applies (with --profile envoy-gateway the default is written as a BackendTrafficPolicy).", affectsRouting: false);
        }

        if (rule.Fault is { } fault && !_options.EnvoyGateway)
        {
            _ledger.Dropped(key, fault.Field, "Gateway API has no fault injection (with --profile envoy-gateway it becomes a BackendTrafficPolicy faultInjection).", affectsRouting: true);
        }

        return new RuleActions
        {
            Backends = backends.ToEquatableArray(),
            RewriteUri = rewriteUri,
            RewriteHost = rewriteHost,
            Filters = filters.ToEquatableArray(),
            Timeouts = timeouts,
            Retry = retry,
            Name = name,
        };
    }

    /// <summary>
    /// The notes for the actions of a rule converted for gRPC traffic that a GRPCRoute rule cannot carry. With
    /// <paramref name="policies"/> (a gateway route under the Envoy Gateway profile), the timeout, retries and fault
    /// become the rule's BackendTrafficPolicy, which notes them.
    /// </summary>
    private void GrpcUnsupported(EffectiveHttpRule effective, bool policies)
    {
        var key = effective.Owner.Key;
        var rule = effective.Rule;
        if (rule.Cors is { } cors)
        {
            _ledger.Dropped(key, cors.Field, "a GRPCRoute has no CORS filter (browsers do not make gRPC calls; gRPC-Web is not GRPCRoute's).", affectsRouting: false);
        }

        if (rule.Rewrite is { } rewrite)
        {
            _ledger.Dropped(key, rewrite.Field, "a GRPCRoute has no URL rewrite: the GRPCRoutes forward the call with its path and authority unchanged.", affectsRouting: true);
        }

        if (policies)
        {
            return;
        }

        if (rule.Timeout is not null)
        {
            _ledger.Dropped(key, rule.Field + ".timeout", "a GRPCRoute rule has no timeouts: the implementation's default applies (set it with its policy; --profile envoy-gateway writes a BackendTrafficPolicy for gateway routes).", affectsRouting: false);
        }

        if (rule.Retries is { } retries)
        {
            _ledger.Dropped(key, retries.Field, "a GRPCRoute rule has no retry: the implementation's default applies (set it with its policy).", affectsRouting: false);
        }
        else
        {
            _ledger.Remark(key, rule.Field, ConversionOutcome.Dropped, "no retries set: Istio then retries twice on connect-failure,refused-stream,unavailable,cancelled (its mesh-wide default); a GRPCRoute rule has no retry, so the implementation's default applies.", affectsRouting: false);
        }

        if (rule.Fault is { } fault)
        {
            _ledger.Dropped(key, fault.Field, "Gateway API has no fault injection (with --profile envoy-gateway, a gateway GRPCRoute's rule gets a BackendTrafficPolicy faultInjection).", affectsRouting: true);
        }
    }

    private RuleActions ConvertRedirect(ResourceKey key, IstioRedirect redirect, IstioContext context)
    {
        var f = redirect.Field;
        string? scheme = null;
        if (redirect.Scheme is { Length: > 0 } s)
        {
            scheme = s.ToLowerInvariant();
            if (scheme is "http" or "https")
            {
                _ledger.Carried(key, f + ".scheme", $"redirect scheme {scheme}.");
            }
            else
            {
                _ledger.Dropped(key, f + ".scheme", "a Gateway API redirect scheme is http or https; the request's scheme is kept.", affectsRouting: true);
                scheme = null;
            }
        }

        string? hostname = null;
        int? authorityPort = null;
        if (redirect.Authority is { Length: > 0 } authority)
        {
            var colon = authority.LastIndexOf(':');
            var host = authority;
            if (colon > 0 && int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ap) && ap is > 0 and <= 65535)
            {
                host = authority[..colon];
                authorityPort = ap;
            }

            if (IsHostname(host.ToLowerInvariant()) && !host.StartsWith('*'))
            {
                hostname = host.ToLowerInvariant();
                _ledger.Carried(key, f + ".authority", authorityPort is null ? "redirect hostname." : "redirect hostname and port.");
            }
            else
            {
                _ledger.Dropped(key, f + ".authority", "not a precise hostname; the request's host is kept.", affectsRouting: true);
                authorityPort = null;
            }
        }

        // The Location's port: written, taken from the authority, the request's (FROM_REQUEST_PORT, which Gateway API
        // does when neither port nor scheme is set, or this context's port), or the scheme's default.
        int? port;
        if (redirect.Port is { } p and > 0)
        {
            port = p;
            _ledger.Carried(key, f + ".port", $"redirect port {p}.");
        }
        else if (redirect.DerivePort == "FROM_REQUEST_PORT")
        {
            port = scheme is null ? null : context.Port > 0 ? context.Port : null;
            if (scheme is not null && context.Port <= 0)
            {
                _ledger.Approximated(key, f + ".derivePort", "the request's port is not known where the route is made (a mesh route on every port): the scheme's default port is used.", affectsRouting: true);
            }
            else
            {
                _ledger.Carried(key, f + ".derivePort", scheme is null ? "the redirect keeps the listener's port (Gateway API's default when neither port nor scheme is set)." : "the redirect port is the listener's port.");
            }
        }
        else
        {
            port = authorityPort ?? (scheme is null ? (context.Scheme == "https" ? 443 : 80) : null);
            if (redirect.DerivePort is not null)
            {
                _ledger.Carried(key, f + ".derivePort", "the scheme's default port.");
            }
        }

        var code = redirect.RedirectCode;
        if (RedirectCodes.Contains(code))
        {
            _ledger.Carried(key, f + ".redirectCode", $"status code {code}.");
        }
        else
        {
            _ledger.Approximated(key, f + ".redirectCode", $"Gateway API redirects with 301, 302, 303, 307 or 308; {code} becomes 301.", affectsRouting: true);
            code = 301;
        }

        HttpPathModifier? path = null;
        if (redirect.Uri is { Length: > 0 } uri)
        {
            if (PathCondition.IsValidPathValue(uri) || uri.StartsWith('/'))
            {
                path = new HttpPathModifier { Type = HttpPathModifierType.ReplaceFullPath, TypeName = "ReplaceFullPath", ReplaceFullPath = uri };
                _ledger.Carried(key, f + ".uri", "ReplaceFullPath: the whole path is replaced, as Istio does.");
            }
            else
            {
                _ledger.Dropped(key, f + ".uri", "a redirect path starts with /.", affectsRouting: true);
            }
        }

        if (redirect.PrefixRewrite is not null)
        {
            _ledger.Carried(key, f + ".prefixRewrite", "ReplacePrefixMatch on each prefix match (a rule with several matches is split, one rule per match).");
        }

        var filter = new RouteFilter
        {
            Type = RouteFilterType.RequestRedirect,
            TypeName = "RequestRedirect",
            RequestRedirect = new HttpRequestRedirectFilter { Scheme = scheme, Hostname = hostname, Port = port, StatusCode = code, Path = path },
        };
        return new RuleActions { Redirect = filter, RedirectPrefixRewrite = redirect.PrefixRewrite };
    }

    /// <summary>
    /// The backend of a destination: the Service its host names (a subset's Service for a subset), on the port
    /// written, else the Service's only port, else (mesh) the port the route serves. A destination that names no
    /// Service of the input becomes a reference to a Service that does not exist, so that its share of requests
    /// fails as in Istio ("traffic forwarded to destinations that are not found [...] will be dropped").
    /// </summary>
    private BackendReference Backend(ResourceKey source, string ownerNamespace, IstioDestination d, IstioContext context, string field)
    {
        var key = ServiceHosts.Resolve(d.Host, ownerNamespace, _options.ClusterDomain);
        var svc = key is { } k ? _snapshot.Find<Service>(k) : null;
        if (svc is null)
        {
            var missing = key ?? new ResourceKey(Kinds.Service, ownerNamespace, Names.Label(d.Host));
            _ledger.Dropped(source, d.Field, key is null
                ? $"{d.Host} is not a Kubernetes Service host; its share of requests goes to a backend that does not exist (Service {missing.Name}), so it fails as the unknown destination does."
                : $"Service {missing.Namespace}/{missing.Name} is not in the input; the backend refers to it as written (if it does not exist, Gateway API answers 500 where Envoy answers 503).", affectsRouting: true);
            return new BackendReference { Name = missing.Name, Namespace = missing.Namespace, Port = d.Port ?? 80 };
        }

        var target = svc.Key;
        if (d.Subset is { } subset)
        {
            if (_subsets.TryGetValue((svc.Key, subset), out var made))
            {
                target = made;
                _ledger.Carried(source, d.Field + ".subset", $"backend Service {made.Name} (the subset's Service).");
            }
            else
            {
                target = new ResourceKey(Kinds.Service, svc.Namespace, Names.Label($"{svc.Name}-{subset}"));
                _ledger.Dropped(source, d.Field + ".subset", $"no DestinationRule of the input defines subset {subset} of {svc.Name}: in Istio its requests fail (503); the backend names Service {target.Name}, which does not exist, so they fail here too (500).", affectsRouting: true);
            }
        }

        int port;
        if (d.Port is { } written)
        {
            port = written;
            _ledger.Carried(source, d.Field + ".port", $"backend port {written}.");
        }
        else if (svc.Ports.Count == 1)
        {
            port = svc.Ports[0].Port;
        }
        else if (context.Gateway is null && context.Port > 0 && svc.FindPort(context.Port) is not null)
        {
            port = context.Port;
        }
        else
        {
            port = svc.Ports.Count > 0 ? svc.Ports[0].Port : 80;
            _ledger.Approximated(source, d.Field, $"Service {svc.Name} has {svc.Ports.Count} ports and the destination names none; a backendRef needs one: port {port} is used.", affectsRouting: true);
        }

        _ledger.Carried(source, d.Field + ".host", $"backend Service {svc.Namespace}/{svc.Name}.");
        return new BackendReference { Name = target.Name, Namespace = target.Namespace, Port = port };
    }

    private RouteFilter? Mirror(ResourceKey key, string ownerNamespace, IstioMirror mirror, IstioContext context)
    {
        var backend = Backend(key, ownerNamespace, mirror.Destination, context, mirror.Field);
        var percentage = mirror.Percentage ?? 100;
        int? percent = null;
        MirrorFraction? fraction = null;
        if (Math.Abs(percentage - Math.Round(percentage)) < 1e-9)
        {
            percent = (int)Math.Round(percentage);
        }
        else
        {
            fraction = new MirrorFraction { Numerator = (int)Math.Round(percentage * 10_000), Denominator = 1_000_000 };
        }

        if (mirror.Field.EndsWith(".mirror", StringComparison.Ordinal))
        {
            var rule = mirror.Field[..^".mirror".Length];
            _ledger.Carried(key, rule + ".mirrorPercentage", "the RequestMirror's share.");
            _ledger.Carried(key, rule + ".mirrorPercent", "the RequestMirror's share (deprecated field).");
        }

        _ledger.Carried(key, mirror.Field, $"RequestMirror to {backend.Namespace}/{backend.Name}:{backend.Port}" + (mirror.Percentage is null ? string.Empty : percent is not null ? $", {percent}%" : $", fraction {fraction!.Numerator}/{fraction.Denominator}") + ".");
        return new RouteFilter { Type = RouteFilterType.RequestMirror, TypeName = "RequestMirror", RequestMirror = new HttpRequestMirrorFilter { BackendRef = backend with { Weight = 1 }, Percent = percent, Fraction = fraction } };
    }

    private EquatableArray<RouteFilter> HeaderFilters(ResourceKey key, IstioHeaders? headers)
    {
        if (headers is null)
        {
            return [];
        }

        var result = new List<RouteFilter>();
        if (HeaderFilter(key, headers.Request, headers.Field + ".request") is { } request)
        {
            result.Add(new RouteFilter { Type = RouteFilterType.RequestHeaderModifier, TypeName = "RequestHeaderModifier", RequestHeaderModifier = request });
        }

        if (HeaderFilter(key, headers.Response, headers.Field + ".response") is { } response)
        {
            result.Add(new RouteFilter { Type = RouteFilterType.ResponseHeaderModifier, TypeName = "ResponseHeaderModifier", ResponseHeaderModifier = response });
        }

        return result.ToEquatableArray();
    }

    /// <summary>Header operations as a header modifier: set, add and remove as written; a name in several operations keeps its first (Gateway API allows one action per name).</summary>
    private HttpHeaderFilter? HeaderFilter(ResourceKey key, IstioHeaderOperations ops, string field)
    {
        if (ops.IsEmpty)
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var set = new List<HttpHeader>();
        var add = new List<HttpHeader>();
        var remove = new List<string>();
        foreach (var (name, value) in ops.Set)
        {
            Keep(name, "set", () => set.Add(new HttpHeader(name.ToLowerInvariant(), value)), value);
        }

        foreach (var (name, value) in ops.Add)
        {
            Keep(name, "add", () => add.Add(new HttpHeader(name.ToLowerInvariant(), value)), value);
        }

        foreach (var name in ops.Remove)
        {
            Keep(name, "remove", () => remove.Add(name.ToLowerInvariant()), "x");
        }

        if (set.Count > 16 || add.Count > 16 || remove.Count > 16)
        {
            _ledger.Approximated(key, field, "more than 16 headers in one operation: the first 16 are kept.", affectsRouting: false);
        }

        return set.Count + add.Count + remove.Count == 0 ? null : new HttpHeaderFilter
        {
            Set = set.Take(16).ToEquatableArray(),
            Add = add.Take(16).ToEquatableArray(),
            Remove = remove.Take(16).ToEquatableArray(),
        };

        void Keep(string name, string op, Action add, string value)
        {
            var f = $"{field}.{op}" + (op == "remove" ? string.Empty : "." + name);
            if (!IsHeaderName(name) || value.Length is 0 or > 4096)
            {
                _ledger.Dropped(key, f, $"\"{name}\" with this value cannot be written in a Gateway API header modifier (names are HTTP tokens, values 1 to 4096 characters).", affectsRouting: false);
                return;
            }

            if (!seen.Add(name))
            {
                _ledger.Approximated(key, f, $"{name} is already in another operation; Gateway API allows one action per header name, so this one is left out.", affectsRouting: false);
                return;
            }

            add();
            _ledger.Carried(key, f, $"{(field.EndsWith("response", StringComparison.Ordinal) ? "ResponseHeaderModifier" : "RequestHeaderModifier")} {op} {name.ToLowerInvariant()}.");
        }
    }

    private static bool IsHeaderName(string name)
        => name.Length is > 0 and <= 256 && name.All(c => c > ' ' && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal));

    private RouteFilter? Cors(ResourceKey key, IstioCors cors)
    {
        var f = cors.Field;
        var origins = new List<string>();
        foreach (var origin in cors.AllowOrigins)
        {
            var value = origin.Kind switch
            {
                StringMatchKind.Exact => origin.Value,
                StringMatchKind.Regex when origin.Value is ".*" or "*" => "*",
                _ => null,
            };
            if (value is not null && (value == "*" || System.Text.RegularExpressions.Regex.IsMatch(value, @"^https?://(([A-Za-z0-9\-]+\.)*[A-Za-z0-9\-]+|\*)(:[0-9]{1,5})?$", System.Text.RegularExpressions.RegexOptions.NonBacktracking)))
            {
                origins.Add(value);
                _ledger.Carried(key, origin.Field, $"CORS allowOrigins {value}.");
            }
            else
            {
                _ledger.Dropped(key, origin.Field, "Gateway API CORS origins are scheme://host[:port] with at most a leading host wildcard; this origin pattern is left out.", affectsRouting: true);
            }
        }

        foreach (var (origin, i) in cors.AllowOriginLegacy.Select((o, i) => (o, i)))
        {
            origins.Add(origin);
            _ledger.Carried(key, $"{f}.allowOrigin[{i}]", $"CORS allowOrigins {origin}.");
        }

        if (origins.Contains("*") && origins.Count > 1)
        {
            origins = ["*"];
        }

        var methods = cors.AllowMethods.Select(m => m.ToUpperInvariant()).Where(m => HttpMethods.Contains(m) || m == "*").Distinct().ToList();
        if (methods.Count != cors.AllowMethods.Count)
        {
            _ledger.Approximated(key, f + ".allowMethods", "only Gateway API's nine methods (or *) can be allowed.", affectsRouting: false);
        }
        else if (methods.Count > 0)
        {
            _ledger.Carried(key, f + ".allowMethods", "CORS allowMethods.");
        }

        int maxAge = 5;
        if (cors.MaxAge is { } age)
        {
            if (Durations.ParseGo(age) is { } span && span.TotalSeconds >= 1)
            {
                maxAge = (int)Math.Min(int.MaxValue, Math.Floor(span.TotalSeconds));
                _ledger.Carried(key, f + ".maxAge", $"CORS maxAge {maxAge} seconds.");
            }
            else
            {
                _ledger.Approximated(key, f + ".maxAge", "Gateway API's maxAge is a whole number of seconds, at least 1: 5 (its default) is used.", affectsRouting: false);
            }
        }

        if (cors.AllowCredentials is not null)
        {
            _ledger.Carried(key, f + ".allowCredentials", "CORS allowCredentials.");
        }

        if (cors.AllowHeaders.Count > 0)
        {
            _ledger.Carried(key, f + ".allowHeaders", "CORS allowHeaders.");
        }

        if (cors.ExposeHeaders.Count > 0)
        {
            _ledger.Carried(key, f + ".exposeHeaders", "CORS exposeHeaders.");
        }

        if (cors.UnmatchedPreflights is not null)
        {
            _ledger.Dropped(key, f + ".unmatchedPreflights", "Gateway API's CORS filter always answers preflights at the gateway.", affectsRouting: true);
        }

        _ledger.Remark(key, f, ConversionOutcome.Approximated, "the CORS filter answers preflight requests at the gateway; Istio (by default) forwards preflights whose origin is not allowed to the backend.", affectsRouting: true);
        if (origins.Count == 0)
        {
            return null;
        }

        return new RouteFilter
        {
            Type = RouteFilterType.CORS,
            TypeName = "CORS",
            Cors = new HttpCorsFilter
            {
                AllowOrigins = origins.Distinct(StringComparer.Ordinal).Take(64).ToEquatableArray(),
                AllowCredentials = cors.AllowCredentials,
                AllowMethods = (methods.Contains("*") ? ["*"] : methods).ToEquatableArray(),
                AllowHeaders = (cors.AllowHeaders.Contains("*", StringComparer.Ordinal) ? ["*"] : cors.AllowHeaders.Where(IsHeaderName).Distinct(StringComparer.OrdinalIgnoreCase).Take(64)).ToEquatableArray(),
                ExposeHeaders = cors.ExposeHeaders.Where(IsHeaderName).Distinct(StringComparer.OrdinalIgnoreCase).Take(64).ToEquatableArray(),
                MaxAge = maxAge,
            },
        };
    }

    /// <summary>
    /// Retries without a profile: Gateway API's HTTPRoute <c>retry</c> (attempts, codes, backoff) and the per-try
    /// timeout as <c>timeouts.backendRequest</c>. Envoy's retry-on conditions are not all codes: <c>5xx</c> and
    /// <c>gateway-error</c> become their codes, connection conditions are left to the implementation (Gateway API
    /// says implementations SHOULD retry on connection errors).
    /// </summary>
    private (HttpRouteRetry? Retry, HttpRouteTimeouts? Timeouts) ConvertRetries(ResourceKey key, IstioRetry retries, HttpRouteTimeouts? timeouts)
    {
        var f = retries.Field;
        if (retries.PerTryTimeout is { } perTry)
        {
            var value = Durations.GoToGateway(perTry, out _);
            var request = timeouts?.RequestDuration;
            if (value is null || (request is { } r && r > TimeSpan.Zero && GatewayDuration.Parse(value) > r))
            {
                _ledger.Dropped(key, f + ".perTryTimeout", "it cannot be written as timeouts.backendRequest (not a Gateway API duration, or longer than the request timeout, which the CRD forbids).", affectsRouting: false);
            }
            else
            {
                timeouts = (timeouts ?? new HttpRouteTimeouts()) with { BackendRequest = value };
                _ledger.Carried(key, f + ".perTryTimeout", $"timeouts.backendRequest {value} (the timeout of each attempt).");
            }
        }

        if (_options.EnvoyGateway)
        {
            return (null, timeouts);
        }

        var codes = new SortedSet<int>();
        var other = new List<string>();
        foreach (var condition in (retries.RetryOn ?? "connect-failure,refused-stream,unavailable,cancelled").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(condition, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 400 and <= 599)
            {
                codes.Add(code);
            }
            else if (condition == "5xx")
            {
                codes.UnionWith(Enumerable.Range(500, 12));
            }
            else if (condition == "gateway-error")
            {
                codes.UnionWith([502, 503, 504]);
            }
            else if (condition == "retriable-4xx")
            {
                codes.Add(409);
            }
            else
            {
                other.Add(condition);
            }
        }

        HttpRouteRetry retry;
        if (retries.Attempts is 0)
        {
            retry = new HttpRouteRetry { Attempts = 0 };
            _ledger.Carried(key, f + ".attempts", "retry.attempts 0: no retries.");
        }
        else
        {
            var backoff = retries.Backoff is { } b ? Durations.GoToGateway(b, out _) : null;
            retry = new HttpRouteRetry { Attempts = retries.Attempts, Codes = codes.ToEquatableArray(), Backoff = backoff };
            _ledger.Approximated(key, f, $"HTTPRoute retry: attempts {retries.Attempts?.ToString(CultureInfo.InvariantCulture) ?? "(the implementation's default)"}" + (codes.Count > 0 ? $", codes {string.Join(",", codes)}" : string.Empty)
                + (other.Count > 0 ? $"; Envoy conditions without a status code ({string.Join(", ", other)}) are left to the implementation, which SHOULD retry connection errors" : string.Empty)
                + (retries.Backoff is null ? string.Empty : backoff is null ? "; the backoff is not a Gateway API duration" : $"; backoff {backoff}")
                + " (with --profile envoy-gateway they become a BackendTrafficPolicy retry with the same conditions).", affectsRouting: false);
        }

        _ledger.Dropped(key, f + ".retryRemoteLocalities", "locality selection for retries has no Gateway API equivalent.", affectsRouting: false);
        _ledger.Dropped(key, f + ".retryIgnorePreviousHosts", "host selection for retries has no Gateway API equivalent.", affectsRouting: false);
        return (retry, timeouts);
    }
}
