using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Tests.Manifests.Documents;

namespace PolicyAttach.Tests.Manifests;

public class PolicyReaderTests
{
    [Fact]
    public void UnknownPolicyKind_WithTargetRef_IsReadAsPolicyWithStanzas()
    {
        var policy = ReadValid<PolicyObject>("""
            {"apiVersion":"networking.acme.io/v1alpha1","kind":"RetryPolicy","metadata":{"name":"r","namespace":"foo"},
             "spec":{"override":{"maxRetries":10},"default":{"maxRetries":5},
                     "targetRef":{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"foo"}}}
            """);
        var target = Assert.Single(policy.TargetRefs);
        Assert.Equal(new ResourceKey(Groups.Gateway, "HTTPRoute", "foo", "foo"), target.TargetKey);
        Assert.Equal("""{"maxRetries":10}""", policy.Override!.ToCanonicalString());
        Assert.Equal("""{"maxRetries":5}""", policy.Default!.ToCanonicalString());
        Assert.Equal("RetryPolicy", policy.Kind);
    }

    [Fact]
    public void UnknownPolicyKind_TargetRefsAndSelectors_AreRead()
    {
        var policy = ReadValid<PolicyObject>("""
            {"apiVersion":"example.com/v1","kind":"P","metadata":{"name":"p","namespace":"n"},
             "spec":{"targetRefs":[{"group":"gateway.networking.k8s.io","kind":"Gateway","name":"g","sectionName":"http"},
                                   {"group":"gateway.networking.k8s.io","kind":"Gateway","name":"other","namespace":"x"}],
                     "targetSelectors":[{"kind":"HTTPRoute","matchLabels":{"app":"a"}}]}}
            """);
        Assert.Equal("http", policy.TargetRefs[0].SectionName);
        Assert.Equal("x", policy.TargetRefs[1].Namespace);
        var selector = Assert.Single(policy.TargetSelectors);
        Assert.Equal(Groups.Gateway, selector.Group);
        Assert.True(selector.Selector.Matches(new Dictionary<string, string> { ["app"] = "a" }));
        Assert.False(selector.Selector.Matches(new Dictionary<string, string> { ["app"] = "b" }));
    }

    [Fact]
    public void BackendTlsPolicy_BothCaSources_BreaksCelRule()
    {
        var diagnostic = ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"BackendTLSPolicy","metadata":{"name":"p","namespace":"n"},
             "spec":{"targetRefs":[{"group":"","kind":"Service","name":"s"}],
                     "validation":{"hostname":"s.example.com","wellKnownCACertificates":"System","caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca"}]}}}
            """, DiagnosticCodes.CelViolation);
        Assert.Contains("must not contain both", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackendTlsPolicy_Valid_IsTypedPolicy()
    {
        var policy = ReadValid<BackendTlsPolicy>("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"BackendTLSPolicy","metadata":{"name":"p","namespace":"n"},
             "spec":{"targetRefs":[{"group":"","kind":"Service","name":"s","sectionName":"https"}],
                     "validation":{"hostname":"s.example.com","caCertificateRefs":[{"group":"","kind":"ConfigMap","name":"ca"}],
                                   "subjectAltNames":[{"type":"URI","uri":"spiffe://a/b"}]}}}
            """);
        Assert.Equal("https", ((IPolicyObject)policy).TargetRefs[0].SectionName);
        Assert.Equal("ConfigMap", policy.CaCertificateRefs[0].Kind);
        Assert.Equal(new SubjectAltName("URI", "spiffe://a/b"), policy.SubjectAltNames[0]);
    }

    [Fact]
    public void BackendTlsPolicy_DuplicateTargetWithoutSection_BreaksCelRule()
    {
        ReadInvalid("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"BackendTLSPolicy","metadata":{"name":"p","namespace":"n"},
             "spec":{"targetRefs":[{"group":"","kind":"Service","name":"s"},{"group":"","kind":"Service","name":"s","sectionName":"a"}],
                     "validation":{"hostname":"s.example.com","wellKnownCACertificates":"System"}}}
            """, DiagnosticCodes.CelViolation);
    }

    [Fact]
    public void XBackendTrafficPolicy_Read_IsTypedPolicy()
    {
        var policy = ReadValid<XBackendTrafficPolicy>("""
            {"apiVersion":"gateway.networking.x-k8s.io/v1alpha1","kind":"XBackendTrafficPolicy","metadata":{"name":"p","namespace":"n"},
             "spec":{"targetRefs":[{"group":"","kind":"Service","name":"s"}],"retryConstraint":{"budget":{"percent":20}}}}
            """);
        Assert.Equal("Service", policy.TargetRefs[0].Kind);
    }
}
