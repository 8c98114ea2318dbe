using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

/// <summary>
/// The rules each story format adds to the article's own (headline, slug, section…). A draft may be
/// unfinished; a story going live (published or scheduled) must be complete for its format.
/// Field names are the editor form's, so messages appear by the field.
/// </summary>
public static class FormatRules
{
    public const int ShortSummaryMaxWords = 60;
    public const int MaxSlides = 100;
    public const int WebStoryMinPages = 5;
    public const int WebStoryMaxPages = 15;
    public const int MaxKeyFacts = 20;
    public const int MaxPinned = 20;

    public static async Task ValidateAsync(BylineDb db, StoryInput input, Article? existing, bool goingLive, Dictionary<string, string> errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        switch (input.Format)
        {
            case StoryFormat.ShortNews:
                ValidateShort(input, goingLive, errors);
                await ValidateLinkAsync(db, input, existing, errors, ct);
                break;
            case StoryFormat.Episode:
                await ValidateEpisodeAsync(db, input, goingLive, errors, ct);
                break;
            case StoryFormat.PhotoStory:
                ValidateSlides(input.Extras.Slides, goingLive ? 1 : 0, MaxSlides, requireText: false, errors);
                break;
            case StoryFormat.WebStory:
                ValidateSlides(input.Extras.Slides, goingLive ? WebStoryMinPages : 0, WebStoryMaxPages, requireText: true, errors);
                break;
            case StoryFormat.Hub:
                await ValidateHubAsync(db, input, existing, errors, ct);
                break;
        }
        if (input.Extras.Slides.Count > 0 && !errors.ContainsKey("slides"))
        {
            var ids = input.Extras.Slides.Where(s => s.ImageId is not null).Select(s => s.ImageId!.Value).Distinct().ToList();
            if (ids.Count > 0 && await db.Images.CountAsync(i => ids.Contains(i.Id), ct) != ids.Count)
            {
                errors["slides"] = "One of the pictures is not in the media library any more; pick it again.";
            }
        }
    }

    /// <summary>Words as readers count them: runs of letters or digits (hyphenated and apostrophised words count once).</summary>
    public static int CountWords(string? text) => BodyDocument.CountWords(text ?? "");

    private static void ValidateShort(StoryInput input, bool goingLive, Dictionary<string, string> errors)
    {
        var words = CountWords(input.Standfirst);
        if (words > ShortSummaryMaxWords)
        {
            errors["standfirst"] = $"A short's summary is at most {ShortSummaryMaxWords} words; this one has {words.ToString(CultureInfo.InvariantCulture)}.";
        }
        else if (goingLive && words == 0)
        {
            errors["standfirst"] = "Write the summary readers see (at most 60 words).";
        }
    }

    private static async Task ValidateLinkAsync(BylineDb db, StoryInput input, Article? existing, Dictionary<string, string> errors, CancellationToken ct)
    {
        if (input.LinkedArticleId is not { } linked)
        {
            return;
        }
        if (linked == existing?.Id)
        {
            errors["linkedArticleId"] = "A short cannot link to itself; choose the full story.";
            return;
        }
        var target = await db.Articles.AsNoTracking().Where(a => a.Id == linked).Select(a => (StoryFormat?)a.Format).FirstOrDefaultAsync(ct);
        if (target is null)
        {
            errors["linkedArticleId"] = "There is no story with that number.";
        }
        else if (!StoryFormats.IsListed(target.Value))
        {
            errors["linkedArticleId"] = "Link a full story (an article, photo story or live blog), not another short, episode, web story or hub.";
        }
    }

    private static async Task ValidateEpisodeAsync(BylineDb db, StoryInput input, bool goingLive, Dictionary<string, string> errors, CancellationToken ct)
    {
        if (input.ShowId is not { } showId)
        {
            errors["showId"] = "Choose the show this episode belongs to.";
        }
        else if (!await db.Shows.AnyAsync(s => s.Id == showId, ct))
        {
            errors["showId"] = "That show does not exist any more; choose another.";
        }
        if (input.Extras.Video is not { } video)
        {
            if (goingLive)
            {
                errors["videoUrl"] = "Add the video: upload an MP4, give an HLS address, or paste a video page's address to embed.";
            }
            return;
        }
        if (VideoProblem(video) is { } problem)
        {
            errors["videoUrl"] = problem;
        }
        if (video.DurationSeconds is < 0 or > 24 * 3600)
        {
            errors["videoDuration"] = "Give the length as minutes and seconds, e.g. 12:30.";
        }
    }

    /// <summary>Why a video source cannot play, or null when it can.</summary>
    public static string? VideoProblem(VideoSource video)
    {
        ArgumentNullException.ThrowIfNull(video);
        var url = video.Url.Trim();
        if (url.Length > 2000)
        {
            return "That address is too long.";
        }
        switch (video.Kind)
        {
            case VideoKind.Upload:
                return url.StartsWith("/media/", StringComparison.Ordinal) && url.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) && !url.Contains("..", StringComparison.Ordinal)
                    ? null
                    : "Upload the MP4 file with the upload button; the address is filled in for you.";
            case VideoKind.Hls:
                return WebAddress.IsHttp(url, out _) ? null : "An HLS stream needs a full web address starting with https:// (usually ending in .m3u8).";
            case VideoKind.Embed:
                return WebAddress.IsHttp(url, out _) && Embeds.Html(url) is { } html && html.Contains("<iframe", StringComparison.Ordinal)
                    ? null
                    : "Paste the address of a YouTube or Vimeo video page to embed it.";
            default:
                return "Choose how the video is given.";
        }
    }

    private static void ValidateSlides(IReadOnlyList<Slide> slides, int min, int max, bool requireText, Dictionary<string, string> errors)
    {
        if (slides.Count > max)
        {
            errors["slides"] = $"Use at most {max.ToString(CultureInfo.InvariantCulture)} pictures or pages.";
            return;
        }
        if (slides.Count < min)
        {
            errors["slides"] = min == 1
                ? "Add at least one picture before publishing."
                : $"A web story needs {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} pages before publishing.";
            return;
        }
        for (var i = 0; i < slides.Count; i++)
        {
            var s = slides[i];
            var n = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (s.ImageId is null)
            {
                errors["slides"] = $"Slide {n} has no picture.";
                return;
            }
            if (requireText && string.IsNullOrWhiteSpace(s.Heading) && string.IsNullOrWhiteSpace(s.Text))
            {
                errors["slides"] = $"Page {n} needs a heading or some text (text is never baked into the picture).";
                return;
            }
            if (s.Heading.Length > 200 || s.Text.Length > 1000 || s.Credit.Length > 200 || s.Alt.Length > 500)
            {
                errors["slides"] = $"Slide {n} is too long: headings 200 characters, text 1,000, credit 200, alt text 500.";
                return;
            }
        }
    }

    private static async Task ValidateHubAsync(BylineDb db, StoryInput input, Article? existing, Dictionary<string, string> errors, CancellationToken ct)
    {
        // A hub's address is its slug alone (/events/{slug}), so it must be unique among hubs.
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugs.From(input.Headline.Trim()) : input.Slug.Trim();
        var id = existing?.Id ?? 0;
        if (!errors.ContainsKey("slug") && await db.Articles.AnyAsync(a => a.Format == StoryFormat.Hub && a.Slug == slug && a.Id != id, ct))
        {
            errors["slug"] = "Another topic hub already uses this address; change the slug.";
        }
        if (input.Extras.KeyFacts.Count > MaxKeyFacts || input.Extras.KeyFacts.Any(f => f.Length > 300))
        {
            errors["keyFacts"] = $"Use at most {MaxKeyFacts.ToString(CultureInfo.InvariantCulture)} key facts of up to 300 characters each.";
        }
        var pinned = input.Extras.PinnedIds;
        if (pinned.Count > MaxPinned)
        {
            errors["pinnedIds"] = $"Pin at most {MaxPinned.ToString(CultureInfo.InvariantCulture)} stories.";
        }
        else if (pinned.Count > 0)
        {
            var found = await db.Articles.AsNoTracking().Where(a => pinned.Contains(a.Id)).Select(a => new { a.Id, a.Format }).ToListAsync(ct);
            if (pinned.FirstOrDefault(p => found.All(f => f.Id != p)) is var missing and > 0)
            {
                errors["pinnedIds"] = $"There is no story {missing.ToString(CultureInfo.InvariantCulture)}.";
            }
            else if (found.FirstOrDefault(f => f.Format == StoryFormat.Hub) is { } hub)
            {
                errors["pinnedIds"] = $"Story {hub.Id.ToString(CultureInfo.InvariantCulture)} is a hub itself; pin stories.";
            }
        }
        if (input.LinkedArticleId is { } live)
        {
            var format = await db.Articles.AsNoTracking().Where(a => a.Id == live).Select(a => (StoryFormat?)a.Format).FirstOrDefaultAsync(ct);
            if (format != StoryFormat.LiveBlog)
            {
                errors["linkedArticleId"] = "Choose a live blog (by its number) or leave this empty.";
            }
        }
    }
}
