using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyAttach.Model;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>What checking one status expectation found: whether it holds, what it asked for, what we wrote.</summary>
internal sealed record CheckResult(bool Met, string Expected, string Written);

/// <summary>
/// Checks one <c>status[]</c> expectation of <c>cases.json</c> against the status JSON, following the corpus
/// <c>conventions</c>: a condition matches by type, status and reason (null meaning any), and every condition of the
/// same holder must carry <c>observedGeneration == metadata.generation</c>; a route parent (or policy ancestor) is
/// found by controllerName and parentRef group, kind, name and namespace (sectionName and port not compared).
/// </summary>
internal sealed class ExpectationChecker(StatusIndex statuses, string controllerName)
{
    private const string GatewayGroup = "gateway.networking.k8s.io";

    public CheckResult Check(JsonObject expectation)
    {
        var target = expectation["target"]!.AsObject();
        var group = Str(target, "group") ?? GatewayGroup;
        var kind = Str(target, "kind")!;
        var ns = Str(target, "namespace");
        var name = Str(target, "name")!;
        var scope = Str(expectation, "scope")!;
        var condition = expectation["condition"]?.AsObject();
        var assertion = expectation["assert"]?.AsObject();
        var expected = Describe(scope, expectation, condition, assertion);
        var entry = statuses.Find(group, kind, ns, name);
        var subject = $"{kind} {(ns is null ? string.Empty : ns + "/")}{name}";

        if (entry is not { } obj)
        {
            // Upstream helpers that accept an empty status also accept an object without one.
            var vacuous = assertion is not null && (assertion.ContainsKey("noAcceptedParents") || assertion.ContainsKey("zeroAttachedRoutes"));
            return new CheckResult(vacuous, expected, $"no status written for {subject}");
        }

        var status = obj.GetProperty("status");
        var generation = obj.GetProperty("metadata").GetProperty("generation").GetInt64();
        return scope switch
        {
            "object" when condition is not null => Condition(status, condition, generation, expected, subject),
            "object" => ObjectAssert(status, assertion!, generation, expected, subject),
            "listener" or "listenerSetListener" => Listener(status, Str(expectation, "listener")!, condition, assertion, generation, expected, subject),
            "routeParent" => Parent(status, "parents", "parentRef", expectation, ns, condition!, generation, expected, subject),
            "policyAncestor" => Parent(status, "ancestors", "ancestorRef", expectation, ns, condition!, generation, expected, subject),
            _ => new CheckResult(false, expected, $"unknown scope \"{scope}\""),
        };
    }

    private static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Describe(string scope, JsonObject expectation, JsonObject? condition, JsonObject? assertion)
    {
        var where = scope switch
        {
            "listener" or "listenerSetListener" => $"listener {Str(expectation, "listener")}: ",
            "routeParent" => $"parent {Ref(expectation["parentRef"]!.AsObject())}: ",
            "policyAncestor" => $"ancestor {Ref(expectation["ancestorRef"]!.AsObject())}: ",
            _ => string.Empty,
        };
        var what = condition is not null
            ? $"{Str(condition, "type")}={Str(condition, "status") ?? "*"}/{Str(condition, "reason") ?? "*"}"
            : assertion!.ToJsonString();
        return where + what;
    }

    private static string Ref(JsonObject r) => $"{Str(r, "kind") ?? "Gateway"} {Str(r, "namespace")}/{Str(r, "name")}";

    private static string? StaleGeneration(JsonElement holder, long generation)
    {
        var stale = holder.Items("conditions")
            .Where(c => !c.TryGetProperty("observedGeneration", out var g) || g.GetInt64() != generation)
            .Select(c => c.Str("type"))
            .ToList();
        return stale.Count == 0 ? null : $"conditions [{string.Join(", ", stale)}] lack observedGeneration {generation}";
    }

    private static bool Matches(JsonElement? found, JsonObject condition) =>
        found is { } c
        && (Str(condition, "status") is not { } s || c.Str("status") == s)
        && (Str(condition, "reason") is not { } r || c.Str("reason") == r);

    private static CheckResult Condition(JsonElement holder, JsonObject condition, long generation, string expected, string subject)
    {
        var found = holder.Condition(Str(condition, "type")!);
        if (!Matches(found, condition))
        {
            return new CheckResult(false, expected, $"{subject}: {found.Describe()} (conditions {holder.DescribeConditions()})");
        }

        return StaleGeneration(holder, generation) is { } stale
            ? new CheckResult(false, expected, $"{subject}: {stale}")
            : new CheckResult(true, expected, found.Describe());
    }

    private static CheckResult Listener(JsonElement status, string listenerName, JsonObject? condition, JsonObject? assertion, long generation, string expected, string subject)
    {
        var listeners = status.Items("listeners").ToList();
        var listener = listeners.Where(l => l.Str("name") == listenerName).Select(l => (JsonElement?)l).FirstOrDefault();
        if (listener is not { } l)
        {
            return new CheckResult(false, expected, $"{subject}: no listener status \"{listenerName}\" (listeners [{string.Join(", ", listeners.Select(x => x.Str("name")))}])");
        }

        subject += $" listener {listenerName}";
        if (condition is not null)
        {
            return Condition(l, condition, generation, expected, subject);
        }

        var kinds = l.Items("supportedKinds").Select(k => $"{k.Str("group")}/{k.Str("kind")}").ToList();
        var attached = l.TryGetProperty("attachedRoutes", out var a) ? a.GetInt32() : 0;
        if (assertion!["attachedRoutes"] is { } n)
        {
            return new CheckResult(attached == n.GetValue<int>(), expected, $"{subject}: attachedRoutes {attached}");
        }

        if (assertion["supportedKindsInclude"] is JsonArray include)
        {
            var wanted = include.Select(k => $"{Str(k!.AsObject(), "group") ?? GatewayGroup}/{Str(k!.AsObject(), "kind")}").ToList();
            return new CheckResult(wanted.All(kinds.Contains), expected, $"{subject}: supportedKinds [{string.Join(", ", kinds)}]");
        }

        if (assertion.ContainsKey("supportedKindsEmpty"))
        {
            return new CheckResult(kinds.Count == 0, expected, $"{subject}: supportedKinds [{string.Join(", ", kinds)}]");
        }

        return new CheckResult(false, expected, $"unknown listener assertion {assertion.ToJsonString()}");
    }

    private CheckResult ObjectAssert(JsonElement status, JsonObject assertion, long generation, string expected, string subject)
    {
        if (assertion["listenerStatusNamesExactly"] is JsonArray names)
        {
            var wanted = names.Select(x => x!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var written = status.Items("listeners").Select(l => l.Str("name")!).Order(StringComparer.Ordinal).ToList();
            return new CheckResult(wanted.SequenceEqual(written, StringComparer.Ordinal), expected, $"{subject}: listeners [{string.Join(", ", written)}]");
        }

        if (assertion["attachedListenerSets"] is { } sets)
        {
            var written = status.TryGetProperty("attachedListenerSets", out var v) ? v.GetInt32() : 0;
            return new CheckResult(written == sets.GetValue<int>(), expected, $"{subject}: attachedListenerSets {written}");
        }

        if (assertion.ContainsKey("noAcceptedParents"))
        {
            // Upstream: status.parents is empty, or has exactly one entry whose Accepted condition is False.
            var parents = status.Items("parents").ToList();
            var met = parents.Count == 0 || (parents.Count == 1 && parents[0].Condition("Accepted") is { } c && c.Str("status") == "False");
            return new CheckResult(met, expected, $"{subject}: parents [{string.Join("; ", parents.Select(DescribeParent))}]");
        }

        if (assertion.ContainsKey("zeroAttachedRoutes"))
        {
            // Upstream: status.listeners is empty, or has exactly one listener with attachedRoutes 0.
            var listeners = status.Items("listeners").ToList();
            var met = listeners.Count == 0 || (listeners.Count == 1 && listeners[0].TryGetProperty("attachedRoutes", out var r) && r.GetInt32() == 0);
            return new CheckResult(met, expected, $"{subject}: listeners [{string.Join(", ", listeners.Select(l => $"{l.Str("name")}:{l.GetProperty("attachedRoutes").GetInt32()}"))}]");
        }

        if (Str(assertion, "observedGenerationCurrent") is { } which)
        {
            var holders = which switch
            {
                "status.conditions" => [status],
                "status.parents[*].conditions" => status.Items("parents").Where(p => p.Str("controllerName") == controllerName).ToList(),
                "status.ancestors[*].conditions" => status.Items("ancestors").Where(p => p.Str("controllerName") == controllerName).ToList(),
                _ => new List<JsonElement>(),
            };
            if (holders.Count == 0 || holders.All(h => !h.Items("conditions").Any()))
            {
                return new CheckResult(false, expected, $"{subject}: no conditions under {which}");
            }

            var stale = holders.Select(h => StaleGeneration(h, generation)).FirstOrDefault(s => s is not null);
            return new CheckResult(stale is null, expected, $"{subject}: {stale ?? "all current"}");
        }

        return new CheckResult(false, expected, $"{subject}: assertion {assertion.ToJsonString()} is not checked by this harness");
    }

    private CheckResult Parent(JsonElement status, string listName, string refName, JsonObject expectation, string? routeNamespace, JsonObject condition, long generation, string expected, string subject)
    {
        var wanted = expectation[refName]!.AsObject();
        var mustIncludeNamespace = expectation["notes"] is JsonArray notes
            && notes.Any(n => n is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith("parentRefMustIncludeNamespace=True", StringComparison.Ordinal));
        var all = status.Items(listName).ToList();
        var matching = all.Where(p => p.Str("controllerName") == controllerName && RefMatches(p.GetProperty(refName), wanted, routeNamespace, mustIncludeNamespace)).ToList();
        if (matching.Count == 0)
        {
            return new CheckResult(false, expected, $"{subject}: no {listName} entry for {Ref(wanted)} (written: [{string.Join("; ", all.Select(DescribeParent))}])");
        }

        var results = matching.Select(p => Condition(p, condition, generation, expected, subject)).ToList();
        return results.FirstOrDefault(r => r.Met) ?? results[0];
    }

    private static bool RefMatches(JsonElement written, JsonObject wanted, string? routeNamespace, bool mustIncludeNamespace)
    {
        if ((written.Str("group") ?? GatewayGroup) != (Str(wanted, "group") ?? GatewayGroup)
            || (written.Str("kind") ?? "Gateway") != (Str(wanted, "kind") ?? "Gateway")
            || written.Str("name") != Str(wanted, "name"))
        {
            return false;
        }

        var wantedNamespace = Str(wanted, "namespace") ?? routeNamespace;
        return written.Str("namespace") is { } ns ? ns == wantedNamespace : !mustIncludeNamespace && wantedNamespace == routeNamespace;
    }

    private static string DescribeParent(JsonElement parent)
    {
        var r = parent.TryGetProperty("parentRef", out var p) ? p : parent.TryGetProperty("ancestorRef", out var a) ? a : default;
        var section = r.Str("sectionName") is { } s ? "#" + s : string.Empty;
        var port = r.ValueKind == JsonValueKind.Object && r.TryGetProperty("port", out var pt) ? ":" + pt.GetInt32().ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{r.Str("kind")} {r.Str("namespace")}/{r.Str("name")}{section}{port} by {parent.Str("controllerName")} {parent.DescribeConditions()}";
    }
}
