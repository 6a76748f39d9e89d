using PolicyAttach.Diagnostics;

using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Model;

/// <summary>Route documents for the reader tests; reading goes through <see cref="Manifests.Documents"/>.</summary>
internal static class RouteTestSupport
{
    /// <summary>A route document: spec is the JSON text of the spec object.</summary>
    public static string Route(string kind, string spec, string apiVersion = "gateway.networking.k8s.io/v1")
        => $$"""{"apiVersion":"{{apiVersion}}","kind":"{{kind}}","metadata":{"name":"r","namespace":"ns"},"spec":{{spec}}}""";

    public static string Http(string spec) => Route("HTTPRoute", spec);

    /// <summary>An HTTPRoute with one rule written as JSON.</summary>
    public static string HttpRule(string rule) => Http($$"""{"parentRefs":[{"name":"gw"}],"rules":[{{rule}}]}""");

    public static string Grpc(string spec) => Route("GRPCRoute", spec);

    public static string GrpcRule(string rule) => Grpc($$"""{"parentRefs":[{"name":"gw"}],"rules":[{{rule}}]}""");

    public static void AssertError(string json, string messagePart)
    {
        var result = Read(json);
        Assert.Null(result.Resource);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains(messagePart, StringComparison.Ordinal));
    }

    public static void AssertWarningKept(string json, string messagePart)
    {
        var result = Read(json);
        Assert.NotNull(result.Resource);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains(messagePart, StringComparison.Ordinal));
    }
}
