using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Binding;
using PolicyAttach.Conversion;
using PolicyAttach.IngressNginx;
using PolicyAttach.Ingresses;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;

namespace PolicyAttach.PropertyTests.IngressNginx;

/// <summary>
/// The ingress-nginx conversion property: for generated Ingresses (plain and regex paths, rewrites, redirects,
/// canaries, TLS, CORS), the converted objects answer every verification request as the model of ingress-nginx
/// does, except where the report says the behaviour was approximated or dropped for that request's location, host
/// or scheme. Worlds shrink by whole Ingresses, rules, paths, annotations and TLS entries.
/// </summary>
public class IngressNginxConversionProperties
{
    private static Snapshot Read(IEnumerable<string> docs)
        => Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource ?? throw new InvalidOperationException("generated an invalid document: " + d);
        }).ToList());

    /// <summary>The differences no approximated or dropped entry of the report accounts for.</summary>
    internal static List<string> Unexplained(NginxWorld world)
    {
        var snapshot = Read(world.Documents());
        // NGINX's default certificate passed along, as a migration does, so HTTPS is compared on every host.
        var conversion = IngressNginxConverter.Convert(snapshot, new IngressNginxConversionOptions { DefaultCertificate = new PolicyAttach.Model.ObjectReference { Name = "tls", Namespace = "app" } });
        var model = IngressNginxModel.Compile(snapshot, "nginx");
        var result = IngressNginxVerifier.Verify(snapshot, conversion);
        var unexplained = new List<string>();
        foreach (var difference in result.Differences)
        {
            var decision = model.Decide(difference.Probe);
            if (!Explained(conversion.Report, model, decision, difference.Probe))
            {
                unexplained.Add($"{difference} [NGINX chose {decision.Server} {decision.Ingress} {decision.Path} by {decision.Step}]");
            }
        }

        return unexplained;
    }

    /// <summary>Whether an entry that is not "carried" covers the request: its location, its host, or (for HTTPS and wildcards) its scheme and host.</summary>
    private static bool Explained(ConversionReport report, IngressNginxModel model, NginxDecision decision, RequestProbe probe)
    {
        var host = RequestView.StripPort(probe.Authority).ToString().ToLowerInvariant();
        foreach (var issue in report.Issues.Where(i => i.Outcome != ConversionOutcome.Carried && i.AffectsRouting))
        {
            var covered = issue.Kind switch
            {
                IngressIssueKinds.WildcardHost => issue.Host is { } w && host.EndsWith(w[1..], StringComparison.Ordinal) && host[..^(w.Length - 1)].Contains('.', StringComparison.Ordinal),
                // One request path at the edge of a PathPrefix that NGINX answers from the default backend.
                "PathBoundary" => (issue.Host ?? "_") == decision.Server && issue.Path == probe.PathAndQuery.Split('?')[0],
                // Regex hosts: only what the entry names, paths in another case and string-prefix matches.
                "RegexPaths" => (issue.Host ?? "_") == decision.Server && (HasUpper(probe.PathAndQuery) || StringPrefixOnly(decision.Path, probe.PathAndQuery)),
                _ => issue.Subject is { } subject && subject == decision.Ingress && (issue.Path is null || issue.Path == decision.Path)
                    || (issue.Host is not null && issue.Host == decision.Server && issue.Path is null && issue.Subject is null),
            };
            if (covered)
            {
                return true;
            }
        }

        _ = model;
        return false;
    }

    private static bool HasUpper(string path) => path.Any(char.IsAsciiLetterUpper);

    /// <summary>Whether NGINX's location reached the path only as a string prefix (Gateway API matches whole segments).</summary>
    private static bool StringPrefixOnly(string? location, string pathAndQuery)
    {
        if (location is null)
        {
            return false;
        }

        var path = pathAndQuery.Split('?')[0];
        var literal = NginxPaths.LiteralPrefix(location).TrimEnd('/');
        return literal.Length > 0 && path.StartsWith(literal, StringComparison.OrdinalIgnoreCase) && path.Length > literal.Length && path[literal.Length] != '/';
    }

    [Property(MaxTest = 120, Arbitrary = [typeof(NginxArbitraries)])]
    public Property ConvertedObjects_GeneratedIngresses_RouteAsIngressNginxWhereCarried(NginxWorld world)
    {
        var unexplained = Unexplained(world);
        return (unexplained.Count == 0).Label(string.Join(Environment.NewLine, unexplained.Take(5)));
    }

    [Fact]
    public void Generator_FixedSample_ReachesEveryFeature()
    {
        // Deterministic: a fixed seed and size, so the check cannot fail by chance.
        var sample = NginxWorlds.World().Sample(60, new FsCheck.Rnd(20261206), 30).ToList();
        var annotations = sample.SelectMany(w => w.Ingresses).SelectMany(i => i.Annotations).Select(a => a.Key).ToHashSet();
        foreach (var feature in new[] { "use-regex", "rewrite-target", "canary", "canary-by-header", "canary-weight", "canary-by-cookie", "ssl-redirect", "app-root", "permanent-redirect", "enable-cors", "upstream-vhost" })
        {
            Assert.Contains(feature, annotations);
        }

        Assert.Contains(sample.SelectMany(w => w.Ingresses), i => i.TlsHosts.Count > 0);
        Assert.Contains(sample.SelectMany(w => w.Ingresses).SelectMany(i => i.Rules), r => r.Host?.StartsWith('*') == true);
    }
}

/// <summary>The arbitraries of the ingress-nginx properties.</summary>
public static class NginxArbitraries
{
    public static Arbitrary<NginxWorld> NginxWorld() => NginxWorlds.Arbitrary();
}
