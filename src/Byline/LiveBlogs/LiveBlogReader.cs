using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.LiveBlogs;

/// <summary>One update as readers see it.</summary>
public sealed record LiveUpdateRow(long Id, DateTime PostedAt, DateTime? EditedAt, string Headline, string BodyJson, bool IsPinned, string AuthorName, int Version);

/// <summary>What the article page shows of a live blog: the key update, a page of updates newest first, and its state.</summary>
public sealed record LiveBlogView(
    int ArticleId,
    bool Ended,
    DateTime? EndedAt,
    LiveUpdateRow? Pinned,
    IReadOnlyList<LiveUpdateRow> Updates,
    long? OlderBefore,
    bool IsOlderPage,
    bool IsPreview,
    string Cursor,
    DateTime? LastChangedAt,
    Dateline Dateline)
{
    /// <summary>The SSE stream a running, published live blog's first page listens to; null otherwise.</summary>
    public string? StreamPath => Ended || IsOlderPage || IsPreview ? null : LiveBlogExtensions.StreamPath(ArticleId);
}

/// <summary>Reads live-blog updates for the article page, the SSE stream's catch-up and structured data.</summary>
public sealed class LiveBlogReader(BylineDb db, LiveBlogFeed feed)
{
    /// <summary>Updates on one page; older ones are a "Show older updates" link away.</summary>
    public const int PageSize = 20;

    /// <summary>
    /// The page's view of a live blog, or null when <paramref name="before"/> is not an update id.
    /// The stream cursor is read before the updates, so anything posted during the read is replayed to the page's script.
    /// </summary>
    public async Task<LiveBlogView?> LoadAsync(int articleId, string? formatData, string? before, bool preview, Dateline dateline, CancellationToken ct)
    {
        long? cursorId = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b <= 0)
            {
                return null;
            }
            cursorId = b;
        }
        var cursor = feed.CursorFor(articleId);
        var visible = db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == articleId && !u.IsDeleted);
        var pinned = cursorId is null ? await Project(visible.Where(u => u.IsPinned).OrderByDescending(u => u.Id)).FirstOrDefaultAsync(ct) : null;
        var list = visible.Where(u => !u.IsPinned);
        if (cursorId is { } c)
        {
            list = list.Where(u => u.Id < c);
        }
        var rows = await Project(list.OrderByDescending(u => u.Id).Take(PageSize + 1)).ToListAsync(ct);
        var older = rows.Count > PageSize ? rows[PageSize - 1].Id : (long?)null;
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
        }
        var last = await db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == articleId && !u.IsDeleted)
            .Select(u => (DateTime?)(u.EditedAt ?? u.PostedAt)).MaxAsync(ct);
        var ended = FormatData.FromJson(formatData).LiveEndedAt;
        return new LiveBlogView(articleId, ended is not null, ended, pinned, rows, older, cursorId is not null, preview, cursor, last, dateline);
    }

    /// <summary>The newest page of updates with the key one, for a reader whose cursor the feed no longer knows.</summary>
    public async Task<List<LiveUpdateRow>> CurrentAsync(int articleId, CancellationToken ct)
    {
        var visible = db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == articleId && !u.IsDeleted);
        var rows = await Project(visible.Where(u => !u.IsPinned).OrderByDescending(u => u.Id).Take(PageSize)).ToListAsync(ct);
        var pinned = await Project(visible.Where(u => u.IsPinned).OrderByDescending(u => u.Id)).FirstOrDefaultAsync(ct);
        if (pinned is not null)
        {
            rows.Insert(0, pinned);
        }
        return rows;
    }

    /// <summary>Whether readers may follow this story's stream: a published live blog.</summary>
    public Task<bool> IsPublishedLiveBlogAsync(int articleId, CancellationToken ct) =>
        db.Articles.AsNoTracking().AnyAsync(a => a.Id == articleId && a.Format == StoryFormat.LiveBlog && a.Status == ArticleStatus.Published, ct);

    private static IQueryable<LiveUpdateRow> Project(IQueryable<LiveBlogUpdate> q) =>
        q.Select(u => new LiveUpdateRow(u.Id, u.PostedAt, u.EditedAt, u.Headline, u.BodyHtml, u.IsPinned, u.AuthorName, u.Version));
}

/// <summary>
/// The markup of one update, made in one place for the page (server-rendered) and for the stream
/// (inserted by live-blog.js), so both look the same. The body is the sanitised blocks stored at save.
/// </summary>
public static partial class LiveBlogMarkup
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>
    /// Markup travels as JSON on the stream, never inside a script element, so it need not be escaped
    /// for HTML: the relaxed encoder keeps events about a third of the default's size.
    /// </summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<LiveEvent> Json =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<LiveEvent>)new JsonSerializerOptions(LiveJson.Default.Options)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = LiveJson.Default,
        }.GetTypeInfo(typeof(LiveEvent));

    public static string Entry(LiveUpdateRow u, Dateline dateline)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(dateline);
        var id = u.Id.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(512);
        sb.Append("<article class=\"live-update").Append(u.IsPinned ? " is-pinned" : "").Append("\" id=\"update-").Append(id)
          .Append("\" data-update-id=\"").Append(id).Append("\" data-version=\"").Append(u.Version.ToString(CultureInfo.InvariantCulture)).Append("\">");
        sb.Append("<header class=\"live-update-head\">");
        if (u.IsPinned)
        {
            sb.Append("<p class=\"live-key\">Key update</p>");
        }
        sb.Append("<p class=\"live-meta\"><a class=\"live-permalink\" href=\"#update-").Append(id).Append("\"><time class=\"live-time\" datetime=\"")
          .Append(dateline.Iso(u.PostedAt)).Append("\" title=\"").Append(Encoder.Encode(dateline.Format(u.PostedAt))).Append("\">")
          .Append(Encoder.Encode(Clock(u.PostedAt, dateline))).Append("</time></a>");
        if (!string.IsNullOrWhiteSpace(u.AuthorName))
        {
            sb.Append(" <span class=\"live-author\">").Append(Encoder.Encode(u.AuthorName)).Append("</span>");
        }
        sb.Append("</p>");
        if (!string.IsNullOrWhiteSpace(u.Headline))
        {
            sb.Append("<h3 class=\"live-headline\">").Append(Encoder.Encode(u.Headline)).Append("</h3>");
        }
        sb.Append("</header><div class=\"live-body\">");
        foreach (var block in BodyDocument.Deserialize(u.BodyJson))
        {
            sb.Append(Demote(block.Html));
        }
        sb.Append("</div>");
        if (u.EditedAt is { } edited)
        {
            sb.Append("<p class=\"live-edited\">Corrected <time datetime=\"").Append(dateline.Iso(edited)).Append("\">")
              .Append(Encoder.Encode(Clock(edited, dateline))).Append("</time></p>");
        }
        sb.Append("</article>");
        return sb.ToString();
    }

    /// <summary>"14:05 IST, 25 Apr": the time of day readers of a running story look for first.</summary>
    public static string Clock(DateTime utc, Dateline dateline)
    {
        ArgumentNullException.ThrowIfNull(dateline);
        var local = dateline.ToLocal(utc);
        return local.ToString("HH:mm", CultureInfo.InvariantCulture) + " " + dateline.Abbreviation(utc) + ", " + local.ToString("d MMM", CultureInfo.InvariantCulture);
    }

    /// <summary>The stream's event for an update (inserted or replaced where its id already is).</summary>
    public static string UpdateEvent(LiveUpdateRow u, Dateline dateline)
    {
        ArgumentNullException.ThrowIfNull(u);
        return JsonSerializer.Serialize(new LiveEvent("update", u.Id, u.Version, u.IsPinned, Entry(u, dateline)), Json);
    }

    public static string RemoveEvent(long id) => JsonSerializer.Serialize(new LiveEvent("remove", id), Json);

    public static string EndedEvent(DateTime at, Dateline dateline)
    {
        ArgumentNullException.ThrowIfNull(dateline);
        return JsonSerializer.Serialize(new LiveEvent("ended", Html: "Live blog ended <time datetime=\"" + dateline.Iso(at) + "\">" + Encoder.Encode(dateline.Format(at)) + "</time>"), Json);
    }

    public static string ReopenedEvent() => JsonSerializer.Serialize(new LiveEvent("reopened"), Json);

    /// <summary>Everything a reader should now show, for one whose cursor the feed no longer has.</summary>
    public static string ResetEvent(IEnumerable<LiveUpdateRow> rows, Dateline dateline) =>
        JsonSerializer.Serialize(new LiveEvent("reset", Items: [.. rows.Select(u => new LiveEvent("update", u.Id, u.Version, u.IsPinned, Entry(u, dateline)))]), Json);

    /// <summary>The plain text of an update's body, for structured data.</summary>
    public static string PlainText(string bodyJson)
    {
        var text = string.Join("\n\n", BodyDocument.Deserialize(bodyJson).Select(b => WebUtility.HtmlDecode(Tags().Replace(b.Html, ""))).Where(t => t.Length > 0));
        return text.Trim();
    }

    /// <summary>The update's own heading is an h3, so headings inside its body sit below it.</summary>
    private static string Demote(string html) => Headings().Replace(html, "<$1h4");

    [GeneratedRegex(@"<(/?)h[1-4]\b", RegexOptions.CultureInvariant)]
    private static partial Regex Headings();

    [GeneratedRegex("<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();
}

/// <summary>One message on the stream: type "update", "remove", "ended", "reopened" or "reset" (with <see cref="Items"/>).</summary>
public sealed record LiveEvent(string Type, long Id = 0, int Version = 0, bool Pinned = false, string? Html = null, IReadOnlyList<LiveEvent>? Items = null);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(LiveEvent))]
internal sealed partial class LiveJson : System.Text.Json.Serialization.JsonSerializerContext;
