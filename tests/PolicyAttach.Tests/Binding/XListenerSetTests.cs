using System.Text.Json;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Binding;

/// <summary>
/// An XListenerSet (<c>gateway.networking.x-k8s.io</c>, the experimental channel's ListenerSet before GEP-1713
/// graduated; spec digest §1, §2.4) is read as a ListenerSet with a warning naming the graduated kind, so its listeners
/// and the routes that name it are evaluated instead of being ignored without a word.
/// </summary>
public sealed class XListenerSetTests
{
    private const string XListenerSet = """{"apiVersion":"gateway.networking.x-k8s.io/v1alpha1","kind":"XListenerSet","metadata":{"name":"extra","namespace":"infra"},"spec":{"parentRef":{"name":"g","kind":"Gateway","group":"gateway.networking.k8s.io"},"listeners":[{"name":"extra","port":8080,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}]}}""";

    [Fact]
    public void Reader_XListenerSet_ReadAsListenerSetWithAWarningNamingTheGraduatedKind()
    {
        using var doc = JsonDocument.Parse(XListenerSet);
        var read = ManifestReader.Read(doc.RootElement);

        var set = Assert.IsType<ListenerSet>(read.Resource);
        Assert.Equal(Kinds.ListenerSet, set.Key.GroupKind);
        var warning = Assert.Single(read.Diagnostics, d => d.Code == DiagnosticCodes.GraduatedKind);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("ListenerSet in gateway.networking.k8s.io/v1", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_ParentRefNamesXListenerSet_IsBoundThroughTheGraduatedListenerSet()
    {
        var result = Evaluate(
            GatewayClass(),
            Gateway("infra", "g", """{"name":"http","port":80,"protocol":"HTTP"}""", ""","allowedListeners":{"namespaces":{"from":"All"}}"""),
            XListenerSet,
            HttpRoute("apps", "r", """{"group":"gateway.networking.x-k8s.io","kind":"XListenerSet","name":"extra","namespace":"infra"}"""));

        var parent = Assert.Single(result.FindRoute(RouteKey("apps", "r"))!.Parents);
        Assert.Equal(Kinds.XListenerSet, parent.ParentRef.GroupKind);
        AssertCondition(parent.Conditions, ConditionType.Accepted, "True", "Accepted");
        var set = Assert.Single(result.ListenerSets);
        Assert.Equal(1, Assert.Single(set.Listeners).AttachedRoutes);
    }
}
