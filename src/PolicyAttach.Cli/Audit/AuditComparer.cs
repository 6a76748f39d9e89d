using System.Globalization;
using System.Text.Json;
using PolicyAttach.Findings;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Audit;

/// <summary>
/// Compares, object by object, the status a controller wrote with the status the engine computes for the same
/// controller names: conditions by type (status, reason, observedGeneration; the message and lastTransitionTime only
/// when asked, see <see cref="AuditOptions"/>), Gateway and ListenerSet listeners (<c>attachedRoutes</c>,
/// <c>supportedKinds</c>, conditions), and the route <c>parents</c> and policy <c>ancestors</c> entries of those
/// controllers, present or missing. Condition types the engine does not compute are implementation-specific and
/// not compared. Pure: the same statuses give the same differences, sorted by object then path.
/// </summary>
internal static class AuditComparer
{
    /// <summary>A condition differs in status, reason, observedGeneration or (when asked) message.</summary>
    public const string ConditionDiffers = FindingCodes.AuditConditionDiffers;

    /// <summary>Something the engine computes is not written: a condition, a listener, a parent or ancestor entry, a whole status.</summary>
    public const string Missing = FindingCodes.AuditMissing;

    /// <summary>The controller wrote an entry the engine does not compute: a listener, a parent or an ancestor.</summary>
    public const string Unexpected = FindingCodes.AuditUnexpected;

    /// <summary>A listener's <c>attachedRoutes</c> or <c>supportedKinds</c> differs.</summary>
    public const string FieldDiffers = FindingCodes.AuditFieldDiffers;

    /// <summary>Compares every object.</summary>
    /// <param name="computed">The statuses the engine computes (<c>StatusWriter</c>'s array), by object.</param>
    /// <param name="written">The statuses found in the input, by object.</param>
    /// <param name="controllers">The controller names acted for (their parents and ancestors entries are compared).</param>
    /// <param name="options">What is compared beyond status, reason and observedGeneration.</param>
    /// <returns>The differences, sorted by object and path.</returns>
    public static IReadOnlyList<AuditDifference> Compare(IReadOnlyDictionary<ResourceKey, JsonElement> computed, IReadOnlyDictionary<ResourceKey, JsonElement> written,
        IReadOnlyCollection<string> controllers, AuditOptions options)
    {
        var differences = new List<AuditDifference>();
        foreach (var (key, status) in computed)
        {
            var context = new Context(key, controllers, options, differences);
            if (!written.TryGetValue(key, out var observed))
            {
                context.Add("status", Missing, null, "a status", $"{key} has no status: its controller has not written one");
                continue;
            }

            context.Compare(status, observed);
        }

        foreach (var (key, observed) in written)
        {
            if (!computed.ContainsKey(key))
            {
                // The engine writes nothing here for these controllers: any parents or ancestors entry of theirs is stale.
                var context = new Context(key, controllers, options, differences);
                context.Entries("parents", "parentRef", default, observed);
                context.Entries("ancestors", "ancestorRef", default, observed);
            }
        }

        differences.Sort((a, b) => a.Subject.CompareTo(b.Subject) is var c and not 0 ? c : string.CompareOrdinal(a.Path, b.Path) is var p and not 0 ? p : string.CompareOrdinal(a.Code, b.Code));
        return differences;
    }

    private sealed record Context(ResourceKey Key, IReadOnlyCollection<string> Controllers, AuditOptions Options, List<AuditDifference> Differences)
    {
        public void Add(string path, string code, string? written, string? computed, string message)
            => Differences.Add(new AuditDifference(Key, path, code, written, computed, message));

        public void Compare(JsonElement computed, JsonElement written)
        {
            Conditions("status.conditions", Array(computed, "conditions"), Array(written, "conditions"));
            if (computed.TryGetProperty("listeners", out _))
            {
                Listeners(computed, written);
            }

            Entries("parents", "parentRef", computed, written);
            Entries("ancestors", "ancestorRef", computed, written);
        }

        private void Listeners(JsonElement computed, JsonElement written)
        {
            var observed = Array(written, "listeners").Where(l => Text(l, "name") is not null).GroupBy(l => Text(l, "name")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var expected = Array(computed, "listeners").Where(l => Text(l, "name") is not null).ToList();
            foreach (var listener in expected)
            {
                var name = Text(listener, "name")!;
                var path = $"status.listeners[{name}]";
                if (!observed.TryGetValue(name, out var mine))
                {
                    Add(path, Missing, null, "an entry", $"listener {name} has no status entry");
                    continue;
                }

                var wantRoutes = Number(listener, "attachedRoutes");
                var gotRoutes = Number(mine, "attachedRoutes");
                if (wantRoutes != gotRoutes)
                {
                    Add(path + ".attachedRoutes", FieldDiffers, gotRoutes?.ToString(CultureInfo.InvariantCulture), wantRoutes?.ToString(CultureInfo.InvariantCulture),
                        $"listener {name}: attachedRoutes is {Show(gotRoutes)}, the engine counts {Show(wantRoutes)}");
                }

                var wantKinds = Kinds(listener);
                var gotKinds = Kinds(mine);
                if (wantKinds != gotKinds)
                {
                    Add(path + ".supportedKinds", FieldDiffers, gotKinds, wantKinds, $"listener {name}: supportedKinds is [{gotKinds}], the engine computes [{wantKinds}]");
                }

                Conditions(path + ".conditions", Array(listener, "conditions"), Array(mine, "conditions"));
            }

            foreach (var name in observed.Keys.Except(expected.Select(l => Text(l, "name")!), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                Add($"status.listeners[{name}]", Unexpected, "an entry", null, $"listener {name} has a status entry, but the Gateway has no such listener");
            }
        }

        /// <summary>Compares the entries of these controllers in <c>status.parents</c> or <c>status.ancestors</c>, by reference.</summary>
        public void Entries(string list, string refField, JsonElement computed, JsonElement written)
        {
            var expected = computed.ValueKind == JsonValueKind.Object ? Array(computed, list).ToList() : [];
            var observed = Array(written, list).Where(e => Text(e, "controllerName") is { } c && Controllers.Contains(c)).ToList();
            if (expected.Count == 0 && observed.Count == 0)
            {
                return;
            }

            var byRef = observed.GroupBy(e => Ref(e, refField, Key.Namespace)).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in expected)
            {
                var reference = Ref(entry, refField, Key.Namespace);
                seen.Add(reference);
                var path = $"status.{list}[{reference}]";
                if (!byRef.TryGetValue(reference, out var mine))
                {
                    var accepted = Array(entry, "conditions").FirstOrDefault(c => Text(c, "type") == "Accepted");
                    Add(path, Missing, null, "an entry", $"no {list} entry for {reference}" + (accepted.ValueKind == JsonValueKind.Object ? $" (the engine computes Accepted={Text(accepted, "status")} ({Text(accepted, "reason")}))" : string.Empty));
                    continue;
                }

                Conditions(path + ".conditions", Array(entry, "conditions"), Array(mine, "conditions"));
            }

            foreach (var reference in byRef.Keys.Where(r => !seen.Contains(r)).Order(StringComparer.Ordinal))
            {
                Add($"status.{list}[{reference}]", Unexpected, "an entry", null, $"a {list} entry for {reference} is written, but the engine computes none for it");
            }
        }

        private void Conditions(string path, IEnumerable<JsonElement> computed, IEnumerable<JsonElement> written)
        {
            var observed = written.Where(c => Text(c, "type") is not null).GroupBy(c => Text(c, "type")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var condition in computed)
            {
                if (Text(condition, "type") is not { } type)
                {
                    continue;
                }

                var at = $"{path}[{type}]";
                var want = $"{Text(condition, "status")} ({Text(condition, "reason")})";
                if (!observed.TryGetValue(type, out var mine))
                {
                    Add(at, Missing, null, want, $"condition {type} is not written; the engine computes {type}={want}");
                    continue;
                }

                var got = $"{Text(mine, "status")} ({Text(mine, "reason")})";
                if (got != want)
                {
                    Add(at, ConditionDiffers, got, want, $"{type}={got} is written; the engine computes {type}={want}");
                }

                var wantGeneration = Number(condition, "observedGeneration");
                var gotGeneration = Number(mine, "observedGeneration");
                if (wantGeneration is not null && wantGeneration != gotGeneration)
                {
                    Add(at + ".observedGeneration", ConditionDiffers, Show(gotGeneration), Show(wantGeneration),
                        $"{type} observedGeneration is {Show(gotGeneration)}, the object's generation is {Show(wantGeneration)}: the status is stale");
                }

                if (Options.CompareMessages && Text(condition, "message") is var wantMessage && Text(mine, "message") is var gotMessage && wantMessage != gotMessage)
                {
                    Add(at + ".message", ConditionDiffers, gotMessage, wantMessage, $"{type} message is \"{gotMessage}\"; the engine writes \"{wantMessage}\"");
                }

                if (Options.CompareTimestamps)
                {
                    Timestamp(at + ".lastTransitionTime", type, mine);
                }
            }
        }

        /// <summary>
        /// The engine has no clock, so a written lastTransitionTime is checked against what one status can show: it
        /// is written (the CRDs require it), it is an RFC 3339 time, and it is not before the object's
        /// creationTimestamp (a condition cannot have changed before its object existed).
        /// </summary>
        private void Timestamp(string at, string type, JsonElement written)
        {
            var text = written.TryGetProperty("lastTransitionTime", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (text is null)
            {
                Add(at, ConditionDiffers, null, "an RFC 3339 time", $"{type} lastTransitionTime is not written; the CRD requires it");
            }
            else if (!Commands.StatusCommand.TryParseTime(text, out var time, out _) || time is null)
            {
                Add(at, ConditionDiffers, text, "an RFC 3339 time", $"{type} lastTransitionTime \"{text}\" is not an RFC 3339 time");
            }
            else if (Options.CreatedAt.TryGetValue(Key, out var created) && time < created)
            {
                var shown = created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                Add(at, ConditionDiffers, text, "not before " + shown,
                    $"{type} lastTransitionTime {text} is before the object was created ({shown}): the condition cannot have changed then");
            }
        }
    }

    /// <summary>
    /// A reference as text with the CRD defaults applied (group <c>gateway.networking.k8s.io</c>, kind Gateway,
    /// namespace the object's own), e.g. <c>Gateway/infra/web:http</c>.
    /// </summary>
    private static string Ref(JsonElement entry, string field, string defaultNamespace)
    {
        if (!entry.TryGetProperty(field, out var r) || r.ValueKind != JsonValueKind.Object)
        {
            return "?";
        }

        var group = Text(r, "group") ?? Groups.Gateway;
        var kind = Text(r, "kind") ?? Model.Kinds.Gateway.Kind;
        var text = (group == Groups.Gateway || group.Length == 0 ? kind : kind + "." + group) + "/" + ((Text(r, "namespace") ?? defaultNamespace) is { Length: > 0 } ns ? ns + "/" : string.Empty) + Text(r, "name");
        if (Text(r, "sectionName") is { } section)
        {
            text += ":" + section;
        }

        if (Number(r, "port") is { } port)
        {
            text += ":" + port.ToString(CultureInfo.InvariantCulture);
        }

        return text;
    }

    private static string Kinds(JsonElement listener)
        => string.Join(", ", Array(listener, "supportedKinds").Select(k => (Text(k, "group") is { } g && g != Groups.Gateway ? g + "/" : string.Empty) + Text(k, "kind")).Order(StringComparer.Ordinal));

    private static IEnumerable<JsonElement> Array(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [];

    private static string? Text(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Number(JsonElement obj, string name)
        => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "absent";
}

/// <summary>What <see cref="AuditComparer"/> compares beyond a condition's status, reason and observedGeneration.</summary>
/// <param name="CompareMessages">Compare condition messages (implementation wording, so off by default).</param>
/// <param name="CompareTimestamps">Check each written lastTransitionTime: present, RFC 3339, not before the object's creation.</param>
/// <param name="CreatedAt">The objects' creationTimestamps as the input wrote them (objects without one are absent).</param>
internal sealed record AuditOptions(bool CompareMessages, bool CompareTimestamps, IReadOnlyDictionary<ResourceKey, DateTimeOffset> CreatedAt);

/// <summary>One difference between the written and the computed status.</summary>
/// <param name="Subject">The object.</param>
/// <param name="Path">Where in its status, e.g. <c>status.listeners[http].attachedRoutes</c>.</param>
/// <param name="Code">PA8001 to PA8004.</param>
/// <param name="Written">What the controller wrote, or null when absent.</param>
/// <param name="Computed">What the engine computes, or null when it computes nothing.</param>
/// <param name="Message">One line.</param>
internal sealed record AuditDifference(ResourceKey Subject, string Path, string Code, string? Written, string? Computed, string Message);
