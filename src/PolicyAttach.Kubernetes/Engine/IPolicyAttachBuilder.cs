using Microsoft.Extensions.DependencyInjection;
using PolicyAttach.Policies;

namespace PolicyAttach.Kubernetes.Engine;

/// <summary>Returned by <c>services.AddPolicyAttach(...)</c> to add more configuration.</summary>
public interface IPolicyAttachBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Configuration helpers on <see cref="IPolicyAttachBuilder"/>.</summary>
public static class PolicyAttachBuilderExtensions
{
    /// <summary>
    /// Registers a policy kind in code. Definitions are services: any library can contribute one with
    /// <c>services.AddSingleton(definition)</c>; they are applied after <see cref="PolicyAttachOptions.PolicyKinds"/>,
    /// in registration order, a later definition of a kind replacing an earlier one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="definition">The policy kind.</param>
    /// <returns>The builder.</returns>
    public static IPolicyAttachBuilder AddPolicyKind(this IPolicyAttachBuilder builder, PolicyKindDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(definition);
        builder.Services.AddSingleton(definition);
        return builder;
    }

    /// <summary>Adds one more configuration step; steps run in registration order.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static IPolicyAttachBuilder Configure(this IPolicyAttachBuilder builder, Action<PolicyAttachOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(new PolicyAttachConfiguration(configure));
        return builder;
    }
}

/// <summary>One configuration step of the options, registered as a service so that steps accumulate.</summary>
internal sealed class PolicyAttachConfiguration(Action<PolicyAttachOptions> configure)
{
    public Action<PolicyAttachOptions> Configure { get; } = configure;
}

internal sealed class PolicyAttachBuilder(IServiceCollection services) : IPolicyAttachBuilder
{
    public IServiceCollection Services { get; } = services;
}
