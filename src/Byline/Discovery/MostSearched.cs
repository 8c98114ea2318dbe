using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

public sealed record TermCount(string Term, long Count, bool Hidden);

/// <summary>
/// The footer's "Most searched": the top terms of the last days, hidden terms left out, held in
/// memory and refreshed once a minute so the layout never queries.
/// </summary>
public sealed class MostSearched(IServiceScopeFactory scopes, TimeProvider clock, DiscoveryOptions options)
{
    public const int FooterCount = 8;

    private volatile IReadOnlyList<string> _current = [];

    public IReadOnlyList<string> Current => _current;

    public async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BylineDb>();
        var since = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - options.MostSearchedDays), DateTimeKind.Utc);
        var top = await TopAsync(db, since, FooterCount, includeHidden: false, ct);
        _current = [.. top.Select(t => t.Term)];
        return _current;
    }

    /// <summary>The most asked-for terms since a day (inclusive); the newsroom report includes hidden ones, flagged.</summary>
    public static async Task<IReadOnlyList<TermCount>> TopAsync(BylineDb db, DateTime sinceDay, int take, bool includeHidden, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var terms = db.SearchTerms.Where(t => t.Day >= sinceDay);
        if (!includeHidden)
        {
            terms = terms.Where(t => !db.HiddenSearchTerms.Any(h => h.Term == t.Term));
        }
        var rows = await terms.GroupBy(t => t.Term)
            .Select(g => new { Term = g.Key, Count = g.Sum(x => (long)x.Count) })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Term)
            .Take(take)
            .ToListAsync(ct);
        var names = rows.Select(r => r.Term).ToList();
        var hidden = includeHidden
            ? (await db.HiddenSearchTerms.Where(h => names.Contains(h.Term)).Select(h => h.Term).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal)
            : [];
        return [.. rows.Select(r => new TermCount(r.Term, r.Count, hidden.Contains(r.Term)))];
    }

    /// <summary>Hides or shows a term (normalised first); the public list changes at once.</summary>
    public async Task SetHiddenAsync(BylineDb db, string term, bool hide, string by, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var normalized = SearchTerms.Normalize(term);
        if (normalized.Length == 0)
        {
            return;
        }
        var existing = await db.HiddenSearchTerms.AsTracking().FirstOrDefaultAsync(h => h.Term == normalized, ct);
        if (hide && existing is null)
        {
            db.HiddenSearchTerms.Add(new HiddenSearchTerm { Term = normalized, HiddenAt = clock.GetUtcNow().UtcDateTime, HiddenBy = by });
        }
        else if (!hide && existing is not null)
        {
            db.HiddenSearchTerms.Remove(existing);
        }
        await db.SaveChangesAsync(ct);
        if (hide)
        {
            // Drop it from the public snapshot immediately instead of waiting for the next refresh.
            _current = [.. _current.Where(t => t != normalized)];
        }
        await RefreshAsync(ct);
    }
}
