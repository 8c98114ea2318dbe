using System.Globalization;
using System.Security.Cryptography;
using Byline.Content;
using Byline.Storage;
using SkiaSharp;

namespace Byline.Media;

public sealed class MediaOptions
{
    /// <summary><c>Byline:Media:Store</c>: <c>Local</c> (the folder <c>Byline:Media:Path</c>, the default) or <c>S3</c> (<see cref="S3"/>).</summary>
    public MediaStoreKind Store { get; set; } = MediaStoreKind.Local;

    /// <summary><c>Byline:Media:S3</c>: the bucket, when <see cref="Store"/> is <c>S3</c>.</summary>
    public S3MediaOptions S3 { get; set; } = new();

    /// <summary><c>Byline:Media:MaxUploadBytes</c>: the largest picture the newsroom may upload.</summary>
    public long MaxUploadBytes { get; set; } = 15 * 1024 * 1024;
    /// <summary>Pictures with more pixels than this are refused before decoding (decompression bombs).</summary>
    public long MaxPixels { get; set; } = 40_000_000;
    public int MaxSide { get; set; } = 12_000;

    /// <summary>Pictures decoded at once; further uploads wait their turn (see <see cref="DecodeGate"/>).</summary>
    public int MaxConcurrentDecodes { get; set; } = 2;

    /// <summary>Bytes (pictures and videos together) one newsroom account may upload in 24 hours; 0 turns the quota off.</summary>
    public long UploadBytesPerDay { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Another origin media is served from, e.g. <c>https://media.example.org</c>: requests for
    /// <c>/media/…</c> on any other host are redirected there, so an uploaded file never runs on the
    /// site's own origin. Empty: media is served by the site itself.
    /// </summary>
    public string? PublicHost { get; set; }

    /// <summary>
    /// What Kestrel and the form reader accept on the upload routes: well above the upload limit, so
    /// an oversize file is read and answered with a message next to the field rather than a reset.
    /// </summary>
    public const long RequestLimit = 100 * 1024 * 1024;
}

/// <summary>Why an upload was refused; the code is stable (tests and the API use it), the message is for people.</summary>
public sealed record UploadError(string Code, string Message);

public sealed record UploadResult(Image? Image, UploadError? Error);

/// <summary>
/// Takes a picture from the newsroom: checks the real type from its first bytes, refuses oversize
/// files and decompression bombs before decoding, then decodes and re-encodes it into the standard
/// renditions (JPEG and WebP), which drops EXIF and anything else riding in the file.
/// </summary>
public sealed class MediaLibrary(BylineDb db, MediaStore store, MediaOptions options, DecodeGate gate, TimeProvider clock, ILogger<MediaLibrary> log)
{
    public async Task<UploadResult> UploadAsync(Stream content, long length, string alt, string caption, string credit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length <= 0)
        {
            return Refused("empty", "The file is empty.");
        }
        if (length > options.MaxUploadBytes)
        {
            return Refused("too-large", $"The file is {Megabytes(length)}; pictures may be at most {Megabytes(options.MaxUploadBytes)}.");
        }
        if ((alt ?? "").Trim().Length > 500 || (caption ?? "").Trim().Length > 1000 || (credit ?? "").Trim().Length > 200)
        {
            return Refused("too-long", "Keep alt text to 500 characters, the caption to 1,000 and the credit to 200.");
        }
        var bytes = new byte[length];
        await content.ReadExactlyAsync(bytes, ct);
        var type = Sniff(bytes);
        if (type is null)
        {
            return Refused("not-an-image", "This is not a picture Byline accepts: upload a JPEG, PNG, WebP or GIF (the file's contents decide, not its name).");
        }

        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Refused("unreadable", "The picture could not be read; it may be damaged.");
        }
        // The header says how big the decoded picture would be: refuse bombs before allocating anything.
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        if (w <= 0 || h <= 0 || w > options.MaxSide || h > options.MaxSide || (long)w * h > options.MaxPixels)
        {
            return Refused("too-many-pixels",
                $"The picture is {w:N0} × {h:N0} pixels; the limit is {options.MaxSide:N0} pixels a side and {options.MaxPixels / 1_000_000:N0} megapixels.");
        }

        // Only as many pixels as the largest rendition needs are decoded; a turned picture's width is its height.
        var turned = codec.EncodedOrigin is SKEncodedOrigin.RightTop or SKEncodedOrigin.LeftBottom;
        var (uprightWidth, uprightHeight) = turned ? (h, w) : (w, h);
        var widths = MediaPaths.StandardWidths.Where(x => x <= uprightWidth).ToList();
        var largest = widths.Count == 0 ? uprightWidth : widths.Max();
        var decodeWidth = turned ? (int)Math.Min(w, Math.Ceiling((double)largest * w / h)) : largest;
        var key = "up-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using (await gate.EnterAsync(ScaledDecode.DecodesWhole(codec, decodeWidth), ct))
        {
            using var decoded = ScaledDecode.Decode(codec, decodeWidth);
            if (decoded is null)
            {
                return Refused("unreadable", "The picture could not be decoded; it may be damaged.");
            }
            var upright = Orient(decoded, codec.EncodedOrigin);
            using var turnedCopy = ReferenceEquals(upright, decoded) ? null : upright;
            if (widths.Count == 0)
            {
                widths.Add(upright.Width);
            }
            try
            {
                await Renditions.WriteResizedAsync(store, key, upright, widths, ct);
            }
            catch (MediaStoreException e)
            {
                // Nothing half-made stays behind: no row was written, and what reached the store goes again.
                await ForgetAsync(key);
                log.LogWarning(e, "Picture upload not stored");
                return Refused("store-unavailable", "The picture could not be saved: the media store did not answer. Nothing was kept; try again in a moment.");
            }
        }

        var image = new Image
        {
            Key = key,
            Width = uprightWidth,
            Height = uprightHeight,
            Alt = (alt ?? "").Trim(),
            Caption = (caption ?? "").Trim(),
            Credit = (credit ?? "").Trim(),
            Widths = string.Join(',', widths.Select(x => x.ToString(CultureInfo.InvariantCulture))),
            ContentType = "image/jpeg",
            SourceType = type,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Images.Add(image);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Stored picture {Key} ({Type}, {Width}x{Height})", key, type, image.Width, image.Height);
        return new UploadResult(image, null);
    }

    /// <summary>
    /// Removes a picture no story uses: its row first (so no page can point at it any more), then its files.
    /// A store that fails then leaves unreachable files behind, which is logged; the picture is gone either way.
    /// </summary>
    public async Task DeleteAsync(Image image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        db.Images.Remove(image);
        await db.SaveChangesAsync(ct);
        try
        {
            await store.DeleteAsync(image.Key, ct);
        }
        catch (MediaStoreException e)
        {
            log.LogWarning(e, "Picture {Key} deleted, but its files stay in {Store}", image.Key, store.Description);
        }
        log.LogInformation("Deleted picture {Key}", image.Key);
    }

    private async Task ForgetAsync(string key)
    {
        try
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
        catch (MediaStoreException e)
        {
            log.LogWarning(e, "Files of the refused picture {Key} stay in {Store}", key, store.Description);
        }
    }

    /// <summary>The format named by the file's first bytes, or null: the name and the browser's claim are ignored.</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            return "image/jpeg";
        }
        if (b.Length >= 8 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return "image/png";
        }
        if (b.Length >= 6 && (b[..6].SequenceEqual("GIF87a"u8) || b[..6].SequenceEqual("GIF89a"u8)))
        {
            return "image/gif";
        }
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }
        return null;
    }

    /// <summary>Applies the camera's orientation, since re-encoding drops the EXIF tag that carried it.</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var (degrees, swap) = origin switch
        {
            SKEncodedOrigin.BottomRight => (180, false),
            SKEncodedOrigin.RightTop => (90, true),
            SKEncodedOrigin.LeftBottom => (270, true),
            _ => (0, false),
        };
        if (degrees == 0)
        {
            // No copy: a whole 40-megapixel decode is 160 MB, a copy would be as much again.
            return source;
        }
        var (w, h) = swap ? (source.Height, source.Width) : (source.Width, source.Height);
        var rotated = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(w / 2f, h / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-source.Width / 2f, -source.Height / 2f);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default, null);
        return rotated;
    }

    private static UploadResult Refused(string code, string message) => new(null, new UploadError(code, message));

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB");
}
