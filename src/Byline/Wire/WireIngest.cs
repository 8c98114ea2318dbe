using AngleSharp.Html.Parser;
using Byline.Content;
using Byline.Events;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Byline.Wire;

/// <summary>What one document did: items new, versions that updated an item, exact duplicates dropped, refusals quarantined.</summary>
public sealed record IngestResult(int Stored, int Updated, int Duplicates, int Quarantined)
{
    public static IngestResult None { get; } = new(0, 0, 0, 0);

    public IngestResult Add(IngestResult o) => o is null ? this : new(Stored + o.Stored, Updated + o.Updated, Duplicates + o.Duplicates, Quarantined + o.Quarantined);
}

/// <summary>
/// Stores a parsed document, item by item, each in its own transaction (a bad item never half-stores, and never
/// stops the next). Exact duplicates — the same (source, agency id, version) — are dropped by the unique index
/// on <c>WireItemVersions</c>, so pollers racing on the same source never store one twice. A newer version
/// updates the item in place; every version stays in <c>WireItemVersions</c>. A new item joins the cluster of
/// the nearest recent item within <see cref="WireOptions.ClusterDistance"/> (SimHash), or starts its own.
/// A stored item or a newer version appends a <c>wire.received</c> event in the same transaction, so the
/// <c>wire.item.received</c> webhook is delivered from the outbox like every other.
/// </summary>
public sealed class WireIngest(BylineDb db, AuditLog audit, ContentEvents events, IOptionsMonitor<WireOptions> options, TimeProvider clock, ILogger<WireIngest> log)
{
    private static readonly HtmlParser Html = new();

    private WireOptions Options => options.CurrentValue;

    public async Task<IngestResult> IngestAsync(int sourceId, WireDocument document, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var result = IngestResult.None;
        foreach (var refusal in document.Refused)
        {
            await QuarantineAsync(sourceId, refusal, ct);
            result = result.Add(new IngestResult(0, 0, 0, 1));
        }
        foreach (var item in document.Items)
        {
            result = result.Add(await StoreAsync(sourceId, item, ct));
        }
        return result;
    }

    public async Task QuarantineAsync(int sourceId, Refusal refusal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        log.LogWarning("Wire source {Source}: quarantined {AgencyId}: {Reason}", sourceId, refusal.AgencyId ?? "(document)", refusal.Reason);
        db.Set<WireQuarantine>().Add(new WireQuarantine
        {
            SourceId = sourceId,
            AgencyId = refusal.AgencyId is { Length: > 300 } tooLong ? tooLong[..300] : refusal.AgencyId,
            Reason = refusal.Reason.Length > 1000 ? refusal.Reason[..1000] : refusal.Reason,
            Excerpt = refusal.Excerpt,
            At = Now(),
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task<IngestResult> StoreAsync(int sourceId, ParsedItem parsed, CancellationToken ct)
    {
        var hash = parsed.ContentHash();
        var items = db.Set<WireItem>();
        var versions = db.Set<WireItemVersion>();
        var current = await items.AsNoTracking().Where(i => i.SourceId == sourceId && i.AgencyId == parsed.AgencyId)
            .Select(i => new { i.Id, i.Version, i.ContentHash }).FirstOrDefaultAsync(ct);
        // RSS and Atom have no versions: the same content is the same version, changed content the next one.
        var version = parsed.Version ?? (current is null ? 1 : current.ContentHash == hash ? current.Version : current.Version + 1);
        if (await versions.AnyAsync(v => v.SourceId == sourceId && v.AgencyId == parsed.AgencyId && v.Version == version, ct))
        {
            return new IngestResult(0, 0, 1, 0);
        }
        var body = BodyDocument.Sanitize(parsed.BodyHtml);
        var text = PlainText(body);
        var now = Now();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            WireItem? item = current is null ? null : await items.AsTracking().FirstAsync(i => i.Id == current.Id, ct);
            var isNew = item is null;
            var newest = item is null || version > item.Version;
            if (item is null)
            {
                item = new WireItem { SourceId = sourceId, AgencyId = parsed.AgencyId, Headline = "", ReceivedAt = now };
                items.Add(item);
            }
            if (newest)
            {
                Apply(item, parsed, version, body, text, hash, now);
            }
            await db.SaveChangesAsync(ct);
            if (isNew)
            {
                item.ClusterId = await NearestClusterAsync(item.Id, item.SimHash, now, ct) ?? item.Id;
                db.Set<WireSimKey>().AddRange(Keys(item));
            }
            else if (newest)
            {
                await db.Set<WireSimKey>().Where(k => k.ItemId == item.Id).ExecuteDeleteAsync(ct);
                db.Set<WireSimKey>().AddRange(Keys(item));
            }
            if (!isNew && item.KilledAt == now)
            {
                // Every story made from it is marked in its audit trail, in the same transaction as the kill.
                var stories = await db.Set<WireStoryLink>().Where(l => l.ItemId == item.Id).Select(l => l.ArticleId).ToListAsync(ct);
                foreach (var story in stories)
                {
                    audit.Record(db, null, parsed.Signal == WireSignal.Withdraw ? "wire.withdrawn" : "wire.killed", "article",
                        story.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{parsed.AgencyId}: {Cut(parsed.Headline, 200)}");
                }
            }
            versions.Add(new WireItemVersion
            {
                ItemId = item.Id,
                SourceId = sourceId,
                AgencyId = parsed.AgencyId,
                Version = version,
                Headline = Cut(parsed.Headline, 500),
                BodyHtml = body,
                Signal = parsed.Signal,
                EmbargoUntil = parsed.EmbargoUntil,
                ContentHash = hash,
                ReceivedAt = now,
            });
            await db.SaveChangesAsync(ct);
            if (isNew || newest)
            {
                await events.AppendAsync(db, new ContentChanged([ContentKeys.WireItem(item.Id)], ContentReasons.WireReceived, null, "wire"), ct);
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            await events.CommittedAsync(db, ct);
            if (item.KilledAt == now)
            {
                log.LogWarning("Wire source {Source}: {AgencyId} was {Signal}", sourceId, parsed.AgencyId, parsed.Signal);
            }
            return isNew ? new IngestResult(1, 0, 0, 0) : new IngestResult(0, newest ? 1 : 0, 0, 0);
        }
        catch (DbUpdateException) when (!ct.IsCancellationRequested)
        {
            // Another poller stored this version (or this item) between our check and our insert: the unique
            // indexes refused ours, and the transaction takes back everything this item wrote.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await versions.AnyAsync(v => v.SourceId == sourceId && v.AgencyId == parsed.AgencyId && v.Version == version, ct)
                || await items.AnyAsync(i => i.SourceId == sourceId && i.AgencyId == parsed.AgencyId, ct))
            {
                return new IngestResult(0, 0, 1, 0);
            }
            throw;
        }
    }

    private static void Apply(WireItem item, ParsedItem parsed, int version, string body, string text, string hash, DateTime now)
    {
        item.Version = version;
        item.Urgency = parsed.Urgency;
        item.Subjects = parsed.Subjects.Count == 0 ? "" : Cut("|" + string.Join('|', parsed.Subjects.Select(s => s.Replace('|', ' '))) + "|", 2000);
        item.Dateline = Cut(parsed.Dateline, 200);
        item.Headline = Cut(parsed.Headline, 500);
        item.BodyHtml = body;
        item.BodyText = text;
        item.Pictures = string.Join('\n', parsed.Pictures);
        item.HasPictures = parsed.Pictures.Count > 0;
        item.EmbargoUntil = parsed.EmbargoUntil;
        item.Signal = parsed.Signal;
        if (parsed.Signal is WireSignal.Kill or WireSignal.Withdraw)
        {
            item.KilledAt ??= now;
        }
        item.SentAt = parsed.SentAt;
        item.UpdatedAt = now;
        item.ContentHash = hash;
        // The body alone: agencies word their headlines differently for the same story; an item without a body uses its headline.
        item.SimHash = SimHash.Of(text.Length > 0 ? text : parsed.Headline);
    }

    private static IEnumerable<WireSimKey> Keys(WireItem item) =>
        item.SimHash == 0 ? [] : SimHash.Keys(item.SimHash).Select(k => new WireSimKey { Key = k, ItemId = item.Id });

    /// <summary>The cluster of the nearest recent item within the distance: candidates share a band, then the whole hash is compared.</summary>
    private async Task<long?> NearestClusterAsync(long itemId, long hash, DateTime now, CancellationToken ct)
    {
        if (hash == 0)
        {
            return null;
        }
        var keys = SimHash.Keys(hash);
        var since = now - Options.ClusterWindow;
        var candidates = await db.Set<WireSimKey>().Where(k => keys.Contains(k.Key) && k.ItemId != itemId)
            .Join(db.Set<WireItem>().Where(i => i.ReceivedAt >= since), k => k.ItemId, i => i.Id, (k, i) => new { i.Id, i.SimHash, i.ClusterId })
            .Distinct().OrderByDescending(c => c.Id).Take(500).ToListAsync(ct);
        var limit = Math.Min(Options.ClusterDistance, SimHash.Bands - 1);
        return candidates.Select(c => (c.ClusterId, Distance: SimHash.Distance(c.SimHash, hash)))
            .Where(c => c.Distance <= limit).OrderBy(c => c.Distance).Select(c => (long?)c.ClusterId).FirstOrDefault();
    }

    /// <summary>The body's paragraphs as plain text, a blank line between them: what search, SimHash and a draft read.</summary>
    public static string PlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (html.Length == 0)
        {
            return "";
        }
        using var doc = Html.ParseDocument("<body>" + html + "</body>");
        var blocks = doc.Body!.QuerySelectorAll("p, h1, h2, h3, h4, h5, h6, li, blockquote, pre")
            .Where(e => e.ParentElement?.Closest("p, li, blockquote") is null)
            .Select(e => Squash(e.TextContent)).Where(t => t.Length > 0).ToList();
        return blocks.Count > 0 ? string.Join("\n\n", blocks) : Squash(doc.Body.TextContent);
    }

    private static string Squash(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private DateTime Now()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
