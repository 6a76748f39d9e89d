using System.Collections.Frozen;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Manifests;

/// <summary>Options for reading one manifest document.</summary>
public sealed record ManifestReadOptions
{
    /// <summary>
    /// The creationTimestamp given to an object that has none. Loaders pass 2020-01-01T00:00:00Z for every object, so
    /// that ties are settled by namespace and name whatever the input order (or, when asked, the input position: one
    /// second more per object read before it).
    /// </summary>
    public DateTimeOffset DefaultCreationTimestamp { get; init; } = ObjectMeta.DefaultEpoch;

    /// <summary>The namespace given to a namespaced object that has none (as <c>kubectl apply</c> would).</summary>
    public string DefaultNamespace { get; init; } = "default";

    /// <summary>
    /// Read a known kind at an apiVersion the API server does not serve (for example BackendTLSPolicy v1alpha2) with a
    /// warning, instead of dropping it. Implementations that decode by kind and ignore apiVersion (Envoy Gateway's
    /// translator) behave this way; the fields are the same in every version PolicyAttach reads.
    /// </summary>
    public bool AcceptUnservedVersions { get; init; }
}

/// <summary>The outcome of reading one document: the object, if it could be kept, and what was found.</summary>
/// <param name="Resource">The object with every CRD default applied, or null when it was dropped.</param>
/// <param name="Diagnostics">Every problem found, with field paths; locations are filled by the loader.</param>
public sealed record ManifestReadResult(KubeObject? Resource, EquatableArray<Diagnostic> Diagnostics);

/// <summary>
/// Turns one JSON document (a Kubernetes object) into the immutable model, applying every CRD default in one place
/// and validating the schema and CEL rules that change outcomes
/// (<see href="https://gateway-api.sigs.k8s.io/reference/spec/">Gateway API reference</see>). Unknown kinds are kept
/// as <see cref="GenericObject"/>. Nothing here throws on user data.
/// </summary>
public static class ManifestReader
{
    private static readonly FrozenDictionary<GroupKind, KindEntry> Kinds = BuildKinds();

    /// <summary>Reads one object.</summary>
    /// <param name="document">A JSON object with <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>.</param>
    /// <param name="options">Defaults for missing metadata; null for the standard ones.</param>
    /// <returns>The object (or null when it had to be dropped) and the diagnostics.</returns>
    public static ManifestReadResult Read(JsonElement document, ManifestReadOptions? options = null)
    {
        using var tokens = ManifestTokens.From(document);
        return ReadTokens(tokens, options);
    }

    /// <summary>Reads one object from its tokens; nothing read refers to them, so they can be disposed after.</summary>
    /// <param name="document">The tokens of a JSON object with <c>apiVersion</c>, <c>kind</c> and <c>metadata</c>.</param>
    /// <param name="options">Defaults for missing metadata; null for the standard ones.</param>
    /// <returns>The object (or null when it had to be dropped) and the diagnostics.</returns>
    public static ManifestReadResult ReadTokens(ManifestTokens document, ManifestReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        options ??= new ManifestReadOptions();
        var context = new ReadContext();
        var root = new Node(document, string.Empty, context);
        var result = ReadCore(root, options);
        return new ManifestReadResult(context.HasErrors ? null : result, context.Diagnostics.ToEquatableArray());
    }

    /// <summary>Whether a group and kind is namespaced, for the kinds PolicyAttach models.</summary>
    /// <param name="groupKind">The group and kind.</param>
    /// <returns>False for cluster-scoped kinds (GatewayClass, Namespace, IngressClass, CRDs); true otherwise.</returns>
    public static bool IsNamespaced(GroupKind groupKind)
        => !Kinds.TryGetValue(groupKind, out var entry) || entry.Namespaced;

    private static KubeObject? ReadCore(Node root, ManifestReadOptions options)
    {
        if (!root.IsObject(report: false))
        {
            root.Error(DiagnosticCodes.NotAnObject, "the document is not a mapping, so it is not a Kubernetes object.");
            return null;
        }

        var apiVersion = root.String("apiVersion");
        var kind = root.String("kind");
        if (IsForeignDocument(root, apiVersion, kind) is { } note)
        {
            root.Context.Report(DiagnosticSeverity.Info, note.Code, root.Path, note.Message);
            return null;
        }

        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            root.Error(DiagnosticCodes.NotAnObject, "the document has no apiVersion or no kind. Every Kubernetes object needs both.");
            return null;
        }

        var groupKind = new GroupKind(ApiVersions.GroupOf(apiVersion), kind);
        Kinds.TryGetValue(groupKind, out var entry);
        var metadata = ReadMetadata(root["metadata"], groupKind, entry?.Namespaced ?? !IsClusterScopedGeneric(groupKind), ObjectNames.For(groupKind, entry is not null), options);
        if (metadata is null)
        {
            return null;
        }

        root.Context.Object = new ResourceKey(groupKind.Group, kind, metadata.Namespace, metadata.Name);
        if (entry is null && KindReaders.LooksLikePolicy(root["spec"]))
        {
            return KindReaders.ReadGenericPolicy(root, new ObjectHeader(apiVersion, metadata), kind);
        }

        if (entry is null)
        {
            return new GenericObject
            {
                ApiVersion = apiVersion,
                Metadata = metadata,
                ObjectKind = kind,
                Spec = root.Data("spec"),
                Raw = root.AsData()!,
            };
        }

        // The API server refuses a known kind whose spec or status is not an object (spec: "broken").
        root["spec"].IsObject();
        root["status"].IsObject();

        var version = ApiVersions.VersionOf(apiVersion);
        if (!entry.Versions.Contains(version, StringComparer.Ordinal))
        {
            var message = $"{apiVersion} is not a served version of {groupKind}; use one of {string.Join(", ", entry.Versions.Select(v => groupKind.Group.Length == 0 ? v : groupKind.Group + "/" + v))}.";
            if (!options.AcceptUnservedVersions)
            {
                root["apiVersion"].Error(DiagnosticCodes.UnservedVersion, message);
                return null;
            }

            root["apiVersion"].Warning(DiagnosticCodes.UnservedVersion, message + " It is read as the served version with the same fields.");
        }

        return entry.Read(root, new ObjectHeader(apiVersion, metadata));
    }

    /// <summary>
    /// A mapping that is another tool's file, not a Kubernetes object: no <c>apiVersion</c> and no <c>kind</c> at all
    /// (a Helm <c>values.yaml</c>, a <c>package.json</c>), or a kustomize <c>Kustomization</c>, which describes how to
    /// build manifests rather than being one. Such documents are skipped with a note, as <c>kubectl kustomize</c> and
    /// Helm would read them, never reported as broken objects.
    /// </summary>
    private static (string Code, string Message)? IsForeignDocument(Node root, string? apiVersion, string? kind)
    {
        if (root.HasField("apiVersion") || root.HasField("kind"))
        {
            return kind == "Kustomization" && apiVersion is not null && ApiVersions.GroupOf(apiVersion) == "kustomize.config.k8s.io"
                ? (DiagnosticCodes.Kustomization, "a kustomize Kustomization, not a Kubernetes object: skipped. To read what it builds, run with -k DIR (kubectl kustomize DIR), or pipe `kustomize build DIR` into -.")
                : null;
        }

        return (DiagnosticCodes.NotKubernetes, "this document has no apiVersion and no kind, so it is not a Kubernetes object (a Helm values file or a package.json, say): skipped.");
    }

    /// <summary>The kinds of a group that PolicyAttach reads with a typed reader (the findings stage names close ones).</summary>
    /// <param name="group">The API group.</param>
    /// <returns>The kinds, sorted.</returns>
    internal static IEnumerable<string> KindsOf(string group)
        => Kinds.Keys.Where(k => k.Group == group).Select(k => k.Kind).Order(StringComparer.Ordinal);

    private static bool IsClusterScopedGeneric(GroupKind groupKind)
        => groupKind == Model.Kinds.CustomResourceDefinition
        || groupKind == new GroupKind("rbac.authorization.k8s.io", "ClusterRole")
        || groupKind == new GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding")
        || groupKind == new GroupKind(Groups.GatewayExperimental, "XMesh");

    private static ObjectMeta? ReadMetadata(Node node, GroupKind groupKind, bool namespaced, ObjectNames.Rule nameRule, ManifestReadOptions options)
    {
        if (!node.IsObject(report: false))
        {
            if (node.Exists)
            {
                node.IsObject();
            }
            else
            {
                node.Error(DiagnosticCodes.MissingName, $"the {groupKind} has no metadata; add metadata.name.");
            }

            return null;
        }

        var name = node.String("name");
        if (string.IsNullOrEmpty(name))
        {
            node["name"].Error(DiagnosticCodes.MissingName, $"the {groupKind} has no metadata.name; every object needs a name.");
            return null;
        }

        if (ObjectNames.Problem(name, nameRule) is { } nameProblem)
        {
            node["name"].Error(DiagnosticCodes.SchemaViolation, $"{UserText.Quote(name)} is not a valid {groupKind.Kind} name: {nameProblem}. The API server would refuse this object, so it is dropped.");
            return null;
        }

        var ns = node.String("namespace");
        if (namespaced && !string.IsNullOrEmpty(ns) && ObjectNames.Problem(ns, ObjectNames.Rule.Label) is { } namespaceProblem)
        {
            node["namespace"].Error(DiagnosticCodes.SchemaViolation, $"{UserText.Quote(ns)} is not a valid namespace: {namespaceProblem}. The API server would refuse this object, so it is dropped.");
            return null;
        }

        if (!namespaced)
        {
            ns = string.Empty;
        }
        else if (string.IsNullOrEmpty(ns))
        {
            node.Context.Report(DiagnosticSeverity.Info, DiagnosticCodes.DefaultNamespace, node["namespace"].Path, $"{groupKind} {name} has no namespace; it is read as in \"{options.DefaultNamespace}\", as kubectl apply would place it.");
            ns = options.DefaultNamespace;
        }

        var generation = node.Int64("generation");
        return new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            Uid = node.String("uid"),
            Generation = generation is > 0 ? generation.Value : 1,
            CreationTimestamp = node.Timestamp("creationTimestamp") ?? options.DefaultCreationTimestamp,
            Labels = node.Map("labels"),
            Annotations = node.Map("annotations"),
        };
    }

    private static FrozenDictionary<GroupKind, KindEntry> BuildKinds()
    {
        var entries = new Dictionary<GroupKind, KindEntry>();
        KindReaders.Register(entries);
        return entries.ToFrozenDictionary();
    }
}

/// <summary>The apiVersion and metadata every typed reader starts from.</summary>
internal sealed record ObjectHeader(string ApiVersion, ObjectMeta Metadata)
{
    public string Namespace => Metadata.Namespace;
}

/// <summary>How one known kind is read.</summary>
internal sealed record KindEntry(string[] Versions, bool Namespaced, Func<Node, ObjectHeader, KubeObject?> Read);

/// <summary>The table of typed kinds; each part of the model registers its kinds in its own file.</summary>
internal static partial class KindReaders
{
    public static void Register(Dictionary<GroupKind, KindEntry> entries)
    {
        RegisterCore(entries);
        RegisterGateways(entries);
        RegisterRoutes(entries);
        RegisterPolicies(entries);
    }

    static partial void RegisterCore(Dictionary<GroupKind, KindEntry> entries);

    static partial void RegisterGateways(Dictionary<GroupKind, KindEntry> entries);

    static partial void RegisterRoutes(Dictionary<GroupKind, KindEntry> entries);

    static partial void RegisterPolicies(Dictionary<GroupKind, KindEntry> entries);
}
