using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using PolicyAttach.Model;

namespace PolicyAttach;

/// <summary>
/// The identity of a Kubernetes object: API group, kind, namespace and name. Ordered ordinally by
/// (group, kind, namespace, name), the sort key of every list of objects PolicyAttach prints.
/// </summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Kind">The kind, such as <c>HTTPRoute</c>.</param>
/// <param name="Namespace">The namespace; empty for cluster-scoped objects.</param>
/// <param name="Name">The name.</param>
public readonly record struct ResourceKey(string Group, string Kind, string Namespace, string Name) : IComparable<ResourceKey>
{
    /// <summary>The key of an object of a known group and kind, such as <c>new ResourceKey(Kinds.HttpRoute, "apps", "store")</c>.</summary>
    /// <param name="kind">The group and kind, usually from <see cref="Model.Kinds"/>.</param>
    /// <param name="namespace">The namespace; empty for cluster-scoped objects.</param>
    /// <param name="name">The name.</param>
    public ResourceKey(GroupKind kind, string @namespace, string name)
        : this(kind.Group, kind.Kind, @namespace, name)
    {
    }

    /// <summary>A GatewayClass (cluster-scoped).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForGatewayClass(string name) => new(Kinds.GatewayClass, string.Empty, name);

    /// <summary>A Gateway.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForGateway(string @namespace, string name) => new(Kinds.Gateway, @namespace, name);

    /// <summary>A ListenerSet.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForListenerSet(string @namespace, string name) => new(Kinds.ListenerSet, @namespace, name);

    /// <summary>An HTTPRoute.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForHttpRoute(string @namespace, string name) => new(Kinds.HttpRoute, @namespace, name);

    /// <summary>A GRPCRoute.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForGrpcRoute(string @namespace, string name) => new(Kinds.GrpcRoute, @namespace, name);

    /// <summary>A core Service.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForService(string @namespace, string name) => new(Kinds.Service, @namespace, name);

    /// <summary>A core Namespace (cluster-scoped).</summary>
    /// <param name="name">The namespace's name.</param>
    /// <returns>The key.</returns>
    public static ResourceKey ForNamespace(string name) => new(Kinds.Namespace, string.Empty, name);

    /// <summary>
    /// Reads a key as users type it on the command line: <c>KIND/NAMESPACE/NAME</c>, or <c>KIND/NAME</c> for a
    /// cluster-scoped object. KIND is case-insensitive, singular or plural (<c>httproute</c>, <c>HTTPRoutes</c>,
    /// <c>gatewayclasses</c>, <c>backendtlspolicies</c>), and may carry its group after a dot
    /// (<c>httproute.gateway.networking.k8s.io</c>). A kind of the <see cref="Kinds"/> catalogue gets its spelling
    /// and group from there; any other kind (a policy CRD's) is kept as typed, in the group typed (empty when none).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">The text does not have that shape; the message says which part is wrong.</exception>
    public static ResourceKey Parse(string text)
    {
        Guard.NotNull(text);
        return TryParse(text, out var key, out var error) ? key : throw new FormatException(error);
    }

    /// <summary>Reads a key as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="key">The key, when the text has the shape.</param>
    /// <returns>Whether it has.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ResourceKey key) => TryParse(text, out key, out _);

    private static bool TryParse(string? text, out ResourceKey key, out string error)
    {
        key = default;
        error = $"'{text}' is not KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped object)";
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('/');
        if (parts.Length is not (2 or 3) || Array.Exists(parts, p => p.Length == 0 || p.Trim().Length != p.Length))
        {
            return false;
        }

        var typedKind = parts[0];
        var dot = typedKind.IndexOf('.', StringComparison.Ordinal);
        var typedGroup = dot < 0 ? null : typedKind[(dot + 1)..];
        typedKind = dot < 0 ? typedKind : typedKind[..dot];
        if (typedKind.Length == 0 || typedGroup is { Length: 0 })
        {
            return false;
        }

        var known = Kinds.All.FirstOrDefault(k => k.IsNamedBy(typedKind)
            && (typedGroup is null || string.Equals(typedGroup, k.Group, StringComparison.OrdinalIgnoreCase)));
        var kind = known.Kind is null ? new GroupKind(typedGroup ?? string.Empty, typedKind) : known;
        key = new ResourceKey(kind, parts.Length == 3 ? parts[1] : string.Empty, parts[^1]);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(ResourceKey other)
    {
        var c = string.CompareOrdinal(Group, other.Group);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(Kind, other.Kind);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(Namespace, other.Namespace);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>The group and kind.</summary>
    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>Ordinal less-than.</summary>
    public static bool operator <(ResourceKey left, ResourceKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordinal less-than-or-equal.</summary>
    public static bool operator <=(ResourceKey left, ResourceKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordinal greater-than.</summary>
    public static bool operator >(ResourceKey left, ResourceKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordinal greater-than-or-equal.</summary>
    public static bool operator >=(ResourceKey left, ResourceKey right) => left.CompareTo(right) >= 0;

    /// <summary><c>Kind/namespace/name</c>, or <c>Kind/name</c> for cluster-scoped objects, as users type it.</summary>
    /// <returns>A readable reference.</returns>
    public override string ToString()
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, null, stackalloc char[128]);
        AppendTo(ref text);
        return text.ToStringAndClear();
    }

    /// <summary>Appends <see cref="ToString"/>'s text to a handler (a longer text built without this one's string).</summary>
    internal void AppendTo(ref DefaultInterpolatedStringHandler text)
    {
        text.AppendFormatted(Kind);
        text.AppendLiteral("/");
        if (Namespace.Length != 0)
        {
            text.AppendFormatted(Namespace);
            text.AppendLiteral("/");
        }

        text.AppendFormatted(Name);
    }
}

/// <summary>An API group and kind, ordered ordinally.</summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Kind">The kind.</param>
public readonly record struct GroupKind(string Group, string Kind) : IComparable<GroupKind>
{
    /// <summary>
    /// The group and kind of an object as a manifest writes them: the group is the part of <c>apiVersion</c> before
    /// its last <c>/</c>, empty for the core group (<c>v1</c>).
    /// </summary>
    /// <param name="apiVersion">The object's apiVersion, such as <c>gateway.networking.k8s.io/v1</c> or <c>v1</c>.</param>
    /// <param name="kind">The object's kind.</param>
    /// <returns>The group and kind.</returns>
    public static GroupKind FromApiVersion(string apiVersion, string kind) => new(ApiVersions.GroupOf(apiVersion), Guard.NotNull(kind));

    /// <summary>
    /// Whether a kind as a user typed it names this kind: the same letters ignoring case, or the plural the API
    /// server's resource names use (<c>s</c>, <c>es</c>, and <c>y</c> to <c>ies</c>: <c>backendtlspolicies</c>). The
    /// group is not compared.
    /// </summary>
    /// <param name="typed">The kind as typed, without its group.</param>
    /// <returns>True when it names this kind.</returns>
    public bool IsNamedBy(string typed)
    {
        Guard.NotNull(typed);
        if (string.Equals(typed, Kind, StringComparison.OrdinalIgnoreCase)
            || string.Equals(typed, Kind + "s", StringComparison.OrdinalIgnoreCase)
            || string.Equals(typed, Kind + "es", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Kind.EndsWith('y') && string.Equals(typed, string.Concat(Kind.AsSpan(0, Kind.Length - 1), "ies"), StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public int CompareTo(GroupKind other)
    {
        var c = string.CompareOrdinal(Group, other.Group);
        return c != 0 ? c : string.CompareOrdinal(Kind, other.Kind);
    }

    /// <summary>Ordinal less-than.</summary>
    public static bool operator <(GroupKind left, GroupKind right) => left.CompareTo(right) < 0;

    /// <summary>Ordinal less-than-or-equal.</summary>
    public static bool operator <=(GroupKind left, GroupKind right) => left.CompareTo(right) <= 0;

    /// <summary>Ordinal greater-than.</summary>
    public static bool operator >(GroupKind left, GroupKind right) => left.CompareTo(right) > 0;

    /// <summary>Ordinal greater-than-or-equal.</summary>
    public static bool operator >=(GroupKind left, GroupKind right) => left.CompareTo(right) >= 0;

    /// <summary><c>Kind.group</c>, or <c>Kind</c> for the core group, as kubectl prints it.</summary>
    /// <returns>A readable group and kind.</returns>
    public override string ToString() => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
}
