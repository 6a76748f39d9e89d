using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Explain;

/// <summary>
/// The JSON (and YAML) of an explanation, written token by token. A Gateway's or ListenerSet's explanation lists each
/// route once, under <c>routes</c>, with the listeners of the owner it attached to and, per parentRef, the causes of
/// the listeners that refused it (listener names grouped by cause); each listener gives the number of verdicts on it
/// by cause and the keys of the routes attached to it, so that 50,000 routes on 64 listeners take tens of megabytes,
/// not the 3.2 million (route, listener) records of a listener-first schema. A verdict's message is in the route's own
/// explanation (<c>explain KEY</c>). Other explanations are written as their records serialize.
/// </summary>
internal static class ExplainJson
{
    private static readonly BindingCause[] CausesByName =
        [.. Enum.GetValues<BindingCause>().OrderBy(c => c.ToString(), StringComparer.Ordinal)];

    private static readonly string[] CauseNames = [.. CausesByName.Select(c => c.ToString())];

    /// <summary>A cause's position in <see cref="CausesByName"/>, by its value.</summary>
    private static readonly int[] NameOrder = [.. Enum.GetValues<BindingCause>().Select(c => Array.IndexOf(CausesByName, c))];

    /// <summary>Writes an explanation.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="explanation">A record from <see cref="ExplainBuilder"/>.</param>
    /// <param name="result">The evaluation it was built from.</param>
    public static void Write(Utf8JsonWriter writer, object explanation, EvaluationResult result)
    {
        switch (explanation)
        {
            case GatewayExplanation gateway:
                writer.WriteStartObject();
                Property(writer, "object", gateway.Object);
                writer.WriteString("gatewayClassName", gateway.GatewayClassName);
                Property(writer, "controllerNames", gateway.ControllerNames);
                writer.WriteBoolean("managed", gateway.Managed);
                Property(writer, "conditions", gateway.Conditions);
                Owner(writer, result, gateway.Object.ToKey(), gateway.Listeners);
                writer.WriteNumber("attachedListenerSets", gateway.AttachedListenerSets);
                Property(writer, "listenerSets", gateway.ListenerSets);
                Routes(writer, result, gateway.Object.ToKey());
                Property(writer, "policies", gateway.Policies);
                writer.WriteEndObject();
                break;
            case ListenerSetExplanation set:
                writer.WriteStartObject();
                Property(writer, "object", set.Object);
                Property(writer, "parent", set.Parent);
                Property(writer, "controllerNames", set.ControllerNames);
                writer.WriteBoolean("managed", set.Managed);
                Property(writer, "conditions", set.Conditions);
                Owner(writer, result, set.Object.ToKey(), set.Listeners);
                Routes(writer, result, set.Object.ToKey());
                Property(writer, "policies", set.Policies);
                writer.WriteEndObject();
                break;
            default:
                JsonOutput.WriteValue(writer, explanation);
                break;
        }
    }

    private static void Property(Utf8JsonWriter writer, string name, object value)
    {
        writer.WritePropertyName(name);
        JsonOutput.WriteValue(writer, value);
    }

    /// <summary>The owner's listeners, each with its verdicts counted by cause and the keys of the routes attached to it.</summary>
    private static void Owner(Utf8JsonWriter writer, EvaluationResult result, ResourceKey owner, IReadOnlyList<ListenerRecord> listeners)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < listeners.Count; i++)
        {
            index.TryAdd(listeners[i].Name, i);
        }

        var counts = new int[listeners.Count, CausesByName.Length];
        var attached = new List<string>?[listeners.Count];
        foreach (var route in result.Routes)
        {
            string? key = null;
            foreach (var parent in route.Parents)
            {
                for (var i = 0; i < parent.ListenerCount; i++)
                {
                    var outcome = parent.OutcomeAt(i);
                    if (outcome.Owner != owner || !index.TryGetValue(outcome.ListenerName, out var at))
                    {
                        continue;
                    }

                    counts[at, (int)outcome.Cause]++;
                    if (outcome.Attached)
                    {
                        var keys = attached[at] ??= [];
                        key ??= route.Route.Key.ToString();
                        if (keys.Count == 0 || !ReferenceEquals(keys[^1], key))
                        {
                            keys.Add(key);
                        }
                    }
                }
            }
        }

        writer.WriteStartArray("listeners");
        for (var i = 0; i < listeners.Count; i++)
        {
            var l = listeners[i];
            writer.WriteStartObject();
            writer.WriteString("name", l.Name);
            writer.WriteString("protocol", l.Protocol);
            writer.WriteNumber("port", l.Port);
            writer.WriteString("hostname", l.Hostname);
            writer.WriteString("state", l.State);
            Property(writer, "supportedKinds", l.SupportedKinds);
            writer.WriteNumber("attachedRoutes", l.AttachedRoutes);
            Property(writer, "conditions", l.Conditions);
            writer.WriteStartObject("verdicts");
            for (var c = 0; c < CausesByName.Length; c++)
            {
                if (counts[i, (int)CausesByName[c]] is > 0 and var count)
                {
                    writer.WriteNumber(CauseNames[c], count);
                }
            }

            writer.WriteEndObject();
            writer.WriteStartArray("attached");
            foreach (var key in attached[i] ?? [])
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            Flush(writer);
        }

        writer.WriteEndArray();
    }

    /// <summary>Each route that names the owner, once, in the evaluation's order (by key), written as it is read.</summary>
    private static void Routes(Utf8JsonWriter writer, EvaluationResult result, ResourceKey owner)
    {
        var listeners = new List<string>();
        var scratch = new List<string>();
        var refused = new List<string>[CausesByName.Length];
        for (var i = 0; i < refused.Length; i++)
        {
            refused[i] = [];
        }

        writer.WriteStartArray("routes");
        foreach (var route in result.Routes)
        {
            if (!ExplainBuilder.Names(route, owner, listeners, out var accepted))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("key", route.Route.Key.ToString());
            var key = route.Route.Key;
            writer.WriteStartObject("route");
            writer.WriteString("group", key.Group);
            writer.WriteString("kind", key.Kind);
            writer.WriteString("namespace", key.Namespace);
            writer.WriteString("name", key.Name);
            writer.WriteEndObject();
            writer.WriteBoolean("accepted", accepted);
            writer.WriteStartArray("listeners");
            foreach (var name in listeners)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("parents");
            foreach (var parent in route.Parents)
            {
                scratch.Clear();
                if (ExplainBuilder.Concerns(parent, owner, scratch))
                {
                    Parent(writer, parent, owner, refused);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            Flush(writer);
        }

        writer.WriteEndArray();
    }

    /// <summary>Hands what is written so far to the output once there is a chunk of it (a writer on a stream keeps everything until flushed).</summary>
    private static void Flush(Utf8JsonWriter writer)
    {
        if (writer.BytesPending >= 1 << 16)
        {
            writer.Flush();
        }
    }

    /// <summary>One parentRef of a route seen from the owner: the listeners it attached to with their hostnames, and the refusals grouped by cause.</summary>
    private static void Parent(Utf8JsonWriter writer, RouteParentResult parent, ResourceKey owner, List<string>[] refused)
    {
        writer.WriteStartObject();
        writer.WriteNumber("parentIndex", parent.ParentIndex);
        writer.WriteBoolean("accepted", parent.IsAccepted);
        writer.WriteStartArray("attached");
        foreach (var list in refused)
        {
            list.Clear();
        }

        for (var i = 0; i < parent.ListenerCount; i++)
        {
            var outcome = parent.OutcomeAt(i);
            if (outcome.Owner != owner)
            {
                continue;
            }

            if (!outcome.Attached)
            {
                refused[NameOrder[(int)outcome.Cause]].Add(outcome.ListenerName);
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("listener", outcome.ListenerName);
            writer.WriteStartArray("hostnames");
            foreach (var hostname in outcome.Hostnames)
            {
                writer.WriteStringValue(hostname);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("refused");
        for (var c = 0; c < CausesByName.Length; c++)
        {
            if (refused[c].Count == 0)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("cause", CauseNames[c]);
            writer.WriteStartArray("listeners");
            foreach (var listener in refused[c])
            {
                writer.WriteStringValue(listener);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
