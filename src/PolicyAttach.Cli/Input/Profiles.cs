using PolicyAttach.Binding;
using PolicyAttach.Collections;
using PolicyAttach.Policies;

namespace PolicyAttach.Cli.Input;

/// <summary>The implementation profiles <c>--profile</c> accepts, and the evaluation options every command builds from them.</summary>
internal static class Profiles
{
    /// <summary>The known profile names.</summary>
    public static IReadOnlyList<string> Known { get; } = [ImplementationProfile.EnvoyGateway.Name];

    /// <summary>The help line of the <c>--profile</c> option, shared by every command that accepts it.</summary>
    public static string OptionHelp => "Add the policy kinds and rules of an implementation: " + string.Join(", ", Known) + ".";

    /// <summary>Resolves a <c>--profile</c> value to the profile, or null when none is given.</summary>
    /// <param name="value">The value, or null.</param>
    /// <param name="profile">The profile.</param>
    /// <param name="error">The usage error for an unknown profile.</param>
    /// <returns>Whether the value is absent or known.</returns>
    public static bool TryResolve(string? value, out ImplementationProfile? profile, out string? error)
    {
        error = null;
        profile = value is null ? null : ImplementationProfile.Find(value);
        if (value is not null && profile is null)
        {
            error = $"unknown profile '{value}'; known profiles: {string.Join(", ", Known)}";
            return false;
        }

        return true;
    }

    /// <summary>
    /// The evaluation options of a command: the controller names, and the profile's policy kinds and binding rules.
    /// (Policy CRDs in the input are added by the engine.) The evaluation uses every processor of the machine (the
    /// default of <see cref="EvaluationOptions.MaxDegreeOfParallelism"/>).
    /// </summary>
    /// <param name="controllers">The controller names acted for.</param>
    /// <param name="profile">The profile from <see cref="TryResolve"/>, or null.</param>
    /// <returns>The options.</returns>
    public static EvaluationOptions Options(EquatableArray<string> controllers, ImplementationProfile? profile)
        => new() { ControllerNames = controllers, Profile = profile };
}
