using System.Reflection;
using System.Runtime.CompilerServices;

namespace PolicyAttach.Tests.Architecture;

/// <summary>
/// Results are read by many threads at once (docs/embedding.md), and some fill caches on first read. A cache held in
/// a mutable nullable-struct field can be seen half written (its flag set, its value not yet), so the core keeps such
/// caches in reference-typed fields, which are published whole.
/// </summary>
public sealed class SharedResultTests
{
    private static IEnumerable<string> MutableNullableFields(Assembly assembly)
        => from type in assembly.GetTypes()
           where type.GetCustomAttribute<CompilerGeneratedAttribute>() is null
           from field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
           where !field.IsInitOnly && field.GetCustomAttribute<CompilerGeneratedAttribute>() is null
               && Nullable.GetUnderlyingType(field.FieldType) is not null
           select $"{type.FullName}.{field.Name}";

    [Fact]
    public void CoreAssembly_LazyCaches_AreNotMutableNullableStructs()
    {
        var fields = MutableNullableFields(typeof(Evaluator).Assembly).ToList();
        Assert.True(fields.Count == 0, "Mutable nullable-struct fields (use a reference-typed cache):\n" + string.Join("\n", fields));
    }

    [Fact]
    public void Check_TypeWithMutableNullableField_IsReported()
    {
        // The check must see such a field, so that an empty list above cannot pass by reading nothing.
        var fields = MutableNullableFields(typeof(SharedResultTests).Assembly).ToList();
        Assert.Contains(typeof(Synthetic.TornCache).FullName + "._cache", fields);
    }
}
