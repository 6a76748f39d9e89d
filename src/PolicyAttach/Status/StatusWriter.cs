using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach;

/// <summary>How conditions get their <c>lastTransitionTime</c>.</summary>
public sealed record StatusWriterOptions
{
    /// <summary>
    /// The time written as <c>lastTransitionTime</c> for a condition that changed; null writes no time at all.
    /// The engine has no clock: the caller decides.
    /// </summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>
    /// The previous conditions, to keep the time of one whose status and reason did not change. Called with the
    /// object, the scope (<c>""</c>, <c>listeners/NAME</c> or <c>parents/INDEX</c>) and the condition type.
    /// </summary>
    public Func<ResourceKey, string, string, Condition?>? Previous { get; init; }

    /// <summary>Whether to indent the JSON.</summary>
    public bool Indented { get; init; } = true;

    /// <summary>Which objects to write (for example those a label selector keeps); null writes every object.</summary>
    public Func<ResourceKey, bool>? Include { get; init; }
}

/// <summary>
/// Writes an <see cref="EvaluationResult"/> as Kubernetes status subresources: one JSON array with an element per
/// object whose status this controller writes, sorted by (group, kind, namespace, name); conditions sorted by
/// type, listeners and parents in spec order (the CLI contract of <c>policyattach status</c>).
/// </summary>
public static class StatusWriter
{
    /// <summary>Writes the statuses as a JSON string.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="options">Time stamping and formatting.</param>
    /// <returns>The JSON array.</returns>
    public static string ToJson(EvaluationResult result, StatusWriterOptions? options = null)
    {
        using var stream = new MemoryStream();
        options ??= new StatusWriterOptions();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions(options.Indented)))
        {
            Write(result, writer, options);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// The JSON writer options PolicyAttach uses everywhere: messages keep their quotes readable, and new lines are
    /// <c>\n</c> on every platform so that output is byte-identical.
    /// </summary>
    /// <param name="indented">Whether to indent.</param>
    /// <returns>The options.</returns>
    public static JsonWriterOptions WriterOptions(bool indented) => new()
    {
        Indented = indented,
#if NET9_0_OR_GREATER
        NewLine = "\n",
#endif
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private const int FlushBytes = 1 << 16;

    /// <summary>Writes the statuses to a JSON writer.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="writer">The destination.</param>
    /// <param name="options">Time stamping.</param>
    public static void Write(EvaluationResult result, Utf8JsonWriter writer, StatusWriterOptions? options = null)
    {
        Guard.NotNull(result);
        Guard.NotNull(writer);
        options ??= new StatusWriterOptions();
        var entries = new List<(ResourceKey Key, Action Write)>();
        foreach (var cls in result.GatewayClasses)
        {
            entries.Add((cls.GatewayClass.Key, () => WriteGatewayClass(writer, cls, options)));
        }

        foreach (var gateway in result.Gateways)
        {
            entries.Add((gateway.Gateway.Key, () => WriteGateway(writer, gateway, options)));
        }

        foreach (var set in result.ListenerSets)
        {
            entries.Add((set.ListenerSet.Key, () => WriteListenerSet(writer, set, options)));
        }

        foreach (var route in result.Routes)
        {
            entries.Add((route.Route.Key, () => WriteRoute(writer, route, options)));
        }

        foreach (var policy in result.Policies.Statuses)
        {
            entries.Add((policy.Resource.Key, () => WritePolicy(writer, policy, options)));
        }

        writer.WriteStartArray();
        foreach (var entry in entries.OrderBy(e => e.Key))
        {
            if (options.Include is { } include && !include(entry.Key))
            {
                continue;
            }

            entry.Write();
            if (writer.BytesPending > FlushBytes)
            {
                // A writer over a stream holds everything until flushed: pass large outputs on as they are written.
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteHeader(Utf8JsonWriter writer, KubeObject obj)
    {
        writer.WriteStartObject();
        writer.WriteString("apiVersion", obj.ApiVersion);
        writer.WriteString("kind", obj.Kind);
        writer.WriteStartObject("metadata");
        if (obj.Namespace.Length > 0)
        {
            writer.WriteString("namespace", obj.Namespace);
        }

        writer.WriteString("name", obj.Name);
        writer.WriteNumber("generation", obj.Metadata.Generation);
        writer.WriteEndObject();
        writer.WriteStartObject("status");
    }

    private static void WriteFooter(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteGatewayClass(Utf8JsonWriter writer, GatewayClassResult result, StatusWriterOptions options)
    {
        WriteHeader(writer, result.GatewayClass);
        WriteConditions(writer, result.Conditions, result.GatewayClass.Key, string.Empty, options);
        writer.WriteStartArray("supportedFeatures");
        foreach (var feature in result.SupportedFeatures)
        {
            writer.WriteStartObject();
            writer.WriteString("name", feature);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteFooter(writer);
    }

    private static void WriteGateway(Utf8JsonWriter writer, GatewayResult result, StatusWriterOptions options)
    {
        WriteHeader(writer, result.Gateway);
        WriteConditions(writer, result.Conditions, result.Gateway.Key, string.Empty, options);
        WriteListeners(writer, result.Listeners, result.Gateway.Key, options);
        writer.WriteNumber("attachedListenerSets", result.AttachedListenerSets);
        WriteFooter(writer);
    }

    private static void WriteListenerSet(Utf8JsonWriter writer, ListenerSetResult result, StatusWriterOptions options)
    {
        WriteHeader(writer, result.ListenerSet);
        WriteConditions(writer, result.Conditions, result.ListenerSet.Key, string.Empty, options);
        WriteListeners(writer, result.Listeners, result.ListenerSet.Key, options);
        WriteFooter(writer);
    }

    private static void WriteListeners(Utf8JsonWriter writer, IEnumerable<ListenerResult> listeners, ResourceKey owner, StatusWriterOptions options)
    {
        writer.WriteStartArray("listeners");
        foreach (var listener in listeners)
        {
            writer.WriteStartObject();
            writer.WriteString("name", listener.Name);
            writer.WriteStartArray("supportedKinds");
            foreach (var kind in listener.SupportedKinds)
            {
                writer.WriteStartObject();
                writer.WriteString("group", kind.Group);
                writer.WriteString("kind", kind.Kind);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("attachedRoutes", listener.AttachedRoutes);
            WriteConditions(writer, listener.Conditions, owner, "listeners/" + listener.Name, options);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteRoute(Utf8JsonWriter writer, RouteResult result, StatusWriterOptions options)
    {
        WriteHeader(writer, result.Route);
        writer.WriteStartArray("parents");
        foreach (var parent in result.Parents)
        {
            writer.WriteStartObject();
            WriteParentRef(writer, "parentRef", parent.ParentRef);
            writer.WriteString("controllerName", parent.ControllerName);
            WriteConditions(writer, parent.Conditions, result.Route.Key, "parents/" + parent.ParentIndex.ToString(CultureInfo.InvariantCulture), options);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteFooter(writer);
    }

    private static void WritePolicy(Utf8JsonWriter writer, PolicyStatusResult result, StatusWriterOptions options)
    {
        WriteHeader(writer, result.Resource);
        writer.WriteStartArray("ancestors");
        foreach (var ancestor in result.Ancestors)
        {
            writer.WriteStartObject();
            WriteParentRef(writer, "ancestorRef", ancestor.AncestorRef);
            writer.WriteString("controllerName", ancestor.ControllerName);
            var scope = "ancestors/" + ancestor.AncestorRef.Kind + "/" + ancestor.AncestorRef.Namespace + "/" + ancestor.AncestorRef.Name + "/" + ancestor.AncestorRef.SectionName;
            WriteConditions(writer, ancestor.Conditions, result.Resource.Key, scope, options);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteFooter(writer);
    }

    /// <summary>Writes a parent reference with its defaults filled in, as conformance compares it.</summary>
    internal static void WriteParentRef(Utf8JsonWriter writer, string name, ParentReference parentRef)
    {
        writer.WriteStartObject(name);
        writer.WriteString("group", parentRef.Group);
        writer.WriteString("kind", parentRef.Kind);
        if (parentRef.Namespace.Length > 0)
        {
            writer.WriteString("namespace", parentRef.Namespace);
        }

        writer.WriteString("name", parentRef.Name);
        if (parentRef.SectionName is not null)
        {
            writer.WriteString("sectionName", parentRef.SectionName);
        }

        if (parentRef.Port is { } port)
        {
            writer.WriteNumber("port", port);
        }

        writer.WriteEndObject();
    }

    internal static void WriteConditions(Utf8JsonWriter writer, IEnumerable<Condition> conditions, ResourceKey key, string scope, StatusWriterOptions options)
    {
        writer.WriteStartArray("conditions");
        foreach (var condition in conditions)
        {
            writer.WriteStartObject();
            writer.WriteString("type", condition.Type.Value);
            writer.WriteString("status", condition.Status.Value);
            writer.WriteString("reason", condition.Reason.Value);
            writer.WriteString("message", condition.Message);
            writer.WriteNumber("observedGeneration", condition.ObservedGeneration);
            var time = TransitionTime(condition, key, scope, options);
            if (time is { } t)
            {
                writer.WriteString("lastTransitionTime", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static DateTimeOffset? TransitionTime(Condition condition, ResourceKey key, string scope, StatusWriterOptions options)
    {
        if (options.Previous?.Invoke(key, scope, condition.Type) is { LastTransitionTime: { } previousTime } previous
            && previous.Status == condition.Status && previous.Reason == condition.Reason)
        {
            return previousTime;
        }

        return condition.LastTransitionTime ?? options.Time;
    }
}
