namespace PolicyAttach.TestSupport;

/// <summary>
/// A fact over the shared test corpus: <c>POLICYATTACH_CORPUS</c>, or a <c>shared/corpus</c> folder beside an
/// ancestor of the test assembly (the repository's sibling). Skipped, with the reason shown, when neither exists.
/// </summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (CorpusRoot is null)
        {
            Skip = "test corpus not found: set POLICYATTACH_CORPUS or place it at <repo>/../shared/corpus";
        }
    }

    public static string? CorpusRoot { get; } = Find();

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("POLICYATTACH_CORPUS");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
