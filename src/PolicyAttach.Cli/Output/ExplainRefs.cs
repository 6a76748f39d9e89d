using System.Globalization;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Output;

/// <summary>Short readable forms of references and listeners.</summary>
internal static class ExplainRefs
{
    /// <summary><c>Gateway ns/name</c> with <c>sectionName</c> and <c>port</c> when set; the group when not the Gateway API's.</summary>
    /// <param name="parentRef">The reference.</param>
    /// <returns>The text.</returns>
    public static string Parent(ParentReference parentRef)
    {
        var kind = parentRef.Group == Groups.Gateway ? parentRef.Kind : new GroupKind(parentRef.Group, parentRef.Kind).ToString();
        var text = parentRef.Namespace.Length == 0 ? $"{kind} {parentRef.Name}" : $"{kind} {parentRef.Namespace}/{parentRef.Name}";
        if (parentRef.SectionName is { } section)
        {
            text += " sectionName=" + section;
        }

        if (parentRef.Port is { } port)
        {
            text += " port=" + port.ToString(CultureInfo.InvariantCulture);
        }

        return text;
    }

    /// <summary><c>HTTP port 80, hostname *.example.com</c>.</summary>
    /// <param name="listener">The listener.</param>
    /// <returns>The text.</returns>
    public static string Listener(Listener listener)
        => string.Create(CultureInfo.InvariantCulture, $"{listener.Protocol} port {listener.Port}, hostname {listener.Hostname ?? "*"}");
}
