using System.Text;
using System.Text.Json;

namespace PolicyAttach.Collections;

/// <summary>
/// An immutable JSON value (a policy spec, an unknown object's spec) that compares by content: two values are
/// equal when their canonical forms (object keys in ordinal order, no insignificant white space) are equal.
/// </summary>
public sealed class JsonData : IEquatable<JsonData>
{
    private string? _canonical;

    private JsonData(JsonElement element) => Element = element;

    /// <summary>The JSON <c>null</c> value.</summary>
    public static JsonData Null { get; } = Parse("null");

    /// <summary>The empty JSON object.</summary>
    public static JsonData EmptyObject { get; } = Parse("{}");

    /// <summary>The value as a detached <see cref="JsonElement"/>, safe to keep and share.</summary>
    public JsonElement Element { get; }

    /// <summary>The kind of the value.</summary>
    public JsonValueKind ValueKind => Element.ValueKind;

    /// <summary>Takes a copy of an element, so that it outlives its document.</summary>
    /// <param name="element">The element to copy.</param>
    /// <returns>The value.</returns>
    public static JsonData From(JsonElement element) => new(element.Clone());

    /// <summary>Parses JSON text.</summary>
    /// <param name="json">Valid JSON text.</param>
    /// <returns>The value.</returns>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    public static JsonData Parse(string json)
    {
        using var doc = JsonDocument.Parse(Guard.NotNull(json));
        return new JsonData(doc.RootElement.Clone());
    }

    /// <summary>The canonical text: object keys sorted ordinally, compact.</summary>
    /// <returns>Canonical JSON text.</returns>
    public string ToCanonicalString()
    {
        if (_canonical is null)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                WriteCanonical(writer, Element);
            }

            _canonical = Encoding.UTF8.GetString(stream.ToArray());
        }

        return _canonical;
    }

    /// <summary>Writes an element with object keys in ordinal order.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="element">The element.</param>
    internal static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <inheritdoc />
    public bool Equals(JsonData? other)
        => other is not null && (ReferenceEquals(this, other) || string.Equals(ToCanonicalString(), other.ToCanonicalString(), StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as JsonData);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToCanonicalString());

    /// <inheritdoc />
    public override string ToString() => ToCanonicalString();
}
