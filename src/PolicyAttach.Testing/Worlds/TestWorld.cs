using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Ingresses;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Testing;

/// <summary>
/// A world: the objects a controller sees, in order, and the controller the engine acts for. Immutable and compared
/// by content. It reads its objects with the reader <c>policyattach</c> uses (an object without a
/// creationTimestamp gets 2020-01-01T00:00:00Z, so namespace and name settle its ties, as the CLI gives the printed
/// YAML), evaluates them once, and prints as YAML ready for <c>policyattach</c>: a failing property shows its
/// counterexample this way.
/// </summary>
public sealed class TestWorld : IEquatable<TestWorld>
{
    /// <summary>The controller name worlds are evaluated for unless told otherwise.</summary>
    public const string DefaultControllerName = "example.com/gateway-controller";

    private readonly Lazy<(EquatableArray<KubeObject> Resources, EquatableArray<Diagnostic> Diagnostics)> _read;
    private readonly Lazy<Snapshot> _snapshot;
    private readonly Lazy<EvaluationResult> _result;
    private readonly Lazy<RoutingTable> _routing;
    private readonly ConcurrentDictionary<string, IngressRoutingTable> _ingressRouting = new(StringComparer.Ordinal);

    /// <summary>A world of the given objects.</summary>
    /// <param name="objects">The objects, in order.</param>
    /// <param name="controllerName">The GatewayClass <c>controllerName</c> the engine acts for.</param>
    /// <param name="policyKinds">Policy kinds to register beyond the standard ones and the CRDs in the world (Atomic kinds, cross-namespace kinds).</param>
    public TestWorld(IEnumerable<ObjectBuilder> objects, string controllerName = DefaultControllerName, IEnumerable<PolicyKindDefinition>? policyKinds = null)
    {
        Objects = (objects ?? throw new ArgumentNullException(nameof(objects))).ToEquatableArray();
        ControllerName = controllerName ?? throw new ArgumentNullException(nameof(controllerName));
        PolicyKinds = (policyKinds ?? []).ToEquatableArray();
        _read = new(Read);
        _snapshot = new(() => Snapshot.Create(Resources));
        _result = new(() => Evaluator.Evaluate(Snapshot, Options));
        _routing = new(() => RoutingTable.Compile(Result));
    }

    /// <summary>The empty world.</summary>
    public static TestWorld Empty { get; } = new([]);

    /// <summary>A world of the given objects, evaluated for <see cref="DefaultControllerName"/>.</summary>
    /// <param name="objects">The objects, in order.</param>
    /// <returns>The world.</returns>
    public static TestWorld Of(params ObjectBuilder[] objects) => new(objects);

    /// <summary>The objects, in order.</summary>
    public EquatableArray<ObjectBuilder> Objects { get; }

    /// <summary>The GatewayClass <c>controllerName</c> the engine acts for.</summary>
    public string ControllerName { get; }

    /// <summary>Policy kinds registered in code (CRDs in <see cref="Objects"/> declare the others).</summary>
    public EquatableArray<PolicyKindDefinition> PolicyKinds { get; }

    /// <summary>The model objects the reader keeps, in order.</summary>
    public EquatableArray<KubeObject> Resources => _read.Value.Resources;

    /// <summary>Everything the reader reported, in order (a valid world has no errors).</summary>
    public EquatableArray<Diagnostic> Diagnostics => _read.Value.Diagnostics;

    /// <summary>The snapshot of <see cref="Resources"/>.</summary>
    public Snapshot Snapshot => _snapshot.Value;

    /// <summary>The options the engine evaluates with: <see cref="ControllerName"/> and <see cref="PolicyKinds"/>.</summary>
    public EvaluationOptions Options => new()
    {
        ControllerNames = [ControllerName],
        PolicyKinds = PolicyKinds.IsEmpty ? PolicyKindRegistry.Standard : PolicyKindRegistry.Standard.With(PolicyKinds),
    };

    /// <summary>The engine's evaluation of the world, computed once.</summary>
    public EvaluationResult Result => _result.Value;

    /// <summary>The compiled routing of <see cref="Result"/>, computed once.</summary>
    public RoutingTable Routing => _routing.Value;

    /// <summary>The Ingress routing of one IngressClass, compiled once.</summary>
    /// <param name="className">The class name.</param>
    /// <returns>The table.</returns>
    public IngressRoutingTable IngressRouting(string className)
        => _ingressRouting.GetOrAdd(className ?? throw new ArgumentNullException(nameof(className)), name => IngressRoutingTable.Compile(Snapshot, IngressOwner.Class(name)));

    /// <summary>The object with the given key, or null.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The builder.</returns>
    public ObjectBuilder? Find(ResourceKey key) => Objects.FirstOrDefault(o => o.Key == key);

    /// <summary>This world with an object added, or replacing the object of the same key in place.</summary>
    /// <param name="obj">The object.</param>
    /// <returns>The new world.</returns>
    public TestWorld With(ObjectBuilder obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var objects = Objects.AsImmutableArray();
        for (var i = 0; i < objects.Length; i++)
        {
            if (objects[i].Key == obj.Key)
            {
                return WithObjects(objects.SetItem(i, obj));
            }
        }

        return WithObjects(objects.Add(obj));
    }

    /// <summary>This world without the object of the given key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new world (the same when there is no such object).</returns>
    public TestWorld Without(ResourceKey key) => Objects.Any(o => o.Key == key) ? WithObjects(Objects.Where(o => o.Key != key)) : this;

    /// <summary>This world with other objects, the same controller and policy kinds.</summary>
    /// <param name="objects">The objects.</param>
    /// <returns>The new world.</returns>
    public TestWorld WithObjects(IEnumerable<ObjectBuilder> objects) => new(objects, ControllerName, PolicyKinds);

    /// <summary>
    /// Each object as an API server returns it to a controller: the manifest, with <c>metadata.creationTimestamp</c>
    /// and <c>metadata.generation</c> filled in where the object leaves them out, as the engine reads them (every such
    /// object created at the same instant, 2020-01-01T00:00:00Z, so that the spec's <c>{namespace}/{name}</c> order
    /// decides between them whatever their order; generation 1). Feed these to the controller under test, so that both
    /// decide conflicts and precedence from the same timestamps.
    /// </summary>
    /// <returns>One compact JSON object per object, in order.</returns>
    public IReadOnlyList<string> ServedJson()
    {
        var served = new List<string>();
        foreach (var obj in Objects)
        {
            var manifest = obj.Render();
            if (manifest["metadata"] is JsonObject metadata)
            {
                metadata["creationTimestamp"] ??= Internal.Json.Timestamp(ObjectMeta.DefaultEpoch);
                metadata["generation"] ??= 1;
            }

            served.Add(Internal.Json.Text(manifest));
        }

        return served;
    }

    /// <summary>The objects as a YAML stream, each document after a <c>---</c> marker.</summary>
    /// <returns>The YAML.</returns>
    public string ToYaml()
    {
        var text = new StringBuilder();
        foreach (var obj in Objects)
        {
            text.Append("---\n").Append(obj.ToYaml());
        }

        return text.ToString();
    }

    /// <summary>
    /// The world as a YAML stream ready for <c>policyattach</c>, after comment lines that say how to evaluate it
    /// (and which policy kinds need registering in code).
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("# ").Append(Objects.Count).Append(Objects.Count == 1 ? " object" : " objects")
            .Append(". Save as world.yaml; policyattach status world.yaml --controller-name ").Append(ControllerName).Append('\n');
        foreach (var kind in PolicyKinds)
        {
            text.Append("# Registered in code: ").Append(kind.Kind).Append(' ').Append(kind.Class).Append(' ').Append(kind.Strategy)
                .Append(kind.CrossNamespace == CrossNamespaceTargets.Forbidden ? string.Empty : ", cross-namespace " + kind.CrossNamespace).Append('\n');
        }

        return text.Append(ToYaml()).ToString();
    }

    /// <inheritdoc />
    public bool Equals(TestWorld? other)
        => other is not null && Objects.Equals(other.Objects) && string.Equals(ControllerName, other.ControllerName, StringComparison.Ordinal) && PolicyKinds.Equals(other.PolicyKinds);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TestWorld);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Objects, ControllerName);

    private (EquatableArray<KubeObject>, EquatableArray<Diagnostic>) Read()
    {
        var resources = new List<KubeObject>();
        var diagnostics = new List<Diagnostic>();
        for (var i = 0; i < Objects.Count; i++)
        {
            var read = Objects[i].Read(new ManifestReadOptions { DefaultCreationTimestamp = ObjectMeta.DefaultEpoch });
            diagnostics.AddRange(read.Diagnostics);
            if (read.Resource is { } resource)
            {
                resources.Add(resource);
            }
        }

        return (resources.ToEquatableArray(), diagnostics.ToEquatableArray());
    }
}
