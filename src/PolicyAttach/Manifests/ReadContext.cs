using System.Globalization;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;

namespace PolicyAttach.Manifests;

/// <summary>Collects the diagnostics of reading one object.</summary>
internal sealed class ReadContext
{
    public List<Diagnostic> Diagnostics { get; } = [];

    public ResourceKey? Object { get; set; }

    public bool HasErrors { get; private set; }

    public void Report(DiagnosticSeverity severity, string code, string path, string message)
    {
        if (severity == DiagnosticSeverity.Error)
        {
            HasErrors = true;
        }

        Diagnostics.Add(new Diagnostic { Severity = severity, Code = code, Subject = Object, Path = path.Length == 0 ? null : path, Message = message });
    }

    public void Error(string code, string path, string message) => Report(DiagnosticSeverity.Error, code, path, message);

    public void Warning(string code, string path, string message) => Report(DiagnosticSeverity.Warning, code, path, message);
}

/// <summary>
/// A cursor over one JSON value with its field path. Reading a field of the wrong type reports
/// <see cref="DiagnosticCodes.WrongType"/> and reads as absent, so that one bad field never loses the object.
/// </summary>
internal readonly struct Node
{
    private readonly JsonElement _element;

    public Node(JsonElement element, string path, ReadContext context)
    {
        _element = element;
        Path = path;
        Context = context;
    }

    public string Path { get; }

    public ReadContext Context { get; }

    public bool Exists => _element.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;

    public JsonValueKind Kind => _element.ValueKind;

    public JsonElement Element => _element;

    public Node this[string name]
    {
        get
        {
            var path = Path.Length == 0 ? name : Path + "." + name;
            if (_element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out var value))
            {
                return new Node(value, path, Context);
            }

            return new Node(default, path, Context);
        }
    }

    public bool Has(string name) => this[name].Exists;

    public bool IsObject(bool report = true)
    {
        if (_element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        if (report && Exists)
        {
            WrongType("an object");
        }

        return false;
    }

    public string? String(string name) => this[name].AsString();

    public string? AsString()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.String:
                return _element.GetString();
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                // YAML authors often leave scalars unquoted ("version: 2"); the API server would refuse it, but the
                // value is unambiguous, so read it and say so.
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected a string, found {Describe()}; read as \"{_element.GetRawText()}\". Quote the value.");
                return _element.GetRawText();
            default:
                WrongType("a string");
                return null;
        }
    }

    /// <summary>
    /// <see cref="AsString"/> for a value that must never be repeated (a Secret's): a number or boolean is read as its
    /// text with a warning that does not quote it.
    /// </summary>
    public string? AsSecretString()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected a string, found {Describe()}; read as its text (a Secret's value is not repeated here). Quote the value.");
                return _element.GetRawText();
            default:
                return AsString();
        }
    }

    public long? Int64(string name) => this[name].AsInt64();

    public long? AsInt64()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.Number when _element.TryGetInt64(out var value):
                return value;
            case JsonValueKind.String when long.TryParse(_element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected an integer, found the string \"{_element.GetString()}\"; read as {parsed}. Remove the quotes.");
                return parsed;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            default:
                WrongType("an integer");
                return null;
        }
    }

    public int? Int32(string name) => this[name].AsInt32();

    public int? AsInt32()
    {
        var value = AsInt64();
        if (value is null)
        {
            return null;
        }

        if (value is < int.MinValue or > int.MaxValue)
        {
            Context.Error(DiagnosticCodes.SchemaViolation, Path, $"{value} is out of range for a 32-bit integer.");
            return null;
        }

        return (int)value.Value;
    }

    public bool? Bool(string name) => this[name].AsBool();

    public bool? AsBool()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            default:
                WrongType("a boolean");
                return null;
        }
    }

    public IEnumerable<Node> Items(string name) => this[name].AsItems();

    public IEnumerable<Node> AsItems()
    {
        if (_element.ValueKind != JsonValueKind.Array)
        {
            if (Exists)
            {
                WrongType("a list");
            }

            yield break;
        }

        var i = 0;
        foreach (var item in _element.EnumerateArray())
        {
            yield return new Node(item, $"{Path}[{i}]", Context);
            i++;
        }
    }

    public int Count(string name)
    {
        var node = this[name];
        return node._element.ValueKind == JsonValueKind.Array ? node._element.GetArrayLength() : 0;
    }

    public EquatableArray<string> Strings(string name)
        => Items(name).Select(n => n.AsString()).Where(s => s is not null).Select(s => s!).ToEquatableArray();

    public EquatableArray<T> List<T>(string name, Func<Node, T?> read)
        where T : class
        => Items(name).Select(read).Where(x => x is not null).Select(x => x!).ToEquatableArray();

    public StringMap Map(string name) => this[name].AsMap();

    public StringMap AsMap()
    {
        if (!IsObject())
        {
            return StringMap.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in _element.EnumerateObject())
        {
            var value = this[property.Name].AsString();
            if (value is not null)
            {
                pairs.Add(new(property.Name, value));
            }
        }

        return StringMap.Create(pairs);
    }

    public JsonData? Data(string name) => this[name].AsData();

    public JsonData? AsData() => Exists ? JsonData.From(_element) : null;

    public DateTimeOffset? Timestamp(string name)
    {
        var node = this[name];
        var text = node.AsString();
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        Context.Warning(DiagnosticCodes.BadValue, node.Path, $"\"{text}\" is not an RFC 3339 timestamp; it is read as missing (the default creation time applies).");
        return null;
    }

    public void Error(string code, string message) => Context.Error(code, Path, message);

    public void Warning(string code, string message) => Context.Warning(code, Path, message);

    public void Required() => Context.Error(DiagnosticCodes.RequiredField, Path, $"{Path} is required.");

    private void WrongType(string expected)
        => Context.Error(DiagnosticCodes.WrongType, Path, $"expected {expected}, found {Describe()}. The API server would refuse this object, so it is dropped.");

    private string Describe() => _element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
