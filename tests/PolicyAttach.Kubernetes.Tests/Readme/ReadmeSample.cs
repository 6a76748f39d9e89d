using PolicyAttach;                                               // the front door: every type below

// Outside the PolicyAttach namespaces on purpose: a namespace under PolicyAttach would see the root namespace's types
// without the using, and this file proves that the README's one using is enough.
namespace ReadmeSamples;

/// <summary>The README's "library in ten lines", compiled with exactly the README's usings (ReadmeTests keeps them equal).</summary>
internal static class ReadmeSample
{
    public static void Run()
    {
var loaded = new ManifestLoader().Load(["manifests/"]);          // YAML/JSON, diagnostics with file:line:column
var snapshot = Snapshot.Create(loaded.Resources);                 // immutable, order-independent
var result = Evaluator.Evaluate(snapshot, new EvaluationOptions { ControllerNames = ["istio.io/gateway-controller"] });
foreach (var parent in result.Routes.SelectMany(r => r.Parents))
    foreach (var verdict in parent.Listeners)                     // why each listener took or refused the route
        Console.WriteLine($"{parent.ParentRef.Name}/{verdict.ListenerName}: {verdict.Cause} {verdict.Message}");
Console.WriteLine(StatusWriter.ToJson(result));                   // the status subresources a controller writes
    }
}
