using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Kubernetes.Conversion;
using PolicyAttach.Kubernetes.Documents;
using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>What <see cref="StatusOracle"/> compares. Condition types and statuses are always compared.</summary>
public sealed record StatusComparisonOptions
{
    /// <summary>Everything but messages (their wording is the implementation's).</summary>
    public static StatusComparisonOptions Default { get; } = new();

    /// <summary>Whether to compare condition reasons.</summary>
    public bool CompareReasons { get; init; } = true;

    /// <summary>Whether to compare <c>observedGeneration</c>.</summary>
    public bool CompareObservedGeneration { get; init; } = true;

    /// <summary>Whether to compare condition messages (off by default: the spec does not fix their wording).</summary>
    public bool CompareMessages { get; init; }

    /// <summary>Whether to compare listeners' <c>attachedRoutes</c> and Gateways' <c>attachedListenerSets</c>.</summary>
    public bool CompareAttachedCounts { get; init; } = true;

    /// <summary>Whether to compare listeners' <c>supportedKinds</c>.</summary>
    public bool CompareSupportedKinds { get; init; } = true;

    /// <summary>
    /// The <c>controllerName</c> whose route parents and policy ancestors are compared; null for the world's. Entries
    /// other controllers wrote are left out on both sides.
    /// </summary>
    public string? ControllerName { get; init; }
}

/// <summary>One difference between the engine's status and an implementation's.</summary>
/// <param name="Subject">The object whose status differs.</param>
/// <param name="Scope">Where in the status: empty for the object's own conditions, <c>listeners[NAME]</c>, <c>parents[REF]</c> or <c>ancestors[REF]</c>.</param>
/// <param name="Field">What: <c>condition TYPE</c>, <c>attachedRoutes</c>, <c>supportedKinds</c>, <c>attachedListenerSets</c> or <c>status</c>.</param>
/// <param name="Expected">The engine's value, or null when it writes none.</param>
/// <param name="Actual">The implementation's value, or null when it wrote none.</param>
public sealed record StatusDifference(ResourceKey Subject, string Scope, string Field, string? Expected, string? Actual)
{
    /// <summary><c>HTTPRoute/app/web parents[Gateway infra/gw]: condition Accepted: expected True (Accepted), got False (NotAllowedByListeners)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => $"{Subject}{(Scope.Length == 0 ? string.Empty : " " + Scope)}: {Field}: expected {Expected ?? "nothing"}, got {Actual ?? "nothing"}";
}

/// <summary>The differences between the engine's statuses and an implementation's, sorted; none when they agree.</summary>
/// <param name="Differences">The differences, ordered by object, scope and field.</param>
public sealed record StatusComparison(EquatableArray<StatusDifference> Differences)
{
    /// <summary>Whether the statuses agree on everything compared.</summary>
    public bool IsMatch => Differences.IsEmpty;

    /// <summary>One line per difference, or "statuses agree".</summary>
    /// <returns>The text.</returns>
    public override string ToString()
        => IsMatch ? "statuses agree" : $"{Differences.Count} status difference{(Differences.Count == 1 ? string.Empty : "s")}:\n  " + string.Join("\n  ", Differences);
}

/// <summary>
/// The engine as the oracle of statuses: compares the status subresources an implementation wrote (as
/// <c>kubectl get -o json</c> or <c>-o yaml</c> prints them, or as KubernetesClient objects) with those
/// <c>policyattach status</c> computes for the same world, condition by condition.
/// </summary>
public static class StatusOracle
{
    /// <summary>The statuses the engine writes for a world (the JSON of <c>policyattach status --output json</c>).</summary>
    /// <param name="world">The world.</param>
    /// <returns>A JSON array, one element per object.</returns>
    public static string ExpectedJson(TestWorld world)
        => StatusWriter.ToJson((world ?? throw new ArgumentNullException(nameof(world))).Result);

    /// <summary>Compares statuses given as JSON or YAML text: one object, an array, a <c>kind: List</c>, or a YAML stream.</summary>
    /// <param name="world">The world the implementation was given.</param>
    /// <param name="actual">The implementation's objects with their <c>status</c>.</param>
    /// <param name="options">What to compare; null for <see cref="StatusComparisonOptions.Default"/>.</param>
    /// <returns>The differences.</returns>
    /// <exception cref="ArgumentException">The text does not parse.</exception>
    public static StatusComparison CompareText(TestWorld world, string actual, StatusComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var parsed = ManifestText.Parse(actual, "actual");
        if (!parsed.Diagnostics.IsEmpty)
        {
            throw new ArgumentException("The statuses do not parse: " + string.Join("; ", parsed.Diagnostics.Select(d => $"{d.Location}: {d.Message}")), nameof(actual));
        }

        return CompareObjects(world, parsed.Documents.Cast<object>(), options);
    }

    /// <summary>
    /// Compares statuses given as objects: KubernetesClient objects (<c>IKubernetesObject</c>, what a
    /// <c>GenericClient</c> returns), <see cref="JsonElement"/>s or <c>JsonNode</c>s.
    /// </summary>
    /// <param name="world">The world the implementation was given.</param>
    /// <param name="actual">The implementation's objects with their <c>status</c>.</param>
    /// <param name="options">What to compare; null for <see cref="StatusComparisonOptions.Default"/>.</param>
    /// <returns>The differences.</returns>
    public static StatusComparison CompareObjects(TestWorld world, IEnumerable<object> actual, StatusComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(actual);
        options ??= StatusComparisonOptions.Default;
        var controller = options.ControllerName ?? world.ControllerName;
        using var expectedDocument = JsonDocument.Parse(ExpectedJson(world));
        var expected = Facts(expectedDocument.RootElement.EnumerateArray(), controller, options);
        var actualFacts = Facts(actual.Select(KubernetesObjectConverter.ToElement).SelectMany(Expand), controller, options);
        var differences = new List<StatusDifference>();
        foreach (var key in expected.Keys.Union(actualFacts.Keys).Order())
        {
            var e = expected.GetValueOrDefault(key);
            var a = actualFacts.GetValueOrDefault(key);
            if (e is null || a is null)
            {
                differences.Add(new StatusDifference(key, string.Empty, "status", e is null ? null : "written", a is null ? null : "written"));
                continue;
            }

            foreach (var fact in e.Keys.Union(a.Keys).Order())
            {
                var x = e.GetValueOrDefault(fact);
                var y = a.GetValueOrDefault(fact);
                if (!string.Equals(x, y, StringComparison.Ordinal))
                {
                    differences.Add(new StatusDifference(key, fact.Scope, fact.Field, x, y));
                }
            }
        }

        return new StatusComparison(differences.ToEquatableArray());
    }

    /// <summary>Items of a <c>*List</c>, or the element itself.</summary>
    private static IEnumerable<JsonElement> Expand(JsonElement element)
        => element.ValueKind == JsonValueKind.Array ? element.EnumerateArray()
            : element.ValueKind == JsonValueKind.Object && element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray()
            : [element];

    /// <summary>The facts of every status: per object key, (scope, field) to value. Objects with no fact are left out.</summary>
    private static Dictionary<ResourceKey, SortedDictionary<(string Scope, string Field), string>> Facts(IEnumerable<JsonElement> objects, string controller, StatusComparisonOptions options)
    {
        var result = new Dictionary<ResourceKey, SortedDictionary<(string Scope, string Field), string>>();
        foreach (var obj in objects)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var facts = new SortedDictionary<(string Scope, string Field), string>(Comparer<(string, string)>.Create((x, y) =>
            {
                var c = string.CompareOrdinal(x.Item1, y.Item1);
                return c != 0 ? c : string.CompareOrdinal(x.Item2, y.Item2);
            }));
            Conditions(facts, string.Empty, status, options);
            if (options.CompareAttachedCounts && status.TryGetProperty("attachedListenerSets", out var sets) && sets.ValueKind == JsonValueKind.Number)
            {
                facts[(string.Empty, "attachedListenerSets")] = sets.GetRawText();
            }

            foreach (var listener in Items(status, "listeners"))
            {
                var scope = $"listeners[{Text(listener, "name")}]";
                Conditions(facts, scope, listener, options);
                if (options.CompareAttachedCounts && listener.TryGetProperty("attachedRoutes", out var attached))
                {
                    facts[(scope, "attachedRoutes")] = attached.GetRawText();
                }

                if (options.CompareSupportedKinds)
                {
                    facts[(scope, "supportedKinds")] = string.Join(", ", Items(listener, "supportedKinds")
                        .Select(k => $"{Text(k, "kind")}.{(k.TryGetProperty("group", out var g) ? g.GetString() : Groups.Gateway)}").Order(StringComparer.Ordinal));
                }
            }

            foreach (var (array, refName) in new[] { ("parents", "parentRef"), ("ancestors", "ancestorRef") })
            {
                foreach (var entry in Items(status, array).Where(e => Text(e, "controllerName") == controller))
                {
                    var reference = entry.TryGetProperty(refName, out var r) ? r : default;
                    Conditions(facts, $"{array}[{Reference(reference)}]", entry, options);
                }
            }

            if (facts.Count > 0)
            {
                result[Key(obj)] = facts;
            }
        }

        return result;
    }

    private static void Conditions(SortedDictionary<(string Scope, string Field), string> facts, string scope, JsonElement holder, StatusComparisonOptions options)
    {
        foreach (var condition in Items(holder, "conditions"))
        {
            var value = new StringBuilder(Text(condition, "status"));
            if (options.CompareReasons)
            {
                value.Append(" (").Append(Text(condition, "reason")).Append(')');
            }

            if (options.CompareObservedGeneration && condition.TryGetProperty("observedGeneration", out var generation))
            {
                value.Append(" at generation ").Append(generation.GetRawText());
            }

            if (options.CompareMessages)
            {
                value.Append(": ").Append(Text(condition, "message"));
            }

            facts[(scope, "condition " + Text(condition, "type"))] = value.ToString();
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement holder, string name)
    {
        if (holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                yield return item;
            }
        }
    }

    private static string Text(JsonElement holder, string name)
        => holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : string.Empty;

    /// <summary>A parent or ancestor reference as <c>Kind namespace/name/section:port</c>, with Gateway API defaults.</summary>
    private static string Reference(JsonElement reference)
    {
        var kind = Text(reference, "kind");
        var text = new StringBuilder(kind.Length == 0 ? "Gateway" : kind).Append(' ');
        var ns = Text(reference, "namespace");
        if (ns.Length > 0)
        {
            text.Append(ns).Append('/');
        }

        text.Append(Text(reference, "name"));
        if (Text(reference, "sectionName") is { Length: > 0 } section)
        {
            text.Append('/').Append(section);
        }

        if (Text(reference, "port") is { Length: > 0 } port)
        {
            text.Append(':').Append(port);
        }

        return text.ToString();
    }

    private static ResourceKey Key(JsonElement obj)
    {
        var apiVersion = Text(obj, "apiVersion");
        var slash = apiVersion.LastIndexOf('/');
        var metadata = obj.TryGetProperty("metadata", out var m) ? m : default;
        return new ResourceKey(slash < 0 ? string.Empty : apiVersion[..slash], Text(obj, "kind"), Text(metadata, "namespace"), Text(metadata, "name"));
    }

    /// <summary>The number as the engine writes it.</summary>
    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
