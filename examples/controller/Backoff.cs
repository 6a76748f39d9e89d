using System.Net;
using k8s.Autorest;

namespace PolicyAttach.Examples.Controller;

/// <summary>
/// Retries with exponential backoff: the pause starts at <paramref name="First"/> and doubles up to
/// <paramref name="Max"/>. Every API call of the controller goes through it, so a failing server slows the controller
/// down instead of crashing it; only cancellation (shutdown, lost leadership) ends a retry loop.
/// </summary>
/// <param name="First">The first pause.</param>
/// <param name="Max">The longest pause.</param>
/// <param name="Time">The clock the pauses wait on.</param>
internal sealed record Backoff(TimeSpan First, TimeSpan Max, TimeProvider Time)
{
    /// <summary>The pause after <paramref name="failures"/> consecutive failures (0 for the first).</summary>
    public TimeSpan Delay(int failures)
    {
        var delay = First;
        for (var i = 0; i < failures && delay < Max; i++)
        {
            delay += delay;
        }

        return delay < Max ? delay : Max;
    }

    /// <summary>Runs a call until it succeeds, pausing between attempts; failures are written to standard error.</summary>
    /// <param name="what">What is called, for the log.</param>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <param name="giveUpOn">Failures not worth retrying (rethrown); null to retry every transient one.</param>
    public async Task<T> RetryAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Func<Exception, bool>? giveUpOn = null)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && giveUpOn?.Invoke(ex) != true)
            {
                var pause = Delay(failures);
                Console.Error.WriteLine($"{what}: {ex.Message}; retrying in {pause.TotalSeconds:0.#} s");
                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a failure of an API call is worth another attempt (everything the network or server can cause, not shutdown).</summary>
    public static bool IsTransient(Exception ex, CancellationToken cancellationToken)
        => ex is HttpOperationException or HttpRequestException or IOException or k8s.KubernetesException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    /// <summary>A status patch that another attempt cannot fix: the object is gone (404) or the patch is refused (422); the next watch event brings its state.</summary>
    public static bool IsFinal(Exception ex)
        => ex is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict };
}
