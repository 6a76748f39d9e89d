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
/// Where a <see cref="Node"/> is: a chain of field names and item indexes up to the root. The path string
/// (<c>spec.rules[0].matches</c>) is built only when a diagnostic asks for it; most fields are read without one.
/// </summary>
internal sealed class FieldPath(FieldPath? parent, string? name, int index)
{
    /// <summary>The path of a field called <paramref name="name"/> of the node at <paramref name="parent"/>.</summary>
    public static FieldPath Field(FieldPath? parent, string name) => new(parent, name, -1);

    /// <summary>The path of item <paramref name="index"/> of the list at <paramref name="parent"/>.</summary>
    public static FieldPath Item(FieldPath? parent, int index) => new(parent, null, index);

    /// <summary>The path text (<c>spec.rules[0].matches</c>); empty for the root.</summary>
    public static string Text(FieldPath? path)
    {
        if (path is null)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder();
        path.Append(builder);
        return builder.ToString();
    }

    private void Append(System.Text.StringBuilder builder)
    {
        parent?.Append(builder);
        if (name is not null)
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(name);
        }
        else
        {
            builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
    }
}

/// <summary>
/// A cursor over one JSON value with its field path. Reading a field of the wrong type reports
/// <see cref="DiagnosticCodes.WrongType"/> and reads as absent, so that one bad field never loses the object. The
/// path is kept as a parent chain and written out only when a diagnostic needs it.
/// </summary>
internal readonly struct Node
{
    private readonly JsonElement _element;

    /// <summary>The path of this node (an item or the root), or of its parent's parent when <see cref="_name"/> is set.</summary>
    private readonly FieldPath? _at;

    /// <summary>The parent's field name when the parent is a field; its path object is not made until needed.</summary>
    private readonly string? _parentName;

    /// <summary>This node's field name: its path object is made only when a list's items or a diagnostic need it.</summary>
    private readonly string? _name;

    public Node(JsonElement element, string path, ReadContext context)
        : this(element, null, null, path.Length == 0 ? null : path, context)
    {
    }

    private Node(JsonElement element, FieldPath? at, string? parentName, string? name, ReadContext context)
    {
        _element = element;
        _at = at;
        _parentName = parentName;
        _name = name;
        Context = context;
    }

    /// <summary>The field path (<c>spec.rules[0]</c>), built when asked.</summary>
    public string Path => FieldPath.Text(Here);

    /// <summary>The parent's path object, made now when the parent is a field.</summary>
    private FieldPath? Parent => _parentName is null ? _at : FieldPath.Field(_at, _parentName);

    /// <summary>This node's path object, made now when it is a field (fields read by value never make one).</summary>
    private FieldPath? Here => _name is null ? _at : FieldPath.Field(Parent, _name);

    public ReadContext Context { get; }

    public bool Exists => _element.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null;

    public JsonValueKind Kind => _element.ValueKind;

    public JsonElement Element => _element;

    public Node this[string name]
        => Child(name, _element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out var value) ? value : default);

    /// <summary>The node of field <paramref name="name"/>, whose value is <paramref name="value"/>; a path object is made only for a field three names deep.</summary>
    private Node Child(string name, JsonElement value) => _name is null ? new(value, _at, null, name, Context) : new(value, Parent, _name, name, Context);

    /// <summary>Item <paramref name="index"/> of this list, whose value is <paramref name="value"/>; <paramref name="list"/> is this node's path.</summary>
    private Node ItemAt(FieldPath? list, int index, JsonElement value) => new(value, FieldPath.Item(list, index), null, null, Context);

    /// <summary>The value of field <paramref name="name"/> when this is an object that has it; no path is made.</summary>
    private bool TryField(string name, out JsonElement value)
    {
        if (_element.ValueKind == JsonValueKind.Object && _element.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public bool Has(string name) => TryField(name, out var value) && value.ValueKind is not JsonValueKind.Null;

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

    public string? String(string name)
    {
        if (!TryField(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // A string reads without a diagnostic, so without a path; anything else may need one.
        return value.ValueKind == JsonValueKind.String ? RecentStrings.Of(value) : Child(name, value).AsString();
    }

    public string? AsString()
    {
        switch (_element.ValueKind)
        {
            case JsonValueKind.String:
                return RecentStrings.Of(_element);
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

    public long? Int64(string name)
    {
        if (!TryField(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : Child(name, value).AsInt64();
    }

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

    public bool? Bool(string name)
    {
        if (!TryField(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => Child(name, value).AsBool(),
        };
    }

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

    public NodeItems Items(string name) => this[name].AsItems();

    /// <summary>
    /// The items of this list, each with its path; a value that is not a list reports <see cref="DiagnosticCodes.WrongType"/>
    /// when the enumeration starts (as an iterator would) and has no items. <c>foreach</c> allocates nothing.
    /// </summary>
    public NodeItems AsItems() => new(this);

    /// <summary>The items of a list node (<see cref="AsItems"/>).</summary>
    internal readonly struct NodeItems(Node list) : IEnumerable<Node>
    {
        public Enumerator GetEnumerator() => new(list);

        IEnumerator<Node> IEnumerable<Node>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Walks the items; made when the enumeration starts, which is when a wrong type is reported.</summary>
        internal struct Enumerator : IEnumerator<Node>
        {
            private readonly Node _list;
            private readonly FieldPath? _path;
            private JsonElement.ArrayEnumerator _items;
            private readonly bool _isList;
            private int _index;

            public Enumerator(Node list)
            {
                _list = list;
                _isList = list._element.ValueKind == JsonValueKind.Array;
                if (!_isList)
                {
                    if (list.Exists)
                    {
                        list.WrongType("a list");
                    }

                    _path = null;
                    _items = default;
                }
                else
                {
                    _path = list.Here;
                    _items = list._element.EnumerateArray();
                }

                _index = -1;
                Current = default;
            }

            public Node Current { get; private set; }

            readonly object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext()
            {
                if (!_isList || !_items.MoveNext())
                {
                    return false;
                }

                _index++;
                Current = _list.ItemAt(_path, _index, _items.Current);
                return true;
            }

            public void Reset() => throw new NotSupportedException();

            public readonly void Dispose()
            {
            }
        }
    }

    public int Count(string name)
        => TryField(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;

    public EquatableArray<string> Strings(string name) => this[name].AsList(static n => n.AsString());

    public EquatableArray<T> List<T>(string name, Func<Node, T?> read)
        where T : class
        => this[name].AsList(read);

    /// <summary>
    /// The items of this list as <paramref name="read"/> reads them, in order, leaving out those it reads as absent
    /// (<see cref="AsItems"/> says what a value that is not a list reports); read in one loop into an array of the
    /// list's length, with no intermediate sequences.
    /// </summary>
    public EquatableArray<T> AsList<T>(Func<Node, T?> read)
        where T : class
    {
        if (_element.ValueKind != JsonValueKind.Array)
        {
            if (Exists)
            {
                WrongType("a list");
            }

            return [];
        }

        var length = _element.GetArrayLength();
        if (length == 0)
        {
            return [];
        }

        var items = new T[length];
        var list = Here;
        var count = 0;
        var i = 0;
        foreach (var item in _element.EnumerateArray())
        {
            if (read(ItemAt(list, i, item)) is { } value)
            {
                items[count++] = value;
            }

            i++;
        }

        return new EquatableArray<T>(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(count == length ? items : items[..count]));
    }

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
            // The value the field reads as (the last of duplicate keys), with no path unless it is reported.
            var value = TryField(property.Name, out var field) && field.ValueKind == JsonValueKind.String ? RecentStrings.Of(field) : this[property.Name].AsString();
            if (value is not null)
            {
                pairs.Add(new(property.Name, value));
            }
        }

        return StringMap.Create(pairs);
    }

    public JsonData? Data(string name) => TryField(name, out var value) && value.ValueKind is not JsonValueKind.Null ? JsonData.From(value) : null;

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

    public void Required()
    {
        var path = Path;
        Context.Error(DiagnosticCodes.RequiredField, path, $"{path} is required.");
    }

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

/// <summary>
/// The strings the core reader reads, shared with the last string of the same short ASCII text read on this thread:
/// manifests repeat the same values (apiVersion, kind, namespaces, Gateway and Service names, match types) in every
/// object, and each loaded object otherwise keeps its own copies. A string is the same whether shared or not.
/// </summary>
internal static class RecentStrings
{
#if NET9_0_OR_GREATER
    private const int Slots = 4096;
    private const int MaxBytes = 64;

    [ThreadStatic]
    private static string?[]? t_slots;
#endif

    /// <summary>The string value of <paramref name="element"/> (a JSON string).</summary>
    public static string Of(JsonElement element)
    {
#if NET9_0_OR_GREATER
        // The raw value with its quotes; an escape or a non-ASCII byte is read by the element as usual.
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length > MaxBytes + 2)
        {
            return element.GetString()!;
        }

        var text = raw[1..^1];
        var hash = 2166136261u;
        foreach (var b in text)
        {
            if (b is >= 0x80 or (byte)'\\')
            {
                return element.GetString()!;
            }

            hash = (hash ^ b) * 16777619u;
        }

        var slots = t_slots ??= new string?[Slots];
        ref var slot = ref slots[hash & (Slots - 1)];
        if (slot is { } recent && recent.Length == text.Length && System.Text.Ascii.Equals(text, recent))
        {
            return recent;
        }

        return slot = System.Text.Encoding.ASCII.GetString(text);
#else
        return element.GetString()!;
#endif
    }
}
