namespace PolicyAttach.Kubernetes.Tests;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds <c>PolicyAttach.sln</c>.</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's root folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "PolicyAttach.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("the tests run outside a PolicyAttach checkout");
    }
}
