using System.Text.Json.Nodes;

namespace PolicyAttach.Cli.Tests;

/// <summary>CustomResourceDefinitions of Gateway API kinds, as a cluster serves them and as a manifest holds them.</summary>
internal static class GatewayCrds
{
    /// <summary>The CRD of one Gateway API kind, serving one version.</summary>
    public static JsonObject Crd(string kind, string plural, string version, string scope) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = plural + ".gateway.networking.k8s.io", ["creationTimestamp"] = "2024-01-01T00:00:00Z" },
        ["spec"] = new JsonObject
        {
            ["group"] = "gateway.networking.k8s.io",
            ["names"] = new JsonObject { ["kind"] = kind, ["plural"] = plural },
            ["scope"] = scope,
            ["versions"] = new JsonArray(new JsonObject { ["name"] = version, ["served"] = true, ["storage"] = true }),
        },
    };
}
