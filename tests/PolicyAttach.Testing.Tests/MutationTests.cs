using PolicyAttach.Diagnostics;

namespace PolicyAttach.Testing.Tests;

public class MutationTests
{
    [Fact]
    public void InvalidMutations_FixedSample_EachMakesItsObjectReadWithAnError()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var world in Samples.Worlds.Take(30))
        {
            foreach (var mutation in WorldGenerators.InvalidMutations(world))
            {
                var mutated = new MutatedWorld(world, mutation);
                var obj = mutated.World.Find(mutation.Target);
                var errors = obj?.Read().Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList() ?? [];
                Assert.True(errors.Count > 0, $"The mutation does not make its object invalid: {mutation}\n{obj?.ToYaml()}");
                seen.Add(mutation.Description);
            }
        }

        Assert.True(seen.Count >= 15, $"Only {seen.Count} kinds of mutation: {string.Join("; ", seen)}");
    }

    [Fact]
    public void MutatedWorld_Printed_NamesTheInvalidField()
    {
        var world = Samples.Worlds[0];
        var mutation = WorldGenerators.InvalidMutations(world)[0];
        var text = new MutatedWorld(world, mutation).ToString();
        Assert.StartsWith($"# Invalid field: {mutation.Target}: {mutation.Edit}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldEdit_Paths_SetAndRemoveNestedFields()
    {
        var service = new ServiceBuilder("app", "svc", 80) { Edits = [FieldEdit.Set("spec.ports[0].port", 81), FieldEdit.Set("metadata.labels['example.com/tier']", "web"), FieldEdit.Remove("spec.ports[0].name")] };
        Assert.Equal("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","namespace":"app","labels":{"example.com/tier":"web"}},"spec":{"ports":[{"port":81}]}}""", service.ToJson());
    }
}
