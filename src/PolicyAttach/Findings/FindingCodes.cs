namespace PolicyAttach.Findings;

/// <summary>
/// The codes of the findings <see cref="FindingAnalyzer"/> computes after evaluation (PA3xxx: PA30xx references,
/// PA31xx attachment, PA32xx rules that can never match, PA33xx policies, PA34xx ReferenceGrants). Ingress findings
/// keep their PA7xxx codes; the differences <c>policyattach audit</c> finds between a written and a computed status
/// are PA8xxx. <see cref="FindingRules"/> and <c>docs/diagnostics.md</c> describe each.
/// </summary>
public static class FindingCodes
{
    /// <summary>A parentRef names a Gateway, ListenerSet or Service that does not exist.</summary>
    public const string MissingParent = "PA3001";

    /// <summary>A Gateway names a GatewayClass that is not in the input.</summary>
    public const string MissingGatewayClass = "PA3002";

    /// <summary>A backendRef does not resolve: a missing object, an unknown port or an unsupported kind.</summary>
    public const string UnresolvedBackend = "PA3003";

    /// <summary>A listener's certificateRef names a Secret that does not exist.</summary>
    public const string MissingCertificate = "PA3004";

    /// <summary>A parentRef's sectionName or port selects no listener of its parent.</summary>
    public const string UnknownSection = "PA3005";

    /// <summary>A kind that a known API group does not have (<c>HTTPRoutes</c>, <c>HttpRoute</c>).</summary>
    public const string UnknownKind = "PA3006";

    /// <summary>A route attached to no listener of any of its parents.</summary>
    public const string RouteNotAttached = "PA3101";

    /// <summary>A route attached through some parentRefs, but one parentRef attached to no listener.</summary>
    public const string ParentRefNotAttached = "PA3102";

    /// <summary>A route hostname that no listener the route attached to serves.</summary>
    public const string HostnameNotServed = "PA3103";

    /// <summary>A listener in conflict with another on the same port.</summary>
    public const string ListenerConflict = "PA3104";

    /// <summary>A cross-namespace reference that no ReferenceGrant permits.</summary>
    public const string RefNotPermitted = "PA3105";

    /// <summary>A rule that can never match: on every listener and hostname, a rule of higher precedence takes all of its requests.</summary>
    public const string RuleNeverMatches = "PA3201";

    /// <summary>One match of a rule that can never match (the rule's other matches can).</summary>
    public const string MatchNeverMatches = "PA3202";

    /// <summary>A route none of whose rules can ever match.</summary>
    public const string RouteNeverMatches = "PA3203";

    /// <summary>A policy targetRef names an object or section that does not exist.</summary>
    public const string PolicyTargetNotFound = "PA3301";

    /// <summary>A policy that loses a conflict with an older policy of its kind on the same target.</summary>
    public const string PolicyConflicted = "PA3302";

    /// <summary>A policy whose every field is overridden wherever it reaches.</summary>
    public const string PolicyOverridden = "PA3303";

    /// <summary>A policy that reaches no context: its targets are in no managed Gateway's traffic.</summary>
    public const string PolicyNoContext = "PA3304";

    /// <summary>A policy the controller refuses (a target kind it cannot target, a namespace it may not reach).</summary>
    public const string PolicyInvalid = "PA3305";

    /// <summary>A ReferenceGrant that permits nothing the input refers to.</summary>
    public const string UnusedReferenceGrant = "PA3401";

    /// <summary>Audit: a written condition differs from the computed one (status, reason, observedGeneration; message or lastTransitionTime when asked).</summary>
    public const string AuditConditionDiffers = "PA8001";

    /// <summary>Audit: something the engine computes is not written (a whole status, a condition, a listener, a parent or ancestor entry).</summary>
    public const string AuditMissing = "PA8002";

    /// <summary>Audit: the controller wrote an entry the engine does not compute (a listener, a parent or an ancestor).</summary>
    public const string AuditUnexpected = "PA8003";

    /// <summary>Audit: a listener's <c>attachedRoutes</c> or <c>supportedKinds</c> differs.</summary>
    public const string AuditFieldDiffers = "PA8004";
}
