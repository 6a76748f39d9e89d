using System.Text;

namespace PolicyAttach.Cli.Graph;

/// <summary>Writes the resource graph as Graphviz DOT or a Mermaid flowchart.</summary>
internal static class GraphWriter
{
    /// <summary>Graphviz DOT: a left-to-right digraph; refused edges dashed.</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The DOT text.</returns>
    public static string Dot(GraphModel graph)
    {
        var text = new StringBuilder();
        text.Append("digraph policyattach {\n");
        text.Append("  rankdir=LR;\n");
        text.Append("  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n");
        text.Append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        foreach (var node in graph.Nodes)
        {
            var style = node.Type switch
            {
                "GatewayClass" => "shape=box, style=\"rounded,bold\"",
                "Gateway" => "shape=box, style=bold",
                "ListenerSet" => "shape=folder",
                "Listener" => "shape=box, style=rounded",
                "Service" => "shape=ellipse",
                "ReferenceGrant" => "shape=hexagon",
                "Policy" => "shape=note",
                "Missing" => "shape=box, style=dashed, color=red",
                _ => "shape=box",
            };
            text.Append("  ").Append(node.Id).Append(" [label=\"").Append(string.Join("\\n", node.Label.Select(DotEscape))).Append("\", ").Append(style).Append("];\n");
        }

        foreach (var edge in graph.Edges)
        {
            var attributes = new List<string>();
            if (edge.Label is { Length: > 0 } label)
            {
                attributes.Add("label=\"" + DotEscape(label) + "\"");
            }

            if (edge.Refused)
            {
                attributes.Add("style=dashed");
                attributes.Add("color=red");
            }
            else if (edge.Type is "grant" or "policy")
            {
                attributes.Add("style=dotted");
            }

            text.Append("  ").Append(edge.From).Append(" -> ").Append(edge.To);
            if (attributes.Count > 0)
            {
                text.Append(" [").Append(string.Join(", ", attributes)).Append(']');
            }

            text.Append(";\n");
        }

        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>A Mermaid flowchart (left to right); refused edges dashed (<c>-.-&gt;</c>).</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The Mermaid text.</returns>
    public static string Mermaid(GraphModel graph)
    {
        var text = new StringBuilder();
        text.Append("flowchart LR\n");
        foreach (var node in graph.Nodes)
        {
            var label = "\"" + string.Join("<br/>", node.Label.Select(MermaidEscape)) + "\"";
            var shape = node.Type switch
            {
                "GatewayClass" => "[[" + label + "]]",
                "ListenerSet" => "[/" + label + "/]",
                "Listener" => "([" + label + "])",
                "Route" => "(" + label + ")",
                "Service" => "((" + label + "))",
                "ReferenceGrant" => "{{" + label + "}}",
                "Policy" => ">" + label + "]",
                _ => "[" + label + "]",
            };
            text.Append("  ").Append(node.Id).Append(shape).Append('\n');
        }

        foreach (var edge in graph.Edges)
        {
            var arrow = edge.Refused || edge.Type is "grant" or "policy" ? "-.->" : "-->";
            text.Append("  ").Append(edge.From).Append(' ').Append(arrow);
            if (edge.Label is { Length: > 0 } label)
            {
                text.Append("|\"").Append(MermaidEscape(label)).Append("\"|");
            }

            text.Append(' ').Append(edge.To).Append('\n');
        }

        var missing = graph.Nodes.Where(n => n.Type == "Missing").Select(n => n.Id).ToList();
        if (missing.Count > 0)
        {
            text.Append("  classDef missing stroke:#c00,stroke-dasharray:4 4\n");
            text.Append("  class ").Append(string.Join(",", missing)).Append(" missing\n");
        }

        var refused = graph.Edges.Select((e, i) => (e, i)).Where(x => x.e.Refused).Select(x => Describe.Facts.Number(x.i)).ToList();
        if (refused.Count > 0)
        {
            text.Append("  linkStyle ").Append(string.Join(",", refused)).Append(" stroke:#c00\n");
        }

        return text.ToString();
    }

    private static string DotEscape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string MermaidEscape(string text)
        => text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal);
}
