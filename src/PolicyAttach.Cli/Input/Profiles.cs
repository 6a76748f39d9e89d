using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Input;

/// <summary>The implementation profiles <c>--profile</c> accepts, and the evaluation options every command builds from them.</summary>
internal static class Profiles
{
    /// <summary>The known profile names.</summary>
    public static IReadOnlyList<string> Known { get; } = [PolicyProfiles.EnvoyGateway.Name];

    /// <summary>The help line of the <c>--profile</c> option, shared by every command that accepts it.</summary>
    public static string OptionHelp => "Add the policy kinds and rules of an implementation: " + string.Join(", ", Known) + ".";

    /// <summary>
    /// Resolves a <c>--profile</c> value to the policy kinds: the standard ones, plus the profile's when one is given.
    /// (Policy CRDs in the input are added by the engine.)
    /// </summary>
    /// <param name="value">The value, or null.</param>
    /// <param name="kinds">The policy kinds.</param>
    /// <param name="error">The usage error for an unknown profile.</param>
    /// <returns>Whether the value is absent or known.</returns>
    public static bool TryResolve(string? value, out PolicyKindRegistry kinds, out string? error)
    {
        error = null;
        kinds = PolicyKindRegistry.Standard;
        if (value is null)
        {
            return true;
        }

        if (PolicyProfiles.Find(value) is not { } profile)
        {
            error = $"unknown profile '{value}'; known profiles: {string.Join(", ", Known)}";
            return false;
        }

        kinds = kinds.WithProfile(profile);
        return true;
    }

    /// <summary>The evaluation options of a command: the controller names and the policy kinds.</summary>
    /// <param name="controllers">The controller names acted for.</param>
    /// <param name="kinds">The policy kinds from <see cref="TryResolve"/>.</param>
    /// <returns>The options.</returns>
    public static EvaluationOptions Options(EquatableArray<string> controllers, PolicyKindRegistry kinds)
        => new() { ControllerNames = controllers, PolicyKinds = kinds };
}
