using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Byline.Ads.Newsroom;

/// <summary>Admin: impressions, clicks and click-through rate per creative and day.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AdReportModel(BylineDb db, TimeProvider clock) : NewsroomPageModel
{
    public static readonly int[] Periods = [1, 7, 30, 90];

    public sealed record Row(int CreativeId, string Name, DateTime Day, int Impressions, int Clicks)
    {
        public string Ctr => Impressions == 0 ? "–" : (100.0 * Clicks / Impressions).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %";
    }

    public int Days { get; private set; } = 7;
    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(int? days, CancellationToken ct)
    {
        Title = "Ad report";
        Area = "ads";
        Days = days is int d && Periods.Contains(d) ? d : 7;
        var since = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - Days), DateTimeKind.Utc);
        var rows = await db.AdCounts.AsNoTracking().Where(c => c.Day >= since)
            .Join(db.AdCreatives, c => c.CreativeId, a => a.Id, (c, a) => new { c.CreativeId, a.Name, c.Day, c.Impressions, c.Clicks })
            .ToListAsync(ct);
        Rows = [.. rows.OrderByDescending(r => r.Day).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => new Row(r.CreativeId, r.Name, r.Day, r.Impressions, r.Clicks))];
    }
}
