using Byline.Content;
using System.Globalization;
using Byline.Media;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Demo;

/// <summary>
/// The demo's video shows: six programmes with drawn artwork and four to ten published episodes
/// each. Every episode plays its show's generated title clip (<see cref="DemoVideo"/>), an uploaded
/// MP4 like any other, so the player, range requests and <c>VideoObject</c> are real. Live TV stays off
/// air until an editor sets a stream.
/// </summary>
internal static class DemoShows
{
    /// <summary>Length of each show's generated clip.</summary>
    private const int ClipSeconds = 4;

    private sealed record Spec(string Name, string Description, string Schedule, string SectionSlug, int EveryDays, int Episodes, int Minutes, string[] Headlines, string[] Topics);

    private static readonly Spec[] Shows =
    [
        new("The Nine O'Clock Bulletin", "The day's news in twenty minutes: what happened, why it matters and what comes next, with our correspondents across the country.",
            "Every night at 9 pm", "news", 1, 10, 22,
            ["{Topic} dominates the night's headlines", "Nine O'Clock: the day {topic} moved centre stage", "Tonight: what {topic} means for you", "The night's news: {topic} and the questions left open"],
            ["the monsoon session", "fuel prices", "the heatwave warning", "the metro expansion", "the new rail timetable", "exam results", "the water supply deal", "the state budget", "the cyclone alert", "the transport strike"]),
        new("Face to Face", "Long-form interviews with the people who run the country and those who want to: one guest, thirty minutes, no scripted answers.",
            "Saturdays at 8 pm", "india", 7, 6, 31,
            ["Face to Face: the minister on {topic}", "“We will not back down on {topic}”: the full interview", "The opposition leader answers on {topic}", "Face to Face: a chief minister on {topic}"],
            ["farm incomes", "the census", "state borrowing", "police reform", "the coalition arithmetic", "federal funding"]),
        new("Full Toss", "The week in sport without the jargon: the matches, the selections and the arguments, settled by our panel.",
            "Mondays and Thursdays at 6 pm", "sport", 3, 8, 18,
            ["Full Toss: {topic} and the selection headache", "Who wins {topic}? The panel decides", "Full Toss: the fallout from {topic}", "The big call in {topic}, explained"],
            ["the Premier Cricket Cup", "the hockey league final", "the women's T20 series", "the football transfer window", "the Monsoon Open", "the Test squad"]),
        new("Explained", "One question about technology, answered carefully in ten minutes, from how payments work to who decides what you see online.",
            "New episodes on Wednesdays", "tech", 7, 5, 11,
            ["Explained: how {topic} actually works", "Explained: who is responsible for {topic}?", "Explained: what the new rules on {topic} change", "Explained: should you worry about {topic}?"],
            ["instant payments", "phone number recycling", "data centres and water", "satellite internet", "deepfake detection", "electric-scooter batteries"]),
        new("Money Matters", "Markets, prices and your money: the business desk's weekly look at the numbers behind the headlines.",
            "Fridays at 7 pm", "business", 7, 7, 24,
            ["Money Matters: what {topic} means for your savings", "The week in markets: {topic}", "Money Matters: reading the numbers on {topic}", "Is {topic} a bubble? Our desk weighs in"],
            ["gold prices", "the rate decision", "small-cap shares", "home loan rates", "the rupee", "quarterly results", "the new tax slabs"]),
        new("Ground Report", "Our reporters travel to where the story is: villages, factories, border towns and city neighbourhoods the news usually passes by.",
            "Every other Sunday", "india", 14, 4, 27,
            ["Ground Report: life after {topic}", "Ground Report: the town waiting for {topic}", "Ground Report: inside {topic}", "Ground Report: the families living with {topic}"],
            ["the flood season", "the new highway", "the closed textile mill", "the solar park", "the river clean-up"]),
    ];

    public static async Task SeedAsync(BylineDb db, MediaStore media, Search.ISearchIndex search, int seed, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Shows.AnyAsync(ct))
        {
            return;
        }
        // The bulk story writer turns change detection off for speed; these rows go through EF.
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        var now = clock.GetUtcNow().UtcDateTime;
        var sections = await db.Sections.AsNoTracking().Select(s => new { s.Id, s.Slug, Top = s.ParentId ?? s.Id }).ToListAsync(ct);
        var desk = await db.Authors.AsNoTracking().Where(a => a.IsDesk).OrderBy(a => a.Id).Select(a => (int?)a.Id).FirstOrDefaultAsync(ct);
        var widths = MediaPaths.StandardWidths;
        var motifs = Enum.GetValues<DemoArtwork.Motif>();
        var rng = new Random(seed);
        for (var i = 0; i < Shows.Length; i++)
        {
            var spec = Shows[i];
            var slug = Slugs.From(spec.Name);
            var key = "demo-show-" + slug;
            var palette = DemoArtwork.Palettes[(i * 3 + 1) % DemoArtwork.Palettes.Length];
            var motif = motifs[i % motifs.Length];
            var image = await db.Images.FirstOrDefaultAsync(x => x.Key == key, ct);
            if (image is null)
            {
                image = new Image
                {
                    Key = key, Width = DemoArtwork.LeadWidth, Height = DemoArtwork.LeadHeight,
                    Alt = $"Title card of {spec.Name}: an abstract {motif.ToString().ToLowerInvariant()} pattern in {palette.Name}",
                    Caption = spec.Name, Credit = "Byline Design Desk", Widths = string.Join(',', widths),
                    ContentType = "image/jpeg", CreatedAt = now,
                };
                db.Images.Add(image);
            }
            if (!await Renditions.ExistAsync(media, key, widths, ct))
            {
                var index = i;
                await Renditions.WriteAsync(media, key, DemoArtwork.LeadWidth, DemoArtwork.LeadHeight, widths,
                    canvas => DemoArtwork.DrawLead(canvas, seed + 500 + index, palette, motif, spec.Name), ct);
                await Renditions.WriteCropsAsync(media, key, DemoArtwork.LeadWidth, DemoArtwork.LeadHeight,
                    canvas => DemoArtwork.DrawLead(canvas, seed + 500 + index, palette, motif, spec.Name), ct);
            }
            var clipKey = ("vid-demo-" + slug)[..Math.Min(40, 9 + slug.Length)].TrimEnd('-');
            if (await media.InfoAsync(clipKey, Site.Shows.VideoFiles.FileName, ct) is null)
            {
                var index = i;
                var clip = DemoVideo.TitleClip(canvas => DemoArtwork.DrawLead(canvas, seed + 500 + index, palette, motif, spec.Name), palette.Accent, ClipSeconds);
                await media.WriteAsync(clipKey, Site.Shows.VideoFiles.FileName, clip, "video/mp4", ct);
            }
            var show = new Show
            {
                Slug = slug, Name = spec.Name, Description = spec.Description, ScheduleText = spec.Schedule,
                Position = i, IsActive = true, CreatedAt = now.AddDays(-90), Artwork = image,
            };
            db.Shows.Add(show);
            await db.SaveChangesAsync(ct);

            var section = sections.FirstOrDefault(s => s.Slug == spec.SectionSlug) ?? sections[0];
            for (var n = 0; n < spec.Episodes; n++)
            {
                var topic = spec.Topics[(n + i) % spec.Topics.Length];
                var headline = spec.Headlines[n % spec.Headlines.Length].Replace("{Topic}", Capital(topic), StringComparison.Ordinal).Replace("{topic}", topic, StringComparison.Ordinal);
                var published = now.AddDays(-(n * spec.EveryDays) - 0.2).AddMinutes(-rng.Next(0, 120));
                var standfirst = $"{spec.Name} on {topic}: the facts, the voices and what to watch for next.";
                var markdown = $"In this episode of {spec.Name}, our team looks at {topic} — how we got here, who is affected and what the coming weeks may bring.\n\n" +
                    "With reporting from our correspondents and questions sent in by viewers.";
                var data = new FormatData
                {
                    Video = new VideoSource(VideoKind.Upload, Site.Shows.VideoFiles.Url(clipKey), ClipSeconds),
                };
                var article = new Article
                {
                    Slug = Slugs.From(headline), Headline = headline, Standfirst = standfirst, BodyMarkdown = markdown,
                    BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)), WordCount = BodyDocument.CountWords(markdown),
                    LeadImageId = image.Id, SectionId = section.Id, TopSectionId = section.Top, Status = ArticleStatus.Published,
                    PublishedAt = published, CreatedAt = published.AddHours(-2), ModifiedAt = published, Version = 1,
                    Format = StoryFormat.Episode, ShowId = show.Id, FormatData = data.ToJson(),
                };
                if (desk is { } deskId)
                {
                    // Episodes keep their credit but stay off the author lists (unlisted format).
                    article.Authors.Add(new ArticleAuthor { AuthorId = deskId, Position = 0, ListedAt = null });
                }
                db.Articles.Add(article);
            }
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
        // Episodes are searchable like every story.
        await search.RebuildAsync(ct);
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
