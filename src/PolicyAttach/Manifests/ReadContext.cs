using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PolicyAttach.Collections;
using PolicyAttach.Diagnostics;
using PolicyAttach.Model;
using PolicyAttach.Model.Routes;

namespace PolicyAttach.Manifests;

/// <summary>Collects the diagnostics of reading one object.</summary>
internal sealed class ReadContext
{
    public List<Diagnostic> Diagnostics { get; } = [];

    public ResourceKey? Object { get; set; }

    public bool HasErrors { get; private set; }

    /// <summary>Where the last path asked was found in its tokens (<see cref="ManifestTokens.AppendPath"/>).</summary>
    private ManifestTokens.PathMemo _pathMemo;

    /// <summary>Appends the place of token <paramref name="target"/> of <paramref name="tokens"/> to <paramref name="builder"/>.</summary>
    public void AppendPath(ManifestTokens tokens, System.Text.StringBuilder builder, int target) => tokens.AppendPath(builder, target, ref _pathMemo);

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
/// A cursor over one value of a <see cref="ManifestTokens"/> with its field path. Reading a field of the wrong type reports
/// <see cref="DiagnosticCodes.WrongType"/> and reads as absent, so that one bad field never loses the object. The
/// path is kept as a parent chain and written out only when a diagnostic needs it.
/// </summary>
internal readonly struct Node
{
    private readonly ManifestTokens _tokens;

    /// <summary>The value's token, or -1 when the value is absent.</summary>
    private readonly int _index;

    /// <summary>
    /// The token of the nearest value at or above this node that is present (this node's own when it is present), or -1
    /// when not even the root is; the path is that token's place in the tokens, then <see cref="_parentName"/> and
    /// <see cref="_name"/> for the absent fields below it.
    /// </summary>
    private readonly int _anchor;

    /// <summary>The names of the absent fields between the anchor and this node's field (joined with dots), or null.</summary>
    private readonly string? _parentName;

    /// <summary>This node's field name when the node is absent, or the root's path; null for a present node.</summary>
    private readonly string? _name;

    /// <summary>The path the root was given (<c>spec</c>), written before every path; null for none.</summary>
    private readonly string? _root;

    public Node(ManifestTokens tokens, string path, ReadContext context)
        : this(tokens, tokens.Count == 0 ? -1 : 0, tokens.Count == 0 ? -1 : 0, null, null, path.Length == 0 ? null : path, context)
    {
    }

    /// <summary>A cursor over an element (its text is read into tokens first).</summary>
    public Node(JsonElement element, string path, ReadContext context)
        : this(ManifestTokens.From(element), path, context)
    {
    }

    private Node(ManifestTokens tokens, int index, int anchor, string? parentName, string? name, string? root, ReadContext context)
    {
        _tokens = tokens;
        _index = index;
        _anchor = anchor;
        _parentName = parentName;
        _name = name;
        _root = root;
        Context = context;
    }

    /// <summary>
    /// The field path (<c>spec.rules[0]</c>), built when asked: the root's path, the place of the anchor's token
    /// (found by walking the tokens from the root), then the names of the absent fields below it. Reading a field never
    /// makes a path object; a diagnostic makes its path string.
    /// </summary>
    public string Path
    {
        get
        {
            if (_anchor <= 0 && _parentName is null && _name is null)
            {
                return _root ?? string.Empty;
            }

            var builder = new System.Text.StringBuilder(_root);
            Context.AppendPath(_tokens, builder, _anchor);
            AppendName(builder, _parentName);
            AppendName(builder, _name);
            return builder.ToString();
        }
    }

    private static void AppendName(System.Text.StringBuilder builder, string? name)
    {
        if (name is not null)
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(name);
        }
    }

    public ReadContext Context { get; }

    public bool Exists => Kind is not JsonValueKind.Undefined and not JsonValueKind.Null;

    public JsonValueKind Kind => _tokens.KindOf(_index);

    public Node this[string name] => Child(name, _tokens.Field(_index, name));

    /// <summary>
    /// The node of field <paramref name="name"/>, whose value is token <paramref name="value"/>: a present value is its
    /// own anchor; an absent one keeps this node's anchor and the names below it (joined only below two absent fields).
    /// </summary>
    private Node Child(string name, int value)
    {
        if (value >= 0)
        {
            return new(_tokens, value, value, null, null, _root, Context);
        }

        if (_index >= 0)
        {
            return new(_tokens, -1, _index, null, name, _root, Context);
        }

        var above = _name is null ? _parentName : _parentName is null ? _name : _parentName + "." + _name;
        return new(_tokens, -1, _anchor, above, name, _root, Context);
    }

    /// <summary>The item whose value is token <paramref name="value"/> (items are always present: their place is their token).</summary>
    private Node ItemAt(int value) => new(_tokens, value, value, null, null, _root, Context);

    /// <summary>The value's token of field <paramref name="name"/> when this is an object that has it; no path is made.</summary>
    private bool TryField(string name, out int value)
    {
        value = _tokens.Field(_index, name);
        return value >= 0;
    }

    public bool Has(string name) => TryField(name, out var value) && _tokens.KindOf(value) is not JsonValueKind.Null;

    /// <summary>Whether this is an object with a field <paramref name="name"/> (of any value, null too).</summary>
    public bool HasField(string name) => TryField(name, out _);

    /// <summary>The value when it is a string, or null (no diagnostic).</summary>
    public string? StringValue => Kind == JsonValueKind.String ? _tokens.String(_index) : null;

    /// <summary>The value's JSON text (a number as written).</summary>
    public string RawText => _tokens.RawText(_index);

    /// <summary>The number of items when this is a list, or 0.</summary>
    public int ItemCount => Kind == JsonValueKind.Array ? _tokens.Length(_index) : 0;

    /// <summary>The value as a finite double when it is a number that reads as one.</summary>
    public bool TryGetDouble(out double value)
    {
        if (Kind == JsonValueKind.Number)
        {
            return _tokens.TryGetDouble(_index, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>The field names of this object in order (repeated names as often as they appear); empty for anything else.</summary>
    public List<string> FieldNames()
    {
        var names = new List<string>();
        foreach (var property in _tokens.Properties(_index))
        {
            names.Add(_tokens.String(property));
        }

        return names;
    }

    public bool IsObject(bool report = true)
    {
        if (Kind == JsonValueKind.Object)
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
        if (!TryField(name, out var value) || _tokens.KindOf(value) == JsonValueKind.Null)
        {
            return null;
        }

        // A string reads without a diagnostic, so without a path; anything else may need one.
        return _tokens.KindOf(value) == JsonValueKind.String ? _tokens.String(value) : Child(name, value).AsString();
    }

    public string? AsString()
    {
        switch (Kind)
        {
            case JsonValueKind.String:
                return _tokens.String(_index);
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                // YAML authors often leave scalars unquoted ("version: 2"); the API server would refuse it, but the
                // value is unambiguous, so read it and say so.
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected a string, found {Describe()}; read as \"{RawText}\". Quote the value.");
                return RawText;
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
        switch (Kind)
        {
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected a string, found {Describe()}; read as its text (a Secret's value is not repeated here). Quote the value.");
                return RawText;
            default:
                return AsString();
        }
    }

    public long? Int64(string name)
    {
        if (!TryField(name, out var value) || _tokens.KindOf(value) == JsonValueKind.Null)
        {
            return null;
        }

        return _tokens.KindOf(value) == JsonValueKind.Number && _tokens.TryGetInt64(value, out var number) ? number : Child(name, value).AsInt64();
    }

    public long? AsInt64()
    {
        switch (Kind)
        {
            case JsonValueKind.Number when _tokens.TryGetInt64(_index, out var value):
                return value;
            case JsonValueKind.String when long.TryParse(_tokens.String(_index), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                Context.Warning(DiagnosticCodes.WrongType, Path, $"expected an integer, found the string \"{_tokens.String(_index)}\"; read as {parsed}. Remove the quotes.");
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

        return _tokens.KindOf(value) switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => Child(name, value).AsBool(),
        };
    }

    public bool? AsBool()
    {
        switch (Kind)
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
            private readonly int _end;
            private int _next;
            private readonly bool _isList;

            public Enumerator(Node list)
            {
                _list = list;
                _isList = list.Kind == JsonValueKind.Array;
                if (!_isList)
                {
                    if (list.Exists)
                    {
                        list.WrongType("a list");
                    }

                    (_next, _end) = (0, 0);
                }
                else
                {
                    (_next, _end) = (list._index + 1, list._tokens.After(list._index));
                }

                Current = default;
            }

            public Node Current { get; private set; }

            readonly object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext()
            {
                if (!_isList || _next >= _end)
                {
                    return false;
                }

                Current = _list.ItemAt(_next);
                _next = _list._tokens.After(_next);
                return true;
            }

            public void Reset() => throw new NotSupportedException();

            public readonly void Dispose()
            {
            }
        }
    }

    public int Count(string name)
        => TryField(name, out var value) && _tokens.KindOf(value) == JsonValueKind.Array ? _tokens.Length(value) : 0;

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
        => AsList(read, static (node, read) => read(node));

    /// <summary>
    /// <see cref="AsList{T}(Func{Node, T})"/> with a value passed to <paramref name="read"/>, so that a reader that needs
    /// one (the route's namespace) is a static lambda and no closure is made for every list read.
    /// </summary>
    public EquatableArray<T> AsList<T, TState>(TState state, Func<Node, TState, T?> read)
        where T : class
    {
        if (Kind != JsonValueKind.Array)
        {
            if (Exists)
            {
                WrongType("a list");
            }

            return [];
        }

        var length = _tokens.Length(_index);
        if (length == 0)
        {
            return [];
        }

        var items = new T[length];
        var count = 0;
        var i = 0;
        for (var item = _index + 1; i < length; item = _tokens.After(item))
        {
            if (read(ItemAt(item), state) is { } value)
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
        foreach (var property in _tokens.Properties(_index))
        {
            // The value the field reads as (the last of duplicate keys), with no path unless it is reported.
            var name = _tokens.String(property);
            var value = TryField(name, out var field) && _tokens.KindOf(field) == JsonValueKind.String ? _tokens.String(field) : this[name].AsString();
            if (value is not null)
            {
                pairs.Add(new(name, value));
            }
        }

        return StringMap.Create(pairs);
    }

    public JsonData? Data(string name) => TryField(name, out var value) && _tokens.KindOf(value) is not JsonValueKind.Null ? JsonData.From(_tokens.Element(value)) : null;

    public JsonData? AsData() => Exists ? JsonData.From(_tokens.Element(_index)) : null;

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

    private string Describe() => Kind switch
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
    private const int Slots = 4096;
    private const int MaxBytes = 64;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>The string of UTF-8 <paramref name="utf8"/> (an unescaped string value).</summary>
    public static string Of(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes || !System.Text.Ascii.IsValid(utf8))
        {
            return System.Text.Encoding.UTF8.GetString(utf8);
        }

        var slots = t_slots ??= new string?[Slots];
        ref var slot = ref slots[Hash(utf8) & (Slots - 1)];
        if (slot is { } recent && recent.Length == utf8.Length && System.Text.Ascii.Equals(utf8, recent))
        {
            return recent;
        }

        return slot = System.Text.Encoding.ASCII.GetString(utf8);
    }

    /// <summary>A hash of every byte, eight at a time (which slot a string takes changes only what is shared).</summary>
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        var hash = (ulong)utf8.Length * Multiplier;
        if (utf8.Length >= 8)
        {
            for (var i = 0; i + 8 <= utf8.Length; i += 8)
            {
                hash = (System.Numerics.BitOperations.RotateLeft(hash, 23) ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[i..])) * Multiplier;
            }

            hash = (System.Numerics.BitOperations.RotateLeft(hash, 23) ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..])) * Multiplier;
        }
        else
        {
            foreach (var b in utf8)
            {
                hash = (hash ^ b) * Multiplier;
            }
        }

        return (uint)(hash >> 32);
    }
}

/// <summary>
/// The references the route readers read, shared with the last equal one read on this thread, as
/// <see cref="RecentStrings"/> shares strings: a large cluster's routes refer again and again to the same Gateways and
/// Services (on 50,000 routes, 100,000 parentRefs and 400,000 backendRefs for a few hundred distinct values), and each
/// loaded route otherwise keeps its own copies. The model's objects are immutable, so a shared one is the same as a new
/// one; a slot keeps the last one made, so a miss only costs the copy it would have cost anyway.
/// </summary>
internal static class RecentReferences
{
    private const int Slots = 1024;

    [ThreadStatic]
    private static (BackendReference Reference, RouteBackendRef? Unfiltered)[]? t_backends;

    [ThreadStatic]
    private static ParentReference?[]? t_parents;

    /// <summary>A backend reference with these fields.</summary>
    public static BackendReference Backend(string group, string kind, string name, string ns, int? port, int weight)
    {
        var slots = t_backends ??= new (BackendReference, RouteBackendRef?)[Slots];
        ref var slot = ref slots[(uint)HashCode.Combine(name, ns, port, weight) & (Slots - 1)];
        if (slot.Reference is { } recent && recent.Port == port && recent.Weight == weight && string.Equals(recent.Name, name, StringComparison.Ordinal)
            && string.Equals(recent.Namespace, ns, StringComparison.Ordinal) && string.Equals(recent.Group, group, StringComparison.Ordinal)
            && string.Equals(recent.Kind, kind, StringComparison.Ordinal))
        {
            return recent;
        }

        var made = new BackendReference { Group = group, Kind = kind, Name = name, Namespace = ns, Port = port, Weight = weight };
        slot = (made, null);
        return made;
    }

    /// <summary>A backendRef of a route rule without filters, to <paramref name="reference"/> (from <see cref="Backend"/>).</summary>
    public static RouteBackendRef Unfiltered(BackendReference reference)
    {
        var slots = t_backends ??= new (BackendReference, RouteBackendRef?)[Slots];
        ref var slot = ref slots[(uint)HashCode.Combine(reference.Name, reference.Namespace, reference.Port, reference.Weight) & (Slots - 1)];
        if (!ReferenceEquals(slot.Reference, reference))
        {
            return new RouteBackendRef { BackendRef = reference };
        }

        return slot.Unfiltered ??= new RouteBackendRef { BackendRef = reference };
    }

    /// <summary>A parent reference with these fields.</summary>
    public static ParentReference Parent(string group, string kind, string ns, bool namespaceSet, string name, string? sectionName, int? port)
    {
        var slots = t_parents ??= new ParentReference?[Slots];
        ref var slot = ref slots[(uint)HashCode.Combine(name, ns, sectionName, port, namespaceSet) & (Slots - 1)];
        if (slot is { } recent && recent.Port == port && recent.NamespaceSet == namespaceSet && string.Equals(recent.Name, name, StringComparison.Ordinal)
            && string.Equals(recent.Namespace, ns, StringComparison.Ordinal) && string.Equals(recent.SectionName, sectionName, StringComparison.Ordinal)
            && string.Equals(recent.Group, group, StringComparison.Ordinal) && string.Equals(recent.Kind, kind, StringComparison.Ordinal))
        {
            return recent;
        }

        return slot = new ParentReference { Group = group, Kind = kind, Namespace = ns, NamespaceSet = namespaceSet, Name = name, SectionName = sectionName, Port = port };
    }
}

/// <summary>
/// Short lists of shared items (<see cref="RecentReferences"/>, <see cref="RecentStrings"/>) shared in turn with the
/// last list of the same items made on this thread: the routes of a namespace list the same backends in the same rule
/// and the same parents. A list is the same whether shared or not.
/// </summary>
/// <typeparam name="T">The item type, compared by reference.</typeparam>
internal static class RecentLists<T>
    where T : class
{
    private const int Slots = 1024;
    private const int MaxItems = 4;

    [ThreadStatic]
    private static EquatableArray<T>[]? t_slots;

    /// <summary>The last list of the same items (by reference) made on this thread, else <paramref name="list"/>.</summary>
    public static EquatableArray<T> Of(EquatableArray<T> list)
    {
        var items = list.AsSpan();
        if (items.IsEmpty || items.Length > MaxItems)
        {
            return list;
        }

        var hash = 0;
        foreach (var item in items)
        {
            hash = HashCode.Combine(hash, RuntimeHelpers.GetHashCode(item));
        }

        var slots = t_slots ??= new EquatableArray<T>[Slots];
        ref var slot = ref slots[(uint)hash & (Slots - 1)];
        var recent = slot.AsSpan();
        if (recent.Length == items.Length)
        {
            var same = true;
            for (var i = 0; i < items.Length && same; i++)
            {
                same = ReferenceEquals(recent[i], items[i]);
            }

            if (same)
            {
                return slot;
            }
        }

        return slot = list;
    }
}
