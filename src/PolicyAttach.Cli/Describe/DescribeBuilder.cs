using PolicyAttach.Binding;
using PolicyAttach.Cli.Explain;
using PolicyAttach.Cli.Output;
using PolicyAttach.Cli.Input;
using PolicyAttach.Diagnostics;
using PolicyAttach.Ingresses;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Describe;

/// <summary>
/// Builds the <c>describe</c> tree. Order: GatewayClasses by name; Gateways by namespace and name; a Gateway's own
/// listeners in spec order, then its ListenerSets by namespace and name; routes on a listener by (group, kind,
/// namespace, name); rules in spec order; backendRefs in spec order, then mirror targets; policy kinds by group and
/// kind; the policies of a kind established first.
/// </summary>
internal static class DescribeBuilder
{
    /// <summary>Builds the report, whole or for one object's branch.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="focus">A GatewayClass, Gateway, ListenerSet, route or Ingress; null for everything.</param>
    /// <param name="profile">The profile given, or null.</param>
    /// <param name="ingresses">The Ingresses in scope, or null for none.</param>
    /// <returns>The report.</returns>
    public static DescribeReport Build(EvaluationResult result, KubeObject? focus, string? profile, IngressScope? ingresses = null)
    {
        var focusKey = focus?.Key;
        var ingressNodes = (ingresses?.Ingresses ?? [])
            .Select(o => new DescribeIngress(ObjectRef.From(o.Ingress.Key), o.ClassName, SourceName(o.Source), o.Controller,
                [.. ingresses!.About(o.Ingress.Key).Select(Problem)]))
            .ToList();
        List<DescribeProblem> ingressProblems = ingresses is null ? [] : [.. ingresses.Others().Select(Problem)];
        if (focus is Ingress)
        {
            return new DescribeReport([.. result.Options.ControllerNames], profile, ObjectRef.From(focus.Key), [], [], ingressNodes, ingressProblems);
        }

        var isRoute = focus is RouteBase;
        var classes = new List<DescribeClass>();
        var memo = new Memo(result);
        foreach (var cls in result.GatewayClasses)
        {
            if (focus is GatewayClass && cls.GatewayClass.Key != focusKey)
            {
                continue;
            }

            var gateways = new List<DescribeGateway>();
            foreach (var gateway in result.Gateways.Where(g => g.Gateway.GatewayClassName == cls.GatewayClass.Name))
            {
                var sets = result.ListenerSets.Where(s => s.Parent == gateway.Gateway.Key).ToList();
                if (focus is Gateway && gateway.Gateway.Key != focusKey)
                {
                    continue;
                }

                if (focus is ListenerSet)
                {
                    sets = [.. sets.Where(s => s.ListenerSet.Key == focusKey)];
                    if (sets.Count == 0)
                    {
                        continue;
                    }
                }

                var node = Gateway(memo, gateway, sets, focus is ListenerSet, isRoute ? focusKey : null);
                if (!isRoute || node.Listeners.Count + node.ListenerSets.Count > 0)
                {
                    gateways.Add(node);
                }
            }

            if (focus is null || focus is GatewayClass || gateways.Count > 0)
            {
                classes.Add(new DescribeClass(ObjectRef.From(cls.GatewayClass.Key), cls.GatewayClass.ControllerName, Conditions(cls.Conditions), gateways));
            }
        }

        var refused = result.Routes
            .Where(r => focus is null || r.Route.Key == focusKey)
            .Select(r => new DescribeRefusedRoute(ObjectRef.From(r.Route.Key), [.. r.Route.Hostnames],
                [.. r.Parents.Where(p => p.AttachedListeners.Count == 0 && !IsAcceptedMeshParent(p)).Select(p => new DescribeRefusedParent(ParentRefRecord.From(p.ParentRef), Conditions(p.Conditions)))]))
            .Where(r => r.Parents.Count > 0)
            .ToList();

        // A mesh (GAMMA) route binds to a Service, not to a listener: an accepted one is listed with its Services.
        var mesh = result.Routes
            .Where(r => focus is null || r.Route.Key == focusKey)
            .Select(r => new DescribeMeshRoute(ObjectRef.From(r.Route.Key),
                [.. r.Parents.Where(IsAcceptedMeshParent).Select(p => new DescribeRefusedParent(ParentRefRecord.From(p.ParentRef), Conditions(p.Conditions)))]))
            .Where(r => r.Parents.Count > 0)
            .ToList();
        var missingClasses = result.Snapshot.Gateways
            .Where(g => result.Snapshot.GatewayClasses.All(c => c.Name != g.GatewayClassName))
            .Select(g => new DescribeMissingClass(ObjectRef.From(g.Key), g.GatewayClassName))
            .ToList();
        return new DescribeReport([.. result.Options.ControllerNames], profile, focusKey is { } k ? ObjectRef.From(k) : null, classes, refused,
            focus is null ? ingressNodes : [], focus is null ? ingressProblems : [])
        {
            LeftOut = focus is null && ingresses is not null ? LeftOut(result, ingresses) : null,
            MissingClasses = focus is null ? missingClasses : [],
            MeshRoutes = mesh.Count > 0 ? mesh : null,
        };
    }

    private static bool IsAcceptedMeshParent(RouteParentResult parent)
        => parent.ParentRef.GroupKind == Kinds.Service && parent.Conditions.Any(c => c.Type == ConditionType.Accepted && c.IsTrue);

    /// <summary>
    /// The Ingresses the tree leaves out because their class is another controller's (or unknown), and the
    /// <c>--controller-name</c> options that show those of a known controller next to what is shown now.
    /// </summary>
    private static DescribeLeftOut? LeftOut(EvaluationResult result, IngressScope ingresses)
    {
        var shown = ingresses.Ingresses.Select(o => o.Ingress.Key).ToHashSet();
        var left = IngressClassSelector.Select(result.Snapshot).Ingresses
            .Where(o => !shown.Contains(o.Ingress.Key))
            .OrderBy(o => o.Ingress.Key)
            .Select(o => new DescribeLeftOutIngress(ObjectRef.From(o.Ingress.Key), o.Controller))
            .ToList();
        if (left.Count == 0)
        {
            return null;
        }

        var others = left.Select(l => l.Controller).OfType<string>().ToList();
        var flags = others.Count == 0
            ? null
            : string.Join(' ', result.Options.ControllerNames.Concat(others).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(c => "--controller-name " + c));
        return new DescribeLeftOut(left, flags);
    }

    private static string SourceName(IngressClassSource source) => source switch
    {
        IngressClassSource.Spec => "spec",
        IngressClassSource.Annotation => "annotation",
        IngressClassSource.Default => "default",
        _ => "none",
    };

    private static DescribeProblem Problem(Diagnostic d)
        => new(Workspace.SeverityName(d.Severity), d.Code, d.Subject is { } s ? ObjectRef.From(s) : null, d.Path, d.Message);

    private static DescribeGateway Gateway(Memo memo, GatewayResult gateway, List<ListenerSetResult> sets, bool setsOnly, ResourceKey? route)
    {
        var result = memo.Result;
        var key = gateway.Gateway.Key;
        var own = result.Policies.For(PolicyContext.ForGateway(key));
        var listeners = setsOnly ? [] : Listeners(memo, key, gateway.Listeners, route);
        var setNodes = new List<DescribeListenerSet>();
        foreach (var set in sets)
        {
            var setPolicies = result.Policies.For(PolicyContext.ForGateway(set.ListenerSet.Key));
            var setListeners = Listeners(memo, set.ListenerSet.Key, set.Listeners, route);
            if (route is null || setListeners.Count > 0)
            {
                setNodes.Add(new DescribeListenerSet(ObjectRef.From(set.ListenerSet.Key), Conditions(set.Conditions), memo.Policies(setPolicies), setListeners));
            }
        }

        return new DescribeGateway(ObjectRef.From(key), Conditions(gateway.Conditions), memo.Policies(own), listeners, setNodes);
    }

    private static List<DescribeListener> Listeners(Memo memo, ResourceKey owner, IEnumerable<ListenerResult> listeners, ResourceKey? only)
    {
        var result = memo.Result;
        var nodes = new List<DescribeListener>();
        foreach (var listener in listeners)
        {
            var effective = result.Policies.For(PolicyContext.ForGateway(owner).WithListener(listener.Name));
            var routes = new List<DescribeRoute>();
            foreach (var (route, parent, verdict) in memo.Attached.Of(owner, listener.Name))
            {
                if (only is not { } o || route.Route.Key == o)
                {
                    routes.Add(Route(memo, owner, listener.Name, route, parent, verdict));
                }
            }

            if (only is null || routes.Count > 0)
            {
                var l = listener.Listener;
                nodes.Add(new DescribeListener(l.Name, l.Protocol, l.Port, l.Hostname, listener.AttachedRoutes, Conditions(listener.Conditions),
                    memo.Policies(effective), routes));
            }
        }

        return nodes;
    }

    private static DescribeRoute Route(Memo memo, ResourceKey owner, string listener, RouteResult route, RouteParentResult parent, ListenerVerdict verdict)
    {
        var result = memo.Result;
        var key = route.Route.Key;
        var policies = result.Policies.For(PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(key));
        var rules = new List<DescribeRule>();
        for (var i = 0; i < route.Route.RuleCount; i++)
        {
            var name = route.Route.RuleName(i);
            var rulePolicies = result.Policies.For(PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(key).WithRule(name));
            var backends = route.BackendRefs.Where(b => b.RuleIndex == i).OrderBy(b => b.IsMirror).ThenBy(b => b.BackendIndex)
                .Select(b => Backend(memo, owner, listener, route.Route, name, b))
                .ToList();
            rules.Add(new DescribeRule(i, name, Facts.RuleMatches(route.Route, i), route.DroppedRules.Contains(i), memo.Policies(rulePolicies), backends));
        }

        return new DescribeRoute(ObjectRef.From(key), parent.ParentIndex, [.. verdict.Hostnames], Conditions(parent.Conditions), memo.Policies(policies), rules);
    }

    private static DescribeBackend Backend(Memo memo, ResourceKey owner, string listener, RouteBase route, string? rule, BackendRefResult backend)
    {
        var result = memo.Result;
        var target = backend.BackendRef.TargetKey;
        var policies = new List<DescribePolicy>();
        if (backend.IsValid && result.Snapshot.Find(target) is Service service)
        {
            var portName = backend.BackendRef.Port is { } p ? service.FindPort(p)?.Name : null;
            policies = memo.Policies(result.Policies.For(PolicyContext.ForGateway(owner).WithListener(listener).WithRoute(route.Key).WithRule(rule).WithBackend(target, portName)));
        }

        var grants = Facts.GrantsFor(result.Snapshot, route.Key, target).Select(ObjectRef.From).ToList();
        return new DescribeBackend(ObjectRef.From(target), backend.BackendRef.Port, backend.BackendRef.Weight, backend.IsMirror, backend.IsValid,
            backend.Reason, backend.Message, grants, policies);
    }

    private static List<ConditionRecord> Conditions(IEnumerable<Condition> conditions) => [.. conditions.Select(ConditionRecord.From)];

    /// <summary>
    /// What the tree needs made once per evaluation: each listener's routes, and the policy records of each distinct
    /// set of effective policies. Contexts that receive the same policies share one <see cref="EffectivePolicies"/>
    /// (a route's rules and backends usually share the route's), and its records are read-only, so they are shared
    /// too: a tree of 10,000 routes with a policy each would otherwise make them for every rule and backend.
    /// </summary>
    private sealed class Memo(EvaluationResult result)
    {
        private readonly Dictionary<EffectivePolicies, List<DescribePolicy>> _policies = new(ReferenceEqualityComparer.Instance);

        public EvaluationResult Result => result;

        public ListenerRoutes Attached { get; } = new(result);

        public List<DescribePolicy> Policies(EffectivePolicies effective)
        {
            if (!_policies.TryGetValue(effective, out var records))
            {
                _policies[effective] = records = [.. effective.Kinds.Select(k => new DescribePolicy(new GroupKindRecord(k.Kind.Group, k.Kind.Kind), k.Document.Element,
                    [.. k.Policies.Select(p => new DescribePolicySource(ObjectRef.From(p), Facts.Levels(result.Snapshot, k, p)))]))];
            }

            return records;
        }
    }
}
