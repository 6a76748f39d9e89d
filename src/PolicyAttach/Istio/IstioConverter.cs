using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Istio;

/// <summary>How an Istio <c>prefix</c> URI match is written in the output.</summary>
public enum PrefixMatchStyle
{
    /// <summary>
    /// <c>PathPrefix</c> (the default): portable, ranked by the spec's precedence; but Istio's prefix is a character
    /// prefix (<c>/api</c> also matches <c>/apis</c>) and PathPrefix matches whole path elements, so the report calls
    /// it approximated and says which paths differ.
    /// </summary>
    PathPrefix = 0,

    /// <summary>
    /// <c>RegularExpression</c> <c>prefix.*</c>: exactly Istio's meaning, but regular expressions are
    /// implementation-specific in Gateway API and their precedence too (PolicyAttach ranks them after PathPrefix).
    /// </summary>
    RegularExpression,
}

/// <summary>Options of <see cref="IstioConverter"/>.</summary>
public sealed record IstioConversionOptions
{
    /// <summary>The defaults.</summary>
    public static IstioConversionOptions Default { get; } = new();

    /// <summary>The <c>gatewayClassName</c> of the Gateways made (default <c>istio</c>, Istio's own Gateway API class).</summary>
    public string GatewayClassName { get; init; } = "istio";

    /// <summary>The controller name given to the evaluation-only GatewayClass (default Istio's, <c>istio.io/gateway-controller</c>).</summary>
    public string ControllerName { get; init; } = "istio.io/gateway-controller";

    /// <summary>The cluster domain of Service host names (default <c>cluster.local</c>).</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>
    /// Write load balancing, connection pools, outlier detection, retries and faults as Envoy Gateway
    /// BackendTrafficPolicies (<c>--profile envoy-gateway</c>); otherwise they are reported.
    /// </summary>
    public bool EnvoyGateway { get; init; }

    /// <summary>How Istio <c>prefix</c> URI matches are written.</summary>
    public PrefixMatchStyle PrefixMatch { get; init; } = PrefixMatchStyle.PathPrefix;
}

/// <summary>
/// Converts Istio networking configuration (Gateway, VirtualService, DestinationRule) to Gateway API: Gateways
/// with listeners per server and host; HTTPRoutes, TLSRoutes and TCPRoutes attached to them (ingress) or to
/// Services (mesh, GAMMA); a Service per DestinationRule subset; ReferenceGrants; BackendTLSPolicies; and, with
/// <see cref="IstioConversionOptions.EnvoyGateway"/>, Envoy Gateway BackendTrafficPolicies. The first-match order
/// of VirtualService rules is kept under Gateway API's precedence (see <see cref="FirstMatchOrder"/>). The report
/// gives the fate of every field of every Istio object read; the output is read back before it is returned.
/// </summary>
public static class IstioConverter
{
    /// <summary>The annotation on every object made, naming the Istio object it comes from.</summary>
    public const string SourceAnnotation = "policyattach.io/converted-from";

    /// <summary>The API groups of the objects converted (the others of the input are only read: Services, Secrets).</summary>
    public static IReadOnlyList<string> ApiGroups { get; } = [IstioReader.Group];

    /// <summary>Converts the Istio objects of a snapshot.</summary>
    /// <param name="snapshot">The input: Istio objects (kept by the reader as unknown kinds), and the Services they route to.</param>
    /// <param name="options">The options; <see cref="IstioConversionOptions.Default"/> when null.</param>
    /// <returns>The output objects and the report.</returns>
    public static ConversionResult Convert(Snapshot snapshot, IstioConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        return new IstioConversion(snapshot, options ?? IstioConversionOptions.Default).Run();
    }

    /// <summary>
    /// Sends requests that exercise every match of the input (and near misses: another path element, another case,
    /// a missing header, another method, another port) to the Istio model and to the converted objects evaluated by
    /// the engine, and returns every request they answer differently.
    /// </summary>
    /// <param name="snapshot">The input that was converted.</param>
    /// <param name="result">The conversion.</param>
    /// <param name="options">The options the conversion used.</param>
    /// <returns>The requests sent and the differences.</returns>
    public static MeshVerificationResult Verify(Snapshot snapshot, ConversionResult result, IstioConversionOptions? options = null)
    {
        Guard.NotNull(snapshot);
        Guard.NotNull(result);
        options ??= IstioConversionOptions.Default;
        var input = IstioReader.Read(snapshot);
        var router = new IstioRouter(input, snapshot, options.ClusterDomain, (service, subset) =>
            subset is null ? service : result.SubsetServices.TryGetValue((service, subset), out var s) ? s : null);
        var probes = IstioProbes.Generate(input, snapshot, options.ClusterDomain);
        return MeshVerifier.Run(snapshot, result, probes, router.Answer, options.ControllerName, router.Concerns);
    }
}

/// <summary>One run of the converter: the input, the ledger, and the objects made so far.</summary>
internal sealed partial class IstioConversion
{
    private readonly Snapshot _snapshot;
    private readonly IstioConversionOptions _options;
    private readonly IstioInput _input;
    private readonly ConversionLedger _ledger = new();
    private readonly List<Diagnostic> _problems = [];
    private readonly List<ConversionError> _errors = [];
    private readonly List<(KubeObject Object, ResourceKey Source)> _made = [];
    private readonly Dictionary<(ResourceKey Route, int Rule), RuleOrigin> _origins = [];
    private readonly Dictionary<ResourceKey, ResourceKey> _gatewayMap = [];
    private readonly Dictionary<(ResourceKey Service, string Subset), ResourceKey> _subsets = [];
    private readonly Names _names = new();
    private readonly Re2Patterns _re2 = new();
    private readonly List<VirtualServiceObject> _ordered;

    public IstioConversion(Snapshot snapshot, IstioConversionOptions options)
    {
        _snapshot = snapshot;
        _options = options;
        _input = IstioReader.Read(snapshot);
        _ordered = [.. _input.VirtualServices.OrderBy(v => v.Metadata.CreationTimestamp).ThenBy(v => v.Key)];
        // Names the output could collide with: objects of the groups it writes (the Istio kinds have their own group).
        foreach (var obj in snapshot.Objects.Where(o => o.Group is Groups.Core or Groups.Gateway or ImplementationProfile.EnvoyGatewayGroup))
        {
            _names.Reserve(obj.Kind, obj.Namespace, obj.Name);
        }
    }

    public ConversionResult Run()
    {
        _problems.AddRange(_input.Diagnostics);
        foreach (var unreadable in _input.Specs.Keys.Where(k => !Readable(k)))
        {
            _ledger.Dropped(unreadable, "spec", "the object could not be read (see the problems); nothing of it is converted.", affectsRouting: true);
        }

        ConvertSubsets();
        ConvertGateways();
        ConvertHttp();
        ConvertL4();
        ConvertPolicies();
        NoteVirtualServices();
        AddReferenceGrants();

        foreach (var (key, spec) in _input.Specs)
        {
            _ledger.Complete(key, spec);
        }

        var (objects, manifests) = ConversionAssembly.Finish(_made, _origins, _errors);
        var classes = objects.OfType<Gateway>().Select(g => g.GatewayClassName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(n => new GatewayClass { ApiVersion = "gateway.networking.k8s.io/v1", Metadata = new ObjectMeta { Name = n }, ControllerName = _options.ControllerName })
            .ToEquatableArray();
        var keptRoutes = objects.Select(o => o.Key).ToHashSet();
        return new ConversionResult
        {
            Objects = objects.ToEquatableArray(),
            Manifests = manifests.ToEquatableArray(),
            EvaluationClasses = classes,
            Report = new ConversionReport(_ledger.Notes(_input.Specs)) { Errors = _errors.ToEquatableArray() },
            InputProblems = _problems.ToEquatableArray(),
            RuleOrigins = _origins.Where(o => keptRoutes.Contains(o.Key.Route)).ToDictionary(o => o.Key, o => o.Value),
            Gateways = _gatewayMap,
            SubsetServices = _subsets,
        };
    }

    private bool Readable(ResourceKey key)
        => _input.Gateways.Any(g => g.Key == key) || _input.VirtualServices.Any(v => v.Key == key) || _input.DestinationRules.Any(d => d.Key == key);

    /// <summary>Metadata every object made carries: the source annotation.</summary>
    private static ObjectMeta Meta(string name, string ns, ResourceKey source)
        => new() { Name = name, Namespace = ns, Annotations = StringMap.Of((IstioConverter.SourceAnnotation, $"{source.Kind}/{source.Namespace}/{source.Name}")) };

    /// <summary>Adds an object built as JSON (policies), reading it through the manifest reader to get the model object.</summary>
    private void AddJson(JsonElement manifest, ResourceKey source)
    {
        if (ConversionAssembly.FromJson(manifest, source, _errors) is { } obj)
        {
            _made.Add((obj, source));
        }
    }
}
