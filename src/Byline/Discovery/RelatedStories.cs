using System.Collections.Concurrent;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Discovery;

/// <summary>A story's related stories as computed, and the content keys whose change makes them stale.</summary>
public sealed record RelatedEntry(IReadOnlyList<int> Ids, IReadOnlySet<string> DependsOn);

/// <summary>
/// Related stories per article id, kept until a content event touches the story, its sections, its
/// tags or one of the stories listed. Bounded: past <see cref="MaxEntries"/> it starts again empty.
/// </summary>
public sealed class RelatedCache
{
    public const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<int, RelatedEntry> _entries = new();

    public bool TryGet(int articleId, out RelatedEntry entry) => _entries.TryGetValue(articleId, out entry!);

    public void Set(int articleId, RelatedEntry entry)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[articleId] = entry;
    }

    public void Invalidate(ContentEventRecord change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var keys = change.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var (id, entry) in _entries)
        {
            if (change.ArticleId == id || (change.ArticleId is int changed && entry.Ids.Contains(changed)) || entry.DependsOn.Overlaps(keys))
            {
                _entries.TryRemove(id, out _);
            }
        }
    }
}

/// <summary>
/// Ranks related stories: 3 points per shared tag, 2 for the same section (1 for the same top-level
/// section), up to 2 for headline/standfirst similarity through the search index, and up to 1 for
/// closeness in publication time to the story itself (not to now, so the list stays put). Never the
/// story itself, never an unpublished one; ties go to the higher id.
/// </summary>
public sealed class RelatedStories(BylineDb db, ISearchIndex index, RelatedCache cache)
{
    public const int Keep = 8;
    private const int TagCandidates = 60;
    private const int SectionBefore = 20;
    private const int SectionAfter = 10;
    private const int TextCandidates = 30;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "about", "after", "again", "against", "also", "amid", "among", "been", "before", "being", "between", "could", "does", "during",
        "from", "have", "into", "just", "more", "most", "much", "next", "only", "over", "says", "said", "than", "that", "their", "them",
        "then", "there", "these", "they", "this", "those", "through", "under", "until", "were", "what", "when", "where", "which", "while",
        "will", "with", "would", "your", "year", "years", "week", "first", "last", "amid", "calls", "call", "make", "makes", "news",
    };

    public async Task<IReadOnlyList<int>> ForAsync(int articleId, CancellationToken ct)
    {
        if (cache.TryGet(articleId, out var cached))
        {
            return cached.Ids;
        }
        var entry = await ComputeAsync(articleId, ct);
        cache.Set(articleId, entry);
        return entry.Ids;
    }

    /// <summary>The headline's words worth matching on: four letters or more, not filler, at most six.</summary>
    public static IReadOnlyList<string> SignificantWords(string headline) =>
        [.. SearchSyntax.Words(headline).Where(w => w.Length >= 4 && !StopWords.Contains(w)).Distinct().Take(6)];

    private async Task<RelatedEntry> ComputeAsync(int articleId, CancellationToken ct)
    {
        var story = await db.Articles.AsNoTracking().Where(a => a.Id == articleId && a.Status == ArticleStatus.Published)
            .Select(a => new { a.Id, a.SectionId, a.TopSectionId, a.PublishedAt, a.Headline }).FirstOrDefaultAsync(ct);
        var depends = new HashSet<string>(StringComparer.Ordinal) { ContentKeys.Article(articleId) };
        if (story is null || story.PublishedAt is not DateTime published)
        {
            return new RelatedEntry([], depends);
        }
        depends.Add(ContentKeys.Section(story.SectionId));
        depends.Add(ContentKeys.Section(story.TopSectionId));
        var tagIds = await db.ArticleTags.Where(t => t.ArticleId == articleId).Select(t => t.TagId).ToListAsync(ct);
        depends.UnionWith(tagIds.Select(ContentKeys.Tag));

        var shared = tagIds.Count == 0
            ? []
            : await db.ArticleTags.Where(t => tagIds.Contains(t.TagId) && t.ListedAt != null && t.ArticleId != articleId)
                .GroupBy(t => t.ArticleId)
                .Select(g => new { Id = g.Key, Shared = g.Count(), Last = g.Max(t => t.ListedAt) })
                .OrderByDescending(x => x.Shared).ThenByDescending(x => x.Last).ThenByDescending(x => x.Id)
                .Take(TagCandidates)
                .ToListAsync(ct);
        var sameSection = db.Articles.Where(a => a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted && a.SectionId == story.SectionId && a.Id != articleId);
        var before = await sameSection.Where(a => a.PublishedAt <= published)
            .OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id).Select(a => a.Id).Take(SectionBefore).ToListAsync(ct);
        var after = await sameSection.Where(a => a.PublishedAt > published)
            .OrderBy(a => a.PublishedAt).ThenBy(a => a.Id).Select(a => a.Id).Take(SectionAfter).ToListAsync(ct);
        var similar = await index.SimilarAsync(SignificantWords(story.Headline), articleId, TextCandidates, ct);

        var candidates = shared.Select(s => s.Id).Concat(before).Concat(after).Concat(similar).Where(id => id != articleId).Distinct().ToArray();
        if (candidates.Length == 0)
        {
            return new RelatedEntry([], depends);
        }
        var meta = await db.Articles.Where(a => candidates.Contains(a.Id) && a.Status == ArticleStatus.Published && a.Format < StoryFormats.FirstUnlisted && a.PublishedAt != null)
            .Select(a => new { a.Id, a.SectionId, a.TopSectionId, a.PublishedAt }).ToListAsync(ct);
        var sharedById = shared.ToDictionary(s => s.Id, s => s.Shared);
        var textRank = similar.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => 2.0 * (1.0 - (double)x.i / similar.Count));
        var ranked = meta.Select(m => new
        {
            m.Id,
            Score = 3.0 * sharedById.GetValueOrDefault(m.Id)
                + (m.SectionId == story.SectionId ? 2.0 : m.TopSectionId == story.TopSectionId ? 1.0 : 0.0)
                + textRank.GetValueOrDefault(m.Id)
                + 1.0 / (1.0 + Math.Abs((m.PublishedAt!.Value - published).TotalDays) / 7.0),
        })
        .OrderByDescending(x => x.Score).ThenByDescending(x => x.Id)
        .Take(Keep)
        .Select(x => x.Id)
        .ToList();
        depends.UnionWith(ranked.Select(ContentKeys.Article));
        return new RelatedEntry(ranked, depends);
    }
}
