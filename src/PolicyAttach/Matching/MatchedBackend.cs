using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Matching;

/// <summary>gRPC status codes the matcher produces (<see href="https://grpc.github.io/grpc/core/md_doc_statuscodes.html">status codes</see>).</summary>
public static class GrpcStatusCodes
{
    /// <summary>OK.</summary>
    public const int Ok = 0;

    /// <summary>UNIMPLEMENTED: no route matched, or the rule has no backendRefs.</summary>
    public const int Unimplemented = 12;

    /// <summary>UNAVAILABLE: the rule's backends are invalid.</summary>
    public const int Unavailable = 14;
}

/// <summary>
/// A backend of the matched rule with its weight and validity. Invalid backends keep their share of the traffic,
/// which gets 500 (gRPC <c>UNAVAILABLE</c>, TCP/TLS refused) (spec digest §8).
/// </summary>
/// <param name="BackendRef">The reference with defaults applied.</param>
/// <param name="Weight">The weight (default 1).</param>
/// <param name="IsValid">Whether the reference resolves.</param>
/// <param name="Reason">The ResolvedRefs reason when invalid, else null.</param>
/// <param name="Filters">The filters that run only when this backend is chosen.</param>
public sealed record MatchedBackend(BackendReference BackendRef, int Weight, bool IsValid, string? Reason, IReadOnlyList<RouteFilter> Filters);
