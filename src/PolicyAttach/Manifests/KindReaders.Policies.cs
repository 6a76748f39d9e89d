using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using static PolicyAttach.Manifests.CommonReaders;

namespace PolicyAttach.Manifests;

/// <summary>BackendTLSPolicy, XBackendTrafficPolicy and the generic policy shape (spec digest §2.9, §2.10, §2.12).</summary>
internal static partial class KindReaders
{
    static partial void RegisterPolicies(Dictionary<GroupKind, KindEntry> entries)
    {
        entries[Kinds.BackendTlsPolicy] = new(["v1", "v1alpha3"], true, ReadBackendTlsPolicy);
        entries[Kinds.XBackendTrafficPolicy] = new(["v1alpha1"], true, ReadXBackendTrafficPolicy);
    }

    /// <summary>Whether an object of an unknown kind has the GEP-713 policy shape.</summary>
    internal static bool LooksLikePolicy(Node spec)
        => spec.IsObject(report: false) && (spec.Has("targetRef") || spec.Has("targetRefs") || spec.Has("targetSelectors"));

    /// <summary>Reads an instance of an unknown policy CRD, keeping its spec and its default/override stanzas.</summary>
    internal static PolicyObject ReadGenericPolicy(Node root, ObjectHeader header, string kind)
    {
        var spec = root["spec"];
        var data = spec.AsData();
        return new PolicyObject
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            ObjectKind = kind,
            TargetRefs = ReadTargetRefs(spec, header.Namespace),
            TargetSelectors = ReadTargetSelectors(spec),
            Spec = data ?? JsonData.EmptyObject,
            Default = Field(data, "default"),
            Override = Field(data, "override") ?? Field(data, "overrides"),
        };
    }

    /// <summary>
    /// A field of the spec as a value of its own, taken from the spec's value (which is kept anyway) rather than made
    /// from the text again: the same JSON as <see cref="Node.Data"/> gives (the last of repeated keys, null for a
    /// <c>null</c> value or none).
    /// </summary>
    private static JsonData? Field(JsonData? spec, string name)
        => spec is { ValueKind: JsonValueKind.Object } && spec.Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? JsonData.From(value)
            : null;

    private static BackendTlsPolicy ReadBackendTlsPolicy(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        var targets = ReadTargetRefs(spec, header.Namespace);
        if (spec.Count("targetRefs") is < 1 or > 16)
        {
            spec["targetRefs"].Error(DiagnosticCodes.SchemaViolation, "targetRefs needs 1 to 16 entries.");
        }

        CheckSectionNames(spec["targetRefs"], targets);
        var validation = spec["validation"];
        if (!validation.Exists)
        {
            validation.Required();
        }

        var caRefs = validation.List("caCertificateRefs", c => ReadLocalRef(c, Groups.Core));
        var wellKnown = validation.String("wellKnownCACertificates");
        if (!caRefs.IsEmpty && wellKnown is not null)
        {
            validation.Error(DiagnosticCodes.CelViolation, "must not contain both CACertificateRefs and WellKnownCACertificates; keep one.");
        }
        else if (caRefs.IsEmpty && wellKnown is null && validation.Exists)
        {
            validation.Error(DiagnosticCodes.CelViolation, "must specify either CACertificateRefs or WellKnownCACertificates.");
        }

        var hostname = validation.String("hostname");
        if (hostname is null && validation.Exists)
        {
            validation["hostname"].Required();
        }

        CheckHostname(validation["hostname"], hostname, allowWildcard: false);
        CheckMax(validation, "caCertificateRefs", 8);
        CheckMax(validation, "subjectAltNames", 5);
        return new BackendTlsPolicy
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            TargetRefs = targets,
            Spec = spec.AsData() ?? JsonData.EmptyObject,
            CaCertificateRefs = caRefs,
            WellKnownCaCertificates = wellKnown,
            Hostname = hostname,
            SubjectAltNames = validation.List("subjectAltNames", s =>
            {
                var type = RequiredString(s, "type");
                return new SubjectAltName(type, (type == "URI" ? s.String("uri") : s.String("hostname")) ?? string.Empty);
            }),
            Options = spec.Map("options"),
        };
    }

    private static XBackendTrafficPolicy ReadXBackendTrafficPolicy(Node root, ObjectHeader header)
    {
        var spec = root["spec"];
        if (spec.Count("targetRefs") is < 1 or > 16)
        {
            spec["targetRefs"].Error(DiagnosticCodes.SchemaViolation, "targetRefs needs 1 to 16 entries.");
        }

        return new XBackendTrafficPolicy
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            TargetRefs = ReadTargetRefs(spec, header.Namespace),
            Spec = spec.AsData() ?? JsonData.EmptyObject,
        };
    }

    /// <summary>The parentRefs-style CEL on targets: per target, all or none set sectionName, and sectionNames are unique.</summary>
    private static void CheckSectionNames(Node node, EquatableArray<PolicyTargetReference> targets)
    {
        foreach (var group in targets.GroupBy(t => (t.Group, t.Kind, t.Name)).Where(g => g.Count() > 1))
        {
            if (group.Any(t => t.SectionName is null))
            {
                node.Error(DiagnosticCodes.CelViolation, $"sectionName must be specified when targetRefs includes 2 or more references to the same target ({group.Key.Kind} {group.Key.Name}).");
            }
            else if (group.Select(t => t.SectionName).Distinct(StringComparer.Ordinal).Count() != group.Count())
            {
                node.Error(DiagnosticCodes.CelViolation, $"sectionName must be unique when targetRefs includes 2 or more references to the same target ({group.Key.Kind} {group.Key.Name}).");
            }
        }
    }
}
