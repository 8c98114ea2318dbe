using System.Globalization;
using System.Security.Cryptography;
using Byline.Media;
using Microsoft.Net.Http.Headers;

namespace Byline.Site.Shows;

public sealed class VideoOptions
{
    /// <summary><c>Byline:Media:MaxVideoBytes</c>: the largest MP4 the newsroom may upload.</summary>
    public long MaxVideoBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>
    /// What the upload route lets through: above the limit, so that an oversize file is answered with
    /// a message by the field rather than a dropped connection.
    /// </summary>
    public const long RequestLimit = 1024L * 1024 * 1024;
}

public sealed record VideoUpload(string? Url, string? Code, string? Message);

/// <summary>
/// Uploaded episode videos. The type is decided from the bytes (an ISO base media file whose
/// <c>ftyp</c> box names an MP4 brand), never from the name or the browser's claim. Each file is
/// stored once under a random key, <c>{media root}/{key}/video.mp4</c>, and served at
/// <c>/media/{key}/video.mp4</c> with range requests and a year-long immutable cache.
/// </summary>
public sealed class VideoFiles(MediaStore store, VideoOptions options, ILogger<VideoFiles> log)
{
    public const string FileName = "video.mp4";
    private const string KeyPrefix = "vid-";

    // Major or compatible brands that mean "an MP4 a browser's <video> can open".
    private static readonly string[] Mp4Brands = ["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "M4V ", "mmp4", "MSNV", "NDAS", "f4v "];

    public long MaxBytes => options.MaxVideoBytes;

    public static string Url(string key) => $"/media/{key}/{FileName}";

    /// <summary>True when the bytes start with an <c>ftyp</c> box naming an MP4 brand (major or compatible).</summary>
    public static bool IsMp4(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }
        var boxSize = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
        if (boxSize is < 16 or > 4096 && boxSize != 1)
        {
            return false;
        }
        var end = Math.Min(head.Length, boxSize < 16 ? 16 : boxSize);
        // Major brand at 8..12, minor version at 12..16, compatible brands from 16 on.
        if (IsMp4Brand(head[8..12]))
        {
            return true;
        }
        for (var i = 16; i + 4 <= end; i += 4)
        {
            if (IsMp4Brand(head[i..(i + 4)]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when the whole file is a sequence of top-level ISO boxes — each a printable four-character type
    /// and a size that fits what is left, the last one possibly "to the end" — starting with <c>ftyp</c> and
    /// holding both <c>moov</c> (the index a player needs) and <c>mdat</c> (the media). A valid header
    /// followed by HTML or anything else fails: the bytes after the header are not a box of sane size.
    /// Reads only the box headers, so a 500 MB file costs a few hundred seeks.
    /// </summary>
    public static async Task<bool> HasSaneBoxesAsync(Stream file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        const int MaxBoxes = 10_000;
        var length = file.Length;
        var header = new byte[16];
        long offset = 0;
        bool moov = false, mdat = false;
        for (var n = 0; offset < length; n++)
        {
            if (n >= MaxBoxes || length - offset < 8)
            {
                return false;
            }
            file.Position = offset;
            await file.ReadExactlyAsync(header.AsMemory(0, 8), ct);
            if (header.AsSpan(4, 4).ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) || (n == 0 && !header.AsSpan(4, 4).SequenceEqual("ftyp"u8)))
            {
                return false;
            }
            var isMoov = header.AsSpan(4, 4).SequenceEqual("moov"u8);
            var isMdat = header.AsSpan(4, 4).SequenceEqual("mdat"u8);
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header);
            if (size == 1)
            {
                if (length - offset < 16)
                {
                    return false;
                }
                await file.ReadExactlyAsync(header.AsMemory(8, 8), ct);
                var large = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                if (large < 16 || large > (ulong)(length - offset))
                {
                    return false;
                }
                size = (long)large;
            }
            else if (size == 0)
            {
                // "Extends to the end of the file": only the last box may say so.
                size = length - offset;
            }
            else if (size < 8 || size > length - offset)
            {
                return false;
            }
            moov |= isMoov;
            mdat |= isMdat;
            offset += size;
        }
        return moov && mdat;
    }

    private static bool IsMp4Brand(ReadOnlySpan<byte> brand)
    {
        foreach (var b in Mp4Brands)
        {
            if (brand.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(b)))
            {
                return true;
            }
        }
        return false;
    }

    public async Task<VideoUpload> SaveAsync(Stream content, long length, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (length <= 0)
        {
            return new(null, "empty", "The file is empty.");
        }
        if (length > options.MaxVideoBytes)
        {
            return new(null, "too-large", $"The file is {Megabytes(length)}; videos may be at most {Megabytes(options.MaxVideoBytes)}. Export a smaller file or give an HLS address instead.");
        }
        var head = new byte[Math.Min(4096, length)];
        await content.ReadExactlyAsync(head, ct);
        if (!IsMp4(head))
        {
            return new(null, "not-mp4", "This is not an MP4 video (the file's contents decide, not its name). Export it as MP4 (H.264), or give an HLS address.");
        }
        var key = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var temp = store.StagingPath(key, FileName);
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await file.WriteAsync(head, ct);
            await content.CopyToAsync(file, ct);
        }
        bool sane;
        await using (var written = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true))
        {
            sane = await HasSaneBoxesAsync(written, ct);
        }
        if (!sane)
        {
            File.Delete(temp);
            await store.DeleteAsync(key, ct);
            log.LogWarning("Refused an upload of {Bytes} bytes: an MP4 header, but not an MP4 file's structure", length);
            return new(null, "not-mp4", "This file starts like an MP4 video but is not one (its structure is damaged or it carries something else). Export it again as MP4 (H.264), or give an HLS address.");
        }
        // Readers only ever see a complete file under the public name.
        try
        {
            await store.KeepStagedAsync(key, FileName, temp, "video/mp4", ct);
        }
        catch (MediaStoreException e)
        {
            File.Delete(temp);
            log.LogWarning(e, "Video upload of {Bytes} bytes not stored", length);
            return new(null, "store-unavailable", "The video could not be saved: the media store did not answer. Nothing was kept; try again in a moment.");
        }
        log.LogInformation("Stored video {Key} ({Bytes} bytes)", key, length);
        return new(Url(key), null, null);
    }

    /// <summary>GET/HEAD /media/{key}/video.mp4 — a literal segment, so it wins over the picture route.</summary>
    internal static async Task<IResult> Serve(string key, MediaStore store, HttpContext context)
    {
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key.Length > 40 ||
            !key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
        {
            return Results.NotFound();
        }
        if (MediaEndpoints.RedirectToPublicHost(context) is { } moved)
        {
            return moved;
        }
        if (store.PublicUrl(key, FileName) is { } direct)
        {
            return Results.Redirect(direct.AbsoluteUri, permanent: true, preserveMethod: true);
        }
        StoredFile? stored;
        try
        {
            stored = await store.OpenAsync(key, FileName, context.RequestAborted);
        }
        catch (MediaStoreException)
        {
            context.Response.Headers.RetryAfter = "10";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        if (stored is null)
        {
            return Results.NotFound();
        }
        // Range requests (seeking in the player) are answered from disk; a stream from a remote store is sent
        // whole, so a bucket with video wants Byline:Media:S3:PublicBaseUrl (docs/operations.md).
        return MediaEndpoints.ServeFile(context, stored, FileName, "video/mp4", ranges: stored.PhysicalPath is not null);
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB");
}
