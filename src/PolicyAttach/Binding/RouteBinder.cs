using System.Runtime.CompilerServices;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.References;

namespace PolicyAttach.Binding;

/// <summary>
/// Binds one route to its parents (spec digest §4.1–§4.2), resolves its backend references (§7–§8) and counts
/// attachments on listeners.
/// </summary>
internal sealed class RouteBinder
{
    private readonly Snapshot _snapshot;
    private readonly ReferenceIndex _grants;
    private readonly BackendTlsVerdicts _backendTls;
    private readonly FeatureSet _features;
    private readonly BindingOptions _options;
    private readonly Dictionary<ResourceKey, GatewayState> _gateways;
    private readonly Dictionary<ResourceKey, ListenerSetState> _listenerSets;

    public RouteBinder(Snapshot snapshot, ReferenceIndex grants, BackendTlsVerdicts backendTls, BindingOptions options,
        Dictionary<ResourceKey, GatewayState> gateways, Dictionary<ResourceKey, ListenerSetState> listenerSets)
    {
        _snapshot = snapshot;
        _grants = grants;
        _backendTls = backendTls;
        _features = options.Features;
        _options = options;
        _gateways = gateways;
        _listenerSets = listenerSets;
        _meshKinds = MeshKinds(snapshot);
    }

    // The cells Rejudge judges again, one parent at a time.
    private readonly List<(int, BindingCause, EquatableArray<string>)> _judged = [];

    // For each Service parent, the route kinds bound to it and the port each binds to (null: every port).
    private readonly Dictionary<ResourceKey, List<(int Rank, int? Port)>> _meshKinds;

    private static Dictionary<ResourceKey, List<(int Rank, int? Port)>> MeshKinds(Snapshot snapshot)
    {
        var result = new Dictionary<ResourceKey, List<(int, int?)>>();
        foreach (var route in snapshot.Objects.OfType<RouteBase>())
        {
            foreach (var parentRef in route.ParentRefs)
            {
                if (parentRef.GroupKind == Kinds.Service)
                {
                    if (!result.TryGetValue(parentRef.TargetKey, out var list))
                    {
                        result[parentRef.TargetKey] = list = [];
                    }

                    list.Add((route.Definition.MeshRank, parentRef.Port));
                }
            }
        }

        return result;
    }

    /// <summary>Binds a route to the parents this controller owns; null when it owns none.</summary>
    /// <param name="route">The route.</param>
    /// <param name="count">
    /// Whether the attachments are counted on the listeners now (serial binding); without, nothing shared is written
    /// and the caller counts them with <see cref="CountAttachments"/>, in the binding order. Binding without counting
    /// reads no other route's attachment, unless HTTPRoutes and GRPCRoutes may share a listener.
    /// </param>
    /// <returns>The route's result, or null.</returns>
    public RouteResult? Bind(RouteBase route, bool count = true)
    {
        List<(int Index, ParentReference Ref, Parent Parent)>? owned = null;
        for (var i = 0; i < route.ParentRefs.Count; i++)
        {
            var parentRef = route.ParentRefs[i];
            if (ResolveParent(parentRef) is { } resolved)
            {
                (owned ??= []).Add((i, parentRef, resolved));
            }
        }

        if (owned is null)
        {
            return null;
        }

        var backends = ResolveBackends(route, IsMeshRoute(owned));
        var dropped = RuleSupport.Unsupported(route);
        var parents = new List<RouteParentResult>(owned.Count);
        foreach (var (index, parentRef, parent) in owned)
        {
            parents.Add(BindParent(route, index, parentRef, parent, backends, dropped, count));
        }

        return new RouteResult
        {
            Route = route,
            Parents = parents.ToEquatableArray(),
            BackendRefs = backends.ToEquatableArray(),
            DroppedRules = dropped.Select(d => d.Rule).ToEquatableArray(),
        };
    }

    private readonly record struct Parent(string ControllerName, IReadOnlyList<ListenerDraft>? Listeners, Service? Service);

    private Parent? ResolveParent(ParentReference parentRef)
    {
        if (parentRef.GroupKind == Kinds.Gateway && _gateways.TryGetValue(parentRef.TargetKey, out var gateway))
        {
            return new Parent(gateway.ControllerName, gateway.Listeners, null);
        }

        if (parentRef.GroupKind == Kinds.ListenerSet && _listenerSets.TryGetValue(parentRef.TargetKey, out var set))
        {
            return new Parent(set.Parent.ControllerName, set.Listeners, null);
        }

        // An XListenerSet is read as the ListenerSet it graduated to (the reader warns); a parentRef naming it binds
        // to that ListenerSet, and the route's status echoes the parentRef as written.
        if (parentRef.GroupKind == Kinds.XListenerSet
            && _listenerSets.TryGetValue(parentRef.TargetKey with { Group = Kinds.ListenerSet.Group, Kind = Kinds.ListenerSet.Kind }, out var graduated))
        {
            return new Parent(graduated.Parent.ControllerName, graduated.Listeners, null);
        }

        if (parentRef.GroupKind == Kinds.Service && _features.Has(Features.Mesh) && _options.MeshControllerName is { } controller
            && _snapshot.Find<Service>(parentRef.TargetKey) is { } service)
        {
            return new Parent(controller, null, service);
        }

        return null;
    }

    /// <summary>Counts a result's attachments on the listeners, as binding with counting does (accepted parents only).</summary>
    /// <param name="result">A result of <see cref="Bind"/> without counting.</param>
    public static void CountAttachments(RouteResult result)
    {
        foreach (var parent in result.Parents)
        {
            if (parent.Verdicts is { } table && parent.IsAccepted)
            {
                table.CountAttachments();
            }
        }
    }

    private RouteParentResult BindParent(RouteBase route, int index, ParentReference parentRef, Parent parent, List<BackendRefResult> backends, List<(int Rule, string Why)> dropped, bool count)
    {
        var g = route.Metadata.Generation;
        VerdictTable? table = null;
        Condition accepted;
        if (parent.Service is { } service)
        {
            accepted = BindService(route, parentRef, service, g);
        }
        else
        {
            accepted = BindListeners(route, parentRef, parent.Listeners!, out table, g);
        }

        return Conclude(route, index, parentRef, parent.ControllerName, accepted, table, backends, dropped, count);
    }

    /// <summary>
    /// A parent's result from its Accepted verdict and verdict table: the rules dropped, the attachments counted on the
    /// listeners (with <paramref name="count"/>) and the backends' ResolvedRefs.
    /// </summary>
    private static RouteParentResult Conclude(RouteBase route, int index, ParentReference parentRef, string controllerName, Condition accepted, VerdictTable? table,
        IReadOnlyList<BackendRefResult> backends, List<(int Rule, string Why)> dropped, bool count)
    {
        var g = route.Metadata.Generation;
        var conditions = new List<Condition>();
        if (accepted.IsTrue && dropped.Count > 0)
        {
            var routeName = $"{route.Kind} {route.Namespace}/{route.Name}";
            if (dropped.Count == route.RuleCount)
            {
                accepted = Condition.Make(ConditionType.Accepted, false, ConditionReason.UnsupportedValue, $"Every rule of {routeName} uses an unsupported value: rule {dropped[0].Rule}: {dropped[0].Why}.", g);
            }
            else
            {
                conditions.Add(Condition.Make(ConditionType.PartiallyInvalid, true, ConditionReason.UnsupportedValue,
                    $"Dropped Rule(s) {string.Join(", ", dropped.Select(d => d.Rule))} of {routeName}: " + string.Join("; ", dropped.Select(d => $"rule {d.Rule}: {d.Why}")) + ".", g));
            }
        }

        // A listener counts only the routes its parent accepts (spec digest §4.2).
        if (count && accepted.IsTrue && table is not null)
        {
            table.CountAttachments();
        }

        conditions.Add(accepted);

        // A reference that does not resolve names the reason; a backend that resolves but a BackendTLSPolicy makes
        // unusable (every parent of the route is an ancestor of that policy, spec digest §14.6) names it only when
        // every reference resolves.
        var invalid = backends.FirstOrDefault(b => !b.IsResolved) ?? backends.FirstOrDefault(b => !b.IsValid);
        conditions.Add(invalid is null
            ? AllResolved(g)
            : Condition.Make(ConditionType.ResolvedRefs, false, invalid.Problem!.Value, g));

        return new RouteParentResult
        {
            ParentRef = parentRef,
            ParentIndex = index,
            ControllerName = controllerName,
            Conditions = Condition.ByType(conditions),
            AttachedListeners = table?.AttachedVerdicts() ?? [],
            Verdicts = table,
        };
    }

    /// <summary>The ResolvedRefs=True conditions of the first generations, one instance each (made when first asked).</summary>
    private static readonly Condition?[] AllResolvedByGeneration = new Condition?[16];

    /// <summary>
    /// ResolvedRefs=True at generation <paramref name="g"/>: the same for every parent of every route of that
    /// generation, so one instance is shared (a condition is immutable) instead of one per (route, parent).
    /// </summary>
    private static Condition AllResolved(long g)
    {
        static Condition Make(long g) => Condition.Make(ConditionType.ResolvedRefs, true, ConditionReason.ResolvedRefs, "All backend references are resolved.", g);

        // Two threads may both make it; either instance is the same condition.
        return g is >= 0 and < 16 ? AllResolvedByGeneration[g] ??= Make(g) : Make(g);
    }

    /// <summary>
    /// A route's previous result judged again on the changed listeners of the Gateways being bound (each Gateway's
    /// <see cref="GatewayState.Changed"/> cells), every other cell keeping its cause and hostnames: for a step where only
    /// those listeners changed, every other listener of those Gateways kept its state and kinds, and neither the route
    /// nor its backends nor its other parents changed (their results are kept). The caller counts the attachments from
    /// the results, and vouches that no HTTPRoute and GRPCRoute share those Gateways (a cell judged again sees no
    /// claim of the other kind). A parent whose judged cells keep their outcomes and that attached to a listener keeps
    /// its conditions and attachments (its Accepted condition reads the cells' messages only when nothing attached);
    /// any other is concluded as binding concludes it. The previous result itself when no parent has a changed cell.
    /// </summary>
    public RouteResult Rejudge(RouteResult previous)
    {
        var route = previous.Route;
        RouteParentResult[]? parents = null;
        List<(int Rule, string Why)>? dropped = null;
        for (var p = 0; p < previous.Parents.Count; p++)
        {
            var was = previous.Parents[p];
            if (was.ParentRef.GroupKind != Kinds.Gateway || !_gateways.TryGetValue(was.ParentRef.TargetKey, out var gateway) || gateway.Changed.Count == 0)
            {
                continue;
            }

            var old = was.Verdicts ?? throw new InvalidOperationException($"The result of {route.Key} has no verdicts on {was.ParentRef.TargetKey}.");
            var judged = _judged;
            judged.Clear();
            foreach (var i in gateway.Changed)
            {
                judged.Add((i, Judge(route, was.ParentRef, gateway.Listeners[i], out var hostnames), hostnames));
            }

            var table = old.With(gateway.Listeners, judged, out var moved);
            RouteParentResult now;
            if (!moved && table.AnyAttached)
            {
                now = was with { Verdicts = table };
            }
            else
            {
                dropped ??= RuleSupport.Unsupported(route);
                var accepted = Accepted(route, was.ParentRef, table, route.Metadata.Generation);
                now = Conclude(route, was.ParentIndex, was.ParentRef, gateway.ControllerName, accepted, table, previous.BackendRefs, dropped, count: false);
            }

            (parents ??= [.. previous.Parents])[p] = now;
        }

        return parents is null ? previous : previous with { Parents = parents.ToEquatableArray() };
    }

    private Condition BindService(RouteBase route, ParentReference parentRef, Service service, long g)
    {
        // GAMMA precedence (spec digest §13, RouteKindDefinition.MeshRank): among the kinds bound to an overlapping port
        // only the highest carries traffic; a kind of rank 0 (UDPRoute) is orthogonal.
        var rank = route.Definition.MeshRank;
        if (rank > 0 && _meshKinds.TryGetValue(parentRef.TargetKey, out var bound)
            && bound.Any(b => b.Rank > rank && (b.Port is null || parentRef.Port is null || b.Port == parentRef.Port)))
        {
            var winnerRank = bound.Where(b => b.Rank > rank).Max(b => b.Rank);
            var winner = RouteKindTable.All.First(k => k.MeshRank == winnerRank).Kind.Kind;
            return Condition.Make(ConditionType.Accepted, false, ConditionReason.Conflicted,
                $"A {winner} is bound to Service {service.Namespace}/{service.Name} on the same port, and {winner} takes precedence over {route.Kind} in a mesh; move one of them to another port.", g);
        }

        var port = parentRef.Port is { } p ? service.FindPort(p) : null;
        if (parentRef.Port is not null && port is null)
        {
            return Condition.Make(ConditionType.Accepted, false, ConditionReason.NoMatchingParent, $"Service {service.Namespace}/{service.Name} has no port {parentRef.Port}; use one of its ports.", g);
        }

        if (parentRef.SectionName is { } section && !service.Ports.Any(sp => sp.Name == section))
        {
            return Condition.Make(ConditionType.Accepted, false, ConditionReason.NoMatchingParent, $"Service {service.Namespace}/{service.Name} has no port named \"{section}\".", g);
        }

        return Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"{route.Kind} {route.Namespace}/{route.Name} is bound to Service {service.Namespace}/{service.Name}.", g);
    }

    private Condition BindListeners(RouteBase route, ParentReference parentRef, IReadOnlyList<ListenerDraft> listeners, out VerdictTable table, long g)
    {
        // One cause per listener; the verdicts and their messages are only built when someone reads the matrix.
        // There is a table per (route, parentRef), so it holds a byte per listener and the hostnames of the attached
        // cells alone.
        var causes = new byte[listeners.Count];
        ServedCell first = default;
        List<ServedCell>? more = null;
        var attached = 0;
        for (var i = 0; i < listeners.Count; i++)
        {
            var cause = Judge(route, parentRef, listeners[i], out var hostnames);
            causes[i] = (byte)cause;
            if (cause == BindingCause.Attached)
            {
                if (listeners[i].LastAttached is { } last && last.Verdict.Hostnames == hostnames)
                {
                    // The same hostnames as the listener's last attached route: one array for both.
                    hostnames = last.Verdict.Hostnames;
                }

                if (attached++ == 0)
                {
                    first = new ServedCell(i, hostnames);
                }
                else
                {
                    (more ??= [first]).Add(new ServedCell(i, hostnames));
                }
            }
        }

        var served = attached switch
        {
            0 => null,
            // The array of the listener's last table where it alone attached, when it holds the same cell and hostnames.
            1 => listeners[first.Cell].LastAttached is { } last && last.Served[0] == first ? last.Served : new[] { first },
            _ => more!.ToArray(),
        };
        table = new VerdictTable(route, parentRef, listeners, RecentCauses.Of(causes), served);
        return Accepted(route, parentRef, table, g);
    }

    /// <summary>
    /// A Gateway or ListenerSet parent's Accepted condition from its verdict table: which cells attached and which
    /// considered the route decide it; when nothing attached, the message lists the refusals' messages.
    /// </summary>
    private static Condition Accepted(RouteBase route, ParentReference parentRef, VerdictTable table, long g)
    {
        var relevant = 0;
        var hostnameOnly = false;
        var kindConflict = false;
        var attached = false;
        for (var i = 0; i < table.Count; i++)
        {
            var cause = table.Cause(i);
            if (cause is not (BindingCause.SectionNameMismatch or BindingCause.PortMismatch))
            {
                relevant++;
            }

            hostnameOnly |= cause == BindingCause.HostnameMismatch;
            kindConflict |= cause == BindingCause.RouteKindConflict;
            attached |= cause == BindingCause.Attached;
        }

        var routeName = $"{route.Kind} {route.Namespace}/{route.Name}";
        var parentName = $"{parentRef.Kind} {parentRef.Namespace}/{parentRef.Name}";
        if (relevant == 0)
        {
            var what = (parentRef.SectionName, parentRef.Port) switch
            {
                ({ } s, { } p) => $"no listener named \"{s}\" on port {p}",
                ({ } s, null) => $"no listener named \"{s}\"",
                (null, { } p) => $"no listener on port {p}",
                _ => "no listener",
            };
            return Condition.Make(ConditionType.Accepted, false, ConditionReason.NoMatchingParent, $"{parentName} has {what}; fix the parentRef of {routeName}.", g);
        }

        if (attached)
        {
            return Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"{routeName} is accepted by {parentName}.", g);
        }

        var verdicts = table.Materialize();
        if (kindConflict)
        {
            return Condition.Make(ConditionType.Accepted, false, ConditionReason.Conflicted, Refusals($"{routeName} is not accepted by {parentName}: ", verdicts, static c => c == BindingCause.RouteKindConflict, " Give the routes different hostnames or listeners."), g);
        }

        return hostnameOnly
            ? Condition.Make(ConditionType.Accepted, false, ConditionReason.NoMatchingListenerHostname, Refusals($"No hostname of {routeName} intersects a listener of {parentName}: ", verdicts, static c => c == BindingCause.HostnameMismatch, " Add a matching hostname."), g)
            : Condition.Make(ConditionType.Accepted, false, ConditionReason.NotAllowedByListeners, Refusals($"No listener of {parentName} allows {routeName}: ", verdicts, static c => c is BindingCause.KindNotAllowed or BindingCause.NamespaceNotAllowed or BindingCause.ListenerNotReady, string.Empty), g);
    }

    /// <summary>
    /// A refusal message: the prefix, the refusals of the given causes, each as <c>listener "name": message</c>,
    /// separated by spaces, and the suffix, written into one string (a route refused by a Gateway of many listeners
    /// lists them all).
    /// </summary>
    private static string Refusals(string prefix, EquatableArray<ListenerVerdict> verdicts, Func<BindingCause, bool> listed, string suffix)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, null, stackalloc char[512]);
        text.AppendFormatted(prefix);
        var first = true;
        foreach (var verdict in verdicts)
        {
            if (!listed(verdict.Cause))
            {
                continue;
            }

            if (!first)
            {
                text.AppendLiteral(" ");
            }

            first = false;
            text.AppendLiteral("listener \"");
            text.AppendFormatted(verdict.ListenerName);
            text.AppendLiteral("\": ");
            text.AppendFormatted(verdict.Message);
        }

        text.AppendFormatted(suffix);
        return text.ToStringAndClear();
    }

    private static bool Supports(ListenerDraft draft, RouteBase route)
    {
        foreach (var kind in draft.SupportedKinds)
        {
            if (kind.Kind == route.Kind && kind.Group == route.Group)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The verdict for one (route, parentRef, listener), in the order the spec checks them (§4.1).</summary>
    private BindingCause Judge(RouteBase route, ParentReference parentRef, ListenerDraft draft, out EquatableArray<string> hostnames)
    {
        hostnames = default;
        var listener = draft.Listener;
        if (parentRef.SectionName is { } section && section != listener.Name)
        {
            return BindingCause.SectionNameMismatch;
        }

        if (parentRef.Port is { } port && port != listener.Port)
        {
            return BindingCause.PortMismatch;
        }

        // Envoy Gateway attaches routes to a listener that conflicts (it counts them and accepts the route).
        if (draft.State != ListenerState.Ready && !(_options.EnvoyGateway && draft.State == ListenerState.Conflicted))
        {
            return BindingCause.ListenerNotReady;
        }

        if (!Supports(draft, route))
        {
            return BindingCause.KindNotAllowed;
        }

        if (!NamespaceAllowed(draft, route.Namespace))
        {
            return BindingCause.NamespaceNotAllowed;
        }

        if (!route.Definition.HasHostnames)
        {
            hostnames = [listener.Hostname ?? Hostnames.Any];
            return BindingCause.Attached;
        }

        if (!Hostnames.AnyIntersect(listener.Hostname, route.Hostnames))
        {
            return BindingCause.HostnameMismatch;
        }

        hostnames = Hostnames.IntersectAll(listener.Hostname, route.Hostnames).ToEquatableArray();

        // An HTTPRoute and a GRPCRoute with intersecting hostnames on one listener: only the older is accepted (spec
        // digest §10; routes are bound oldest first). Envoy Gateway accepts both.
        if (route.Definition.SharesHttpListener && !_options.EnvoyGateway && draft.HttpGrpcClaims.Count > 0 && draft.OtherKindServing(route, hostnames) is not null)
        {
            hostnames = default;
            return BindingCause.RouteKindConflict;
        }

        return BindingCause.Attached;
    }

    private bool NamespaceAllowed(ListenerDraft draft, string routeNamespace)
    {
        var allowed = draft.Listener.AllowedRoutes;
        return allowed.NamespacesFrom switch
        {
            FromNamespaces.All => true,
            FromNamespaces.Same => routeNamespace == draft.Owner.Namespace,
            FromNamespaces.Selector => allowed.Selector?.Matches(_snapshot.NamespaceLabels(routeNamespace)) ?? false,
            _ => false,
        };
    }

    internal static string NamespaceMessage(ListenerDraft draft, string routeNamespace) => draft.Listener.AllowedRoutes.NamespacesFrom switch
    {
        FromNamespaces.Same => $"the listener only allows routes from namespace \"{draft.Owner.Namespace}\" (allowedRoutes.namespaces.from: Same), and the route is in \"{routeNamespace}\".",
        FromNamespaces.Selector => $"namespace \"{routeNamespace}\" does not match the listener's allowedRoutes.namespaces.selector.",
        var other => $"allowedRoutes.namespaces.from \"{other}\" allows no route namespace.",
    };

    private List<BackendRefResult> ResolveBackends(RouteBase route, bool isMesh)
    {
        var results = new List<BackendRefResult>();
        foreach (var entry in route.EnumerateBackendRefs())
        {
            results.Add(Resolve(route, entry, isMirror: false, isMesh));
        }

        foreach (var entry in route.EnumerateMirrorBackendRefs())
        {
            results.Add(Resolve(route, entry, isMirror: true, isMesh));
        }

        return results;
    }

    /// <summary>
    /// Whether the route is a mesh (GAMMA) route for this controller: every parent it owns is a Service. Parents of
    /// other controllers (or that do not exist) are not ours to serve, so they neither make nor unmake a mesh route.
    /// This is the one place the mesh exemption from ReferenceGrants is decided; the routing tables read
    /// <see cref="BackendRefResult.IsValid"/>, so <c>status</c> and <c>match</c> cannot disagree on it.
    /// </summary>
    private static bool IsMeshRoute(List<(int Index, ParentReference Ref, Parent Parent)> owned)
    {
        foreach (var (_, _, parent) in owned)
        {
            if (parent.Service is null)
            {
                return false;
            }
        }

        return true;
    }

    // Static, not local functions or lambdas over the locals: a capture would allocate a closure for every backendRef
    // of every route, problem or not.
    private static string What(RouteBase route, RouteBackendRefEntry entry, bool isMirror)
    {
        var reference = entry.BackendRef;
        return $"{(isMirror ? "mirror backendRef" : "backendRef")} {reference.Kind} {reference.Namespace}/{reference.Name} of {route.Kind} {route.Namespace}/{route.Name} rule {entry.RuleIndex}";
    }

    private static bool Exposes(Service service, int port, string protocol)
    {
        foreach (var servicePort in service.Ports)
        {
            if (servicePort.Port == port && string.Equals(servicePort.Protocol, protocol, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private BackendRefResult Resolve(RouteBase route, RouteBackendRefEntry entry, bool isMirror, bool isMesh)
    {
        return Why(route, entry, isMirror, isMesh) is { } problem
            ? new BackendRefResult { RuleIndex = entry.RuleIndex, BackendIndex = entry.BackendIndex, IsMirror = isMirror, BackendRef = entry.BackendRef, Problem = problem }
            : Resolved(entry, isMirror);
    }

    /// <summary>The valid result for a backendRef at a place, shared with the last one on this thread (<see cref="RecentResults"/>).</summary>
    private static BackendRefResult Resolved(RouteBackendRefEntry entry, bool isMirror)
    {
        var reference = entry.BackendRef;
        var slots = t_recentResults ??= new BackendRefResult?[RecentResults];
        ref var slot = ref slots[(uint)HashCode.Combine(RuntimeHelpers.GetHashCode(reference), entry.RuleIndex, entry.BackendIndex, isMirror) & (RecentResults - 1)];
        if (slot is { } recent && ReferenceEquals(recent.BackendRef, reference) && recent.RuleIndex == entry.RuleIndex && recent.BackendIndex == entry.BackendIndex && recent.IsMirror == isMirror)
        {
            return recent;
        }

        return slot = new BackendRefResult { RuleIndex = entry.RuleIndex, BackendIndex = entry.BackendIndex, IsMirror = isMirror, BackendRef = reference };
    }

    /// <summary>
    /// The valid backend results made last on this thread, by place and reference: the reader shares the references of
    /// a cluster's routes to the same Service (<c>RecentBackends</c>), so the routes of a namespace that refer to it at
    /// the same place have equal results, and one instance is kept instead of one per route (a result is immutable).
    /// </summary>
    private const int RecentResults = 1024;

    [ThreadStatic]
    private static BackendRefResult?[]? t_recentResults;

    /// <summary>Why a backendRef is invalid, or null when it is valid.</summary>
    private Problem? Why(RouteBase route, RouteBackendRefEntry entry, bool isMirror, bool isMesh)
    {
        var reference = entry.BackendRef;
        if (reference.GroupKind != Kinds.Service)
        {
            return new Problem(ConditionReason.InvalidKind, $"{What(route, entry, isMirror)} has group \"{reference.Group}\" and kind \"{reference.Kind}\", which are not supported; refer to a core Service.");
        }

        // A mesh route needs no ReferenceGrant for its backends (GEP-1294, spec digest §7).
        if (!isMesh && !_grants.Allows(route.Key, reference.TargetKey))
        {
            return new Problem(ConditionReason.RefNotPermitted, $"{What(route, entry, isMirror)} is in another namespace and no ReferenceGrant in \"{reference.Namespace}\" allows {route.Kind} from \"{route.Namespace}\" to refer to it; add one.");
        }

        var service = _snapshot.Find<Service>(reference.TargetKey);
        if (service is null)
        {
            return new Problem(ConditionReason.BackendNotFound, $"{What(route, entry, isMirror)} refers to a Service that does not exist.");
        }

        if (_options.EnvoyGateway && reference.Port is { } egPort && service.Ports.Count > 0)
        {
            // Envoy Gateway looks the port up with the route's transport: UDP for a UDPRoute, TCP otherwise.
            var protocol = route.Definition.Transport;
            if (!Exposes(service, egPort, protocol))
            {
                return new Problem(ConditionReason.PortNotFound, $"{What(route, entry, isMirror)} uses {protocol} port {egPort}, which Service {service.Namespace}/{service.Name} does not expose.");
            }
        }

        if (reference.Port is { } port && service.Ports.Count > 0 && service.FindPort(port) is null)
        {
            return new Problem(ConditionReason.BackendNotFound, $"{What(route, entry, isMirror)} uses port {port}, which Service {service.Namespace}/{service.Name} does not expose; use one of {string.Join(", ", service.Ports.Select(p => p.Port))}.");
        }

        // A BackendTLSPolicy that governs the Service (or the port used) and cannot be honoured makes connections to
        // it fail (spec digest §8 item 5, §14.7): InvalidBackendTLS, Envoy Gateway's reason (the spec leaves it open).
        var portName = reference.Port is { } used ? service.FindPort(used)?.Name : null;
        if (_backendTls.Failure(reference.TargetKey, portName) is { } tls)
        {
            return tls.WithMessage($"{What(route, entry, isMirror)}: {tls.Message}");
        }

        return null;
    }
}
