using System.Globalization;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Media;

/// <summary>
/// Bytes one account may upload in any 24 hours (<c>Byline:Media:UploadBytesPerDay</c>, pictures and
/// videos together): a stolen or careless account cannot fill the media disk. Every accepted upload is
/// a row in <c>MediaUploads</c>; the check sums the account's last day. Two uploads racing each other
/// can both pass the check, so the bound can be overshot by what is in flight at once, never more.
/// </summary>
public sealed class UploadQuota(BylineDb db, MediaOptions options, TimeProvider clock)
{
    public const string ImageKind = "image";
    public const string VideoKind = "video";

    public long BytesPerDay => options.UploadBytesPerDay;

    /// <summary>Null when <paramref name="bytes"/> more fit the account's allowance; otherwise why not, with the code <c>quota-exceeded</c>.</summary>
    public async Task<UploadError?> CheckAsync(string? userId, long bytes, CancellationToken ct)
    {
        var limit = options.UploadBytesPerDay;
        if (limit <= 0 || string.IsNullOrEmpty(userId))
        {
            return null;
        }
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-1);
        var used = await db.MediaUploads.Where(u => u.UserId == userId && u.At >= since).SumAsync(u => (long?)u.Bytes, ct) ?? 0;
        if (used + bytes <= limit)
        {
            return null;
        }
        return new UploadError("quota-exceeded",
            $"This file ({Megabytes(bytes)}) would take you past your upload allowance of {Megabytes(limit)} a day: you have uploaded {Megabytes(used)} in the last 24 hours. Try again later, or ask an admin to raise Byline:Media:UploadBytesPerDay.");
    }

    /// <summary>Notes an accepted upload; saved with the caller's next <c>SaveChangesAsync</c>.</summary>
    public void Record(string? userId, long bytes, string kind)
    {
        if (!string.IsNullOrEmpty(userId))
        {
            db.MediaUploads.Add(new MediaUpload { UserId = userId, At = clock.GetUtcNow().UtcDateTime, Bytes = bytes, Kind = kind });
        }
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB");
}
