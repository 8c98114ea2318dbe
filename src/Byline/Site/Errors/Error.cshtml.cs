using Byline.Site.Chrome;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Site.Errors;

/// <summary>
/// The 400, 404 and generic error pages, reached by re-execution from the status-code and exception
/// middleware. It renders with the last chrome it has and never needs the database, so it still
/// works when the database is the thing that failed.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(ILogger<ErrorModel> log) : SitePageModel
{
    public int Status { get; private set; }
    public string Heading { get; private set; } = "";
    public string Message { get; private set; } = "";

    public IActionResult OnGet(int? code) => Render(code);
    public IActionResult OnPost(int? code) => Render(code);
    public IActionResult OnHead(int? code) => Render(code);
    // Re-execution keeps the request's method: without these, a failed PUT or OPTIONS found no handler here.
    public IActionResult OnPut(int? code) => Render(code);
    public IActionResult OnPatch(int? code) => Render(code);
    public IActionResult OnDelete(int? code) => Render(code);
    public IActionResult OnOptions(int? code) => Render(code);

    protected override async Task<ChromeSnapshot> LoadChromeAsync(SiteChrome chrome, CancellationToken ct)
    {
        // Only a snapshot already in memory: if loading it is what failed, a second try would fail too.
        await Task.CompletedTask;
        return chrome.LastKnown ?? ChromeSnapshot.Empty;
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Render(int? code)
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        var exception = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        Status = exception is not null
            ? exception.Error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError
            : reExecuted && code is >= 400 and <= 599 ? code.Value : StatusCodes.Status404NotFound;
        if (exception is not null && Status >= 500)
        {
            log.LogError(exception.Error, "Unhandled error on {Path}", exception.Path);
        }
        (Heading, Message) = Status switch
        {
            400 => ("That request didn't make sense", "Part of the address isn't valid, such as a page number. Check it, or start again from the home page."),
            405 => ("That page can't do that", "This address doesn't accept that kind of request. Start again from the home page."),
            404 => ("We can't find that page", "It may have moved, or the address may be mistyped. Try searching for it, or browse the sections below."),
            503 => ("We'll be right back", "The site is starting up or briefly unavailable. Please try again in a moment."),
            _ => ("Something went wrong on our side", "We've been told about it. Please try again in a moment."),
        };
        Title = Heading;
        Description = Message;
        NoIndex = true;
        CanonicalPath = Request.Path;
        Response.StatusCode = Status;
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
