using PolicyAttach.Cli.CommandLine;
using PolicyAttach.Diagnostics;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// The Ingresses a command shows next to the Gateway API objects: those whose IngressClass <c>spec.controller</c> is
/// one of the controllers acted for, or every Ingress when no controller is in play (no <c>--controller-name</c> and
/// no GatewayClass in the input). Carries each one's ownership (class, how it was chosen, controller) and the problems
/// found: the class selection's diagnostics about these Ingresses (and about several default classes), then those of
/// the Ingress routing table of each of their classes (path conflicts, missing backends), without repeats.
/// </summary>
internal sealed class IngressScope
{
    private IngressScope(IReadOnlyList<IngressOwnership> ingresses, IReadOnlyList<Diagnostic> diagnostics)
    {
        Ingresses = ingresses;
        Diagnostics = diagnostics;
    }

    /// <summary>The Ingresses shown, sorted by namespace and name.</summary>
    public IReadOnlyList<IngressOwnership> Ingresses { get; }

    /// <summary>The problems found, sorted by subject, code, path and message.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>Selects the Ingresses of the controllers acted for, or all of them when none is in play.</summary>
    /// <param name="snapshot">The input.</param>
    /// <param name="controllers">The controller names acted for.</param>
    /// <param name="only">When set, only this Ingress (if it is in scope).</param>
    /// <returns>The scope.</returns>
    public static IngressScope Build(Snapshot snapshot, IReadOnlyList<string> controllers, ResourceKey? only = null)
    {
        var selection = IngressClassSelector.Select(snapshot);
        bool InPlay(string? controller) => controllers.Count == 0 || (controller is not null && controllers.Contains(controller, StringComparer.Ordinal));
        var shown = selection.Ingresses.Where(o => InPlay(o.Controller) && (only is null || o.Ingress.Key == only)).ToList();
        var keys = shown.Select(o => o.Ingress.Key).ToHashSet();
        var found = new List<Diagnostic>();
        foreach (var d in selection.Diagnostics)
        {
            var aboutShown = d.Subject is { } subject && keys.Contains(subject);
            var severalDefaults = d.Code == IngressDiagnosticCodes.SeveralDefaultClasses && d.Subject is { } cls
                && snapshot.Find(cls) is IngressClass c && InPlay(c.Controller);
            if (aboutShown || (severalDefaults && only is null))
            {
                found.Add(d);
            }
        }

        foreach (var className in shown.Select(o => o.ClassName).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var table = IngressRoutingTable.Compile(snapshot, IngressOwner.Class(className));
            found.AddRange(table.Diagnostics.Where(d => d.Subject is { } s && keys.Contains(s)));
        }

        var diagnostics = found.Distinct()
            .OrderBy(d => d.Subject ?? default)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ThenBy(d => d.Path ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
        return new IngressScope(shown, diagnostics);
    }

    /// <summary>The problems about one object.</summary>
    /// <param name="key">The object.</param>
    /// <returns>Its diagnostics.</returns>
    public IEnumerable<Diagnostic> About(ResourceKey key) => Diagnostics.Where(d => d.Subject == key);

    /// <summary>The problems about no shown Ingress (IngressClasses, for instance).</summary>
    /// <returns>Those diagnostics.</returns>
    public IEnumerable<Diagnostic> Others()
    {
        var keys = Ingresses.Select(o => o.Ingress.Key).ToHashSet();
        return Diagnostics.Where(d => d.Subject is not { } s || !keys.Contains(s));
    }

    /// <summary>Prints the problems to standard error, in the workspace's diagnostic format.</summary>
    /// <param name="workspace">The workspace (for locations).</param>
    /// <param name="context">The context.</param>
    public void PrintDiagnostics(Workspace workspace, CliContext context)
    {
        foreach (var d in Diagnostics)
        {
            context.Err(workspace.Format(d));
        }
    }

    /// <summary>How the class was chosen, in words.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The words.</returns>
    public static string SourceText(IngressClassSource source) => source switch
    {
        IngressClassSource.Spec => "spec.ingressClassName",
        IngressClassSource.Annotation => "annotation " + IngressClassSelector.ClassAnnotation,
        IngressClassSource.Default => "default IngressClass",
        _ => "none",
    };

    /// <summary>The ownership of one Ingress in one line: <c>class NAME (how), controller NAME</c>.</summary>
    /// <param name="o">The ownership.</param>
    /// <returns>The line.</returns>
    public static string OwnershipText(IngressOwnership o)
    {
        if (o.ClassName is not { } name)
        {
            return "no class, no controller";
        }

        var controller = o.Controller is { } c ? "controller " + c : "controller unknown (no IngressClass " + name + " in the input)";
        return $"class {name} ({SourceText(o.Source)}), {controller}";
    }

    /// <summary>One diagnostic as a short line: <c>severity CODE: [path: ]message</c>.</summary>
    /// <param name="d">The diagnostic.</param>
    /// <returns>The line.</returns>
    public static string ProblemText(Diagnostic d)
        => $"{Workspace.SeverityName(d.Severity)} {d.Code}: {(d.Path is null ? string.Empty : d.Path + ": ")}{d.Message.Replace('\n', ' ')}";
}
