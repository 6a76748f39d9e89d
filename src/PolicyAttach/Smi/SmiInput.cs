using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Conversion;
using PolicyAttach.Diagnostics;
using PolicyAttach.Manifests;
using PolicyAttach.Model;

namespace PolicyAttach.Smi;

// The Service Mesh Interface traffic APIs as read from the input, from the SMI specification
// (github.com/servicemeshinterface/smi-spec, apis/traffic-split, traffic-specs, traffic-access).

/// <summary>A TrafficSplit backend: a Service in the split's namespace and its whole-number weight.</summary>
internal sealed record SmiBackend(string Service, long Weight, string Field);

/// <summary>A reference from a TrafficSplit to the route group whose matches select the requests it splits.</summary>
internal sealed record SmiMatchRef(string Kind, string Name, string Field);

/// <summary>A TrafficSplit (split.smi-spec.io v1alpha1 to v1alpha4).</summary>
internal sealed record TrafficSplitObject
{
    public required ResourceKey Key { get; init; }

    public required ObjectMeta Metadata { get; init; }

    /// <summary>The root Service as written (a name, or the Service's host name).</summary>
    public required string Service { get; init; }

    public EquatableArray<SmiBackend> Backends { get; init; } = [];

    public EquatableArray<SmiMatchRef> Matches { get; init; } = [];
}

/// <summary>One match of an HTTPRouteGroup: a path expression anchored at the start, methods, header expressions (ANDed).</summary>
internal sealed record SmiHttpMatch
{
    public required string Name { get; init; }

    public string? PathRegex { get; init; }

    /// <summary>The methods; empty or <c>*</c> means every method.</summary>
    public EquatableArray<string> Methods { get; init; } = [];

    public EquatableArray<KeyValuePair<string, string>> Headers { get; init; } = [];

    public required string Field { get; init; }
}

/// <summary>An HTTPRouteGroup (specs.smi-spec.io).</summary>
internal sealed record HttpRouteGroupObject
{
    public required ResourceKey Key { get; init; }

    public EquatableArray<SmiHttpMatch> Matches { get; init; } = [];

    /// <summary>Where the matches were read: <c>spec.matches</c>, or a top-level <c>matches</c> as some examples write it.</summary>
    public required string MatchesField { get; init; }
}

/// <summary>
/// An SMI TCPRoute (specs.smi-spec.io): L4 TCP traffic on a list of ports; no ports (or none written) means every
/// port of the Service it is applied to.
/// </summary>
internal sealed record SmiTcpRouteObject
{
    public required ResourceKey Key { get; init; }

    public EquatableArray<int> Ports { get; init; } = [];

    /// <summary>Whether <c>spec.matches.ports</c> lists ports (an empty or missing list means every port).</summary>
    public bool HasPorts => Ports.Count > 0;

    /// <summary>Whether the port is one the route describes.</summary>
    public bool Covers(int port) => !HasPorts || Ports.Contains(port);
}

/// <summary>A rule of a TrafficTarget: the traffic spec (HTTPRouteGroup, TCPRoute, UDPRoute) it allows, by name.</summary>
internal sealed record SmiTargetRule(string Kind, string Name, string Field);

/// <summary>
/// A TrafficTarget (access.smi-spec.io), as far as the conversion reads it: its destination (a ServiceAccount, with
/// the port v1alpha1 allowed) and the traffic specs its rules name. What it allows is access control, which Gateway
/// API has no equivalent for; the converter reads it only to learn which ports carry TCP traffic.
/// </summary>
internal sealed record TrafficTargetObject
{
    public required ResourceKey Key { get; init; }

    /// <summary>The destination's namespace (the TrafficTarget's when not written).</summary>
    public required string DestinationNamespace { get; init; }

    /// <summary>The destination port (v1alpha1 only), or null.</summary>
    public int? DestinationPort { get; init; }

    public EquatableArray<SmiTargetRule> Rules { get; init; } = [];
}

/// <summary>The SMI objects of an input.</summary>
internal sealed record SmiInput
{
    public required EquatableArray<TrafficSplitObject> Splits { get; init; }

    public required EquatableArray<HttpRouteGroupObject> RouteGroups { get; init; }

    public EquatableArray<SmiTcpRouteObject> TcpRoutes { get; init; } = [];

    public EquatableArray<TrafficTargetObject> Targets { get; init; } = [];

    /// <summary>Objects only reported (UDPRoute, TrafficTarget, unknown kinds), with their spec.</summary>
    public required EquatableArray<KubeObject> Others { get; init; }

    public required IReadOnlyDictionary<ResourceKey, JsonElement> Specs { get; init; }

    /// <summary>Route groups whose matches are written at the top level (their fields have no <c>spec.</c> prefix).</summary>
    public required IReadOnlySet<ResourceKey> TopLevel { get; init; }

    public required EquatableArray<Diagnostic> Diagnostics { get; init; }
}

/// <summary>Reads SMI objects (kept by the core's manifest reader as unknown kinds) from a snapshot; nothing throws.</summary>
internal static class SmiReader
{
    public const string SplitGroup = "split.smi-spec.io";
    public const string SpecsGroup = "specs.smi-spec.io";
    public const string AccessGroup = "access.smi-spec.io";

    public static SmiInput Read(Snapshot snapshot)
    {
        var splits = new List<TrafficSplitObject>();
        var groups = new List<HttpRouteGroupObject>();
        var others = new List<KubeObject>();
        var tcpRoutes = new List<SmiTcpRouteObject>();
        var targets = new List<TrafficTargetObject>();
        var specs = new Dictionary<ResourceKey, JsonElement>();
        var topLevel = new HashSet<ResourceKey>();
        var diagnostics = new List<Diagnostic>();
        foreach (var obj in snapshot.Objects.Where(o => o.Group is SplitGroup or SpecsGroup or AccessGroup).OrderBy(o => o.Key))
        {
            var raw = obj switch
            {
                GenericObject g => g.Raw.Element,
                PolicyObject p => p.Spec.Element,
                _ => default,
            };
            var spec = obj switch
            {
                GenericObject g => g.Spec?.Element ?? default,
                PolicyObject p => p.Spec.Element,
                _ => default,
            };
            specs[obj.Key] = spec;
            var context = new ReadContext { Object = obj.Key };
            switch (obj.Group, obj.Kind)
            {
                case (SplitGroup, "TrafficSplit"):
                    var split = ReadSplit(obj, new Node(spec, "spec", context));
                    if (!context.HasErrors)
                    {
                        splits.Add(split);
                    }

                    break;
                case (SpecsGroup, "HTTPRouteGroup"):
                    var top = obj is GenericObject generic && generic.Raw.Element.TryGetProperty("matches", out _);
                    var node = top && !new Node(spec, "spec", context).Has("matches") ? new Node(raw, string.Empty, context) : new Node(spec, "spec", context);
                    var group = new HttpRouteGroupObject
                    {
                        Key = obj.Key,
                        Matches = node.List("matches", ReadMatch),
                        MatchesField = node.Path.Length == 0 ? "matches" : "spec.matches",
                    };
                    if (node.Path.Length == 0)
                    {
                        // The fields of such a group are at the top level: only "matches" is its content.
                        specs[obj.Key] = TopLevelMatches(raw);
                        topLevel.Add(obj.Key);
                    }

                    if (!context.HasErrors)
                    {
                        groups.Add(group);
                    }

                    break;
                // SMI's TCPRoute shares its kind name with Gateway API's (the group tells them apart).
                case (SpecsGroup, _) when obj.Kind == Kinds.TcpRoute.Kind:
                    var ports = new Node(spec, "spec", context)["matches"];
                    var tcp = new SmiTcpRouteObject
                    {
                        Key = obj.Key,
                        Ports = ports.IsObject(report: false) ? ports.Items("ports").Select(ReadPort).OfType<int>().Distinct().ToEquatableArray() : [],
                    };
                    if (!context.HasErrors)
                    {
                        tcpRoutes.Add(tcp);
                    }

                    break;
                case (AccessGroup, "TrafficTarget"):
                    var target = new Node(spec, "spec", context);
                    targets.Add(new TrafficTargetObject
                    {
                        Key = obj.Key,
                        DestinationNamespace = target["destination"].String("namespace") is { Length: > 0 } ns ? ns : obj.Namespace,
                        DestinationPort = target["destination"].Has("port") ? target["destination"].Int32("port") : null,
                        Rules = target.List("rules", r => !r.IsObject(report: false) ? null : new SmiTargetRule(r.String("kind") ?? string.Empty, r.String("name") ?? string.Empty, r.Path)),
                    });
                    others.Add(obj);
                    break;
                default:
                    others.Add(obj);
                    break;
            }

            diagnostics.AddRange(context.Diagnostics);
        }

        return new SmiInput
        {
            Splits = splits.ToEquatableArray(),
            RouteGroups = groups.ToEquatableArray(),
            Others = others.ToEquatableArray(),
            TcpRoutes = tcpRoutes.ToEquatableArray(),
            Targets = targets.ToEquatableArray(),
            Specs = specs,
            TopLevel = topLevel,
            Diagnostics = diagnostics.ToEquatableArray(),
        };
    }

    private static int? ReadPort(Node node)
    {
        var port = node.AsInt32();
        if (port is < 1 or > 65535)
        {
            node.Error(DiagnosticCodes.SchemaViolation, $"{port} is not a port (1 to 65535).");
            return null;
        }

        return port;
    }

    private static JsonElement TopLevelMatches(JsonElement raw)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("matches");
            raw.GetProperty("matches").WriteTo(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.Clone();
    }

    private static TrafficSplitObject ReadSplit(KubeObject obj, Node spec)
    {
        var quantities = obj.Version == "v1alpha1";
        var service = spec.String("service");
        if (string.IsNullOrEmpty(service))
        {
            spec["service"].Required();
        }

        return new TrafficSplitObject
        {
            Key = obj.Key,
            Metadata = obj.Metadata,
            Service = service ?? string.Empty,
            Backends = spec.List("backends", b =>
            {
                if (!b.IsObject())
                {
                    return null;
                }

                var name = b.String("service");
                if (string.IsNullOrEmpty(name))
                {
                    b["service"].Required();
                }

                // v1alpha1 wrote weights as quantities ("500m", or a plain number: whole units); later versions as
                // whole numbers. Every v1alpha1 weight is counted in thousandths so that "500m" and 1 keep their ratio.
                var number = b["weight"].Kind == JsonValueKind.String ? null : b.Int64("weight");
                var weight = b["weight"].Kind == JsonValueKind.String ? Quantity(b["weight"]) : quantities && number is { } n ? Math.Min(n, long.MaxValue / 1000) * 1000 : number;
                if (weight is < 0)
                {
                    b["weight"].Error(DiagnosticCodes.SchemaViolation, "a weight is a whole number, at least 0.");
                }

                return new SmiBackend(name ?? string.Empty, weight ?? 0, b.Path);
            }),
            Matches = spec.List("matches", m => !m.IsObject() ? null : new SmiMatchRef(m.String("kind") ?? "HTTPRouteGroup", m.String("name") ?? string.Empty, m.Path)),
        };
    }

    private static long? Quantity(Node node)
    {
        var text = node.AsString() ?? string.Empty;
        if (text.EndsWith('m') && long.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milli))
        {
            return milli;
        }

        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var whole))
        {
            return whole * 1000;
        }

        node.Error(DiagnosticCodes.BadValue, $"\"{text}\" is not a weight.");
        return null;
    }

    private static SmiHttpMatch? ReadMatch(Node node)
    {
        if (!node.IsObject())
        {
            return null;
        }

        var regex = node.String("pathRegex");
        if (regex is not null && Re2Patterns.TryCompile(regex, out var error) is null)
        {
            node["pathRegex"].Error(DiagnosticCodes.SchemaViolation, $"\"{regex}\" is not a regular expression PolicyAttach can run in linear time ({error}).");
        }

        var headers = node["headers"];
        var pairs = new List<KeyValuePair<string, string>>();
        if (headers.IsObject(report: false))
        {
            foreach (var name in headers.FieldNames())
            {
                pairs.Add(new(name, headers[name].AsString() ?? string.Empty));
            }
        }
        else
        {
            // Some versions write headers as a list of single-entry maps.
            foreach (var item in headers.AsItems())
            {
                if (item.IsObject())
                {
                    foreach (var name in item.FieldNames())
                    {
                        pairs.Add(new(name, item[name].AsString() ?? string.Empty));
                    }
                }
            }
        }

        foreach (var (name, value) in pairs)
        {
            if (Re2Patterns.TryCompile(value, out var headerError) is null)
            {
                headers.Error(DiagnosticCodes.SchemaViolation, $"the expression for header {name} cannot run in linear time ({headerError}).");
            }
        }

        return new SmiHttpMatch { Name = node.String("name") ?? string.Empty, PathRegex = regex, Methods = node.Strings("methods"), Headers = pairs.ToEquatableArray(), Field = node.Path };
    }
}
