using System.Globalization;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom.Stories.Formats;

/// <summary>
/// Suggest summary for a short. The editor's button posts its form here and reads JSON; without
/// JavaScript the page itself is a small form that shows the suggestion to copy. Newsroom folder
/// authorization (Policies.Newsroom) and Razor Pages' antiforgery check apply.
/// </summary>
public sealed class SuggestSummaryModel(BylineDb db, StoryAccess access) : NewsroomPageModel
{
    public int? StoryNumber { get; private set; }
    public SummarySuggestion? Result { get; private set; }

    public void OnGet(int? story)
    {
        Title = "Suggest a summary";
        Area = "stories";
        StoryNumber = story;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Title = "Suggest a summary";
        Area = "stories";
        // The editor's form names the field Form.LinkedArticleId; this page's own form names it story.
        var raw = Request.Form["Form.LinkedArticleId"].ToString();
        if (raw.Length == 0)
        {
            raw = Request.Form["story"].ToString();
        }
        StoryNumber = int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        // A story the account may not see (another's draft) has no text to summarise, as far as it knows.
        Result = StoryNumber is { } n && !await access.CanSeeAsync(n, User, ct)
            ? SummarySuggestion.Problem(StatusCodes.Status404NotFound, "summary.story-not-found", "There is no story with that number.")
            : await FormatEditorApi.SuggestSummaryAsync(db, StoryNumber, ct);
        var wantsJson = Request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
        if (wantsJson)
        {
            if (Result.Code is null)
            {
                return new JsonResult(new { summary = Result.Summary, words = Result.Words, limit = Publishing.FormatRules.ShortSummaryMaxWords });
            }
            var problem = new ProblemDetails { Status = Result.Status, Detail = Result.Detail };
            problem.Extensions["code"] = Result.Code;
            return new ObjectResult(problem) { StatusCode = Result.Status, ContentTypes = { "application/problem+json" } };
        }
        Response.StatusCode = Result.Status;
        return Page();
    }
}
