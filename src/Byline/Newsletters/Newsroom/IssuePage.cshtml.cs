using System.Globalization;
using Byline.Newsroom;
using Byline.Site.Head;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Byline.Newsletters.Newsroom;

/// <summary>
/// One issue: while a draft, its subject, note and stories are edited (up, down, remove, add by id or address), it is
/// previewed as a reader will see it and test-sent to the editor; Send hands it to the sender. After that the page
/// shows the delivery counts.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class IssuePageModel(BylineDb db, NewsletterIssues issues, UserManager<BylineUser> users, PublicAddress address) : NewsroomPageModel
{
    public NewsletterIssue? Issue { get; private set; }

    public NewsletterList? List { get; private set; }

    public IReadOnlyList<IssueStory> Stories { get; private set; } = [];

    public string PreviewHtml { get; private set; } = "";

    public int Audience { get; private set; }

    public IReadOnlyDictionary<DeliveryState, int> Counts { get; private set; } = new Dictionary<DeliveryState, int>();

    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public string? StoryRef { get; set; }

    [BindProperty]
    public bool ConfirmSend { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSaveAsync(int id, CancellationToken ct)
    {
        var issue = await DraftAsync(id, ct);
        if (issue is null)
        {
            return await NotDraftAsync(id, ct);
        }
        var subject = NewsletterInput.Line(Subject, 200, "subject", required: true, out var subjectError);
        var note = Note ?? "";
        if (note.Length > 4000)
        {
            ModelState.AddModelError(nameof(Note), "The note can be at most 4,000 characters.");
        }
        if (subjectError is not null)
        {
            ModelState.AddModelError(nameof(Subject), subjectError);
        }
        if (subjectError is not null || note.Length > 4000)
        {
            await LoadAsync(id, ct, keepInput: true);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        issue.Subject = subject!;
        issue.Note = note.Replace("\r\n", "\n", StringComparison.Ordinal);
        await db.SaveChangesAsync(ct);
        Flash = "Saved.";
        return Redirect($"/newsroom/newsletters/issues/{id}");
    }

    public async Task<IActionResult> OnPostMoveAsync(int id, int story, string direction, CancellationToken ct)
    {
        var issue = await DraftAsync(id, ct);
        if (issue is null)
        {
            return await NotDraftAsync(id, ct);
        }
        var ids = NewsletterIssues.Ids(issue.ArticleIds).ToList();
        var at = ids.IndexOf(story);
        if (at >= 0)
        {
            var to = direction switch { "up" => at - 1, "down" => at + 1, _ => -2 };
            if (direction == "remove")
            {
                ids.RemoveAt(at);
            }
            else if (to >= 0 && to < ids.Count)
            {
                (ids[at], ids[to]) = (ids[to], ids[at]);
            }
            issue.ArticleIds = NewsletterIssues.Join(ids);
            await db.SaveChangesAsync(ct);
        }
        return Redirect($"/newsroom/newsletters/issues/{id}");
    }

    public async Task<IActionResult> OnPostAddAsync(int id, CancellationToken ct)
    {
        var issue = await DraftAsync(id, ct);
        if (issue is null)
        {
            return await NotDraftAsync(id, ct);
        }
        var storyId = ParseStory(StoryRef);
        var ids = NewsletterIssues.Ids(issue.ArticleIds).ToList();
        string? error = null;
        if (storyId is null)
        {
            error = "Enter a story number, or paste the story's address.";
        }
        else if (ids.Contains(storyId.Value))
        {
            error = "That story is in the issue already.";
        }
        else if (ids.Count >= NewsletterIssues.MaxStories)
        {
            error = $"An issue holds at most {NewsletterIssues.MaxStories} stories.";
        }
        else if (!await db.Articles.AnyAsync(a => a.Id == storyId && a.Status == Byline.Content.ArticleStatus.Published, ct))
        {
            error = "No published story has that number.";
        }
        if (error is not null)
        {
            ModelState.AddModelError(nameof(StoryRef), error);
            await LoadAsync(id, ct, keepInput: true);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        ids.Add(storyId!.Value);
        issue.ArticleIds = NewsletterIssues.Join(ids);
        await db.SaveChangesAsync(ct);
        return Redirect($"/newsroom/newsletters/issues/{id}");
    }

    public async Task<IActionResult> OnPostTestAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        var email = (await users.GetUserAsync(User))?.Email;
        if (string.IsNullOrEmpty(email))
        {
            Flash = "Your account has no address to send the test to.";
            return Redirect($"/newsroom/newsletters/issues/{id}");
        }
        var result = await issues.TestSendAsync(Issue!, List!, address.BaseFor(Request), email, ct);
        Flash = result.Outcome == SmtpOutcome.Accepted ? $"Test sent to {email}." : $"The test could not be sent: {result.Error}";
        return Redirect($"/newsroom/newsletters/issues/{id}");
    }

    public async Task<IActionResult> OnPostSendAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        if (Issue!.State != IssueState.Draft)
        {
            return await NotDraftAsync(id, ct);
        }
        if (!ConfirmSend)
        {
            ModelState.AddModelError(nameof(ConfirmSend), "Tick the box to confirm you want to send this issue now.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (Stories.Count == 0)
        {
            ModelState.AddModelError(nameof(ConfirmSend), "The issue has no stories.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await issues.QueueAsync(id, address.BaseFor(Request), ct);
        Flash = $"Sending to {Audience} subscribers.";
        return Redirect($"/newsroom/newsletters/issues/{id}");
    }

    /// <summary>A story number, or the number at the end of a story's address (…/slug-123).</summary>
    public static int? ParseStory(string? text)
    {
        var value = (text ?? "").Trim();
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            value = uri.AbsolutePath;
        }
        value = value.TrimEnd('/');
        var dash = value.LastIndexOfAny(['-', '/']);
        var tail = dash >= 0 ? value[(dash + 1)..] : value;
        return int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }

    private async Task<NewsletterIssue?> DraftAsync(int id, CancellationToken ct) =>
        await db.Set<NewsletterIssue>().AsTracking().FirstOrDefaultAsync(i => i.Id == id && i.State == IssueState.Draft, ct);

    private async Task<IActionResult> NotDraftAsync(int id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        ModelState.AddModelError("", "This issue has been sent; it can no longer be changed.");
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken ct, bool keepInput = false)
    {
        Issue = await db.Set<NewsletterIssue>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (Issue is null)
        {
            return false;
        }
        List = await db.Set<NewsletterList>().AsNoTracking().FirstAsync(l => l.Id == Issue.ListId, ct);
        Title = Issue.Subject;
        Area = "newsletters";
        if (!keepInput)
        {
            Subject = Issue.Subject;
            Note = Issue.Note;
        }
        Stories = await issues.StoriesAsync(NewsletterIssues.Ids(Issue.ArticleIds), ct);
        Audience = await issues.AudienceAsync(Issue.ListId, ct);
        PreviewHtml = await issues.PreviewHtmlAsync(Issue, List, address.BaseFor(Request), "you@example.com", ct);
        Counts = (await db.Set<NewsletterDelivery>().Where(d => d.IssueId == id).GroupBy(d => d.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(x => x.Key, x => x.Count);
        return true;
    }
}
