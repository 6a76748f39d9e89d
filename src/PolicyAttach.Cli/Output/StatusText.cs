using System.Globalization;
using System.Text;
using PolicyAttach.Binding;
using PolicyAttach.Cli.Input;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Output;

/// <summary>A readable summary of an evaluation, for <c>status --output text</c>.</summary>
internal static class StatusText
{
    /// <summary>Writes the summary: one block per object (policies included, with their ancestors), sorted by (group, kind, namespace, name).</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="ingresses">The Ingresses to show with their class, controller and problems, or null.</param>
    /// <param name="include">Which objects to show (<c>-n</c>, <c>-l</c>); null for all.</param>
    /// <returns>The text.</returns>
    public static string Write(EvaluationResult result, IngressScope? ingresses = null, Func<ResourceKey, bool>? include = null)
    {
        var blocks = new List<(ResourceKey Key, string Text)>();
        foreach (var cls in result.GatewayClasses)
        {
            var text = new StringBuilder();
            Header(text, cls.GatewayClass.Key, cls.Conditions);
            blocks.Add((cls.GatewayClass.Key, text.ToString()));
        }

        foreach (var gateway in result.Gateways)
        {
            var text = new StringBuilder();
            Header(text, gateway.Gateway.Key, gateway.Conditions);
            Listeners(text, gateway.Listeners);
            text.Append(CultureInfo.InvariantCulture, $"  attached ListenerSets: {gateway.AttachedListenerSets}\n");
            blocks.Add((gateway.Gateway.Key, text.ToString()));
        }

        foreach (var set in result.ListenerSets)
        {
            var text = new StringBuilder();
            Header(text, set.ListenerSet.Key, set.Conditions);
            text.Append("  parent: ").Append(set.Parent.ToString()).Append('\n');
            Listeners(text, set.Listeners);
            blocks.Add((set.ListenerSet.Key, text.ToString()));
        }

        foreach (var route in result.Routes)
        {
            var text = new StringBuilder();
            text.Append(route.Route.Key.ToString()).Append('\n');
            foreach (var parent in route.Parents)
            {
                var attached = parent.Listeners.Where(l => l.Attached).Select(l => l.ListenerName).ToList();
                text.Append(CultureInfo.InvariantCulture, $"  parent {ExplainRefs.Parent(parent.ParentRef)}: {ConditionText.Summary(parent.Conditions)}");
                text.Append(attached.Count == 0 ? "; attached to no listener\n" : "; attached to " + string.Join(", ", attached) + "\n");
                ConditionText.AppendProblems(text, parent.Conditions, 4);
            }

            blocks.Add((route.Route.Key, text.ToString()));
        }

        foreach (var policy in result.Policies.Statuses)
        {
            var text = new StringBuilder();
            text.Append(policy.Resource.Key.ToString()).Append('\n');
            foreach (var ancestor in policy.Ancestors)
            {
                text.Append(CultureInfo.InvariantCulture, $"  ancestor {ExplainRefs.Parent(ancestor.AncestorRef)}: {ConditionText.Summary(ancestor.Conditions)}\n");
                ConditionText.AppendProblems(text, ancestor.Conditions, 4);
            }

            blocks.Add((policy.Resource.Key, text.ToString()));
        }

        foreach (var ownership in ingresses?.Ingresses ?? [])
        {
            var key = ownership.Ingress.Key;
            var text = new StringBuilder();
            text.Append(key.ToString()).Append(": ").Append(IngressScope.OwnershipText(ownership)).Append('\n');
            foreach (var problem in ingresses!.About(key))
            {
                text.Append("  ").Append(IngressScope.ProblemText(problem)).Append('\n');
            }

            blocks.Add((key, text.ToString()));
        }

        foreach (var problem in ingresses?.Others() ?? [])
        {
            var key = problem.Subject ?? default;
            blocks.Add((key, $"{(problem.Subject is { } s ? s.ToString() : "Ingress")}: {IngressScope.ProblemText(problem)}\n"));
        }

        if (include is not null)
        {
            blocks.RemoveAll(b => b.Key != default && !include(b.Key));
        }

        return blocks.Count == 0
            ? "No object has a status written by this controller.\n"
            : string.Join("\n", blocks.OrderBy(b => b.Key).Select(b => b.Text));
    }

    private static void Header(StringBuilder text, ResourceKey key, IEnumerable<Condition> conditions)
    {
        text.Append(key.ToString()).Append(": ").Append(ConditionText.Summary(conditions)).Append('\n');
        ConditionText.AppendProblems(text, conditions, 2);
    }

    private static void Listeners(StringBuilder text, IEnumerable<ListenerResult> listeners)
    {
        foreach (var listener in listeners)
        {
            text.Append(CultureInfo.InvariantCulture, $"  listener {listener.Name} ({ExplainRefs.Listener(listener.Listener)}): {listener.AttachedRoutes} route(s); {ConditionText.Summary(listener.Conditions)}\n");
            ConditionText.AppendProblems(text, listener.Conditions, 4);
        }
    }
}
