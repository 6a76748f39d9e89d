using System.Globalization;
using System.Text;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Output;
using PolicyAttach.Model;

namespace PolicyAttach.Cli.Describe;

/// <summary>
/// Renders a describe report as a tree. A policy line appears at the node where the effective policy of its kind
/// first takes its value (or changes); the nodes below inherit it. Conditions are green when they hold and red when
/// they report a problem (whose message follows); secondary information is dim.
/// </summary>
internal static class DescribeText
{
    /// <summary>Renders the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="palette">The colours.</param>
    /// <returns>The text.</returns>
    public static string Write(DescribeReport report, Palette palette)
    {
        var text = new StringBuilder();
        var controllers = report.ControllerNames.Count == 0 ? "none (the input has no GatewayClass; give --controller-name)" : string.Join(", ", report.ControllerNames);
        text.Append(palette.Dim("controller: " + controllers + (report.Profile is null ? string.Empty : ", profile: " + report.Profile))).Append('\n');
        var roots = new List<Node>();
        var focusKind = report.Object?.Kind;
        foreach (var cls in report.GatewayClasses)
        {
            var gateways = cls.Gateways.Select(g => Gateway(g, palette, focusKind == "ListenerSet")).ToList();
            if (focusKind is "Gateway" or "ListenerSet")
            {
                roots.AddRange(focusKind == "Gateway" ? gateways : gateways.SelectMany(g => g.Children));
                continue;
            }

            var node = new Node(palette.Bold("GatewayClass " + cls.Object.Name) + "  " + palette.Dim(cls.ControllerName) + "  " + Conditions(cls.Conditions, palette));
            Problems(node, cls.Conditions, palette);
            node.Children.AddRange(gateways);
            if (gateways.Count == 0)
            {
                node.Children.Add(new Node(palette.Dim("no Gateway")));
            }

            roots.Add(node);
        }

        if (report.MeshRoutes is { Count: > 0 } meshRoutes)
        {
            var node = new Node(palette.Bold("Mesh (GAMMA) routes (bound to Services)"));
            foreach (var route in meshRoutes)
            {
                var routeNode = new Node(Facts.Name(route.Object.ToKey()));
                foreach (var parent in route.Parents)
                {
                    routeNode.Children.Add(new Node("parent " + ExplainRefs.Parent(ToParentRef(parent.ParentRef)) + "  " + Conditions(parent.Conditions, palette)));
                }

                node.Children.Add(routeNode);
            }

            roots.Add(node);
        }

        if (report.RefusedRoutes.Count > 0)
        {
            var node = new Node(palette.Bold("Refused parentRefs (attached to no listener)"));
            foreach (var route in report.RefusedRoutes)
            {
                var routeNode = new Node(palette.Red(Facts.Name(route.Object.ToKey())) + Hosts(route.Hostnames, palette));
                foreach (var parent in route.Parents)
                {
                    var parentNode = new Node("parent " + ExplainRefs.Parent(ToParentRef(parent.ParentRef)) + "  " + Conditions(parent.Conditions, palette));
                    Problems(parentNode, parent.Conditions, palette);
                    routeNode.Children.Add(parentNode);
                }

                node.Children.Add(routeNode);
            }

            roots.Add(node);
        }

        if (report.Ingresses.Count + report.IngressProblems.Count > 0)
        {
            var node = new Node(palette.Bold("Ingresses"));
            foreach (var ingress in report.Ingresses)
            {
                var owner = ingress.ClassName is not { } cls
                    ? palette.Red("no class")
                    : "class " + cls + " " + palette.Dim("(" + IngressSource(ingress.ClassSource) + ")") + "  "
                        + (ingress.Controller is { } controller ? palette.Dim(controller) : palette.Red("controller unknown"));
                var ingressNode = new Node(Facts.Name(ingress.Object.ToKey()) + "  " + owner);
                foreach (var problem in ingress.Problems)
                {
                    ingressNode.Children.Add(new Node(Problem(problem, palette, withSubject: false)) { IsDetail = true });
                }

                node.Children.Add(ingressNode);
            }

            foreach (var problem in report.IngressProblems)
            {
                node.Children.Add(new Node(Problem(problem, palette, withSubject: true)) { IsDetail = true });
            }

            roots.Add(node);
        }

        if (roots.Count == 0)
        {
            text.Append(report.Object is { } o
                ? o.Kind == "Ingress"
                    ? $"{Facts.Name(o.ToKey())} is not of an IngressClass of this controller.\n"
                    : $"{Facts.Name(o.ToKey())} is not managed by this controller: no owned GatewayClass, Gateway or parentRef leads to it.\n"
                : "No GatewayClass of this controller in the input" + MissingClasses(report) + ".\n");
            LeftOut(text, report, palette);
            return text.ToString();
        }

        foreach (var root in roots)
        {
            Render(text, root, string.Empty, string.Empty);
        }

        LeftOut(text, report, palette);
        return text.ToString();
    }

    /// <summary>"; Gateway infra/web names GatewayClass exmaple, which is not in the input".</summary>
    private static string MissingClasses(DescribeReport report)
        => report.MissingClasses.Count == 0
            ? string.Empty
            : "; " + string.Join("; ", report.MissingClasses.Select(m => $"{Facts.Name(m.Gateway.ToKey())} names GatewayClass {m.ClassName}, which is not in the input"));

    /// <summary>One line naming the Ingresses left out and the options that show them.</summary>
    private static void LeftOut(StringBuilder text, DescribeReport report, Palette palette)
    {
        if (report.LeftOut is not { } left)
        {
            return;
        }

        var names = string.Join(", ", left.Ingresses.Select(i => $"{i.Object.Namespace}/{i.Object.Name} ({i.Controller ?? "no known controller"})"));
        var count = left.Ingresses.Count == 1 ? "1 Ingress" : $"{left.Ingresses.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)} Ingresses";
        var how = left.Flags is { } flags ? $"; show {(left.Ingresses.Count == 1 ? "it" : "them")} with {flags}" : "; 'policyattach check' says why they have no controller";
        text.Append(palette.Dim($"Left out: {count} of another controller: {names}{how}.")).Append('\n');
    }

    private static Node Gateway(DescribeGateway gateway, Palette palette, bool setsOnly)
    {
        var node = new Node(palette.Bold(Facts.Name(gateway.Object.ToKey())) + "  " + Conditions(gateway.Conditions, palette));
        Problems(node, gateway.Conditions, palette);
        Policies(node, gateway.Policies, [], palette);
        foreach (var listener in gateway.Listeners)
        {
            node.Children.Add(Listener(listener, gateway.Policies, palette));
        }

        foreach (var set in gateway.ListenerSets)
        {
            var setNode = new Node(palette.Bold(Facts.Name(set.Object.ToKey())) + "  " + Conditions(set.Conditions, palette));
            Problems(setNode, set.Conditions, palette);
            Policies(setNode, set.Policies, setsOnly ? [] : gateway.Policies, palette);
            foreach (var listener in set.Listeners)
            {
                setNode.Children.Add(Listener(listener, set.Policies, palette));
            }

            node.Children.Add(setNode);
        }

        if (gateway.Listeners.Count == 0 && gateway.ListenerSets.Count == 0)
        {
            node.Children.Add(new Node(palette.Dim("no listener")));
        }

        return node;
    }

    private static Node Listener(DescribeListener listener, IReadOnlyList<DescribePolicy> parent, Palette palette)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"{listener.Protocol} {listener.Hostname ?? "*"}:{listener.Port}");
        var count = listener.AttachedRoutes == 1 ? "1 route" : Facts.Number(listener.AttachedRoutes) + " routes";
        var node = new Node("listener " + palette.Bold(listener.Name) + "  " + where + "  " + palette.Dim(count) + "  " + Conditions(listener.Conditions, palette));
        Problems(node, listener.Conditions, palette);
        Policies(node, listener.Policies, parent, palette);
        foreach (var route in listener.Routes)
        {
            node.Children.Add(Route(route, listener.Policies, palette));
        }

        return node;
    }

    private static Node Route(DescribeRoute route, IReadOnlyList<DescribePolicy> parent, Palette palette)
    {
        var node = new Node(palette.Bold(Facts.Name(route.Object.ToKey())) + Hosts(route.Hostnames, palette) + "  " + Conditions(route.Conditions, palette));
        Problems(node, route.Conditions, palette);
        Policies(node, route.Policies, parent, palette);
        foreach (var rule in route.Rules)
        {
            var head = "rule " + Facts.Number(rule.Index) + (rule.Name is null ? string.Empty : " " + palette.Bold(rule.Name)) + "  " + rule.Matches;
            var ruleNode = new Node(rule.Dropped ? head + "  " + palette.Red("dropped (unsupported value)") : head);
            Policies(ruleNode, rule.Policies, route.Policies, palette);
            foreach (var backend in rule.Backends)
            {
                ruleNode.Children.Add(Backend(backend, rule.Policies, route.Conditions, palette));
            }

            if (rule.Backends.Count == 0)
            {
                ruleNode.Children.Add(new Node(palette.Dim("no backend")));
            }

            node.Children.Add(ruleNode);
        }

        return node;
    }

    private static Node Backend(DescribeBackend backend, IReadOnlyList<DescribePolicy> parent, IReadOnlyList<ConditionRecord> routeConditions, Palette palette)
    {
        var target = Facts.Name(backend.Target.ToKey()) + (backend.Port is { } p ? ":" + Facts.Number(p) : string.Empty);
        var line = new StringBuilder(backend.Mirror ? "mirror " : "backend ");
        line.Append(backend.Valid ? target : palette.Red(target));
        if (!backend.Mirror)
        {
            line.Append("  ").Append(palette.Dim("weight " + Facts.Number(backend.Weight)));
        }

        foreach (var grant in backend.Grants)
        {
            line.Append("  ").Append(palette.Dim("via ReferenceGrant " + Facts.ShortName(grant.ToKey())));
        }

        if (!backend.Valid)
        {
            line.Append("  ").Append(palette.Red(backend.Reason ?? "invalid"));
        }

        var node = new Node(line.ToString());
        var message = OneLine(backend.Message ?? string.Empty);
        if (!backend.Valid && message.Length > 0 && !routeConditions.Any(c => OneLine(c.Message).Contains(message, StringComparison.Ordinal)))
        {
            node.Children.Add(new Node(palette.Red("! " + message)) { IsDetail = true });
        }

        Policies(node, backend.Policies, parent, palette);
        return node;
    }

    /// <summary>Adds a line per policy kind whose effective value differs from the parent node's (before the child objects).</summary>
    private static void Policies(Node node, IReadOnlyList<DescribePolicy> policies, IReadOnlyList<DescribePolicy> parent, Palette palette)
    {
        foreach (var policy in policies)
        {
            var before = parent.FirstOrDefault(p => p.Kind == policy.Kind);
            if (before is not null && Same(before, policy))
            {
                continue;
            }

            var sources = string.Join(", ", policy.Policies.Select(s => Facts.ShortName(s.Policy.ToKey()) + " (" + string.Join(", ", s.Levels) + ")"));
            var kind = new GroupKind(policy.Kind.Group, policy.Kind.Kind).ToString();
            node.Children.Add(new Node("policy " + palette.Bold(kind) + "  " + sources + "  " + palette.Dim(Facts.Json(policy.Document))) { IsDetail = true });
        }
    }

    private static bool Same(DescribePolicy a, DescribePolicy b)
        => Facts.Json(a.Document) == Facts.Json(b.Document) && a.Policies.Select(p => p.Policy).SequenceEqual(b.Policies.Select(p => p.Policy));

    private static string Hosts(IReadOnlyList<string> hostnames, Palette palette)
        => hostnames.Count == 0 ? string.Empty : "  " + palette.Dim("hosts ") + string.Join(", ", hostnames);

    private static string Conditions(IReadOnlyList<ConditionRecord> conditions, Palette palette)
    {
        if (conditions.Count == 0)
        {
            return palette.Dim("no conditions");
        }

        return string.Join(" ", conditions.Select(c =>
        {
            var condition = c.ToCondition();
            return ConditionText.IsProblem(condition)
                ? palette.Red(c.Type + "=" + c.Status + (c.Reason == c.Type ? string.Empty : "(" + c.Reason + ")"))
                : palette.Green(c.Type + "=" + c.Status);
        }));
    }

    private static void Problems(Node node, IReadOnlyList<ConditionRecord> conditions, Palette palette)
    {
        foreach (var c in conditions.Where(c => ConditionText.IsProblem(c.ToCondition())))
        {
            node.Children.Add(new Node(palette.Red("! " + c.Type + ": " + OneLine(c.Message))) { IsDetail = true });
        }
    }

    private static string IngressSource(string source) => source switch
    {
        "spec" => "spec.ingressClassName",
        "annotation" => "annotation",
        "default" => "default IngressClass",
        _ => source,
    };

    private static string Problem(DescribeProblem problem, Palette palette, bool withSubject)
    {
        var head = "! " + problem.Severity + " " + problem.Code + ": ";
        var subject = withSubject && problem.Subject is { } s ? Facts.Name(s.ToKey()) + " " : string.Empty;
        var path = problem.Path is null ? string.Empty : problem.Path + ": ";
        var line = head + subject + path + OneLine(problem.Message);
        return problem.Severity == "info" ? palette.Dim(line) : problem.Severity == "warning" ? palette.Yellow(line) : palette.Red(line);
    }

    private static ParentReference ToParentRef(ParentRefRecord p)
        => new() { Group = p.Group, Kind = p.Kind, Namespace = p.Namespace, Name = p.Name, SectionName = p.SectionName, Port = p.Port };

    private static string OneLine(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');

    private static void Render(StringBuilder text, Node node, string lead, string childLead)
    {
        text.Append(lead).Append(node.Line).Append('\n');
        for (var i = 0; i < node.Children.Count; i++)
        {
            var last = i == node.Children.Count - 1;
            Render(text, node.Children[i], childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "));
        }
    }

    private sealed class Node(string line)
    {
        public string Line { get; } = line;

        public bool IsDetail { get; init; }

        public List<Node> Children { get; } = [];
    }
}
