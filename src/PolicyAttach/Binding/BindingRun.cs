using System.Collections.Frozen;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.References;

namespace PolicyAttach.Binding;

/// <summary>
/// The binding stage: GatewayClass, Gateway, ListenerSet and route statuses, with the binding verdict of every
/// (route, parentRef, listener) (spec digest §4–§8). Reads the snapshot, the reference index and the BackendTLSPolicy
/// verdicts (which the policy stage decides before binding); knows nothing else of policies. Pure and deterministic.
/// </summary>
internal static class Binder
{
    /// <summary>Below this many routes, binding stays on the calling thread: starting threads would cost more than it saves.</summary>
    internal const int ParallelRoutes = 32;

    /// <summary>Binds every route of a snapshot.</summary>
    /// <param name="snapshot">The input objects.</param>
    /// <param name="references">The reference index of the snapshot, built once per evaluation.</param>
    /// <param name="options">What the engine acts for.</param>
    /// <param name="backendTls">Which backend Services a BackendTLSPolicy makes invalid (<see cref="BackendTlsVerdicts.None"/>: none).</param>
    /// <returns>The binding result.</returns>
    public static BindingResult Bind(Snapshot snapshot, ReferenceIndex references, BindingOptions options, BackendTlsVerdicts backendTls)
        => new Run(snapshot, references, options, backendTls).Execute();

    /// <summary>
    /// Binds the GatewayClasses, Gateways and ListenerSets of a snapshot that holds none of the given routes, and judges
    /// those routes' previous results again on the listeners of its Gateways that differ from their previous results
    /// (<see cref="RouteBinder.Rejudge"/>), every other cell kept: a session's step where only some listeners of those
    /// Gateways changed. Null when a Gateway's listeners do not pair with its previous result's (another count, another
    /// name at a position) or a listener that did not change is in another state or takes other kinds (a conflict that
    /// appeared or ended): the cells kept would not hold. The binding result counts no route on any listener.
    /// </summary>
    /// <param name="snapshot">The Gateways with the shared objects they read (classes, Secrets, grants), no route.</param>
    /// <param name="references">The reference index of the snapshot.</param>
    /// <param name="options">What the engine acts for.</param>
    /// <param name="previous">The previous results of the snapshot's Gateways.</param>
    /// <param name="routes">The previous results of the routes to judge again.</param>
    /// <returns>The binding of the Gateways and the routes' new results (a route whose verdicts are all kept is its previous result), or null.</returns>
    public static (BindingResult Binding, RouteResult[] Routes)? Rejudge(Snapshot snapshot, ReferenceIndex references, BindingOptions options,
        IReadOnlyDictionary<ResourceKey, GatewayResult> previous, IReadOnlyList<RouteResult> routes)
        => new Run(snapshot, references, options, BackendTlsVerdicts.None).Rejudge(previous, routes);

    private sealed class Run
    {
        private readonly Snapshot _snapshot;
        private readonly BindingOptions _options;
        private readonly FeatureSet _features;
        private readonly FrozenSet<string> _controllers;
        private readonly ReferenceIndex _references;
        private readonly BackendTlsVerdicts _backendTls;
        private readonly ListenerChecks _checks;

        // Per Gateway: its own listener drafts, and per ListenerSet the drafts of its listeners.
        private readonly Dictionary<ResourceKey, GatewayState> _gateways = [];
        private readonly Dictionary<ResourceKey, ListenerSetState> _listenerSets = [];

        public Run(Snapshot snapshot, ReferenceIndex references, BindingOptions options, BackendTlsVerdicts backendTls)
        {
            _backendTls = backendTls;
            _snapshot = snapshot;
            _options = options;
            _features = options.Features;
            _controllers = options.ControllerNames.ToFrozenSet(StringComparer.Ordinal);
            _references = references;
            _checks = new ListenerChecks(snapshot, references, options);
        }

        public BindingResult Execute()
        {
            var classes = EvaluateClasses();
            EvaluateGateways(classes);
            EvaluateListenerSets();
            var routes = EvaluateRoutes();
            return new BindingResult(
                _snapshot,
                _options.ControllerNames,
                classes.Values.OrderBy(c => c.GatewayClass.Key).ToEquatableArray(),
                _gateways.Values.OrderBy(g => g.Gateway.Key).Select(g => g.ToResult(_options.EnvoyGateway)).ToEquatableArray(),
                _listenerSets.Values.OrderBy(l => l.ListenerSet.Key).Select(l => l.ToResult(_options.EnvoyGateway)).ToEquatableArray(),
                routes);
        }

        public (BindingResult, RouteResult[])? Rejudge(IReadOnlyDictionary<ResourceKey, GatewayResult> previous, IReadOnlyList<RouteResult> routes)
        {
            var classes = EvaluateClasses();
            EvaluateGateways(classes);
            EvaluateListenerSets();
            var gateways = new List<GatewayResult>(_gateways.Count);
            foreach (var state in _gateways.Values.OrderBy(g => g.Gateway.Key))
            {
                var now = state.ToResult(_options.EnvoyGateway);
                if (!previous.TryGetValue(state.Gateway.Key, out var was) || was.Listeners.Count != now.Listeners.Count)
                {
                    return null;
                }

                for (var i = 0; i < now.Listeners.Count; i++)
                {
                    var (a, b) = (was.Listeners[i], now.Listeners[i]);
                    if (a.Name != b.Name)
                    {
                        return null;
                    }

                    if (a.Listener != b.Listener)
                    {
                        state.Changed.Add(i);
                    }
                    else if (a.State != b.State || a.SupportedKinds != b.SupportedKinds)
                    {
                        return null;
                    }
                }

                gateways.Add(now);
            }

            var binder = new RouteBinder(_snapshot, _references, _backendTls, _options, _gateways, _listenerSets);
            var results = new RouteResult[routes.Count];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = binder.Rejudge(routes[i]);
            }

            var binding = new BindingResult(_snapshot, _options.ControllerNames, classes.Values.OrderBy(c => c.GatewayClass.Key).ToEquatableArray(), gateways.ToEquatableArray(),
                _listenerSets.Values.OrderBy(l => l.ListenerSet.Key).Select(l => l.ToResult(_options.EnvoyGateway)).ToEquatableArray(), []);
            return (binding, results);
        }

        private Dictionary<string, GatewayClassResult> EvaluateClasses()
        {
            var result = new Dictionary<string, GatewayClassResult>(StringComparer.Ordinal);
            foreach (var cls in _snapshot.GatewayClasses)
            {
                if (!_controllers.Contains(cls.ControllerName))
                {
                    continue;
                }

                var g = cls.Metadata.Generation;
                var accepted = Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"GatewayClass {cls.Name} is accepted by {cls.ControllerName}.", g);
                if (cls.ParametersRef is { } p && FindParameters(p.Group, p.Kind, p.Namespace ?? string.Empty, p.Name) is null)
                {
                    accepted = Condition.Make(ConditionType.Accepted, false, ConditionReason.InvalidParameters, $"parametersRef {p.Kind} {(p.Namespace is null ? string.Empty : p.Namespace + "/")}{p.Name} of GatewayClass {cls.Name} does not exist; create it or remove parametersRef.", g);
                }

                result[cls.Name] = new GatewayClassResult { GatewayClass = cls, Conditions = [accepted], SupportedFeatures = _options.SupportedFeatures };
            }

            return result;
        }

        private KubeObject? FindParameters(string group, string kind, string ns, string name)
        {
            var key = new ResourceKey(group, kind, ns, name);
            return _snapshot.Find(key) ?? _snapshot.Find(key with { Namespace = string.Empty });
        }

        private void EvaluateGateways(Dictionary<string, GatewayClassResult> classes)
        {
            foreach (var gateway in _snapshot.Gateways)
            {
                if (!classes.TryGetValue(gateway.GatewayClassName, out var cls))
                {
                    continue;
                }

                var drafts = gateway.Listeners
                    .Select(l => _checks.Check(gateway.Key, gateway.Metadata.Generation, gateway.Metadata.CreationTimestamp, l, gateway))
                    .ToList();
                _checks.JudgeConflicts(drafts, drafts.Count);
                _gateways[gateway.Key] = new GatewayState(gateway, cls.GatewayClass.ControllerName, drafts);
            }

            foreach (var state in _gateways.Values)
            {
                state.Conditions = GatewayConditions(state);
            }
        }

        private List<Condition> GatewayConditions(GatewayState state)
        {
            var gateway = state.Gateway;
            var g = gateway.Metadata.Generation;
            var conditions = new List<Condition>();
            var envoyGateway = _options.EnvoyGateway;
            var ready = envoyGateway ? state.Listeners.Count(l => l.AcceptedByEnvoyGateway) : state.Listeners.Count(l => l.State == ListenerState.Ready);
            Condition accepted;
            var unsupportedAddress = gateway.Addresses.FirstOrDefault(a => a.Type is not ("IPAddress" or "Hostname"));
            var infraRef = gateway.Infrastructure?.ParametersRef;
            if (infraRef is not null && FindParameters(infraRef.Group, infraRef.Kind, gateway.Namespace, infraRef.Name) is null)
            {
                accepted = Condition.Make(ConditionType.Accepted, false, ConditionReason.InvalidParameters, $"infrastructure.parametersRef {infraRef.Kind} {infraRef.Name} of Gateway {gateway.Namespace}/{gateway.Name} does not exist; create it or remove the reference.", g);
            }
            else if (unsupportedAddress is not null)
            {
                accepted = Condition.Make(ConditionType.Accepted, false, ConditionReason.UnsupportedAddress, $"Address type \"{unsupportedAddress.Type}\" is not supported; use IPAddress or Hostname.", g);
            }
            else if (ready == state.Listeners.Count)
            {
                accepted = Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"Gateway {gateway.Namespace}/{gateway.Name} is accepted.", g);
            }
            else if (ready > 0)
            {
                accepted = Condition.Make(ConditionType.Accepted, true, ConditionReason.ListenersNotValid, $"Gateway {gateway.Namespace}/{gateway.Name} is accepted with {ready} of {state.Listeners.Count} listeners; see the listener conditions for the others.", g);
            }
            else
            {
                accepted = Condition.Make(ConditionType.Accepted, false, ConditionReason.ListenersNotValid, $"No listener of Gateway {gateway.Namespace}/{gateway.Name} is valid; see the listener conditions.", g);
            }

            conditions.Add(accepted);

            // Envoy Gateway's Programmed comes from its proxy Deployment and Service, not from the listeners: with
            // the proxy running, True.
            conditions.Add(accepted.IsTrue || envoyGateway
                ? Condition.Make(ConditionType.Programmed, true, ConditionReason.Programmed, $"Gateway {gateway.Namespace}/{gateway.Name} is programmed.", g)
                : Condition.Make(ConditionType.Programmed, false, ConditionReason.Invalid, $"Gateway {gateway.Namespace}/{gateway.Name} is not accepted, so it is not programmed.", g));

            Problem? unresolved = null;
            if (gateway.Tls?.BackendClientCertificateRef is { } clientRef)
            {
                var problem = _checks.CheckSecretRef(gateway.Key, clientRef, "tls.backend.clientCertificateRef");
                if (problem is { } p)
                {
                    unresolved = new Problem(p.Reason == ConditionReason.RefNotPermitted ? ConditionReason.RefNotPermitted : ConditionReason.InvalidClientCertificateRef, p.Message + ".");
                }
            }

            if (unresolved is null && !envoyGateway && state.Listeners.Any(l => l.Unresolved is not null))
            {
                unresolved = new Problem(ConditionReason.ListenersNotResolved, "Some listeners have unresolved references; see their ResolvedRefs conditions.");
            }

            // Envoy Gateway writes a Gateway's ResolvedRefs only for the Gateway's own client certificate reference.
            if (!envoyGateway || gateway.Tls?.BackendClientCertificateRef is not null)
            {
                conditions.Add(unresolved is { } u
                    ? Condition.Make(ConditionType.ResolvedRefs, false, u, g)
                    : Condition.Make(ConditionType.ResolvedRefs, true, ConditionReason.ResolvedRefs, "All references are resolved.", g));
            }

            var tls = gateway.Tls;
            if (tls is not null && (tls.DefaultValidation?.Mode == "AllowInsecureFallback" || tls.PerPort.Any(p => p.Validation?.Mode == "AllowInsecureFallback")))
            {
                conditions.Add(Condition.Make(ConditionType.InsecureFrontendValidationMode, true, ConditionReason.ConfigurationChanged, "Frontend client certificate validation uses AllowInsecureFallback: clients without a valid certificate are let through.", g));
            }

            ListenerChecks.MarkOverlaps(state.Listeners, httpsOnly: envoyGateway);
            return conditions;
        }

        private void EvaluateListenerSets()
        {
            if (!_features.Has(Features.ListenerSet))
            {
                return;
            }

            var sets = _snapshot.ListenerSets
                .Where(s => s.ParentRef.GroupKind == Kinds.Gateway && _gateways.ContainsKey(s.ParentRef.TargetKey))
                .OrderBy(s => s.Metadata.CreationTimestamp)
                .ThenBy(s => s.Namespace, StringComparer.Ordinal)
                .ThenBy(s => s.Name, StringComparer.Ordinal)
                .ToList();
            foreach (var set in sets)
            {
                var parent = _gateways[set.ParentRef.TargetKey];
                var state = new ListenerSetState(set, parent);
                _listenerSets[set.Key] = state;
                var g = set.Metadata.Generation;
                if (!AllowsListenerSet(parent.Gateway, set))
                {
                    state.Rejection = new Problem(ConditionReason.NotAllowed, $"Gateway {parent.Gateway.Namespace}/{parent.Gateway.Name} does not allow ListenerSets from namespace \"{set.Namespace}\" (allowedListeners.namespaces.from is {parent.Gateway.AllowedListeners.NamespacesFrom}); change allowedListeners on the Gateway.");
                }
                else if (!parent.IsAccepted)
                {
                    state.Rejection = new Problem(ConditionReason.ParentNotAccepted, $"The parent Gateway {parent.Gateway.Namespace}/{parent.Gateway.Name} is not accepted.");
                }

                state.Listeners.AddRange(set.Listeners.Select(l => _checks.Check(set.Key, g, set.Metadata.CreationTimestamp, l, null)));
            }

            foreach (var parent in _gateways.Values)
            {
                var merged = new List<ListenerDraft>(parent.Listeners);
                foreach (var set in sets)
                {
                    var state = _listenerSets[set.Key];
                    if (state.Parent == parent && state.Rejection is null)
                    {
                        merged.AddRange(state.Listeners);
                    }
                }

                if (merged.Count > parent.Listeners.Count)
                {
                    _checks.JudgeConflicts(merged, parent.Listeners.Count);
                }
            }

            foreach (var state in _listenerSets.Values)
            {
                // Unlike a Gateway, a ListenerSet is not accepted when no listener can be programmed, unresolved
                // references included (spec digest §5 "ListenerSets", §7).
                if (state.Rejection is null && !state.Listeners.Any(l => l.IsProgrammable))
                {
                    state.Rejection = new Problem(ConditionReason.ListenersNotValid, $"No listener of ListenerSet {state.ListenerSet.Namespace}/{state.ListenerSet.Name} is valid; see the listener conditions.");
                }

                if (state.Rejection is null)
                {
                    state.Parent.AttachedListenerSets++;
                }
            }
        }

        private bool AllowsListenerSet(Gateway gateway, ListenerSet set) => gateway.AllowedListeners.NamespacesFrom switch
        {
            FromNamespaces.All => true,
            FromNamespaces.Same => set.Namespace == gateway.Namespace,
            FromNamespaces.Selector => gateway.AllowedListeners.Selector?.Matches(_snapshot.NamespaceLabels(set.Namespace)) ?? false,
            _ => false,
        };

        /// <summary>
        /// Whether routes of both kinds that share HTTP listeners (HTTPRoute and GRPCRoute) are bound: then a route's
        /// verdict reads the routes of the other kind accepted before it, and binding is serial.
        /// </summary>
        private static bool HttpAndGrpc((int Position, RouteBase Route)[] routes)
        {
            string? kind = null;
            foreach (var (_, route) in routes)
            {
                if (route.Definition.SharesHttpListener)
                {
                    if (kind is null)
                    {
                        kind = route.Kind;
                    }
                    else if (kind != route.Kind)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private EquatableArray<RouteResult> EvaluateRoutes()
        {
            var binder = new RouteBinder(_snapshot, _references, _backendTls, _options, _gateways, _listenerSets);

            // Routes are bound oldest first, then by namespace and name, so that the older of an HTTPRoute and a
            // GRPCRoute sharing a hostname on a listener is the one accepted (spec digest §10); the results keep
            // the snapshot's order.
            var routes = new List<(int Position, RouteBase Route)>();
            foreach (var obj in _snapshot.Objects)
            {
                if (obj is RouteBase route && _features.Has(route.Kind))
                {
                    routes.Add((routes.Count, route));
                }
            }

            var bound = new RouteResult?[routes.Count];
            var ordered = routes
                .OrderBy(r => r.Route.Metadata.CreationTimestamp)
                .ThenBy(r => r.Route.Namespace, StringComparer.Ordinal)
                .ThenBy(r => r.Route.Name, StringComparer.Ordinal)
                .ThenBy(r => r.Position)
                .ToArray();
            if (_options.MaxDegreeOfParallelism > 1 && ordered.Length >= Binder.ParallelRoutes && !HttpAndGrpc(ordered))
            {
                // Each route is bound on its own (its verdicts read only the listeners' drafts, whose judged state
                // binding does not change while no HTTPRoute and GRPCRoute can meet on a listener; the one thing it
                // writes there, ListenerDraft.LastAttached, is a cache of equal values published as one reference, so
                // which thread wrote it last changes no result), its result placed at its position; then the
                // attachments are counted in the binding order, as the serial loop counts them.
                Parallel.For(0, ordered.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism },
                    i => bound[ordered[i].Position] = binder.Bind(ordered[i].Route, count: false));
                foreach (var (position, _) in ordered)
                {
                    if (bound[position] is { } result)
                    {
                        RouteBinder.CountAttachments(result);
                    }
                }
            }
            else
            {
                foreach (var (position, route) in ordered)
                {
                    bound[position] = binder.Bind(route);
                }
            }

            var results = new List<RouteResult>(routes.Count);
            foreach (var result in bound)
            {
                if (result is not null)
                {
                    results.Add(result);
                }
            }

            return results.ToEquatableArray();
        }
    }
}

/// <summary>A Gateway during evaluation.</summary>
internal sealed class GatewayState(Gateway gateway, string controllerName, List<ListenerDraft> listeners)
{
    public Gateway Gateway { get; } = gateway;

    public string ControllerName { get; } = controllerName;

    public List<ListenerDraft> Listeners { get; } = listeners;

    /// <summary>The positions of the listeners judged again in a rejudging run (<see cref="Binder.Rejudge"/>); empty otherwise.</summary>
    public List<int> Changed { get; } = [];

    public List<Condition> Conditions { get; set; } = [];

    public int AttachedListenerSets { get; set; }

    public bool IsAccepted => Conditions.Any(c => c.Type == ConditionType.Accepted && c.IsTrue);

    public GatewayResult ToResult(bool envoyGateway) => new()
    {
        Gateway = Gateway,
        ControllerName = ControllerName,
        Conditions = Condition.ByType(Conditions),
        Listeners = Listeners.Select(l => l.ToResult(envoyGateway)).ToEquatableArray(),
        AttachedListenerSets = AttachedListenerSets,
    };
}

/// <summary>A ListenerSet during evaluation.</summary>
internal sealed class ListenerSetState(ListenerSet listenerSet, GatewayState parent)
{
    public ListenerSet ListenerSet { get; } = listenerSet;

    public GatewayState Parent { get; } = parent;

    public List<ListenerDraft> Listeners { get; } = [];

    public Problem? Rejection { get; set; }

    public ListenerSetResult ToResult(bool envoyGateway)
    {
        var g = ListenerSet.Metadata.Generation;
        var name = $"{ListenerSet.Namespace}/{ListenerSet.Name}";
        var valid = Listeners.Count(l => l.IsProgrammable);
        var conditions = Rejection is { } r
            ? new[]
            {
                Condition.Make(ConditionType.Accepted, false, r, g),
                Condition.Make(ConditionType.Programmed, false, r, g),
            }
            : new[]
            {
                valid == Listeners.Count
                    ? Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"ListenerSet {name} is accepted.", g)
                    : Condition.Make(ConditionType.Accepted, true, ConditionReason.ListenersNotValid, $"ListenerSet {name} is accepted with {valid} of {Listeners.Count} listeners; see the listener conditions.", g),
                Condition.Make(ConditionType.Programmed, true, ConditionReason.Programmed, $"ListenerSet {name} is programmed.", g),
            };
        return new ListenerSetResult
        {
            ListenerSet = ListenerSet,
            Parent = Parent.Gateway.Key,
            Conditions = Condition.ByType(conditions),
            Listeners = Listeners.Select(l => l.ToResult(envoyGateway)).ToEquatableArray(),
        };
    }
}
