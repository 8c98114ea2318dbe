using System.Runtime.InteropServices;
using SkiaSharp;

namespace Byline.Media;

/// <summary>
/// Decodes a picture no larger than its largest rendition needs. A 124 KB PNG of 12,000 × 3,333 pixels
/// is 160 MB once decoded, and the old path held that twice (decode, then an upright copy): about
/// 500 MB for one upload. Here the picture is read one row at a time and box-averaged by a whole factor
/// into a bitmap at least <c>targetWidth</c> wide, so memory is one row plus the small result (JPEG).
/// Codecs without row-by-row decoding are asked for a scaled decode, which WebP does natively; what
/// cannot scale at all (PNG in this Skia build, GIF) is decoded whole, and that path is gated by
/// <see cref="DecodeGate"/> one at a time.
/// </summary>
internal static class ScaledDecode
{
    /// <summary>True when <see cref="Decode"/> will have to hold the whole picture at full size (a large GIF).</summary>
    public static bool DecodesWhole(SKCodec codec, int targetWidth) =>
        Factor(codec.Info.Width, targetWidth) > 1 && !SupportsRows(codec) && !SupportsScaling(codec, targetWidth);

    public static SKBitmap? Decode(SKCodec codec, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        var k = Factor(w, targetWidth);
        if (k == 1)
        {
            return Whole(codec, w, h);
        }
        var (ow, oh) = ((w + k - 1) / k, (h + k - 1) / k);
        if (SupportsRows(codec))
        {
#pragma warning disable CA2000 // returned to the caller, who owns it; null when nothing was made
            var rows = ByRows(codec, w, h, k, ow, oh);
#pragma warning restore CA2000
            if (rows is not null)
            {
                return rows;
            }
        }
        return Whole(codec, ow, oh) ?? Whole(codec, w, h);
    }

    /// <summary>The whole-number shrink that keeps the width at or above <paramref name="targetWidth"/>.</summary>
    internal static int Factor(int width, int targetWidth) => Math.Max(1, width / Math.Max(1, targetWidth));

    // The PNG codec of this Skia build refuses row-by-row decoding (StartScanlineDecode fails), so a
    // large PNG is decoded whole — one at a time through DecodeGate. A managed row-by-row PNG reader
    // would bring it down to a few megabytes too; not done yet.
    private static bool SupportsRows(SKCodec codec) => codec.EncodedFormat is SKEncodedImageFormat.Jpeg;

    private static bool SupportsScaling(SKCodec codec, int targetWidth) => codec.EncodedFormat == SKEncodedImageFormat.Webp;

    private static SKBitmap? Whole(SKCodec codec, int w, int h)
    {
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput)
        {
            return bitmap;
        }
        bitmap.Dispose();
        return null;
    }

    /// <summary>Row-by-row decode, each k × k block of premultiplied pixels averaged into one; null when the codec cannot decode rows.</summary>
    private static SKBitmap? ByRows(SKCodec codec, int w, int h, int k, int ow, int oh)
    {
        var full = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (codec.StartScanlineDecode(full) != SKCodecResult.Success)
        {
            return null;
        }
        var row = new byte[w * 4];
        var sums = new int[ow * 4];
        var output = new byte[ow * oh * 4];
        var handle = GCHandle.Alloc(row, GCHandleType.Pinned);
        try
        {
            var rowPointer = handle.AddrOfPinnedObject();
            var bandRows = 0;
            var outRow = 0;
            for (var y = 0; y < h; y++)
            {
                if (codec.GetScanlines(rowPointer, 1, row.Length) != 1)
                {
                    // A truncated file: what was read is kept, the rest stays transparent (white once encoded).
                    break;
                }
                Accumulate(row, sums, w, k);
                bandRows++;
                if (bandRows == k || y == h - 1)
                {
                    Emit(sums, output.AsSpan(outRow * ow * 4, ow * 4), w, k, bandRows);
                    sums.AsSpan().Clear();
                    bandRows = 0;
                    outRow++;
                }
            }
            if (bandRows > 0 && outRow < oh)
            {
                Emit(sums, output.AsSpan(outRow * ow * 4, ow * 4), w, k, bandRows);
            }
        }
        finally
        {
            handle.Free();
        }
        var bitmap = new SKBitmap(new SKImageInfo(ow, oh, SKColorType.Rgba8888, SKAlphaType.Premul));
        Marshal.Copy(output, 0, bitmap.GetPixels(), output.Length);
        return bitmap;
    }

    private static void Accumulate(byte[] row, int[] sums, int w, int k)
    {
        for (var x = 0; x < w; x++)
        {
            var o = x / k * 4;
            var i = x * 4;
            sums[o] += row[i];
            sums[o + 1] += row[i + 1];
            sums[o + 2] += row[i + 2];
            sums[o + 3] += row[i + 3];
        }
    }

    private static void Emit(int[] sums, Span<byte> target, int w, int k, int rows)
    {
        var ow = target.Length / 4;
        for (var ox = 0; ox < ow; ox++)
        {
            var columns = Math.Min(k, w - ox * k);
            var n = columns * rows;
            for (var c = 0; c < 4; c++)
            {
                target[ox * 4 + c] = (byte)((sums[ox * 4 + c] + n / 2) / n);
            }
        }
    }
}

/// <summary>
/// How many pictures decode at once (<c>Byline:Media:MaxConcurrentDecodes</c>), and one at a time for a
/// picture that must be decoded whole: with row-by-row decoding an upload holds a few megabytes, so six
/// large uploads at once stay well inside the memory budget, and the rare whole decode cannot stack.
/// </summary>
public sealed class DecodeGate(MediaOptions options) : IDisposable
{
    private readonly SemaphoreSlim _any = new(Math.Max(1, options.MaxConcurrentDecodes));
    private readonly SemaphoreSlim _whole = new(1);

    public async Task<IDisposable> EnterAsync(bool whole, CancellationToken ct)
    {
        await _any.WaitAsync(ct);
        if (!whole)
        {
            return new Release(_any, null);
        }
        try
        {
            await _whole.WaitAsync(ct);
        }
        catch
        {
            _any.Release();
            throw;
        }
        return new Release(_any, _whole);
    }

    public void Dispose()
    {
        _any.Dispose();
        _whole.Dispose();
    }

    private sealed class Release(SemaphoreSlim any, SemaphoreSlim? whole) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                whole?.Release();
                any.Release();
            }
        }
    }
}
