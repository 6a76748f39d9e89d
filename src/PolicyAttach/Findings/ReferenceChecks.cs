using System.Globalization;
using System.Text.Json;
using PolicyAttach.Binding;
using PolicyAttach.Manifests;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Findings;

/// <summary>
/// References to things that do not exist: parentRefs (PA3001) and their sectionName or port (PA3005), a Gateway's
/// GatewayClass (PA3002), backendRefs (PA3003, PA3105), certificateRefs (PA3004, PA3105), and kinds a known API
/// group does not have (PA3006).
/// </summary>
internal static class ReferenceChecks
{
    public static void Run(FindingContext context)
    {
        ParentRefs(context);
        GatewayClasses(context);
        Backends(context);
        Certificates(context);
        UnknownKinds(context);
    }

    private static void ParentRefs(FindingContext context)
    {
        var snapshot = context.Snapshot;
        foreach (var route in snapshot.Objects.OfType<RouteBase>())
        {
            for (var i = 0; i < route.ParentRefs.Count; i++)
            {
                var parentRef = route.ParentRefs[i];
                var kind = parentRef.GroupKind;
                var isParentKind = kind == Kinds.Gateway || kind == Kinds.ListenerSet || kind == Kinds.Service;
                if (!isParentKind)
                {
                    continue;
                }

                var path = string.Create(CultureInfo.InvariantCulture, $"spec.parentRefs[{i}]");
                var parent = snapshot.Find(parentRef.TargetKey);
                if (parent is null)
                {
                    context.BrokenParentRefs.Add((route.Key, i));
                    context.Add(FindingCodes.MissingParent, route.Key, path + ".name",
                        $"parentRef {parentRef.Kind} {parentRef.Namespace}/{parentRef.Name} does not exist, so the route attaches nowhere through it{context.CloseMatches(kind, parentRef.Namespace, parentRef.Name)}. Fix the parentRef's name or namespace, or add the {parentRef.Kind}.");
                    continue;
                }

                IReadOnlyList<Listener>? listeners = parent switch
                {
                    Gateway g => g.Listeners,
                    ListenerSet s => s.Listeners,
                    _ => null,
                };
                if (listeners is null)
                {
                    continue;
                }

                if (parentRef.SectionName is { } section && !listeners.Any(l => l.Name == section))
                {
                    context.BrokenParentRefs.Add((route.Key, i));
                    context.Add(FindingCodes.UnknownSection, route.Key, path + ".sectionName",
                        $"sectionName \"{section}\" names no listener of {parentRef.Kind} {parentRef.Namespace}/{parentRef.Name}; its listeners are {Names(listeners.Select(l => l.Name))}.");
                }
                else if (parentRef.Port is { } port && !listeners.Any(l => l.Port == port && (parentRef.SectionName is null || l.Name == parentRef.SectionName)))
                {
                    context.BrokenParentRefs.Add((route.Key, i));
                    context.Add(FindingCodes.UnknownSection, route.Key, path + ".port",
                        string.Create(CultureInfo.InvariantCulture, $"port {port} is the port of no listener {(parentRef.SectionName is null ? string.Empty : "named \"" + parentRef.SectionName + "\" ")}of {parentRef.Kind} {parentRef.Namespace}/{parentRef.Name}; its ports are {Names(listeners.Select(l => l.Port.ToString(CultureInfo.InvariantCulture)).Distinct())}."));
                }
            }
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static void GatewayClasses(FindingContext context)
    {
        var classes = context.Snapshot.GatewayClasses.Select(c => c.Name).ToList();
        foreach (var gateway in context.Snapshot.Gateways)
        {
            if (!classes.Contains(gateway.GatewayClassName, StringComparer.Ordinal))
            {
                var close = classes.Where(c => EditDistance.Of(c, gateway.GatewayClassName) <= Math.Max(2, gateway.GatewayClassName.Length / 4)).ToList();
                context.Add(FindingCodes.MissingGatewayClass, gateway.Key, "spec.gatewayClassName",
                    $"GatewayClass \"{gateway.GatewayClassName}\" is not in the input, so no controller here is known to program this Gateway"
                    + (close.Count > 0 ? $"; close matches: {string.Join(", ", close)}" : classes.Count > 0 ? $"; the input's GatewayClasses are {string.Join(", ", classes)}" : string.Empty)
                    + ". Fix spec.gatewayClassName, or include the GatewayClass.");
            }
        }
    }

    private static void Backends(FindingContext context)
    {
        foreach (var route in context.Result.Routes)
        {
            foreach (var backend in route.BackendRefs.Where(b => !b.IsValid))
            {
                var reference = backend.BackendRef;
                var path = backend.IsMirror
                    ? string.Create(CultureInfo.InvariantCulture, $"spec.rules[{backend.RuleIndex}].filters")
                    : string.Create(CultureInfo.InvariantCulture, $"spec.rules[{backend.RuleIndex}].backendRefs[{backend.BackendIndex}]");
                var what = backend.IsMirror ? "mirror backendRef" : "backendRef";
                // The binder has already exempted mesh routes (GEP-1294): a RefNotPermitted here always needs a grant.
                if (backend.Reason == ConditionReason.RefNotPermitted)
                {
                    context.Add(FindingCodes.RefNotPermitted, route.Route.Key, path,
                        $"{what} {reference.Kind} {reference.Namespace}/{reference.Name} is in another namespace and no ReferenceGrant in \"{reference.Namespace}\" allows {route.Route.Kind}s from \"{route.Route.Namespace}\" to refer to it; add one.");
                    continue;
                }

                var missing = backend.Reason == ConditionReason.BackendNotFound && context.Snapshot.Find(reference.TargetKey) is null;
                var close = missing ? context.CloseMatches(new GroupKind(reference.Group, reference.Kind), reference.Namespace, reference.Name) : string.Empty;
                context.Add(FindingCodes.UnresolvedBackend, route.Route.Key, missing ? path + ".name" : path,
                    $"{Sentence(backend.Message)} ({backend.Reason}){close}. Fix the {what}{(missing ? $", or add the {reference.Kind}" : string.Empty)}.");
            }
        }
    }

    private static string Sentence(string? message) => (message ?? string.Empty).TrimEnd('.');

    private static void Certificates(FindingContext context)
    {
        var owners = context.Result.Gateways.Select(g => (Object: (KubeObject)g.Gateway, g.Gateway.Listeners))
            .Concat(context.Result.ListenerSets.Select(s => (Object: (KubeObject)s.ListenerSet, s.ListenerSet.Listeners)));
        foreach (var (owner, listeners) in owners)
        {
            for (var i = 0; i < listeners.Count; i++)
            {
                var listener = listeners[i];
                if (listener.Tls is not { Mode: TlsModes.Terminate } tls || listener.Protocol is not (Protocols.Https or Protocols.Tls))
                {
                    continue;
                }

                for (var j = 0; j < tls.CertificateRefs.Count; j++)
                {
                    var reference = tls.CertificateRefs[j];
                    if (reference.GroupKind != Kinds.Secret)
                    {
                        continue;
                    }

                    var path = string.Create(CultureInfo.InvariantCulture, $"spec.listeners[{i}].tls.certificateRefs[{j}]");
                    if (!context.Grants.Allows(owner.Key, reference.TargetKey))
                    {
                        context.Add(FindingCodes.RefNotPermitted, owner.Key, path,
                            $"certificateRef Secret {reference.Namespace}/{reference.Name} of listener {listener.Name} is in another namespace and no ReferenceGrant in \"{reference.Namespace}\" allows {owner.Kind}s from \"{owner.Namespace}\" to refer to it; add one.");
                    }
                    else if (context.Snapshot.Find(reference.TargetKey) is null)
                    {
                        context.Add(FindingCodes.MissingCertificate, owner.Key, path + ".name",
                            $"certificateRef Secret {reference.Namespace}/{reference.Name} of listener {listener.Name} is not in the input{context.CloseMatches(Kinds.Secret, reference.Namespace, reference.Name)}; the listener has no certificate unless the Secret is created elsewhere.");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Objects of a kind their group does not have. In the Gateway API groups every kind is known (the typed ones, and
    /// those of CRDs in the input), so any other is a mistake; in other groups only a kind that differs from a known
    /// one by case or a plural ending is reported, since those groups have kinds PolicyAttach does not read.
    /// </summary>
    private static void UnknownKinds(FindingContext context)
    {
        var crdKinds = CrdKinds(context);
        foreach (var obj in context.Snapshot.Objects.OfType<GenericObject>())
        {
            var group = obj.Group;
            if (group == Groups.ApiExtensions || crdKinds.Contains(new GroupKind(group, obj.Kind)))
            {
                continue;
            }

            var known = ManifestReader.KindsOf(group).Concat(crdKinds.Where(k => k.Group == group).Select(k => k.Kind)).Distinct().ToList();
            if (known.Count == 0)
            {
                continue;
            }

            var nearMiss = known.Where(k => string.Equals(k, obj.Kind, StringComparison.OrdinalIgnoreCase)
                || string.Equals(k + "s", obj.Kind, StringComparison.OrdinalIgnoreCase)
                || string.Equals(k + "es", obj.Kind, StringComparison.OrdinalIgnoreCase)).ToList();
            var gatewayApi = group is Groups.Gateway or Groups.GatewayExperimental;
            if (!gatewayApi && nearMiss.Count == 0)
            {
                continue;
            }

            var close = nearMiss.Count > 0
                ? nearMiss
                : known.Select(k => (Kind: k, Distance: EditDistance.Of(k, obj.Kind))).Where(c => c.Distance <= Math.Max(2, obj.Kind.Length / 3))
                    .OrderBy(c => c.Distance).ThenBy(c => c.Kind, StringComparer.Ordinal).Select(c => c.Kind).Take(3).ToList();
            context.Add(FindingCodes.UnknownKind, obj.Key, "kind",
                $"{group} has no kind \"{obj.Kind}\", so this object is read as an unknown kind and takes no part"
                + (close.Count > 0 ? $"; did you mean {string.Join(" or ", close)}?" : $"; its kinds are {string.Join(", ", known)}."));
        }
    }

    private static HashSet<GroupKind> CrdKinds(FindingContext context)
    {
        var kinds = new HashSet<GroupKind>();
        foreach (var crd in context.Snapshot.OfKind(Kinds.CustomResourceDefinition).OfType<GenericObject>())
        {
            var element = crd.Raw.Element;
            if (element.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
                && spec.TryGetProperty("group", out var group) && group.ValueKind == JsonValueKind.String
                && spec.TryGetProperty("names", out var names) && names.ValueKind == JsonValueKind.Object
                && names.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String)
            {
                kinds.Add(new GroupKind(group.GetString()!, kind.GetString()!));
            }
        }

        return kinds;
    }
}
