using System.Text.Json.Nodes;
using PolicyAttach.Collections;
using PolicyAttach.Model;
using PolicyAttach.Testing.Internal;

namespace PolicyAttach.Testing;

/// <summary>A <c>backendRefs[]</c> entry (or a mirror target): a Service port by default.</summary>
/// <param name="Name">The backend's name.</param>
/// <param name="Port">The Service port; required for a core Service.</param>
public sealed record BackendRefBuilder(string Name, int? Port)
{
    /// <summary>The backend's namespace, or null for the route's.</summary>
    public string? Namespace { get; init; }

    /// <summary>The weight, or null for the default 1.</summary>
    public int? Weight { get; init; }

    /// <summary>The backend's group (empty for a core Service).</summary>
    public string Group { get; init; } = Groups.Core;

    /// <summary>The backend's kind.</summary>
    public string Kind { get; init; } = "Service";

    internal JsonObject ToJson(bool withWeight = true) => Json.Obj(
        ("group", Group.Length == 0 && Kind == "Service" ? null : Group),
        ("kind", Group.Length == 0 && Kind == "Service" ? null : Kind),
        ("name", Name),
        ("namespace", Namespace),
        ("port", Port),
        ("weight", withWeight ? Weight : null));

    internal ResourceKey TargetKey(string routeNamespace) => new(Group, Kind, Namespace ?? routeNamespace, Name);

    internal Reference AsReference(string routeNamespace, string site)
        => new(ReferenceRole.Backend, TargetKey(routeNamespace), null, Group.Length == 0 && Kind == "Service" ? Port : null, site);

    internal BackendRefBuilder Retarget(string routeNamespace, ResourceKey target, string name)
        => TargetKey(routeNamespace) == target ? this with { Name = name } : this;
}

/// <summary>A header or query parameter match.</summary>
/// <param name="Name">The header or parameter name.</param>
/// <param name="Value">The value (a regular expression for <c>RegularExpression</c>).</param>
public sealed record HeaderMatchBuilder(string Name, string Value)
{
    /// <summary><c>Exact</c> (the default when null) or <c>RegularExpression</c>.</summary>
    public string? Type { get; init; }

    internal JsonObject ToJson() => Json.Obj(("type", Type), ("name", Name), ("value", Value));
}

/// <summary>An HTTPRoute match; unset fields match everything.</summary>
public sealed record HttpMatchBuilder
{
    /// <summary><c>path.type</c>: <c>Exact</c>, <c>PathPrefix</c> or <c>RegularExpression</c>; null leaves the path out (PathPrefix /).</summary>
    public string? PathType { get; init; }

    /// <summary><c>path.value</c>.</summary>
    public string? PathValue { get; init; }

    /// <summary>The method, or null for any.</summary>
    public string? Method { get; init; }

    /// <summary>Header matches.</summary>
    public EquatableArray<HeaderMatchBuilder> Headers { get; init; } = [];

    /// <summary>Query parameter matches.</summary>
    public EquatableArray<HeaderMatchBuilder> QueryParams { get; init; } = [];

    /// <summary>A <c>PathPrefix</c> match.</summary>
    /// <param name="value">The prefix.</param>
    /// <returns>The match.</returns>
    public static HttpMatchBuilder PathPrefix(string value) => new() { PathType = "PathPrefix", PathValue = value };

    /// <summary>An <c>Exact</c> path match.</summary>
    /// <param name="value">The path.</param>
    /// <returns>The match.</returns>
    public static HttpMatchBuilder Exact(string value) => new() { PathType = "Exact", PathValue = value };

    /// <summary>A <c>RegularExpression</c> path match.</summary>
    /// <param name="pattern">The expression.</param>
    /// <returns>The match.</returns>
    public static HttpMatchBuilder Regex(string pattern) => new() { PathType = "RegularExpression", PathValue = pattern };

    internal JsonObject ToJson() => Json.Obj(
        ("path", PathType is null && PathValue is null ? null : Json.Obj(("type", PathType), ("value", PathValue))),
        ("headers", Json.ArrayOrNull(Headers.Select(h => (JsonNode?)h.ToJson()))),
        ("queryParams", Json.ArrayOrNull(QueryParams.Select(h => (JsonNode?)h.ToJson()))),
        ("method", Method));

    internal IEnumerable<HttpMatchBuilder> ShrinkParts()
    {
        if (PathType is not null || PathValue is not null)
        {
            yield return this with { PathType = null, PathValue = null };
        }

        if (Method is not null)
        {
            yield return this with { Method = null };
        }

        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            yield return this with { Headers = ServiceBuilder.Without(Headers, i) };
        }

        for (var i = QueryParams.Count - 1; i >= 0; i--)
        {
            yield return this with { QueryParams = ServiceBuilder.Without(QueryParams, i) };
        }
    }
}

/// <summary>
/// A route filter (HTTPRoute and GRPCRoute rules): set the properties of its <see cref="Type"/> only. The factories
/// make each type.
/// </summary>
/// <param name="Type"><c>RequestHeaderModifier</c>, <c>ResponseHeaderModifier</c>, <c>RequestRedirect</c>, <c>URLRewrite</c> or <c>RequestMirror</c>.</param>
public sealed record FilterBuilder(string Type)
{
    /// <summary>Headers to set (header modifiers).</summary>
    public StringMap Set { get; init; } = StringMap.Empty;

    /// <summary>Headers to add (header modifiers).</summary>
    public StringMap Add { get; init; } = StringMap.Empty;

    /// <summary>Headers to remove (header modifiers).</summary>
    public EquatableArray<string> Remove { get; init; } = [];

    /// <summary>The scheme of a redirect, or null.</summary>
    public string? Scheme { get; init; }

    /// <summary>The hostname of a redirect or rewrite, or null.</summary>
    public string? Hostname { get; init; }

    /// <summary>The port of a redirect, or null.</summary>
    public int? Port { get; init; }

    /// <summary>The status code of a redirect (301 or 302), or null for 302.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The path modifier type of a redirect or rewrite: <c>ReplaceFullPath</c> or <c>ReplacePrefixMatch</c>, or null.</summary>
    public string? PathModifier { get; init; }

    /// <summary>The path modifier's value.</summary>
    public string? PathValue { get; init; }

    /// <summary>The mirror target of a <c>RequestMirror</c> filter.</summary>
    public BackendRefBuilder? Mirror { get; init; }

    /// <summary>A <c>RequestHeaderModifier</c> that sets one header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The filter.</returns>
    public static FilterBuilder SetRequestHeader(string name, string value) => new("RequestHeaderModifier") { Set = StringMap.Of((name, value)) };

    /// <summary>A <c>ResponseHeaderModifier</c> that adds one header.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The filter.</returns>
    public static FilterBuilder AddResponseHeader(string name, string value) => new("ResponseHeaderModifier") { Add = StringMap.Of((name, value)) };

    /// <summary>A <c>RequestRedirect</c>.</summary>
    /// <param name="hostname">The hostname to redirect to, or null to keep it.</param>
    /// <param name="statusCode">301 or 302.</param>
    /// <returns>The filter.</returns>
    public static FilterBuilder Redirect(string? hostname, int statusCode = 302) => new("RequestRedirect") { Hostname = hostname, StatusCode = statusCode };

    /// <summary>A <c>URLRewrite</c> that replaces the matched prefix (only on <c>PathPrefix</c> matches).</summary>
    /// <param name="prefix">The replacement.</param>
    /// <returns>The filter.</returns>
    public static FilterBuilder RewritePrefix(string prefix) => new("URLRewrite") { PathModifier = "ReplacePrefixMatch", PathValue = prefix };

    /// <summary>A <c>RequestMirror</c>.</summary>
    /// <param name="backend">The mirror target.</param>
    /// <returns>The filter.</returns>
    public static FilterBuilder RequestMirror(BackendRefBuilder backend) => new("RequestMirror") { Mirror = backend };

    internal JsonObject ToJson()
    {
        JsonObject? headers = Set.Count + Add.Count + Remove.Count == 0 ? null : Json.Obj(
            ("set", Json.ArrayOrNull(Set.Select(h => (JsonNode?)Json.Obj(("name", h.Key), ("value", h.Value))))),
            ("add", Json.ArrayOrNull(Add.Select(h => (JsonNode?)Json.Obj(("name", h.Key), ("value", h.Value))))),
            ("remove", Json.Strings(Remove)));
        var path = PathModifier is null ? null : Json.Obj(("type", PathModifier), (PathModifier == "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch", PathValue));
        return Type switch
        {
            "RequestHeaderModifier" => Json.Obj(("type", Type), ("requestHeaderModifier", headers ?? new JsonObject())),
            "ResponseHeaderModifier" => Json.Obj(("type", Type), ("responseHeaderModifier", headers ?? new JsonObject())),
            "RequestRedirect" => Json.Obj(("type", Type), ("requestRedirect", Json.Obj(("scheme", Scheme), ("hostname", Hostname), ("path", path), ("port", Port), ("statusCode", StatusCode)))),
            "URLRewrite" => Json.Obj(("type", Type), ("urlRewrite", Json.Obj(("hostname", Hostname), ("path", path)))),
            "RequestMirror" => Json.Obj(("type", Type), ("requestMirror", Mirror is null ? null : Json.Obj(("backendRef", Mirror.ToJson(withWeight: false))))),
            _ => Json.Obj(("type", Type)),
        };
    }
}

/// <summary>A rule of an HTTPRoute.</summary>
public sealed record HttpRuleBuilder
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The matches, ORed; empty matches every request (PathPrefix /).</summary>
    public EquatableArray<HttpMatchBuilder> Matches { get; init; } = [];

    /// <summary>Filters applied to every matching request.</summary>
    public EquatableArray<FilterBuilder> Filters { get; init; } = [];

    /// <summary>The weighted backends.</summary>
    public EquatableArray<BackendRefBuilder> BackendRefs { get; init; } = [];

    internal JsonObject ToJson() => Json.Obj(
        ("name", Name),
        ("matches", Json.ArrayOrNull(Matches.Select(m => (JsonNode?)m.ToJson()))),
        ("filters", Json.ArrayOrNull(Filters.Select(f => (JsonNode?)f.ToJson()))),
        ("backendRefs", Json.ArrayOrNull(BackendRefs.Select(b => (JsonNode?)b.ToJson()))));
}

/// <summary>A GRPCRoute match; unset fields match everything.</summary>
public sealed record GrpcMatchBuilder
{
    /// <summary>The fully qualified service, or null for any.</summary>
    public string? Service { get; init; }

    /// <summary>The method, or null for any.</summary>
    public string? Method { get; init; }

    /// <summary><c>Exact</c> (the default when null) or <c>RegularExpression</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Header matches.</summary>
    public EquatableArray<HeaderMatchBuilder> Headers { get; init; } = [];

    internal JsonObject ToJson() => Json.Obj(
        ("method", Service is null && Method is null ? null : Json.Obj(("type", Type), ("service", Service), ("method", Method))),
        ("headers", Json.ArrayOrNull(Headers.Select(h => (JsonNode?)h.ToJson()))));
}

/// <summary>A rule of a GRPCRoute.</summary>
public sealed record GrpcRuleBuilder
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The matches, ORed; empty matches every gRPC request.</summary>
    public EquatableArray<GrpcMatchBuilder> Matches { get; init; } = [];

    /// <summary>Filters (header modifiers, mirrors).</summary>
    public EquatableArray<FilterBuilder> Filters { get; init; } = [];

    /// <summary>The weighted backends.</summary>
    public EquatableArray<BackendRefBuilder> BackendRefs { get; init; } = [];

    internal JsonObject ToJson() => Json.Obj(
        ("name", Name),
        ("matches", Json.ArrayOrNull(Matches.Select(m => (JsonNode?)m.ToJson()))),
        ("filters", Json.ArrayOrNull(Filters.Select(f => (JsonNode?)f.ToJson()))),
        ("backendRefs", Json.ArrayOrNull(BackendRefs.Select(b => (JsonNode?)b.ToJson()))));
}

/// <summary>The one rule of a TLSRoute, TCPRoute or UDPRoute: backends only.</summary>
public sealed record StreamRuleBuilder
{
    /// <summary>The rule name (a policy <c>sectionName</c>), or null.</summary>
    public string? Name { get; init; }

    /// <summary>The weighted backends (at least one).</summary>
    public EquatableArray<BackendRefBuilder> BackendRefs { get; init; } = [];

    internal JsonObject ToJson() => Json.Obj(
        ("name", Name),
        ("backendRefs", Json.ArrayOrNull(BackendRefs.Select(b => (JsonNode?)b.ToJson()))));
}
