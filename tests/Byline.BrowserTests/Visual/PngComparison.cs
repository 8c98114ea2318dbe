using SkiaSharp;

namespace Byline.BrowserTests.Visual;

/// <summary>
/// How far a screenshot is from its baseline: pixels whose colour moved by more than <see cref="ChannelThreshold"/> on
/// any channel count as differing (anti-aliasing and sub-pixel text jitter stay under it); the shot matches when they
/// are at most <see cref="MaxDifferingRatio"/> of the picture and both pictures have the same size.
/// </summary>
public sealed record PngComparison(int ExpectedWidth, int ExpectedHeight, int ActualWidth, int ActualHeight, long Differing)
{
    /// <summary>Largest change of one colour channel (0–255) that is not a difference.</summary>
    public const int ChannelThreshold = 32;

    /// <summary>Share of the pixels allowed to differ: 0.2 %.</summary>
    public const double MaxDifferingRatio = 0.002;

    public bool SameSize => ExpectedWidth == ActualWidth && ExpectedHeight == ActualHeight;

    public double Ratio => (double)Differing / Math.Max(1L, (long)Math.Max(ExpectedWidth, ActualWidth) * Math.Max(ExpectedHeight, ActualHeight));

    public bool Matches => SameSize && Ratio <= MaxDifferingRatio;

    public override string ToString() => SameSize
        ? $"{Differing:N0} of {(long)ExpectedWidth * ExpectedHeight:N0} pixels differ ({Ratio:P3}; allowed {MaxDifferingRatio:P1})"
        : $"size {ActualWidth}×{ActualHeight} instead of {ExpectedWidth}×{ExpectedHeight}; {Differing:N0} pixels differ over the larger area ({Ratio:P3})";

    /// <summary>
    /// Compares two PNGs; <paramref name="diffPng"/> is the baseline greyed and faded with every differing pixel in red
    /// (and the area only one picture covers in magenta), over the larger of the two sizes.
    /// </summary>
    public static PngComparison Compare(byte[] expectedPng, byte[] actualPng, out byte[] diffPng)
    {
        ArgumentNullException.ThrowIfNull(expectedPng);
        ArgumentNullException.ThrowIfNull(actualPng);
        using var expected = Decode(expectedPng, "baseline");
        using var actual = Decode(actualPng, "screenshot");
        var width = Math.Max(expected.Width, actual.Width);
        var height = Math.Max(expected.Height, actual.Height);
        using var diff = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var e = expected.Pixels;
        var a = actual.Pixels;
        var d = new SKColor[width * height];
        long differing = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var inE = x < expected.Width && y < expected.Height;
                var inA = x < actual.Width && y < actual.Height;
                SKColor mark;
                if (!inE || !inA)
                {
                    differing++;
                    mark = new SKColor(255, 0, 255);
                }
                else
                {
                    var pe = e[(y * expected.Width) + x];
                    var pa = a[(y * actual.Width) + x];
                    if (Delta(pe, pa) > ChannelThreshold)
                    {
                        differing++;
                        mark = new SKColor(255, 0, 0);
                    }
                    else
                    {
                        var grey = (byte)(200 + (((pe.Red + pe.Green + pe.Blue) / 3) * 55 / 255));
                        mark = new SKColor(grey, grey, grey);
                    }
                }
                d[(y * width) + x] = mark;
            }
        }
        diff.Pixels = d;
        using var image = SKImage.FromBitmap(diff);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        diffPng = data.ToArray();
        return new PngComparison(expected.Width, expected.Height, actual.Width, actual.Height, differing);
    }

    /// <summary>
    /// The screenshot at half its width and height (each stored pixel the average of four): a layout break still moves
    /// whole blocks, while the committed baselines take a quarter of the room and sub-pixel text jitter averages out.
    /// </summary>
    public static byte[] Halve(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        using var full = Decode(png, "screenshot");
        var info = new SKImageInfo(Math.Max(1, full.Width / 2), Math.Max(1, full.Height / 2), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"cannot draw a {info.Width}×{info.Height} picture");
        using (var source = SKImage.FromBitmap(full))
        {
            surface.Canvas.DrawImage(source, new SKRect(0, 0, info.Width, info.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static int Delta(SKColor p, SKColor q) => Math.Max(
        Math.Max(Math.Abs(p.Red - q.Red), Math.Abs(p.Green - q.Green)),
        Math.Max(Math.Abs(p.Blue - q.Blue), Math.Abs(p.Alpha - q.Alpha)));

    private static SKBitmap Decode(byte[] png, string what)
    {
        var bitmap = SKBitmap.Decode(png);
        if (bitmap is null)
        {
            throw new InvalidOperationException($"the {what} is not a readable PNG ({png.Length} bytes)");
        }
        return bitmap;
    }
}
