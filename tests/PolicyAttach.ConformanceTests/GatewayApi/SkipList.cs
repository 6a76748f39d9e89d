using System.Globalization;
using System.Text;

namespace PolicyAttach.ConformanceTests.GatewayApi;

/// <summary>The checks every harness's reasoned skip list must pass, so that it cannot hide work or go stale.</summary>
internal static class SkipList
{
    /// <summary>
    /// Every entry names an expectation the harness saw, the list holds at most 5% of the expectations, and there
    /// were expectations at all.
    /// </summary>
    /// <param name="skipped">The skip list: expectation id to reason.</param>
    /// <param name="knownIds">The ids of the expectations the harness considered.</param>
    /// <param name="total">How many expectations there were.</param>
    /// <param name="expectations">What the expectations are, for the messages (for example "initial status expectations").</param>
    public static void AssertSound(IReadOnlyDictionary<string, string> skipped, IReadOnlySet<string> knownIds, int total, string expectations)
    {
        var stale = skipped.Keys.Where(id => !knownIds.Contains(id)).ToList();
        Assert.True(stale.Count == 0, $"skip list entries that are not {expectations} of the corpus: {string.Join(", ", stale)}");
        Assert.True(skipped.Count * 20 <= total, $"the skip list has {skipped.Count} entries, more than 5% of {total}");
        Assert.True(total > 0, $"no {expectations} found");
    }

    /// <summary>Appends the skipped expectations grouped by reason, then the manifests that did not load.</summary>
    /// <param name="report">The report being written.</param>
    /// <param name="skipped">How many expectations were skipped.</param>
    /// <param name="results">Each expectation's id and skip reason (null when checked).</param>
    /// <param name="loadErrors">The load errors.</param>
    public static void AppendSkippedAndLoadErrors(StringBuilder report, int skipped, IEnumerable<(string Id, string? SkipReason)> results, List<string> loadErrors)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"== skipped ({skipped}) ==");
        foreach (var group in results.Where(r => r.SkipReason is not null).GroupBy(r => r.SkipReason!, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{string.Join(", ", group.Select(g => g.Id))}: {group.Key}");
        }

        if (loadErrors.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"== load errors ({loadErrors.Count}) ==");
            loadErrors.ForEach(e => report.AppendLine(e));
        }
    }
}
