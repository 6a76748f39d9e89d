using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PolicyAttach.Binding;
using PolicyAttach.Diagnostics;
using PolicyAttach.Kubernetes.Loading;
using PolicyAttach.Model;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>
/// The Gateway API conformance corpus (<c>gateway-api-conformance</c>): <c>cases.json</c> and the manifests, read at
/// test time from the shared folder. Builds the objects a conformance run would have in the cluster for one test.
/// </summary>
internal sealed partial class ConformanceCorpus
{
    public const string GatewayClassName = "policyattach";
    public const string ControllerName = "policyattach.dev/gateway-controller";

    private readonly string _manifests;
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly ManifestLoader _loader = new();
    private readonly Lazy<string> _programmatic;

    public ConformanceCorpus(string corpusRoot)
    {
        var root = Path.Combine(corpusRoot, "gateway-api-conformance");
        _manifests = Path.Combine(root, "manifests");
        Cases = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "cases.json")))!.AsObject();
        _programmatic = new Lazy<string>(() => ProgrammaticResources.ToListJson(Cases["programmaticResources"]!.AsArray()));
    }

    public JsonObject Cases { get; }

    public IEnumerable<JsonObject> Tests(string profile) =>
        Cases["tests"]!.AsArray().OfType<JsonObject>().Where(t => t["profile"]?.GetValue<string>() == profile);

    /// <summary>
    /// The objects of one test: the programmatic Secrets and ConfigMaps, the GatewayClass under test when the
    /// manifests have none, then each manifest file in order. Objects of one file share a creationTimestamp (one
    /// second resolution: a file is applied within a second) and each later file is one second newer, so ties break
    /// by namespace and name as in a cluster.
    /// </summary>
    public (List<KubeObject> Objects, List<string> Errors) Load(JsonObject test)
    {
        var objects = new List<KubeObject>();
        var errors = new List<string>();
        var epoch = ObjectMeta.DefaultEpoch;
        Add(_loader.LoadText(_programmatic.Value, "programmatic-resources.json"), epoch, objects, errors);

        var files = test["manifests"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        var loaded = new List<LoadResult>();
        foreach (var file in files)
        {
            loaded.Add(_loader.LoadText(Text(file), file));
        }

        if (!loaded.SelectMany(r => r.Resources).OfType<GatewayClass>().Any(c => c.Name == GatewayClassName))
        {
            var gatewayClass = new JsonObject
            {
                ["apiVersion"] = "gateway.networking.k8s.io/v1",
                ["kind"] = "GatewayClass",
                ["metadata"] = new JsonObject { ["name"] = GatewayClassName },
                ["spec"] = new JsonObject { ["controllerName"] = ControllerName },
            }.ToJsonString();
            Add(_loader.LoadText(gatewayClass, "gatewayclass-under-test.json"), epoch, objects, errors);
        }

        for (var i = 0; i < loaded.Count; i++)
        {
            Add(loaded[i], epoch.AddSeconds(i + 1), objects, errors);
        }

        return (objects, errors);
    }

    private static void Add(LoadResult result, DateTimeOffset created, List<KubeObject> objects, List<string> errors)
    {
        errors.AddRange(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        objects.AddRange(result.Resources.Select(o => o with { Metadata = o.Metadata with { CreationTimestamp = created } }));
    }

    private string Text(string file)
    {
        if (!_texts.TryGetValue(file, out var text))
        {
            text = File.ReadAllText(Path.Combine(_manifests, file))
                .Replace("{GATEWAY_CLASS_NAME}", GatewayClassName, StringComparison.Ordinal)
                .Replace("{GATEWAY_CONTROLLER_NAME}", ControllerName, StringComparison.Ordinal);
            _texts[file] = text;
        }

        return text;
    }

    /// <summary>The reason a test does not apply to an implementation that claims <see cref="Features.All"/>, or null.</summary>
    public static string? NotApplicable(string? onlyIf)
    {
        if (onlyIf is null)
        {
            return null;
        }

        var match = OnlyIfPattern().Match(onlyIf);
        if (!match.Success)
        {
            return null;
        }

        var feature = match.Groups["feature"].Value;
        var claimed = Features.All.Contains(feature);
        var wantsClaimed = match.Groups["not"].Success == false;
        return claimed == wantsClaimed
            ? null
            : $"onlyIf \"{onlyIf}\": PolicyAttach {(claimed ? "claims" : "does not claim")} {feature}.";
    }

    [GeneratedRegex(@"^implementation (?:(?<not>does NOT claim)|claims) (?<feature>\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex OnlyIfPattern();
}
