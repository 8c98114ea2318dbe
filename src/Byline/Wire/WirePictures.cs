using System.Security.Cryptography;
using System.Text;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>A picture a draft wants: the agency's address, the credit it carries and its alt text.</summary>
public sealed record PictureWanted(string Url, string Credit, string Alt);

/// <summary>What became of one picture: the media library's image, or why there is none.</summary>
public sealed record PictureOutcome(string Url, int? ImageId, string? Error);

/// <summary>
/// Agency pictures into the media library, fetched when a draft needs them ("Use as draft"), never while a feed
/// is ingested — a slow or broken picture server cannot hold a feed back, and the thousands of items no one uses
/// cost nothing. Each address is fetched once (<see cref="WirePicture"/>, unique by the address's hash) through
/// the wire's guarded client (<see cref="WireFetcher.FetchPictureAsync"/>: public addresses only, a time and a
/// size limit, the bytes sniffed), then stored by the media library's own upload (renditions made, EXIF
/// dropped) with the agency's credit. The same bytes under another address, with the same credit, reuse the image. A failure is
/// recorded with its reason and tried again only after <see cref="WireOptions.PictureRetryAfter"/>.
/// </summary>
public sealed class WirePictures(BylineDb db, MediaLibrary media, WireFetcher fetcher, IOptionsMonitor<WireOptions> options, TimeProvider clock, ILogger<WirePictures> log)
{
    public async Task<IReadOnlyList<PictureOutcome>> EnsureAsync(IReadOnlyList<PictureWanted> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var o = options.CurrentValue;
        var list = wanted.Where(w => w.Url.Length is > 0 and <= 2000).DistinctBy(w => w.Url, StringComparer.Ordinal).Take(o.MaxPicturesPerDraft).ToList();
        if (list.Count == 0)
        {
            return [];
        }
        var hashes = list.Select(w => Hash(w.Url)).ToList();
        var known = await db.Set<WirePicture>().AsNoTracking().Where(p => hashes.Contains(p.UrlHash)).ToDictionaryAsync(p => p.UrlHash, StringComparer.Ordinal, ct);
        var now = Now();
        var due = list.Where(w => !known.TryGetValue(Hash(w.Url), out var k) || (k.ImageId is null && (k.Error is null || k.FetchedAt < now - o.PictureRetryAfter))).ToList();
        // Fetched side by side: the slowest picture costs its own timeout, not the sum of all of them.
        var fetched = await Task.WhenAll(due.Select(async w => (Wanted: w, Result: await fetcher.FetchPictureAsync(w.Url, ct))));
        foreach (var (w, result) in fetched)
        {
            known[Hash(w.Url)] = await StoreAsync(w, result, ct);
        }
        return [.. list.Select(w => known[Hash(w.Url)] is var p && p.ImageId is { } id ? new PictureOutcome(w.Url, id, null)
            : new PictureOutcome(w.Url, null, p.Error ?? "the picture was not fetched"))];
    }

    /// <summary>What the desk shows beside an item's pictures: fetched, failed (and why), or not fetched yet (absent).</summary>
    public async Task<IReadOnlyDictionary<string, WirePicture>> StatusAsync(IEnumerable<string> urls, CancellationToken ct)
    {
        var hashes = urls.Select(Hash).Distinct(StringComparer.Ordinal).ToList();
        if (hashes.Count == 0)
        {
            return new Dictionary<string, WirePicture>(StringComparer.Ordinal);
        }
        return await db.Set<WirePicture>().AsNoTracking().Where(p => hashes.Contains(p.UrlHash)).ToDictionaryAsync(p => p.Url, StringComparer.Ordinal, ct);
    }

    private async Task<WirePicture> StoreAsync(PictureWanted wanted, PictureFetch fetched, CancellationToken ct)
    {
        int? imageId = null;
        string? contentHash = null;
        var error = fetched.Error;
        if (fetched.Bytes is { } bytes)
        {
            contentHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var hash = contentHash;
            var credit = Cut(wanted.Credit, 200);
            // The same picture under another address, credited alike: one image. Another agency's copy keeps its own credit.
            imageId = await db.Set<WirePicture>().AsNoTracking().Where(p => p.ContentHash == hash && p.ImageId != null)
                .Join(db.Images.Where(i => i.Credit == credit), p => p.ImageId, i => (int?)i.Id, (p, i) => p.ImageId).FirstOrDefaultAsync(ct);
            if (imageId is null)
            {
                using var stream = new MemoryStream(bytes, writable: false);
                var uploaded = await media.UploadAsync(stream, bytes.Length, Cut(wanted.Alt, 500), "", Cut(wanted.Credit, 200), ct);
                imageId = uploaded.Image?.Id;
                error = uploaded.Error is { } e ? "the media library refused it: " + e.Message : null;
            }
        }
        var urlHash = Hash(wanted.Url);
        var row = await db.Set<WirePicture>().AsTracking().FirstOrDefaultAsync(p => p.UrlHash == urlHash, ct);
        if (row is null)
        {
            row = new WirePicture { UrlHash = urlHash, Url = wanted.Url };
            db.Set<WirePicture>().Add(row);
        }
        row.ImageId = imageId;
        row.ContentHash = imageId is null ? null : contentHash;
        row.Error = imageId is null ? Cut(error ?? "the picture could not be stored", 500) : null;
        row.FetchedAt = Now();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (!ct.IsCancellationRequested)
        {
            // Another editor's draft recorded this address between our read and our insert: theirs stands.
            db.ChangeTracker.Clear();
            return await db.Set<WirePicture>().AsNoTracking().FirstOrDefaultAsync(p => p.UrlHash == urlHash, ct) ?? row;
        }
        db.ChangeTracker.Clear();
        if (row.Error is { } why)
        {
            log.LogWarning("Wire picture {Url} not stored: {Reason}", wanted.Url, why);
        }
        return row;
    }

    public static string Hash(string url) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url ?? "")));

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
