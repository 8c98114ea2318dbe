using System.Globalization;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Publishing;

/// <summary>
/// One write of a story: what to do, on which version the writer loaded, with which fields.
/// <paramref name="HoldLockFor"/>: the account whose editing session this write belongs to (an autosave);
/// the story's soft lock is taken or refreshed for it in the write's own transaction, and the write is
/// refused (<see cref="PublishOutcome.Locked"/>) when someone else holds the lock.
/// </summary>
public sealed record StoryCommand(StoryAction Action, int ExpectedVersion, StoryInput? Input = null, DateTime? ScheduleAtUtc = null, int? RestoreRevision = null, int? HoldLockFor = null);

/// <summary>
/// The one place every write of a story goes through (newsroom pages, autosave, the scheduler, later
/// the API). Each write validates, checks the workflow rules and the writer's rights, renders the
/// body, keeps the denormalised list columns right, appends a revision and an audit entry, and
/// commits all of it in one transaction guarded by the story's version, with the content event that
/// names every key the change affects (the outbox); after the commit this process's caches follow
/// before the write returns.
/// </summary>
public sealed class PublishingService(BylineDb db, AuditLog audit, ContentEvents events, TimeProvider clock, LinkCardCache linkCards, ILogger<PublishingService> log)
{
    public const int MaxBodyLength = 400_000;
    public const int MaxTags = 20;
    public const int MaxAuthors = 10;

    public async Task<PublishResult> CreateAsync(StoryInput input, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        var now = Now();
        var errors = await ValidateAsync(input, null, goingLive: false, ct);
        if (errors.Count > 0)
        {
            return PublishResult.Invalid(errors);
        }
        input = Normalise(input);
        var article = new Article
        {
            Slug = input.Slug,
            Headline = input.Headline,
            Format = input.Format,
            Status = ArticleStatus.Draft,
            CreatedAt = now,
            ModifiedAt = now,
            CreatedById = actor.UserId,
            Version = 1,
        };
        await ApplyFieldsAsync(article, input, ct);
        // The revision and the audit entry need the story's id, which exists only after its insert:
        // two SaveChanges inside one transaction.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Articles.Add(article);
            await db.SaveChangesAsync(ct);
            db.ArticleRevisions.Add(NewRevision(article, 1, "create", input, actor, now));
            audit.Record(db, actor.Principal, StoryAuditActions.Created, "article", Id(article.Id), article.Headline);
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(article.Id)], "story.create", article.Id, actor.Name), ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        await events.CommittedAsync(db, ct);
        return new PublishResult(PublishOutcome.Ok, article.Id, article.Version);
    }

    public async Task<PublishResult> ApplyAsync(int id, StoryCommand command, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        var article = await LoadForWriteAsync(db, id, tracking: true, ct);
        if (article is null)
        {
            return new PublishResult(PublishOutcome.NotFound);
        }
        if (!actor.CanPerform(command.Action))
        {
            return PublishResult.Forbidden("Only editors can publish, schedule or unpublish a story.");
        }
        if (!actor.CanEdit(article))
        {
            return PublishResult.Forbidden("Contributors can change only their own stories, and only until they are scheduled or published.");
        }
        if (article.Version != command.ExpectedVersion)
        {
            return await ConflictAsync(article, ct);
        }

        var now = Now();
        var input = command.Input ?? Current(article);
        var actionName = command.Action switch
        {
            StoryAction.Save => "save",
            StoryAction.Autosave => "autosave",
            StoryAction.Submit => "submit",
            StoryAction.ReturnToDraft => "return to draft",
            StoryAction.Publish => "publish",
            StoryAction.Schedule => "schedule",
            StoryAction.Unpublish => "unpublish",
            StoryAction.Restore => "restore",
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        if (command.Action == StoryAction.Restore)
        {
            var number = command.RestoreRevision ?? 0;
            var old = await db.ArticleRevisions.FirstOrDefaultAsync(r => r.ArticleId == id && r.Number == number, ct);
            if (old is null)
            {
                return PublishResult.Invalid(new Dictionary<string, string> { ["revision"] = "There is no such revision of this story." });
            }
            input = StoryInput.FromJson(old.Snapshot);
            actionName = "restore of " + Id(number);
        }
        // The format is fixed at creation: whatever a form or an old snapshot says, the story keeps its own.
        input = input with { Format = article.Format };

        var target = TargetStatus(article.Status, command.Action);
        var goingLive = (target ?? article.Status) is ArticleStatus.Published or ArticleStatus.Scheduled;
        var errors = await ValidateAsync(input, article, goingLive, ct);
        if (target is null)
        {
            errors[""] = $"A story that is {Describe(article.Status)} cannot be {Past(command.Action)}.";
        }
        if (command.Action == StoryAction.Schedule)
        {
            if (command.ScheduleAtUtc is not { } at)
            {
                errors["scheduleAt"] = "Give the date and time the story should go live.";
            }
            else if (at <= now)
            {
                errors["scheduleAt"] = "That time has passed: choose a time in the future, or publish now.";
            }
        }
        if (command.Action is StoryAction.Publish or StoryAction.Schedule && !errors.ContainsKey("scheduleAt")
            && await WireHolds.CheckAsync(db, id, command.Action == StoryAction.Schedule ? command.ScheduleAtUtc!.Value : now, ct) is { } hold)
        {
            errors[WireHolds.Field] = hold;
        }
        if (errors.Count > 0)
        {
            return PublishResult.Invalid(errors);
        }
        input = Normalise(input);

        var wasVisible = article.Status == ArticleStatus.Published;
        var before = wasVisible ? await AffectedKeys.ForArticleAsync(db, id, ct) : [];

        // A live story's autosave keeps the editor's unfinished work as a revision without putting it
        // in front of readers; the story itself changes when the editor saves.
        var revisionOnly = command.Action == StoryAction.Autosave && article.Status is ArticleStatus.Published or ArticleStatus.Scheduled;
        if (!revisionOnly)
        {
            await ApplyFieldsAsync(article, input, ct);
            ApplyStatus(article, target!.Value, command, now);
            article.ModifiedAt = now;
            article.Version++;
            db.Entry(article).Property(a => a.Version).OriginalValue = command.ExpectedVersion;
        }
        await AppendRevisionAsync(article, input, actionName, actor, now, ct);
        if (command.Action != StoryAction.Autosave)
        {
            audit.Record(db, actor.Principal, StoryAuditActions.Of(command.Action), "article", Id(id),
                command.Action == StoryAction.Schedule ? $"{article.Headline} at {command.ScheduleAtUtc:O}" : article.Headline);
        }
        var version = article.Version;
        var isVisible = article.Status == ArticleStatus.Published;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (!StorageFailures.IsUnwritable(e))
            {
                // Someone else saved between our read and our write (the version guard), or took the next revision number.
                // (A write the database refused — read-only, full — is no conflict: it goes up to the newsroom's cannot-save handling.)
                log.LogInformation(e, "Story {Id} changed under a {Action}; answering with a conflict", id, command.Action);
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var fresh = await LoadForWriteAsync(db, id, tracking: true, ct);
                return fresh is null ? new PublishResult(PublishOutcome.NotFound) : await ConflictAsync(fresh, ct);
            }
            db.ChangeTracker.Clear();
            if (command.HoldLockFor is int holder && !await StorySoftLock.HoldAsync(db, id, holder, now, ct))
            {
                // Someone else took the story after the page last looked: their saves are the ones that count.
                await tx.RollbackAsync(ct);
                return new PublishResult(PublishOutcome.Locked, id);
            }
            if (!revisionOnly)
            {
                await AppendAsync(id, "story." + actionName, before, wasVisible || isVisible, actor, ct);
            }
            await tx.CommitAsync(ct);
        }
        if (!revisionOnly)
        {
            // (A live story's autosave appended no event: nothing for the caches or search to follow.)
            await events.CommittedAsync(db, ct);
        }
        return new PublishResult(PublishOutcome.Ok, id, version);
    }

    /// <summary>
    /// Deletes a story for good: editors and admins only, never one that is on the site or scheduled
    /// (unpublish it first), and only at the version the editor saw. Its revisions, links, shares,
    /// counters and live updates go with it (cascades); the importers' record of where it came from is
    /// dropped too, so importing the same source again brings it back as a new story. The
    /// <c>story.delete</c> event names the story alone: it is on no list.
    /// </summary>
    public async Task<PublishResult> DeleteAsync(int id, int expectedVersion, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var article = await LoadForWriteAsync(db, id, tracking: false, ct);
        if (article is null)
        {
            return new PublishResult(PublishOutcome.NotFound);
        }
        if (!actor.IsEditor)
        {
            return PublishResult.Forbidden("Only editors can delete a story.");
        }
        if (article.Version != expectedVersion)
        {
            return await ConflictAsync(article, ct);
        }
        if (article.Status is ArticleStatus.Published or ArticleStatus.Scheduled)
        {
            return PublishResult.Invalid(new Dictionary<string, string>
            {
                [""] = $"A story that is {Describe(article.Status)} cannot be deleted: unpublish it first.",
            });
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var deleted = await db.Articles.Where(a => a.Id == id && a.Version == expectedVersion && a.Status != ArticleStatus.Published && a.Status != ArticleStatus.Scheduled)
                .ExecuteDeleteAsync(ct);
            if (deleted == 0)
            {
                await tx.RollbackAsync(ct);
                var fresh = await LoadForWriteAsync(db, id, tracking: false, ct);
                return fresh is null ? new PublishResult(PublishOutcome.NotFound) : await ConflictAsync(fresh, ct);
            }
            await db.Set<ImportedItem>().Where(i => i.Kind == "post" && i.TargetId == id).ExecuteDeleteAsync(ct);
            audit.Record(db, actor.Principal, StoryAuditActions.Deleted, "article", Id(id), article.Headline);
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Article(id)], StoryAuditActions.Deleted, id, actor.Name), ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        log.LogInformation("Story {Id} deleted by {Actor}", id, actor.Name);
        await events.CommittedAsync(db, ct);
        return new PublishResult(PublishOutcome.Ok, id, 0);
    }

    /// <summary>
    /// Puts one scheduled story live if it is still scheduled, due and at the version the caller saw.
    /// The conditional UPDATE is the first statement of the transaction, so when several nodes race
    /// exactly one matches the row; the others change nothing and write nothing.
    /// </summary>
    /// <param name="now">The scheduler's clock (UTC): the story goes live only if its time is at or before it.</param>
    public async Task<bool> PublishScheduledAsync(int id, int version, DateTime now, CancellationToken ct)
    {
        var before = await AffectedKeys.ForArticleAsync(db, id, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var won = await db.Articles
                .Where(a => a.Id == id && a.Status == ArticleStatus.Scheduled && a.Version == version && a.PublishedAt <= now)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(a => a.Status, ArticleStatus.Published)
                    .SetProperty(a => a.Version, version + 1)
                    .SetProperty(a => a.ModifiedAt, now), ct);
            if (won == 0)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
            var article = (await LoadForWriteAsync(db, id, tracking: true, ct))!;
            SetListedAt(article);
            await AppendRevisionAsync(article, Current(article), "publish (scheduled)", Actor.Scheduler, now, ct);
            audit.Record(db, Actor.Scheduler.Principal, StoryAuditActions.Of(StoryAction.Publish), "article", Id(id), article.Headline + " (scheduled)");
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            // The same event as a manual publish: caches, search and every later consumer cannot tell them apart.
            await AppendAsync(id, "story.publish", before, true, Actor.Scheduler, ct);
            await tx.CommitAsync(ct);
        }
        log.LogInformation("Scheduled story {Id} went live", id);
        await events.CommittedAsync(db, ct);
        return true;
    }

    /// <summary>
    /// A story with its authors and tags, each read by its own key (ArticleId leads both primary keys).
    /// One query with both includes makes SQLite join whole link tables: 0.5 s on 100,000 stories.
    /// </summary>
    public static async Task<Article?> LoadForWriteAsync(BylineDb db, int id, bool tracking, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var articles = tracking ? db.Articles.AsTracking() : db.Articles.AsNoTracking();
        var article = await articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return null;
        }
        var authors = tracking ? db.ArticleAuthors.AsTracking() : db.ArticleAuthors.AsNoTracking();
        var tags = tracking ? db.ArticleTags.AsTracking() : db.ArticleTags.AsNoTracking();
        article.Authors = await authors.Where(x => x.ArticleId == id).ToListAsync(ct);
        article.Tags = await tags.Include(x => x.Tag).Where(x => x.ArticleId == id).ToListAsync(ct);
        return article;
    }

    /// <summary>
    /// Keeps text that could not be saved (its writer no longer holds the story's lock) as a revision,
    /// without changing the story: nothing typed is lost, and it can be compared or restored later.
    /// Answers the revision's number, or null when the text is the story's own (nothing to keep) or the
    /// writer may not change the story.
    /// </summary>
    public async Task<int?> KeepAsRevisionAsync(int id, StoryInput input, string action, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(actor);
        var article = await LoadForWriteAsync(db, id, tracking: false, ct);
        if (article is null || !actor.CanEdit(article))
        {
            return null;
        }
        static string Text(string? s) => (s ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var current = Current(article);
        if (Text(current.Headline) == Text(input.Headline) && Text(current.Standfirst) == Text(input.Standfirst) && Text(current.BodyMarkdown) == Text(input.BodyMarkdown))
        {
            return null;
        }
        var number = (await db.ArticleRevisions.Where(r => r.ArticleId == id).MaxAsync(r => (int?)r.Number, ct) ?? 0) + 1;
        db.ArticleRevisions.Add(NewRevision(article, number, action, input, actor, Now()));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return number;
    }

    /// <summary>The revision last written, for the conflict page: who saved the story we lost the race to.</summary>
    public Task<string?> LastEditorAsync(int id, CancellationToken ct) =>
        db.ArticleRevisions.Where(r => r.ArticleId == id).OrderByDescending(r => r.Number).Select(r => r.UserName).FirstOrDefaultAsync(ct);

    private async Task<PublishResult> ConflictAsync(Article article, CancellationToken ct) =>
        new(PublishOutcome.Conflict, article.Id, article.Version, Current: Current(article),
            CurrentVersion: article.Version, CurrentBy: await LastEditorAsync(article.Id, ct));

    private static StoryInput Current(Article article) =>
        StoryInput.From(article, [.. article.Tags.OrderBy(t => t.Position).Select(t => t.Tag?.Name ?? "")]);

    /// <summary>Appends the story's event inside the write's transaction: the keys it showed under before, and those it shows under now.</summary>
    private async Task AppendAsync(int id, string reason, List<string> before, bool visible, Actor actor, CancellationToken ct)
    {
        // A story no reader has seen and none will yet shows only under its own key (its 404 page):
        // a reporter's draft saves must not empty the home page's cache.
        var keys = new HashSet<string>(before) { ContentKeys.Article(id) };
        if (visible)
        {
            keys.UnionWith(await AffectedKeys.ForArticleAsync(db, id, ct));
        }
        await events.AppendAsync(db, new ContentChanged([.. keys], reason, id, actor.Name), ct);
    }

    private static ArticleStatus? TargetStatus(ArticleStatus from, StoryAction action) => action switch
    {
        StoryAction.Save or StoryAction.Autosave or StoryAction.Restore => from,
        StoryAction.Submit when from is ArticleStatus.Draft or ArticleStatus.InReview or ArticleStatus.Unpublished => ArticleStatus.InReview,
        StoryAction.ReturnToDraft when from is not ArticleStatus.Published => ArticleStatus.Draft,
        StoryAction.Publish when from is not ArticleStatus.Published => ArticleStatus.Published,
        StoryAction.Schedule when from is not ArticleStatus.Published => ArticleStatus.Scheduled,
        StoryAction.Unpublish when from is ArticleStatus.Published or ArticleStatus.Scheduled => ArticleStatus.Unpublished,
        _ => null,
    };

    private static void ApplyStatus(Article article, ArticleStatus target, StoryCommand command, DateTime now)
    {
        var from = article.Status;
        switch (command.Action)
        {
            case StoryAction.Publish:
                // The first publication sets the time readers see; bringing back an unpublished story keeps it and marks an update.
                if (from == ArticleStatus.Unpublished && article.PublishedAt is not null)
                {
                    article.UpdatedAt = now;
                }
                else
                {
                    article.PublishedAt = now;
                }
                break;
            case StoryAction.Schedule:
                article.PublishedAt = command.ScheduleAtUtc;
                break;
            case StoryAction.ReturnToDraft when from == ArticleStatus.Scheduled:
                article.PublishedAt = null;
                break;
            case StoryAction.Save or StoryAction.Restore when from == ArticleStatus.Published:
                article.UpdatedAt = now;
                break;
        }
        article.Status = target;
        SetListedAt(article);
    }

    private static void SetListedAt(Article article)
    {
        // Shorts, episodes, web stories and hubs keep their tags and authors but stay off the tag and author lists.
        var listed = article.Status == ArticleStatus.Published && StoryFormats.IsListed(article.Format) ? article.PublishedAt : null;
        foreach (var a in article.Authors)
        {
            a.ListedAt = listed;
        }
        foreach (var t in article.Tags)
        {
            t.ListedAt = listed;
        }
    }

    private async Task AppendRevisionAsync(Article article, StoryInput input, string action, Actor actor, DateTime now, CancellationToken ct)
    {
        var last = await db.ArticleRevisions.AsTracking().Where(r => r.ArticleId == article.Id)
            .OrderByDescending(r => r.Number).FirstOrDefaultAsync(ct);
        // Autosaves by the same person in a row fold into one revision: a long writing session leaves
        // one "autosave" entry (the latest text) between explicit saves, each of which is kept for good.
        if (action == "autosave" && last is { Action: "autosave" } && last.UserId == actor.UserId)
        {
            last.Snapshot = input.ToJson();
            last.Headline = Trim(input.Headline, 300);
            last.CreatedAt = now;
            return;
        }
        db.ArticleRevisions.Add(NewRevision(article, (last?.Number ?? 0) + 1, action, input, actor, now));
    }

    private static ArticleRevision NewRevision(Article article, int number, string action, StoryInput input, Actor actor, DateTime now) => new()
    {
        ArticleId = article.Id,
        Number = number,
        CreatedAt = now,
        UserId = actor.UserId,
        UserName = Trim(actor.Name, 256),
        Action = action,
        Headline = Trim(input.Headline, 300),
        Snapshot = input.ToJson(),
    };

    private async Task ApplyFieldsAsync(Article article, StoryInput input, CancellationToken ct)
    {
        article.Headline = input.Headline;
        if (article.Format == StoryFormat.Hub && article.Id != 0 && article.Slug != input.Slug)
        {
            await KeepHubAddressAsync(article.Slug, input.Slug, article.Id, ct);
        }
        article.Slug = input.Slug;
        article.Standfirst = input.Standfirst;
        article.BodyMarkdown = input.BodyMarkdown;
        article.BodyHtml = BodyDocument.Serialize(BodyDocument.Render(input.BodyMarkdown, linkCards.CardFor));
        article.WordCount = BodyDocument.CountWords(input.BodyMarkdown);
        article.SectionId = input.SectionId!.Value;
        article.TopSectionId = await TopSectionOfAsync(input.SectionId.Value, ct);
        article.LeadImageId = input.LeadImageId;
        article.LeadImageAlt = input.LeadImageAlt;
        article.LeadImageCaption = input.LeadImageCaption;
        article.LeadImageCredit = input.LeadImageCredit;
        article.Attribution = input.Attribution;
        article.SeoTitle = input.SeoTitle;
        article.SeoDescription = input.SeoDescription;
        article.LinkedArticleId = input.LinkedArticleId;
        article.ShowId = input.ShowId;
        article.FormatData = input.Extras.ToJson();

        // Authors: keep the rows that stay (their ListedAt is re-set with the status), add the new ones.
        article.Authors.RemoveAll(a => !input.AuthorIds.Contains(a.AuthorId));
        for (var i = 0; i < input.AuthorIds.Count; i++)
        {
            var row = article.Authors.FirstOrDefault(a => a.AuthorId == input.AuthorIds[i]);
            if (row is null)
            {
                row = new ArticleAuthor { AuthorId = input.AuthorIds[i] };
                article.Authors.Add(row);
            }
            row.Position = i;
        }

        var tags = await ResolveTagsAsync(input.Tags, ct);
        article.Tags.RemoveAll(t => !tags.Any(x => x.Id != 0 && x.Id == t.TagId));
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            var row = tag.Id == 0 ? null : article.Tags.FirstOrDefault(t => t.TagId == tag.Id);
            if (row is null)
            {
                row = tag.Id == 0 ? new ArticleTag { Tag = tag } : new ArticleTag { TagId = tag.Id };
                article.Tags.Add(row);
            }
            row.Position = i;
        }
        SetListedAt(article);
    }

    /// <summary>
    /// A hub's address is its slug alone, so a renamed hub leaves its old slug answering 301 (and the
    /// new slug stops redirecting anywhere, in case it was once another hub's old one).
    /// </summary>
    private async Task KeepHubAddressAsync(string oldSlug, string newSlug, int hubId, CancellationToken ct)
    {
        var rows = await db.SlugRedirects.AsTracking()
            .Where(r => r.Kind == RedirectKind.Hub && (r.OldSlug == oldSlug || r.OldSlug == newSlug)).ToListAsync(ct);
        db.SlugRedirects.RemoveRange(rows.Where(r => r.OldSlug == newSlug));
        if (rows.FirstOrDefault(r => r.OldSlug == oldSlug) is { } existing)
        {
            existing.TargetId = hubId;
        }
        else
        {
            db.SlugRedirects.Add(new SlugRedirect { Kind = RedirectKind.Hub, OldSlug = oldSlug, TargetId = hubId });
        }
    }

    /// <summary>Existing tags by slug, new (unsaved) ones for names never used before: create-on-type.</summary>
    private async Task<List<Tag>> ResolveTagsAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        var wanted = names.Select(n => n.Trim()).Where(n => n.Length > 0)
            .Select(n => (Name: n, Slug: Slugs.From(n, 100)))
            .DistinctBy(n => n.Slug)
            .ToList();
        var slugs = wanted.Select(w => w.Slug).ToList();
        var existing = await db.Tags.AsTracking().Where(t => slugs.Contains(t.Slug)).ToDictionaryAsync(t => t.Slug, ct);
        return [.. wanted.Select(w => existing.TryGetValue(w.Slug, out var t) ? t : new Tag { Slug = w.Slug, Name = w.Name })];
    }

    private async Task<int> TopSectionOfAsync(int sectionId, CancellationToken ct)
    {
        var id = sectionId;
        // Sections nest a level or two; the bound only guards against a cycle in bad data.
        for (var depth = 0; depth < 10; depth++)
        {
            var parent = await db.Sections.Where(s => s.Id == id).Select(s => s.ParentId).FirstOrDefaultAsync(ct);
            if (parent is null)
            {
                return id;
            }
            id = parent.Value;
        }
        return id;
    }

    private static StoryInput Normalise(StoryInput input) => input with
    {
        Headline = input.Headline.Trim(),
        Slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugs.From(input.Headline) : input.Slug.Trim(),
        Standfirst = input.Standfirst.Trim(),
        Attribution = input.Attribution.Trim(),
        SeoTitle = Blank(input.SeoTitle),
        SeoDescription = Blank(input.SeoDescription),
        LeadImageAlt = input.LeadImageId is null ? null : Blank(input.LeadImageAlt),
        LeadImageCaption = input.LeadImageId is null ? null : Blank(input.LeadImageCaption),
        LeadImageCredit = input.LeadImageId is null ? null : Blank(input.LeadImageCredit),
        Tags = [.. input.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).DistinctBy(t => Slugs.From(t, 100))],
        AuthorIds = [.. input.AuthorIds.Distinct()],
    };

    /// <summary>
    /// Field name (as the form names it) to message; "" is a message about the whole story.
    /// <paramref name="goingLive"/>: the story is (or is about to be) published or scheduled, so the
    /// format's rules for a complete story apply (a draft may be unfinished).
    /// </summary>
    public async Task<Dictionary<string, string>> ValidateAsync(StoryInput input, Article? existing, bool goingLive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string>();
        var headline = input.Headline.Trim();
        if (headline.Length == 0)
        {
            errors["headline"] = "Write a headline.";
        }
        else if (headline.Length > 300)
        {
            errors["headline"] = "Keep the headline to 300 characters.";
        }
        var slug = string.IsNullOrWhiteSpace(input.Slug) ? Slugs.From(headline) : input.Slug.Trim();
        if (!Slugs.IsValid(slug))
        {
            errors["slug"] = "Use lower-case letters, digits and single hyphens only (no hyphen at either end).";
        }
        else if (existing?.Slug != slug && await db.Articles.AnyAsync(a => a.Slug == slug && a.Id != (existing == null ? 0 : existing.Id), ct))
        {
            // Only checked when the slug changes: there is no index on Slug, and an unchanged slug was unique already.
            errors["slug"] = "Another story already uses this slug; change it.";
        }
        Limit(errors, "standfirst", input.Standfirst, 1000);
        Limit(errors, "attribution", input.Attribution, 200);
        Limit(errors, "seoTitle", input.SeoTitle, 300);
        Limit(errors, "seoDescription", input.SeoDescription, 500);
        Limit(errors, "leadImageAlt", input.LeadImageAlt, 500);
        Limit(errors, "leadImageCaption", input.LeadImageCaption, 1000);
        Limit(errors, "leadImageCredit", input.LeadImageCredit, 200);
        if (input.BodyMarkdown.Length > MaxBodyLength)
        {
            errors["body"] = $"The body is longer than {MaxBodyLength:N0} characters; split the story.";
        }
        if (input.SectionId is not { } sectionId)
        {
            errors["sectionId"] = "Choose a section.";
        }
        else if (!await db.Sections.AnyAsync(s => s.Id == sectionId, ct))
        {
            errors["sectionId"] = "That section does not exist (it may have been removed); choose another.";
        }
        var tags = input.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).ToList();
        if (tags.Count > MaxTags)
        {
            errors["tags"] = $"Use at most {MaxTags} tags.";
        }
        else if (tags.FirstOrDefault(t => t.Length > 100 || !t.Any(char.IsLetterOrDigit)) is { } bad)
        {
            errors["tags"] = $"\"{Trim(bad, 40)}\" cannot be a tag: use letters or digits, at most 100 characters.";
        }
        var authorIds = input.AuthorIds.Distinct().ToList();
        if (authorIds.Count > MaxAuthors)
        {
            errors["authorIds"] = $"Name at most {MaxAuthors} authors.";
        }
        else if (authorIds.Count > 0 && await db.Authors.CountAsync(a => authorIds.Contains(a.Id), ct) != authorIds.Count)
        {
            errors["authorIds"] = "One of the authors does not exist any more; choose again.";
        }
        if (input.LeadImageId is { } imageId && !await db.Images.AnyAsync(i => i.Id == imageId, ct))
        {
            errors["leadImageId"] = "That picture is not in the media library any more; pick another.";
        }
        await FormatRules.ValidateAsync(db, input with { Format = existing?.Format ?? input.Format }, existing, goingLive, errors, ct);
        return errors;
    }

    private static void Limit(Dictionary<string, string> errors, string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            errors[field] = $"Keep this to {max} characters.";
        }
    }

    private static string Describe(ArticleStatus s) => s switch
    {
        ArticleStatus.InReview => "in review",
        _ => s.ToString().ToLowerInvariant(),
    };

    private static string Past(StoryAction a) => a switch
    {
        StoryAction.Submit => "submitted for review",
        StoryAction.ReturnToDraft => "returned to draft",
        StoryAction.Publish => "published again (it is live)",
        StoryAction.Schedule => "scheduled (it is live)",
        StoryAction.Unpublish => "unpublished (it is not live)",
        _ => "changed",
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private DateTime Now()
    {
        // Whole milliseconds: PostgreSQL keeps microseconds and SQLite text keeps ticks; equal values compare equal on both.
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
