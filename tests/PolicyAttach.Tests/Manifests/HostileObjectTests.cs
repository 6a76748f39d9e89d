using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Manifests;

/// <summary>Issue 15: what the API server checks is checked when read, and no Secret value reaches a diagnostic.</summary>
public class HostileObjectTests
{
    private static string Object(string apiVersion, string kind, string metadata, string rest = "")
        => $$"""{"apiVersion":"{{apiVersion}}","kind":"{{kind}}","metadata":{{{metadata}}}{{rest}}}""";

    [Theory]
    [InlineData("\"data\":{\"pin\":\"ODY3NTMwOQ==\",\"n\":8675309}")]
    [InlineData("\"stringData\":{\"pin\":8675309}")]
    [InlineData("\"stringData\":{\"pin\":8675309.5e3,\"flag\":true}")]
    [InlineData("\"stringData\":{\"pin\":{\"nested\":8675309}}")]
    [InlineData("\"data\":{\"pin\":[8675309]}")]
    [InlineData("\"data\":{\"pin\":\"8675309 is not base64!\"}")]
    public void Secret_ValueOfAnyType_IsNeverInADiagnostic(string data)
    {
        // Issue 15: numbers and booleans were quoted in PA1004 ("read as \"8675309\"").
        var result = Read(Object("v1", "Secret", """ "name":"s","namespace":"n" """, "," + data));

        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain("8675309", d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ConfigMap_NumberValue_IsStillQuotedInTheWarning()
        => Assert.Contains("read as \"42\"", Assert.Single(Read(Object("v1", "ConfigMap", """ "name":"c","namespace":"n" """, ""","data":{"k":42}""")).Diagnostics).Message, StringComparison.Ordinal);

    public static TheoryData<string, string, string, bool> Names => new()
    {
        { "v1", "Service", "web-1", true },
        { "v1", "Service", "1web", false },
        { "v1", "Service", "web.a", false },
        { "v1", "Namespace", "team-a", true },
        { "v1", "Namespace", "team.a", false },
        { "v1", "ConfigMap", "team.a-1", true },
        { "v1", "Secret", "Team", false },
        { "gateway.networking.k8s.io/v1", "Gateway", "gw.internal", true },
        { "gateway.networking.k8s.io/v1", "Gateway", "gw_1", false },
        { "gateway.networking.k8s.io/v1", "HTTPRoute", "-r", false },
        { "gateway.networking.k8s.io/v1", "HTTPRoute", new string('r', 253), true },
        { "gateway.networking.k8s.io/v1", "HTTPRoute", new string('r', 254), false },
        { "example.com/v1", "Widget", "Widget", false },
        { "rbac.authorization.k8s.io/v1", "ClusterRole", "system:aggregate-to-admin", true },
        { "rbac.authorization.k8s.io/v1", "ClusterRole", "a/b", false },
        { "rbac.authorization.k8s.io/v1", "ClusterRole", "..", false },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Name_AsTheApiServerChecksItForTheKind_IsKeptOrRefused(string apiVersion, string kind, string name, bool valid)
    {
        var result = Read(Object(apiVersion, kind, $$""" "name":"{{name}}","namespace":"n" """));

        if (valid)
        {
            // The name is accepted (a kind may still miss required fields here).
            Assert.DoesNotContain(result.Diagnostics, d => d.Path == "metadata.name");
        }
        else
        {
            Assert.Null(result.Resource);
            var error = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            Assert.Equal(("metadata.name", DiagnosticCodes.SchemaViolation), (error.Path, error.Code));
            Assert.Contains($"is not a valid {kind} name", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Name_FiftyMegabytes_IsRefusedWithABoundedMessage()
    {
        // Issue 15: a 50 MB name was accepted.
        var name = new string('a', 50 * 1024 * 1024);
        var error = ReadInvalid(Object("v1", "ConfigMap", $$""" "name":"{{name}}","namespace":"n" """), DiagnosticCodes.SchemaViolation);

        Assert.True(error.Message.Length < 500, $"{error.Message.Length} characters");
        Assert.Contains("(52428800 characters)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Team-A")]
    [InlineData("a.b")]
    [InlineData("ns_1")]
    public void Namespace_NotAnRfc1123Label_IsRefused(string ns)
    {
        var error = ReadInvalid(Object("v1", "ConfigMap", $$""" "name":"c","namespace":"{{ns}}" """), DiagnosticCodes.SchemaViolation);
        Assert.Equal("metadata.namespace", error.Path);
    }

    [Fact]
    public void Namespace_OnAClusterScopedKind_IsIgnored()
        => Assert.Equal(string.Empty, ReadValid<KubeObject>(Object("gateway.networking.k8s.io/v1", "GatewayClass", """ "name":"gc","namespace":"Not_Checked" """, ""","spec":{"controllerName":"example.com/c"}""")).Namespace);

    [Theory]
    [InlineData("v1", "Service", "\"spec\":\"broken\"", "spec")]
    [InlineData("gateway.networking.k8s.io/v1", "Gateway", "\"spec\":[1]", "spec")]
    [InlineData("v1", "Service", "\"status\":42", "status")]
    public void TopLevelField_OfTheWrongType_IsRefused(string apiVersion, string kind, string field, string path)
    {
        // Issue 15: spec: "broken" on a Service was accepted silently.
        var error = ReadInvalid(Object(apiVersion, kind, """ "name":"x","namespace":"n" """, "," + field), DiagnosticCodes.WrongType);
        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Metadata_OfTheWrongType_IsRefusedAsSuch()
    {
        var error = ReadInvalid("""{"apiVersion":"v1","kind":"Service","metadata":"x"}""", DiagnosticCodes.WrongType);
        Assert.Equal("metadata", error.Path);
    }
}
