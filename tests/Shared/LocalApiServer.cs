using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyAttach.TestSupport;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 that speaks enough of the Kubernetes API for a test's objects: list with
/// pagination (<c>limit</c>/<c>continue</c>), the CRD listing that discovery reads, API discovery (<c>/apis</c>) built
/// from those CRDs, status merge patches, Leases with resourceVersion conflicts (leader election), a bearer
/// token check (401), and per-resource faults: 403, a hang (until the client gives up), failures before success, and
/// a continue token that has expired (410 Gone). The real KubernetesClient talks to it through a kubeconfig written
/// by <see cref="WriteKubeconfig"/>. Ports are chosen by the system; nothing waits on a clock.
/// </summary>
internal sealed class LocalApiServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<JsonObject>> _objects = new(StringComparer.Ordinal);

    public LocalApiServer()
    {
        (_listener, Port) = Listen();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The bearer token the server accepts; any other (or none) is answered 401.</summary>
    public string Token { get; set; } = "test-token";

    /// <summary>More bearer tokens the server accepts (one per client, so a test can tell who sent a request).</summary>
    public ConcurrentDictionary<string, bool> OtherTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources (<c>plural.group</c>, <c>services</c>) answered 403 Forbidden.</summary>
    public ConcurrentDictionary<string, bool> Forbidden { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources whose list never answers (the request is held until the client cancels or the server stops).</summary>
    public ConcurrentDictionary<string, bool> Hanging { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources answered 500 for this many requests before they succeed.</summary>
    public ConcurrentDictionary<string, int> FailuresBeforeSuccess { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources whose first request with a continue token is answered 410 Gone.</summary>
    public ConcurrentDictionary<string, bool> ExpireFirstContinue { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources whose first watch is answered with an ERROR event 410 Gone (the client must list again).</summary>
    public ConcurrentDictionary<string, bool> ExpireFirstWatch { get; } = new(StringComparer.Ordinal);

    /// <summary>Watches held open, by resource (each got a BOOKMARK event and waits for the server to stop).</summary>
    public ConcurrentDictionary<string, int> OpenWatches { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request received, as <c>METHOD path?query</c>, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>
    /// Every status patch received: resource, namespace, name and body, the bearer token that sent it, and the holder
    /// of each Lease when it arrived (<c>NAMESPACE/NAME=holderIdentity</c>, sorted), so a test can check that only the
    /// leader writes.
    /// </summary>
    public ConcurrentQueue<(string Resource, string Namespace, string Name, JsonObject Body, string Token, string Holders)> StatusPatches { get; } = new();

    /// <summary>Leases (coordination.k8s.io/v1) by <c>NAMESPACE/NAME</c>: get, create (409 when it exists) and update (409 on a stale resourceVersion).</summary>
    private readonly Dictionary<string, JsonObject> _leases = new(StringComparer.Ordinal);

    /// <summary>The holderIdentity of a Lease, or null.</summary>
    public string? LeaseHolder(string ns, string name)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(ns + "/" + name, out var lease) ? (string?)lease["spec"]?["holderIdentity"] : null;
        }
    }

    /// <summary>Removes the status of every object (so a new leader has everything to write again).</summary>
    public void ClearStatuses()
    {
        lock (_gate)
        {
            foreach (var o in _objects.Values.SelectMany(l => l))
            {
                o.Remove("status");
            }
        }
    }

    /// <summary>Adds objects (parsed from JSON or YAML-free JSON text) under their resource, found from apiVersion and kind.</summary>
    public void Add(string resource, string apiVersion, params JsonObject[] objects)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(resource, out var list))
            {
                _objects[resource] = list = [];
            }

            foreach (var o in objects)
            {
                o["apiVersion"] ??= apiVersion;
                list.Add(o);
            }
        }
    }

    /// <summary>An object's current status, or null.</summary>
    public JsonNode? StatusOf(string resource, string ns, string name)
    {
        lock (_gate)
        {
            return Find(resource, ns, name)?["status"]?.DeepClone();
        }
    }

    /// <summary>Writes a kubeconfig whose one context (<c>test</c>, current) points at this server with <see cref="Token"/>.</summary>
    public string WriteKubeconfig(string directory, string? token = null, string? server = null)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {server ?? Url}
            users:
            - name: tester
              user:
                token: {token ?? Token}
            contexts:
            - name: test
              context:
                cluster: local
                user: tester
            current-context: test
            """);
        return path;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private static (HttpListener, int) Listen()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                // Another process took the port between the probe and the bind: choose again.
                listener.Close();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {path}{request.Url.Query}");
        try
        {
            var authorization = request.Headers["Authorization"] ?? string.Empty;
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
            if (token != Token && !OtherTokens.ContainsKey(token))
            {
                await WriteAsync(response, 401, Status(401, "Unauthorized", "Unauthorized")).ConfigureAwait(false);
                return;
            }

            if (Discovery(path) is { } discovery)
            {
                await (Forbidden.ContainsKey("discovery")
                    ? WriteAsync(response, 403, Status(403, "Forbidden", "discovery is forbidden: User \"tester\" cannot get path " + path))
                    : WriteAsync(response, 200, discovery)).ConfigureAwait(false);
                return;
            }

            var route = Route.Parse(path);
            if (route is null)
            {
                await WriteAsync(response, 404, Status(404, "NotFound", "the server could not find the requested resource")).ConfigureAwait(false);
                return;
            }

            if (Forbidden.ContainsKey(route.Resource))
            {
                await WriteAsync(response, 403, Status(403, "Forbidden", $"{route.Resource} is forbidden: User \"tester\" cannot list resource")).ConfigureAwait(false);
                return;
            }

            if (Hanging.ContainsKey(route.Resource))
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                response.Abort();
                return;
            }

            if (FailuresBeforeSuccess.TryGetValue(route.Resource, out var failures) && failures > 0)
            {
                FailuresBeforeSuccess[route.Resource] = failures - 1;
                await WriteAsync(response, 500, Status(500, "InternalError", "try again")).ConfigureAwait(false);
                return;
            }

            if (route.Resource == "leases.coordination.k8s.io" && route.Namespace is { } leaseNamespace)
            {
                await LeaseAsync(request, response, leaseNamespace, route.Name).ConfigureAwait(false);
                return;
            }

            if (request.HttpMethod == "PATCH" && route.Subresource == "status" && route.Name is { } name)
            {
                using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
                var body = JsonNode.Parse(await reader.ReadToEndAsync().ConfigureAwait(false))!.AsObject();
                JsonNode? updated;
                lock (_gate)
                {
                    var target = Find(route.Resource, route.Namespace ?? string.Empty, name);
                    if (target is not null)
                    {
                        Merge(target, body);
                    }

                    updated = target?.DeepClone();
                }

                string holders;
                lock (_gate)
                {
                    holders = string.Join(",", _leases.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + (string?)l.Value["spec"]?["holderIdentity"]));
                }

                StatusPatches.Enqueue((route.Resource, route.Namespace ?? string.Empty, name, body, token, holders));
                await WriteAsync(response, updated is null ? 404 : 200, updated ?? Status(404, "NotFound", name)).ConfigureAwait(false);
                return;
            }

            if (request.HttpMethod != "GET" || route.Name is not null)
            {
                await WriteAsync(response, 405, Status(405, "MethodNotAllowed", request.HttpMethod)).ConfigureAwait(false);
                return;
            }

            if (request.QueryString["watch"] is "true" or "1")
            {
                await WatchAsync(route, response).ConfigureAwait(false);
                return;
            }

            var continueToken = request.QueryString["continue"];
            if (continueToken is not null && ExpireFirstContinue.TryRemove(route.Resource, out _))
            {
                await WriteAsync(response, 410, Status(410, "Expired", "the provided continue parameter is too old")).ConfigureAwait(false);
                return;
            }

            List<JsonNode> items;
            lock (_gate)
            {
                items = [.. (_objects.GetValueOrDefault(route.Resource) ?? [])
                    .Where(o => route.Namespace is null || (string?)o["metadata"]?["namespace"] == route.Namespace)
                    .Select(o => o.DeepClone())];
            }

            var offset = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
            var limit = int.TryParse(request.QueryString["limit"], out var l) && l > 0 ? l : int.MaxValue;
            var page = items.Skip(offset).Take(limit).ToArray();
            var next = offset + page.Length < items.Count ? (offset + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            var list = new JsonObject
            {
                ["apiVersion"] = route.ApiVersion,
                ["kind"] = "List",
                ["metadata"] = next is null ? new JsonObject { ["resourceVersion"] = "1" } : new JsonObject { ["resourceVersion"] = "1", ["continue"] = next },
                ["items"] = new JsonArray(page),
            };
            await WriteAsync(response, 200, list).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away (it timed out): nothing to answer.
        }
    }

    /// <summary>
    /// A watch: 410 Gone as an ERROR event when asked, else a BOOKMARK event, then the stream stays open until the
    /// server stops (events for objects are not sent: the tests read lists).
    /// </summary>
    private async Task WatchAsync(Route route, HttpListenerResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.SendChunked = true;
        JsonObject line;
        if (ExpireFirstWatch.TryRemove(route.Resource, out _))
        {
            line = new JsonObject { ["type"] = "ERROR", ["object"] = Status(410, "Expired", "too old resource version") };
            await WriteLineAsync(response, line).ConfigureAwait(false);
            response.Close();
            return;
        }

        var kind = route.Resource.Split('.')[0];
        line = new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject { ["apiVersion"] = route.ApiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["resourceVersion"] = "2" } },
        };
        await WriteLineAsync(response, line).ConfigureAwait(false);
        OpenWatches.AddOrUpdate(route.Resource, 1, (_, n) => n + 1);
        try
        {
            await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        response.Abort();
    }

    private static async Task WriteLineAsync(HttpListenerResponse response, JsonObject line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString() + "\n");
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        await response.OutputStream.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A Lease request as the API server answers it: GET (404 when absent), POST (409 AlreadyExists when present),
    /// PUT (409 Conflict unless the body carries the current resourceVersion); each write gives a new resourceVersion.
    /// </summary>
    private async Task LeaseAsync(HttpListenerRequest request, HttpListenerResponse response, string ns, string? name)
    {
        JsonObject? body = null;
        if (request.HttpMethod is "POST" or "PUT")
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            body = JsonNode.Parse(await reader.ReadToEndAsync().ConfigureAwait(false))!.AsObject();
        }

        int code;
        JsonNode answer;
        lock (_gate)
        {
            var key = ns + "/" + (name ?? (string?)body?["metadata"]?["name"]);
            _leases.TryGetValue(key, out var current);
            var stale = body is not null && current is not null
                && (string?)body["metadata"]?["resourceVersion"] != (string?)current["metadata"]?["resourceVersion"];
            switch (request.HttpMethod)
            {
                case "GET" when current is null:
                    (code, answer) = (404, Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found"));
                    break;
                case "GET":
                    (code, answer) = (200, current!.DeepClone());
                    break;
                case "POST" when current is not null:
                    (code, answer) = (409, Status(409, "AlreadyExists", $"leases.coordination.k8s.io \"{key}\" already exists"));
                    break;
                case "PUT" when current is null:
                    (code, answer) = (404, Status(404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found"));
                    break;
                case "PUT" when stale:
                    (code, answer) = (409, Status(409, "Conflict", "the object has been modified; please apply your changes to the latest version and try again"));
                    break;
                case "POST" or "PUT":
                    var version = current is null ? 1 : int.Parse((string)current["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture) + 1;
                    body!["apiVersion"] = "coordination.k8s.io/v1";
                    body["kind"] = "Lease";
                    body["metadata"]!["namespace"] = ns;
                    body["metadata"]!["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    _leases[key] = body;
                    (code, answer) = (current is null ? 201 : 200, body.DeepClone());
                    break;
                default:
                    (code, answer) = (405, Status(405, "MethodNotAllowed", request.HttpMethod));
                    break;
            }
        }

        await WriteAsync(response, code, answer).ConfigureAwait(false);
    }

    /// <summary>
    /// API discovery from the CRDs the server holds: <c>/apis</c> (an APIGroupList, the storage version preferred) and
    /// <c>/apis/GROUP/VERSION</c> (an APIResourceList with each served kind and its status subresource); null for
    /// other paths. Answered 403 when <see cref="Forbidden"/> holds <c>discovery</c>.
    /// </summary>
    private JsonObject? Discovery(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts[0] != "apis" || parts.Length is not (1 or 3))
        {
            return null;
        }

        List<JsonObject> crds;
        lock (_gate)
        {
            crds = [.. (_objects.GetValueOrDefault("customresourcedefinitions.apiextensions.k8s.io") ?? []).Select(c => c.DeepClone().AsObject())];
        }

        static IEnumerable<JsonNode> Served(JsonObject crd) => crd["spec"]!["versions"]!.AsArray().Where(v => (bool?)v!["served"] == true)!;
        if (parts.Length == 1)
        {
            var groups = crds.GroupBy(c => (string)c["spec"]!["group"]!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            {
                var versions = g.SelectMany(Served).Select(v => (string)v!["name"]!).Distinct().ToList();
                var preferred = g.SelectMany(c => c["spec"]!["versions"]!.AsArray()).FirstOrDefault(v => (bool?)v!["storage"] == true)?["name"]?.ToString() ?? versions.FirstOrDefault();
                return (JsonNode)new JsonObject
                {
                    ["name"] = g.Key,
                    ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = g.Key + "/" + v, ["version"] = v })]),
                    ["preferredVersion"] = new JsonObject { ["groupVersion"] = g.Key + "/" + preferred, ["version"] = preferred },
                };
            });
            return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray([.. groups]) };
        }

        var resources = crds.Where(c => (string)c["spec"]!["group"]! == parts[1] && Served(c).Any(v => (string)v!["name"]! == parts[2]))
            .SelectMany(c =>
            {
                var names = c["spec"]!["names"]!;
                var namespaced = (string?)c["spec"]!["scope"] != "Cluster";
                return new JsonNode[]
                {
                    new JsonObject { ["name"] = (string)names["plural"]!, ["kind"] = (string)names["kind"]!, ["namespaced"] = namespaced, ["verbs"] = new JsonArray("get", "list", "watch") },
                    new JsonObject { ["name"] = (string)names["plural"]! + "/status", ["kind"] = (string)names["kind"]!, ["namespaced"] = namespaced, ["verbs"] = new JsonArray("get", "patch") },
                };
            });
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = parts[1] + "/" + parts[2], ["resources"] = new JsonArray([.. resources]) };
    }

    private JsonObject? Find(string resource, string ns, string name)
        => _objects.GetValueOrDefault(resource)?.FirstOrDefault(o => (string?)o["metadata"]?["name"] == name && ((string?)o["metadata"]?["namespace"] ?? string.Empty) == ns);

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Status",
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static async Task WriteAsync(HttpListenerResponse response, int code, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = code;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    /// <summary>A request path: <c>/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]</c> or <c>/apis/GROUP/VERSION/...</c>.</summary>
    private sealed record Route(string Resource, string ApiVersion, string? Namespace, string? Name, string? Subresource)
    {
        public static Route? Parse(string path)
        {
            var parts = path.Trim('/').Split('/');
            int rest;
            string group, version;
            if (parts.Length >= 3 && parts[0] == "api")
            {
                (group, version, rest) = (string.Empty, parts[1], 2);
            }
            else if (parts.Length >= 4 && parts[0] == "apis")
            {
                (group, version, rest) = (parts[1], parts[2], 3);
            }
            else
            {
                return null;
            }

            string? ns = null;
            if (parts.Length > rest + 2 && parts[rest] == "namespaces")
            {
                ns = parts[rest + 1];
                rest += 2;
            }

            var plural = parts[rest];
            var name = parts.Length > rest + 1 ? parts[rest + 1] : null;
            var sub = parts.Length > rest + 2 ? parts[rest + 2] : null;
            return new Route(group.Length == 0 ? plural : plural + "." + group, group.Length == 0 ? version : group + "/" + version, ns, name, sub);
        }
    }
}
