using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace PolicyAttach.Benchmarks.Matching;

/// <summary>
/// The ASP.NET Core DFA matcher behind YARP 2.3 on the equivalent table (dotnet-ecosystem.md §5): routes loaded in
/// memory, the internal MatcherFactory resolved from DI once, <c>MatchAsync</c> bound to a delegate. Header and
/// query matchers are case-sensitive to come closer to Gateway API semantics.
/// </summary>
public sealed class YarpMatcher : IDisposable
{
    private readonly WebApplication _app;
    private readonly Func<HttpContext, Task> _match;

    public YarpMatcher(int routes)
    {
        var configs = new List<RouteConfig>();
        for (var i = 0; i < routes; i++)
        {
            var host = i / 5;
            var kind = i % 5;
            var match = new RouteMatch { Hosts = [MatchTables.HostPattern(host)] };
            match = kind switch
            {
                0 => match with { Path = "/api/v1/{**rest}" },
                1 => match with { Path = "/api/v1/{**rest}", Headers = [new RouteHeader { Name = "x-canary", Values = ["true"], IsCaseSensitive = true }] },
                2 => match with { Path = "/api/v1/{**rest}", QueryParameters = [new RouteQueryParameter { Name = "version", Values = ["2"], IsCaseSensitive = true }] },
                3 => match with { Path = "/login", Methods = ["POST"] },
                _ => match with { Path = "/users/{id:regex(^[0-9]+$)}" },
            };
            configs.Add(new RouteConfig { RouteId = MatchTables.RouteName(host, kind), ClusterId = "c", Match = match });
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory(configs, [new ClusterConfig { ClusterId = "c", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = "http://127.0.0.1:1" } } }]);
        _app = builder.Build();
        _app.MapReverseProxy();
        var source = new CompositeEndpointDataSource(((IEndpointRouteBuilder)_app).DataSources);
        var factoryType = typeof(EndpointDataSource).Assembly.GetType("Microsoft.AspNetCore.Routing.Matching.MatcherFactory", true)!;
        var matcher = factoryType.GetMethod("CreateMatcher")!.Invoke(_app.Services.GetRequiredService(factoryType), [source])!;
        _match = (Func<HttpContext, Task>)Delegate.CreateDelegate(typeof(Func<HttpContext, Task>), matcher, matcher.GetType().GetMethod("MatchAsync")!);
    }

    public static DefaultHttpContext Context(BenchRequest request)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = request.Method;
        ctx.Request.Scheme = "http";
        ctx.Request.Host = new HostString(request.Host);
        var q = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        ctx.Request.Path = q < 0 ? request.PathAndQuery : request.PathAndQuery[..q];
        ctx.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(request.PathAndQuery[q..]);
        foreach (var h in request.Headers)
        {
            ctx.Request.Headers[h.Name] = h.Value;
        }

        _ = ctx.Request.Query.Count; // warm the query feature cache, as the harness checklist says
        return ctx;
    }

    public string? Match(HttpContext ctx)
    {
        ctx.SetEndpoint(null);
        ctx.Request.RouteValues = null!;
        _match(ctx).GetAwaiter().GetResult();
        return ctx.GetEndpoint()?.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>()?.Config.RouteId;
    }

    public void Dispose() => ((IDisposable)_app).Dispose();
}
