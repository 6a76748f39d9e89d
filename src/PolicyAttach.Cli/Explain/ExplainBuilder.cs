using PolicyAttach.Binding;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Cli.Explain;

/// <summary>Builds the explanation of one object from an evaluation.</summary>
internal static class ExplainBuilder
{
    /// <summary>Explains an object, or returns null when its kind has nothing to explain.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="target">The object.</param>
    /// <returns>A route, Gateway, ListenerSet, GatewayClass or policy explanation; null for other kinds.</returns>
    public static object? Explain(EvaluationResult result, KubeObject target) => target switch
    {
        RouteBase route => Route(result, route),
        Gateway gateway => Gateway(result, gateway),
        ListenerSet set => ListenerSet(result, set),
        GatewayClass cls => GatewayClass(result, cls),
        IPolicyObject policy => PolicyExplain.Explain(result, policy),
        _ => null,
    };

    private static string[] Controllers(EvaluationResult result) => [.. result.Options.ControllerNames];

    /// <summary>Why a parentRef has no status of this controller: its parent does not exist, or belongs to another controller (or none known).</summary>
    private static string WhyUnmanaged(EvaluationResult result, ParentReference parentRef)
    {
        var snapshot = result.Snapshot;
        var what = $"{parentRef.Kind} {parentRef.Namespace}/{parentRef.Name}";
        var parent = snapshot.Find(parentRef.TargetKey);
        if (parent is null)
        {
            return $"{what} does not exist ('policyattach check' names close matches)";
        }

        var gateway = parent as Gateway ?? (parent is ListenerSet set ? snapshot.Find<Gateway>(set.ParentRef.TargetKey) : null);
        if (gateway is null)
        {
            return parent is Service
                ? $"{what} is a Service, a mesh parent; no controller is acted for (give --controller-name)"
                : $"{what} is not a parent this controller manages";
        }

        var cls = snapshot.GatewayClasses.FirstOrDefault(c => c.Name == gateway.GatewayClassName);
        return cls is null
            ? $"its Gateway {gateway.Namespace}/{gateway.Name} names GatewayClass {gateway.GatewayClassName}, which is not in the input"
            : $"its Gateway {gateway.Namespace}/{gateway.Name} is of GatewayClass {cls.Name}, whose controller {cls.ControllerName} is not the one acted for";
    }

    private static RouteExplanation Route(EvaluationResult result, RouteBase route)
    {
        var computed = result.FindRoute(route.Key);
        var parents = new List<RouteParentRecord>();
        for (var i = 0; i < route.ParentRefs.Count; i++)
        {
            var parent = computed?.Parents.FirstOrDefault(p => p.ParentIndex == i);
            parents.Add(parent is null
                ? new RouteParentRecord(i, ParentRefRecord.From(route.ParentRefs[i]), false, null, [], []) { Unmanaged = WhyUnmanaged(result, route.ParentRefs[i]) }
                : new RouteParentRecord(
                    i,
                    ParentRefRecord.From(parent.ParentRef),
                    true,
                    parent.ControllerName,
                    [.. parent.Listeners.Select(v => new ListenerVerdictRecord(ObjectRef.From(v.Owner), v.ListenerName, v.Attached, v.Cause.ToString(), v.Message, [.. v.Hostnames]))],
                    [.. parent.Conditions.Select(ConditionRecord.From)]));
        }

        var backends = computed is null
            ? []
            : computed.BackendRefs.Select(b => new BackendRecord(
                b.RuleIndex, b.BackendIndex, b.IsMirror, b.BackendRef.Group, b.BackendRef.Kind, b.BackendRef.Namespace, b.BackendRef.Name,
                b.BackendRef.Port, b.BackendRef.Weight, b.IsValid, b.Reason, b.Message)).ToList();
        return new RouteExplanation(ObjectRef.From(route.Key), Controllers(result), computed is not null, [.. route.Hostnames], parents, backends,
            computed is null ? [] : [.. computed.DroppedRules], PolicyExplain.Reaching(result, route));
    }

    private static GatewayExplanation Gateway(EvaluationResult result, Gateway gateway)
    {
        var computed = result.FindGateway(gateway.Key);
        var sets = result.ListenerSets.Where(s => s.Parent == gateway.Key)
            .Select(s => new ListenerSetSummary(ObjectRef.From(s.ListenerSet.Key), s.IsAccepted, [.. s.Listeners.Select(l => l.Name)]))
            .ToList();
        return new GatewayExplanation(
            ObjectRef.From(gateway.Key),
            gateway.GatewayClassName,
            Controllers(result),
            computed is not null,
            computed is null ? [] : [.. computed.Conditions.Select(ConditionRecord.From)],
            computed is null ? [] : Listeners(result, computed.Listeners),
            computed?.AttachedListenerSets ?? 0,
            sets,
            Routes(result, gateway.Key),
            PolicyExplain.Reaching(result, gateway));
    }

    private static ListenerSetExplanation ListenerSet(EvaluationResult result, ListenerSet set)
    {
        var computed = result.FindListenerSet(set.Key);
        return new ListenerSetExplanation(
            ObjectRef.From(set.Key),
            ParentRefRecord.From(set.ParentRef),
            Controllers(result),
            computed is not null,
            computed is null ? [] : [.. computed.Conditions.Select(ConditionRecord.From)],
            computed is null ? [] : Listeners(result, computed.Listeners),
            Routes(result, set.Key),
            PolicyExplain.Reaching(result, set));
    }

    private static GatewayClassExplanation GatewayClass(EvaluationResult result, GatewayClass cls)
    {
        var computed = result.GatewayClasses.FirstOrDefault(c => c.GatewayClass.Key == cls.Key);
        var gateways = result.Snapshot.Gateways.Where(g => g.GatewayClassName == cls.Name).Select(g => ObjectRef.From(g.Key)).ToList();
        return new GatewayClassExplanation(ObjectRef.From(cls.Key), cls.ControllerName, Controllers(result), computed is not null,
            computed is null ? [] : [.. computed.Conditions.Select(ConditionRecord.From)], gateways);
    }

    private static List<ListenerRecord> Listeners(EvaluationResult result, IEnumerable<ListenerResult> listeners)
    {
        // One pass over the verdict matrix finds every listener's routes (a listener's list in route, parentRef and
        // listener order, as before); the records are built as they are read, so that 50,000 routes on 64
        // listeners are not held as 3.2 million records with their messages.
        var all = listeners.ToList();
        var verdicts = new Dictionary<(ResourceKey Owner, string Name), List<RouteVerdictRef>>();
        foreach (var l in all)
        {
            verdicts.TryAdd((l.Owner, l.Name), []);
        }

        var owners = all.Select(l => l.Owner).ToHashSet();
        foreach (var route in result.Routes)
        {
            ObjectRef? routeRef = null;
            foreach (var parent in route.Parents)
            {
                for (var i = 0; i < parent.ListenerCount; i++)
                {
                    var outcome = parent.OutcomeAt(i);
                    if (owners.Contains(outcome.Owner) && verdicts.TryGetValue((outcome.Owner, outcome.ListenerName), out var found))
                    {
                        found.Add(new RouteVerdictRef(routeRef ??= ObjectRef.From(route.Route.Key), parent, i));
                    }
                }
            }
        }

        return all.Select(l => new ListenerRecord(
            l.Name,
            l.Listener.Protocol,
            l.Listener.Port,
            l.Listener.Hostname,
            l.State.ToString(),
            [.. l.SupportedKinds.Select(k => new GroupKindRecord(k.Group, k.Kind))],
            l.AttachedRoutes,
            [.. l.Conditions.Select(ConditionRecord.From)],
            new RouteVerdictList(verdicts[(l.Owner, l.Name)])))
            .ToList();
    }

    /// <summary>Routes with a parentRef to the owner (or a verdict on one of its listeners), and the owner's listeners each attached to.</summary>
    private static List<AttachedRouteRecord> Routes(EvaluationResult result, ResourceKey owner)
    {
        var routes = new List<AttachedRouteRecord>();
        var attached = new List<string>();
        foreach (var route in result.Routes)
        {
            if (Names(route, owner, attached, out var accepted))
            {
                routes.Add(new AttachedRouteRecord(ObjectRef.From(route.Route.Key), accepted, [.. attached]));
            }
        }

        return routes;
    }

    /// <summary>
    /// Whether a route belongs to a Gateway's or ListenerSet's explanation: it has a parentRef to the owner or a verdict
    /// on one of the owner's listeners. Then <paramref name="attached"/> holds the owner's listeners it attached to (in
    /// verdict order, each once) and <paramref name="accepted"/> whether every such parentRef is Accepted.
    /// </summary>
    /// <param name="route">The route.</param>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <param name="attached">Cleared, then filled with the listener names.</param>
    /// <param name="accepted">Whether every parentRef to the owner is Accepted.</param>
    /// <returns>Whether the route names the owner.</returns>
    public static bool Names(RouteResult route, ResourceKey owner, List<string> attached, out bool accepted)
    {
        var named = false;
        accepted = true;
        attached.Clear();
        foreach (var parent in route.Parents)
        {
            if (Concerns(parent, owner, attached))
            {
                named = true;
                accepted &= parent.IsAccepted;
            }
        }

        return named;
    }

    /// <summary>Whether a parentRef names the owner or has a verdict on one of its listeners; adds the owner's listeners it attached to.</summary>
    /// <param name="parent">The parentRef's result.</param>
    /// <param name="owner">The Gateway or ListenerSet.</param>
    /// <param name="attached">Where to add listener names not yet in it.</param>
    /// <returns>Whether the parentRef concerns the owner.</returns>
    public static bool Concerns(RouteParentResult parent, ResourceKey owner, List<string> attached)
    {
        var here = parent.ParentRef.TargetKey == owner;
        for (var i = 0; i < parent.ListenerCount; i++)
        {
            var outcome = parent.OutcomeAt(i);
            if (outcome.Owner == owner)
            {
                here = true;
                if (outcome.Attached && !attached.Contains(outcome.ListenerName, StringComparer.Ordinal))
                {
                    attached.Add(outcome.ListenerName);
                }
            }
        }

        return here;
    }
}

/// <summary>One cell of the verdict matrix: a route, one of its parentRefs, and a listener position.</summary>
/// <param name="Route">The route (one reference shared by its cells).</param>
/// <param name="Parent">The parentRef's result.</param>
/// <param name="Index">The position in <see cref="RouteParentResult.Listeners"/>.</param>
internal readonly record struct RouteVerdictRef(ObjectRef Route, RouteParentResult Parent, int Index);

/// <summary>A listener's routes, each record built when read and not kept.</summary>
/// <param name="cells">The cells, in route, parentRef and listener order.</param>
internal sealed class RouteVerdictList(List<RouteVerdictRef> cells) : IReadOnlyList<RouteVerdictRecord>
{
    /// <inheritdoc />
    public int Count => cells.Count;

    /// <inheritdoc />
    public RouteVerdictRecord this[int index]
    {
        get
        {
            var (route, parent, i) = cells[index];
            var v = parent.ListenerAt(i);
            return new RouteVerdictRecord(route, parent.ParentIndex, v.Attached, v.Cause.ToString(), v.Message, v.Hostnames.Count == 0 ? [] : [.. v.Hostnames]);
        }
    }

    /// <summary>The cause of every cell, in order, read without the verdicts' messages.</summary>
    /// <returns>The causes.</returns>
    public IEnumerable<BindingCause> Causes()
    {
        foreach (var (_, parent, i) in cells)
        {
            yield return parent.OutcomeAt(i).Cause;
        }
    }

    /// <inheritdoc />
    public IEnumerator<RouteVerdictRecord> GetEnumerator()
    {
        for (var i = 0; i < cells.Count; i++)
        {
            yield return this[i];
        }
    }

    /// <inheritdoc />
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
