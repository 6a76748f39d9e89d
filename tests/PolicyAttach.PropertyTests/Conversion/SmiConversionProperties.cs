using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Conversion;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Smi;

namespace PolicyAttach.PropertyTests.Conversion;

/// <summary>A generated root Service port: its number and how it says its protocol (name, appProtocol).</summary>
public sealed record GenSmiPort(int Port, string Name, string? AppProtocol);

/// <summary>A generated split backend: which of the root's ports it has, and its weight.</summary>
public sealed record GenSmiBackend(string Name, IReadOnlyList<int> Ports, int Weight);

/// <summary>A generated HTTPRouteGroup match.</summary>
public sealed record GenSmiMatch(string? PathRegex, IReadOnlyList<string> Methods, string? UserAgent);

/// <summary>
/// A generated TrafficSplit with its root Service and backends: no matches, HTTPRouteGroup matches, a TCPRoute match
/// (with ports, or every port), or both.
/// </summary>
public sealed record GenSplit(IReadOnlyList<GenSmiPort> Ports, IReadOnlyList<GenSmiBackend> Backends, IReadOnlyList<GenSmiMatch>? Group, IReadOnlyList<int>? TcpRoutePorts)
{
    public override string ToString()
        => "ports " + string.Join(", ", Ports.Select(p => $"{p.Port}/{p.Name}/{p.AppProtocol ?? "-"}"))
            + "; backends " + string.Join(", ", Backends.Select(b => $"{b.Name}[{string.Join(",", b.Ports)}]×{b.Weight}"))
            + (Group is null ? string.Empty : "; group " + string.Join(" | ", Group.Select(m => $"{m.PathRegex ?? "-"} {string.Join(",", m.Methods)} ua={m.UserAgent ?? "-"}")))
            + (TcpRoutePorts is null ? string.Empty : "; tcp route [" + string.Join(",", TcpRoutePorts) + "]");
}

/// <summary>
/// The property of <c>convert-smi</c>: for generated TrafficSplits (HTTP and TCP ports told apart by name,
/// appProtocol or a TCPRoute the split matches; backends lacking ports; weights including 0; route group matches),
/// every request and connection the verifier sends is answered by the converted HTTPRoutes and TCPRoutes, evaluated by
/// the engine, as the SMI model answers it, unless the report says the split is approximated or dropped in a way that
/// affects routing.
/// </summary>
public class SmiConversionProperties
{
    private static readonly GenSmiPort[] PortChoices =
    [
        new(80, "http", null), new(6379, "tcp-redis", null), new(3306, "db", "mysql"), new(9000, "api", null), new(8443, "web", "kubernetes.io/h2c"),
    ];

    private static Gen<GenSmiMatch> MatchGen
        => from path in Gen.Elements<string?>(null, "/api/.*", "/api", "/v[0-9]+/.*")
           from methods in Gen.Elements(Array.Empty<string>(), new[] { "GET" }, new[] { "POST", "PUT" }, new[] { "*" })
           from agent in Gen.Elements<string?>(null, ".*Firefox.*")
           select new GenSmiMatch(path, methods, agent);

    private static Gen<GenSplit> Splits
        => from portCount in Gen.Choose(1, 2)
           from ports in Gen.Shuffle(PortChoices).Select(p => p.Take(portCount).OrderBy(x => x.Port).ToList())
           from backendCount in Gen.Choose(1, 3)
           from backends in Gen.ListOf(
               from keep in Gen.ListOf(Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false))), ports.Count)
               from weight in Gen.Frequency((1, Gen.Constant(0)), (5, Gen.Choose(1, 100)))
               select (keep, weight), backendCount)
           from routeGroup in Gen.Frequency((2, Gen.Constant<IReadOnlyList<GenSmiMatch>?>(null)), (2, Gen.Choose(1, 2).SelectMany(n => Gen.ListOf(MatchGen, n)).Select(l => (IReadOnlyList<GenSmiMatch>?)l.ToList())))
           from tcp in Gen.Frequency((3, Gen.Constant<IReadOnlyList<int>?>(null)), (1, Gen.Constant<IReadOnlyList<int>?>(new List<int>())), (1, Gen.Elements(ports.Select(p => p.Port).ToArray()).Select(p => (IReadOnlyList<int>?)new List<int> { p })))
           select new GenSplit(
               ports,
               backends.Select((b, i) => new GenSmiBackend($"web-{(char)('a' + i)}", ports.Where((_, j) => b.keep[j]).Select(p => p.Port).ToList(), b.weight)).ToList(),
               routeGroup,
               tcp);

    private static Snapshot World(GenSplit split)
    {
        var docs = new List<string>();
        string Service(string name, IEnumerable<GenSmiPort> ports)
            => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"},\"spec\":{\"selector\":{\"app\":\"" + name + "\"},\"ports\":["
                + string.Join(",", ports.Select(p => "{\"name\":\"" + p.Name + "\",\"port\":" + p.Port.ToString(CultureInfo.InvariantCulture) + (p.AppProtocol is null ? string.Empty : ",\"appProtocol\":\"" + p.AppProtocol + "\"") + "}")) + "]}}";
        docs.Add(Service("web", split.Ports));
        docs.AddRange(split.Backends.Select(b => Service(b.Name, split.Ports.Where(p => b.Ports.Contains(p.Port)))));
        var matches = new List<string>();
        if (split.Group is { } group)
        {
            docs.Add("{\"apiVersion\":\"specs.smi-spec.io/v1alpha4\",\"kind\":\"HTTPRouteGroup\",\"metadata\":{\"name\":\"group\",\"namespace\":\"app\"},\"spec\":{\"matches\":["
                + string.Join(",", group.Select((m, i) => "{\"name\":\"m" + i.ToString(CultureInfo.InvariantCulture) + "\""
                    + (m.PathRegex is null ? string.Empty : ",\"pathRegex\":" + JsonSerializer.Serialize(m.PathRegex))
                    + (m.Methods.Count == 0 ? string.Empty : ",\"methods\":[" + string.Join(",", m.Methods.Select(x => "\"" + x + "\"")) + "]")
                    + (m.UserAgent is null ? string.Empty : ",\"headers\":{\"user-agent\":" + JsonSerializer.Serialize(m.UserAgent) + "}") + "}")) + "]}}");
            matches.Add("{\"kind\":\"HTTPRouteGroup\",\"name\":\"group\"}");
        }

        if (split.TcpRoutePorts is { } tcpPorts)
        {
            docs.Add("{\"apiVersion\":\"specs.smi-spec.io/v1alpha4\",\"kind\":\"TCPRoute\",\"metadata\":{\"name\":\"tcp\",\"namespace\":\"app\"},\"spec\":{\"matches\":{\"ports\":["
                + string.Join(",", tcpPorts.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]}}}");
            matches.Add("{\"kind\":\"TCPRoute\",\"name\":\"tcp\"}");
        }

        docs.Add("{\"apiVersion\":\"split.smi-spec.io/v1alpha4\",\"kind\":\"TrafficSplit\",\"metadata\":{\"name\":\"web\",\"namespace\":\"app\"},\"spec\":{\"service\":\"web\",\"backends\":["
            + string.Join(",", split.Backends.Select(b => "{\"service\":\"" + b.Name + "\",\"weight\":" + b.Weight.ToString(CultureInfo.InvariantCulture) + "}")) + "]"
            + (matches.Count == 0 ? string.Empty : ",\"matches\":[" + string.Join(",", matches) + "]") + "}}");
        return Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource!;
        }).ToList());
    }

    private static (List<string> Problems, MeshVerificationResult Verification) Check(GenSplit split)
    {
        var snapshot = World(split);
        var result = SmiConverter.Convert(snapshot);
        var problems = result.Report.Errors.Select(e => "refused: " + e.Message).ToList();
        var verification = SmiConverter.Verify(snapshot, result);
        problems.AddRange(verification.Differences.Where(d => !d.Explained).Select(d => $"{d.Difference.Probe} at {d.Target}: SMI {d.Difference.Source}, converted {d.Difference.Converted} ({string.Join(", ", d.Difference.Aspects)} differ)"));
        return (problems, verification);
    }

    [Property(MaxTest = 100)]
    public Property ConvertedRoutes_GeneratedSplits_RouteAsTheSplitWhereCarried()
        => Prop.ForAll(Splits.ToArbitrary(), split =>
        {
            var (problems, verification) = Check(split);
            return (problems.Count == 0 && verification.Requests > 0).Label(split + "\n" + string.Join("\n", problems.Take(5)));
        });

    /// <summary>The property is not vacuous: a fixed sample sends TCP connections and HTTP requests, and most are checked strictly (no routing-affecting note explains them).</summary>
    [Fact]
    public void Generator_FixedSample_SendsConnectionsAndRequestsCheckedStrictly()
    {
        var sample = Splits.Sample(60, new FsCheck.Rnd(20261207), 30).ToList();
        var tcp = 0;
        var http = 0;
        var strict = 0;
        foreach (var split in sample)
        {
            var snapshot = World(split);
            var result = SmiConverter.Convert(snapshot);
            var explained = result.Report.Issues.Any(n => n.AffectsRouting && n.Outcome != ConversionOutcome.Carried && n.Subject?.Kind == "TrafficSplit");
            var verification = SmiConverter.Verify(snapshot, result);
            tcp += result.Objects.Count(o => o is PolicyAttach.Model.Routes.TcpRoute);
            http += result.Objects.Count(o => o is PolicyAttach.Model.Routes.HttpRoute);
            strict += explained ? 0 : verification.Requests;
        }

        Assert.True(tcp >= 10, $"{tcp} TCPRoutes");
        Assert.True(http >= 10, $"{http} HTTPRoutes");
        Assert.True(strict >= 200, $"{strict} requests checked strictly");
    }
}
