using System.Globalization;
using Byline.Content;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Api.Content;

/// <summary>
/// The changes feed: the content-event outbox read in commit order (its ids are the commit order on
/// both databases, docs/events.md), each event turned into what a mirror needs — which story,
/// section, tag, author, show or page changed, and whether it is gone from the public site now.
/// A page is a bounded range of outbox ids (at most <c>limit</c> events, one primary-key range read
/// plus one batched lookup per kind), so its cost does not depend on what it finds.
/// </summary>
public static class ChangesApi
{
    private const char Sort = 'c';

    public static IEndpointRouteBuilder MapChanges(this IEndpointRouteBuilder api)
    {
        api.MapGet("/changes", ChangesAsync).WithName("ListChanges").Produces<ChangesPage>()
            .WithSummary("Creates, updates, unpublishes and deletions in commit order, after the cursor given as since.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status410Gone);
        api.MapGet("/changes/head", HeadAsync).WithName("GetChangesHead")
            .WithSummary("The cursor of the newest change: take it before copying the site, then follow the feed from it.");
        return api;
    }

    private static async Task<ApiJson<ChangesHead>> HeadAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        _ = new ApiQuery(http);
        var head = await db.Set<ContentEvent>().MaxAsync(e => (long?)e.Id, ct) ?? 0;
        return new(new ChangesHead(new ApiCursor(Sort, 0, head).Encode()));
    }

    private static async Task<IResult> ChangesAsync(HttpContext http, BylineDb db, CancellationToken ct)
    {
        var q = new ApiQuery(http, "since", "limit", "fields");
        var fields = q.Names("fields", ApiJson.FieldsOf<ApiChange>(), ApiProblems.UnknownField);
        var limit = q.Limit(1000, q.Options.AnonymousMaxChanges, q.Options.KeyMaxChanges);
        var given = ApiCursor.Parse(q["since"], Sort, "since");
        var since = given?.Id ?? 0;
        var events = db.Set<ContentEvent>().AsNoTracking();
        // No cursor: from the oldest change kept. A cursor (even that of an empty feed, 0) must still
        // be within what is kept, or the client would silently miss what was pruned after it.
        if (given is not null)
        {
            var newest = await events.MaxAsync(e => (long?)e.Id, ct) ?? 0;
            var oldest = await events.MinAsync(e => (long?)e.Id, ct);
            if (since > newest)
            {
                return ApiProblems.BadRequest(ApiProblems.InvalidCursor, "The cursor is ahead of the newest change.", "since");
            }
            // Ids are handed out without holes on SQLite; PostgreSQL's sequence can skip an id when a
            // write rolls back, so at the very edge of retention this can ask a client to start over
            // when it had in fact missed nothing. It never lets one carry on past a real loss.
            if (oldest is not null && since < oldest - 1)
            {
                return ApiProblems.Problem(StatusCodes.Status410Gone, ApiProblems.CursorExpired,
                    "Changes after this cursor have been pruned; copy the site again from /api/v1/changes/head.", parameter: "since");
            }
        }
        var page = await events.Where(e => e.Id > since).OrderBy(e => e.Id).Take(limit + 1).ToListAsync(ct);
        var hasMore = page.Count > limit;
        if (hasMore)
        {
            page.RemoveAt(page.Count - 1);
        }
        var changes = await DescribeAsync(db, page, q.Caller.IsAdmin, ct);
        var next = new ApiCursor(Sort, 0, page.Count > 0 ? page[^1].Id : since).Encode();
        return new ApiJson<ChangesPage>(new ChangesPage(changes, next, hasMore), fields);
    }

    private sealed record Mention(ContentEvent Event, string Kind, string Action, int? Id, string? Slug);

    private static async Task<IReadOnlyList<ApiChange>> DescribeAsync(BylineDb db, List<ContentEvent> events, bool admin, CancellationToken ct)
    {
        var mentions = events.SelectMany(Mentions).ToList();
        var storyIds = Ids(mentions, "story");
        var stories = storyIds.Length == 0
            ? []
            : await db.Articles.AsNoTracking().Where(a => storyIds.Contains(a.Id)).Select(a => new { a.Id, a.Status }).ToDictionaryAsync(a => a.Id, a => a.Status, ct);
        var existing = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal)
        {
            ["section"] = await Existing(db.Sections.Select(s => s.Id), Ids(mentions, "section"), ct),
            ["tag"] = await Existing(db.Tags.Select(s => s.Id), Ids(mentions, "tag"), ct),
            ["author"] = await Existing(db.Authors.Select(s => s.Id), Ids(mentions, "author"), ct),
            ["show"] = await Existing(db.Shows.Select(s => s.Id), Ids(mentions, "show"), ct),
        };
        string[] slugs = [.. mentions.Where(m => m.Kind == "page").Select(m => m.Slug!).Distinct()];
        var pages = slugs.Length == 0 ? [] : (await db.StaticPages.Where(p => slugs.Contains(p.Slug)).Select(p => p.Slug).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var changes = new List<ApiChange>(mentions.Count);
        foreach (var m in mentions)
        {
            var cursor = new ApiCursor(Sort, 0, m.Event.Id).Encode();
            switch (m.Kind)
            {
                case "story":
                    var found = stories.TryGetValue(m.Id!.Value, out var status);
                    var live = found && status == ArticleStatus.Published;
                    var action = !found ? "deleted" : m.Action;
                    // A story the public never saw and does not see now stays out of the public feed:
                    // a reporter's drafts are not announced. Its unpublish (it was public) and deletion are.
                    if (!admin && !live && action is not ("unpublished" or "deleted"))
                    {
                        continue;
                    }
                    changes.Add(new ApiChange(cursor, m.Event.Id, m.Event.CreatedAt, "story", action, m.Id, null, !live));
                    break;
                case "page":
                    var kept = pages.Contains(m.Slug!);
                    changes.Add(new ApiChange(cursor, m.Event.Id, m.Event.CreatedAt, "page", kept ? "changed" : "deleted", null, m.Slug, !kept));
                    break;
                case "site":
                    changes.Add(new ApiChange(cursor, m.Event.Id, m.Event.CreatedAt, "site", "changed", null, null, false));
                    break;
                default:
                    var exists = existing[m.Kind].Contains(m.Id!.Value);
                    changes.Add(new ApiChange(cursor, m.Event.Id, m.Event.CreatedAt, m.Kind, exists ? "changed" : "deleted", m.Id, null, !exists));
                    break;
            }
        }
        return changes;
    }

    /// <summary>
    /// What one event is about. A story's own write (its reason is story.* or live.*) is about that
    /// story alone — the section and tag keys it also names are lists it shows in, not changes to them.
    /// Any other event is about every story, section, tag, author, show and page it names, and about
    /// the site as a whole when it names the settings or the home page.
    /// </summary>
    private static IEnumerable<Mention> Mentions(ContentEvent e)
    {
        if (e.ArticleId is int story && (e.Reason.StartsWith("story.", StringComparison.Ordinal) || e.Reason.StartsWith("live.", StringComparison.Ordinal)))
        {
            yield return new Mention(e, "story", StoryAction(e.Reason), story, null);
            yield break;
        }
        var site = false;
        foreach (var key in ContentEvent.SplitKeys(e.Keys))
        {
            var colon = key.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                site |= key is "settings" or "home";
                continue;
            }
            var (kind, value) = (key[..colon], key[(colon + 1)..]);
            if (kind == "page")
            {
                yield return new Mention(e, "page", "changed", null, value);
                continue;
            }
            var name = kind == "article" ? "story" : kind;
            if (name is "story" or "section" or "tag" or "author" or "show"
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                yield return new Mention(e, name, "updated", id, null);
            }
        }
        if (site)
        {
            yield return new Mention(e, "site", "changed", null, null);
        }
    }

    private static string StoryAction(string reason) => reason switch
    {
        "story.create" => "created",
        "story.publish" => "published",
        "story.unpublish" => "unpublished",
        "story.delete" => "deleted",
        _ => "updated",
    };

    private static int[] Ids(List<Mention> mentions, string kind) =>
        [.. mentions.Where(m => m.Kind == kind && m.Id is not null).Select(m => m.Id!.Value).Distinct()];

    private static async Task<HashSet<int>> Existing(IQueryable<int> ids, int[] wanted, CancellationToken ct) =>
        wanted.Length == 0 ? [] : [.. await ids.Where(id => wanted.Contains(id)).ToListAsync(ct)];
}

/// <summary>Where the feed stands now.</summary>
public sealed record ChangesHead(string Cursor);
