using System.Reflection;

namespace PolicyAttach.Tests.Architecture;

/// <summary>The public surface promises only what callers need: the engine's own type hierarchies stay closed.</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void CoreAssembly_PublicAbstractTypes_HaveNoConstructorOutsideCodeCanChain()
    {
        // A record's copy constructor must be protected (the language requires it for a non-sealed record); every other
        // constructor of a public abstract type is private protected, so no type outside the assembly can derive.
        var open = typeof(Evaluator).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && t.IsAbstract && !t.IsSealed)
            .SelectMany(t => t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(c => c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly)
                .Where(c => !IsCopyConstructor(t, c))
                .Select(c => $"{t.FullName}({string.Join(", ", c.GetParameters().Select(p => p.ParameterType.Name))})"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(open.Count == 0, "Public abstract types outside code can derive from:\n" + string.Join("\n", open));
    }

    private static bool IsCopyConstructor(Type type, ConstructorInfo constructor)
        => constructor.GetParameters() is [var only] && only.ParameterType == type && type.GetMethod("<Clone>$") is not null;
}
