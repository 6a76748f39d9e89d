using System.Text;

namespace PolicyAttach.Cli.Input;

/// <summary>
/// A read-only stream of the UTF-8 encoding of a <see cref="TextReader"/>, encoded block by block as it is read, so
/// that a reader of the stream can stop (at a size limit) without the whole text ever being in memory.
/// </summary>
internal sealed class TextReaderStream(TextReader reader) : Stream
{
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private readonly char[] _chars = new char[4096];
    private readonly byte[] _bytes = new byte[3 * 4096 + 4];
    private int _offset;
    private int _count;
    private bool _done;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_count == 0 && !_done)
        {
            var read = reader.Read(_chars, 0, _chars.Length);
            _done = read == 0;
            _count = _encoder.GetBytes(_chars, 0, read, _bytes, 0, flush: _done);
            _offset = 0;
        }

        var n = Math.Min(_count, buffer.Length);
        _bytes.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        _count -= n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
