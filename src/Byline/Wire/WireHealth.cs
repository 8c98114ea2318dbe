using System.Globalization;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Wire;

public sealed record SourceHealth(
    int Id, string AgencyName, WireFeedKind Kind, string? Url, bool Enabled, bool Push, int PollIntervalSeconds,
    DateTime? LastSuccessAt, DateTime? LastErrorAt, string? LastError, int ItemsToday, string? Warning);

/// <summary>
/// Each source's health — last success, last error, items since midnight (UTC) — and the warning the dashboard
/// shows: a polled source silent for twice its interval, or failing (its last poll failed). Killed items that a
/// story was made from are told on the dashboard too.
/// </summary>
public sealed class WireHealth(BylineDb db, TimeProvider clock) : IDashboardNotices
{
    public async Task<IReadOnlyList<SourceHealth>> SourcesAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var counts = await db.Set<WireItem>().AsNoTracking().Where(i => i.ReceivedAt >= today)
            .GroupBy(i => i.SourceId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var sources = await db.Set<WireSource>().AsNoTracking().OrderBy(s => s.AgencyName).ThenBy(s => s.Id).ToListAsync(ct);
        return [.. sources.Select(s => new SourceHealth(s.Id, s.AgencyName, s.Kind, s.Url, s.Enabled, s.ProtectedPushSecret != null, s.PollIntervalSeconds,
            s.LastSuccessAt, s.LastErrorAt, s.LastError, counts.GetValueOrDefault(s.Id), Warning(s, now)))];
    }

    public static string? Warning(WireSource s, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.Enabled || s.Url is null)
        {
            return null;
        }
        if (s.LastErrorAt is { } failed && (s.LastSuccessAt is not { } ok || failed > ok))
        {
            return "failing: " + (s.LastError ?? "the last poll failed");
        }
        var last = s.LastSuccessAt ?? s.CreatedAt;
        return now - last > TimeSpan.FromSeconds(2.0 * s.PollIntervalSeconds)
            ? string.Create(CultureInfo.InvariantCulture, $"silent: no successful poll for {Math.Floor((now - last).TotalMinutes):0} minutes")
            : null;
    }

    public async Task<IReadOnlyList<NewsroomNotice>> ForDashboardAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var notices = new List<NewsroomNotice>();
        var sources = await db.Set<WireSource>().AsNoTracking().Where(s => s.Enabled && s.Url != null).ToListAsync(ct);
        foreach (var s in sources)
        {
            if (Warning(s, now) is { } warning)
            {
                notices.Add(new NewsroomNotice(warning.StartsWith("failing", StringComparison.Ordinal) ? "wire.source-failing" : "wire.source-silent",
                    $"Wire source {s.AgencyName} is {warning}.", string.Create(CultureInfo.InvariantCulture, $"/newsroom/wire/sources/{s.Id}")));
            }
        }
        // Kills of the last week that reached a story: the editors must pull or rewrite it.
        var since = now.AddDays(-7);
        var killed = await db.Set<WireStoryLink>().AsNoTracking()
            .Join(db.Set<WireItem>().Where(i => i.KilledAt != null && i.KilledAt >= since), l => l.ItemId, i => i.Id, (l, i) => new { l.ArticleId, i.Headline, i.Signal, i.KilledAt })
            .Join(db.Articles, k => k.ArticleId, a => a.Id, (k, a) => new { k.ArticleId, k.Headline, k.Signal, k.KilledAt, Story = a.Headline })
            .OrderByDescending(k => k.KilledAt).Take(10).ToListAsync(ct);
        notices.AddRange(killed.Select(k => new NewsroomNotice(k.Signal == WireSignal.Withdraw ? "wire.withdrawn" : "wire.killed",
            $"The agency {(k.Signal == WireSignal.Withdraw ? "withdrew" : "killed")} \"{k.Headline}\": the story \"{k.Story}\" was made from it.",
            string.Create(CultureInfo.InvariantCulture, $"/newsroom/stories/{k.ArticleId}"))));
        return notices;
    }
}
