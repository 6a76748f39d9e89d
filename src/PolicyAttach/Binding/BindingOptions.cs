using PolicyAttach.Collections;

namespace PolicyAttach.Binding;

/// <summary>
/// What the binding stage acts for: the controller names it owns, the features it claims, and the binding rules of
/// an implementation profile. Built once per evaluation from the evaluation options.
/// </summary>
internal sealed class BindingOptions
{
    public BindingOptions(EquatableArray<string> controllerNames, EquatableArray<string> supportedFeatures, bool tlsTerminateAcceptsTcpRoute, BindingConvention convention = BindingConvention.Spec,
        int maxDegreeOfParallelism = 1)
    {
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        ControllerNames = controllerNames;
        SupportedFeatures = supportedFeatures.Order(StringComparer.Ordinal).ToEquatableArray();
        Features = new FeatureSet(supportedFeatures);
        TlsTerminateAcceptsTcpRoute = tlsTerminateAcceptsTcpRoute;
        Convention = convention;
    }

    /// <summary>How many threads may bind routes at once (<see cref="EvaluationOptions.MaxDegreeOfParallelism"/>): 1 binds on the calling thread.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>How conditions are written (a profile's binding rule).</summary>
    public BindingConvention Convention { get; }

    /// <summary>Whether conditions are written as Envoy Gateway writes them.</summary>
    public bool EnvoyGateway => Convention == BindingConvention.EnvoyGateway;

    /// <summary>The <c>spec.controllerName</c> values of the GatewayClasses owned.</summary>
    public EquatableArray<string> ControllerNames { get; }

    /// <summary>The features claimed, sorted as <c>GatewayClass.status.supportedFeatures</c> lists them.</summary>
    public EquatableArray<string> SupportedFeatures { get; }

    /// <summary>The same features, for lookups.</summary>
    public FeatureSet Features { get; }

    /// <summary>Whether a TLS listener in Terminate mode also takes TCPRoutes (a profile's binding rule).</summary>
    public bool TlsTerminateAcceptsTcpRoute { get; }

    /// <summary>The controller name written on mesh route parents: the first one acted for, or null when none is.</summary>
    public string? MeshControllerName => ControllerNames.IsEmpty ? null : ControllerNames[0];
}
