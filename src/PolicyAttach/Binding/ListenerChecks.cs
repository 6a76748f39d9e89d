using System.Runtime.InteropServices;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;
using PolicyAttach.References;

namespace PolicyAttach.Binding;

/// <summary>
/// The validity of one listener on its own (protocol, route kinds, TLS references, frontend validation), before
/// conflicts between listeners are judged (spec digest §5, §6.3).
/// </summary>
internal sealed class ListenerDraft
{
    public required ResourceKey Owner { get; init; }

    public required Listener Listener { get; init; }

    public required long Generation { get; init; }

    public required DateTimeOffset OwnerCreated { get; init; }

    public List<RouteGroupKind> SupportedKinds { get; } = [];

    /// <summary>Accepted=False reason and message, when the listener itself is unacceptable.</summary>
    public Problem? NotAccepted { get; set; }

    /// <summary>ResolvedRefs=False reason and message.</summary>
    public Problem? Unresolved { get; set; }

    /// <summary>Conflicted=True reason and message.</summary>
    public Problem? Conflict { get; set; }

    /// <summary>When a ListenerSet listener loses a conflict, Accepted and Programmed carry the conflict reason too.</summary>
    public bool LostConflict { get; set; }

    public Problem? Overlap { get; set; }

    /// <summary>
    /// An implementation's own validation failure (Envoy Gateway: <c>Programmed=False/Invalid</c>, no
    /// <c>Accepted</c>); routes still attach, as they do in that implementation.
    /// </summary>
    public Problem? Invalid { get; set; }

    /// <summary>Whether Envoy Gateway writes <c>Accepted=True</c> on this listener: no error, or only an unusable certificate Secret.</summary>
    public bool AcceptedByEnvoyGateway => NotAccepted is null && Conflict is null && Invalid is null
        && (Unresolved is null || Unresolved.Value.Reason == ConditionReason.InvalidCertificateRef);

    public int AttachedRoutes { get; set; }

    /// <summary>
    /// The verdict of the last route attached here, and the same as the only attached verdict of a parent: the next
    /// route attached for the same hostnames shares them (a verdict is immutable and names only the listener, the
    /// cause and the hostnames), so thousands of routes attached to one listener do not each keep a copy.
    /// </summary>
    public AttachedShare? LastAttached { get; set; }

    /// <summary>The HTTPRoutes and GRPCRoutes accepted on this listener, oldest first, with the hostnames each is served for (spec digest §10).</summary>
    public List<(RouteBase Route, EquatableArray<string> Hostnames)> HttpGrpcClaims { get; } = [];

    /// <summary>Whether <see cref="HttpGrpcClaims"/> hold routes of more than one kind.</summary>
    private bool _mixedClaims;

    /// <summary>Records an accepted HTTPRoute or GRPCRoute and the hostnames it is served for.</summary>
    public void Claim(RouteBase route, EquatableArray<string> hostnames)
    {
        _mixedClaims |= HttpGrpcClaims.Count > 0 && HttpGrpcClaims[0].Route.Kind != route.Kind;
        HttpGrpcClaims.Add((route, hostnames));
    }

    /// <summary>
    /// The accepted route of the other kind (HTTPRoute against GRPCRoute) that already serves one of
    /// <paramref name="hostnames"/> on this listener, or null.
    /// </summary>
    public RouteBase? OtherKindServing(RouteBase route, IReadOnlyList<string> hostnames)
    {
        // Most listeners serve one kind: thousands of claims of the route's own kind need no pass.
        if (HttpGrpcClaims.Count == 0 || !_mixedClaims && HttpGrpcClaims[0].Route.Kind == route.Kind)
        {
            return null;
        }

        foreach (var (claimant, served) in HttpGrpcClaims)
        {
            if (claimant.Kind == route.Kind)
            {
                continue;
            }

            foreach (var a in served)
            {
                foreach (var b in hostnames)
                {
                    if (a == Hostnames.Any || b == Hostnames.Any || Hostnames.Intersect(a, b) is not null)
                    {
                        return claimant;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Whether the listener can be programmed: ready and with every reference resolved.</summary>
    public bool IsProgrammable => State == ListenerState.Ready && Unresolved is null;

    public ListenerState State => NotAccepted is not null ? ListenerState.NotAccepted : Conflict is not null ? ListenerState.Conflicted : ListenerState.Ready;

    /// <summary>The listener as messages name it (built once: most of its conditions name it).</summary>
    public string Describe => _describe ??= $"listener \"{Listener.Name}\" of {Owner}";

    private string? _describe;

    public ListenerResult ToResult(bool envoyGateway)
    {
        var conditions = envoyGateway ? EnvoyGatewayConditions() : SpecConditions();
        return new ListenerResult
        {
            Owner = Owner,
            Listener = Listener,
            SupportedKinds = NotAccepted is not null ? [] : SupportedKinds.ToEquatableArray(),
            AttachedRoutes = AttachedRoutes,
            Conditions = ByType(conditions),
            State = State,
        };
    }

    /// <summary>Conditions sorted by type (each type once), without a copy per step of the sort.</summary>
    private static EquatableArray<Condition> ByType(List<Condition> conditions)
    {
        var sorted = conditions.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Type.Value, b.Type.Value));
        return new EquatableArray<Condition>(ImmutableCollectionsMarshal.AsImmutableArray(sorted));
    }

    /// <summary>
    /// Envoy Gateway's listener conditions: a clean listener gets Accepted, Programmed and ResolvedRefs True (and, on
    /// a ListenerSet, Conflicted=False/NoConflicts); a failed one keeps only the conditions its error set, with
    /// Programmed=False (Invalid on a Gateway, the conflict reason or ListenersNotValid on a ListenerSet) and
    /// ResolvedRefs True unless a reference failed.
    /// </summary>
    private List<Condition> EnvoyGatewayConditions()
    {
        var g = Generation;
        var inSet = Owner.Kind == Kinds.ListenerSet.Kind;
        var conditions = new List<Condition>();
        var clean = NotAccepted is null && Conflict is null && Invalid is null && Unresolved is null;
        if (clean)
        {
            if (inSet)
            {
                conditions.Add(Condition.Make(ConditionType.Conflicted, false, ConditionReason.NoConflicts, "No conflicts with other listeners.", g));
            }

            conditions.Add(Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"The {Describe} is accepted.", g));
            conditions.Add(Condition.Make(ConditionType.Programmed, true, ConditionReason.Programmed, $"The {Describe} is programmed.", g));
        }
        else
        {
            var problem = NotAccepted ?? Conflict ?? Invalid ?? Unresolved!.Value;
            if (Conflict is { } conflict)
            {
                conditions.Add(Condition.Make(ConditionType.Conflicted, true, conflict, g));
            }

            if (NotAccepted is { } rejected)
            {
                conditions.Add(Condition.Make(ConditionType.Accepted, false, rejected, g));
            }
            else if (Conflict is { } c && inSet)
            {
                conditions.Add(Condition.Make(ConditionType.Accepted, false, c, g));
            }
            else if (AcceptedByEnvoyGateway)
            {
                conditions.Add(Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"The {Describe} is accepted.", g));
            }

            var programmed = !inSet ? ConditionReason.Invalid : Conflict is { } lost ? lost.Reason : ConditionReason.ListenersNotValid;
            conditions.Add(Condition.Make(ConditionType.Programmed, false, programmed, $"The {Describe} is invalid: {problem.Message}", g));
        }

        AddReferenceConditions(conditions, g);
        return conditions;
    }

    private List<Condition> SpecConditions()
    {
        var g = Generation;
        var conditions = new List<Condition>();
        if (Conflict is { } conflict)
        {
            conditions.Add(Condition.Make(ConditionType.Conflicted, true, conflict, g));
        }
        else
        {
            conditions.Add(Condition.Make(ConditionType.Conflicted, false, ConditionReason.NoConflicts, "No conflicts with other listeners.", g));
        }

        if (NotAccepted is { } rejected)
        {
            conditions.Add(Condition.Make(ConditionType.Accepted, false, rejected, g));
            conditions.Add(Condition.Make(ConditionType.Programmed, false, ConditionReason.Invalid, $"The {Describe} is not accepted: {rejected.Message}", g));
        }
        else if (Conflict is { } c)
        {
            // A ListenerSet listener that loses carries the conflict reason on Accepted and Programmed, as conformance
            // expects (spec digest §16.3); a Gateway listener's Programmed uses Invalid (§6.3).
            conditions.Add(Condition.Make(ConditionType.Accepted, false, c, g));
            conditions.Add(Condition.Make(ConditionType.Programmed, false, LostConflict ? c.Reason : ConditionReason.Invalid, c.Message, g));
        }
        else
        {
            conditions.Add(Condition.Make(ConditionType.Accepted, true, ConditionReason.Accepted, $"The {Describe} is accepted.", g));
            conditions.Add(Unresolved is { } u
                ? Condition.Make(ConditionType.Programmed, false, ConditionReason.Invalid, $"The {Describe} cannot be programmed: {u.Message}", g)
                : Condition.Make(ConditionType.Programmed, true, ConditionReason.Programmed, $"The {Describe} is programmed.", g));
        }

        AddReferenceConditions(conditions, g);
        return conditions;
    }

    /// <summary>ResolvedRefs and OverlappingTLSConfig, written alike under every condition convention.</summary>
    private void AddReferenceConditions(List<Condition> conditions, long g)
    {
        conditions.Add(Unresolved is { } unresolved
            ? Condition.Make(ConditionType.ResolvedRefs, false, unresolved, g)
            : Condition.Make(ConditionType.ResolvedRefs, true, ConditionReason.ResolvedRefs, "All references are resolved.", g));
        if (Overlap is { } overlap)
        {
            conditions.Add(Condition.Make(ConditionType.OverlappingTlsConfig, true, overlap, g));
        }
    }
}

/// <summary>Checks listeners one by one, then judges conflicts among them.</summary>
internal sealed class ListenerChecks
{
    private readonly Snapshot _snapshot;
    private readonly ReferenceIndex _grants;
    private readonly FeatureSet _features;
    private readonly BindingOptions _options;

    public ListenerChecks(Snapshot snapshot, ReferenceIndex grants, BindingOptions options)
    {
        _snapshot = snapshot;
        _grants = grants;
        _features = options.Features;
        _options = options;
    }

    /// <summary>
    /// The route kinds the implementation supports for a listener, derived from its protocol (spec digest §4.2 step 3;
    /// <see cref="RouteKindDefinition.ListenerProtocols"/>) among the kinds whose feature is claimed, in the order of
    /// <see cref="RouteKindTable.All"/>. A profile that accepts more kinds on a TLS listener that terminates (Envoy
    /// Gateway: TCPRoute) lists them first.
    /// </summary>
    public IReadOnlyList<RouteGroupKind> KindsFor(Listener listener)
    {
        var kinds = new List<RouteGroupKind>(2);
        if (_options.TlsTerminateAcceptsTcpRoute && listener.Protocol == Protocols.Tls && listener.Tls?.Mode == TlsModes.Terminate)
        {
            foreach (var kind in RouteKindTable.All)
            {
                if (kind.OnTerminatingTlsInProfile && _features.Has(kind.Feature))
                {
                    kinds.Add(new RouteGroupKind(kind.Kind.Group, kind.Kind.Kind));
                }
            }
        }

        foreach (var kind in RouteKindTable.All)
        {
            if (kind.ListenerProtocols.Contains(listener.Protocol) && _features.Has(kind.Feature))
            {
                kinds.Add(new RouteGroupKind(kind.Kind.Group, kind.Kind.Kind));
            }
        }

        return kinds;
    }

    public ListenerDraft Check(ResourceKey owner, long generation, DateTimeOffset created, Listener listener, Gateway? gatewayForFrontend)
    {
        var draft = new ListenerDraft { Owner = owner, Listener = listener, Generation = generation, OwnerCreated = created };
        var protocolKinds = KindsFor(listener);
        if (protocolKinds.Count == 0)
        {
            draft.NotAccepted = new Problem(ConditionReason.UnsupportedProtocol, $"Protocol \"{listener.Protocol}\" of {draft.Describe} is not supported; use HTTP, HTTPS, TLS, TCP or UDP.");
            return draft;
        }

        if (listener.Protocol == Protocols.Tls && listener.Tls?.Mode == TlsModes.Terminate && !_features.Has(Features.TlsRouteModeTerminate))
        {
            draft.NotAccepted = new Problem(ConditionReason.UnsupportedValue, $"TLS mode Terminate on {draft.Describe} is not supported for TLSRoute; use mode Passthrough.");
            return draft;
        }

        if (listener.AllowedRoutes.Kinds.IsEmpty)
        {
            draft.SupportedKinds.AddRange(protocolKinds);
        }
        else
        {
            var invalid = new List<string>();
            foreach (var kind in listener.AllowedRoutes.Kinds)
            {
                if (protocolKinds.Contains(kind))
                {
                    if (!draft.SupportedKinds.Contains(kind))
                    {
                        draft.SupportedKinds.Add(kind);
                    }
                }
                else
                {
                    invalid.Add(kind.Group.Length == 0 ? kind.Kind : $"{kind.Kind}.{kind.Group}");
                }
            }

            if (invalid.Count > 0)
            {
                draft.Unresolved = new Problem(ConditionReason.InvalidRouteKinds, $"allowedRoutes.kinds of {draft.Describe} lists {string.Join(", ", invalid)}, which protocol {listener.Protocol} does not support; allow {string.Join(" or ", protocolKinds.Select(k => k.Kind))}.");
            }
        }

        if (_options.EnvoyGateway)
        {
            CheckEnvoyGatewayValidity(draft);
        }

        CheckCertificates(draft);
        if (gatewayForFrontend is not null)
        {
            CheckFrontendValidation(draft, gatewayForFrontend);
        }

        return draft;
    }

    /// <summary>Envoy Gateway's own listener validations, which leave the listener unprogrammed but attachable.</summary>
    private static void CheckEnvoyGatewayValidity(ListenerDraft draft)
    {
        var listener = draft.Listener;
        if (listener.AllowedRoutes.NamespacesFrom == FromNamespaces.Selector && listener.AllowedRoutes.Selector is null)
        {
            draft.Invalid = new Problem(ConditionReason.Invalid, $"allowedRoutes.namespaces.from is Selector but {draft.Describe} has no allowedRoutes.namespaces.selector; add one.");
        }
        else if (listener.Tls is null && listener.Protocol is Protocols.Https or Protocols.Tls)
        {
            draft.Invalid = new Problem(ConditionReason.Invalid, $"The {listener.Protocol} {draft.Describe} has no tls; add tls with certificateRefs.");
        }
        else if (listener.Tls is { Mode: TlsModes.Passthrough } passthrough && !passthrough.CertificateRefs.IsEmpty)
        {
            draft.Invalid = new Problem(ConditionReason.Invalid, $"The Passthrough {draft.Describe} has tls.certificateRefs; remove them (a Passthrough listener does not terminate TLS).");
        }
    }

    private void CheckCertificates(ListenerDraft draft)
    {
        var tls = draft.Listener.Tls;
        if (draft.Invalid is not null)
        {
            return;
        }

        if (tls is null && draft.Listener.Protocol == Protocols.Https)
        {
            draft.Unresolved = new Problem(ConditionReason.InvalidCertificateRef, $"The HTTPS {draft.Describe} has no tls.certificateRefs, so it has no certificate to serve; add tls.certificateRefs.");
            return;
        }

        if (tls is null || tls.Mode != TlsModes.Terminate || draft.Listener.Protocol is not (Protocols.Https or Protocols.Tls))
        {
            return;
        }

        foreach (var reference in tls.CertificateRefs)
        {
            var problem = CheckSecretRef(draft.Owner, reference, "certificateRef");
            if (problem is not null)
            {
                draft.Unresolved ??= new Problem(problem.Value.Reason == ConditionReason.RefNotPermitted ? ConditionReason.RefNotPermitted : ConditionReason.InvalidCertificateRef, $"{problem.Value.Message} (on {draft.Describe}).");
            }
        }
    }

    /// <summary>Checks a reference to a TLS Secret; returns the problem, or null when it resolves.</summary>
    internal Problem? CheckSecretRef(ResourceKey from, ObjectReference reference, string field)
    {
        if (reference.GroupKind != Kinds.Secret)
        {
            return new Problem(ConditionReason.InvalidCertificateRef, $"{field} {reference.Kind}.{reference.Group}/{reference.Name} is not a core Secret; refer to a Secret of type kubernetes.io/tls");
        }

        if (!_grants.Allows(from, reference.TargetKey))
        {
            return new Problem(ConditionReason.RefNotPermitted, $"{field} Secret {reference.Namespace}/{reference.Name} is in another namespace and no ReferenceGrant in \"{reference.Namespace}\" allows {from.Kind} from \"{from.Namespace}\" to refer to it; add one");
        }

        var secret = _snapshot.Find<Secret>(reference.TargetKey);
        if (secret is null)
        {
            return new Problem(ConditionReason.InvalidCertificateRef, $"{field} Secret {reference.Namespace}/{reference.Name} does not exist");
        }

        if (secret.TlsCertificateValid != true)
        {
            return new Problem(ConditionReason.InvalidCertificateRef, $"{field} Secret {reference.Namespace}/{reference.Name} does not hold a valid PEM certificate and private key in tls.crt and tls.key");
        }

        return null;
    }

    private void CheckFrontendValidation(ListenerDraft draft, Gateway gateway)
    {
        if (draft.Listener.Protocol != Protocols.Https || gateway.Tls is null)
        {
            return;
        }

        var validation = gateway.Tls.PerPort.FirstOrDefault(p => p.Port == draft.Listener.Port)?.Validation ?? gateway.Tls.DefaultValidation;
        if (validation is null || validation.CaCertificateRefs.IsEmpty)
        {
            return;
        }

        var valid = 0;
        foreach (var reference in validation.CaCertificateRefs)
        {
            Problem? problem = null;
            if (reference.GroupKind != Kinds.ConfigMap && reference.GroupKind != Kinds.Secret)
            {
                problem = new Problem(ConditionReason.InvalidCACertificateKind, $"caCertificateRef {reference.Kind}/{reference.Name} is not a ConfigMap or Secret; refer to a ConfigMap with ca.crt");
            }
            else if (!_grants.Allows(gateway.Key, reference.TargetKey))
            {
                problem = new Problem(ConditionReason.RefNotPermitted, $"caCertificateRef {reference.Kind} {reference.Namespace}/{reference.Name} is in another namespace and no ReferenceGrant allows it; add one in \"{reference.Namespace}\"");
            }
            else
            {
                bool? ok = reference.GroupKind == Kinds.ConfigMap
                    ? _snapshot.Find<ConfigMap>(reference.TargetKey)?.CaCertificateValid
                    : _snapshot.Find<Secret>(reference.TargetKey)?.CaCertificateValid;
                if (ok != true)
                {
                    problem = new Problem(ConditionReason.InvalidCACertificateRef, $"caCertificateRef {reference.Kind} {reference.Namespace}/{reference.Name} does not exist or has no valid PEM certificate in ca.crt");
                }
            }

            if (problem is null)
            {
                valid++;
            }
            else
            {
                draft.Unresolved ??= new Problem(problem.Value.Reason, $"{problem.Value.Message} (frontend validation of {draft.Describe}).");
            }
        }

        if (valid == 0)
        {
            draft.NotAccepted = new Problem(ConditionReason.NoValidCACertificate, $"No caCertificateRef of the frontend validation for port {draft.Listener.Port} is valid, so {draft.Describe} cannot verify clients; fix the references.");
        }
    }

    /// <summary>
    /// Judges conflicts. Within one Gateway no winner is picked: every listener of a conflicting pair is conflicted.
    /// Across the merged list (Gateway, then ListenerSets by age and name) the earlier listener wins.
    /// </summary>
    public void JudgeConflicts(IReadOnlyList<ListenerDraft> merged, int gatewayListenerCount)
    {
        for (var i = 0; i < merged.Count; i++)
        {
            var current = merged[i];
            if (current.NotAccepted is not null)
            {
                continue;
            }

            for (var j = 0; j < i; j++)
            {
                var earlier = merged[j];
                if (earlier.NotAccepted is not null || earlier.LostConflict || earlier.Listener.Port != current.Listener.Port)
                {
                    continue;
                }

                if (ConflictReason(earlier.Listener, current.Listener) is not { } reason)
                {
                    continue;
                }

                var message = $"{current.Describe} and {earlier.Describe} both use port {current.Listener.Port} "
                    + (reason == ConditionReason.ProtocolConflict
                        ? $"with incompatible protocols ({earlier.Listener.Protocol}{ModeSuffix(earlier.Listener)} and {current.Listener.Protocol}{ModeSuffix(current.Listener)}); use different ports."
                        : $"and hostname \"{current.Listener.Hostname ?? "*"}\"; give them different hostnames or ports.");
                if (i < gatewayListenerCount)
                {
                    // Both belong to the Gateway itself: neither may win.
                    current.Conflict ??= new Problem(reason, message);
                    earlier.Conflict ??= new Problem(reason, message);
                }
                else
                {
                    current.Conflict = new Problem(reason, message);
                    current.LostConflict = true;
                    break;
                }
            }
        }
    }

    private static string ModeSuffix(Listener listener) => listener.Protocol == Protocols.Tls ? $" {listener.Tls?.Mode}" : string.Empty;

    private ConditionReason? ConflictReason(Listener a, Listener b)
    {
        var fa = Family(a);
        var fb = Family(b);
        if (fa == "udp" || fb == "udp")
        {
            return fa == fb && a.Hostname == b.Hostname ? ConditionReason.HostnameConflict : null;
        }

        if (fa != fb)
        {
            return ConditionReason.ProtocolConflict;
        }

        if (fa == "tls" && a.Protocol == Protocols.Tls && b.Protocol == Protocols.Tls
            && a.Tls?.Mode != b.Tls?.Mode && !_features.Has(Features.TlsRouteModeMixed))
        {
            return ConditionReason.ProtocolConflict;
        }

        return string.Equals(a.Hostname, b.Hostname, StringComparison.Ordinal) ? ConditionReason.HostnameConflict : null;
    }

    private static string Family(Listener listener) => listener.Protocol switch
    {
        Protocols.Http => "http",
        Protocols.Https or Protocols.Tls => "tls",
        Protocols.Tcp => "tcp",
        Protocols.Udp => "udp",
        _ => listener.Protocol,
    };

    /// <summary>Marks TLS listeners on one port whose hostnames overlap (negative-polarity OverlappingTLSConfig).</summary>
    /// <param name="listeners">The listeners of one Gateway.</param>
    /// <param name="httpsOnly">Whether only HTTPS listeners are compared, as Envoy Gateway does (TLS Terminate listeners are not).</param>
    public static void MarkOverlaps(IReadOnlyList<ListenerDraft> listeners, bool httpsOnly)
    {
        for (var i = 0; i < listeners.Count; i++)
        {
            for (var j = i + 1; j < listeners.Count; j++)
            {
                var a = listeners[i];
                var b = listeners[j];
                if (a.State != ListenerState.Ready || b.State != ListenerState.Ready || a.Listener.Port != b.Listener.Port
                    || !Terminates(a.Listener) || !Terminates(b.Listener) || a.Listener.Hostname == b.Listener.Hostname
                    || (httpsOnly && (a.Listener.Protocol != Protocols.Https || b.Listener.Protocol != Protocols.Https)))
                {
                    continue;
                }

                var ha = a.Listener.Hostname;
                var hb = b.Listener.Hostname;
                if (ha is null || hb is null || Hostnames.Intersect(ha, hb) is not null)
                {
                    var message = $"{a.Describe} and {b.Describe} serve overlapping hostnames on port {a.Listener.Port}; a client connecting for a hostname both cover may be served either listener's certificate.";
                    a.Overlap ??= new Problem(ConditionReason.OverlappingHostnames, message);
                    b.Overlap ??= new Problem(ConditionReason.OverlappingHostnames, message);
                }
            }
        }
    }

    private static bool Terminates(Listener listener)
        => listener.Protocol == Protocols.Https || (listener.Protocol == Protocols.Tls && listener.Tls?.Mode == TlsModes.Terminate);
}
