using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Ingresses;

/// <summary>How an Ingress path matches, after <c>ImplementationSpecific</c> is decided.</summary>
internal enum IngressPathKind
{
    Exact,
    Prefix,
}

/// <summary>One path of one Ingress rule, with its precedence keys.</summary>
internal sealed record IngressPathEntry(Ingress Ingress, int IngressOrder, int RuleIndex, int PathIndex, string? Host, IngressPath Path, IngressPathKind Kind, string Value)
{
    /// <summary>
    /// Longest path first (the prefix without its trailing <c>/</c>, in characters), <c>Exact</c> before
    /// <c>Prefix</c> at equal length, then the oldest Ingress, then rule and path order.
    /// </summary>
    public static int Compare(IngressPathEntry x, IngressPathEntry y)
    {
        int c;
        if ((c = y.Value.Length.CompareTo(x.Value.Length)) != 0
            || (c = x.Kind.CompareTo(y.Kind)) != 0
            || (c = x.IngressOrder.CompareTo(y.IngressOrder)) != 0
            || (c = x.RuleIndex.CompareTo(y.RuleIndex)) != 0)
        {
            return c;
        }

        return x.PathIndex.CompareTo(y.PathIndex);
    }
}

/// <summary>The rules of every host of one class: what an Ingress controller builds before serving.</summary>
/// <param name="Host">The host in lowercase (<c>*.suffix</c> for a wildcard), or null for the rules without host.</param>
/// <param name="Entries">The paths in precedence order.</param>
internal sealed record IngressHostGroup(string? Host, List<IngressPathEntry> Entries);

/// <summary>A TLS host pattern with the Secret that serves it.</summary>
internal sealed record IngressTlsHost(string? Host, Ingress Ingress, string SecretName);

/// <summary>
/// The Ingress rules of one class or controller gathered by host (the shared input of
/// <see cref="IngressRoutingTable"/> and <see cref="IngressConverter"/>).
/// </summary>
internal sealed class IngressRuleSet
{
    public required List<Ingress> Ingresses { get; init; }

    /// <summary>Host groups; the key is the lowercase host, <c>*.suffix</c>, or empty for rules without host.</summary>
    public required Dictionary<string, IngressHostGroup> Groups { get; init; }

    public (Ingress Ingress, IngressBackend Backend)? DefaultBackend { get; init; }

    /// <summary>TLS host patterns, first (oldest Ingress) wins per host; the key is the host, or empty for an entry without hosts.</summary>
    public required Dictionary<string, IngressTlsHost> Tls { get; init; }

    public required List<Diagnostic> Diagnostics { get; init; }

    /// <summary>Orders Ingresses as controllers settle conflicts: oldest first, then namespace and name.</summary>
    public static int CompareAge(Ingress x, Ingress y)
    {
        var c = x.Metadata.CreationTimestamp.CompareTo(y.Metadata.CreationTimestamp);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(x.Namespace, y.Namespace);
        return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
    }

    public static IngressRuleSet Build(IEnumerable<Ingress> owned)
    {
        var ingresses = owned.ToList();
        ingresses.Sort(CompareAge);
        var groups = new Dictionary<string, IngressHostGroup>(StringComparer.Ordinal);
        var tls = new Dictionary<string, IngressTlsHost>(StringComparer.Ordinal);
        var diagnostics = new List<Diagnostic>();
        (Ingress, IngressBackend)? defaultBackend = null;
        for (var order = 0; order < ingresses.Count; order++)
        {
            var ingress = ingresses[order];
            if (ingress.DefaultBackend is { } backend)
            {
                if (defaultBackend is { } taken)
                {
                    diagnostics.Add(new Diagnostic
                    {
                        Severity = DiagnosticSeverity.Warning,
                        Code = IngressDiagnosticCodes.DefaultBackendConflict,
                        Subject = ingress.Key,
                        Path = "spec.defaultBackend",
                        Message = $"Ingress {taken.Item1.Namespace}/{taken.Item1.Name} of the same class is older and sets spec.defaultBackend too; its backend serves unmatched requests. Keep one defaultBackend per class.",
                    });
                }
                else
                {
                    defaultBackend = (ingress, backend);
                }
            }

            for (var r = 0; r < ingress.Rules.Count; r++)
            {
                var rule = ingress.Rules[r];
                var host = NormalizeHost(rule.Host);
                var key = host ?? string.Empty;
                if (!groups.TryGetValue(key, out var group))
                {
                    groups[key] = group = new IngressHostGroup(host, []);
                }

                for (var p = 0; p < rule.Paths.Count; p++)
                {
                    var path = rule.Paths[p];
                    // ImplementationSpecific is matched as Prefix (see IngressRoutingTable).
                    var kind = path.PathType == "Exact" ? IngressPathKind.Exact : IngressPathKind.Prefix;
                    var value = kind == IngressPathKind.Exact ? path.Path : NormalizePrefix(path.Path);
                    group.Entries.Add(new IngressPathEntry(ingress, order, r, p, host, path, kind, value));
                }
            }

            foreach (var entry in ingress.Tls)
            {
                if (entry.SecretName is not { Length: > 0 } secret)
                {
                    continue;
                }

                if (entry.Hosts.Count == 0)
                {
                    tls.TryAdd(string.Empty, new IngressTlsHost(null, ingress, secret));
                }

                foreach (var h in entry.Hosts)
                {
                    if (NormalizeHost(h) is { } n)
                    {
                        tls.TryAdd(n, new IngressTlsHost(n, ingress, secret));
                    }
                }
            }
        }

        foreach (var group in groups.Values)
        {
            group.Entries.Sort(IngressPathEntry.Compare);
            for (var i = 1; i < group.Entries.Count; i++)
            {
                var (a, b) = (group.Entries[i - 1], group.Entries[i]);
                if (a.Kind == b.Kind && a.Value == b.Value && a.Ingress != b.Ingress)
                {
                    diagnostics.Add(new Diagnostic
                    {
                        Severity = DiagnosticSeverity.Warning,
                        Code = IngressDiagnosticCodes.DuplicatePath,
                        Subject = b.Ingress.Key,
                        Path = $"spec.rules[{b.RuleIndex}].http.paths[{b.PathIndex}]",
                        Message = $"Ingress {a.Ingress.Namespace}/{a.Ingress.Name} is older and defines the same {b.Kind} path \"{b.Path.Path}\" for {(group.Host is null ? "every host" : "host " + group.Host)}; it wins. Remove one.",
                    });
                }
            }
        }

        return new IngressRuleSet { Ingresses = ingresses, Groups = groups, DefaultBackend = defaultBackend, Tls = tls, Diagnostics = diagnostics };
    }

    /// <summary>The host group serving a host: its exact host, else the wildcard one label up, else the rules without host.</summary>
    public IngressHostGroup? Select(string? host)
    {
        if (host is null)
        {
            return Groups.GetValueOrDefault(string.Empty);
        }

        if (Groups.TryGetValue(host, out var exact))
        {
            return exact;
        }

        if (!host.StartsWith("*.", StringComparison.Ordinal) && IngressHosts.OneLabelUp(host) is { } parent && Groups.TryGetValue("*." + parent, out var wild))
        {
            return wild;
        }

        return Groups.GetValueOrDefault(string.Empty);
    }

    /// <summary>The TLS pattern covering a host (exact, wildcard one label up, or an entry without hosts), or null.</summary>
    public IngressTlsHost? TlsFor(string? host)
    {
        if (host is not null)
        {
            if (Tls.TryGetValue(host, out var exact))
            {
                return exact;
            }

            if (!host.StartsWith("*.", StringComparison.Ordinal) && IngressHosts.OneLabelUp(host) is { } parent && Tls.TryGetValue("*." + parent, out var wild))
            {
                return wild;
            }
        }

        return Tls.GetValueOrDefault(string.Empty);
    }

    /// <summary>Lowercases a host; empty becomes null (a rule for every host).</summary>
    public static string? NormalizeHost(string? host) => string.IsNullOrEmpty(host) ? null : host.ToLowerInvariant();

    /// <summary>A Prefix path without its trailing <c>/</c> characters (<c>/</c> becomes empty): the element-wise prefix.</summary>
    public static string NormalizePrefix(string path) => path.TrimEnd('/');

    /// <summary>Resolves a backend as the controller would: the Service and its port in the Ingress's namespace.</summary>
    public static ResolvedIngressBackend Resolve(Snapshot snapshot, Ingress ingress, IngressBackend backend)
    {
        if (backend.Resource is { } resource)
        {
            return new(new BackendReference { Group = resource.Group, Kind = resource.Kind, Name = resource.Name, Namespace = ingress.Namespace }, true, null, null);
        }

        var name = backend.ServiceName ?? string.Empty;
        var service = snapshot.Find<Service>(new ResourceKey(Kinds.Service, ingress.Namespace, name));
        int? port = backend.ServicePortNumber;
        string? problem = null;
        if (service is null)
        {
            problem = $"Service {ingress.Namespace}/{name} does not exist";
        }
        else if (port is { } number)
        {
            if (service.Ports.Count > 0 && service.FindPort(number) is null)
            {
                problem = $"Service {ingress.Namespace}/{name} has no port {number}";
            }
        }
        else if (backend.ServicePortName is { } portName)
        {
            port = service.Ports.FirstOrDefault(p => string.Equals(p.Name, portName, StringComparison.Ordinal))?.Port;
            if (port is null)
            {
                problem = $"Service {ingress.Namespace}/{name} has no port named \"{portName}\"";
            }
        }

        var reference = new BackendReference { Name = name, Namespace = ingress.Namespace, Port = port };
        return new(reference, problem is null, problem is null ? null : ConditionReason.BackendNotFound, problem);
    }
}

/// <summary>A backend resolved against the input.</summary>
/// <param name="Reference">The equivalent Gateway API reference (the port name resolved to a number when possible).</param>
/// <param name="IsValid">Whether the Service and port exist (resource backends are taken as valid).</param>
/// <param name="Reason"><c>BackendNotFound</c> when invalid.</param>
/// <param name="Message">What is missing.</param>
internal sealed record ResolvedIngressBackend(BackendReference Reference, bool IsValid, ConditionReason? Reason, string? Message);

/// <summary>Host helpers of the Ingress rules.</summary>
internal static class IngressHosts
{
    /// <summary>The host without its first label (<c>a.b.c</c> → <c>b.c</c>), or null when it has one label.</summary>
    public static string? OneLabelUp(string host)
    {
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 || dot == host.Length - 1 ? null : host[(dot + 1)..];
    }

    /// <summary>The span form of <see cref="OneLabelUp(string)"/>; empty when none.</summary>
    public static ReadOnlySpan<char> OneLabelUp(ReadOnlySpan<char> host)
    {
        var dot = host.IndexOf('.');
        return dot <= 0 || dot == host.Length - 1 ? default : host[(dot + 1)..];
    }
}
