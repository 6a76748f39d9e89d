using System.Text.Json;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Policies;

/// <summary>
/// GEP-713 target status (spec digest §14.6, Experimental): the optional <c>&lt;group&gt;/&lt;Kind&gt;Affected</c>
/// conditions, written only when asked for.
/// </summary>
public class AffectedConditionTests
{
    private const string Listeners = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}},{"name":"other","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";

    private static string Retry(string name, string ns, string targetKind, string targetName, string? section = null)
        => "{\"apiVersion\":\"networking.acme.io/v1alpha1\",\"kind\":\"RetryPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":{\"default\":{\"retries\":1},"
            + "\"targetRef\":{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"" + targetKind + "\",\"name\":\"" + targetName + "\"" + (section is null ? string.Empty : ",\"sectionName\":\"" + section + "\"") + "}}}";

    private static readonly string[] Documents =
    [
        GatewayClass(), Gateway("infra", "g", Listeners), HttpRoute("foo", "r", """{"name":"g","namespace":"infra"}"""),
        Retry("on-route", "foo", "HTTPRoute", "r"), Retry("on-listener", "infra", "Gateway", "g", "other"), Retry("on-gateway", "infra", "Gateway", "g"),
    ];

    private static JsonElement Status(bool affected)
    {
        var result = Evaluator.Evaluate(Snapshot.Create(Documents.Select(Obj)), new EvaluationOptions { ControllerNames = [Controller], AffectedConditions = affected });
        using var doc = JsonDocument.Parse(StatusWriter.ToJson(result));
        return doc.RootElement.Clone();
    }

    private static JsonElement Object(JsonElement status, string kind, string name)
        => status.EnumerateArray().Single(o => o.GetProperty("kind").GetString() == kind && o.GetProperty("metadata").GetProperty("name").GetString() == name).GetProperty("status");

    private static string[] Types(JsonElement conditions) => [.. conditions.EnumerateArray().Select(c => c.GetProperty("type").GetString()!)];

    [Fact]
    public void AffectedConditions_Off_WritesNone_TheDefaultBytesStay()
    {
        var status = Status(affected: false);
        Assert.DoesNotContain("Affected", status.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void AffectedConditions_On_WritesOnePerKindOnTheTargets_Gep713TargetStatus()
    {
        // §14.6: <domain>/<PolicyKind>Affected on affected objects, or on the listener entry for sectioned policies.
        var status = Status(affected: true);
        const string Type = "networking.acme.io/RetryPolicyAffected";

        var gateway = Object(status, "Gateway", "g");
        var condition = gateway.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == Type);
        Assert.Equal(("True", "PolicyAffected"), (condition.GetProperty("status").GetString(), condition.GetProperty("reason").GetString()));
        Assert.Equal("Affected by RetryPolicy infra/on-gateway.", condition.GetProperty("message").GetString());
        var types = Types(gateway.GetProperty("conditions"));
        Assert.Equal(types.Order(StringComparer.Ordinal), types);

        var listeners = gateway.GetProperty("listeners").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => Types(l.GetProperty("conditions")));
        Assert.Contains(Type, listeners["other"]);
        Assert.DoesNotContain(Type, listeners["http"]);

        var parent = Assert.Single(Object(status, "HTTPRoute", "r").GetProperty("parents").EnumerateArray());
        Assert.Contains(Type, Types(parent.GetProperty("conditions")));
    }
}
