// Types for the architecture checker's own tests: an "early" stage that refers to a "late" one in each way the reader
// must see (signature, method body, generic argument, lambda), and one that does not.
#pragma warning disable CA1812, CA1822, CA1859, IDE0051
namespace PolicyAttach.Tests.Architecture.Synthetic.Late
{
    internal sealed class Target
    {
        public static int Count => 1;
    }
}

namespace PolicyAttach.Tests.Architecture.Synthetic.Early
{
    using PolicyAttach.Tests.Architecture.Synthetic.Late;

    internal sealed class InSignature
    {
        public Target? Get() => null;
    }

    internal sealed class InBody
    {
        public int Count() => Target.Count;
    }

    internal sealed class InGenericArgument
    {
        public int Count() => new List<Target>().Count;
    }

    internal sealed class InLambda
    {
        public Func<int> Count() => () => Target.Count + 1;
    }

    internal sealed class Clean
    {
        public int Count() => 2;
    }
}

namespace PolicyAttach.Tests.Architecture.Synthetic
{
    /// <summary>A cache the shared-result check must report: a mutable nullable struct.</summary>
    internal sealed class TornCache
    {
        private (int, string)? _cache;

        public (int, string) Get() => _cache ??= (1, "one");
    }
}
