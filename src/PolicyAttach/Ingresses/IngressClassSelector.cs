using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Ingresses;

/// <summary>Where the class of an Ingress comes from.</summary>
public enum IngressClassSource
{
    /// <summary>No class: neither field nor annotation is set and there is no single default IngressClass.</summary>
    None = 0,

    /// <summary><c>spec.ingressClassName</c>.</summary>
    Spec,

    /// <summary>The deprecated <c>kubernetes.io/ingress.class</c> annotation.</summary>
    Annotation,

    /// <summary>
    /// The one IngressClass annotated <c>ingressclass.kubernetes.io/is-default-class: "true"</c>, which the
    /// <c>DefaultIngressClass</c> admission plugin writes into <c>spec.ingressClassName</c> when the Ingress is created.
    /// </summary>
    Default,
}

/// <summary>Which class, and so which controller, owns one Ingress.</summary>
public sealed record IngressOwnership
{
    /// <summary>The Ingress.</summary>
    public required Ingress Ingress { get; init; }

    /// <summary>The class name, or null when the Ingress has none.</summary>
    public string? ClassName { get; init; }

    /// <summary>Where <see cref="ClassName"/> comes from.</summary>
    public required IngressClassSource Source { get; init; }

    /// <summary>The IngressClass of that name in the input, or null (no class, or a class name without an object).</summary>
    public IngressClass? IngressClass { get; init; }

    /// <summary>The controller (<c>spec.controller</c> of the IngressClass), or null when unknown.</summary>
    public string? Controller => IngressClass?.Controller;

    /// <summary>The problems found about this Ingress's class.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; init; } = [];
}

/// <summary>The class and controller of every Ingress of a snapshot, with the problems found.</summary>
public sealed class IngressClassSelection
{
    private readonly Dictionary<ResourceKey, IngressOwnership> _byKey;

    internal IngressClassSelection(EquatableArray<IngressOwnership> ingresses, EquatableArray<IngressClass> defaults, EquatableArray<Diagnostic> diagnostics)
    {
        Ingresses = ingresses;
        DefaultClasses = defaults;
        Diagnostics = diagnostics;
        _byKey = ingresses.ToDictionary(o => o.Ingress.Key);
    }

    /// <summary>Every Ingress with its class, sorted by namespace and name.</summary>
    public EquatableArray<IngressOwnership> Ingresses { get; }

    /// <summary>The IngressClasses marked default, sorted by name (more than one is a problem).</summary>
    public EquatableArray<IngressClass> DefaultClasses { get; }

    /// <summary>The default class, when exactly one IngressClass is marked default.</summary>
    public IngressClass? DefaultClass => DefaultClasses.Count == 1 ? DefaultClasses[0] : null;

    /// <summary>Every problem found: several defaults, unknown classes, conflicting fields, classless Ingresses.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; }

    /// <summary>The ownership of one Ingress, or null when the snapshot has no such Ingress.</summary>
    /// <param name="ingress">The Ingress's key.</param>
    /// <returns>The ownership.</returns>
    public IngressOwnership? Find(ResourceKey ingress) => _byKey.GetValueOrDefault(ingress);

    /// <summary>The Ingresses whose class is an IngressClass with <c>spec.controller</c> equal to <paramref name="controllerName"/>.</summary>
    /// <param name="controllerName">The controller, such as <c>k8s.io/ingress-nginx</c>.</param>
    /// <returns>The Ingresses, sorted by namespace and name.</returns>
    public IEnumerable<IngressOwnership> OwnedBy(string controllerName)
        => Ingresses.Where(o => string.Equals(o.Controller, controllerName, StringComparison.Ordinal));

    /// <summary>The Ingresses of a class name (also those naming a class that has no IngressClass object).</summary>
    /// <param name="className">The class name.</param>
    /// <returns>The Ingresses, sorted by namespace and name.</returns>
    public IEnumerable<IngressOwnership> OfClass(string className)
        => Ingresses.Where(o => string.Equals(o.ClassName, className, StringComparison.Ordinal));
}

/// <summary>
/// Decides which class, and so which controller, owns each Ingress, as the API server and controllers do
/// (<see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class">Ingress class</see>,
/// <see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class">default IngressClass</see>,
/// <see href="https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation">deprecated annotation</see>):
/// <list type="number">
/// <item><c>spec.ingressClassName</c> when set (a differing <c>kubernetes.io/ingress.class</c> annotation is reported
/// and ignored);</item>
/// <item>else the <c>kubernetes.io/ingress.class</c> annotation, whose value is a class name (controllers that predate
/// IngressClass match it against their configured name, so it may have no IngressClass object);</item>
/// <item>else the default IngressClass: the admission plugin sets it on creation when exactly one IngressClass is
/// annotated <c>ingressclass.kubernetes.io/is-default-class: "true"</c>; with several defaults it refuses to create
/// classless Ingresses, so they get no class and a diagnostic names the defaults.</item>
/// </list>
/// The controller of an Ingress is the <c>spec.controller</c> of the IngressClass its class names.
/// </summary>
public static class IngressClassSelector
{
    /// <summary>The deprecated annotation naming the class.</summary>
    public const string ClassAnnotation = "kubernetes.io/ingress.class";

    /// <summary>The annotation marking the default IngressClass.</summary>
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>Decides the class of every Ingress of a snapshot.</summary>
    /// <param name="snapshot">The input.</param>
    /// <returns>The selection.</returns>
    public static IngressClassSelection Select(Snapshot snapshot)
    {
        Guard.NotNull(snapshot);
        var classes = snapshot.OfType<IngressClass>();
        var byName = classes.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var defaults = classes.Where(c => c.IsDefaultClass).OrderBy(c => c.Name, StringComparer.Ordinal).ToEquatableArray();
        var all = new List<Diagnostic>();
        if (defaults.Count > 1)
        {
            foreach (var d in defaults)
            {
                all.Add(new Diagnostic
                {
                    Severity = DiagnosticSeverity.Warning,
                    Code = IngressDiagnosticCodes.SeveralDefaultClasses,
                    Subject = d.Key,
                    Path = "metadata.annotations",
                    Message = $"{defaults.Count} IngressClasses are marked default ({string.Join(", ", defaults.Select(c => c.Name))}); Ingresses without a class get none, and the API server refuses to create new ones. Keep {DefaultClassAnnotation}: \"true\" on one class only.",
                });
            }
        }

        var ownerships = new List<IngressOwnership>();
        foreach (var ingress in snapshot.OfType<Ingress>())
        {
            var diagnostics = new List<Diagnostic>();
            var annotation = ingress.Metadata.Annotations.GetValueOrDefault(ClassAnnotation);
            string? name;
            IngressClassSource source;
            if (ingress.IngressClassName is { Length: > 0 } spec)
            {
                name = spec;
                source = IngressClassSource.Spec;
                if (annotation is not null && !string.Equals(annotation, spec, StringComparison.Ordinal))
                {
                    diagnostics.Add(Problem(ingress, IngressDiagnosticCodes.ClassFieldsDisagree, DiagnosticSeverity.Warning, "metadata.annotations",
                        $"spec.ingressClassName is \"{spec}\" but the {ClassAnnotation} annotation says \"{annotation}\"; the field wins. Remove the annotation."));
                }
            }
            else if (annotation is { Length: > 0 })
            {
                name = annotation;
                source = IngressClassSource.Annotation;
                diagnostics.Add(Problem(ingress, IngressDiagnosticCodes.DeprecatedClassAnnotation, DiagnosticSeverity.Info, "metadata.annotations",
                    $"the class comes from the deprecated {ClassAnnotation} annotation; set spec.ingressClassName: {annotation} instead."));
            }
            else if (defaults.Count == 1)
            {
                name = defaults[0].Name;
                source = IngressClassSource.Default;
            }
            else
            {
                name = null;
                source = IngressClassSource.None;
                diagnostics.Add(Problem(ingress, IngressDiagnosticCodes.NoClass, DiagnosticSeverity.Warning, "spec.ingressClassName",
                    defaults.Count == 0
                        ? "the Ingress has no class and no IngressClass is marked default, so no controller is required to serve it; set spec.ingressClassName."
                        : $"the Ingress has no class and several IngressClasses are marked default ({string.Join(", ", defaults.Select(c => c.Name))}), so it gets none; set spec.ingressClassName."));
            }

            IngressClass? cls = null;
            if (name is not null && !byName.TryGetValue(name, out cls))
            {
                diagnostics.Add(Problem(ingress, IngressDiagnosticCodes.ClassNotFound, source == IngressClassSource.Annotation ? DiagnosticSeverity.Info : DiagnosticSeverity.Warning,
                    source == IngressClassSource.Annotation ? "metadata.annotations" : "spec.ingressClassName",
                    $"no IngressClass named \"{name}\" is in the input, so its controller is unknown{(source == IngressClassSource.Annotation ? " (controllers configured for the class name still serve it)" : string.Empty)}; add the IngressClass or fix the name."));
            }

            all.AddRange(diagnostics);
            ownerships.Add(new IngressOwnership { Ingress = ingress, ClassName = name, Source = source, IngressClass = cls, Diagnostics = diagnostics.ToEquatableArray() });
        }

        return new IngressClassSelection(ownerships.ToEquatableArray(), defaults, all.ToEquatableArray());
    }

    private static Diagnostic Problem(Ingress ingress, string code, DiagnosticSeverity severity, string path, string message)
        => new() { Severity = severity, Code = code, Subject = ingress.Key, Path = path, Message = message };
}

/// <summary>The diagnostic codes of Ingress class selection and Ingress routing (<c>docs/diagnostics.md</c>).</summary>
public static class IngressDiagnosticCodes
{
    /// <summary>Several IngressClasses are marked default; classless Ingresses get no class.</summary>
    public const string SeveralDefaultClasses = "PA7001";

    /// <summary>An Ingress names a class that has no IngressClass in the input.</summary>
    public const string ClassNotFound = "PA7002";

    /// <summary>An Ingress has no class and there is no single default.</summary>
    public const string NoClass = "PA7003";

    /// <summary><c>spec.ingressClassName</c> and the <c>kubernetes.io/ingress.class</c> annotation disagree; the field wins.</summary>
    public const string ClassFieldsDisagree = "PA7004";

    /// <summary>The class comes from the deprecated annotation.</summary>
    public const string DeprecatedClassAnnotation = "PA7005";

    /// <summary>Several Ingresses of one class set <c>spec.defaultBackend</c>; the oldest wins.</summary>
    public const string DefaultBackendConflict = "PA7006";

    /// <summary>Several Ingresses of one class define the same host and path; the oldest wins.</summary>
    public const string DuplicatePath = "PA7007";

    /// <summary>A backend's Service or Service port is not in the input; requests to it get no backend.</summary>
    public const string BackendNotFound = "PA7008";
}
