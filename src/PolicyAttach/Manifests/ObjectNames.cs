using PolicyAttach.Model;

namespace PolicyAttach.Manifests;

/// <summary>
/// The name rules the API server applies to <c>metadata.name</c> and <c>metadata.namespace</c>, per kind: a Service
/// name is an RFC 1035 label, a Namespace name an RFC 1123 label, the names of the other kinds read here and of
/// custom resources RFC 1123 subdomains; unknown built-in kinds (RBAC roles, for example) only need a path segment.
/// The one owner of these rules.
/// </summary>
internal static class ObjectNames
{
    /// <summary>A rule for names.</summary>
    public enum Rule
    {
        /// <summary>At most 253 lowercase letters, digits, <c>-</c> and <c>.</c>, starting and ending with a letter or digit.</summary>
        Subdomain,

        /// <summary>At most 63 lowercase letters, digits and <c>-</c>, starting and ending with a letter or digit.</summary>
        Label,

        /// <summary>As <see cref="Label"/>, starting with a letter.</summary>
        Dns1035Label,

        /// <summary>Not <c>.</c> or <c>..</c>, no <c>/</c> or <c>%</c>, at most 253 characters.</summary>
        PathSegment,
    }

    /// <summary>The rule of a kind's names.</summary>
    /// <param name="kind">The group and kind.</param>
    /// <param name="known">Whether PolicyAttach reads the kind (all of them are checked as the API server checks them).</param>
    /// <returns>The rule.</returns>
    public static Rule For(GroupKind kind, bool known)
    {
        if (kind == Kinds.Service)
        {
            return Rule.Dns1035Label;
        }

        if (kind == Kinds.Namespace)
        {
            return Rule.Label;
        }

        // Custom resources are DNS subdomains; built-in kinds PolicyAttach does not read differ, and all are path segments.
        var builtIn = !kind.Group.Contains('.', StringComparison.Ordinal)
            || (kind.Group.EndsWith(".k8s.io", StringComparison.Ordinal) && kind.Group != Groups.Gateway);
        return known || !builtIn ? Rule.Subdomain : Rule.PathSegment;
    }

    /// <summary>What is wrong with a name under a rule, as the fix to write; null when it is valid.</summary>
    /// <param name="name">The name.</param>
    /// <param name="rule">The rule.</param>
    /// <returns>The problem, or null.</returns>
    public static string? Problem(string name, Rule rule) => rule switch
    {
        Rule.Label => IsLabel(name, letterFirst: false) ? null
            : "use a lowercase RFC 1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        Rule.Dns1035Label => IsLabel(name, letterFirst: true) ? null
            : "use a lowercase RFC 1035 label: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
        Rule.Subdomain => IsSubdomain(name) ? null
            : "use a lowercase RFC 1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
        _ => name.Length <= 253 && name is not ("." or "..") && name.AsSpan().IndexOfAny('/', '%') < 0 ? null
            : "use at most 253 characters, not '.' or '..', and no '/' or '%'",
    };

    private static bool IsLabel(string value, bool letterFirst)
        => value.Length is >= 1 and <= 63 && IsLabelText(value) && (!letterFirst || char.IsAsciiLetterLower(value[0]));

    private static bool IsSubdomain(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var part in value.Split('.'))
        {
            if (!IsLabelText(part))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLabelText(string value)
    {
        if (value.Length == 0 || !IsAlphanumeric(value[0]) || !IsAlphanumeric(value[^1]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!IsAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
