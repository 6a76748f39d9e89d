using System.Text;
using PolicyAttach.Cli.Output;

namespace PolicyAttach.Cli.Graph;

/// <summary>Writes the resource graph as Graphviz DOT or a Mermaid flowchart.</summary>
internal static class GraphWriter
{
    /// <summary>Graphviz DOT: a left-to-right digraph; refused edges dashed.</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The DOT text.</returns>
    public static string Dot(GraphModel graph)
    {
        var chunks = new ChunkedText(null);
        Dot(graph, chunks);
        return chunks.ToString();
    }

    /// <summary>Writes the Graphviz DOT text while it is made.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="output">Where to write.</param>
    public static void Dot(GraphModel graph, TextWriter output)
    {
        var chunks = new ChunkedText(output);
        Dot(graph, chunks);
        chunks.Flush();
    }

    /// <summary>Writes the Mermaid text while it is made.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="output">Where to write.</param>
    public static void Mermaid(GraphModel graph, TextWriter output)
    {
        var chunks = new ChunkedText(output);
        Mermaid(graph, chunks);
        chunks.Flush();
    }

    private static void Dot(GraphModel graph, ChunkedText chunks)
    {
        var text = chunks.Text;
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
            chunks.LineDone();
        }

        foreach (var edge in graph.Edges)
        {
            // Appended in place: a graph of 50,000 routes has millions of edges.
            text.Append("  ").Append(edge.From).Append(" -> ").Append(edge.To);
            var separator = " [";
            if (edge.Label is { Length: > 0 } label)
            {
                text.Append(separator).Append("label=\"").Append(DotEscape(label)).Append('"');
                separator = ", ";
            }

            if (edge.Refused)
            {
                text.Append(separator).Append("style=dashed, color=red");
                separator = ", ";
            }
            else if (edge.Type is "grant" or "policy")
            {
                text.Append(separator).Append("style=dotted");
                separator = ", ";
            }

            if (separator == ", ")
            {
                text.Append(']');
            }

            text.Append(";\n");
            chunks.LineDone();
        }

        text.Append("}\n");
    }

    /// <summary>A Mermaid flowchart (left to right); refused edges dashed (<c>-.-&gt;</c>).</summary>
    /// <param name="graph">The graph.</param>
    /// <returns>The Mermaid text.</returns>
    public static string Mermaid(GraphModel graph)
    {
        var chunks = new ChunkedText(null);
        Mermaid(graph, chunks);
        return chunks.ToString();
    }

    private static void Mermaid(GraphModel graph, ChunkedText chunks)
    {
        var text = chunks.Text;
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
            chunks.LineDone();
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
            chunks.LineDone();
        }

        // The last two lines list node ids and edge positions; written while they are made, as they can be millions long.
        var missing = graph.Nodes.Where(n => n.Type == "Missing").Select(n => n.Id);
        Listed(chunks, "  classDef missing stroke:#c00,stroke-dasharray:4 4\n  class ", missing, " missing\n");
        var refused = graph.Edges.Select((e, i) => (e, i)).Where(x => x.e.Refused).Select(x => Describe.Facts.Number(x.i));
        Listed(chunks, "  linkStyle ", refused, " stroke:#c00\n");
    }

    /// <summary>A line of comma-separated items between a head and a tail, written in chunks; nothing when there are no items.</summary>
    private static void Listed(ChunkedText chunks, string head, IEnumerable<string> items, string tail)
    {
        var first = true;
        foreach (var item in items)
        {
            chunks.Text.Append(first ? head : ",").Append(item);
            first = false;
            if (chunks.Text.Length >= 1 << 16)
            {
                // Mid-line, which is safe here: ids and numbers hold no CR.
                chunks.Flush();
            }
        }

        if (!first)
        {
            chunks.Text.Append(tail);
        }
    }

    private static string DotEscape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string MermaidEscape(string text)
        => text.Replace("\"", "#quot;", StringComparison.Ordinal).Replace("|", "#124;", StringComparison.Ordinal)
            .Replace("<", "#lt;", StringComparison.Ordinal).Replace(">", "#gt;", StringComparison.Ordinal);
}
