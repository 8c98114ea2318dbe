using Byline.Content;
using SkiaSharp;

namespace Byline.Demo;

/// <summary>
/// Abstract editorial pictures drawn locally: a demo must not fetch stock photos, and drawn shapes
/// keep the repository free of binary assets.
/// </summary>
internal static class DemoArtwork
{
    public const int LeadWidth = 1200;
    public const int LeadHeight = 675;
    public const int PortraitSize = 400;

    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

    internal static readonly Lazy<SKTypeface> Font = new(() =>
        File.Exists(FontPath) ? SKTypeface.FromFile(FontPath) ?? SKTypeface.Default : SKTypeface.Default);

    internal sealed record Palette(string Name, SKColor From, SKColor To, SKColor Accent);

    internal static readonly Palette[] Palettes =
    [
        new("deep teal and amber", new SKColor(0x0B, 0x3C, 0x49), new SKColor(0x1F, 0x7A, 0x8C), new SKColor(0xF2, 0xA5, 0x41)),
        new("navy and coral", new SKColor(0x14, 0x21, 0x3D), new SKColor(0x2E, 0x4A, 0x7D), new SKColor(0xFF, 0x7F, 0x66)),
        new("forest green and gold", new SKColor(0x1B, 0x43, 0x32), new SKColor(0x40, 0x91, 0x6C), new SKColor(0xE9, 0xC4, 0x6A)),
        new("plum and rose", new SKColor(0x3D, 0x1A, 0x3A), new SKColor(0x7B, 0x2D, 0x6B), new SKColor(0xF4, 0xA2, 0xB8)),
        new("slate and lime", new SKColor(0x26, 0x32, 0x38), new SKColor(0x45, 0x5A, 0x64), new SKColor(0xC0, 0xE2, 0x18)),
        new("crimson and cream", new SKColor(0x6A, 0x0F, 0x1A), new SKColor(0xB2, 0x22, 0x2E), new SKColor(0xFF, 0xE8, 0xC8)),
        new("indigo and sky", new SKColor(0x23, 0x1A, 0x5C), new SKColor(0x45, 0x3A, 0xA8), new SKColor(0x8E, 0xD1, 0xFC)),
        new("charcoal and saffron", new SKColor(0x1E, 0x1E, 0x24), new SKColor(0x3A, 0x3A, 0x48), new SKColor(0xFF, 0x99, 0x33)),
        new("ocean blue and sand", new SKColor(0x03, 0x45, 0x6B), new SKColor(0x0A, 0x7C, 0xB0), new SKColor(0xF1, 0xDA, 0xB0)),
        new("olive and terracotta", new SKColor(0x3B, 0x43, 0x1E), new SKColor(0x6B, 0x7A, 0x34), new SKColor(0xE0, 0x7A, 0x5F)),
        new("burgundy and teal", new SKColor(0x4A, 0x10, 0x24), new SKColor(0x80, 0x1F, 0x3F), new SKColor(0x4F, 0xD1, 0xC5)),
        new("graphite and magenta", new SKColor(0x20, 0x23, 0x2B), new SKColor(0x3C, 0x42, 0x50), new SKColor(0xE6, 0x3A, 0x9A)),
    ];

    internal enum Motif
    {
        Circles,
        Bands,
        Grid,
        Waves,
    }

    /// <summary>A 16:9 composition with the section's name as a label; pure function of its arguments.</summary>
    public static void DrawLead(SKCanvas canvas, int seed, Palette palette, Motif motif, string label)
    {
        var rng = new Random(seed);
        float w = LeadWidth, h = LeadHeight;
        using (var bg = new SKPaint { IsAntialias = true })
        {
            bg.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(w, h), [palette.From, palette.To], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, w, h, bg);
        }
        using var paint = new SKPaint { IsAntialias = true };
        switch (motif)
        {
            case Motif.Circles:
                for (var i = 0; i < 9; i++)
                {
                    paint.Color = (i % 3 == 0 ? palette.Accent : SKColors.White).WithAlpha((byte)rng.Next(22, 90));
                    canvas.DrawCircle(rng.Next(0, (int)w), rng.Next(0, (int)h), rng.Next(60, 320), paint);
                }
                break;
            case Motif.Bands:
                for (var i = 0; i < 7; i++)
                {
                    paint.Color = (i % 2 == 0 ? palette.Accent : SKColors.White).WithAlpha((byte)rng.Next(20, 80));
                    var x = rng.Next(-200, (int)w);
                    var band = rng.Next(40, 180);
                    using var builder = new SKPathBuilder();
                    builder.MoveTo(x, 0);
                    builder.LineTo(x + band, 0);
                    builder.LineTo(x + band - 380, h);
                    builder.LineTo(x - 380, h);
                    builder.Close();
                    using var path = builder.Detach();
                    canvas.DrawPath(path, paint);
                }
                break;
            case Motif.Grid:
                var cell = rng.Next(70, 130);
                for (var y = 0; y < h; y += cell)
                {
                    for (var x = 0; x < w; x += cell)
                    {
                        if (rng.Next(4) != 0)
                        {
                            continue;
                        }
                        paint.Color = (rng.Next(3) == 0 ? palette.Accent : SKColors.White).WithAlpha((byte)rng.Next(25, 110));
                        canvas.DrawRoundRect(x + 6, y + 6, cell - 12, cell - 12, 10, 10, paint);
                    }
                }
                break;
            default:
                paint.Style = SKPaintStyle.Stroke;
                for (var i = 0; i < 12; i++)
                {
                    paint.StrokeWidth = rng.Next(3, 14);
                    paint.Color = (i % 4 == 0 ? palette.Accent : SKColors.White).WithAlpha((byte)rng.Next(30, 110));
                    var baseY = rng.Next(40, (int)h - 40);
                    var amp = rng.Next(20, 90);
                    using var builder = new SKPathBuilder();
                    builder.MoveTo(0, baseY);
                    builder.CubicTo(w * 0.3f, baseY - amp, w * 0.6f, baseY + amp, w, baseY - amp / 2f);
                    using var path = builder.Detach();
                    canvas.DrawPath(path, paint);
                }
                paint.Style = SKPaintStyle.Fill;
                break;
        }

        // The label sits on a darkened strip so it stays legible on any motif.
        using var shade = new SKPaint { Color = SKColors.Black.WithAlpha(110) };
        canvas.DrawRect(0, h - 120, w, 120, shade);
        paint.Color = palette.Accent;
        canvas.DrawRect(60, h - 88, 10, 56, paint);
        using var font = new SKFont(Font.Value, 52);
        paint.Color = SKColors.White;
        canvas.DrawText(label.ToUpperInvariant(), 92, h - 41, SKTextAlign.Left, font, paint);
    }

    public static void DrawPortrait(SKCanvas canvas, int seed, Palette palette, string initials)
    {
        var rng = new Random(seed);
        float s = PortraitSize;
        using var paint = new SKPaint { IsAntialias = true };
        paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(s, s), [palette.From, palette.To], SKShaderTileMode.Clamp);
        canvas.DrawRect(0, 0, s, s, paint);
        paint.Shader = null;
        paint.Color = palette.Accent.WithAlpha(60);
        canvas.DrawCircle(rng.Next(0, 400), rng.Next(0, 400), rng.Next(120, 220), paint);
        paint.Color = SKColors.White.WithAlpha(235);
        canvas.DrawCircle(s / 2, s / 2, 140, paint);
        using var font = new SKFont(Font.Value, 120);
        paint.Color = palette.From;
        canvas.DrawText(initials, s / 2, s / 2 + 43, SKTextAlign.Center, font, paint);
    }

    public static string Initials(string name) =>
        string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(p => char.ToUpperInvariant(p[0])));
}
