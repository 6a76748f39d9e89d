using PolicyAttach.Collections;

namespace PolicyAttach.Model;

/// <summary>
/// A status condition as a conformant controller writes it (<see href="https://gateway-api.sigs.k8s.io/reference/spec/">Gateway API</see>
/// condition types and reasons; <c>metav1.Condition</c>), typed: the spec strings appear only where a status is
/// written or read back. The engine has no clock: <see cref="LastTransitionTime"/> is filled by the status writer
/// from the caller's time.
/// </summary>
public sealed record Condition
{
    /// <summary>The condition type, such as <see cref="ConditionType.Accepted"/>.</summary>
    public required ConditionType Type { get; init; }

    /// <summary><see cref="ConditionStatus.True"/>, <see cref="ConditionStatus.False"/> or <see cref="ConditionStatus.Unknown"/>.</summary>
    public required ConditionStatus Status { get; init; }

    /// <summary>The reason, from the catalogue <see cref="ConditionReason"/>.</summary>
    public required ConditionReason Reason { get; init; }

    /// <summary>What happened, on which object, and how to fix it.</summary>
    public required string Message { get; init; }

    /// <summary>The generation of the object the condition was computed from.</summary>
    public required long ObservedGeneration { get; init; }

    /// <summary>When the status last changed; null until a status writer stamps it.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>Whether <see cref="Status"/> is <see cref="ConditionStatus.True"/>.</summary>
    public bool IsTrue => Status == ConditionStatus.True;

    internal static Condition Make(ConditionType type, bool status, ConditionReason reason, string message, long generation)
        => new() { Type = type, Status = status ? ConditionStatus.True : ConditionStatus.False, Reason = reason, Message = message, ObservedGeneration = generation };

    internal static Condition Make(ConditionType type, bool status, Problem problem, long generation)
        => Make(type, status, problem.Reason, problem.Message, generation);

    /// <summary>
    /// Conditions in the order every status lists them: by type (ordinal), equal types in their given order. An object
    /// has a handful, so a stable insertion sort into the result's own array does it without the sorter's buffers.
    /// </summary>
    internal static EquatableArray<Condition> ByType(IEnumerable<Condition> conditions)
    {
        var sorted = conditions.ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            var condition = sorted[i];
            var j = i - 1;
            for (; j >= 0 && string.CompareOrdinal(sorted[j].Type.Value, condition.Type.Value) > 0; j--)
            {
                sorted[j + 1] = sorted[j];
            }

            sorted[j + 1] = condition;
        }

        return new EquatableArray<Condition>(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(sorted));
    }
}

/// <summary>
/// Why something does not hold, typed: the condition reason it is reported with and the message that says what is
/// wrong and how to fix it. Stages pass these to each other instead of (reason, message) strings.
/// </summary>
/// <param name="Reason">The reason, from the catalogue <see cref="ConditionReason"/>.</param>
/// <param name="Message">What is wrong, on which object and field, and how to fix it.</param>
public readonly record struct Problem(ConditionReason Reason, string Message)
{
    /// <summary>The same problem with another message (the reason stays).</summary>
    /// <param name="message">The new message.</param>
    /// <returns>The problem.</returns>
    public Problem WithMessage(string message) => this with { Message = message };
}

/// <summary>
/// A condition type (spec digest §6): the spec's string, typed. Equal when the strings are equal (ordinal).
/// </summary>
public readonly record struct ConditionType
{
    private readonly string? _value;

    private ConditionType(string value) => _value = value;

    /// <summary>The spec string.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary><c>Accepted</c>.</summary>
    public static ConditionType Accepted { get; } = new("Accepted");

    /// <summary><c>Programmed</c>.</summary>
    public static ConditionType Programmed { get; } = new("Programmed");

    /// <summary><c>ResolvedRefs</c>.</summary>
    public static ConditionType ResolvedRefs { get; } = new("ResolvedRefs");

    /// <summary><c>Conflicted</c>.</summary>
    public static ConditionType Conflicted { get; } = new("Conflicted");

    /// <summary><c>OverlappingTLSConfig</c> (negative polarity: only written when True).</summary>
    public static ConditionType OverlappingTlsConfig { get; } = new("OverlappingTLSConfig");

    /// <summary><c>PartiallyInvalid</c> (only written when True).</summary>
    public static ConditionType PartiallyInvalid { get; } = new("PartiallyInvalid");

    /// <summary><c>InsecureFrontendValidationMode</c> (only written when True).</summary>
    public static ConditionType InsecureFrontendValidationMode { get; } = new("InsecureFrontendValidationMode");

    /// <summary><c>Overridden</c> on a policy ancestor (Envoy Gateway): more specific policies replace this one somewhere below.</summary>
    public static ConditionType Overridden { get; } = new("Overridden");

    /// <summary><c>Merged</c> on a policy ancestor (Envoy Gateway): a route policy with <c>mergeType</c> merged with this one.</summary>
    public static ConditionType Merged { get; } = new("Merged");

    /// <summary><c>Aggregated</c> on the last of 16 policy ancestors: more were left out.</summary>
    public static ConditionType Aggregated { get; } = new("Aggregated");

    /// <summary>Every type PolicyAttach writes, sorted ordinally.</summary>
    public static EquatableArray<ConditionType> All { get; } = new[]
    {
        Accepted, Programmed, ResolvedRefs, Conflicted, OverlappingTlsConfig, PartiallyInvalid, InsecureFrontendValidationMode, Overridden, Merged, Aggregated,
    }.OrderBy(v => v.Value, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>
    /// A type read back from a status written elsewhere: the catalogue's value when it has one, else a new one. The engine itself never parses: it
    /// writes only catalogue values.
    /// </summary>
    /// <param name="value">The string as written.</param>
    /// <returns>The typed value.</returns>
    public static ConditionType Parse(string value)
    {
        Guard.NotNull(value);
        foreach (var known in All)
        {
            if (string.Equals(known.Value, value, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return new ConditionType(value);
    }

    /// <summary>The optional GEP-713 target condition of a policy kind: <c>&lt;group&gt;/&lt;Kind&gt;Affected</c> (spec digest §14.6).</summary>
    /// <param name="policyKind">The policy kind.</param>
    /// <returns>The type.</returns>
    internal static ConditionType AffectedBy(GroupKind policyKind)
        => new((policyKind.Group.Length == 0 ? string.Empty : policyKind.Group + "/") + policyKind.Kind + "Affected");

    /// <summary>The spec string, where a status is written.</summary>
    /// <param name="value">The typed value.</param>
    public static implicit operator string(ConditionType value) => value.Value;

    /// <summary>The spec string.</summary>
    /// <returns>The string.</returns>
    public override string ToString() => Value;
}

/// <summary>
/// A condition status: <c>True</c>, <c>False</c> or <c>Unknown</c>, typed.
/// </summary>
public readonly record struct ConditionStatus
{
    private readonly string? _value;

    private ConditionStatus(string value) => _value = value;

    /// <summary>The spec string.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary><c>True</c>.</summary>
    public static ConditionStatus True { get; } = new("True");

    /// <summary><c>False</c>.</summary>
    public static ConditionStatus False { get; } = new("False");

    /// <summary><c>Unknown</c>.</summary>
    public static ConditionStatus Unknown { get; } = new("Unknown");

    /// <summary>The three statuses, sorted ordinally.</summary>
    public static EquatableArray<ConditionStatus> All { get; } = new[]
    {
        True, False, Unknown,
    }.OrderBy(v => v.Value, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>
    /// A status read back from a status written elsewhere: the catalogue's value when it has one, else a new one. The engine itself never parses: it
    /// writes only catalogue values.
    /// </summary>
    /// <param name="value">The string as written.</param>
    /// <returns>The typed value.</returns>
    public static ConditionStatus Parse(string value)
    {
        Guard.NotNull(value);
        foreach (var known in All)
        {
            if (string.Equals(known.Value, value, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return new ConditionStatus(value);
    }

    /// <summary>The spec string, where a status is written.</summary>
    /// <param name="value">The typed value.</param>
    public static implicit operator string(ConditionStatus value) => value.Value;

    /// <summary>The spec string.</summary>
    /// <returns>The string.</returns>
    public override string ToString() => Value;
}

/// <summary>
/// A condition reason: the one catalogue of every reason PolicyAttach writes (spec digest §6; <c>docs/conditions.md</c>
/// explains each). No reason is written anywhere else in the engine.
/// </summary>
public readonly record struct ConditionReason
{
    private readonly string? _value;

    private ConditionReason(string value) => _value = value;

    /// <summary>The spec string.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary><c>Accepted</c>: The object or attachment is accepted.</summary>
    public static ConditionReason Accepted { get; } = new("Accepted");

    /// <summary><c>Programmed</c>: The object is programmed.</summary>
    public static ConditionReason Programmed { get; } = new("Programmed");

    /// <summary><c>ResolvedRefs</c>: Every reference resolves.</summary>
    public static ConditionReason ResolvedRefs { get; } = new("ResolvedRefs");

    /// <summary><c>Invalid</c>: The object is invalid (policies: the spec; Programmed: not accepted).</summary>
    public static ConditionReason Invalid { get; } = new("Invalid");

    /// <summary><c>InvalidParameters</c>: A parametersRef does not resolve.</summary>
    public static ConditionReason InvalidParameters { get; } = new("InvalidParameters");

    /// <summary><c>ListenersNotValid</c>: Some or all listeners are invalid.</summary>
    public static ConditionReason ListenersNotValid { get; } = new("ListenersNotValid");

    /// <summary><c>ListenersNotResolved</c>: Some listeners have unresolved references.</summary>
    public static ConditionReason ListenersNotResolved { get; } = new("ListenersNotResolved");

    /// <summary><c>UnsupportedAddress</c>: An address type is not supported.</summary>
    public static ConditionReason UnsupportedAddress { get; } = new("UnsupportedAddress");

    /// <summary><c>InvalidClientCertificateRef</c>: The backend client certificate reference does not resolve.</summary>
    public static ConditionReason InvalidClientCertificateRef { get; } = new("InvalidClientCertificateRef");

    /// <summary><c>ConfigurationChanged</c>: Insecure frontend validation is configured.</summary>
    public static ConditionReason ConfigurationChanged { get; } = new("ConfigurationChanged");

    /// <summary><c>UnsupportedProtocol</c>: A listener protocol (or a backend appProtocol) is not supported.</summary>
    public static ConditionReason UnsupportedProtocol { get; } = new("UnsupportedProtocol");

    /// <summary><c>UnsupportedValue</c>: A value is not supported (rules are dropped, or a TLS mode).</summary>
    public static ConditionReason UnsupportedValue { get; } = new("UnsupportedValue");

    /// <summary><c>NoValidCACertificate</c>: No CA certificate reference is valid.</summary>
    public static ConditionReason NoValidCACertificate { get; } = new("NoValidCACertificate");

    /// <summary><c>HostnameConflict</c>: Two listeners share a port and hostname.</summary>
    public static ConditionReason HostnameConflict { get; } = new("HostnameConflict");

    /// <summary><c>ProtocolConflict</c>: Two listeners share a port with incompatible protocols.</summary>
    public static ConditionReason ProtocolConflict { get; } = new("ProtocolConflict");

    /// <summary><c>NoConflicts</c>: No conflict with another listener.</summary>
    public static ConditionReason NoConflicts { get; } = new("NoConflicts");

    /// <summary><c>InvalidCertificateRef</c>: A certificate reference does not resolve.</summary>
    public static ConditionReason InvalidCertificateRef { get; } = new("InvalidCertificateRef");

    /// <summary><c>RefNotPermitted</c>: A cross-namespace reference has no ReferenceGrant.</summary>
    public static ConditionReason RefNotPermitted { get; } = new("RefNotPermitted");

    /// <summary><c>InvalidRouteKinds</c>: allowedRoutes.kinds lists kinds the protocol cannot carry.</summary>
    public static ConditionReason InvalidRouteKinds { get; } = new("InvalidRouteKinds");

    /// <summary><c>InvalidCACertificateRef</c>: A CA certificate reference does not resolve.</summary>
    public static ConditionReason InvalidCACertificateRef { get; } = new("InvalidCACertificateRef");

    /// <summary><c>InvalidCACertificateKind</c>: A CA certificate reference names a kind other than ConfigMap or Secret.</summary>
    public static ConditionReason InvalidCACertificateKind { get; } = new("InvalidCACertificateKind");

    /// <summary><c>OverlappingHostnames</c>: TLS listeners on one port serve overlapping hostnames.</summary>
    public static ConditionReason OverlappingHostnames { get; } = new("OverlappingHostnames");

    /// <summary><c>OverlappingCertificates</c>: TLS listeners on one port serve overlapping certificates.</summary>
    public static ConditionReason OverlappingCertificates { get; } = new("OverlappingCertificates");

    /// <summary><c>NotAllowed</c>: The parent does not allow the ListenerSet.</summary>
    public static ConditionReason NotAllowed { get; } = new("NotAllowed");

    /// <summary><c>ParentNotAccepted</c>: The parent Gateway is not accepted.</summary>
    public static ConditionReason ParentNotAccepted { get; } = new("ParentNotAccepted");

    /// <summary><c>NotAllowedByListeners</c>: No listener allows the route.</summary>
    public static ConditionReason NotAllowedByListeners { get; } = new("NotAllowedByListeners");

    /// <summary><c>NoMatchingListenerHostname</c>: No listener hostname intersects the route's.</summary>
    public static ConditionReason NoMatchingListenerHostname { get; } = new("NoMatchingListenerHostname");

    /// <summary><c>NoMatchingParent</c>: The parentRef names no listener, port or section of the parent.</summary>
    public static ConditionReason NoMatchingParent { get; } = new("NoMatchingParent");

    /// <summary><c>InvalidKind</c>: A reference names an unsupported group or kind.</summary>
    public static ConditionReason InvalidKind { get; } = new("InvalidKind");

    /// <summary><c>BackendNotFound</c>: A backend Service or its port does not exist.</summary>
    public static ConditionReason BackendNotFound { get; } = new("BackendNotFound");

    /// <summary><c>PortNotFound</c>: Envoy Gateway's reason for a backendRef port (of the route's protocol) the Service does not expose.</summary>
    public static ConditionReason PortNotFound { get; } = new("PortNotFound");

    /// <summary><c>Conflicted</c>: Another object takes precedence (policies, mesh routes).</summary>
    public static ConditionReason Conflicted { get; } = new("Conflicted");

    /// <summary><c>TargetNotFound</c>: A policy target or section does not exist.</summary>
    public static ConditionReason TargetNotFound { get; } = new("TargetNotFound");

    /// <summary><c>InvalidBackendTLS</c>: A BackendTLSPolicy on the backend cannot be honoured, so connections to it fail (the spec leaves the route reason open; Envoy Gateway writes this one).</summary>
    public static ConditionReason InvalidBackendTLS { get; } = new("InvalidBackendTLS");

    /// <summary><c>Overridden</c>: Envoy Gateway's reason of <c>Overridden</c>.</summary>
    public static ConditionReason Overridden { get; } = new("Overridden");

    /// <summary><c>Merged</c>: Envoy Gateway's reason of <c>Merged</c>.</summary>
    public static ConditionReason Merged { get; } = new("Merged");

    /// <summary><c>Aggregated</c>: The reason of <c>Aggregated</c>.</summary>
    public static ConditionReason Aggregated { get; } = new("Aggregated");

    /// <summary><c>PolicyAffected</c>: The reason of the optional <c>&lt;group&gt;/&lt;Kind&gt;Affected</c> condition on a policy target (GEP-713 target status, written only when <see cref="EvaluationOptions.AffectedConditions"/> is set).</summary>
    public static ConditionReason PolicyAffected { get; } = new("PolicyAffected");

    /// <summary>Every reason PolicyAttach writes, sorted ordinally.</summary>
    public static EquatableArray<ConditionReason> All { get; } = new[]
    {
        Accepted, Programmed, ResolvedRefs, Invalid, InvalidParameters, ListenersNotValid, ListenersNotResolved, UnsupportedAddress, InvalidClientCertificateRef, ConfigurationChanged, UnsupportedProtocol, UnsupportedValue, NoValidCACertificate, HostnameConflict, ProtocolConflict, NoConflicts, InvalidCertificateRef, RefNotPermitted, InvalidRouteKinds, InvalidCACertificateRef, InvalidCACertificateKind, OverlappingHostnames, OverlappingCertificates, NotAllowed, ParentNotAccepted, NotAllowedByListeners, NoMatchingListenerHostname, NoMatchingParent, InvalidKind, BackendNotFound, PortNotFound, Conflicted, TargetNotFound, InvalidBackendTLS, Overridden, Merged, Aggregated, PolicyAffected,
    }.OrderBy(v => v.Value, StringComparer.Ordinal).ToEquatableArray();

    /// <summary>
    /// A reason read back from a status written elsewhere: the catalogue's value when it has one, else a new one. The engine itself never parses: it
    /// writes only catalogue values.
    /// </summary>
    /// <param name="value">The string as written.</param>
    /// <returns>The typed value.</returns>
    public static ConditionReason Parse(string value)
    {
        Guard.NotNull(value);
        foreach (var known in All)
        {
            if (string.Equals(known.Value, value, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return new ConditionReason(value);
    }

    /// <summary>The spec string, where a status is written.</summary>
    /// <param name="value">The typed value.</param>
    public static implicit operator string(ConditionReason value) => value.Value;

    /// <summary>The spec string.</summary>
    /// <returns>The string.</returns>
    public override string ToString() => Value;
}
