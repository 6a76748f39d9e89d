using System.Reflection;
using PolicyAttach.Binding;
using PolicyAttach.Diagnostics;
using PolicyAttach.Findings;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Binding.World;

namespace PolicyAttach.Tests.Findings;

/// <summary>The findings stage as a library: codes, suppressions, order, and the catalogue.</summary>
public class FindingAnalyzerTests
{
    private static readonly string Listener = """{"name":"http","port":80,"protocol":"HTTP","allowedRoutes":{"namespaces":{"from":"All"}}}""";

    private static string[] Documents(string routeAnnotations = "") =>
    [
        GatewayClass(),
        Gateway("infra", "web", Listener),
        Service("apps", "store"),
        $$$"""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"store","namespace":"apps"{{{routeAnnotations}}}},"spec":{"parentRefs":[{"name":"wbe","namespace":"infra"}],"rules":[{"backendRefs":[{"name":"store","port":80}]}]}}""",
        HttpRoute("apps", "cart", """{"name":"web","namespace":"infra"}""", backendRefs: """{"name":"stroe","port":80}"""),
    ];

    [Fact]
    public void Analyze_MissingParentAndBackend_CodedWithPathAndCloseMatches()
    {
        var report = FindingAnalyzer.Analyze(Evaluate(Documents()));

        Assert.Equal(
            [(FindingCodes.UnresolvedBackend, "HTTPRoute/apps/cart", "spec.rules[0].backendRefs[0].name"), (FindingCodes.MissingParent, "HTTPRoute/apps/store", "spec.parentRefs[0].name")],
            report.Findings.Select(f => (f.Code, f.Subject.ToString(), f.Path!)));
        Assert.All(report.Findings, f => Assert.Equal(DiagnosticSeverity.Error, f.Severity));
        Assert.Contains("close matches: Gateway infra/web", report.Findings[1].Message, StringComparison.Ordinal);
        Assert.Contains("close matches: Service apps/store", report.Findings[0].Message, StringComparison.Ordinal);
        Assert.Equal("diagnostics.md#pa3001", report.Findings[1].DocumentationAnchor);
    }

    [Fact]
    public void Analyze_MissingListenerSetServiceAndClassAndNearMissKinds_NamedWithCloseMatches()
    {
        var listenerSet = """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"ListenerSet","metadata":{"name":"team","namespace":"infra"},"spec":{"parentRef":{"name":"web"},"listeners":[{"name":"team-http","port":8080,"protocol":"HTTP"}]}}""";
        var report = FindingAnalyzer.Analyze(Evaluate(
            GatewayClass(),
            Gateway("infra", "web", Listener, ""","allowedListeners":{"namespaces":{"from":"Same"}}"""),
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"edge","namespace":"infra"},"spec":{"gatewayClassName":"cg","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]}}""",
            listenerSet,
            Service("apps", "store"),
            HttpRoute("apps", "team", """{"kind":"ListenerSet","name":"taem","namespace":"infra"}""", backendRefs: """{"name":"store","port":80}"""),
            HttpRoute("apps", "mesh", """{"group":"","kind":"Service","name":"stroe"}""", backendRefs: """{"name":"store","port":80}"""),
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HttpRoute","metadata":{"name":"a","namespace":"apps"},"spec":{}}""",
            """{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoutes","metadata":{"name":"b","namespace":"apps"},"spec":{}}"""));

        string Message(string code, string subject) => Assert.Single(report.Findings, f => f.Code == code && f.Subject.ToString() == subject).Message;
        Assert.Contains("parentRef ListenerSet infra/taem does not exist", Message(FindingCodes.MissingParent, "HTTPRoute/apps/team"), StringComparison.Ordinal);
        Assert.Contains("close matches: ListenerSet infra/team", Message(FindingCodes.MissingParent, "HTTPRoute/apps/team"), StringComparison.Ordinal);
        Assert.Contains("parentRef Service apps/stroe does not exist", Message(FindingCodes.MissingParent, "HTTPRoute/apps/mesh"), StringComparison.Ordinal);
        Assert.Contains("close matches: Service apps/store", Message(FindingCodes.MissingParent, "HTTPRoute/apps/mesh"), StringComparison.Ordinal);
        Assert.Contains("GatewayClass \"cg\" is not in the input", Message(FindingCodes.MissingGatewayClass, "Gateway/infra/edge"), StringComparison.Ordinal);
        Assert.Contains("did you mean HTTPRoute?", Message(FindingCodes.UnknownKind, "HttpRoute/apps/a"), StringComparison.Ordinal);
        Assert.Contains("did you mean HTTPRoute?", Message(FindingCodes.UnknownKind, "HTTPRoutes/apps/b"), StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(report.Findings, f => f.Code == FindingCodes.MissingGatewayClass).Severity);
    }

    [Fact]
    public void Analyze_ReferenceGrants_UnusedOnlyWhenNoReferenceMatchesFromAndTo()
    {
        static string Grant(string name, string from, string to)
            => $$$"""{"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"{{{name}}}","namespace":"shared"},"spec":{"from":[{{{from}}}],"to":[{{{to}}}]}}""";
        const string FromApps = """{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"apps"}""";
        var report = FindingAnalyzer.Analyze(Evaluate(
            GatewayClass(),
            Gateway("infra", "web", Listener),
            Service("shared", "db"),
            HttpRoute("apps", "cart", """{"name":"web","namespace":"infra"}""", backendRefs: """{"name":"db","namespace":"shared","port":80}"""),
            Grant("named", FromApps, """{"group":"","kind":"Service","name":"db"}"""),
            Grant("any-name", FromApps, """{"group":"","kind":"Service"}"""),
            Grant("other-name", FromApps, """{"group":"","kind":"Service","name":"cache"}"""),
            Grant("other-namespace", """{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"web"}""", """{"group":"","kind":"Service"}"""),
            Grant("other-kind", """{"group":"gateway.networking.k8s.io","kind":"GRPCRoute","namespace":"apps"}""", """{"group":"","kind":"Service"}""")));

        Assert.Equal(
            ["ReferenceGrant/shared/other-kind", "ReferenceGrant/shared/other-name", "ReferenceGrant/shared/other-namespace"],
            report.Findings.Where(f => f.Code == FindingCodes.UnusedReferenceGrant).Select(f => f.Subject.ToString()));
    }

    [Fact]
    public void Analyze_AnnotationOnTheObject_SuppressesItsCodes()
    {
        var report = FindingAnalyzer.Analyze(Evaluate(Documents(""","annotations":{"policyattach.io/suppress":"PA3999, pa3001"}""")));

        var suppressed = Assert.Single(report.Suppressed);
        Assert.Equal((FindingCodes.MissingParent, "annotation"), (suppressed.Finding.Code, suppressed.By));
        Assert.Equal(FindingCodes.UnresolvedBackend, Assert.Single(report.Findings).Code);
    }

    [Fact]
    public void Analyze_OptionForOneObject_SuppressesOnlyThere()
    {
        var options = new FindingOptions { Suppressions = [new FindingSuppression("PA3003", new ResourceKey("", "httproute", "apps", "cart")), new FindingSuppression("PA3001", RouteKey("apps", "other"))] };

        var report = FindingAnalyzer.Analyze(Evaluate(Documents()), options: options);

        Assert.Equal((FindingCodes.UnresolvedBackend, "option"), (Assert.Single(report.Suppressed).Finding.Code, report.Suppressed[0].By));
        Assert.Equal(FindingCodes.MissingParent, Assert.Single(report.Findings).Code);
    }

    [Fact]
    public void Analyze_ObjectsInAnyOrder_SameReport()
    {
        var documents = Documents();
        var forward = FindingAnalyzer.Analyze(Evaluate(documents));
        var backward = FindingAnalyzer.Analyze(Evaluator.Evaluate(Snapshot.Create(documents.Reverse().Select(Obj)), new EvaluationOptions { ControllerNames = [Controller] }));

        Assert.Equal(forward, backward);
    }

    [Fact]
    public void FindingRules_EveryCode_OnceSortedWithTitleAndHelp()
    {
        var codes = FindingRules.All.Select(r => r.Code).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(FindingRules.All, r => Assert.True(r.Title.EndsWith('.') && r.Help.EndsWith('.'), r.Code));
        var declared = typeof(FindingCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)
            .Concat(typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!));
        Assert.DoesNotContain(declared, c => FindingRules.Find(c) is null);
    }
}
