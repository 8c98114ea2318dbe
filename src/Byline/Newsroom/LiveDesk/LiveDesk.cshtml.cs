using System.Globalization;
using Byline.Content;
using Byline.LiveBlogs;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsroom.LiveDesk;

/// <summary>One update on the desk, with the text the editor wrote (for corrections).</summary>
public sealed record DeskUpdate(LiveUpdateRow Row, string BodyMarkdown);

/// <summary>
/// The live-blog desk: post updates, correct, delete and pin them, end or reopen the blog. Plain
/// forms that work without JavaScript; live-desk.js posts the compose form without a reload.
/// Writes go through <see cref="LiveBlogService"/>, which applies the workflow's rights.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class LiveDeskModel(BylineDb db, LiveBlogService live, SiteSettingsStore settings) : NewsroomPageModel
{
    /// <summary>Updates listed on the desk; older ones are still on the reader pages.</summary>
    public const int DeskSize = 200;

    /// <summary>Header a script sends to get the new entry's markup (200) or the errors as JSON (422) instead of a redirect.</summary>
    public const string FetchHeader = "X-Live-Desk";

    public int StoryId { get; private set; }
    public string Headline { get; private set; } = "";
    public ArticleStatus Status { get; private set; }
    public DateTime? EndedAt { get; private set; }
    public string? PublicPath { get; private set; }
    public bool CanWrite { get; private set; }
    public IReadOnlyList<DeskUpdate> Updates { get; private set; } = [];
    public Dateline Dateline => settings.Dateline;

    [BindProperty]
    public string? ComposeHeadline { get; set; }

    [BindProperty]
    public string? ComposeBody { get; set; }

    [BindProperty]
    public bool ComposePin { get; set; }

    /// <summary>Field → message for the compose box, or for the correction of <see cref="ErrorUpdateId"/>.</summary>
    public Dictionary<string, string> Errors { get; } = [];

    public long? ErrorUpdateId { get; private set; }

    /// <summary>A correction that lost to another editor's: the text this editor wrote, kept for them.</summary>
    public (string Headline, string Body)? Yours { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPostAsync(int id, CancellationToken ct)
    {
        var result = await live.PostAsync(id, ComposeHeadline, ComposeBody, ComposePin, Actor.From(User), ct);
        if (IsFetch && result.Succeeded)
        {
            await LoadAsync(id, ct);
            var posted = Updates.FirstOrDefault(u => u.Row.Id == result.UpdateId);
            return posted is null ? new NoContentResult() : Partial("_DeskUpdate", new DeskItem(this, posted));
        }
        return await AfterAsync(id, result, "Posted.", null, ct);
    }

    public async Task<IActionResult> OnPostCorrectAsync(int id, long updateId, int version, string? headline, string? body, CancellationToken ct)
    {
        var result = await live.CorrectAsync(updateId, version, headline, body, Actor.From(User), ct);
        if (result.Outcome == LiveOutcome.Conflict)
        {
            Yours = (headline ?? "", body ?? "");
            Errors["body"] = "Someone corrected this update while you were editing. Their version is shown; your text is kept in the box: correct again to replace theirs.";
        }
        return await AfterAsync(id, result, "Correction published.", updateId, ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, long updateId, CancellationToken ct) =>
        await AfterAsync(id, await live.DeleteAsync(updateId, Actor.From(User), ct), "Update deleted.", updateId, ct);

    public async Task<IActionResult> OnPostPinAsync(int id, long updateId, CancellationToken ct) =>
        await AfterAsync(id, await live.PinAsync(updateId, true, Actor.From(User), ct), "Pinned as the key update.", updateId, ct);

    public async Task<IActionResult> OnPostUnpinAsync(int id, long updateId, CancellationToken ct) =>
        await AfterAsync(id, await live.PinAsync(updateId, false, Actor.From(User), ct), "Unpinned.", updateId, ct);

    public async Task<IActionResult> OnPostEndAsync(int id, CancellationToken ct) =>
        await AfterAsync(id, await live.SetEndedAsync(id, true, Actor.From(User), ct), "The live blog has ended.", null, ct);

    public async Task<IActionResult> OnPostReopenAsync(int id, CancellationToken ct) =>
        await AfterAsync(id, await live.SetEndedAsync(id, false, Actor.From(User), ct), "The live blog is running again.", null, ct);

    private bool IsFetch => Request.Headers.ContainsKey(FetchHeader);

    private async Task<IActionResult> AfterAsync(int id, LiveResult result, string done, long? updateId, CancellationToken ct)
    {
        switch (result.Outcome)
        {
            case LiveOutcome.Ok:
                if (IsFetch)
                {
                    return new NoContentResult();
                }
                Flash = done;
                return RedirectToPage(new { id });
            case LiveOutcome.NotFound:
                return NotFound();
            case LiveOutcome.Forbidden:
                return Forbid();
        }
        foreach (var (field, message) in result.Errors ?? new Dictionary<string, string>())
        {
            Errors.TryAdd(field.Length == 0 ? "body" : field, message);
        }
        if (result.Outcome == LiveOutcome.Conflict && !Errors.ContainsKey("body"))
        {
            Errors["body"] = "The story was being saved by someone else; try again.";
        }
        ErrorUpdateId = updateId;
        if (IsFetch)
        {
            Response.StatusCode = result.Outcome == LiveOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
            return new JsonResult(new { code = result.Outcome == LiveOutcome.Conflict ? "conflict" : "invalid", errors = Errors });
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Response.StatusCode = result.Outcome == LiveOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct)
    {
        var article = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.Format == StoryFormat.LiveBlog, ct);
        if (article is null || !await HttpContext.RequestServices.GetRequiredService<Newsroom.Stories.StoryAccess>().CanSeeAsync(id, User, ct))
        {
            return false;
        }
        StoryId = id;
        Headline = article.Headline;
        Status = article.Status;
        EndedAt = FormatData.FromJson(article.FormatData).LiveEndedAt;
        CanWrite = Actor.From(User).CanEdit(article);
        if (article.Status == ArticleStatus.Published)
        {
            var top = await db.Sections.AsNoTracking().Where(s => s.Id == article.TopSectionId).Select(s => s.Slug).FirstOrDefaultAsync(ct);
            PublicPath = top is null ? null : StoryFormats.Path(article.Format, top, article.Slug, article.Id);
        }
        Updates = await db.LiveBlogUpdates.AsNoTracking()
            .Where(u => u.ArticleId == id && !u.IsDeleted)
            .OrderByDescending(u => u.IsPinned).ThenByDescending(u => u.Id)
            .Take(DeskSize)
            .Select(u => new DeskUpdate(new LiveUpdateRow(u.Id, u.PostedAt, u.EditedAt, u.Headline, u.BodyHtml, u.IsPinned, u.AuthorName, u.Version), u.BodyMarkdown))
            .ToListAsync(ct);
        Title = "Live desk: " + article.Headline;
        Area = "stories";
        return true;
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the desk's entry partial needs: the page (state, errors) and the update.</summary>
public sealed record DeskItem(LiveDeskModel Page, DeskUpdate Update);
