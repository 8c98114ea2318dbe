using Byline.Content;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Dashboard;

public sealed record StatusCount(ArticleStatus Status, int Count);

public sealed record ReviewItem(int Id, string Headline, DateTime ModifiedAt);

public sealed record AssignedItem(int Id, string Headline, ArticleStatus Status, DateTime? DueAt);

public sealed record NoteItem(int ArticleId, string Headline, string By, string Text, DateTime At);

public sealed record ActivityItem(DateTime At, string Action, string EntityType, string EntityId, string Details);

/// <summary>The newsroom's front page: stories by status, the signed-in user's recent activity, and the review queue for editors.</summary>
public sealed class DashboardModel(BylineDb db, SiteSettingsStore settings, IEnumerable<IDashboardNotices> noticeSources, TimeProvider clock) : NewsroomPageModel
{
    private const int ListSize = 10;

    public IReadOnlyList<StatusCount> Counts { get; private set; } = [];
    public IReadOnlyList<ReviewItem> InReview { get; private set; } = [];
    public IReadOnlyList<ReviewItem> MyDrafts { get; private set; } = [];
    public IReadOnlyList<ActivityItem> Activity { get; private set; } = [];
    /// <summary>My work: stories assigned to me (not yet published), soonest due first.</summary>
    public IReadOnlyList<AssignedItem> Assigned { get; private set; } = [];
    /// <summary>My work: open notes by others on stories I wrote or am assigned to.</summary>
    public IReadOnlyList<NoteItem> NotesForMe { get; private set; } = [];
    public DateTime NowUtc { get; } = clock.GetUtcNow().UtcDateTime;
    /// <summary>Warnings from the features above the newsroom (a wire source gone silent, a killed agency item in a draft).</summary>
    public IReadOnlyList<NewsroomNotice> Notices { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Title = "Dashboard";
        Area = "dashboard";
        var userId = User.UserId();
        var notices = new List<NewsroomNotice>();
        foreach (var source in noticeSources)
        {
            notices.AddRange(await source.ForDashboardAsync(ct));
        }
        Notices = notices;
        // The status index (Status, ModifiedAt) answers these counts without touching the rows.
        var counts = await db.Articles.GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        Counts = [.. Enum.GetValues<ArticleStatus>().Select(s => new StatusCount(s, counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0))];
        if (User.IsEditor())
        {
            InReview = await db.Articles.Where(a => a.Status == ArticleStatus.InReview)
                .OrderByDescending(a => a.ModifiedAt).Take(ListSize)
                .Select(a => new ReviewItem(a.Id, a.Headline, a.ModifiedAt)).ToListAsync(ct);
        }
        if (userId is int me)
        {
            MyDrafts = await db.Articles.Where(a => a.CreatedById == me && (a.Status == ArticleStatus.Draft || a.Status == ArticleStatus.InReview))
                .OrderByDescending(a => a.ModifiedAt).Take(ListSize)
                .Select(a => new ReviewItem(a.Id, a.Headline, a.ModifiedAt)).ToListAsync(ct);
            var assigned = await (from x in db.StoryAssignments
                                  join a in db.Articles on x.ArticleId equals a.Id
                                  where x.UserId == me && a.Status != ArticleStatus.Published
                                  select new AssignedItem(a.Id, a.Headline, a.Status, x.DueAt)).Take(100).ToListAsync(ct);
            Assigned = [.. assigned.OrderBy(x => x.DueAt ?? DateTime.MaxValue).ThenBy(x => x.Id).Take(ListSize * 2)];
            NotesForMe = await (from n in db.StoryNotes
                                join a in db.Articles on n.ArticleId equals a.Id
                                where n.ResolvedAt == null && n.UserId != me
                                      && (a.CreatedById == me || db.StoryAssignments.Any(x => x.ArticleId == a.Id && x.UserId == me))
                                orderby n.Id descending
                                select new NoteItem(a.Id, a.Headline, n.UserName, n.Text, n.CreatedAt)).Take(ListSize).ToListAsync(ct);
            Activity = await db.AuditEntries.Where(e => e.UserId == me)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(ListSize)
                .Select(e => new ActivityItem(e.At, e.Action, e.EntityType, e.EntityId, e.Details)).ToListAsync(ct);
        }
    }

    public static string Label(ArticleStatus status) => status switch
    {
        ArticleStatus.InReview => "In review",
        _ => status.ToString(),
    };
}
