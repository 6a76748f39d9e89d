namespace PolicyAttach.Binding;

/// <summary>
/// A status condition as a conformant controller writes it (<see href="https://gateway-api.sigs.k8s.io/reference/spec/">Gateway API</see>
/// condition types and reasons; <c>metav1.Condition</c>). The engine has no clock: <see cref="LastTransitionTime"/>
/// is filled by the status writer from the caller's time.
/// </summary>
public sealed record Condition
{
    /// <summary>The condition type, such as <c>Accepted</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The reason, a CamelCase word from the spec's catalogue.</summary>
    public required string Reason { get; init; }

    /// <summary>What happened, on which object, and how to fix it.</summary>
    public required string Message { get; init; }

    /// <summary>The generation of the object the condition was computed from.</summary>
    public required long ObservedGeneration { get; init; }

    /// <summary>When the status last changed; null until a status writer stamps it.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>Whether <see cref="Status"/> is <c>True</c>.</summary>
    public bool IsTrue => Status == ConditionStatus.True;

    internal static Condition Make(string type, bool status, string reason, string message, long generation)
        => new() { Type = type, Status = status ? ConditionStatus.True : ConditionStatus.False, Reason = reason, Message = message, ObservedGeneration = generation };
}

/// <summary>Condition status values.</summary>
public static class ConditionStatus
{
    /// <summary>True.</summary>
    public const string True = "True";

    /// <summary>False.</summary>
    public const string False = "False";

    /// <summary>Unknown.</summary>
    public const string Unknown = "Unknown";
}

/// <summary>The condition types PolicyAttach writes (spec digest §6).</summary>
public static class ConditionTypes
{
    /// <summary><c>Accepted</c>.</summary>
    public const string Accepted = "Accepted";

    /// <summary><c>Programmed</c>.</summary>
    public const string Programmed = "Programmed";

    /// <summary><c>ResolvedRefs</c>.</summary>
    public const string ResolvedRefs = "ResolvedRefs";

    /// <summary><c>Conflicted</c>.</summary>
    public const string Conflicted = "Conflicted";

    /// <summary><c>OverlappingTLSConfig</c> (negative polarity: only written when True).</summary>
    public const string OverlappingTlsConfig = "OverlappingTLSConfig";

    /// <summary><c>PartiallyInvalid</c> (only written when True).</summary>
    public const string PartiallyInvalid = "PartiallyInvalid";

    /// <summary><c>InsecureFrontendValidationMode</c> (only written when True).</summary>
    public const string InsecureFrontendValidationMode = "InsecureFrontendValidationMode";
}

/// <summary>The condition reasons PolicyAttach writes (spec digest §6); <c>docs/conditions.md</c> explains each.</summary>
public static class ConditionReasons
{
#pragma warning disable CS1591 // The names are the spec's reason strings; the catalogue documents them.
    public const string Accepted = "Accepted";
    public const string Programmed = "Programmed";
    public const string ResolvedRefs = "ResolvedRefs";
    public const string Invalid = "Invalid";
    public const string InvalidParameters = "InvalidParameters";
    public const string ListenersNotValid = "ListenersNotValid";
    public const string ListenersNotResolved = "ListenersNotResolved";
    public const string UnsupportedAddress = "UnsupportedAddress";
    public const string InvalidClientCertificateRef = "InvalidClientCertificateRef";
    public const string ConfigurationChanged = "ConfigurationChanged";
    public const string UnsupportedProtocol = "UnsupportedProtocol";
    public const string UnsupportedValue = "UnsupportedValue";
    public const string NoValidCACertificate = "NoValidCACertificate";
    public const string HostnameConflict = "HostnameConflict";
    public const string ProtocolConflict = "ProtocolConflict";
    public const string NoConflicts = "NoConflicts";
    public const string InvalidCertificateRef = "InvalidCertificateRef";
    public const string RefNotPermitted = "RefNotPermitted";
    public const string InvalidRouteKinds = "InvalidRouteKinds";
    public const string InvalidCACertificateRef = "InvalidCACertificateRef";
    public const string InvalidCACertificateKind = "InvalidCACertificateKind";
    public const string OverlappingHostnames = "OverlappingHostnames";
    public const string OverlappingCertificates = "OverlappingCertificates";
    public const string NotAllowed = "NotAllowed";
    public const string ParentNotAccepted = "ParentNotAccepted";
    public const string NotAllowedByListeners = "NotAllowedByListeners";
    public const string NoMatchingListenerHostname = "NoMatchingListenerHostname";
    public const string NoMatchingParent = "NoMatchingParent";
    public const string InvalidKind = "InvalidKind";
    public const string BackendNotFound = "BackendNotFound";
    public const string Conflicted = "Conflicted";
    public const string TargetNotFound = "TargetNotFound";
#pragma warning restore CS1591
}
