namespace Byline.Caching;

/// <summary>
/// Holds a response body in memory while a page renders for the cache. Past the size limit it gives
/// up on caching: what it holds goes out and the rest streams straight through.
/// </summary>
internal sealed class CaptureStream(Stream inner, int limit) : Stream
{
    private MemoryStream? _buffer = new();

    public bool Overflowed => _buffer is null;

    public ArraySegment<byte> Captured => _buffer is { } b && b.TryGetBuffer(out var segment) ? segment : default;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        if (_buffer is null)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _buffer is null ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_buffer is { } b && b.Length + buffer.Length <= limit)
        {
            b.Write(buffer);
            return;
        }
        if (_buffer is { } held)
        {
            _buffer = null;
            inner.Write(held.GetBuffer(), 0, (int)held.Length);
        }
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_buffer is { } b && b.Length + buffer.Length <= limit)
        {
            b.Write(buffer.Span);
            return;
        }
        if (_buffer is { } held)
        {
            _buffer = null;
            await inner.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }
}
