using Byline.Discovery;

namespace Byline.Site.Home;

/// <summary>
/// Top Stories when the editors have not filled them: the recent stories in order of importance, not of
/// publication. A story's weight is 1, plus 2 for a running live blog, plus up to 1.5 for its place in
/// Most read, plus 0.6 for a picture and 0.2 for a standfirst; it decays with age as
/// weight / (hours + 2)^1.3. Picked greedily, each further story from a section already picked counts
/// 0.7 times as much, so one busy desk does not fill the tier. Ties go to the newer story.
/// </summary>
public static class FrontPageOrder
{
    private const double Gravity = 1.3;
    private const double SameSectionFactor = 0.7;

    public static double Weight(StoryCard card, int mostReadRank, int mostReadCount)
    {
        ArgumentNullException.ThrowIfNull(card);
        var weight = 1.0;
        if (card.Live)
        {
            weight += 2;
        }
        if (mostReadRank >= 0 && mostReadCount > 0)
        {
            weight += 1.5 * (mostReadCount - mostReadRank) / mostReadCount;
        }
        if (card.Image is not null)
        {
            weight += 0.6;
        }
        if (!string.IsNullOrWhiteSpace(card.Standfirst))
        {
            weight += 0.2;
        }
        return weight;
    }

    public static double Score(StoryCard card, int mostReadRank, int mostReadCount, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(card);
        var hours = Math.Max(0, (nowUtc - card.PublishedAt).TotalHours);
        return Weight(card, mostReadRank, mostReadCount) / Math.Pow(hours + 2, Gravity);
    }

    /// <summary>Up to <paramref name="count"/> ids of <paramref name="candidates"/>, most important first, none of <paramref name="exclude"/>.</summary>
    public static IReadOnlyList<int> Pick(IEnumerable<StoryCard> candidates, IReadOnlyList<int> mostReadIds, ISet<int> exclude, int count, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(mostReadIds);
        ArgumentNullException.ThrowIfNull(exclude);
        var scored = candidates.Where(c => !exclude.Contains(c.Id))
            .Select(c => (Card: c, Score: Score(c, IndexOf(mostReadIds, c.Id), mostReadIds.Count, nowUtc)))
            .ToList();
        var picked = new List<int>(count);
        var perSection = new Dictionary<int, int>();
        while (picked.Count < count && scored.Count > 0)
        {
            var best = 0;
            var bestScore = double.MinValue;
            for (var i = 0; i < scored.Count; i++)
            {
                var (card, score) = scored[i];
                var adjusted = score * Math.Pow(SameSectionFactor, perSection.GetValueOrDefault(card.TopSectionId));
                if (adjusted > bestScore || (Math.Abs(adjusted - bestScore) < 1e-12 && Newer(card, scored[best].Card)))
                {
                    best = i;
                    bestScore = adjusted;
                }
            }
            var chosen = scored[best].Card;
            scored.RemoveAt(best);
            picked.Add(chosen.Id);
            perSection[chosen.TopSectionId] = perSection.GetValueOrDefault(chosen.TopSectionId) + 1;
        }
        return picked;
    }

    private static bool Newer(StoryCard a, StoryCard b) => a.PublishedAt > b.PublishedAt || (a.PublishedAt == b.PublishedAt && a.Id > b.Id);

    private static int IndexOf(IReadOnlyList<int> ids, int id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] == id)
            {
                return i;
            }
        }
        return -1;
    }
}
