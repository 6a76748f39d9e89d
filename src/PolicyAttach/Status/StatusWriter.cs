using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Collections;
using PolicyAttach.Status;

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
    /// object, the scope of the condition list and the condition type.
    /// </summary>
    public Func<ResourceKey, ConditionScope, ConditionType, Condition?>? Previous { get; init; }

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
        var include = options.Include;
        WriteArray(StatusModel.Entries(result).Where(e => include is null || include(e.Key)).Select(e => e.Build()), writer, options);
    }

    /// <summary>
    /// Writes typed statuses (from <see cref="StatusModel"/>, or the changed ones of an incremental evaluation) as a
    /// JSON array, in the order given, each element as <see cref="Write"/>
    /// writes it.
    /// </summary>
    /// <param name="statuses">The statuses.</param>
    /// <param name="writer">The destination.</param>
    /// <param name="options">Time stamping and the objects to keep.</param>
    public static void WriteStatuses(IEnumerable<ResourceStatus> statuses, Utf8JsonWriter writer, StatusWriterOptions? options = null)
    {
        Guard.NotNull(statuses);
        Guard.NotNull(writer);
        options ??= new StatusWriterOptions();
        var include = options.Include;
        WriteArray(statuses.Where(s => include is null || include(s.Key)), writer, options);
    }

    private static void WriteArray(IEnumerable<ResourceStatus> statuses, Utf8JsonWriter writer, StatusWriterOptions options)
    {
        writer.WriteStartArray();
        foreach (var status in statuses)
        {
            WriteObject(writer, status, options);
            if (writer.BytesPending > FlushBytes)
            {
                // A writer over a stream holds everything until flushed: pass large outputs on as they are written.
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes one status as the element of the status array: <c>apiVersion</c>, <c>kind</c>, <c>metadata</c> (namespace,
    /// name, generation) and <c>status</c>.
    /// </summary>
    /// <param name="writer">The destination.</param>
    /// <param name="status">The status.</param>
    /// <param name="options">Time stamping.</param>
    public static void WriteObject(Utf8JsonWriter writer, ResourceStatus status, StatusWriterOptions? options = null)
    {
        Guard.NotNull(writer);
        Guard.NotNull(status);
        writer.WriteStartObject();
        writer.WriteString("apiVersion", status.ApiVersion);
        writer.WriteString("kind", status.Key.Kind);
        writer.WriteStartObject("metadata");
        if (status.Key.Namespace.Length > 0)
        {
            writer.WriteString("namespace", status.Key.Namespace);
        }

        writer.WriteString("name", status.Key.Name);
        writer.WriteNumber("generation", status.Generation);
        writer.WriteEndObject();
        writer.WritePropertyName("status");
        WriteStatus(writer, status, options);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the <c>status</c> object of one status. Conditions get their <c>lastTransitionTime</c> as
    /// <see cref="ResourceStatus.WithTransitionTimes"/> gives it from <see cref="StatusWriterOptions.Time"/> and
    /// <see cref="StatusWriterOptions.Previous"/>.
    /// </summary>
    /// <param name="writer">The destination.</param>
    /// <param name="status">The status.</param>
    /// <param name="options">Time stamping.</param>
    /// <param name="sharedEntries">
    /// Called at the start of <c>parents</c> or <c>ancestors</c> (with the list's name) to write entries before this
    /// controller's: a merge patch replaces arrays whole, so the entries of other controllers are written there.
    /// </param>
    public static void WriteStatus(Utf8JsonWriter writer, ResourceStatus status, StatusWriterOptions? options = null, Action<Utf8JsonWriter, string>? sharedEntries = null)
    {
        Guard.NotNull(writer);
        Guard.NotNull(status);
        options ??= new StatusWriterOptions();
        status = status.WithTransitionTimes(options.Time, options.Previous);
        writer.WriteStartObject();
        switch (status)
        {
            case GatewayClassStatus cls:
                WriteConditions(writer, cls.Conditions);
                writer.WriteStartArray("supportedFeatures");
                foreach (var feature in cls.SupportedFeatures)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", feature);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            case GatewayStatus gateway:
                WriteConditions(writer, gateway.Conditions);
                WriteListeners(writer, gateway.Listeners);
                writer.WriteNumber("attachedListenerSets", gateway.AttachedListenerSets);
                break;
            case ListenerSetStatus set:
                WriteConditions(writer, set.Conditions);
                WriteListeners(writer, set.Listeners);
                break;
            case RouteStatus route:
                writer.WriteStartArray("parents");
                sharedEntries?.Invoke(writer, "parents");
                foreach (var parent in route.Parents)
                {
                    writer.WriteStartObject();
                    WriteParentRef(writer, "parentRef", parent.ParentRef);
                    writer.WriteString("controllerName", parent.ControllerName);
                    WriteConditions(writer, parent.Conditions);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            case PolicyStatus policy:
                writer.WriteStartArray("ancestors");
                sharedEntries?.Invoke(writer, "ancestors");
                foreach (var ancestor in policy.Ancestors)
                {
                    writer.WriteStartObject();
                    WriteParentRef(writer, "ancestorRef", ancestor.AncestorRef);
                    writer.WriteString("controllerName", ancestor.ControllerName);
                    WriteConditions(writer, ancestor.Conditions);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteListeners(Utf8JsonWriter writer, EquatableArray<ListenerStatus> listeners)
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
            WriteConditions(writer, listener.Conditions);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
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

    private static void WriteConditions(Utf8JsonWriter writer, EquatableArray<Condition> conditions)
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
            if (condition.LastTransitionTime is { } t)
            {
                writer.WriteString("lastTransitionTime", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
