using FsCheck;
using FsCheck.Fluent;

namespace PolicyAttach.Testing;

/// <summary>
/// The small pools generated names and values come from: few enough that references hit, hostnames intersect and
/// listeners conflict often; all valid. Names are short so that counterexamples read easily.
/// </summary>
internal static class Pools
{
    public const string Infra = "infra";
    public const string App = "app";
    public const string Team = "team";
    public const string Shared = "shared";

    public const string Class = "gc";
    public const string OtherClass = "gc-other";
    public const string OtherController = "example.org/other-controller";
    public const string ParamsClass = "gc-params";

    public const string PolicyGroup = "policies.example.com";
    public const string PatchKind = "RetryPolicy";
    public const string DirectKind = "HealthCheckPolicy";
    public const string AtomicKind = "TimeoutPolicy";

    public const string WebClass = "web";
    public const string OtherWebClass = "web-other";
    public const string IngressController = "example.com/ingress-controller";

    /// <summary>Every namespace; the Namespace objects carry labels that selectors read.</summary>
    public static readonly string[] Namespaces = [Infra, App, Team, Shared];

    /// <summary>Where Gateways and ListenerSets live.</summary>
    public static readonly string[] GatewayNamespaces = [Infra, App];

    /// <summary>Where routes and Ingresses live.</summary>
    public static readonly string[] RouteNamespaces = [Infra, App, Team];

    /// <summary>Where backends live (routes refer across namespaces to them).</summary>
    public static readonly string[] ServiceNamespaces = [Infra, App, Team, Shared];

    public static readonly string[] ServiceNames = ["svc-a", "svc-b"];

    public static readonly string[] ListenerHosts = ["example.com", "a.example.com", "*.example.com", "*.a.example.com", "other.test"];

    public static readonly string[] RouteHosts = ["example.com", "a.example.com", "x.a.example.com", "*.example.com", "*.a.example.com", "other.test", "*.test"];

    public static readonly string[] Paths = ["/", "/a", "/a/b", "/b", "/ab", "/a/"];

    public static readonly string[] Regexes = ["/a.*", "/[ab]+", "/b/.*"];

    public static readonly string[] HeaderNames = ["x-a", "x-b"];

    public static readonly string[] QueryNames = ["q", "r"];

    public static readonly string[] Values = ["1", "2"];

    public static readonly string[] Methods = ["GET", "POST"];

    public static readonly string[] GrpcServices = ["pkg.Store", "pkg.Admin"];

    public static readonly string[] GrpcMethods = ["Get", "List"];

    public static readonly string[] SniHosts = ["example.com", "a.example.com", "*.example.com", "other.test"];

    public static readonly string[] IngressHosts = ["a.example.com", "*.example.com", "b.example.com", "*.a.example.com", "example.com"];

    public static readonly string[] IngressPaths = ["/", "/a", "/a/", "/a/b", "/ab", "/b", "/a/b/"];

    public static readonly string[] IngressPathTypes = ["Exact", "Prefix", "Prefix", "ImplementationSpecific"];

    /// <summary>Six timestamps one second apart; objects drawing from them often tie.</summary>
    public static readonly DateTimeOffset[] Timestamps = [.. Enumerable.Range(0, 6).Select(s => new DateTimeOffset(2024, 1, 1, 0, 0, s, TimeSpan.Zero))];

    /// <summary>True with probability <paramref name="share"/>.</summary>
    public static Gen<bool> Chance(double share)
        => share <= 0 ? Gen.Constant(false) : share >= 1 ? Gen.Constant(true) : Gen.Choose(0, 9_999).Select(x => x < share * 10_000);

    /// <summary>A value, or null with the given probability.</summary>
    public static Gen<T?> OrNull<T>(Gen<T> gen, double nullShare)
        where T : class
        => from none in Chance(nullShare)
           from value in gen
           select none ? null : value;

    /// <summary>One of the items (which must not be empty).</summary>
    public static Gen<T> Pick<T>(IReadOnlyList<T> items) => Gen.Elements(items.ToArray());

    /// <summary>A count from <paramref name="min"/> to <paramref name="max"/> (at least <paramref name="min"/>).</summary>
    public static Gen<int> Count(int min, int max) => Gen.Choose(min, Math.Max(min, max));
}
