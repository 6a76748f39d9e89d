using System.Text;
using PolicyAttach.Collections;

namespace PolicyAttach.Testing;

/// <summary>
/// A world and requests aimed at it: the input of a routing property. Printed as the world's YAML followed by each
/// request and the <c>policyattach match</c> command that answers it.
/// </summary>
/// <param name="World">The world.</param>
/// <param name="Requests">The requests.</param>
public sealed record RoutingCase(TestWorld World, EquatableArray<TestRequest> Requests)
{
    /// <summary>The world's YAML, then the requests and how to replay them.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(World.ToString());
        text.Append("# ").Append(Requests.Count).Append(Requests.Count == 1 ? " request" : " requests").Append(", each answered by:\n");
        foreach (var request in Requests)
        {
            text.Append("#   ").Append(request).Append(request.Note is null ? string.Empty : $"  (generated as a {request.Note})").Append('\n');
            text.Append("#   ").Append(request.ToCommandLine("world.yaml", World.ControllerName)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Smaller cases: a single request (each in turn), one request fewer, a smaller world, simpler requests.</summary>
    internal static IEnumerable<RoutingCase> Shrink(RoutingCase value)
    {
        if (value.Requests.Count > 1)
        {
            foreach (var request in value.Requests)
            {
                yield return value with { Requests = [request] };
            }

            for (var i = value.Requests.Count - 1; i >= 0; i--)
            {
                yield return value with { Requests = ServiceBuilder.Without(value.Requests, i) };
            }
        }

        foreach (var world in WorldShrinker.Shrink(value.World))
        {
            yield return value with { World = world };
        }

        for (var i = 0; i < value.Requests.Count; i++)
        {
            var request = value.Requests[i];
            for (var h = request.Headers.Count - 1; h >= 0; h--)
            {
                yield return value with { Requests = ServiceBuilder.Replace(value.Requests, i, request with { Headers = ServiceBuilder.Without(request.Headers, h) }) };
            }

            if (request.Path.Contains('?', StringComparison.Ordinal))
            {
                yield return value with { Requests = ServiceBuilder.Replace(value.Requests, i, request with { Path = request.Path[..request.Path.IndexOf('?', StringComparison.Ordinal)] }) };
            }
        }
    }
}
