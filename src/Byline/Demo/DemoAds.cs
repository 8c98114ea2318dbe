using Byline.Content;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace Byline.Demo;

/// <summary>Two house campaigns drawn as pictures, so a newcomer sees the ad slots filled (docs/ads.md).</summary>
internal static class DemoAds
{
    private sealed record Campaign(string Key, string Name, int Width, int Height, string Text, string Url, string Positions, int Palette);

    private static readonly Campaign[] Campaigns =
    [
        new("demo-ad-newsletter-300x250", "House: morning newsletter (300×250)", 300, 250, "The morning briefing — free, every day", "https://byline.example/newsletters", "home-top,section-top,article-body,shows-top", 1),
        new("demo-ad-membership-728x90", "House: membership (728×90)", 728, 90, "Support independent journalism — join us", "https://byline.example/membership", "home-top,section-top,article-body,list-top,shows-top", 2),
        new("demo-ad-app-320x50", "House: the app (320×50)", 320, 50, "Read us in the Byline app", "https://byline.example/app", "list-top", 4),
    ];

    public static async Task AddAsync(BylineDb db, MediaStore media, TimeProvider clock, CancellationToken ct)
    {
        if (await db.AdCreatives.AnyAsync(ct))
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var c in Campaigns)
        {
            var palette = DemoArtwork.Palettes[c.Palette % DemoArtwork.Palettes.Length];
            await Renditions.WriteAsync(media, c.Key, c.Width, c.Height, [c.Width], canvas => Draw(canvas, c, palette), ct);
            var image = new Image
            {
                Key = c.Key, Width = c.Width, Height = c.Height, Alt = c.Text, Caption = c.Name, Credit = "Byline",
                Widths = c.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), ContentType = "image/jpeg", CreatedAt = now,
            };
            db.Images.Add(image);
            await db.SaveChangesAsync(ct);
            db.AdCreatives.Add(new AdCreative
            {
                Name = c.Name, Kind = AdCreativeKind.Image, ImageId = image.Id, Width = c.Width, Height = c.Height, AltText = c.Text,
                ClickUrl = c.Url, Positions = c.Positions, IsHouse = true, Weight = 1, UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    private static void Draw(SKCanvas canvas, Campaign c, DemoArtwork.Palette palette)
    {
        using (var bg = new SKPaint { IsAntialias = true })
        {
            bg.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(c.Width, c.Height), [palette.From, palette.To], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, c.Width, c.Height, bg);
        }
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.White };
        var size = Math.Min(c.Height * 0.3f, 26f);
        using var font = new SKFont(DemoArtwork.Font.Value, size);
        // Wrap into lines that fit the width.
        var lines = new List<string>();
        var line = "";
        foreach (var word in c.Text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (font.MeasureText(candidate) > c.Width - 24 && line.Length > 0)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = candidate;
            }
        }
        lines.Add(line);
        var top = (c.Height - lines.Count * size * 1.2f) / 2 + size;
        for (var i = 0; i < lines.Count; i++)
        {
            canvas.DrawText(lines[i], 12, top + i * size * 1.2f, SKTextAlign.Left, font, paint);
        }
        paint.Color = palette.Accent;
        canvas.DrawRect(0, c.Height - 4, c.Width, 4, paint);
    }
}
