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
    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>An API group and kind, ordered ordinally.</summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Kind">The kind.</param>
public readonly record struct GroupKind(string Group, string Kind) : IComparable<GroupKind>
{
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
