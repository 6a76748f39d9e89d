using PolicyAttach.Binding;

namespace PolicyAttach.Kubernetes.Engine;

/// <summary>
/// The engine a controller embeds: evaluates snapshots with the options configured by
/// <c>services.AddPolicyAttach(...)</c>. Implementations are thread-safe and hold no state between calls.
/// </summary>
public interface IPolicyAttachEngine
{
    /// <summary>The options every evaluation uses.</summary>
    EvaluationOptions Options { get; }

    /// <summary>Evaluates a snapshot.</summary>
    /// <param name="snapshot">The input objects.</param>
    /// <returns>The statuses and policy attachment computed for it.</returns>
    EvaluationResult Evaluate(Snapshot snapshot);

    /// <summary>
    /// Converts KubernetesClient objects (models, <c>*List</c> objects, <see cref="System.Text.Json.JsonElement"/>
    /// custom objects) with <see cref="Conversion.KubernetesObjectConverter.ConvertAll"/> and evaluates them. Objects
    /// that do not convert are left out; call the converter yourself to see their diagnostics.
    /// </summary>
    /// <param name="kubernetesObjects">The objects.</param>
    /// <returns>The evaluation.</returns>
    EvaluationResult Evaluate(IEnumerable<object> kubernetesObjects);
}

/// <summary>The default <see cref="IPolicyAttachEngine"/>: the core <see cref="Evaluator"/> with fixed options.</summary>
public sealed class PolicyAttachEngine : IPolicyAttachEngine
{
    /// <summary>Creates an engine.</summary>
    /// <param name="options">The evaluation options.</param>
    public PolicyAttachEngine(EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <inheritdoc />
    public EvaluationOptions Options { get; }

    /// <inheritdoc />
    public EvaluationResult Evaluate(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Evaluator.Evaluate(snapshot, Options);
    }

    /// <inheritdoc />
    public EvaluationResult Evaluate(IEnumerable<object> kubernetesObjects)
    {
        ArgumentNullException.ThrowIfNull(kubernetesObjects);
        var loaded = Conversion.KubernetesObjectConverter.ConvertAll(kubernetesObjects);
        return Evaluate(Snapshot.Create(loaded.Resources));
    }
}
