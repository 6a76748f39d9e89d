using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Policies;

namespace PolicyAttach.Testing;

/// <summary>The route kinds a generated world may hold.</summary>
[Flags]
public enum RouteKinds
{
    /// <summary>No routes.</summary>
    None = 0,

    /// <summary>HTTPRoute.</summary>
    Http = 1,

    /// <summary>GRPCRoute.</summary>
    Grpc = 2,

    /// <summary>TLSRoute.</summary>
    Tls = 4,

    /// <summary>TCPRoute.</summary>
    Tcp = 8,

    /// <summary>UDPRoute.</summary>
    Udp = 16,

    /// <summary>Every route kind.</summary>
    All = Http | Grpc | Tls | Tcp | Udp,
}

/// <summary>
/// The shape and size of generated worlds. The FsCheck size scales the counts up to the maxima, so early test
/// cases are small. Every share is a probability from 0 to 1. Validated when a generator is made.
/// </summary>
public sealed record WorldOptions
{
    /// <summary>Every kind of object and reference the engine evaluates.</summary>
    public static WorldOptions Default { get; } = new();

    /// <summary>The GatewayClass <c>controllerName</c> the world is evaluated for.</summary>
    public string ControllerName { get; init; } = TestWorld.DefaultControllerName;

    /// <summary>The route kinds.</summary>
    public RouteKinds RouteKinds { get; init; } = RouteKinds.All;

    /// <summary>The most Gateways.</summary>
    public int MaxGateways { get; init; } = 2;

    /// <summary>The most listeners of one Gateway.</summary>
    public int MaxListeners { get; init; } = 4;

    /// <summary>The most routes.</summary>
    public int MaxRoutes { get; init; } = 8;

    /// <summary>The most rules of one HTTPRoute or GRPCRoute.</summary>
    public int MaxRules { get; init; } = 3;

    /// <summary>The most policies (BackendTLSPolicies aside).</summary>
    public int MaxPolicies { get; init; } = 8;

    /// <summary>The share of references (backends, parents, certificates, policy targets) to another namespace.</summary>
    public double CrossNamespaceShare { get; init; } = 0.3;

    /// <summary>The share of cross-namespace references a ReferenceGrant permits.</summary>
    public double GrantShare { get; init; } = 0.6;

    /// <summary>The share of references made to dangle on purpose (a missing object, section or port).</summary>
    public double DanglingShare { get; init; } = 0.05;

    /// <summary>Whether listeners get hostnames (HTTP, HTTPS and TLS listeners).</summary>
    public bool ListenerHostnames { get; init; } = true;

    /// <summary>Whether listeners may share a port (conflicts) and use a protocol no one supports.</summary>
    public bool ListenerConflicts { get; init; } = true;

    /// <summary>Whether listeners restrict the namespaces (Same, Selector) and kinds of routes they allow.</summary>
    public bool AllowedRoutes { get; init; } = true;

    /// <summary>Whether there are GatewayClasses and Gateways of other controllers.</summary>
    public bool OtherControllers { get; init; } = true;

    /// <summary>Whether there are ListenerSets.</summary>
    public bool ListenerSets { get; init; } = true;

    /// <summary>Whether HTTPRoutes and GRPCRoutes may have Service parents (GAMMA).</summary>
    public bool Mesh { get; init; } = true;

    /// <summary>Whether HTTP rules have header, query and method matches, and regular expressions.</summary>
    public bool RichMatches { get; init; } = true;

    /// <summary>Whether rules have filters (header modifiers, redirects, rewrites, mirrors).</summary>
    public bool Filters { get; init; } = true;

    /// <summary>
    /// The merge strategies of the generated policies: <see cref="MergeStrategy.None"/> (a Direct kind declared by a
    /// CRD), <see cref="MergeStrategy.Patch"/> (an Inherited kind declared by a CRD) and <see cref="MergeStrategy.Atomic"/>
    /// (an Inherited kind registered on the world, which may target other namespaces with a ReferenceGrant). Empty
    /// for no policies.
    /// </summary>
    public EquatableArray<MergeStrategy> PolicyStrategies { get; init; } = [MergeStrategy.None, MergeStrategy.Atomic, MergeStrategy.Patch];

    /// <summary>Whether there are BackendTLSPolicies (often several on one Service, so they conflict).</summary>
    public bool BackendTlsPolicies { get; init; } = true;

    /// <summary>Whether there are IngressClasses and Ingresses.</summary>
    public bool Ingress { get; init; } = true;

    /// <summary>Checks the options; every problem is reported at once.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Share(string name, double value)
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                problems.Add($"{name} is {value}; use a share from 0 to 1.");
            }
        }

        void Count(string name, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                problems.Add($"{name} is {value}; use {min} to {max}.");
            }
        }

        Share(nameof(CrossNamespaceShare), CrossNamespaceShare);
        Share(nameof(GrantShare), GrantShare);
        Share(nameof(DanglingShare), DanglingShare);
        Count(nameof(MaxGateways), MaxGateways, 1, 8);
        Count(nameof(MaxListeners), MaxListeners, 1, 16);
        Count(nameof(MaxRoutes), MaxRoutes, 0, 64);
        Count(nameof(MaxRules), MaxRules, 1, 16);
        Count(nameof(MaxPolicies), MaxPolicies, 0, 64);
        if (string.IsNullOrEmpty(ControllerName))
        {
            problems.Add($"{nameof(ControllerName)} is empty; name the controller the world is evaluated for.");
        }

        if (PolicyStrategies.Any(s => s is not (MergeStrategy.None or MergeStrategy.Atomic or MergeStrategy.Patch)))
        {
            problems.Add($"{nameof(PolicyStrategies)} may hold None, Atomic and Patch only.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid world options: " + string.Join(" ", problems));
        }
    }
}

/// <summary>The policy kinds generated worlds use (<see cref="WorldOptions.PolicyStrategies"/>).</summary>
public static class GeneratedPolicyKinds
{
    /// <summary>The API group of the generated policy kinds.</summary>
    public const string Group = Pools.PolicyGroup;

    /// <summary>The Inherited kind merged with Patch, declared by a CRD in the world.</summary>
    public static GroupKind Patch { get; } = new(Group, Pools.PatchKind);

    /// <summary>The Inherited kind merged Atomically, registered on the world; it may target other namespaces with a ReferenceGrant.</summary>
    public static GroupKind Atomic { get; } = new(Group, Pools.AtomicKind);

    /// <summary>The Direct kind (merge None: the oldest policy on a target wins), declared by a CRD in the world.</summary>
    public static GroupKind Direct { get; } = new(Group, Pools.DirectKind);
}
