using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>
/// An immutable description of one Kubernetes object, written in C#, that renders as its manifest (JSON or YAML) and
/// reads as the model object PolicyAttach evaluates. The model object is always read from the rendered manifest with
/// the same reader <c>policyattach</c> uses, so the YAML and the object can never disagree. Derived records add the
/// kind's fields; <c>with</c> expressions change them.
/// </summary>
public abstract record ObjectBuilder
{
    private protected ObjectBuilder(string @namespace, string name)
    {
        Namespace = @namespace ?? throw new ArgumentNullException(nameof(@namespace));
        Name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <summary>The object's name (<c>metadata.name</c>).</summary>
    public string Name { get; init; }

    /// <summary>The namespace (<c>metadata.namespace</c>); empty for cluster-scoped kinds.</summary>
    public string Namespace { get; init; }

    /// <summary>The <c>apiVersion</c> written.</summary>
    public abstract string ApiVersion { get; }

    /// <summary>The kind written.</summary>
    public abstract string Kind { get; }

    /// <summary>The API group: the part of <see cref="ApiVersion"/> before its last <c>/</c>, or empty.</summary>
    public string Group => ApiVersion.LastIndexOf('/') is var slash and >= 0 ? ApiVersion[..slash] : string.Empty;

    /// <summary>The object's identity.</summary>
    public ResourceKey Key => new(Group, Kind, Namespace, Name);

    /// <summary>Labels (<c>metadata.labels</c>).</summary>
    public StringMap Labels { get; init; } = StringMap.Empty;

    /// <summary>Annotations (<c>metadata.annotations</c>).</summary>
    public StringMap Annotations { get; init; } = StringMap.Empty;

    /// <summary><c>metadata.generation</c>, or null to leave it out (the engine then reads 1).</summary>
    public long? Generation { get; init; }

    /// <summary>
    /// <c>metadata.creationTimestamp</c>, or null to leave it out: a <see cref="TestWorld"/> then gives the object
    /// 2020-01-01T00:00:00Z (namespace and name settle its ties), exactly as <c>policyattach</c> does for the printed
    /// YAML.
    /// </summary>
    public DateTimeOffset? CreationTimestamp { get; init; }

    /// <summary>
    /// Raw edits applied to the rendered manifest, in order: the way to write a field no typed property covers, or
    /// a deliberately invalid value.
    /// </summary>
    public EquatableArray<FieldEdit> Edits { get; init; } = [];

    // Builders are immutable, so what is rendered and read from one instance is kept for it (by reference: a
    // `with` copy is another instance). Shrinking builds many worlds that share most of their objects.
    private static readonly ConditionalWeakTable<ObjectBuilder, Rendering> Renderings = new();

    /// <summary>The manifest as compact JSON.</summary>
    /// <returns>One JSON object.</returns>
    public string ToJson() => Renderings.GetValue(this, b => new Rendering(Json.Text(b.Render()))).Json;

    /// <summary>The manifest as one YAML document (without a <c>---</c> marker).</summary>
    /// <returns>The YAML, ending with a newline.</returns>
    public string ToYaml() => ManifestText.ToYaml(ToJson());

    /// <summary>Reads the rendered manifest as <c>policyattach</c> does.</summary>
    /// <param name="options">Reading options (the creationTimestamp given when none is written); null for the defaults.</param>
    /// <returns>The model object (null when the reader drops it) and the reader's diagnostics.</returns>
    public ManifestReadResult Read(ManifestReadOptions? options = null)
    {
        options ??= DefaultReadOptions;
        var rendering = Renderings.GetValue(this, b => new Rendering(Json.Text(b.Render())));
        if (options.AcceptUnservedVersions || !string.Equals(options.DefaultNamespace, DefaultReadOptions.DefaultNamespace, StringComparison.Ordinal))
        {
            return Parse(rendering.Json, options);
        }

        // Only the default creationTimestamp varies between worlds; an object that writes its own reads the same anywhere.
        var stamp = CreationTimestamp is null ? options.DefaultCreationTimestamp : ObjectMeta.DefaultEpoch;
        return rendering.Reads.GetOrAdd(stamp, _ => Parse(rendering.Json, options));
    }

    private static readonly ManifestReadOptions DefaultReadOptions = new();

    private static ManifestReadResult Parse(string json, ManifestReadOptions options)
    {
        using var document = JsonDocument.Parse(json);
        return ManifestReader.Read(document.RootElement, options);
    }

    private sealed class Rendering(string json)
    {
        public string Json { get; } = json;

        public ConcurrentDictionary<DateTimeOffset, ManifestReadResult> Reads { get; } = new();
    }

    /// <summary>The model object PolicyAttach evaluates for this manifest.</summary>
    /// <returns>The object.</returns>
    /// <exception cref="InvalidOperationException">The reader drops the manifest; the message lists why.</exception>
    public KubeObject ToObject()
    {
        var read = Read();
        return read.Resource ?? throw new InvalidOperationException(
            $"{Key} does not read as an object: {string.Join("; ", read.Diagnostics.Select(d => d.Message))}");
    }

    /// <summary>The manifest as a JSON node, edits applied.</summary>
    internal JsonObject Render()
    {
        var metadata = Json.Obj(
            ("name", Name),
            ("namespace", Namespace.Length == 0 ? null : Namespace),
            ("generation", Generation is { } g ? g : null),
            ("creationTimestamp", CreationTimestamp is { } t ? Json.Timestamp(t) : null),
            ("labels", Json.Map(Labels)),
            ("annotations", Json.Map(Annotations)));
        var manifest = Json.Obj(("apiVersion", ApiVersion), ("kind", Kind), ("metadata", metadata));
        RenderBody(manifest);
        foreach (var edit in Edits)
        {
            edit.ApplyTo(manifest);
        }

        return manifest;
    }

    /// <summary>Adds the kind's fields (<c>spec</c>, <c>data</c>, ...) after <c>metadata</c>.</summary>
    private protected abstract void RenderBody(JsonObject manifest);

    /// <summary>Every reference this object makes to another object, a section of it, or a port of it.</summary>
    internal virtual IEnumerable<Reference> References() => [];

    /// <summary>
    /// This object without the given references; null when the object cannot stand without them (a Gateway without
    /// its class, a route without parents, a policy without targets).
    /// </summary>
    internal virtual ObjectBuilder? WithoutReferences(IReadOnlySet<Reference> doomed) => this;

    /// <summary>This object with every reference to <paramref name="target"/> naming <paramref name="name"/> instead.</summary>
    internal virtual ObjectBuilder RetargetReferences(ResourceKey target, string name) => this;

    /// <summary>This object with every reference to section <paramref name="from"/> of <paramref name="target"/> naming <paramref name="to"/>.</summary>
    internal virtual ObjectBuilder RetargetSections(ResourceKey target, string from, string to) => this;

    /// <summary>The names a <c>sectionName</c> can refer to: listeners, rules, Service ports.</summary>
    internal virtual IEnumerable<string> Sections() => [];

    /// <summary>The ports a reference's <c>port</c> can refer to: listener ports, Service ports.</summary>
    internal virtual IEnumerable<int> PortNumbers() => [];

    /// <summary>This object with its own section <paramref name="from"/> renamed <paramref name="to"/>.</summary>
    internal virtual ObjectBuilder RenameSection(string from, string to) => this;

    /// <summary>Smaller versions of this object: one part (listener, rule, match, hostname, ...) removed each.</summary>
    internal virtual IEnumerable<ObjectBuilder> ShrinkParts() => [];
}
