using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Findings;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.PropertyTests.Findings;

/// <summary>
/// The rules-that-can-never-match analysis against the matcher, on generated Gateways (listener hostnames) and
/// HTTPRoutes (hostnames, sectionNames, ages, rules with path, method, header and query matches), with shrinking:
/// a match reported as never matching is never the answer for generated requests (soundness, regexes included), and
/// a served match not reported is the answer for at least one request built from it (completeness, where the
/// analysis decides exactly: no path regexes; header regexes only against exact values).
/// </summary>
public class NeverMatchingRuleProperties
{
    private static readonly ResourceKey GatewayKey = new(Groups.Gateway, "Gateway", "infra", "gw");
    private static readonly string?[] ListenerHosts = [null, "*.example.com", "a.example.com", "*.a.example.com"];
    private static readonly string[] RouteHosts = ["a.example.com", "*.example.com", "*.a.example.com", "b.example.com", "*.com"];
    private static readonly string[] Paths = ["/", "/a", "/a/", "/a/b", "/ab", "/b"];
    private static readonly string[] PathRegexes = ["/a.*", "/[ab]+"];
    private static readonly string[] HeaderNames = ["x-a", "X-A", "x-b"];
    private static readonly string[] QueryNames = ["q", "r"];
    private static readonly string[] Values = ["1", "2"];
    private static readonly string[] Ages = ["2020-01-01T00:00:00Z", "2019-06-01T00:00:00Z"];

    /// <summary>A generated match: path type and value, method, headers (name, value, regex) and queries.</summary>
    public sealed record GenMatch(string PathType, string Path, string? Method, (string Name, string Value, bool Regex)[] Headers, (string Name, string Value)[] Queries)
    {
        public IEnumerable<GenMatch> Shrink()
        {
            if (Method is not null)
            {
                yield return this with { Method = null };
            }

            for (var i = 0; i < Headers.Length; i++)
            {
                yield return this with { Headers = [.. Headers.Take(i), .. Headers.Skip(i + 1)] };
            }

            for (var i = 0; i < Queries.Length; i++)
            {
                yield return this with { Queries = [.. Queries.Take(i), .. Queries.Skip(i + 1)] };
            }

            if (PathType != "PathPrefix" || Path != "/")
            {
                yield return this with { PathType = "PathPrefix", Path = "/" };
            }
        }

        public string Json()
        {
            var parts = new List<string> { $$"""
                "path":{"type":"{{PathType}}","value":"{{Path}}"}
                """ };
            if (Method is not null)
            {
                parts.Add($"\"method\":\"{Method}\"");
            }

            if (Headers.Length > 0)
            {
                parts.Add("\"headers\":[" + string.Join(",", Headers.Select(h => $$"""{"type":"{{(h.Regex ? "RegularExpression" : "Exact")}}","name":"{{h.Name}}","value":"{{h.Value}}"}""")) + "]");
            }

            if (Queries.Length > 0)
            {
                parts.Add("\"queryParams\":[" + string.Join(",", Queries.Select(q => $$"""{"name":"{{q.Name}}","value":"{{q.Value}}"}""")) + "]");
            }

            return "{" + string.Join(",", parts) + "}";
        }
    }

    /// <summary>A generated HTTPRoute on the Gateway.</summary>
    public sealed record GenRoute(string Name, string Age, string[] Hostnames, int? Section, GenMatch[][] Rules);

    /// <summary>A generated Gateway (listener hostnames, all on port 80) and its routes.</summary>
    public sealed record GenTable(string?[] Listeners, GenRoute[] Routes)
    {
        public IEnumerable<GenTable> Shrink()
        {
            for (var i = 0; i < Routes.Length; i++)
            {
                yield return this with { Routes = [.. Routes.Take(i), .. Routes.Skip(i + 1)] };
            }

            for (var r = 0; r < Routes.Length; r++)
            {
                var route = Routes[r];
                for (var k = 0; k < route.Rules.Length && route.Rules.Length > 1; k++)
                {
                    yield return With(r, route with { Rules = [.. route.Rules.Take(k), .. route.Rules.Skip(k + 1)] });
                }

                for (var k = 0; k < route.Rules.Length; k++)
                {
                    for (var m = 0; m < route.Rules[k].Length; m++)
                    {
                        var rule = route.Rules[k];
                        yield return With(r, route with { Rules = Replace(route.Rules, k, [.. rule.Take(m), .. rule.Skip(m + 1)]) });
                        foreach (var smaller in rule[m].Shrink())
                        {
                            yield return With(r, route with { Rules = Replace(route.Rules, k, Replace(rule, m, smaller)) });
                        }
                    }
                }

                if (route.Hostnames.Length > 0)
                {
                    yield return With(r, route with { Hostnames = route.Hostnames[1..] });
                }

                if (route.Section is not null)
                {
                    yield return With(r, route with { Section = null });
                }
            }

            if (Listeners.Length > 1)
            {
                yield return this with { Listeners = Listeners[1..], Routes = [.. Routes.Select(r => r with { Section = null })] };
            }
        }

        private GenTable With(int index, GenRoute route) => this with { Routes = Replace(Routes, index, route) };

        private static T[] Replace<T>(T[] items, int index, T item) => [.. items.Take(index), item, .. items.Skip(index + 1)];

        public string Json()
        {
            var docs = new List<string>
            {
                """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"example.com/gateway-controller"}}""",
                """{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app"},"spec":{"ports":[{"port":80}]}}""",
            };
            var listeners = Listeners.Select((h, i) => $$$$"""{"name":"l{{{{i}}}}","port":80,"protocol":"HTTP"{{{{(h is null ? "" : $",\"hostname\":\"{h}\"")}}}},"allowedRoutes":{"namespaces":{"from":"All"}}}""");
            docs.Add($$$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw","namespace":"infra"},"spec":{"gatewayClassName":"gc","listeners":[{{{{string.Join(",", listeners)}}}}]}}""");
            foreach (var route in Routes)
            {
                var section = route.Section is { } s && s < Listeners.Length ? $",\"sectionName\":\"l{s}\"" : string.Empty;
                var rules = route.Rules.Select(rule => $$"""{"matches":[{{string.Join(",", rule.Select(m => m.Json()))}}],"backendRefs":[{"name":"svc","port":80}]}""");
                docs.Add($$$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"{{{{route.Name}}}}","namespace":"app","creationTimestamp":"{{{{route.Age}}}}"},"spec":{"parentRefs":[{"name":"gw","namespace":"infra"{{{{section}}}}}],"hostnames":[{{{{string.Join(",", route.Hostnames.Select(h => $"\"{h}\""))}}}}],"rules":[{{{{string.Join(",", rules)}}}}]}}""");
            }

            return "[" + string.Join(",", docs) + "]";
        }
    }

    /// <summary>A generated request.</summary>
    public sealed record GenRequest(string Host, string Path, string Method, (string Name, string Value)[] Headers, (string Name, string Value)[] Queries)
    {
        public string PathAndQuery => Queries.Length == 0 ? Path : Path + "?" + string.Join("&", Queries.Select(q => q.Name + "=" + q.Value));

        public override string ToString() => $"{Method} {Host}{PathAndQuery} [{string.Join(", ", Headers.Select(h => h.Name + ": " + h.Value))}]";
    }

    private static Gen<GenMatch> Match(bool regexes) =>
        from pathType in regexes ? Gen.Elements("Exact", "PathPrefix", "PathPrefix", "RegularExpression") : Gen.Elements("Exact", "PathPrefix", "PathPrefix")
        from path in pathType == "RegularExpression" ? Gen.Elements(PathRegexes) : Gen.Elements(Paths)
        from method in Gen.Elements<string?>(null, null, "GET", "POST")
        from headerCount in Gen.Choose(0, 2)
        from headers in (
            from name in Gen.Elements(HeaderNames)
            from value in Gen.Elements(Values)
            from regex in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Name: name, Value: regex ? "[12]" : value, Regex: regex)).ArrayOf(headerCount)
        from queryCount in Gen.Choose(0, 1)
        from queries in (from name in Gen.Elements(QueryNames) from value in Gen.Elements(Values) select (Name: name, Value: value)).ArrayOf(queryCount)
        select new GenMatch(pathType, path, method,
            [.. headers.DistinctBy(h => h.Name.ToLowerInvariant())],
            [.. queries.DistinctBy(q => q.Name)]);

    private static Gen<GenTable> Table(bool regexes) =>
        from listenerCount in Gen.Choose(1, 3)
        from listeners in Gen.Shuffle(ListenerHosts)
        from routeCount in Gen.Choose(1, 4)
        from routes in (
            from age in Gen.Elements(Ages)
            from hostCount in Gen.Choose(0, 2)
            from hosts in Gen.Elements(RouteHosts).ArrayOf(hostCount)
            from section in Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 2).Select(s => (int?)s)))
            from ruleCount in Gen.Choose(1, 3)
            from rules in (from matchCount in Gen.Choose(0, 2) from matches in Match(regexes).ArrayOf(matchCount) select matches).ArrayOf(ruleCount)
            select (age, hosts, section, rules)).ArrayOf(routeCount)
        select new GenTable(listeners[..listenerCount],
            [.. routes.Select((r, i) => new GenRoute("r" + i, r.age, [.. r.hosts.Distinct()], r.section, r.rules))]);

    private static readonly string[] RequestHosts = ["a.example.com", "b.example.com", "x.a.example.com", "zz.example.com", "zz.com", "zz"];
    private static readonly string[] RequestPaths = ["/", "/a", "/a/", "/a/b", "/ab", "/b", "/zz", "/a/zz", "/ab/zz"];

    private static Gen<GenRequest> Request =>
        from host in Gen.Elements(RequestHosts)
        from path in Gen.Elements(RequestPaths)
        from method in Gen.Elements("GET", "POST", "ZZ")
        from headerCount in Gen.Choose(0, 2)
        from headers in (from name in Gen.Elements(HeaderNames) from value in Gen.Elements(Values) select (Name: name, Value: value)).ArrayOf(headerCount)
        from queryCount in Gen.Choose(0, 2)
        from queries in (from name in Gen.Elements(QueryNames) from value in Gen.Elements(Values) select (Name: name, Value: value)).ArrayOf(queryCount)
        select new GenRequest(host, path, method, headers, queries);

    private static Arbitrary<(GenTable Table, GenRequest[] Requests)> SoundnessCases => Arb.From(
        from table in Table(regexes: true)
        from requests in Request.ArrayOf(24)
        select (Table: table, Requests: requests),
        c => c.Table.Shrink().Select(t => (t, c.Requests)));

    private static Arbitrary<GenTable> CompletenessCases => Arb.From(Table(regexes: false), t => t.Shrink());

    /// <summary>
    /// Two generated Gateways (<c>gw</c> and <c>gw2</c>) with their routes; the routes of the first whose flag is set
    /// also name the second, so that the Gateways share them.
    /// </summary>
    public sealed record GenWorld(GenTable First, GenTable Second, bool[] Shared)
    {
        public string Json()
        {
            var docs = JsonNode.Parse(First.Json())!.AsArray();
            var routes = docs.Where(d => (string?)d!["kind"] == "HTTPRoute").ToList();
            for (var i = 0; i < routes.Count; i++)
            {
                if (Shared[i])
                {
                    routes[i]!["spec"]!["parentRefs"]!.AsArray().Add(new JsonObject { ["name"] = "gw2", ["namespace"] = "infra" });
                }
            }

            foreach (var doc in JsonNode.Parse(Second.Json())!.AsArray())
            {
                switch ((string?)doc!["kind"])
                {
                    case "Gateway":
                        doc["metadata"]!["name"] = "gw2";
                        break;
                    case "HTTPRoute":
                        doc["metadata"]!["name"] = "s" + ((string)doc["metadata"]!["name"]!)[1..];
                        doc["spec"]!["parentRefs"]![0]!["name"] = "gw2";
                        break;
                    default:
                        continue;
                }

                docs.Add(doc.DeepClone());
            }

            return docs.ToJsonString();
        }
    }

    /// <summary>One listener and one route of one rule with at most one match: never a match that cannot win.</summary>
    private static Gen<GenTable> Single(bool regexes) =>
        from listener in Gen.Elements(ListenerHosts)
        from age in Gen.Elements(Ages)
        from hostCount in Gen.Choose(0, 2)
        from hosts in Gen.Elements(RouteHosts).ArrayOf(hostCount)
        from matchCount in Gen.Choose(0, 1)
        from matches in Match(regexes).ArrayOf(matchCount)
        select new GenTable([listener], [new GenRoute("r0", age, [.. hosts.Distinct()], null, [matches])]);

    private static Gen<GenWorld> World(bool regexes) =>
        from first in Gen.Frequency((3, Table(regexes)), (1, Single(regexes)))
        from second in Gen.Frequency((1, Table(regexes)), (1, Single(regexes)))
        from shared in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true))).ArrayOf(first.Routes.Length)
        select new GenWorld(first, second, shared);

    private static EvaluationResult Evaluate(GenTable table) => Evaluate(table.Json());

    private static EvaluationResult Evaluate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var objects = doc.RootElement.EnumerateArray().Select(e => ManifestReader.Read(e).Resource ?? throw new InvalidOperationException("generated an invalid document: " + e));
        return Evaluator.Evaluate(Snapshot.Create(objects), new EvaluationOptions { ControllerNames = ["example.com/gateway-controller"] });
    }

    private static MatchSite? Answer(GatewayRoutingTable table, GenRequest request)
    {
        var headers = request.Headers.Select(h => new RequestHeader(h.Name, h.Value)).ToArray();
        var outcome = table.Match(new RequestView(RequestProtocol.Http, 80, request.Method, request.Host, request.PathAndQuery, headers));
        return outcome.RouteKey is { } route ? new MatchSite(route, outcome.RuleIndex, outcome.MatchIndex) : null;
    }

    [Property(MaxTest = 300)]
    public Property Reported_IsNeverTheAnswer()
        => Prop.ForAll(SoundnessCases, input =>
        {
            var result = Evaluate(input.Table);
            var tables = RoutingTable.Compile(result);
            var never = NeverMatchingRules.Analyze(tables, result).Never;
            var gateway = tables.FindGateway(GatewayKey);
            foreach (var request in gateway is null ? [] : input.Requests)
            {
                if (Answer(gateway!, request) is { } site && never.ContainsKey(site))
                {
                    return false.Label($"{site} is reported as never matching, yet answers {request}");
                }
            }

            return true.Label("ok");
        });

    /// <summary>The findings compile only the precedence of matches: their analysis is the full tables', site for site and reason for reason.</summary>
    [Property(MaxTest = 200)]
    public Property PrecedenceTables_AnyTable_AnalyseAsTheFullTables()
        => Prop.ForAll(SoundnessCases, input =>
        {
            var result = Evaluate(input.Table);
            var full = NeverMatchingRules.Analyze(RoutingTable.Compile(result), result);
            var precedence = NeverMatchingRules.Analyze(RoutingTable.CompilePrecedence(result), result);
            var same = full.Served.SetEquals(precedence.Served)
                && full.Never.Count == precedence.Never.Count
                && full.Never.All(p => precedence.Never.TryGetValue(p.Key, out var reasons) && reasons.SequenceEqual(p.Value));
            return same.Label($"full: {full.Served.Count} served, {full.Never.Count} never; precedence only: {precedence.Served.Count} served, {precedence.Never.Count} never");
        });

    /// <summary>
    /// The findings compile precedence tables only for the Gateways where a match might never win
    /// (<see cref="NeverMatchScope"/>), and every Gateway sharing a route with one: on two Gateways that share some
    /// routes, the analysis of those tables gives the same matches that never win, with the same reasons and the same
    /// served matches of their routes, as the analysis of the full tables; and the findings are the same.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property ScopedTables_TwoGateways_AnalyseAsTheFullTables()
        => Prop.ForAll(Arb.From(World(regexes: true)), world =>
        {
            var result = Evaluate(world.Json());
            var tables = RoutingTable.Compile(result);
            var full = NeverMatchingRules.Analyze(tables, result);
            var owners = NeverMatchScope.Owners(result);
            var scoped = owners.Count == 0 ? null : NeverMatchingRules.Analyze(RoutingTable.CompilePrecedence(result, owners), result);
            var sameNever = full.Never.Count == (scoped?.Never.Count ?? 0)
                && full.Never.All(p => scoped!.Never.TryGetValue(p.Key, out var reasons) && reasons.SequenceEqual(p.Value));
            var reported = full.Never.Keys.Select(s => s.Route).ToHashSet();
            var sameServed = scoped is null || full.Served.Where(s => reported.Contains(s.Route)).ToHashSet().SetEquals(scoped.Served.Where(s => reported.Contains(s.Route)));
            var sameFindings = FindingAnalyzer.Analyze(result).Findings.SequenceEqual(FindingAnalyzer.Analyze(result, tables).Findings);
            return (sameNever && sameServed && sameFindings).Label(
                $"full: {full.Served.Count} served, {full.Never.Count} never; scope {owners.Count} Gateways: {scoped?.Never.Count ?? 0} never; findings equal: {sameFindings}");
        });

    /// <summary>The scoped property's fixed samples cover an empty scope, one Gateway of two, both, and matches that never win.</summary>
    [Fact]
    public void Generators_ProduceWorldsOfEveryScope()
    {
        var worlds = World(regexes: true).Sample(200, new FsCheck.Rnd(20261207), 30);
        var counts = worlds.Select(w =>
        {
            var result = Evaluate(w.Json());
            var owners = NeverMatchScope.Owners(result).Count;
            return (Owners: owners, Gateways: result.Gateways.Count, Never: NeverMatchingRules.Analyze(RoutingTable.Compile(result), result).Never.Count);
        }).ToList();
        Assert.Contains(counts, c => c.Owners == 0 && c.Gateways == 2);
        Assert.Contains(counts, c => c.Owners == 1 && c.Gateways == 2 && c.Never > 0);
        Assert.Contains(counts, c => c.Owners == 2 && c.Never > 0);
        Assert.Contains(counts, c => c.Owners > 0 && c.Never == 0);
    }

    /// <summary>Routes of distinct paths on listeners of distinct exact hostnames (the scale benchmarks' shape): nothing to compile.</summary>
    [Fact]
    public void NeverMatchScope_DistinctPathsOnExactListeners_IsEmpty()
    {
        GenMatch Prefix(string path) => new("PathPrefix", path, null, [], []);
        var table = new GenTable(["a.example.com", "b.example.com"],
        [
            new GenRoute("r0", Ages[0], ["a.example.com"], null, [[Prefix("/a")], [Prefix("/a/b")]]),
            new GenRoute("r1", Ages[0], ["a.example.com"], null, [[Prefix("/b")], [new GenMatch("Exact", "/a", null, [], [])]]),
            new GenRoute("r2", Ages[0], ["b.example.com"], null, [[Prefix("/a")]]),
        ]);
        var result = Evaluate(table);

        Assert.Empty(NeverMatchScope.Owners(result));
        Assert.Empty(NeverMatchingRules.Analyze(RoutingTable.Compile(result), result).Never);
    }

    /// <summary>The same prefix with a trailing <c>/</c> (<c>/a/</c>, longer as written, before <c>/a</c>) makes the Gateway suspect, and the analysis finds it.</summary>
    [Fact]
    public void NeverMatchScope_SamePrefixWithATrailingSlash_IsTheGateway()
    {
        var table = new GenTable(["a.example.com"],
        [
            new GenRoute("r0", Ages[0], ["a.example.com"], null, [[new GenMatch("PathPrefix", "/a/", null, [], [])]]),
            new GenRoute("r1", Ages[0], ["a.example.com"], null, [[new GenMatch("PathPrefix", "/a", null, [], [])]]),
        ]);
        var result = Evaluate(table);

        Assert.Equal([GatewayKey], NeverMatchScope.Owners(result));
        Assert.NotEmpty(NeverMatchingRules.Analyze(RoutingTable.Compile(result), result).Never);
    }

    [Property(MaxTest = 300)]
    public Property NotReported_IsTheAnswerForARequestBuiltFromIt()
        => Prop.ForAll(CompletenessCases, table =>
        {
            var result = Evaluate(table);
            var tables = RoutingTable.Compile(result);
            var analysis = NeverMatchingRules.Analyze(tables, result);
            var gateway = tables.FindGateway(GatewayKey);
            foreach (var site in analysis.Served.Where(s => !analysis.Never.ContainsKey(s)))
            {
                var route = table.Routes.Single(r => r.Name == site.Route.Name);
                var rule = route.Rules[site.RuleIndex];
                var match = rule.Length == 0 ? new GenMatch("PathPrefix", "/", null, [], []) : rule[site.MatchIndex];
                var witnesses = Witnesses(route, match, table).ToList();
                if (gateway is null || !witnesses.Any(w => Answer(gateway, w) == site))
                {
                    return false.Label($"{site} is not reported, yet none of {witnesses.Count} requests built from it is answered by it");
                }
            }

            return true.Label("ok");
        });

    /// <summary>
    /// Requests built from a match, for each host the route may be reached by: the route's hostnames (a fresh label
    /// under a wildcard) and the listeners' (a fresh host for none); a path inside the match and outside every other
    /// generated path; the match's method or a fresh one; exactly the match's headers (each value its regex allows) and
    /// queries.
    /// </summary>
    private static IEnumerable<GenRequest> Witnesses(GenRoute route, GenMatch match, GenTable table)
    {
        var hosts = route.Hostnames.Concat(table.Listeners.OfType<string>()).Append("*")
            .Select(h => h == "*" ? "zz" : h.StartsWith("*.", StringComparison.Ordinal) ? "zz" + h[1..] : h)
            .Distinct();
        var prefix = match.Path.TrimEnd('/');
        var path = match.PathType == "Exact" ? match.Path : prefix + "/zz";
        var headerChoices = match.Headers.Select(h => h.Regex ? Values.Select(v => (h.Name, v)).ToArray() : [(h.Name, h.Value)]);
        IEnumerable<(string Name, string Value)[]> combinations = [[]];
        foreach (var choices in headerChoices)
        {
            var current = combinations;
            combinations = current.SelectMany(c => choices.Select(choice => c.Append(choice).ToArray())).ToList();
        }

        foreach (var host in hosts)
        {
            foreach (var headers in combinations)
            {
                yield return new GenRequest(host, path, match.Method ?? "ZZ", headers, match.Queries);
            }
        }
    }

    [Fact]
    public void Generators_ProduceTablesWithAndWithoutNeverMatchingRules()
    {
        var tables = Table(regexes: false).Sample(200, new FsCheck.Rnd(20261207), 30);
        var counts = tables.Select(t =>
        {
            var result = Evaluate(t);
            var analysis = NeverMatchingRules.Analyze(RoutingTable.Compile(result), result);
            return (Served: analysis.Served.Count, Never: analysis.Never.Count, Taken: analysis.Never.Values.Any(v => v.Any(r => r.TakenBy is not null)));
        }).ToList();
        Assert.Contains(counts, c => c.Never > 0 && !c.Taken);
        Assert.Contains(counts, c => c.Taken);
        Assert.Contains(counts, c => c.Served > 0 && c.Never == 0);
    }
}
