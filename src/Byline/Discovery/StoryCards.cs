using Byline.Content;

namespace Byline.Discovery;

/// <summary>
/// A story as lists show it. Declared here, the lowest folder whose lists hold cards (popular,
/// trending); the reader site builds them and shows them everywhere else. <see cref="Live"/>: a live
/// blog still running (its cards carry a LIVE badge until an editor ends it).
/// </summary>
public sealed record StoryCard(int Id, string Headline, string Standfirst, string Url, DateTime PublishedAt, int TopSectionId, string SectionName, StoryImage? Image,
    StoryFormat Format = StoryFormat.Article, int Photos = 0, bool Live = false);

/// <summary>
/// The cards of stories by id, for Discovery's lists. The reader site owns the card query and its
/// caches (Site/Stories/StoryLists) and provides this; Discovery never reaches up into Site.
/// </summary>
public interface IStoryCards
{
    Task<IReadOnlyList<StoryCard>> CardsAsync(IReadOnlyCollection<int> ids, CancellationToken ct);
}
