using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Manifests;

/// <summary>Readers for the reference and selector types shared by several kinds, with their CRD defaults.</summary>
internal static class CommonReaders
{
    public static string RequiredString(Node node, string name)
    {
        var value = node.String(name);
        if (string.IsNullOrEmpty(value))
        {
            node[name].Required();
            return string.Empty;
        }

        return value;
    }

    public static LabelSelector ReadLabelSelector(Node node)
    {
        if (!node.IsObject())
        {
            return new LabelSelector();
        }

        var expressions = node.List("matchExpressions", e =>
        {
            var key = RequiredString(e, "key");
            var op = RequiredString(e, "operator");
            if (op.Length > 0 && op is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                e["operator"].Error(DiagnosticCodes.SchemaViolation, $"\"{op}\" is not a label selector operator; use In, NotIn, Exists or DoesNotExist.");
            }

            return new LabelSelectorRequirement(key, op, e.Strings("values"));
        });
        return new LabelSelector { MatchLabels = node.Map("matchLabels"), MatchExpressions = expressions };
    }

    /// <summary>A SecretObjectReference or ObjectReference with group "" and kind Secret by default.</summary>
    public static ObjectReference ReadObjectRef(Node node, string localNamespace, string? defaultKind = null)
    {
        var ns = node.String("namespace");
        return new ObjectReference
        {
            Group = node.String("group") ?? Groups.Core,
            Kind = node.String("kind") ?? defaultKind ?? Kinds.Secret.Kind,
            Name = RequiredString(node, "name"),
            Namespace = string.IsNullOrEmpty(ns) ? localNamespace : ns,
        };
    }

    public static LocalObjectReference ReadLocalRef(Node node, string defaultGroup = Groups.Core, string? defaultKind = null)
        => new(node.String("group") ?? defaultGroup, defaultKind is null ? RequiredString(node, "kind") : node.String("kind") ?? defaultKind, RequiredString(node, "name"));

    public static ParentReference ReadParentRef(Node node, string localNamespace)
    {
        var ns = node.String("namespace");
        var port = node.Int32("port");
        if (port is < 1 or > 65535)
        {
            node["port"].Error(DiagnosticCodes.SchemaViolation, $"port {port} is out of range; use 1 to 65535.");
        }

        var sectionName = node.String("sectionName");
        if (sectionName is not null && !Patterns.IsSubdomain(sectionName))
        {
            node["sectionName"].Error(DiagnosticCodes.SchemaViolation, $"sectionName \"{sectionName}\" is not a valid section name (a lowercase DNS subdomain).");
        }

        return new ParentReference
        {
            Group = node.String("group") ?? Groups.Gateway,
            Kind = node.String("kind") ?? Kinds.Gateway.Kind,
            Namespace = string.IsNullOrEmpty(ns) ? localNamespace : ns,
            NamespaceSet = !string.IsNullOrEmpty(ns),
            Name = RequiredString(node, "name"),
            SectionName = sectionName,
            Port = port,
        };
    }

    /// <summary>
    /// Reads <c>targetRefs[]</c> and a single <c>targetRef</c>. Targets are local unless the reference names a
    /// namespace (NamespacedPolicyTargetReference).
    /// </summary>
    public static EquatableArray<PolicyTargetReference> ReadTargetRefs(Node spec, string localNamespace)
    {
        var refs = new List<PolicyTargetReference>();
        if (spec.Has("targetRef"))
        {
            refs.Add(ReadTargetRef(spec["targetRef"], localNamespace));
        }

        refs.AddRange(spec.Items("targetRefs").Select(n => ReadTargetRef(n, localNamespace)));
        return refs.ToEquatableArray();
    }

    public static EquatableArray<PolicyTargetSelector> ReadTargetSelectors(Node spec)
        => spec.List("targetSelectors", n =>
        {
            var selector = ReadLabelSelector(n);
            var matchLabels = n.Map("matchLabels");
            if (!n.Has("matchExpressions") && matchLabels.Count > 0)
            {
                selector = selector with { MatchLabels = matchLabels };
            }

            // Two shapes exist: "namespaces: {from, selector}" (as allowedRoutes) and a bare "namespaceSelector".
            var namespaces = n["namespaces"];
            var from = namespaces.String("from") ?? (n.Has("namespaceSelector") ? FromNamespaces.Selector : FromNamespaces.Same);
            var namespaceSelector = namespaces.Has("selector") ? ReadLabelSelector(namespaces["selector"])
                : n.Has("namespaceSelector") ? ReadLabelSelector(n["namespaceSelector"]) : null;
            return new PolicyTargetSelector
            {
                Group = n.String("group") ?? Groups.Gateway,
                Kind = RequiredString(n, "kind"),
                Selector = selector,
                NamespacesFrom = from,
                NamespaceSelector = namespaceSelector,
            };
        });

    private static PolicyTargetReference ReadTargetRef(Node node, string localNamespace)
    {
        var ns = node.String("namespace");
        var group = node.String("group") ?? string.Empty;
        var kind = RequiredString(node, "kind");

        // A cluster-scoped target (a GatewayClass) has no namespace, whatever the policy's namespace is.
        var targetNamespace = !ManifestReader.IsNamespaced(new GroupKind(group, kind)) ? string.Empty
            : string.IsNullOrEmpty(ns) ? localNamespace : ns;
        return new PolicyTargetReference
        {
            Group = group,
            Kind = kind,
            Name = RequiredString(node, "name"),
            Namespace = targetNamespace,
            SectionName = node.String("sectionName"),
        };
    }

    public static void CheckMax(Node parent, string name, int max)
    {
        var count = parent.Count(name);
        if (count > max)
        {
            parent[name].Error(DiagnosticCodes.TooMany, $"{name} has {count} entries; at most {max} are allowed.");
        }
    }

    public static void CheckHostname(Node node, string? value, bool allowWildcard = true)
    {
        if (value is null)
        {
            return;
        }

        var ok = allowWildcard ? Patterns.IsHostname(value) : Patterns.IsPreciseHostname(value);
        if (!ok)
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"\"{value}\" is not a valid {(allowWildcard ? "hostname" : "precise hostname")}: use lowercase DNS labels{(allowWildcard ? " with an optional leading \"*.\"" : string.Empty)}, no IP address, no port.");
        }
    }
}
