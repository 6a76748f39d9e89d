using System.Text.Json.Nodes;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// Compares the JSON outcome line of <c>policyattach match</c> with one <c>requests[]</c> expectation: status code,
/// 404 / 421 / refused connection, gRPC code, backend name and namespace, the request the backend receives (method,
/// path, Host, headers present and absent), redirect Location parts, response headers, CORS answers and mirrors.
/// Parts that only a live data plane shows (upstream TLS, SNI sent upstream, WebSocket echo) are not compared.
/// </summary>
internal static class RequestChecker
{
    private static readonly Dictionary<string, int> GrpcCodes = new(StringComparer.Ordinal)
    {
        ["OK"] = 0, ["Unimplemented"] = 12, ["Unavailable"] = 14, ["NotFound"] = 5, ["PermissionDenied"] = 7, ["Internal"] = 13,
    };

    /// <summary>What is wrong, or an empty list when the outcome meets the expectation.</summary>
    public static List<string> Check(JsonObject expectation, JsonObject line, JsonObject outcome)
    {
        var problems = new List<string>();
        var expect = expectation["expect"]!.AsObject();
        var request = expectation["request"]?.AsObject() ?? [];
        var kind = Str(outcome, "outcome");
        if (kind == "error")
        {
            problems.Add("not answered: " + Str(outcome, "error"));
            return problems;
        }

        var protocol = Str(expectation, "protocol");
        var stream = Str(line, "protocol") is "tls" or "tcp" or "udp";
        var grpc = Str(line, "protocol") == "grpc";
        var mesh = expectation["via"]?["kind"]?.GetValue<string>() == "meshClient";
        var status = outcome["statusCode"]?.GetValue<int>();
        var grpcStatus = outcome["grpcStatus"]?.GetValue<int>();

        if (expect["notRouted"]?.GetValue<bool>() == true && kind != "notRouted")
        {
            problems.Add($"expected notRouted, got {kind}");
        }

        if (expect["misdirected"]?.GetValue<bool>() == true && kind != "misdirected")
        {
            problems.Add($"expected misdirected (421), got {kind}");
        }

        if (expect["connectionRejected"]?.GetValue<bool>() == true && kind is not ("notRouted" or "noBackend"))
        {
            problems.Add($"expected a refused connection, got {kind}");
        }

        if (expect["answeredByGatewayWithoutBackend"]?.GetValue<bool>() == true && kind != "answered")
        {
            problems.Add($"expected the gateway to answer, got {kind}");
        }

        if (Str(expect, "grpcCode") is { } code)
        {
            if (!GrpcCodes.TryGetValue(code, out var expected) || grpcStatus != expected)
            {
                problems.Add($"expected gRPC {code}, got {grpcStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} ({kind})");
            }
        }

        var codes = expect["statusCodes"]?.AsArray().Select(c => c!.GetValue<int>()).ToList();
        var expectsSuccess = !stream && expect["grpcCode"] is null && expect["notRouted"] is null && expect["misdirected"] is null && expect["redirect"] is null;
        if (codes is null && expectsSuccess && expect["connectionRejected"] is null && !grpc)
        {
            codes = [200];
        }

        if (codes is not null && !stream)
        {
            var actual = grpc ? (grpcStatus == 0 ? 200 : status) : status;
            if (actual is null || !codes.Contains(actual.Value))
            {
                problems.Add($"expected status {string.Join("|", codes)}, got {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} ({kind})");
            }
        }

        var backends = outcome["backends"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        if (expect["backend"] is JsonObject backend)
        {
            if (kind != "routed")
            {
                problems.Add($"expected backend {Describe(backend)}, got {kind}");
            }
            else if (!backends.Any(b => b["valid"]!.GetValue<bool>() && b["weight"]!.GetValue<int>() > 0 && SameService(backend, b)))
            {
                problems.Add($"expected backend {Describe(backend)}, got [{string.Join(", ", backends.Select(Describe))}]");
            }
        }

        if (stream || expect["websocketEcho"] is not null || expect["echo"] is not null)
        {
            if ((expect["websocketEcho"] is not null || expect["echo"] is not null || expect["backend"] is not null) && kind != "routed")
            {
                problems.Add($"expected the connection to reach a backend, got {kind}");
            }

            return problems;
        }

        var forwarded = outcome["request"] as JsonObject;
        if (expect["backendRequest"] is JsonObject backendRequest)
        {
            CheckForwarded(backendRequest, forwarded, problems, Whitespace(expect));
        }
        else if (!mesh && !grpc && kind == "routed" && codes is not null && codes.All(c => c is 200 or 204))
        {
            // requestDefaults: the backend receives the method, path and Host sent.
            var defaults = new JsonObject { ["method"] = Str(request, "method") ?? "GET", ["path"] = Str(line, "path") };
            if (Str(request, "host") is { } host)
            {
                defaults["host"] = host;
            }

            CheckForwarded(defaults, forwarded, problems, false);
        }

        foreach (var (key, absentKey) in new[] { ("declaredBackendHeaders", (string?)null), ("backendReceivedHeaders", "backendAbsentHeaders") })
        {
            // Declared but not asserted upstream (the corpus README's caveat): the gRPC helper ignores them.
            var asserted = key != "declaredBackendHeaders" || expect["declaredBackendHeadersAssertedUpstream"]?.GetValue<bool>() != false;
            if (asserted && expect[key] is JsonObject headers)
            {
                var check = new JsonObject { ["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value is JsonArray a ? a[0]!.GetValue<string>() : h.Value!.GetValue<string>())))) };
                if (absentKey is not null && expect[absentKey] is JsonArray absent)
                {
                    check["absentHeaders"] = absent.DeepClone();
                }

                CheckForwarded(check, forwarded, problems, false);
            }
        }

        if (expect["redirect"] is JsonObject redirect)
        {
            CheckRedirect(redirect, outcome, line, problems);
        }

        CheckResponseHeaders(expect, request, outcome, problems);

        if (expect["mirroredTo"] is JsonArray mirrored)
        {
            var mirrors = outcome["mirrors"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
            foreach (var m in mirrored.OfType<JsonObject>())
            {
                if (!mirrors.Any(x => x["valid"]!.GetValue<bool>() && SameService(m, x)))
                {
                    problems.Add($"expected a mirror to {Describe(m)}, got [{string.Join(", ", mirrors.Select(Describe))}]");
                }
            }
        }

        return problems;
    }

    private static void CheckForwarded(JsonObject expected, JsonObject? forwarded, List<string> problems, bool ignoreWhitespace)
    {
        if (forwarded is null)
        {
            problems.Add("expected the request to reach a backend, but none was forwarded");
            return;
        }

        foreach (var field in new[] { "method", "path", "host" })
        {
            if (Str(expected, field) is { } want && Str(forwarded, field) != want)
            {
                problems.Add($"backend request {field}: expected '{want}', got '{Str(forwarded, field)}'");
            }
        }

        var headers = forwarded["headers"]!.AsArray().OfType<JsonArray>().Select(p => (Name: p[0]!.GetValue<string>(), Value: p[1]!.GetValue<string>())).ToList();
        if (expected["headers"] is JsonObject want2)
        {
            foreach (var (name, value) in want2)
            {
                var wanted = value!.GetValue<string>();
                var found = headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
                if (!found.Any(v => SameValue(v, wanted, ignoreWhitespace)))
                {
                    problems.Add($"backend request header {name}: expected '{wanted}', got [{string.Join(", ", found)}]");
                }
            }
        }

        if (expected["absentHeaders"] is JsonArray absent)
        {
            foreach (var name in absent.Select(n => n!.GetValue<string>()))
            {
                if (headers.Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add($"backend request header {name}: expected absent");
                }
            }
        }
    }

    private static void CheckRedirect(JsonObject redirect, JsonObject outcome, JsonObject line, List<string> problems)
    {
        if (outcome["redirect"] is not JsonObject actual)
        {
            problems.Add($"expected a redirect, got {Str(outcome, "outcome")}");
            return;
        }

        var location = Str(actual, "location")!;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
        {
            problems.Add($"redirect Location '{location}' is not an absolute URI");
            return;
        }

        var requestScheme = Str(line, "protocol") == "https" ? "https" : "http";
        var scheme = Str(redirect, "scheme") ?? requestScheme;
        if (!string.Equals(uri.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"redirect scheme: expected {scheme}, got {uri.Scheme} ({location})");
        }

        if (Str(redirect, "host") is { } host && !string.Equals(uri.Host, host, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"redirect host: expected {host}, got {uri.Host} ({location})");
        }

        var defaultPort = string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        var expectedPort = redirect["port"] is JsonValue pv ? (pv.TryGetValue<int>(out var n) ? n : int.Parse(pv.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)) : defaultPort;
        if (uri.Port != expectedPort)
        {
            problems.Add($"redirect port: expected {expectedPort}, got {uri.Port} ({location})");
        }

        var path = Str(redirect, "path") ?? Str(line, "path");
        if (path is not null && uri.PathAndQuery != path && uri.AbsolutePath != path)
        {
            problems.Add($"redirect path: expected {path}, got {uri.PathAndQuery} ({location})");
        }

        if (redirect["statusCode"] is JsonValue code && code.GetValue<int>() != actual["statusCode"]!.GetValue<int>())
        {
            problems.Add($"redirect status: expected {code}, got {actual["statusCode"]}");
        }
    }

    /// <summary>The response the client sees: what the echo backend sets, then the filters' set, add and remove.</summary>
    private static void CheckResponseHeaders(JsonObject expect, JsonObject request, JsonObject outcome, List<string> problems)
    {
        if (expect["responseHeaders"] is null && expect["responseHeaderAlternatives"] is null && expect["absentResponseHeaders"] is null)
        {
            return;
        }

        var ignoreWhitespace = Whitespace(expect);
        var headers = new List<(string Name, string Value)>();
        if (request["echoBackendWillSetResponseHeaders"] is JsonObject fromBackend)
        {
            headers.AddRange(fromBackend.Select(h => (h.Key, h.Value!.GetValue<string>())));
        }

        var edits = outcome["responseHeaders"]!.AsObject();
        foreach (var pair in edits["set"]!.AsArray().OfType<JsonArray>())
        {
            var name = pair[0]!.GetValue<string>();
            headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
            headers.Add((name, pair[1]!.GetValue<string>()));
        }

        foreach (var pair in edits["add"]!.AsArray().OfType<JsonArray>())
        {
            var name = pair[0]!.GetValue<string>();
            var i = headers.FindIndex(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
            {
                headers[i] = (headers[i].Name, headers[i].Value + "," + pair[1]!.GetValue<string>());
            }
            else
            {
                headers.Add((name, pair[1]!.GetValue<string>()));
            }
        }

        foreach (var name in edits["remove"]!.AsArray().Select(n => n!.GetValue<string>()))
        {
            headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        }

        string? Get(string name) => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

        if (expect["responseHeaders"] is JsonObject wanted)
        {
            foreach (var (name, value) in wanted)
            {
                var v = value!.GetValue<string>();
                if (Get(name) is not { } got || !SameValue(got, v, ignoreWhitespace))
                {
                    problems.Add($"response header {name}: expected '{v}', got '{Get(name)}'");
                }
            }
        }

        if (expect["responseHeaderAlternatives"] is JsonObject alternatives)
        {
            foreach (var (name, values) in alternatives)
            {
                var options = values!.AsArray().Select(v => v!.GetValue<string>()).ToList();
                if (Get(name) is not { } got || !options.Any(o => SameValue(got, o, ignoreWhitespace)))
                {
                    problems.Add($"response header {name}: expected one of [{string.Join(" | ", options)}], got '{Get(name)}'");
                }
            }
        }

        if (expect["absentResponseHeaders"] is JsonArray absent)
        {
            foreach (var name in absent.Select(n => n!.GetValue<string>()))
            {
                if (Get(name) is { } got)
                {
                    problems.Add($"response header {name}: expected absent, got '{got}'");
                }
            }
        }
    }

    private static bool Whitespace(JsonObject expect) => expect["ignoreWhitespaceInHeaderValues"]?.GetValue<bool>() == true;

    private static bool SameValue(string actual, string expected, bool ignoreWhitespace)
        => ignoreWhitespace
            ? string.Equals(actual.Replace(" ", string.Empty, StringComparison.Ordinal), expected.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal)
            : string.Equals(actual, expected, StringComparison.Ordinal);

    /// <summary>A backend's Service is the Deployment the expectation names (every corpus backend's Service and Deployment share the name).</summary>
    private static bool SameService(JsonObject expected, JsonObject actual)
        => (Str(expected, "name") is not { } name || Str(actual, "name") == name)
            && (Str(expected, "namespace") is not { } ns || Str(actual, "namespace") == ns);

    private static string Describe(JsonObject b) => $"{Str(b, "namespace") ?? "*"}/{Str(b, "name") ?? "*"}";

    private static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
