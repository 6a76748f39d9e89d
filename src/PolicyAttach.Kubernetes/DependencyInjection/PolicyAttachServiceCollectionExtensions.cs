using Microsoft.Extensions.DependencyInjection.Extensions;
using PolicyAttach;
using PolicyAttach.Binding;
using PolicyAttach.Kubernetes.Engine;
using PolicyAttach.Policies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PolicyAttach engine in a service collection.</summary>
public static class PolicyAttachServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EvaluationOptions"/> (built once, from every configuration step and every
    /// <see cref="PolicyKindDefinition"/> service) and <see cref="IPolicyAttachEngine"/>, both singletons. Calling
    /// it again adds a configuration step and registers nothing twice.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the controller names (required), features, profile and policy kinds.</param>
    /// <returns>A builder for more configuration, such as <see cref="PolicyAttachBuilderExtensions.AddPolicyKind"/>.</returns>
    public static IPolicyAttachBuilder AddPolicyAttach(this IServiceCollection services, Action<PolicyAttachOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new PolicyAttachBuilder(services);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddSingleton(BuildOptions);
        services.TryAddSingleton<IPolicyAttachEngine>(provider => new PolicyAttachEngine(provider.GetRequiredService<EvaluationOptions>()));
        return builder;
    }

    private static EvaluationOptions BuildOptions(IServiceProvider provider)
    {
        var options = new PolicyAttachOptions();
        foreach (var step in provider.GetServices<PolicyAttachConfiguration>())
        {
            step.Configure(options);
        }

        foreach (var kind in provider.GetServices<PolicyKindDefinition>())
        {
            options.PolicyKinds.Add(kind);
        }

        return options.ToEvaluationOptions();
    }
}
