using System.Globalization;
using System.Text.Json;

namespace PolicyAttach.ConformanceTests.EnvoyGateway;

/// <summary>
/// Compares our status JSON with an Envoy Gateway case's <c>expected.json</c> for GatewayClass, Gateway, ListenerSet
/// and route kinds, following the corpus README ("Things to know when comparing"):
/// <list type="bullet">
/// <item>conditions are compared as sets keyed by type (status and reason); <c>Warning</c> conditions are ignored;</item>
/// <item>Gateway-level conditions: only those EG wrote are compared (its translator writes them only on failure);</item>
/// <item>Gateway listeners: EG writes <c>Conflicted</c> only when True, so our <c>Conflicted=False</c> there is dropped;</item>
/// <item>route parents are matched by parentRef (group, kind, namespace defaulted to the route's, name, sectionName,
/// port) and controllerName;</item>
/// <item>policies, EnvoyProxy and Backend are not compared.</item>
/// </list>
/// </summary>
internal static class EnvoyGatewayComparer
{
    private const string GatewayGroup = "gateway.networking.k8s.io";
    private static readonly HashSet<string> RouteKinds = new(StringComparer.Ordinal) { "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute" };

    private static readonly HashSet<string> PolicyKinds = new(StringComparer.Ordinal)
    {
        "BackendTrafficPolicy", "ClientTrafficPolicy", "SecurityPolicy", "EnvoyExtensionPolicy", "BackendTLSPolicy",
    };

    public static bool IsCompared(string kind) => kind is "GatewayClass" or "Gateway" or "ListenerSet" || RouteKinds.Contains(kind);

    /// <summary>The differences, most important first; empty when the case matches.</summary>
    public static List<string> Compare(JsonElement expectedArray, StatusIndex ours, string controllerName, bool synthesizedGatewayClass)
        => Compare(expectedArray, ours, controllerName, synthesizedGatewayClass, comparePolicies: false);

    /// <summary>
    /// The differences, with policy ancestors compared too when <paramref name="comparePolicies"/> is set: ancestors as
    /// a set keyed by ancestorRef, their conditions by type (status and reason), <c>Warning</c> ignored.
    /// </summary>
    public static List<string> Compare(JsonElement expectedArray, StatusIndex ours, string controllerName, bool synthesizedGatewayClass, bool comparePolicies)
    {
        var differences = new List<string>();

        // expected.json may hold two entries for one key (duplicateInputObjects); like the snapshot, the later one wins.
        var expected = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in expectedArray.EnumerateArray())
        {
            var kind = entry.Str("kind")!;
            if (IsCompared(kind))
            {
                expected[StatusIndex.Key(GatewayGroup, kind, entry.Str("namespace"), entry.Str("name")!)] = entry;
            }
        }

        if (comparePolicies)
        {
            ComparePolicies(differences, expectedArray, ours, controllerName);
        }

        foreach (var (key, entry) in expected)
        {
            var kind = entry.Str("kind")!;
            var ns = entry.Str("namespace");
            var name = entry.Str("name")!;
            var subject = $"{kind} {(ns is null ? string.Empty : ns + "/")}{name}";
            if (ours.Find(GatewayGroup, kind, ns, name) is not { } mine)
            {
                differences.Add($"{subject}: EG wrote a status, we wrote none");
                continue;
            }

            var want = entry.GetProperty("status");
            var have = mine.GetProperty("status");
            switch (kind)
            {
                case "GatewayClass":
                    CompareConditions(differences, subject, want, have);
                    break;
                case "Gateway":
                    CompareConditions(differences, subject, GatewayConditions(want), have);
                    CompareListeners(differences, subject, want, have);
                    if (want.TryGetProperty("attachedListenerSets", out var sets))
                    {
                        var mineSets = have.TryGetProperty("attachedListenerSets", out var m) ? m.GetInt32() : 0;
                        if (mineSets != sets.GetInt32())
                        {
                            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{subject}: attachedListenerSets EG {sets.GetInt32()}, ours {mineSets}"));
                        }
                    }

                    break;
                case "ListenerSet":
                    CompareConditions(differences, subject, want, have);
                    CompareListeners(differences, subject, want, have);
                    break;
                default:
                    CompareParents(differences, subject, ns!, want, have, controllerName);
                    break;
            }
        }

        foreach (var mine in ours.Entries)
        {
            var kind = mine.Str("kind")!;
            var metadata = mine.GetProperty("metadata");
            var ns = metadata.Str("namespace");
            var name = metadata.Str("name")!;
            if (!IsCompared(kind) || expected.ContainsKey(StatusIndex.Key(GatewayGroup, kind, ns, name)))
            {
                continue;
            }

            // A synthesized GatewayClass gets its status from EG's Kubernetes provider, not from the translator.
            // A route without any parent entry has, in effect, no status.
            if ((kind == "GatewayClass" && synthesizedGatewayClass) || (RouteKinds.Contains(kind) && !mine.GetProperty("status").Items("parents").Any()))
            {
                continue;
            }

            differences.Add($"{kind} {(ns is null ? string.Empty : ns + "/")}{name}: we wrote a status, EG wrote none");
        }

        return differences;
    }

    private static void ComparePolicies(List<string> differences, JsonElement expectedArray, StatusIndex ours, string controllerName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in expectedArray.EnumerateArray())
        {
            var kind = entry.Str("kind")!;
            if (!PolicyKinds.Contains(kind))
            {
                continue;
            }

            var group = Group(entry.Str("apiVersion")!);
            var ns = entry.Str("namespace");
            var name = entry.Str("name")!;
            seen.Add(StatusIndex.Key(group, kind, ns, name));
            var subject = $"{kind} {ns}/{name}";
            var want = entry.GetProperty("status").Items("ancestors").ToList();
            var have = ours.Find(group, kind, ns, name) is { } mine ? mine.GetProperty("status").Items("ancestors").ToList() : [];
            CompareAncestors(differences, subject, ns ?? string.Empty, want, have, controllerName);
        }

        foreach (var mine in ours.Entries)
        {
            var kind = mine.Str("kind")!;
            var metadata = mine.GetProperty("metadata");
            var key = StatusIndex.Key(Group(mine.Str("apiVersion")!), kind, metadata.Str("namespace"), metadata.Str("name")!);
            if (PolicyKinds.Contains(kind) && !seen.Contains(key) && mine.GetProperty("status").Items("ancestors").Any())
            {
                differences.Add($"{kind} {metadata.Str("namespace")}/{metadata.Str("name")}: we wrote ancestors, EG wrote no status");
            }
        }
    }

    private static void CompareAncestors(List<string> differences, string subject, string policyNamespace, List<JsonElement> want, List<JsonElement> have, string controllerName)
    {
        var ours = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var ancestor in have)
        {
            ours[AncestorKey(ancestor.GetProperty("ancestorRef"), policyNamespace)] = ancestor;
        }

        var expectedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ancestor in want)
        {
            var key = AncestorKey(ancestor.GetProperty("ancestorRef"), policyNamespace);
            expectedKeys.Add(key);
            var where = $"{subject} ancestor {key}";
            if (!ours.TryGetValue(key, out var mine))
            {
                differences.Add($"{where}: EG wrote it, we did not ({ancestor.DescribeConditions()})");
                continue;
            }

            var controller = ancestor.Str("controllerName");
            if (controller is not null && controller != controllerName && controller != mine.Str("controllerName"))
            {
                differences.Add($"{where}: controllerName EG {controller}, ours {mine.Str("controllerName")}");
            }

            CompareConditions(differences, where, ancestor, mine);
        }

        foreach (var key in ours.Keys.Where(k => !expectedKeys.Contains(k)))
        {
            differences.Add($"{subject} ancestor {key}: we wrote it, EG did not ({ours[key].DescribeConditions()})");
        }
    }

    private static string AncestorKey(JsonElement reference, string policyNamespace)
        => $"{reference.Str("group") ?? GatewayGroup}/{reference.Str("kind") ?? "Gateway"} {reference.Str("namespace") ?? policyNamespace}/{reference.Str("name")}#{reference.Str("sectionName") ?? "-"}";

    private static string Group(string apiVersion)
    {
        var slash = apiVersion.LastIndexOf('/');
        return slash < 0 ? string.Empty : apiVersion[..slash];
    }

    private static Dictionary<string, JsonElement> Conditions(JsonElement holder)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var condition in holder.Items("conditions"))
        {
            var type = condition.Str("type")!;
            if (type == "Warning")
            {
                continue;
            }

            result[type] = condition;
        }

        return result;
    }

    private static void CompareConditions(List<string> differences, string subject, JsonElement want, JsonElement have)
        => CompareConditions(differences, subject, Conditions(want).ToDictionary(c => c.Key, c => (c.Value.Str("status"), c.Value.Str("reason")), StringComparer.Ordinal), have);

    private static void CompareConditions(List<string> differences, string subject, Dictionary<string, (string? Status, string? Reason)> expected, JsonElement have)
    {
        var ours = Conditions(have);
        foreach (var (type, (status, reason)) in expected)
        {
            var mine = ours.TryGetValue(type, out var m) ? (JsonElement?)m : null;
            if (mine is not { } c || c.Str("status") != status || c.Str("reason") != reason)
            {
                differences.Add($"{subject}: EG {type}={status}/{reason}, ours {mine.Describe()}");
            }
        }

        foreach (var (type, condition) in ours.Where(o => !expected.ContainsKey(o.Key)))
        {
            differences.Add($"{subject}: EG has no {type}, ours {((JsonElement?)condition).Describe()}");
        }
    }

    /// <summary>
    /// A Gateway's conditions as a running Envoy Gateway writes them: the translator's (in the oracle, written only on
    /// failure) and the Kubernetes provider's, which the oracle leaves out: <c>Accepted</c>, derived from the
    /// listeners as the provider derives it (True/Accepted when every listener is accepted, True/ListenersNotValid
    /// when only some are, False/ListenersNotValid when none is) unless the translator wrote one, and
    /// <c>Programmed</c>, which the provider derives from the proxy Deployment and Service alone: True/Programmed
    /// once the proxy runs with an address, the state the profile describes.
    /// </summary>
    private static Dictionary<string, (string? Status, string? Reason)> GatewayConditions(JsonElement want)
    {
        var expected = Conditions(want).ToDictionary(c => c.Key, c => (c.Value.Str("status"), c.Value.Str("reason")), StringComparer.Ordinal);
        if (!expected.ContainsKey("Accepted"))
        {
            var listeners = want.Items("listeners").ToList();
            var accepted = listeners.Count(l => l.Condition("Accepted") is { } a && a.Str("status") == "True");
            expected["Accepted"] = accepted == listeners.Count ? ("True", "Accepted") : accepted > 0 ? ("True", "ListenersNotValid") : ("False", "ListenersNotValid");
        }

        expected.TryAdd("Programmed", ("True", "Programmed"));

        return expected;
    }

    private static void CompareListeners(List<string> differences, string subject, JsonElement want, JsonElement have)
    {
        var ours = have.Items("listeners").ToDictionary(l => l.Str("name")!, StringComparer.Ordinal);
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in want.Items("listeners"))
        {
            var name = listener.Str("name")!;
            expectedNames.Add(name);
            var where = $"{subject} listener {name}";
            if (!ours.TryGetValue(name, out var mine))
            {
                differences.Add($"{where}: EG wrote it, we did not");
                continue;
            }

            var attached = listener.GetProperty("attachedRoutes").GetInt32();
            var mineAttached = mine.TryGetProperty("attachedRoutes", out var a) ? a.GetInt32() : 0;
            if (attached != mineAttached)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: attachedRoutes EG {attached}, ours {mineAttached}"));
            }

            var kinds = Kinds(listener);
            var mineKinds = Kinds(mine);
            if (!kinds.SetEquals(mineKinds))
            {
                differences.Add($"{where}: supportedKinds EG [{string.Join(", ", kinds.Order(StringComparer.Ordinal))}], ours [{string.Join(", ", mineKinds.Order(StringComparer.Ordinal))}]");
            }

            CompareConditions(differences, where, listener, mine);
        }

        foreach (var name in ours.Keys.Where(n => !expectedNames.Contains(n)))
        {
            differences.Add($"{subject} listener {name}: we wrote it, EG did not");
        }
    }

    private static HashSet<string> Kinds(JsonElement listener) =>
        listener.Items("supportedKinds").Select(k => $"{k.Str("group") ?? GatewayGroup}/{k.Str("kind")}").ToHashSet(StringComparer.Ordinal);

    private static string RefKey(JsonElement parentRef, string routeNamespace)
    {
        var port = parentRef.TryGetProperty("port", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32().ToString(CultureInfo.InvariantCulture) : "-";
        return $"{parentRef.Str("group") ?? GatewayGroup}/{parentRef.Str("kind") ?? "Gateway"} {parentRef.Str("namespace") ?? routeNamespace}/{parentRef.Str("name")}#{parentRef.Str("sectionName") ?? "-"}:{port}";
    }

    private static void CompareParents(List<string> differences, string subject, string routeNamespace, JsonElement want, JsonElement have, string controllerName)
    {
        var ours = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var parent in have.Items("parents").Where(p => p.Str("controllerName") == controllerName))
        {
            ours[RefKey(parent.GetProperty("parentRef"), routeNamespace)] = parent;
        }

        var expectedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parent in want.Items("parents"))
        {
            var key = RefKey(parent.GetProperty("parentRef"), routeNamespace);
            expectedKeys.Add(key);
            var where = $"{subject} parent {key}";
            if (parent.Str("controllerName") != controllerName)
            {
                continue;
            }

            if (!ours.TryGetValue(key, out var mine))
            {
                differences.Add($"{where}: EG wrote it, we did not");
                continue;
            }

            CompareConditions(differences, where, parent, mine);
        }

        foreach (var key in ours.Keys.Where(k => !expectedKeys.Contains(k)))
        {
            differences.Add($"{subject} parent {key}: we wrote it, EG did not");
        }
    }
}
