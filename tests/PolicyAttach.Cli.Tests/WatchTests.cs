using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// <c>status --watch -o json</c> end to end on a temporary directory: every wait is for an output line, with a generous
/// timeout, never a fixed pause; the run ends through the context's cancellation (what Ctrl-C fires).
/// </summary>
public sealed class WatchTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private const string Gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: gc
        spec:
          controllerName: example.com/gateway-controller
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: infra
        spec:
          gatewayClassName: gc
          listeners:
          - name: http
            protocol: HTTP
            port: 80
            allowedRoutes:
              namespaces:
                from: All
        """;

    [Fact]
    public async Task StatusWatchJson_FileEditedBrokenAndDeleted_PrintsSnapshotThenDeltasAndEndsWithZero()
    {
        var dir = Directory.CreateTempSubdirectory("policyattach-watch-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "gateway.yaml"), Gateway);
            var routeFile = Path.Combine(dir.FullName, "route.yaml");
            File.WriteAllText(routeFile, Route(withBackend: false));
            using var stdout = new LineWriter();
            using var stderr = new LineWriter();
            using var cancel = new CancellationTokenSource();
            var context = new CommandLine.CliContext(TextReader.Null, stdout, stderr, false) { Cancellation = cancel.Token };
            var run = Task.Run(() => Cli.Run(["status", dir.FullName, "--watch", "-o", "json"], context));

            using (var snapshot = JsonDocument.Parse(stdout.Next(Generous)))
            {
                Assert.Equal("snapshot", snapshot.RootElement.GetProperty("type").GetString());
                Assert.Equal(["Gateway/gw", "GatewayClass/gc", "HTTPRoute/store"], snapshot.RootElement.GetProperty("statuses").EnumerateArray().Select(Name));
            }

            // The route gets a backend that does not exist: its ResolvedRefs changes, the Gateway's status does not.
            File.WriteAllText(routeFile, Route(withBackend: true));
            var delta = stdout.NextJson(Generous, d => Changed(d).Contains("HTTPRoute/store"));
            Assert.Equal(["HTTPRoute/store"], Changed(delta));
            Assert.Empty(delta.RootElement.GetProperty("removed").EnumerateArray());

            // An unreadable file keeps its last readable objects and says why on standard error.
            File.WriteAllText(routeFile, "kind: [unclosed");
            Assert.Contains("route.yaml", stderr.NextMatching(Generous, line => line.Contains(": error: ", StringComparison.Ordinal)), StringComparison.Ordinal);

            // Deleting the file removes its objects: the route's status goes, and the Gateway's attachedRoutes changes.
            File.Delete(routeFile);
            var removed = stdout.NextJson(Generous, d => d.RootElement.GetProperty("removed").GetArrayLength() > 0);
            Assert.Equal(["Gateway/gw"], Changed(removed));
            Assert.Equal(["HTTPRoute/app/store"], removed.RootElement.GetProperty("removed").EnumerateArray().Select(r => $"{r.GetProperty("kind").GetString()}/{r.GetProperty("namespace").GetString()}/{r.GetProperty("name").GetString()}"));
            Assert.Equal("gateway.networking.k8s.io/v1", removed.RootElement.GetProperty("removed")[0].GetProperty("apiVersion").GetString());

            cancel.Cancel();
            Assert.Equal(0, await run.WaitAsync(Generous));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void StatusWatch_StandardInput_IsAUsageError()
    {
        var run = CliRunner.RunWithStdin(Gateway, "status", "-", "--watch");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--watch reads files and directories", run.Stderr, StringComparison.Ordinal);
    }

    private static string Route(bool withBackend) => """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: store
          namespace: app
        spec:
          parentRefs:
          - name: gw
            namespace: infra
        """ + (withBackend ? "\n  rules:\n  - backendRefs:\n    - name: missing\n      port: 80\n" : "\n");

    private static string Name(JsonElement status) => status.GetProperty("kind").GetString() + "/" + status.GetProperty("metadata").GetProperty("name").GetString();

    private static List<string> Changed(JsonDocument delta)
        => delta.RootElement.GetProperty("type").GetString() == "delta" ? [.. delta.RootElement.GetProperty("changed").EnumerateArray().Select(Name)] : [];

    /// <summary>A writer whose complete lines can be waited for, one at a time.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly BlockingCollection<string> _lines = [];
        private readonly StringBuilder _partial = new();
        private readonly List<string> _seen = [];

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value == '\n')
                {
                    _lines.Add(_partial.ToString());
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public string Next(TimeSpan timeout)
        {
            Assert.True(_lines.TryTake(out var line, timeout), "no line within the timeout; lines so far:\n" + string.Join("\n", _seen));
            _seen.Add(line);
            return line;
        }

        public string NextMatching(TimeSpan timeout, Func<string, bool> match)
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var line = Next(until - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
                if (match(line))
                {
                    return line;
                }
            }
        }

        public JsonDocument NextJson(TimeSpan timeout, Func<JsonDocument, bool> match)
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var document = JsonDocument.Parse(Next(until - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero));
                if (match(document))
                {
                    return document;
                }

                document.Dispose();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _lines.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
