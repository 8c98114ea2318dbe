using System.Globalization;
using Byline.Content;
using Byline.Newsroom.Accounts;
using Byline.Newsroom.Saving;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.Stories;

/// <summary>
/// Writing and publishing one story: the form, its actions, autosave, live preview, the conflict
/// view, and (for editors) sharing the story with contributors. A story the account may not see
/// (<see cref="StoryAccess"/>) is a 404.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class StoryEditorModel(BylineDb db, PublishingService publishing, SiteSettingsStore settings, StoryAccess access, AuditLog audit, TimeProvider clock, StoryCollaboration collab)
    : NewsroomPageModel, IShowsFormAfterRefusedSave
{
    [BindProperty]
    public StoryForm Form { get; set; } = new();

    public int? StoryId { get; private set; }
    public ArticleStatus Status { get; private set; } = ArticleStatus.Draft;
    public DateTime? PublishedAt { get; private set; }
    public DateTime? ModifiedAt { get; private set; }
    public string? PublicPath { get; private set; }
    public bool CanEdit { get; private set; } = true;
    public bool IsEditor { get; private set; }
    public string? Notice { get; private set; }
    public IReadOnlyList<SelectListItem> Sections { get; private set; } = [];
    public IReadOnlyList<SelectListItem> Authors { get; private set; } = [];
    /// <summary>Section id (as the option value) to the slug of its top section, the first segment of a story's address.</summary>
    public IReadOnlyDictionary<string, string> SectionSlugs { get; private set; } = new Dictionary<string, string>();

    /// <summary>The lengths search engines show in full (the editor's counters say so; longer is allowed).</summary>
    public const int SeoTitleLength = 60;
    public const int SeoDescriptionLength = 160;
    public Image? LeadImage { get; private set; }
    public Dateline Dateline => settings.Dateline;

    /// <summary>Set when a save lost the race: the story as it now stands, and who saved it.</summary>
    public StoryInput? Theirs { get; private set; }
    public string? TheirsBy { get; private set; }
    public IReadOnlyList<DiffRow> ConflictDiff { get; private set; } = [];

    /// <summary>Editors only: the contributors the story is shared with, and those it could be.</summary>
    public IReadOnlyList<ShareRow> Shares { get; private set; } = [];
    public IReadOnlyList<ShareRow> Shareable { get; private set; } = [];

    /// <summary>Someone else is editing the story now: the page opens read-only with a Take over button.</summary>
    public LockHolder? LockedBy { get; private set; }
    public IReadOnlyList<NoteRow> Notes { get; private set; } = [];
    public AssignmentRow? Assignment { get; private set; }
    public IReadOnlyList<AssigneeChoice> Assignees { get; private set; } = [];
    /// <summary>Set when Publish or Schedule met unresolved notes: they are listed with a confirm button.</summary>
    public IReadOnlyList<NoteRow> PublishWarning { get; private set; } = [];
    public string? PendingAction { get; private set; }
    /// <summary>Typed into the note field, kept when it is refused.</summary>
    [BindProperty]
    public string? NoteText { get; set; }
    [BindProperty]
    public string? AssignDue { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, string? format, CancellationToken ct)
    {
        Title = id == "new" ? "New story" : "Edit story";
        Area = "stories";
        var actor = Actor.From(User);
        IsEditor = actor.IsEditor;
        if (id == "new")
        {
            var authorId = actor.UserId is { } uid ? await db.Users.Where(u => u.Id == uid).Select(u => u.AuthorId).FirstOrDefaultAsync(ct) : null;
            Form = new StoryForm { AuthorIds = authorId is { } a ? [a] : [] };
            if (format is not null)
            {
                if (!StoryFormats.TryParseKey(format, out var chosen))
                {
                    return NotFound();
                }
                Form.Format = chosen;
                Title = "New " + StoryFormats.Label(chosen).ToLowerInvariant();
            }
            await LoadChoicesAsync(ct);
            return Page();
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId))
        {
            return NotFound();
        }
        var article = await LoadAsync(storyId, ct);
        if (article is null || !await access.CanSeeAsync(storyId, User, ct))
        {
            return NotFound();
        }
        FillForm(article);
        await DescribeAsync(article, actor, ct);
        Notice = done switch
        {
            "save" => "Saved.",
            "submit" => "Submitted for review.",
            "publish" => "Published.",
            "schedule" => "Scheduled.",
            "unpublish" => "Unpublished: the story is off the site.",
            "draft" => "Returned to draft.",
            "create" => "Story created.",
            "share" => "Shared: the contributor can now read this story.",
            "unshare" => "No longer shared with that contributor.",
            "takeover" => "You took the story over: you are editing it now. What the other person had not saved is kept in its revisions.",
            "note" => "Note added.",
            "resolved" => "Note resolved.",
            "reopened" => "Note reopened.",
            "assign" => "Assignment saved.",
            _ => null,
        };
        await LoadChoicesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string? act, CancellationToken ct)
    {
        var actor = Actor.From(User);
        IsEditor = actor.IsEditor;
        var action = act switch
        {
            "submit" => StoryAction.Submit,
            "publish" => StoryAction.Publish,
            "schedule" => StoryAction.Schedule,
            "unpublish" => StoryAction.Unpublish,
            "draft" => StoryAction.ReturnToDraft,
            _ => StoryAction.Save,
        };
        // Refused here and again in the service: the page never relies on hiding a button.
        if (!actor.CanPerform(action))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        DateTime? scheduleAt = null;
        if (action == StoryAction.Schedule)
        {
            var (utc, error) = Form.ScheduleUtc(Dateline.Zone);
            if (error is not null)
            {
                ModelState.AddModelError("Form.ScheduleAt", error);
                return await RedisplayAsync(id, ct);
            }
            scheduleAt = utc;
        }
        var input = Form.ToInput();

        int storyId;
        if (id == "new")
        {
            var created = await publishing.CreateAsync(input, actor, ct);
            if (!created.Succeeded)
            {
                return await ShowAsync(created, id, ct);
            }
            storyId = created.ArticleId;
            if (action == StoryAction.Save)
            {
                return Redirect($"/newsroom/stories/{storyId.ToString(CultureInfo.InvariantCulture)}?done=create");
            }
            Form.Version = created.Version;
        }
        else if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out storyId))
        {
            return NotFound();
        }

        if (id != "new" && await RefuseAsync(storyId, input, actor, ct) is { } refused)
        {
            return refused;
        }
        if (id != "new" && action is StoryAction.Publish or StoryAction.Schedule && Request.Form["confirmNotes"] != "yes"
            && await collab.OpenNotesAsync(storyId, ct) is { Count: > 0 } open)
        {
            // Unresolved notes: a confirm step naming them (or, when the publication says so, a refusal).
            var blocked = settings.Current.NotesBlockPublish;
            if (blocked)
            {
                ModelState.AddModelError("", $"Not {(action == StoryAction.Publish ? "published" : "scheduled")}: resolve the {Plural(open.Count, "unresolved note")} first (the publication's settings require it).");
            }
            PublishWarning = open;
            PendingAction = blocked ? null : act;
            Response.StatusCode = blocked ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
            return await RedisplayAsync(id, ct);
        }
        var result = await publishing.ApplyAsync(storyId, new StoryCommand(action, Form.Version, input, scheduleAt), actor, ct);
        if (result.Succeeded)
        {
            // A save through the form ends this editing session (the page reloads): the lock is free
            // until the next keystroke takes it again.
            if (actor.UserId is { } me)
            {
                await collab.ReleaseAsync(storyId, me, ct);
            }
            return Redirect($"/newsroom/stories/{storyId.ToString(CultureInfo.InvariantCulture)}?done={act ?? "save"}");
        }
        return await ShowAsync(result, storyId.ToString(CultureInfo.InvariantCulture), ct);
    }

    /// <summary>
    /// Autosave: the same service path as Save, answered in JSON (409 with the current version on a conflict).
    /// On a new story the first autosave creates the draft (the same path as its first Save) and answers its id.
    /// </summary>
    public async Task<IActionResult> OnPostAutosaveAsync(string id, CancellationToken ct)
    {
        PublishResult result;
        if (id == "new")
        {
            result = await publishing.CreateAsync(Form.ToInput(), Actor.From(User), CancellationToken.None);
        }
        else if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId))
        {
            var actor = Actor.From(User);
            if (await collab.HeldByOtherAsync(storyId, actor.UserId ?? 0, ct) is { } holder)
            {
                // Someone else holds the story: nothing is overwritten, and nothing typed is lost.
                var kept = await publishing.KeepAsRevisionAsync(storyId, Form.ToInput(), KeptAction(holder), actor, CancellationToken.None);
                return LockedProblem(holder, kept);
            }
            // Writing is editing: the writer holds the story (or keeps holding it), in the save's own transaction.
            result = await publishing.ApplyAsync(storyId, new StoryCommand(StoryAction.Autosave, Form.Version, Form.ToInput(), HoldLockFor: actor.UserId), actor, CancellationToken.None);
            if (result.Outcome == PublishOutcome.Locked && await collab.HeldByOtherAsync(storyId, actor.UserId ?? 0, ct) is { } taker)
            {
                // Taken over between the check above and the save: the same answer, and the text is kept.
                var kept = await publishing.KeepAsRevisionAsync(storyId, Form.ToInput(), KeptAction(taker), actor, CancellationToken.None);
                return LockedProblem(taker, kept);
            }
        }
        else
        {
            return BadRequest();
        }
        if (id == "new" && result.Outcome == PublishOutcome.Ok && User.UserId() is { } writer)
        {
            // The first autosave created the story: its writer holds it from now on.
            await collab.TryHoldAsync(result.ArticleId, writer, CancellationToken.None);
        }
        return result.Outcome switch
        {
            PublishOutcome.Ok when id == "new" => new JsonResult(new { ok = true, id = result.ArticleId, version = result.Version }),
            PublishOutcome.Ok => new JsonResult(new { ok = true, version = result.Version }),
            PublishOutcome.Conflict => new JsonResult(new { ok = false, code = "conflict", version = result.CurrentVersion, by = result.CurrentBy }) { StatusCode = 409 },
            PublishOutcome.Invalid => new JsonResult(new { ok = false, code = "invalid", errors = result.Errors }) { StatusCode = 400 },
            PublishOutcome.Forbidden => new JsonResult(new { ok = false, code = "forbidden" }) { StatusCode = 403 },
            PublishOutcome.Locked => new JsonResult(new { ok = false, code = "locked" }) { StatusCode = 409 },
            _ => NotFound(),
        };
    }

    /// <summary>
    /// The editor page's heartbeat (every few seconds while it is open): who else has the story open, who
    /// is editing it, and whether this page may write. <c>editing</c> says the page has been typed in:
    /// it then takes the lock if it is free.
    /// </summary>
    public async Task<IActionResult> OnPostHeartbeatAsync(string id, bool editing, CancellationToken ct)
    {
        if (await StoryOfAsync(id, ct) is not { } article || User.UserId() is not { } me)
        {
            return NotFound();
        }
        var state = await collab.BeatAsync(article.Id, me, editing && Actor.From(User).CanEdit(article), ct);
        return new JsonResult(new
        {
            others = state.Others.Select(o => new { name = o.Name, editing = o.Editing }),
            holder = state.Holder is { } h ? new { name = h.Name, since = SinceText(h.Since), sinceIso = Dateline.Iso(h.Since) } : null,
            mine = state.Mine,
        });
    }

    /// <summary>The page is closing (sent as a beacon): no longer present.</summary>
    public async Task<IActionResult> OnPostLeaveAsync(string id, CancellationToken ct)
    {
        if (await StoryOfAsync(id, ct) is { } article && User.UserId() is { } me)
        {
            await collab.LeaveAsync(article.Id, me, ct);
        }
        return new NoContentResult();
    }

    /// <summary>Takes the story over from whoever is editing it; their page turns read-only and keeps their text as a revision.</summary>
    public async Task<IActionResult> OnPostTakeOverAsync(string id, CancellationToken ct)
    {
        if (await StoryOfAsync(id, ct) is not { } article || User.UserId() is not { } me)
        {
            return NotFound();
        }
        if (!Actor.From(User).CanEdit(article))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var from = await collab.TakeOverAsync(article.Id, me, ct);
        audit.Record(db, User, AuditActions.StoryTakenOver, "article", id, from ?? "", ClientIp);
        await db.SaveChangesAsync(ct);
        return Redirect($"/newsroom/stories/{id}?done=takeover");
    }

    /// <summary>Adds an editorial note to the story's thread (anyone who can see the story).</summary>
    public async Task<IActionResult> OnPostNoteAsync(string id, CancellationToken ct)
    {
        if (await StoryOfAsync(id, ct) is not { } article)
        {
            return NotFound();
        }
        if (await collab.AddNoteAsync(article.Id, User.UserId(), User.DisplayName(), NoteText, ct) is { } error)
        {
            return await ShowStoryWithErrorAsync(article.Id, nameof(NoteText), error, ct);
        }
        return Redirect($"/newsroom/stories/{id}?done=note#notes");
    }

    /// <summary>Resolves a note, or (<paramref name="reopen"/>) opens it again.</summary>
    public async Task<IActionResult> OnPostResolveNoteAsync(string id, long note, bool reopen, CancellationToken ct)
    {
        if (await StoryOfAsync(id, ct) is not { } article)
        {
            return NotFound();
        }
        if (!await collab.ResolveNoteAsync(article.Id, note, !reopen, User.DisplayName(), ct))
        {
            return NotFound();
        }
        return Redirect($"/newsroom/stories/{id}?done={(reopen ? "reopened" : "resolved")}#notes");
    }

    /// <summary>Editors assign the story to an account with an optional due time (in the publication's zone); no account clears it.</summary>
    public async Task<IActionResult> OnPostAssignAsync(string id, int? assignee, CancellationToken ct)
    {
        if (!User.IsEditor())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (await StoryOfAsync(id, ct) is not { } article)
        {
            return NotFound();
        }
        DateTime? due = null;
        if (!string.IsNullOrWhiteSpace(AssignDue))
        {
            var (utc, error) = StoryForm.LocalToUtc(AssignDue, Dateline.Zone);
            if (error is not null)
            {
                return await ShowStoryWithErrorAsync(article.Id, nameof(AssignDue), error, ct);
            }
            if (assignee is null)
            {
                return await ShowStoryWithErrorAsync(article.Id, nameof(AssignDue), "Choose who the story is assigned to, or clear the due time.", ct);
            }
            due = utc;
        }
        if (!await collab.AssignAsync(article.Id, assignee, due, User.UserId(), ct))
        {
            return await ShowStoryWithErrorAsync(article.Id, "Assignee", "Choose an account from the list.", ct);
        }
        audit.Record(db, User, AuditActions.StoryAssigned, "article", id, assignee?.ToString(CultureInfo.InvariantCulture) ?? "", ClientIp);
        await db.SaveChangesAsync(ct);
        return Redirect($"/newsroom/stories/{id}?done=assign");
    }

    /// <summary>
    /// A save by someone who does not hold the story's lock: refused with 409, the typed text kept in
    /// the form and, when it differs from the story, as a revision. Null when the writer may go on.
    /// </summary>
    private async Task<IActionResult?> RefuseAsync(int storyId, StoryInput input, Actor actor, CancellationToken ct)
    {
        if (await collab.HeldByOtherAsync(storyId, actor.UserId ?? 0, ct) is not { } holder)
        {
            return null;
        }
        var kept = await publishing.KeepAsRevisionAsync(storyId, input, KeptAction(holder), actor, CancellationToken.None);
        ModelState.AddModelError("", LockedMessage(holder, kept));
        Response.StatusCode = StatusCodes.Status409Conflict;
        return await RedisplayAsync(storyId.ToString(CultureInfo.InvariantCulture), ct);
    }

    private static string KeptAction(LockHolder holder) => "kept: " + (holder.Name.Length > 40 ? holder.Name[..40] : holder.Name) + " was editing";

    private string SinceText(DateTime utc) => Dateline.ToLocal(utc).ToString("HH:mm", CultureInfo.InvariantCulture);

    private string LockedMessage(LockHolder holder, int? kept) =>
        $"Not saved: {holder.Name} is editing this story (since {SinceText(holder.Since)}). "
        + (kept is { } n ? $"Your text is kept as revision {n.ToString(CultureInfo.InvariantCulture)}. " : "")
        + "Take the story over to edit it.";

    private ObjectResult LockedProblem(LockHolder holder, int? kept)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Someone else is editing this story",
            Detail = LockedMessage(holder, kept),
        };
        problem.Extensions["code"] = "locked";
        problem.Extensions["holder"] = holder.Name;
        problem.Extensions["since"] = SinceText(holder.Since);
        problem.Extensions["keptRevision"] = kept;
        return new ObjectResult(problem) { StatusCode = StatusCodes.Status409Conflict, ContentTypes = { "application/problem+json" } };
    }

    private static string Plural(int n, string noun) => n == 1 ? "1 " + noun : n.ToString(CultureInfo.InvariantCulture) + " " + noun + "s";

    /// <summary>The story of the route when the account may see it.</summary>
    private async Task<Article?> StoryOfAsync(string id, CancellationToken ct) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId)
        && await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == storyId, ct) is { } article
        && await access.CanSeeAsync(storyId, User, ct) ? article : null;

    /// <summary>A side form (note, assignment) was refused: the story as saved, the message beside the field, the typed text kept.</summary>
    private async Task<IActionResult> ShowStoryWithErrorAsync(int storyId, string field, string message, CancellationToken ct)
    {
        IsEditor = User.IsEditor();
        if (await LoadAsync(storyId, ct) is { } article)
        {
            FillForm(article);
        }
        ModelState.AddModelError(field, message);
        return await RedisplayAsync(storyId.ToString(CultureInfo.InvariantCulture), ct);
    }

    /// <summary>An editor deletes a story that is off the site (the service refuses a live or scheduled one, or a stale version).</summary>
    public async Task<IActionResult> OnPostDeleteAsync(string id, int version, CancellationToken ct)
    {
        var actor = Actor.From(User);
        if (!actor.IsEditor)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId))
        {
            return NotFound();
        }
        var result = await publishing.DeleteAsync(storyId, version, actor, ct);
        switch (result.Outcome)
        {
            case PublishOutcome.Ok:
                return Redirect("/newsroom/stories?done=deleted");
            case PublishOutcome.NotFound:
                return NotFound();
            case PublishOutcome.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
        }
        // Refused (live, scheduled) or changed since the page was loaded: the story as it is now, with the reason on top.
        IsEditor = true;
        var article = await LoadAsync(storyId, ct);
        if (article is null)
        {
            return NotFound();
        }
        FillForm(article);
        await DescribeAsync(article, actor, ct);
        Notice = result.Outcome == PublishOutcome.Conflict
            ? $"Not deleted: {result.CurrentBy ?? "someone"} saved the story since you opened it. Read it again, then delete it if you still want to."
            : "Not deleted: " + string.Join(" ", result.Errors?.Values ?? []);
        await LoadChoicesAsync(ct);
        Response.StatusCode = result.Outcome == PublishOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>An editor lets an enabled contributor read this story (its editor page, revisions, previews).</summary>
    public async Task<IActionResult> OnPostShareAsync(string id, int? shareWith, CancellationToken ct)
    {
        if (!User.IsEditor())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId) || !await db.Articles.AnyAsync(a => a.Id == storyId, ct))
        {
            return NotFound();
        }
        // The choice is a list of enabled contributors; anything else is a tampered or stale form.
        var contributor = shareWith is { } uid ? (await access.ContributorsAsync(ct)).FirstOrDefault(c => c.UserId == uid) : null;
        if (contributor is null)
        {
            return BadRequest();
        }
        if (!await db.StoryShares.AnyAsync(s => s.ArticleId == storyId && s.UserId == contributor.UserId, ct))
        {
            db.StoryShares.Add(new StoryShare { ArticleId = storyId, UserId = contributor.UserId, SharedById = User.UserId(), SharedAt = clock.GetUtcNow().UtcDateTime });
            audit.Record(db, User, AuditActions.StoryShared, "article", id, contributor.Email, ClientIp);
            await db.SaveChangesAsync(ct);
        }
        return Redirect($"/newsroom/stories/{id}?done=share");
    }

    public async Task<IActionResult> OnPostUnshareAsync(string id, int userId, CancellationToken ct)
    {
        if (!User.IsEditor())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId))
        {
            return NotFound();
        }
        var removed = await db.StoryShares.Where(s => s.ArticleId == storyId && s.UserId == userId).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            audit.Record(db, User, AuditActions.StoryUnshared, "article", id, userId.ToString(CultureInfo.InvariantCulture), ClientIp);
            await db.SaveChangesAsync(ct);
        }
        return Redirect($"/newsroom/stories/{id}?done=unshare");
    }

    /// <summary>The database refused the save: the form again with what was typed and the story's state around it.</summary>
    public async Task<IActionResult> ShowFormAfterRefusedSaveAsync(CancellationToken ct)
    {
        IsEditor = User.IsEditor();
        var id = RouteData.Values["id"] as string ?? "new";
        // Share and unshare post no story fields: show the story as saved, not an empty form.
        if ((!Request.HasFormContentType || !Request.Form.Keys.Any(k => k.StartsWith("Form.", StringComparison.Ordinal)))
            && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId)
            && await LoadAsync(storyId, ct) is { } article)
        {
            FillForm(article);
        }
        return await RedisplayAsync(id, ct);
    }

    private void FillForm(Article article)
    {
        Form = StoryForm.From(StoryInput.From(article, [.. article.Tags.OrderBy(t => t.Position).Select(t => t.Tag!.Name)]), article.Version);
        if (article.Status == ArticleStatus.Scheduled && article.PublishedAt is { } at)
        {
            Form.ScheduleAt = Dateline.ToLocal(at).ToString(StoryForm.LocalFormat, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Live preview: the server renders and sanitises, so what the editor sees is what readers get.</summary>
    public IActionResult OnPostPreview()
    {
        var markdown = (Form.Body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);
        if (markdown.Length > PublishingService.MaxBodyLength)
        {
            return new JsonResult(new { code = "too-long" }) { StatusCode = 400 };
        }
        var blocks = BodyDocument.Render(markdown, HttpContext.RequestServices.GetRequiredService<LinkCardCache>().CardFor);
        var words = BodyDocument.CountWords(markdown);
        return new JsonResult(new { html = string.Join("\n", blocks.Select(b => b.Html)), words, minutes = ReadingMinutes(words) });
    }

    public static int ReadingMinutes(int words) => words == 0 ? 0 : Math.Max(1, (int)Math.Ceiling(words / 230.0));

    private async Task<IActionResult> ShowAsync(PublishResult result, string id, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case PublishOutcome.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case PublishOutcome.NotFound:
                return NotFound();
            case PublishOutcome.Invalid:
                foreach (var (field, message) in result.Errors ?? new Dictionary<string, string>())
                {
                    // A wire embargo or kill is about the whole story, shown with the form's own errors.
                    ModelState.AddModelError(field.Length == 0 || field == WireHolds.Field ? "" : "Form." + char.ToUpperInvariant(field[0]) + field[1..], message);
                }
                return await RedisplayAsync(id, ct);
            case PublishOutcome.Conflict:
                // Keep what they typed in the form, show what is saved now beside it, and take the new
                // version so that the next save (after they reconcile) goes through.
                Theirs = result.Current;
                TheirsBy = result.CurrentBy;
                var sectionNames = await db.Sections.ToDictionaryAsync(s => s.Id, s => s.Name, ct);
                var authorNames = await db.Authors.ToDictionaryAsync(a => a.Id, a => a.Name, ct);
                string SectionName(int? s) => s is { } x && sectionNames.TryGetValue(x, out var n) ? n : "";
                string AuthorName(int a) => authorNames.TryGetValue(a, out var n) ? n : a.ToString(CultureInfo.InvariantCulture);
                ConflictDiff = TextDiff.Compare([.. Theirs!.CompareLines(SectionName, AuthorName)], [.. Form.ToInput().CompareLines(SectionName, AuthorName)]);
                Form.Version = result.CurrentVersion;
                ModelState.Remove("Form.Version");
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await RedisplayAsync(id, ct);
            default:
                return Redirect("/newsroom/stories/" + id);
        }
    }

    private async Task<IActionResult> RedisplayAsync(string id, CancellationToken ct)
    {
        Title = id == "new" ? "New story" : "Edit story";
        Area = "stories";
        if (id != "new" && int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var storyId))
        {
            var article = await LoadAsync(storyId, ct);
            if (article is null)
            {
                return NotFound();
            }
            await DescribeAsync(article, Actor.From(User), ct);
        }
        if (Response.StatusCode == StatusCodes.Status200OK)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadChoicesAsync(ct);
        return Page();
    }

    private Task<Article?> LoadAsync(int id, CancellationToken ct) => PublishingService.LoadForWriteAsync(db, id, tracking: false, ct);

    private async Task DescribeAsync(Article article, Actor actor, CancellationToken ct)
    {
        StoryId = article.Id;
        Status = article.Status;
        PublishedAt = article.PublishedAt;
        ModifiedAt = article.ModifiedAt;
        CanEdit = actor.CanEdit(article);
        LockedBy = CanEdit ? await collab.HeldByOtherAsync(article.Id, actor.UserId ?? 0, ct) : null;
        Notes = await collab.NotesAsync(article.Id, ct);
        Assignment = await collab.AssignmentAsync(article.Id, ct);
        if (actor.IsEditor)
        {
            Assignees = await collab.AssigneesAsync(ct);
        }
        AssignDue ??= Assignment?.DueAt is { } dueAt ? Dateline.ToLocal(dueAt).ToString(StoryForm.LocalFormat, CultureInfo.InvariantCulture) : null;
        if (actor.IsEditor)
        {
            Shares = await access.SharesAsync(article.Id, ct);
            Shareable = [.. (await access.ContributorsAsync(ct)).Where(c => c.UserId != article.CreatedById && Shares.All(s => s.UserId != c.UserId))];
        }
        var section = await db.Sections.Where(s => s.Id == article.TopSectionId).Select(s => s.Slug).FirstOrDefaultAsync(ct);
        var show = article.Format == StoryFormat.Episode && article.ShowId is { } showId
            ? await db.Shows.Where(s => s.Id == showId).Select(s => s.Slug).FirstOrDefaultAsync(ct)
            : null;
        // The format's own address (a short's /shorts/…, a hub's /events/…), not the article route that would redirect there.
        PublicPath = article.Status == ArticleStatus.Published && section is not null
            ? StoryFormats.Path(article.Format, section, article.Slug, article.Id, show)
            : null;
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        var sections = await db.Sections.OrderBy(s => s.ParentId == null ? s.Position : s.Parent!.Position)
            .ThenBy(s => s.ParentId ?? s.Id).ThenBy(s => s.ParentId == null ? 0 : 1).ThenBy(s => s.Position)
            .Select(s => new { s.Id, s.Name, s.ParentId, s.Slug, ParentSlug = s.Parent == null ? null : s.Parent.Slug }).ToListAsync(ct);
        Sections = [.. sections.Select(s => new SelectListItem((s.ParentId is null ? "" : "— ") + s.Name, s.Id.ToString(CultureInfo.InvariantCulture)))];
        SectionSlugs = sections.ToDictionary(s => s.Id.ToString(CultureInfo.InvariantCulture), s => s.ParentSlug ?? s.Slug);
        var authors = await db.Authors.OrderBy(a => a.IsDesk).ThenBy(a => a.Name).Select(a => new { a.Id, a.Name, a.IsDesk }).ToListAsync(ct);
        Authors = [.. authors.Select(a => new SelectListItem(a.IsDesk ? a.Name + " (desk)" : a.Name, a.Id.ToString(CultureInfo.InvariantCulture), Form.AuthorIds.Contains(a.Id)))];
        if (Form.LeadImageId is { } imageId)
        {
            LeadImage = await db.Images.FirstOrDefaultAsync(i => i.Id == imageId, ct);
        }
    }
}
