using System.Text.Json;
using PolicyAttach.Ingresses;
using PolicyAttach.Manifests;
using PolicyAttach.Matching;
using PolicyAttach.Model;

namespace PolicyAttach.Tests.Ingresses;

/// <summary>Small Ingress worlds: class "web" of controller "example.com/ingress", Services in namespace "app".</summary>
internal static class IngressWorld
{
    public const string Controller = "example.com/ingress";

    public static string Class(string name = "web", string controller = Controller, bool isDefault = false)
        => "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\",\"metadata\":{\"name\":\"" + name + "\""
            + (isDefault ? ",\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":\"true\"}" : "")
            + "},\"spec\":{\"controller\":\"" + controller + "\"}}";

    public static string Service(string name, string ports = "[{\"name\":\"http\",\"port\":80}]", string ns = "app")
        => "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"ports\":" + ports + "}}";

    /// <summary>An Ingress; <paramref name="spec"/> is the spec's inner JSON.</summary>
    public static string Ingress(string name, string spec, string annotations = "", string created = "2020-01-01T00:00:00Z", string ns = "app")
        => "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns
            + "\",\"creationTimestamp\":\"" + created + "\"" + (annotations.Length == 0 ? "" : ",\"annotations\":{" + annotations + "}")
            + "},\"spec\":{" + spec + "}}";

    /// <summary>A rule for <paramref name="host"/> (null for none) with paths given as (type, path, service).</summary>
    public static string Rule(string? host, params (string Type, string Path, string Service)[] paths)
        => "{" + (host is null ? "" : "\"host\":\"" + host + "\",") + "\"http\":{\"paths\":["
            + string.Join(",", paths.Select(p => "{\"path\":\"" + p.Path + "\",\"pathType\":\"" + p.Type + "\",\"backend\":{\"service\":{\"name\":\"" + p.Service + "\",\"port\":{\"number\":80}}}}"))
            + "]}}";

    public static string Spec(params string[] rules) => "\"ingressClassName\":\"web\",\"rules\":[" + string.Join(",", rules) + "]";

    public static Snapshot Snapshot(params string[] docs)
        => PolicyAttach.Snapshot.Create(docs.Select(d =>
        {
            using var json = JsonDocument.Parse(d);
            return ManifestReader.Read(json.RootElement).Resource ?? throw new InvalidOperationException("invalid document: " + d);
        }).ToList());

    /// <summary>A world with class "web", Services a, b, c, d in "app", and the given Ingresses.</summary>
    public static IngressRoutingTable Table(params string[] ingresses)
        => IngressRoutingTable.Compile(Snapshot([Class(), Service("a"), Service("b"), Service("c"), Service("d"), .. ingresses]), IngressOwner.Class("web"));

    public static MatchOutcome Get(IngressRoutingTable table, string authority, string path, int port = 80, RequestProtocol protocol = RequestProtocol.Http, string sni = "")
        => table.Match(new RequestView(protocol, port, "GET", authority, path) { Sni = sni });

    /// <summary>The Service the request went to, or the outcome kind.</summary>
    public static string To(IngressRoutingTable table, string authority, string path, int port = 80, RequestProtocol protocol = RequestProtocol.Http)
    {
        var outcome = Get(table, authority, path, port, protocol);
        return outcome.Kind == MatchOutcomeKind.Routed ? outcome.Backends[0].BackendRef.Name : outcome.Kind.ToString();
    }
}
