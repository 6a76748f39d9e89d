using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Testing;

/// <summary>One field of one object of a world set to an invalid value (or removed).</summary>
/// <param name="Target">The object changed.</param>
/// <param name="Edit">The change.</param>
/// <param name="Description">What is invalid about it, in words.</param>
public sealed record WorldMutation(ResourceKey Target, FieldEdit Edit, string Description)
{
    /// <summary>The world with the mutation applied (the world itself when it has no such object).</summary>
    /// <param name="world">The valid world.</param>
    /// <returns>The mutated world.</returns>
    public TestWorld ApplyTo(TestWorld world)
        => (world ?? throw new ArgumentNullException(nameof(world))).Find(Target) is { } obj ? world.With(obj with { Edits = [.. obj.Edits, Edit] }) : world;

    /// <summary><c>Kind/namespace/name: path = value (why)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Target}: {Edit} ({Description})";
}

/// <summary>A valid world and one invalid change of one field; <see cref="World"/> is the changed world.</summary>
/// <param name="Valid">The world before the change.</param>
/// <param name="Mutation">The change.</param>
public sealed record MutatedWorld(TestWorld Valid, WorldMutation Mutation)
{
    /// <summary>The world with the invalid field.</summary>
    public TestWorld World => Mutation.ApplyTo(Valid);

    /// <summary>The mutation, then the mutated world as YAML.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"# Invalid field: {Mutation}\n{World}";
}

/// <summary>The catalogue of single-field invalid values, each of which the engine's reader reports as an error.</summary>
internal static class Mutations
{
    private static FieldEdit Set(string path, JsonNode? value) => FieldEdit.Set(path, value);

    /// <summary>Every mutation the catalogue has for the objects of a world, in object order.</summary>
    public static List<WorldMutation> For(TestWorld world)
    {
        var mutations = new List<WorldMutation>();
        foreach (var obj in world.Objects.Where(o => o.Edits.IsEmpty && o is not RawObjectBuilder))
        {
            void Add(FieldEdit edit, string why) => mutations.Add(new WorldMutation(obj.Key, edit, why));
            Add(FieldEdit.Remove("metadata.name"), "an object needs a name");
            switch (obj)
            {
                case GatewayClassBuilder:
                    Add(Set("spec.controllerName", "not a domain path"), "controllerName must be a domain-prefixed path");
                    break;
                case GatewayBuilder g:
                    Add(Set("spec.listeners[0].port", 0), "a listener port is 1 to 65535");
                    Add(Set("spec.listeners[0].port", 70000), "a listener port is 1 to 65535");
                    Add(Set("spec.listeners[0].name", "Not_A_Name"), "listener names are lowercase DNS subdomains");
                    Add(Set("spec.listeners[0].protocol", "not a protocol"), "protocols are HTTP, HTTPS, TLS, TCP, UDP or domain-prefixed");
                    Add(Set("spec.listeners", new JsonArray()), "a Gateway needs 1 to 64 listeners");
                    if (g.Listeners.Count > 1)
                    {
                        Add(Set("spec.listeners[1].name", g.Listeners[0].Name), "listener names are unique in a Gateway");
                    }

                    if (g.Listeners[0].Protocol is Protocols.Tcp or Protocols.Udp)
                    {
                        Add(Set("spec.listeners[0].hostname", "example.com"), "TCP and UDP listeners have no hostname");
                    }
                    else if (g.Listeners[0].Protocol is Protocols.Http or Protocols.Https or Protocols.Tls)
                    {
                        Add(Set("spec.listeners[0].hostname", "Bad_Host"), "hostnames are lowercase RFC 1123 names");
                    }

                    if (g.Listeners[0].Protocol == Protocols.Https)
                    {
                        Add(Set("spec.listeners[0].tls.mode", "Passthrough"), "HTTPS listeners terminate TLS");
                    }

                    break;
                case ListenerSetBuilder:
                    Add(Set("spec.listeners", new JsonArray()), "a ListenerSet needs at least one listener");
                    Add(Set("spec.listeners[0].port", 0), "a listener port is 1 to 65535");
                    break;
                case HttpRouteBuilder http:
                    Add(Set("spec.hostnames", new JsonArray("Bad_Host")), "hostnames are lowercase RFC 1123 names");
                    if (http.Rules.Count > 0 && http.Rules[0].Matches.Count > 0 && http.Rules[0].Matches[0].PathType is "Exact" or "PathPrefix")
                    {
                        Add(Set("spec.rules[0].matches[0].path.value", "no-slash"), "paths start with '/'");
                    }

                    if (http.Rules.Count > 0 && http.Rules[0].BackendRefs.Count > 0)
                    {
                        Add(FieldEdit.Remove("spec.rules[0].backendRefs[0].port"), "a Service backend needs a port");
                        Add(Set("spec.rules[0].backendRefs[0].weight", -1), "weights are 0 to 1,000,000");
                    }

                    if (http.ParentRefs.Count > 0)
                    {
                        Add(Set("spec.parentRefs[0].sectionName", "Not_A_Section"), "section names are lowercase DNS subdomains");
                    }

                    Add(Set("spec.rules[0].matches[0].headers", new JsonArray(new JsonObject { ["name"] = "bad header", ["value"] = "1" })), "header names are tokens");
                    break;
                case GrpcRouteBuilder:
                    Add(Set("spec.rules[0].matches[0].method", new JsonObject { ["service"] = "bad/service" }), "gRPC services are dotted names");
                    Add(Set("spec.hostnames", new JsonArray("Bad_Host")), "hostnames are lowercase RFC 1123 names");
                    break;
                case StreamRouteBuilder s:
                    Add(Set("spec.rules[0].backendRefs", new JsonArray()), "a stream route rule needs 1 to 16 backendRefs");
                    if (s.Kind == "TLSRoute")
                    {
                        Add(FieldEdit.Remove("spec.hostnames"), "a TLSRoute needs hostnames");
                    }

                    break;
                case ReferenceGrantBuilder:
                    Add(Set("spec.from", new JsonArray()), "a ReferenceGrant needs 1 to 16 from entries");
                    Add(Set("spec.to", new JsonArray()), "a ReferenceGrant needs 1 to 16 to entries");
                    break;
                case BackendTlsPolicyBuilder:
                    Add(Set("spec.targetRefs", new JsonArray()), "a BackendTLSPolicy needs 1 to 16 targetRefs");
                    break;
                case IngressBuilder i when i.Rules.Count > 0:
                    Add(Set("spec.rules[0].http.paths[0].pathType", "Sometimes"), "pathType is Exact, Prefix or ImplementationSpecific");
                    break;
            }
        }

        return mutations;
    }

    public static Gen<MutatedWorld> Mutated(Gen<TestWorld> worlds)
        => from world in worlds
           let mutations = For(world)
           from mutation in mutations.Count > 0 ? Gen.Elements(mutations.ToArray()) : Gen.Constant(new WorldMutation(default, FieldEdit.Remove("metadata.name"), "an object needs a name"))
           select new MutatedWorld(world, mutation);

    /// <summary>Whether the mutated object reads with an error (the mutation still does what it says).</summary>
    public static bool IsInvalid(MutatedWorld mutated)
    {
        var obj = mutated.World.Find(mutated.Mutation.Target);
        return obj is not null && obj.Read().Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>Shrinks the valid world and applies the same mutation, as long as it still makes its object invalid.</summary>
    public static IEnumerable<MutatedWorld> Shrink(MutatedWorld mutated)
        => WorldShrinker.Shrink(mutated.Valid).Select(w => mutated with { Valid = w }).Where(IsInvalid);
}
