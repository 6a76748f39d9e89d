namespace PolicyAttach.Kubernetes.Controllers;

/// <summary>
/// The pending changes of a debounced controller: when the first and the last change since the last evaluation
/// arrived. <c>default</c> means nothing is pending.
/// </summary>
/// <param name="FirstChange">The first change not yet evaluated, or null.</param>
/// <param name="LastChange">The latest change not yet evaluated, or null.</param>
public readonly record struct DebounceState(DateTimeOffset? FirstChange, DateTimeOffset? LastChange)
{
    /// <summary>Whether a change waits for evaluation.</summary>
    public bool IsPending => LastChange is not null;
}

/// <summary>
/// Debouncing as a pure function of change times: evaluate once changes have been quiet for <see cref="Quiet"/>,
/// but never later than <see cref="MaxDelay"/> after the first pending change (so a steady stream of events still
/// gets evaluated). Holds no clock and no state: the caller keeps the <see cref="DebounceState"/>.
/// </summary>
/// <param name="Quiet">How long no change must arrive before evaluating.</param>
/// <param name="MaxDelay">The longest a change waits.</param>
public sealed record Debouncer(TimeSpan Quiet, TimeSpan MaxDelay)
{
    /// <summary>The state after a change at a time.</summary>
    /// <param name="state">The state before.</param>
    /// <param name="at">When the change arrived.</param>
    /// <returns>The new state.</returns>
    public static DebounceState OnChange(DebounceState state, DateTimeOffset at)
        => new(state.FirstChange ?? at, state.LastChange is { } last && last > at ? last : at);

    /// <summary>When the pending changes are due for evaluation, or null when none is pending.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The time.</returns>
    public DateTimeOffset? DueAt(DebounceState state)
    {
        if (state.LastChange is not { } last || state.FirstChange is not { } first)
        {
            return null;
        }

        var quiet = last + Quiet;
        var latest = first + MaxDelay;
        return quiet < latest ? quiet : latest;
    }

    /// <summary>Whether to evaluate now.</summary>
    /// <param name="state">The state.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when changes are pending and due.</returns>
    public bool IsDue(DebounceState state, DateTimeOffset now) => DueAt(state) is { } due && due <= now;

    /// <summary>
    /// The evaluation times a series of change times leads to, when each evaluation starts exactly when due and
    /// takes no time: the whole behaviour in one pure function, for tests and reasoning.
    /// </summary>
    /// <param name="changes">The change times, in order.</param>
    /// <returns>The evaluation times.</returns>
    public IReadOnlyList<DateTimeOffset> Evaluations(IEnumerable<DateTimeOffset> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var evaluations = new List<DateTimeOffset>();
        var state = default(DebounceState);
        foreach (var at in changes)
        {
            while (DueAt(state) is { } due && due < at)
            {
                evaluations.Add(due);
                state = default;
            }

            state = OnChange(state, at);
        }

        if (DueAt(state) is { } last)
        {
            evaluations.Add(last);
        }

        return evaluations;
    }
}
