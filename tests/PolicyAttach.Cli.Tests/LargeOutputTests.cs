using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Cli.Describe;
using PolicyAttach.Cli.Diff;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Graph;
using PolicyAttach.Cli.Output;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;
using Xunit.Abstractions;

namespace PolicyAttach.Cli.Tests;

/// <summary>
/// Output that grows with the input stays bounded (issue 15): text summarises long lists unless <c>--all</c>, JSON is
/// complete and streamed, and what <c>explain</c>, <c>graph</c>, <c>diff</c> and <c>describe</c> allocate is bounded by the size of
/// what they write, on one Gateway of many listeners with a thousand routes. Allocations are counted on the test's
/// own thread for the output stage alone (reading uses every core), so the bounds do not depend on the machine.
/// </summary>
public sealed class LargeOutputTests : IDisposable
{
    private const int Listeners = 64;
    private const int Routes = 1_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("policyattach-large-").FullName;
    private readonly string _world;
    private readonly string _changed;
    private readonly ITestOutputHelper _log;

    public LargeOutputTests(ITestOutputHelper output)
    {
        _log = output;
        _world = Path.Combine(_folder, "world.json");
        _changed = Path.Combine(_folder, "changed.json");
        File.WriteAllText(_world, World(changed: false));
        File.WriteAllText(_changed, World(changed: true));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Explain_GatewayOfManyRoutes_TextPrintsTheFirstEntriesOfEachListAndCountsTheRest()
    {
        var run = CliRunner.Run("explain", _world, "gateway/default/gw");

        Assert.Equal(0, run.ExitCode);
        var rest = $"... and {Routes - ListLimit.Default} more routes; --all shows them";
        var lines = run.Stdout.Split('\n');
        // Each listener's routes considered and the Gateway's routes.
        Assert.Equal(Listeners + 1, lines.Count(l => l.Trim() == rest));
        Assert.Equal(Listeners * ListLimit.Default, lines.Count(l => l.Contains(" parentRef 0: ", StringComparison.Ordinal)));
        // About 200 lines per listener however many routes there are (every route printed made 2,000 per listener).
        Assert.True(lines.Length < Listeners * 250, $"{lines.Length} lines");
        // Lists cut short are counted first: each listener's verdicts by cause, the Gateway's routes by Accepted and kind.
        var listenerCounts = lines.Where(l => l.StartsWith("    routes considered: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Listeners, listenerCounts.Count);
        Assert.All(listenerCounts, l => Assert.Equal($"    routes considered: 1,000 (Attached {l.Split("Attached ")[1].Split(',')[0]}, HostnameMismatch {l.Split("HostnameMismatch ")[1].Split(')')[0]}); the first 100 in route key order:", l));
        Assert.Equal(Routes, listenerCounts.Sum(l => int.Parse(l.Split("Attached ")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("  routes: 1,000 (1,000 Accepted, 0 not Accepted; HTTPRoute 1,000); the first 100 in key order:", lines);
    }

    [Fact]
    public void Explain_GatewayOfManyRoutesAsYaml_IsTheYamlOfTheJsonStreamed()
    {
        var json = CliRunner.Run("explain", _world, "gateway/default/gw", "-o", "json");
        var yaml = CliRunner.Run("explain", _world, "gateway/default/gw", "-o", "yaml");
        var graphJson = CliRunner.Run("graph", _world, "-o", "json");
        var graphYaml = CliRunner.Run("graph", _world, "-o", "yaml");

        Assert.Equal(0, yaml.ExitCode);
        Assert.Equal(Kubernetes.Documents.ManifestText.ToYaml(json.Stdout), yaml.Stdout);
        Assert.Equal(Kubernetes.Documents.ManifestText.ToYaml(graphJson.Stdout), graphYaml.Stdout);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("describe")]
    [InlineData("validate")]
    [InlineData("effective", "httproute/default/route-0007")]
    public void Command_ManyRoutesAsJsonAndYaml_IsStreamedWithTheBytesOfTheText(string command, params string[] rest)
    {
        var json = CliRunner.Run([command, _world, .. rest, "-o", "json"]);
        var streamed = RunStreamed([command, _world, .. rest, "-o", "json"]);
        var yaml = RunStreamed([command, _world, .. rest, "-o", "yaml"]);

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(json.Stdout, streamed);
        Assert.Equal(Kubernetes.Documents.ManifestText.ToYaml(json.Stdout), yaml);
    }

    [Fact]
    public void Check_ManyRoutesAsJson_IsStreamedWithTheBytesOfTheText()
    {
        var text = CliRunner.Run("check", _world, "-o", "json");
        var streamed = RunStreamed("check", _world, "-o", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(text.Stdout, streamed);
        using var json = JsonDocument.Parse(streamed);
    }

    [Fact]
    public void ExplainYaml_GatewayOfManyRoutes_AllocatesABoundedAmountPerCharacterWritten()
    {
        var result = Evaluate(_world);
        var gateway = result.Snapshot.Gateways.Single();
        var explanation = ExplainBuilder.Explain(result, gateway)!;
        var output = new CountingWriter();
        var context = new CliContext(TextReader.Null, output, TextWriter.Null, false);

        var allocated = Allocated(() => JsonOutput.Write(context, writer => ExplainJson.Write(writer, explanation, result), OutputFormat.Yaml));
        _log.WriteLine($"{allocated:N0} bytes allocated for {output.Written:N0} characters written");

        // The YAML is made from the JSON tokens as they are written: no JSON text or document of the whole is held
        // (that alone allocated several times the output).
        Assert.True(output.Written > Routes * 1_000, $"{output.Written} characters written");
        Assert.True(allocated < 2 * 2 * output.Written, $"{allocated:N0} bytes allocated for {output.Written:N0} characters written");
    }

    [Fact]
    public void Explain_GatewayOfManyRoutesWithAll_TextPrintsEveryEntry()
    {
        var run = CliRunner.Run("explain", _world, "gateway/default/gw", "--all");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("--all shows them", run.Stdout, StringComparison.Ordinal);
        var lines = run.Stdout.Split('\n');
        Assert.Equal(Listeners * Routes, lines.Count(l => l.Contains(" parentRef 0: ", StringComparison.Ordinal)));
        Assert.Equal(Routes, lines.Count(l => l.Contains(": Accepted, attached to l", StringComparison.Ordinal)));
    }

    [Fact]
    public void Explain_GatewayOfManyRoutesAsJson_IsCompleteAndStreamedWithTheSameBytes()
    {
        var text = CliRunner.Run("explain", _world, "gateway/default/gw", "-o", "json");
        var streamed = RunStreamed("explain", _world, "gateway/default/gw", "-o", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(text.Stdout, streamed);
        using var json = JsonDocument.Parse(streamed);
        var listeners = json.RootElement.GetProperty("listeners");
        Assert.Equal(Listeners, listeners.GetArrayLength());
        // Each listener counts its verdicts by cause and names the routes attached to it by key.
        Assert.All(listeners.EnumerateArray(), l => Assert.Equal(Routes, l.GetProperty("verdicts").EnumerateObject().Sum(c => c.Value.GetInt32())));
        Assert.Equal(Routes, listeners.EnumerateArray().Sum(l => l.GetProperty("attached").GetArrayLength()));
        Assert.Equal(Routes, listeners.EnumerateArray().Sum(l => l.GetProperty("verdicts").GetProperty("Attached").GetInt32()));
        // Each route once, with every listener it was considered for: one attached, the others refused by cause.
        var routes = json.RootElement.GetProperty("routes");
        Assert.Equal(Routes, routes.GetArrayLength());
        Assert.All(routes.EnumerateArray(), r =>
        {
            var parent = Assert.Single(r.GetProperty("parents").EnumerateArray());
            Assert.Single(parent.GetProperty("attached").EnumerateArray());
            Assert.Equal(Listeners - 1, parent.GetProperty("refused").EnumerateArray().Sum(c => c.GetProperty("listeners").GetArrayLength()));
        });
        Assert.Equal(
            listeners.EnumerateArray().SelectMany(l => l.GetProperty("attached").EnumerateArray().Select(k => k.GetString())).Order(StringComparer.Ordinal),
            routes.EnumerateArray().Select(r => r.GetProperty("key").GetString()).Order(StringComparer.Ordinal));
        // About 2 KB per route on 64 listeners; the listener-first schema wrote each route under every listener
        // with its message (about 28 KB per route).
        Assert.True(streamed.Length < Routes * 3_000, $"{streamed.Length:N0} characters");
    }

    [Fact]
    public void Graph_ManyRoutesAsJson_IsStreamedWithTheSameBytes()
    {
        var text = CliRunner.Run("graph", _world, "-o", "json");
        var streamed = RunStreamed("graph", _world, "-o", "json");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(text.Stdout, streamed);
        using var json = JsonDocument.Parse(streamed);
        // One attachment edge per route and listener, the class's and the listeners' containment edges, and each
        // route's two backends.
        Assert.Equal((Listeners * Routes) + 1 + Listeners + (2 * Routes), json.RootElement.GetProperty("edges").GetArrayLength());
    }

    [Fact]
    public void Diff_ManyChangedRoutes_TextPrintsTheFirstObjectsAndCountsTheRest()
    {
        var run = CliRunner.Run("diff", _world, _changed);
        var all = CliRunner.Run("diff", _world, _changed, "--all");

        Assert.Equal(ExitCodes.Changes, run.ExitCode);
        var changed = Routes / 5;
        // A changed route's rule is one removed and one added.
        Assert.EndsWith($"... and {changed - ListLimit.Default} more objects ({2 * (changed - ListLimit.Default):N0} changes); --all shows them\n{2 * changed} changes in {changed} objects.\n", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--all shows them", all.Stdout, StringComparison.Ordinal);
        // The first line counts what is left out; then the first objects, as --all prints them.
        var firstLine = run.Stdout.IndexOf('\n', StringComparison.Ordinal) + 1;
        Assert.Equal($"changed objects by kind: HTTPRoute {changed} (+{changed} -{changed} ~0); the first 100 objects by key:\n", run.Stdout[..firstLine]);
        Assert.StartsWith(run.Stdout[firstLine..run.Stdout.IndexOf("... and", StringComparison.Ordinal)], all.Stdout, StringComparison.Ordinal);
        Assert.EndsWith($"\n{2 * changed} changes in {changed} objects.\n", all.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_ManyChangedRoutesAsJson_IsStreamedWithTheSameBytes()
    {
        var text = CliRunner.Run("diff", _world, _changed, "-o", "json");
        var streamed = RunStreamed("diff", _world, _changed, "-o", "json");

        Assert.Equal(ExitCodes.Changes, text.ExitCode);
        Assert.Equal(text.Stdout, streamed);
        using var json = JsonDocument.Parse(streamed);
        Assert.Equal(Routes / 5, json.RootElement.GetProperty("objects").GetArrayLength());
    }

    [Fact]
    public void ExplainJson_GatewayOfManyRoutes_AllocatesLessThanItWrites()
    {
        var result = Evaluate(_world);
        var gateway = result.Snapshot.Gateways.Single();
        var output = new CountingStream();
        var context = new CliContext(TextReader.Null, TextWriter.Null, TextWriter.Null, false) { StdoutBytes = () => output };

        var explanation = ExplainBuilder.Explain(result, gateway)!;
        var allocated = Allocated(() => JsonOutput.Write(context, writer => ExplainJson.Write(writer, explanation, result), OutputFormat.Json));

        // Building the whole JSON as text first (as before) allocated over three times what was written: the
        // verdicts with their messages, kept, and the text as UTF-8 and as a string.
        Assert.True(output.Written > Routes * 1_000, $"{output.Written} bytes written");
        _log.WriteLine($"{allocated:N0} bytes allocated for {output.Written:N0} written");
        // Written token by token, each route once: less is allocated than written (about 0.4 bytes per byte).
        Assert.True(allocated < output.Written, $"{allocated:N0} bytes allocated for {output.Written:N0} written");
    }

    [Fact]
    public void GraphDot_ManyRoutes_AllocatesAtMostThreeTimesWhatItWrites()
    {
        var result = Evaluate(_world);
        var output = new CountingWriter();

        var allocated = Allocated(() => GraphWriter.Dot(GraphBuilder.Build(result), output));
        _log.WriteLine($"{allocated:N0} bytes allocated for {output.Written:N0} characters written");

        // Reading every verdict with its message, an id string per edge and the whole text at once allocated more
        // than seven times the characters written.
        Assert.True(output.Written > Listeners * Routes * 60, $"{output.Written} characters written");
        Assert.True(allocated < 3 * 2 * output.Written, $"{allocated:N0} bytes allocated for {output.Written:N0} characters written");
    }

    [Fact]
    public void Diff_ManyRoutes_AllocatesABoundedAmountPerRoute()
    {
        var before = Evaluate(_world);
        var after = Evaluate(_changed);

        var allocated = Allocated(() => DiffBuilder.Build(before, after));

        // Each side's facts of a route on 64 listeners: a small dictionary, without a string per listener (reading every
        // verdict with its message and a subject and value string per listener made over 40 KB).
        var perRoute = allocated / (2 * Routes);
        _log.WriteLine($"{allocated:N0} bytes allocated, {perRoute:N0} per route and side");
        Assert.True(perRoute < 20_000, $"{allocated:N0} bytes allocated, {perRoute:N0} per route and side");
    }

    [Fact]
    public void Describe_GatewayOfManyRoutes_AllocatesABoundedAmountPerRoute()
    {
        var result = Evaluate(_world);

        var allocated = Allocated(() => DescribeBuilder.Build(result, focus: null, profile: null));

        // Each route's node once, under the listener that attached it. Passing over every route for each of the 64
        // listeners to find its routes made enumerators for every (listener, route) pair: 33 KB per route here; it is about 4 KB.
        var perRoute = allocated / Routes;
        _log.WriteLine($"{allocated:N0} bytes allocated, {perRoute:N0} per route");
        Assert.True(perRoute < 10_000, $"{allocated:N0} bytes allocated, {perRoute:N0} per route");
    }

    private static long Allocated(Action action)
    {
        var start = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - start;
    }

    private static EvaluationResult Evaluate(string path)
    {
        var loaded = new ManifestLoader().Load([path]);
        Assert.Equal(0, loaded.ErrorCount);
        var options = new EvaluationOptions { ControllerNames = Collections.EquatableArray.Create("example.com/gateway-controller") };
        return Evaluator.Evaluate(Snapshot.Create(loaded.Objects.Select(o => o.Resource)), options);
    }

    /// <summary>Runs the CLI with standard output as bytes, as the tool's own process has it.</summary>
    private static string RunStreamed(params string[] args)
    {
        using var bytes = new MemoryStream();
        using var output = new StringWriter();
        var context = new CliContext(TextReader.Null, output, TextWriter.Null, false) { StdoutBytes = () => new UnclosedStream(bytes) };
        Cli.Run(args, context);
        return CliRunner.Normalize(output + Encoding.UTF8.GetString(bytes.ToArray()));
    }

    private static string ListenerName(int l) => "l" + l.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// One Gateway <c>default/gw</c> of 64 listeners and 1,000 HTTPRoutes naming it without a sectionName, each with
    /// one hostname (so one listener attaches it and 63 refuse it). Changed: every fifth route weighs its second
    /// backend 3 instead of 2.
    /// </summary>
    private static string World(bool changed)
    {
        var listeners = new JsonArray();
        for (var l = 0; l < Listeners; l++)
        {
            listeners.Add(new JsonObject { ["name"] = ListenerName(l), ["protocol"] = "HTTP", ["port"] = 80, ["hostname"] = $"h{l}.example.com" });
        }

        var items = new JsonArray
        {
            Doc("GatewayClass", "gc", null, new JsonObject { ["controllerName"] = "example.com/gateway-controller" }),
            Doc("Gateway", "gw", "default", new JsonObject { ["gatewayClassName"] = "gc", ["listeners"] = listeners }),
            new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = "svc", ["namespace"] = "default" },
                ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
            },
        };
        for (var r = 0; r < Routes; r++)
        {
            var weight = changed && r % 5 == 0 ? 3 : 2;
            items.Add(Doc("HTTPRoute", $"route-{r:D4}", "default", new JsonObject
            {
                ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "gw" }),
                ["hostnames"] = new JsonArray((JsonNode)$"h{r % Listeners}.example.com"),
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = "svc", ["port"] = 80 }, new JsonObject { ["name"] = "svc", ["port"] = 80, ["weight"] = weight }),
                }),
            }));
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString();
    }

    private static JsonObject Doc(string kind, string name, string? ns, JsonObject spec)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = "gateway.networking.k8s.io/v1", ["kind"] = kind, ["metadata"] = metadata, ["spec"] = spec };
    }

    /// <summary>Counts the bytes written and keeps none.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
    }

    /// <summary>Counts the characters written and keeps none.</summary>
    private sealed class CountingWriter : TextWriter
    {
        public long Written { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Written++;

        public override void Write(string? value) => Written += value?.Length ?? 0;
    }

    /// <summary>A stream the command may dispose while the test still reads what was written.</summary>
    private sealed class UnclosedStream(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
