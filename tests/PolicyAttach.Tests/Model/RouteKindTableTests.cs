using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Tests.Model;

/// <summary>
/// The route-kind table is the one definition of every route kind: each model record has exactly one entry, every
/// stage that needs a kind finds it there (reader, feature, policy targets), and its listener protocols are the spec's.
/// </summary>
public sealed class RouteKindTableTests
{
    private static readonly Type[] RouteRecords = typeof(RouteBase).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(RouteBase)) && !t.IsAbstract)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void RouteKinds_EveryRouteRecord_HasExactlyOneEntry()
    {
        var definitions = RouteRecords.Select(t => ((RouteBase)RuntimeHelpers.GetUninitializedObject(t)).Definition).ToList();

        Assert.Equal(RouteKindTable.All.Count, RouteRecords.Length);
        Assert.Equal(definitions.Count, definitions.Distinct().Count());
        Assert.Equal(RouteKindTable.All.OrderBy(k => k.Kind), definitions.OrderBy(k => k.Kind));
        Assert.Equal(RouteKindTable.All.Count, RouteKindTable.All.Select(k => k.Kind).Distinct().Count());
        foreach (var type in RouteRecords)
        {
            var route = (RouteBase)RuntimeHelpers.GetUninitializedObject(type);
            Assert.Equal(route.Definition.Kind.Kind, route.Kind);
            Assert.Same(route.Definition, RouteKindTable.Find(route.Definition.Kind));
        }
    }

    [Fact]
    public void RouteKinds_EveryEntry_IsInTheKindCatalogueWithReaderFeatureAndPolicyTarget()
    {
        var readers = new Dictionary<GroupKind, KindEntry>();
        KindReaders.Register(readers);
        foreach (var kind in RouteKindTable.All)
        {
            Assert.Contains(kind.Kind, Kinds.All);
            Assert.True(readers.ContainsKey(kind.Kind), $"{kind.Kind.Kind} has no reader");
            Assert.Contains(kind.Feature, Features.All);
            Assert.Contains(PolicyKindDefinition.DirectIngressTargets, t => t.Target == kind.Kind && t.Level == PolicyLevel.Route && t.SectionLevel == PolicyLevel.Rule);
        }

        // The kinds the readers know that are routes are exactly the table's.
        var routeReaders = readers.Keys.Where(k => k.Kind.EndsWith("Route", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(RouteKindTable.All.Select(k => k.Kind).Order(), routeReaders);
    }

    [Fact]
    public void RouteKinds_MeshRanks_FollowTheGammaPrecedence()
    {
        // Spec digest §13: on one Service and port GRPCRoute beats HTTPRoute beats TLSRoute beats TCPRoute; UDPRoute is orthogonal.
        Assert.Equal([Kinds.GrpcRoute, Kinds.HttpRoute, Kinds.TlsRoute, Kinds.TcpRoute],
            RouteKindTable.All.Where(k => k.MeshRank > 0).OrderByDescending(k => k.MeshRank).Select(k => k.Kind));
        Assert.Equal(0, RouteKindTable.Find(Kinds.UdpRoute)!.MeshRank);
    }

    [SpecDigestFact]
    public void RouteKinds_ListenerProtocols_AgreeWithTheSpecDigest()
    {
        // §4.2 step 3: "With no kinds, it is derived from the protocol:" followed by one line per protocol group.
        var lines = File.ReadAllLines(SpecDigestFactAttribute.Path!);
        var start = Array.FindIndex(lines, l => l.Contains("it is derived from the protocol:", StringComparison.Ordinal));
        Assert.True(start >= 0, "the spec digest no longer says how supported kinds derive from the protocol");
        var expected = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var indent = lines[start + 1].Length - lines[start + 1].TrimStart().Length;
        for (var i = start + 1; i < lines.Length && lines[i].Length - lines[i].TrimStart().Length >= indent && lines[i].Trim().Length > 0; i++)
        {
            // A bullet per protocol group; deeper lines continue the bullet above.
            if (!lines[i].TrimStart().StartsWith("- `", StringComparison.Ordinal))
            {
                continue;
            }

            var arrow = lines[i].IndexOf('→', StringComparison.Ordinal);
            Assert.True(arrow > 0, lines[i]);
            var protocols = Regex.Matches(lines[i][..arrow], "`([A-Z]+)`").Select(m => m.Groups[1].Value).ToList();
            var sentence = lines[i][(arrow + 1)..];
            var end = sentence.IndexOf(". ", StringComparison.Ordinal);
            sentence = end < 0 ? sentence : sentence[..end];
            var kinds = Regex.Matches(sentence, @"\b([A-Z]+Route)\b").Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(protocols);
            Assert.NotEmpty(kinds);
            foreach (var protocol in protocols)
            {
                expected[protocol] = new SortedSet<string>(kinds, StringComparer.Ordinal);
            }
        }

        var table = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var kind in RouteKindTable.All)
        {
            foreach (var protocol in kind.ListenerProtocols)
            {
                if (!table.TryGetValue(protocol, out var set))
                {
                    table[protocol] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add(kind.Kind.Kind);
            }
        }

        Assert.Equal([Protocols.Http, Protocols.Https, Protocols.Tcp, Protocols.Tls, Protocols.Udp], expected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Keys, table.Keys);
        foreach (var (protocol, kinds) in expected)
        {
            Assert.Equal(kinds, table[protocol]);
        }
    }
}

/// <summary>A fact over the spec digest beside the repository (<c>../shared/spec</c>); skipped, with the reason shown, when it is absent.</summary>
public sealed class SpecDigestFactAttribute : FactAttribute
{
    public SpecDigestFactAttribute()
    {
        if (Path is null)
        {
            Skip = "spec digest not found: place it at <repo>/../shared/spec/gateway-api-spec.md";
        }
    }

    public static string? Path { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "spec", "gateway-api-spec.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
