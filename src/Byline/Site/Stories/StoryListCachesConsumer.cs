using Byline.Events;

namespace Byline.Site.Stories;

/// <summary>The held story ids, cards and deep-page boundaries follow every change before pages are evicted.</summary>
public sealed class StoryListCachesConsumer(StoryIdCache ids, StoryCardCache cards, PageBoundaries boundaries) : IContentConsumer
{
    public string Name => "story-lists";

    public ConsumerStage Stage => ConsumerStage.LocalData;

    public Task HandleAsync(ContentEventRecord change, CancellationToken ct)
    {
        ids.OnChange(change);
        cards.OnChange(change);
        boundaries.OnChange(change);
        return Task.CompletedTask;
    }
}
