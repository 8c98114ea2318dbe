using System.Globalization;
using System.Text.Json.Nodes;
using Byline.LiveBlogs;
using Byline.Site.Head;

namespace Byline.Site.Articles;

/// <summary>
/// Turns a live blog's NewsArticle into schema.org's <c>LiveBlogPosting</c>: the coverage window
/// (start at publication, end when the blog ended) and the updates on the page as <c>BlogPosting</c>
/// items in <c>liveBlogUpdate</c>, as Google documents for live coverage.
/// </summary>
public static class LiveBlogStructuredData
{
    public static void Apply(JsonObject story, LdContext ctx, LiveBlogView live, DateTime publishedUtc)
    {
        ArgumentNullException.ThrowIfNull(story);
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(live);
        story["@type"] = "LiveBlogPosting";
        story["coverageStartTime"] = ctx.Dateline.Iso(publishedUtc);
        if (live.EndedAt is { } ended)
        {
            story["coverageEndTime"] = ctx.Dateline.Iso(ended);
        }
        // A new update is a modification of the whole posting.
        if (live.LastChangedAt is { } changed && changed > publishedUtc)
        {
            story["dateModified"] = ctx.Dateline.Iso(changed);
        }
        var url = story["url"]?.GetValue<string>() ?? "";
        var updates = new JsonArray();
        foreach (var u in (live.Pinned is null ? live.Updates : [live.Pinned, .. live.Updates]).OrderByDescending(u => u.Id))
        {
            var body = LiveBlogMarkup.PlainText(u.BodyJson);
            var item = new JsonObject
            {
                ["@type"] = "BlogPosting",
                ["@id"] = url + "#update-" + u.Id.ToString(CultureInfo.InvariantCulture),
                ["url"] = url + "#update-" + u.Id.ToString(CultureInfo.InvariantCulture),
                // Google requires a headline; an update without one is named by its first words.
                ["headline"] = StructuredData.Headline(u.Headline.Length > 0 ? u.Headline : body),
                ["articleBody"] = body,
                ["datePublished"] = ctx.Dateline.Iso(u.PostedAt),
            };
            if (u.EditedAt is { } edited)
            {
                item["dateModified"] = ctx.Dateline.Iso(edited);
            }
            if (!string.IsNullOrWhiteSpace(u.AuthorName))
            {
                item["author"] = new JsonObject { ["@type"] = "Person", ["name"] = u.AuthorName };
            }
            updates.Add(item);
        }
        story["liveBlogUpdate"] = updates;
    }
}
