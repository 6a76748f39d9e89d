using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Effective;

/// <summary>Renders an effective-policy report as a tree: Gateway, ListenerSet, listener, route, rule, backend, then each policy kind.</summary>
internal static class EffectiveText
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The text.</returns>
    public static string Write(EffectiveReport report)
    {
        var text = new StringBuilder();
        var what = report.Target + (report.Section is null ? string.Empty : " section " + report.Section);
        Line(text, 0, "effective policies of " + what);
        Line(text, 0, "controller: " + (report.ControllerNames.Count == 0 ? "none (the input has no GatewayClass; give --controller-name)" : string.Join(", ", report.ControllerNames)));
        if (report.Profile is not null)
        {
            Line(text, 0, "profile: " + report.Profile);
        }

        if (report.Contexts.Count == 0)
        {
            Line(text, 0, $"{what} is in no context of a managed Gateway (not attached, or its Gateway is not managed by this controller): no policy reaches it.");
            return text.ToString();
        }

        string?[] previous = [];
        EffectiveContextRecord? routeContext = null;
        foreach (var context in report.Contexts)
        {
            var path = Path(context);
            var common = 0;
            while (common < path.Count && common < previous.Length && path[common] == previous[common])
            {
                common++;
            }

            if (common == path.Count)
            {
                common--;
            }

            for (var depth = common; depth < path.Count; depth++)
            {
                Line(text, depth * 2, path[depth]!);
            }

            if (context.Rule is null && context.Route is not null)
            {
                routeContext = context;
            }

            if (context.Rule is { Name: null } && context.Backend is null && routeContext is not null && routeContext.Route == context.Route
                && routeContext.Gateway == context.Gateway && routeContext.ListenerSet == context.ListenerSet && routeContext.Listener == context.Listener)
            {
                Line(text, path.Count * 2, "as the route (an unnamed rule cannot be targeted: it only inherits)");
            }
            else
            {
                Policies(text, context, path.Count * 2);
            }

            previous = [.. path];
        }

        if (report.Contexts.All(c => c.Policies.Count == 0))
        {
            Line(text, 0, $"No policy reaches {what}.");
        }

        return text.ToString();
    }

    /// <summary>The headings from the Gateway down to the context.</summary>
    private static List<string?> Path(EffectiveContextRecord context)
    {
        var path = new List<string?> { context.Gateway.ToString() };
        if (context.ListenerSet is { } set)
        {
            path.Add(set.ToString());
        }

        if (context.Listener is { } listener)
        {
            path.Add("listener " + listener);
        }

        if (context.Route is { } route)
        {
            path.Add(route.ToString());
        }

        if (context.Rule is { } rule)
        {
            path.Add(string.Create(CultureInfo.InvariantCulture, $"rule {rule.Index}") + (rule.Name is null ? " (unnamed)" : " " + rule.Name));
        }

        if (context.Backend is { } backend)
        {
            var port = backend.Port is { } p ? " port " + p.ToString(CultureInfo.InvariantCulture) : string.Empty;
            path.Add("backend " + backend.Service + port + (backend.PortName is null ? string.Empty : " (" + backend.PortName + ")"));
        }

        return path;
    }

    private static void Policies(StringBuilder text, EffectiveContextRecord context, int indent)
    {
        if (context.Policies.Count == 0)
        {
            Line(text, indent, "no policy");
            return;
        }

        foreach (var policy in context.Policies)
        {
            Line(text, indent, new GroupKind(policy.Kind.Group, policy.Kind.Kind) + ": " + Json(policy.Document));
            Line(text, indent + 2, "policies: " + string.Join(", ", policy.Policies.Select(p => p.ToString())));
            foreach (var field in policy.Fields)
            {
                Line(text, indent + 2, (field.Path.Length == 0 ? "(whole document)" : field.Path) + " = " + Json(field.Value));
                Line(text, indent + 4, "from " + field.Source);
                foreach (var beaten in field.Overrode)
                {
                    Line(text, indent + 4, "overrode " + beaten);
                }
            }
        }
    }

    private static string Json(JsonElement value) => JsonSerializer.Serialize(value, Compact);

    private static void Line(StringBuilder text, int indent, string line) => text.Append(' ', indent).Append(line).Append('\n');
}
