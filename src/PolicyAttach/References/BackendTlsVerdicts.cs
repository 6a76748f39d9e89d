using PolicyAttach.Model;

namespace PolicyAttach.References;

/// <summary>
/// What the BackendTLSPolicies in force say of backend Services: for each Service (or Service port) a policy governs,
/// why connections to it fail, or null when they can be made (spec digest §8 item 5, §14.7). The policy stage owns the
/// rule (which policy governs a target: the older wins whatever its CA, §14.4 and §14.7; whether its CA references
/// resolve) and decides it before binding; the binder reads the verdict when it resolves a route's backends, so a
/// backend's validity is decided in one place, for every parent of the route.
/// </summary>
internal sealed class BackendTlsVerdicts
{
    private readonly Dictionary<(ResourceKey Service, string? Port), Problem?> _verdicts;

    /// <summary>Creates the verdicts from the governing policy's outcome per Service and port name (null: the whole Service).</summary>
    public BackendTlsVerdicts(Dictionary<(ResourceKey Service, string? Port), Problem?> verdicts) => _verdicts = verdicts;

    /// <summary>No BackendTLSPolicy governs any Service.</summary>
    public static BackendTlsVerdicts None { get; } = new([]);

    /// <summary>
    /// Why a BackendTLSPolicy makes a backend Service port invalid (reason <c>InvalidBackendTLS</c>), or null: a policy
    /// on the port governs it; otherwise a policy on the whole Service does.
    /// </summary>
    /// <param name="service">The backend Service.</param>
    /// <param name="portName">The name of the Service port the backendRef uses, or null.</param>
    public Problem? Failure(ResourceKey service, string? portName)
    {
        if (_verdicts.Count == 0)
        {
            return null;
        }

        if (portName is not null && _verdicts.TryGetValue((service, portName), out var sectioned))
        {
            return sectioned;
        }

        return _verdicts.GetValueOrDefault((service, null));
    }
}
