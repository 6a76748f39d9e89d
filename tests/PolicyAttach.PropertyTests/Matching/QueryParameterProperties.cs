using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PolicyAttach.Matching;

namespace PolicyAttach.PropertyTests.Matching;

/// <summary>
/// The matcher's query parameter shortcut, <see cref="RequestView.TryGetSimpleQueryParameter"/>, finds what the public
/// <see cref="RequestView.TryGetQueryParameter"/> finds for every name it accepts (non-empty, without <c>=</c> or
/// <c>&amp;</c>): random queries over a small alphabet make repeated, empty, prefixed and value-only pairs common.
/// </summary>
public class QueryParameterProperties
{
    private static readonly Gen<string> Queries =
        from length in Gen.Choose(0, 12)
        from chars in Gen.Elements('a', 'b', '=', '&', 'x').ArrayOf(length)
        select new string(chars);

    private static readonly Gen<string> Names =
        from length in Gen.Choose(1, 3)
        from chars in Gen.Elements('a', 'b', 'x').ArrayOf(length)
        select new string(chars);

    // A query and a name: half of the time, when the query has one, the key of one of its pairs (a name over the
    // same alphabet of one to three characters), so that found parameters are common.
    private static readonly Gen<(string Query, string Name)> Cases =
        from query in Queries
        let keys = query.Split('&').Select(pair => pair.Split('=')[0]).Where(key => key.Length is >= 1 and <= 3).Distinct().ToArray()
        from name in keys.Length == 0 ? Names : Gen.OneOf(Names, Gen.Elements(keys))
        select (query, name);

    private static (bool Found, string? Value) Public(string query, string name)
    {
        var view = new RequestView(RequestProtocol.Http, 80, "GET", "h", "/p?" + query);
        return view.TryGetQueryParameter(name, out var value) ? (true, value.ToString()) : (false, null);
    }

    private static (bool Found, string? Value) Simple(string query, string name)
    {
        var view = new RequestView(RequestProtocol.Http, 80, "GET", "h", "/p?" + query);
        return view.TryGetSimpleQueryParameter(name, out var value) ? (true, value.ToString()) : (false, null);
    }

    [Property(MaxTest = 3000)]
    public Property TryGetSimpleQueryParameter_AgreesWithTryGetQueryParameter()
        => Prop.ForAll(Cases.ToArbitrary(), input =>
        {
            var (query, name) = input;
            var expected = Public(query, name);
            var actual = Simple(query, name);
            return (expected == actual).Label($"query '{query}', name '{name}': expected {expected}, got {actual}");
        });

    [Fact]
    public void Cases_FindSomeParametersAndMissOthers()
    {
        var samples = Cases.Sample(1000, new FsCheck.Rnd(20261206), 50);
        var found = samples.Count(s => Public(s.Query, s.Name).Found);
        Assert.InRange(found, 200, 900);
        Assert.Contains(samples, s => s.Query.Length == 0);
        Assert.Contains(samples, s => s.Name.Length == 3);
    }
}
