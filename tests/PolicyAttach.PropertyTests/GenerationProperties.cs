using System.Text.Json;
using FsCheck.Xunit;
using PolicyAttach.Model;
using PolicyAttach.PropertyTests.Support;
using PolicyAttach.Testing;

namespace PolicyAttach.PropertyTests;

/// <summary>Every condition reports the generation of the object it is written on.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
public class GenerationProperties
{
    [Property]
    public void Conditions_AnyWorld_ObservedGenerationEqualsObjectGeneration(TestWorld world)
    {
        var (_, result, json) = Engine.Run(world);

        // In the model: every condition against the generation of its object.
        foreach (var cls in result.GatewayClasses)
        {
            Check(cls.GatewayClass, cls.Conditions);
        }

        foreach (var gateway in result.Gateways)
        {
            Check(gateway.Gateway, gateway.Conditions.Concat(gateway.Listeners.SelectMany(l => l.Conditions)));
        }

        foreach (var set in result.ListenerSets)
        {
            Check(set.ListenerSet, set.Conditions.Concat(set.Listeners.SelectMany(l => l.Conditions)));
        }

        foreach (var route in result.Routes)
        {
            Check(route.Route, route.Parents.SelectMany(p => p.Conditions));
        }

        // In the written status: every observedGeneration under an element against its metadata.generation.
        using var document = JsonDocument.Parse(json);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var generation = element.GetProperty("metadata").GetProperty("generation").GetInt64();
            var name = element.GetProperty("kind").GetString() + " " + element.GetProperty("metadata").GetProperty("name").GetString();
            foreach (var observed in ObservedGenerations(element.GetProperty("status")))
            {
                Assert.True(observed == generation, $"{name}: a condition has observedGeneration {observed}, the object's generation is {generation}.");
            }
        }
    }

    private static void Check(Model.KubeObject obj, IEnumerable<Model.Condition> conditions)
    {
        foreach (var condition in conditions)
        {
            Assert.True(condition.ObservedGeneration == obj.Metadata.Generation,
                $"{obj.Key}: condition {condition.Type} ({condition.Reason}) has observedGeneration {condition.ObservedGeneration}, the object's generation is {obj.Metadata.Generation}.");
        }
    }

    private static IEnumerable<long> ObservedGenerations(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("observedGeneration"))
                    {
                        yield return property.Value.GetInt64();
                    }
                    else
                    {
                        foreach (var nested in ObservedGenerations(property.Value))
                        {
                            yield return nested;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in ObservedGenerations(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }
}
