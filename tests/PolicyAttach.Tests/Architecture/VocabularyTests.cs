using System.Text.RegularExpressions;
using PolicyAttach.Model;

namespace PolicyAttach.Tests.Architecture;

/// <summary>
/// The engine speaks in typed values; spec strings live in one catalogue each: condition types, statuses and
/// reasons in <c>Model/Conditions.cs</c>, groups and kinds in <c>Model/Kinds.cs</c> (feature names, which share some
/// kind names, in <c>Binding/Features.cs</c>). These read the core's source, as a reviewer would.
/// </summary>
public sealed class VocabularyTests
{
    private static readonly string Core = Path.Combine(RepoRoot(), "src", "PolicyAttach");

    [Fact]
    public void CoreSource_ConditionVocabulary_IsWrittenOnlyInItsCatalogue()
    {
        var words = ConditionType.All.Select(t => t.Value)
            .Concat(ConditionReason.All.Select(r => r.Value))
            .Concat(ConditionStatus.All.Select(s => s.Value));
        var found = Literals(words, "Model/Conditions.cs").ToList();
        Assert.True(found.Count == 0, "Condition strings outside Model/Conditions.cs (use ConditionType, ConditionStatus, ConditionReason):\n" + string.Join("\n", found));
    }

    [Fact]
    public void CoreSource_KindNames_AreWrittenOnlyInTheKindCatalogue()
    {
        var found = Literals(Kinds.All.Select(k => k.Kind), "Model/Kinds.cs", "Binding/Features.cs").ToList();
        Assert.True(found.Count == 0, "Kind names outside Model/Kinds.cs (use Kinds):\n" + string.Join("\n", found));
    }

    [Fact]
    public void CoreSource_NeverParsesConditionVocabulary()
    {
        // Parse is for statuses read back at the edge; the engine writes catalogue values only.
        var found = Lines(@"\bCondition(Type|Status|Reason)\.Parse\(", "Model/Conditions.cs").ToList();
        Assert.True(found.Count == 0, "The core parses condition strings:\n" + string.Join("\n", found));
    }

    [Fact]
    public void Scanner_LiteralInOrdinaryCode_IsFound()
    {
        // The scanner itself: an exact literal is found, a word inside a longer string or a comment is not.
        var text = "var a = \"Service\";\nvar b = \"a core Service\";\n// \"Service\"\nvar c = $\"{x} \\\"Service\\\"\";\n";
        Assert.Equal([1], Matches(text, LiteralPattern(["Service"])).ToList());
    }

    private static IEnumerable<string> Literals(IEnumerable<string> words, params string[] exempt)
        => Lines(LiteralPattern(words), exempt);

    private static string LiteralPattern(IEnumerable<string> words)
        => "(?<![\\w$@\\\\])\"(" + string.Join("|", words.Distinct(StringComparer.Ordinal).Select(Regex.Escape)) + ")\"";

    private static IEnumerable<string> Lines(string pattern, params string[] exempt)
    {
        foreach (var file in Directory.EnumerateFiles(Core, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Core, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || exempt.Contains(relative))
            {
                continue;
            }

            foreach (var line in Matches(File.ReadAllText(file), pattern))
            {
                yield return $"{relative}:{line}";
            }
        }
    }

    /// <summary>The 1-based numbers of the lines, outside comments, where the pattern occurs.</summary>
    private static IEnumerable<int> Matches(string text, string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var code = lines[i].TrimStart();
            if (!code.StartsWith("//", StringComparison.Ordinal) && regex.IsMatch(code))
            {
                yield return i + 1;
            }
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyAttach.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("PolicyAttach.sln not found above " + AppContext.BaseDirectory);
    }
}
