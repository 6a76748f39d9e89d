using System.Text;
using System.Text.Json;
using PolicyAttach.Kubernetes.Documents;

namespace PolicyAttach.Cli.Output;

/// <summary>
/// A stream that takes JSON bytes as a serializer or <see cref="Utf8JsonWriter"/> writes them and writes the same
/// value as block-style YAML to a text writer while it reads them, token by token: neither the JSON text nor a
/// document of it is ever held, so <c>-o yaml</c> of any size costs what <c>-o json</c> does. The YAML is the one
/// <see cref="ManifestText.ToYaml(string)"/> writes for the whole text, byte for byte (strings
/// quoted whenever YAML could read them as something else; the tests compare both).
/// </summary>
/// <param name="output">Where the YAML goes (in chunks of about 64 KB, with <c>\n</c> newlines).</param>
internal sealed class YamlStream(TextWriter output) : Stream
{
    private readonly ChunkedText _text = new(output);
    private readonly List<Frame> _frames = [];
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 1024 });
    private byte[] _pending = new byte[1 << 16];
    private int _pendingLength;
    private Opened? _opened;
    private char[] _chars = new char[256];
    private bool _finished;

    private enum Context
    {
        TopLevel,
        Property,
        Item,
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    private StringBuilder Text => _text.Text;

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_pendingLength + buffer.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + buffer.Length));
        }

        buffer.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += buffer.Length;
        Read(isFinalBlock: false);
    }

    /// <inheritdoc />
    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Reads what is left as the end of the value and writes the rest of the YAML (call it once, at the end).</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        Read(isFinalBlock: true);
        _text.Flush();
        output.Flush();
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private void Read(bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(_pending.AsSpan(0, _pendingLength), isFinalBlock, _state);
        while (reader.Read())
        {
            Token(ref reader);
        }

        _state = reader.CurrentState;
        var consumed = (int)reader.BytesConsumed;
        _pending.AsSpan(consumed, _pendingLength - consumed).CopyTo(_pending);
        _pendingLength -= consumed;
    }

    private void Token(ref Utf8JsonReader reader)
    {
        var type = reader.TokenType;
        if (_opened is { } opened)
        {
            _opened = null;
            if (type == (opened.IsObject ? JsonTokenType.EndObject : JsonTokenType.EndArray))
            {
                Scalar(opened.Context, opened.IsObject ? "{}" : "[]");
                return;
            }

            Open(opened);
        }

        switch (type)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                var (context, indent) = Start();
                _opened = new Opened(type == JsonTokenType.StartObject, context, indent);
                break;
            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                _frames.RemoveAt(_frames.Count - 1);
                _text.LineDone();
                break;
            case JsonTokenType.PropertyName:
                var frame = _frames[^1];
                if (!(frame.First && frame.FirstInline))
                {
                    Text.Append(' ', frame.Indent);
                }

                _frames[^1] = frame with { First = false };
                AppendString(ref reader).Append(':');
                break;
            case JsonTokenType.String:
                if (Start().Context == Context.Property)
                {
                    Text.Append(' ');
                }

                AppendString(ref reader).Append('\n');
                _text.LineDone();
                break;
            case JsonTokenType.Number:
                Value(Encoding.UTF8.GetString(reader.ValueSpan));
                break;
            case JsonTokenType.True:
                Value("true");
                break;
            case JsonTokenType.False:
                Value("false");
                break;
            case JsonTokenType.Null:
                Value("null");
                break;
        }
    }

    /// <summary>Where a value starts: at the top, after a key, or as a sequence item (whose <c>- </c> is written here).</summary>
    private (Context Context, int Indent) Start()
    {
        if (_frames.Count == 0)
        {
            return (Context.TopLevel, 0);
        }

        var frame = _frames[^1];
        if (frame.IsMapping)
        {
            return (Context.Property, frame.Indent + 2);
        }

        Text.Append(' ', frame.Indent).Append("- ");
        return (Context.Item, frame.Indent);
    }

    private void Value(string scalar)
    {
        Scalar(Start().Context, scalar);
    }

    private void Scalar(Context context, string scalar)
    {
        if (context == Context.Property)
        {
            Text.Append(' ');
        }

        Text.Append(scalar).Append('\n');
        _text.LineDone();
    }

    /// <summary>A mapping or sequence with entries begins.</summary>
    private void Open(Opened opened)
    {
        switch (opened.Context)
        {
            case Context.TopLevel:
                _frames.Add(new Frame(opened.IsObject, 0, true, false));
                break;
            case Context.Property:
                Text.Append('\n');
                _frames.Add(new Frame(opened.IsObject, opened.Indent, true, false));
                break;
            default:
                if (opened.IsObject)
                {
                    _frames.Add(new Frame(true, opened.Indent + 2, true, true));
                }
                else
                {
                    Text.Append('\n');
                    _frames.Add(new Frame(false, opened.Indent + 2, true, false));
                }

                break;
        }
    }

    /// <summary>Appends the token's string as YAML without making a string of it when it is written plain.</summary>
    private StringBuilder AppendString(ref Utf8JsonReader reader)
    {
        // The reader reads one span (never a sequence), and a string has at most as many characters as UTF-8 bytes.
        var length = reader.ValueSpan.Length;
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }

        var written = reader.CopyString(_chars);
        return ManifestText.AppendYamlString(Text, _chars.AsSpan(0, written));
    }

    /// <summary>An open mapping or sequence.</summary>
    /// <param name="IsMapping">A mapping (else a sequence).</param>
    /// <param name="Indent">The indentation of its keys or dashes.</param>
    /// <param name="First">No key written yet.</param>
    /// <param name="FirstInline">Its first key follows a sequence's <c>- </c> on the same line.</param>
    private readonly record struct Frame(bool IsMapping, int Indent, bool First, bool FirstInline);

    /// <summary>A mapping or sequence just begun, not known yet to be empty.</summary>
    private readonly record struct Opened(bool IsObject, Context Context, int Indent);
}
