using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Wire;

/// <summary>The desk's filters, as the query string carries them.</summary>
public sealed record DeskFilter(int? Source = null, int? MaxUrgency = null, string? Subject = null, int? Hours = null, bool Pictures = false, bool Embargoed = false, string? Query = null);

public sealed record DeskMember(long Id, string Agency, string Headline, int Version, int? Urgency, DateTime ReceivedAt, bool Killed);

/// <summary>One row of the desk: a near-duplicate cluster (often of one), shown by its newest member.</summary>
public sealed record DeskRow(long ClusterId, DeskMember Lead, IReadOnlyList<DeskMember> Members, bool HasPictures, DateTime? EmbargoUntil, string Subjects);

public sealed record DeskVersion(int Version, string Headline, WireSignal Signal, DateTime ReceivedAt);

public sealed record DeskItem(WireItem Item, string Agency, string Credit, IReadOnlyList<DeskVersion> Versions, IReadOnlyList<DeskMember> Cluster, IReadOnlyList<int> UsedIn);

/// <summary>Reads for the wire desk: newest first, filtered, searched, grouped into clusters.</summary>
public sealed class WireDesk(BylineDb db, TimeProvider clock)
{
    public const int PageRows = 50;
    private const int ScanItems = 400;

    public async Task<IReadOnlyList<DeskRow>> ListAsync(DeskFilter f, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(f);
        var now = clock.GetUtcNow().UtcDateTime;
        var items = db.Set<WireItem>().AsNoTracking();
        if (f.Source is { } source)
        {
            items = items.Where(i => i.SourceId == source);
        }
        if (f.MaxUrgency is { } urgency)
        {
            items = items.Where(i => i.Urgency != null && i.Urgency <= urgency);
        }
        if (!string.IsNullOrWhiteSpace(f.Subject))
        {
            var pattern = "%|" + f.Subject.Trim().Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) + "|%";
            items = items.Where(i => EF.Functions.Like(i.Subjects, pattern));
        }
        if (f.Hours is { } hours)
        {
            var since = now.AddHours(-hours);
            items = items.Where(i => i.ReceivedAt >= since);
        }
        if (f.Pictures)
        {
            items = items.Where(i => i.HasPictures);
        }
        if (f.Embargoed)
        {
            items = items.Where(i => i.EmbargoUntil != null && i.EmbargoUntil > now);
        }
        if (!string.IsNullOrWhiteSpace(f.Query))
        {
            var ids = await WireSearch.MatchAsync(db, f.Query, ct);
            items = items.Where(i => ids.Contains(i.Id));
        }
        var found = await items.OrderByDescending(i => i.ReceivedAt).ThenByDescending(i => i.Id).Take(ScanItems)
            .Select(i => new { i.Id, i.ClusterId, i.HasPictures, i.EmbargoUntil, i.Subjects }).ToListAsync(ct);
        var clusters = found.GroupBy(i => i.ClusterId).Take(PageRows).ToList();
        var clusterIds = clusters.Select(c => c.Key).ToList();
        var members = await MembersAsync(db.Set<WireItem>().AsNoTracking().Where(i => clusterIds.Contains(i.ClusterId)), ct);
        return [.. clusters.Select(c =>
        {
            var mine = members.Where(m => m.ClusterId == c.Key).Select(m => m.Member).ToList();
            var first = c.First();
            var lead = mine.FirstOrDefault(m => m.Id == first.Id) ?? mine[0];
            return new DeskRow(c.Key, lead, mine, c.Any(x => x.HasPictures), c.Max(x => x.EmbargoUntil), first.Subjects);
        })];
    }

    public async Task<DeskItem?> ItemAsync(long id, CancellationToken ct)
    {
        var item = await db.Set<WireItem>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (item is null)
        {
            return null;
        }
        var source = await db.Set<WireSource>().AsNoTracking().Where(s => s.Id == item.SourceId).Select(s => new { s.AgencyName, s.CreditLine }).FirstAsync(ct);
        var versions = await db.Set<WireItemVersion>().AsNoTracking().Where(v => v.ItemId == id).OrderByDescending(v => v.Version)
            .Select(v => new DeskVersion(v.Version, v.Headline, v.Signal, v.ReceivedAt)).ToListAsync(ct);
        var cluster = await MembersAsync(db.Set<WireItem>().AsNoTracking().Where(i => i.ClusterId == item.ClusterId), ct);
        var usedIn = await db.Set<WireStoryLink>().AsNoTracking().Where(l => l.ItemId == id).Select(l => l.ArticleId).ToListAsync(ct);
        return new DeskItem(item, source.AgencyName, source.CreditLine.Length > 0 ? source.CreditLine : source.AgencyName, versions,
            [.. cluster.Select(c => c.Member)], usedIn);
    }

    public Task<List<(int Id, string Name)>> SourcesAsync(CancellationToken ct) =>
        db.Set<WireSource>().AsNoTracking().OrderBy(s => s.AgencyName).Select(s => new ValueTuple<int, string>(s.Id, s.AgencyName)).ToListAsync(ct);

    private async Task<List<(long ClusterId, DeskMember Member)>> MembersAsync(IQueryable<WireItem> items, CancellationToken ct)
    {
        var rows = await items.OrderByDescending(i => i.ReceivedAt).ThenByDescending(i => i.Id).Take(1000)
            .Join(db.Set<WireSource>(), i => i.SourceId, s => s.Id, (i, s) => new { i.ClusterId, i.Id, s.AgencyName, i.Headline, i.Version, i.Urgency, i.ReceivedAt, i.KilledAt })
            .ToListAsync(ct);
        return [.. rows.OrderByDescending(r => r.ReceivedAt).ThenByDescending(r => r.Id).Select(r => (r.ClusterId, new DeskMember(r.Id, r.AgencyName, r.Headline, r.Version, r.Urgency, r.ReceivedAt, r.KilledAt != null)))];
    }
}
