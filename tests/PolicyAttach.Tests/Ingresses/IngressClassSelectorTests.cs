using PolicyAttach.Ingresses;
using static PolicyAttach.Tests.Ingresses.IngressWorld;

namespace PolicyAttach.Tests.Ingresses;

public class IngressClassSelectorTests
{
    private static string Bare(string name, string spec = "\"rules\":[]", string annotations = "") => Ingress(name, spec, annotations);

    [Fact]
    public void IngressClass_FieldAnnotationOrDefault_SelectedInThatOrder()
    {
        var selection = IngressClassSelector.Select(Snapshot(
            Class("web"), Class("other", "example.com/other", isDefault: true),
            Bare("spec", "\"ingressClassName\":\"web\""),
            Bare("legacy", annotations: "\"kubernetes.io/ingress.class\":\"web\""),
            Bare("plain")));
        IngressOwnership Of(string name) => selection.Ingresses.Single(o => o.Ingress.Name == name);
        Assert.Equal(("web", IngressClassSource.Spec, Controller), (Of("spec").ClassName, Of("spec").Source, Of("spec").Controller));
        Assert.Equal(("web", IngressClassSource.Annotation), (Of("legacy").ClassName, Of("legacy").Source));
        Assert.Contains(Of("legacy").Diagnostics, d => d.Code == IngressDiagnosticCodes.DeprecatedClassAnnotation);
        Assert.Equal(("other", IngressClassSource.Default, "example.com/other"), (Of("plain").ClassName, Of("plain").Source, Of("plain").Controller));
        Assert.Equal(["legacy", "spec"], selection.OwnedBy(Controller).Select(o => o.Ingress.Name));
    }

    [Fact]
    public void IngressClass_FieldDiffersFromAnnotation_FieldWins()
    {
        var selection = IngressClassSelector.Select(Snapshot(Class("web"), Bare("i", "\"ingressClassName\":\"web\"", "\"kubernetes.io/ingress.class\":\"nginx\"")));
        var o = selection.Ingresses.Single();
        Assert.Equal("web", o.ClassName);
        Assert.Contains(o.Diagnostics, d => d.Code == IngressDiagnosticCodes.ClassFieldsDisagree);
    }

    [Fact]
    public void IngressClass_SeveralDefaultClasses_NoClassAndDiagnostic()
    {
        var selection = IngressClassSelector.Select(Snapshot(Class("a", isDefault: true), Class("b", isDefault: true), Bare("i")));
        Assert.Null(selection.DefaultClass);
        Assert.Equal(2, selection.Diagnostics.Count(d => d.Code == IngressDiagnosticCodes.SeveralDefaultClasses));
        var o = selection.Ingresses.Single();
        Assert.Equal(IngressClassSource.None, o.Source);
        Assert.Contains(o.Diagnostics, d => d.Code == IngressDiagnosticCodes.NoClass);
    }

    [Fact]
    public void IngressClass_ClassWithoutIngressClassObject_HasNoController()
    {
        var selection = IngressClassSelector.Select(Snapshot(Bare("i", "\"ingressClassName\":\"ghost\"")));
        var o = selection.Ingresses.Single();
        Assert.Null(o.Controller);
        Assert.Single(selection.OfClass("ghost"));
        Assert.Contains(o.Diagnostics, d => d.Code == IngressDiagnosticCodes.ClassNotFound);
    }
}
