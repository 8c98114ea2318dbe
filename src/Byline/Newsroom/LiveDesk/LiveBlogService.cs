using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.LiveBlogs;
using Byline.Newsroom.Accounts;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.LiveDesk;

public enum LiveOutcome
{
    Ok,
    Invalid,
    Conflict,
    Forbidden,
    NotFound,
}

/// <summary>The result of one write to a live blog. On a conflict <see cref="Current"/> is the update as it now stands.</summary>
public sealed record LiveResult(LiveOutcome Outcome, long UpdateId = 0, int Version = 0, IReadOnlyDictionary<string, string>? Errors = null, LiveUpdateRow? Current = null)
{
    public bool Succeeded => Outcome == LiveOutcome.Ok;

    public static LiveResult Invalid(string field, string message) => new(LiveOutcome.Invalid, Errors: new Dictionary<string, string> { [field] = message });

    public static LiveResult Forbidden(string why) => new(LiveOutcome.Forbidden, Errors: new Dictionary<string, string> { [""] = why });

    public static readonly LiveResult NotFound = new(LiveOutcome.NotFound);
}

/// <summary>
/// Every write to a live blog's updates: post, correct, delete, pin, end and reopen. Updates are rows
/// of their own, outside the story's version check, so several editors post at once without a
/// conflict; a correction carries the update's own version, so two corrections of one update are
/// told apart. Each write is one transaction with its audit entry; after it commits, the story's
/// page is evicted (<see cref="ContentEvents"/>) and connected readers get the change (<see cref="LiveBlogFeed"/>).
/// Who may write: editors on any live blog; a contributor on a live blog they may edit (their own,
/// before it is scheduled or published) — the story workflow's own rule (<see cref="Actor.CanEdit"/>).
/// </summary>
public sealed class LiveBlogService(
    BylineDb db,
    PublishingService publishing,
    AuditLog audit,
    ContentEvents events,
    LiveBlogFeed feed,
    SiteSettingsStore settings,
    TimeProvider clock,
    ILogger<LiveBlogService> log)
{
    public const int MaxHeadline = 300;
    public const int MaxBody = 20_000;

    public async Task<LiveResult> PostAsync(int articleId, string? headline, string? body, bool pin, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == articleId && a.Format == StoryFormat.LiveBlog, ct);
        if (article is null)
        {
            return LiveResult.NotFound;
        }
        if (!actor.CanEdit(article))
        {
            return LiveResult.Forbidden(CannotWrite);
        }
        if (FormatData.FromJson(article.FormatData).LiveEndedAt is not null)
        {
            return LiveResult.Invalid("body", "This live blog has ended: reopen it to post again.");
        }
        if (Validate(headline, body) is { } invalid)
        {
            return invalid;
        }
        var now = Now();
        var markdown = Normalise(body);
        var update = new LiveBlogUpdate
        {
            ArticleId = articleId,
            PostedAt = now,
            Headline = (headline ?? "").Trim(),
            BodyMarkdown = markdown,
            BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown)),
            UserId = actor.UserId,
            AuthorName = await AuthorNameAsync(actor, ct),
            Version = 1,
        };
        LiveUpdateRow? unpinned = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (pin)
            {
                unpinned = await UnpinOthersAsync(articleId, 0, ct);
                update.IsPinned = true;
            }
            db.LiveBlogUpdates.Add(update);
            await db.SaveChangesAsync(ct);
            audit.Record(db, actor.Principal, LiveBlogAuditActions.Post, "article", Id(articleId), Describe(update));
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, Changed(articleId, LiveBlogAuditActions.Post), ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await AnnounceAsync(article, ct, unpinned, Row(update));
        return new LiveResult(LiveOutcome.Ok, update.Id, update.Version);
    }

    /// <summary>Rewrites an update if it is still at <paramref name="expectedVersion"/>; otherwise a conflict with the update as it now stands.</summary>
    public async Task<LiveResult> CorrectAsync(long updateId, int expectedVersion, string? headline, string? body, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (article, update, denied) = await LoadAsync(updateId, actor, ct);
        if (denied is not null)
        {
            return denied;
        }
        if (update!.Version != expectedVersion)
        {
            return new LiveResult(LiveOutcome.Conflict, updateId, update.Version, Current: Row(update));
        }
        if (Validate(headline, body) is { } invalid)
        {
            return invalid;
        }
        var markdown = Normalise(body);
        update.Headline = (headline ?? "").Trim();
        update.BodyMarkdown = markdown;
        update.BodyHtml = BodyDocument.Serialize(BodyDocument.Render(markdown));
        update.EditedAt = Now();
        update.Version = expectedVersion + 1;
        db.Entry(update).Property(u => u.Version).OriginalValue = expectedVersion;
        audit.Record(db, actor.Principal, LiveBlogAuditActions.Correct, "article", Id(article!.Id), Describe(update));
        if (await SaveGuardedAsync(Changed(article.Id, LiveBlogAuditActions.Correct), ct) is false)
        {
            return await ConflictAsync(updateId, ct);
        }
        await AnnounceAsync(article, ct, Row(update));
        return new LiveResult(LiveOutcome.Ok, update.Id, update.Version);
    }

    /// <summary>Takes an update off the page. The row stays (soft delete) for the audit trail.</summary>
    public async Task<LiveResult> DeleteAsync(long updateId, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (article, update, denied) = await LoadAsync(updateId, actor, ct);
        if (denied is not null)
        {
            return denied;
        }
        var version = update!.Version;
        update.IsDeleted = true;
        update.IsPinned = false;
        update.Version = version + 1;
        db.Entry(update).Property(u => u.Version).OriginalValue = version;
        audit.Record(db, actor.Principal, LiveBlogAuditActions.Delete, "article", Id(article!.Id), Describe(update));
        if (await SaveGuardedAsync(Changed(article.Id, LiveBlogAuditActions.Delete), ct) is false)
        {
            return await ConflictAsync(updateId, ct);
        }
        db.ChangeTracker.Clear();
        await events.CommittedAsync(db, ct);
        feed.Publish(article.Id, LiveBlogMarkup.RemoveEvent(updateId));
        return new LiveResult(LiveOutcome.Ok, update.Id, update.Version);
    }

    /// <summary>Makes an update the key one shown first (unpinning the previous key update), or unpins it.</summary>
    public async Task<LiveResult> PinAsync(long updateId, bool pinned, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (article, update, denied) = await LoadAsync(updateId, actor, ct);
        if (denied is not null)
        {
            return denied;
        }
        if (update!.IsPinned == pinned)
        {
            return new LiveResult(LiveOutcome.Ok, update.Id, update.Version);
        }
        LiveUpdateRow? unpinned = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (pinned)
            {
                unpinned = await UnpinOthersAsync(article!.Id, updateId, ct);
            }
            var version = update.Version;
            update.IsPinned = pinned;
            update.Version = version + 1;
            db.Entry(update).Property(u => u.Version).OriginalValue = version;
            audit.Record(db, actor.Principal, pinned ? LiveBlogAuditActions.Pin : LiveBlogAuditActions.Unpin, "article", Id(article!.Id), Describe(update));
            if (await SaveGuardedAsync(Changed(article.Id, pinned ? LiveBlogAuditActions.Pin : LiveBlogAuditActions.Unpin), ct) is false)
            {
                return await ConflictAsync(updateId, ct);
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await AnnounceAsync(article, ct, unpinned, Row(update));
        return new LiveResult(LiveOutcome.Ok, update.Id, update.Version);
    }

    /// <summary>
    /// Ends (or reopens) the live blog through the story's own save, so it is a revision like any
    /// other change to the story; retried when someone saved the story in between.
    /// </summary>
    public async Task<LiveResult> SetEndedAsync(int articleId, bool ended, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var article = await PublishingService.LoadForWriteAsync(db, articleId, tracking: false, ct);
            if (article is null || article.Format != StoryFormat.LiveBlog)
            {
                return LiveResult.NotFound;
            }
            var input = StoryInput.From(article, [.. article.Tags.OrderBy(t => t.Position).Select(t => t.Tag?.Name ?? "")]);
            if (input.Extras.LiveEndedAt is not null == ended)
            {
                return new LiveResult(LiveOutcome.Ok, Version: article.Version);
            }
            var at = Now();
            input = input with { Extras = input.Extras with { LiveEndedAt = ended ? at : null } };
            var result = await publishing.ApplyAsync(articleId, new StoryCommand(StoryAction.Save, article.Version, input), actor, ct);
            switch (result.Outcome)
            {
                case PublishOutcome.Conflict:
                    log.LogInformation("Live blog {Id} was saved while being {Action}; trying again", articleId, ended ? "ended" : "reopened");
                    continue;
                case PublishOutcome.Forbidden:
                    return LiveResult.Forbidden(CannotWrite);
                case PublishOutcome.NotFound:
                    return LiveResult.NotFound;
                case PublishOutcome.Invalid:
                    return new LiveResult(LiveOutcome.Invalid, Errors: result.Errors);
            }
            audit.Record(db, actor.Principal, ended ? LiveBlogAuditActions.End : LiveBlogAuditActions.Reopen, "article", Id(articleId), article.Headline);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            feed.Publish(articleId, ended ? LiveBlogMarkup.EndedEvent(at, settings.Dateline) : LiveBlogMarkup.ReopenedEvent());
            return new LiveResult(LiveOutcome.Ok, Version: result.Version);
        }
        return new LiveResult(LiveOutcome.Conflict);
    }

    private const string CannotWrite = "Editors write to any live blog; contributors only to their own, until it is scheduled or published.";

    private static LiveResult? Validate(string? headline, string? body)
    {
        if ((headline ?? "").Trim().Length > MaxHeadline)
        {
            return LiveResult.Invalid("headline", $"Keep the headline to {MaxHeadline.ToString(CultureInfo.InvariantCulture)} characters.");
        }
        var text = (body ?? "").Trim();
        if (text.Length == 0)
        {
            return LiveResult.Invalid("body", "Write the update.");
        }
        if (text.Length > MaxBody)
        {
            return LiveResult.Invalid("body", $"An update is at most {MaxBody:N0} characters; post it in parts.");
        }
        return null;
    }

    private static string Normalise(string? body) => (body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private async Task<(Article? Article, LiveBlogUpdate? Update, LiveResult? Denied)> LoadAsync(long updateId, Actor actor, CancellationToken ct)
    {
        var update = await db.LiveBlogUpdates.AsTracking().FirstOrDefaultAsync(u => u.Id == updateId && !u.IsDeleted, ct);
        if (update is null)
        {
            return (null, null, LiveResult.NotFound);
        }
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == update.ArticleId, ct);
        if (article is null)
        {
            return (null, null, LiveResult.NotFound);
        }
        return actor.CanEdit(article) ? (article, update, null) : (null, null, LiveResult.Forbidden(CannotWrite));
    }

    /// <summary>
    /// Unpins the current key update, if another. The no-op write to the story's row comes first: it
    /// takes that row's lock on PostgreSQL, so two editors pinning at once run one after the other and
    /// exactly one update ends up pinned (SQLite serialises writers anyway).
    /// </summary>
    private async Task<LiveUpdateRow?> UnpinOthersAsync(int articleId, long keep, CancellationToken ct)
    {
        await db.Articles.Where(a => a.Id == articleId).ExecuteUpdateAsync(s => s.SetProperty(a => a.FormatData, a => a.FormatData), ct);
        var previous = await db.LiveBlogUpdates.AsNoTracking().Where(u => u.ArticleId == articleId && u.IsPinned && u.Id != keep).ToListAsync(ct);
        if (previous.Count == 0)
        {
            return null;
        }
        await db.LiveBlogUpdates.Where(u => u.ArticleId == articleId && u.IsPinned && u.Id != keep)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPinned, false).SetProperty(u => u.Version, u => u.Version + 1), ct);
        var last = previous.OrderByDescending(u => u.Id).First();
        last.IsPinned = false;
        last.Version++;
        return Row(last);
    }

    /// <summary>Saves with the event in one transaction (the caller's, when one is open); false on a version conflict.</summary>
    private async Task<bool> SaveGuardedAsync(ContentChanged change, CancellationToken ct)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, change, ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
            return true;
        }
        catch (DbUpdateConcurrencyException e)
        {
            log.LogInformation(e, "A live-blog update changed under a write; answering with a conflict");
            db.ChangeTracker.Clear();
            return false;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private static ContentChanged Changed(int articleId, string reason) => new([ContentKeys.Article(articleId)], reason, articleId);

    private async Task<LiveResult> ConflictAsync(long updateId, CancellationToken ct)
    {
        var fresh = await db.LiveBlogUpdates.AsNoTracking().FirstOrDefaultAsync(u => u.Id == updateId, ct);
        return fresh is null || fresh.IsDeleted
            ? LiveResult.NotFound
            : new LiveResult(LiveOutcome.Conflict, updateId, fresh.Version, Current: Row(fresh));
    }

    /// <summary>After the commit: evicts the story's cached page, then sends the changed updates (previous key update first) to readers.</summary>
    private async Task AnnounceAsync(Article article, CancellationToken ct, params LiveUpdateRow?[] changed)
    {
        await events.CommittedAsync(db, ct);
        var dateline = settings.Dateline;
        foreach (var row in changed)
        {
            if (row is not null)
            {
                feed.Publish(article.Id, LiveBlogMarkup.UpdateEvent(row, dateline));
            }
        }
    }

    /// <summary>The byline readers see: the account's author profile when it has one, else its display name.</summary>
    private async Task<string> AuthorNameAsync(Actor actor, CancellationToken ct)
    {
        if (actor.UserId is { } uid)
        {
            var name = await db.Users.Where(u => u.Id == uid)
                .Select(u => u.AuthorId == null ? u.DisplayName : db.Authors.Where(a => a.Id == u.AuthorId).Select(a => a.Name).FirstOrDefault())
                .FirstOrDefaultAsync(ct);
            if (!string.IsNullOrWhiteSpace(name))
            {
                return name.Length > 256 ? name[..256] : name;
            }
        }
        var display = actor.Principal.DisplayName();
        return display.Length > 256 ? display[..256] : display;
    }

    private static LiveUpdateRow Row(LiveBlogUpdate u) => new(u.Id, u.PostedAt, u.EditedAt, u.Headline, u.BodyHtml, u.IsPinned, u.AuthorName, u.Version);

    private static string Describe(LiveBlogUpdate u) =>
        "update " + u.Id.ToString(CultureInfo.InvariantCulture) + ": " + (u.Headline.Length > 0 ? u.Headline : u.BodyMarkdown.Length > 80 ? u.BodyMarkdown[..80] : u.BodyMarkdown);

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private DateTime Now()
    {
        // Whole milliseconds, as the publishing service stores times: equal on both databases.
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}

/// <summary>The audit trail's names for what the live desk does.</summary>
public static class LiveBlogAuditActions
{
    public const string Post = "liveblog.post";
    public const string Correct = "liveblog.correct";
    public const string Delete = "liveblog.delete";
    public const string Pin = "liveblog.pin";
    public const string Unpin = "liveblog.unpin";
    public const string End = "liveblog.end";
    public const string Reopen = "liveblog.reopen";

    public static readonly string[] All = [Post, Correct, Delete, Pin, Unpin, End, Reopen];
}
