using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.PropertyTests.Support;

namespace PolicyAttach.PropertyTests.IngressNginx;

/// <summary>One generated path of an Ingress rule.</summary>
public sealed record NginxPathSpec(string Path, string Type, string Service);

/// <summary>One generated Ingress rule.</summary>
public sealed record NginxRuleSpec(string? Host, IReadOnlyList<NginxPathSpec> Paths);

/// <summary>One generated Ingress of class nginx: rules, annotations (names without the prefix), TLS hosts, canary conditions.</summary>
public sealed record NginxIngressSpec(string Name, string Namespace, int Age, IReadOnlyList<NginxRuleSpec> Rules, IReadOnlyList<KeyValuePair<string, string>> Annotations, IReadOnlyList<string> TlsHosts)
{
    /// <summary>The Ingress as a manifest.</summary>
    public string Json()
    {
        var annotations = new JsonObject();
        foreach (var (key, value) in Annotations)
        {
            annotations["nginx.ingress.kubernetes.io/" + key] = value;
        }

        var rules = new JsonArray();
        foreach (var rule in Rules)
        {
            var paths = new JsonArray();
            foreach (var p in rule.Paths)
            {
                paths.Add((JsonNode)new JsonObject
                {
                    ["path"] = p.Path,
                    ["pathType"] = p.Type,
                    ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = p.Service, ["port"] = new JsonObject { ["number"] = 80 } } },
                });
            }

            var r = new JsonObject { ["http"] = new JsonObject { ["paths"] = paths } };
            if (rule.Host is not null)
            {
                r["host"] = rule.Host;
            }

            rules.Add((JsonNode)r);
        }

        var spec = new JsonObject { ["ingressClassName"] = "nginx", ["rules"] = rules };
        if (TlsHosts.Count > 0)
        {
            var hosts = new JsonArray();
            foreach (var host in TlsHosts)
            {
                hosts.Add((JsonNode?)JsonValue.Create(host));
            }

            spec["tls"] = new JsonArray((JsonNode)new JsonObject { ["hosts"] = hosts, ["secretName"] = "tls" });
        }

        return new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["creationTimestamp"] = $"2024-01-01T00:00:{Age:00}Z",
                ["annotations"] = annotations,
            },
            ["spec"] = spec,
        }.ToJsonString();
    }
}

/// <summary>A generated ingress-nginx world: Ingresses of class nginx over a fixed set of Services and a TLS Secret.</summary>
public sealed record NginxWorld(IReadOnlyList<NginxIngressSpec> Ingresses)
{
    public static readonly string[] Namespaces = ["app", "team"];
    public static readonly string[] Services = ["s1", "s2", "s3"];

    /// <summary>Every document: the IngressClass, Services and Secrets, and the Ingresses.</summary>
    public List<string> Documents()
    {
        var docs = new List<string>
        {
            """{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}}""",
        };
        foreach (var ns in Namespaces)
        {
            foreach (var s in Services)
            {
                docs.Add("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + s + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80}]}}");
            }

            docs.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["type"] = "kubernetes.io/tls",
                ["metadata"] = new JsonObject { ["name"] = "tls", ["namespace"] = ns },
                ["stringData"] = new JsonObject { ["tls.crt"] = Testing.TestCertificates.CertificatePem, ["tls.key"] = Testing.TestCertificates.KeyPem },
            }.ToJsonString());
        }

        docs.AddRange(Ingresses.Select(i => i.Json()));
        return docs;
    }

    /// <summary>Smaller worlds: one Ingress, rule, path, annotation or TLS entry fewer.</summary>
    public IEnumerable<NginxWorld> Shrink()
    {
        for (var i = 0; i < Ingresses.Count; i++)
        {
            yield return new NginxWorld([.. Ingresses.Take(i), .. Ingresses.Skip(i + 1)]);
        }

        for (var i = 0; i < Ingresses.Count; i++)
        {
            var ingress = Ingresses[i];
            NginxWorld With(NginxIngressSpec changed) => new([.. Ingresses.Take(i), changed, .. Ingresses.Skip(i + 1)]);
            for (var a = 0; a < ingress.Annotations.Count; a++)
            {
                yield return With(ingress with { Annotations = [.. ingress.Annotations.Take(a), .. ingress.Annotations.Skip(a + 1)] });
            }

            if (ingress.TlsHosts.Count > 0)
            {
                yield return With(ingress with { TlsHosts = [] });
            }

            for (var r = 0; r < ingress.Rules.Count; r++)
            {
                var rule = ingress.Rules[r];
                if (ingress.Rules.Count > 1)
                {
                    yield return With(ingress with { Rules = [.. ingress.Rules.Take(r), .. ingress.Rules.Skip(r + 1)] });
                }

                for (var p = 0; p < rule.Paths.Count && rule.Paths.Count > 1; p++)
                {
                    var smaller = rule with { Paths = [.. rule.Paths.Take(p), .. rule.Paths.Skip(p + 1)] };
                    yield return With(ingress with { Rules = [.. ingress.Rules.Take(r), smaller, .. ingress.Rules.Skip(r + 1)] });
                }
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Ingresses.Select(i => i.Json()));
}

/// <summary>Generators of ingress-nginx worlds: plain and regex paths, rewrites, redirects, canaries, TLS, CORS.</summary>
public static class NginxWorlds
{
    private static readonly string?[] Hosts = ["a.example.com", "b.example.com", "*.example.com", null];
    private static readonly string[] PlainPaths = ["/", "/a", "/a/", "/a/b", "/ab", "/b", "/A"];
    private static readonly string[] RegexPaths = ["/a(/|$)(.*)", "/a/(.*)", "/v[0-9]+", "/a/b(/|$)(.*)", "/b(.*)"];
    private static readonly string[] Types = ["Prefix", "Prefix", "Exact", "ImplementationSpecific"];
    private static readonly string[] Targets = ["/", "/$2", "/x/$1", "/$1", "/x"];

    private static Gen<KeyValuePair<string, string>> Annotation() => Gen.OneOf(
        Gen.Constant(Pair("use-regex", "true")),
        Gen.Elements(Targets).Select(t => Pair("rewrite-target", t)),
        Gen.Constant(Pair("ssl-redirect", "false")),
        Gen.Constant(Pair("force-ssl-redirect", "true")),
        Gen.Constant(Pair("preserve-trailing-slash", "true")),
        Gen.Constant(Pair("app-root", "/home")),
        Gen.Constant(Pair("permanent-redirect", "https://moved.example.org/new")),
        Gen.Constant(Pair("temporal-redirect", "https://status.example.org$request_uri")),
        Gen.Constant(Pair("upstream-vhost", "backend.internal")),
        Gen.Constant(Pair("x-forwarded-prefix", "/pre")),
        Gen.Constant(Pair("server-alias", "alias.example.com")),
        Gen.Constant(Pair("enable-cors", "true")));

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    private static Gen<NginxPathSpec> PathSpec(bool regex) =>
        from path in regex ? Gen.OneOf(Gen.Elements(PlainPaths), Gen.Elements(RegexPaths)) : Gen.Elements(PlainPaths)
        from type in Gen.Elements(Types)
        from service in Gen.Elements(NginxWorld.Services)
        select new NginxPathSpec(path, type, service);

    private static Gen<NginxRuleSpec> Rule(bool regex) =>
        from host in Gen.Elements(Hosts)
        from paths in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(PathSpec(regex), n))
        select new NginxRuleSpec(host, paths.ToList());

    private static Gen<IReadOnlyList<KeyValuePair<string, string>>> Canary() => Gen.OneOf(
        Gen.Elements("X-Canary").Select(h => (IReadOnlyList<KeyValuePair<string, string>>)[Pair("canary", "true"), Pair("canary-by-header", h)]),
        Gen.Constant<IReadOnlyList<KeyValuePair<string, string>>>([Pair("canary", "true"), Pair("canary-by-header", "X-Canary"), Pair("canary-by-header-value", "yes")]),
        Gen.Choose(0, 100).Select(w => (IReadOnlyList<KeyValuePair<string, string>>)[Pair("canary", "true"), Pair("canary-weight", w.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        Gen.Constant<IReadOnlyList<KeyValuePair<string, string>>>([Pair("canary", "true"), Pair("canary-by-cookie", "beta"), Pair("canary-weight", "30")]));

    private static Gen<NginxIngressSpec> Ingress() =>
        from regex in Gen.Elements(false, false, true)
        from ns in Gen.Elements(NginxWorld.Namespaces)
        from rules in Gen.Choose(1, 2).SelectMany(n => Gen.ListOf(Rule(regex), n))
        from annotations in Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(Annotation(), n))
        from canary in Gen.Frequency((3, Gen.Constant<IReadOnlyList<KeyValuePair<string, string>>>([])), (1, Canary()))
        from tls in Gen.Elements(0, 0, 1, 2)
        select new NginxIngressSpec(
            "i",
            ns,
            0,
            rules.ToList(),
            annotations.Concat(canary).Concat(regex ? [Pair("use-regex", "true")] : []).GroupBy(p => p.Key).Select(g => g.First()).ToList(),
            tls == 0 ? [] : tls == 1 ? ["a.example.com"] : ["*.example.com", "b.example.com"]);

    /// <summary>Worlds of one to four Ingresses.</summary>
    public static Gen<NginxWorld> World() =>
        from count in Gen.Choose(1, 4)
        from ingresses in Gen.ListOf(Ingress(), count)
        select new NginxWorld(ingresses.Select((i, k) => i with { Name = $"i{k}", Age = k }).ToList());

    public static Arbitrary<NginxWorld> Arbitrary() => Arb.From(World(), w => w.Shrink());
}
