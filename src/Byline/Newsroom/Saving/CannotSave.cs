using System.Globalization;
using Byline.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Newsroom.Saving;

/// <summary>
/// A newsroom page whose form needs more than its bound fields to show again (choices, the story's
/// state) after a save the database refused. It reloads them and returns the page; the typed fields
/// are still bound, so nothing typed is lost.
/// </summary>
public interface IShowsFormAfterRefusedSave
{
    Task<IActionResult> ShowFormAfterRefusedSaveAsync(CancellationToken ct);
}

/// <summary>
/// The one handling of "the database cannot take this save now" for every newsroom page: the page
/// is shown again with what was typed and a clear message beside the form (layout partial
/// <c>_CannotSave</c>, hook <c>[data-error=cannot-save]</c>), as a 503 with Retry-After, instead of the
/// reader's 500 page; a fetch (autosave) gets a 503 ProblemDetails with code <c>cannot-save</c>.
/// </summary>
public sealed class CannotSaveFilter(ILogger<CannotSaveFilter> log) : IAsyncPageFilter
{
    public const string Code = "cannot-save";
    public const string ViewDataKey = "Byline.CannotSave";
    public const string Message = "The newsroom cannot save right now: its database is not taking changes. What you typed is still here; try again in a few minutes.";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(60);

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var executed = await next();
        if (executed.ExceptionHandled || !StorageFailures.IsUnwritable(executed.Exception)
            || !NewsroomExtensions.IsNewsroom(context.HttpContext.Request.Path))
        {
            return;
        }
        var http = context.HttpContext;
        log.LogWarning("A newsroom save at {Path} was refused by the database: {Reason}", http.Request.Path, executed.Exception!.GetBaseException().Message);
        executed.ExceptionHandled = true;
        if (http.Response.HasStarted)
        {
            return;
        }
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (WantsJson(http.Request))
        {
            executed.Result = new ObjectResult(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Cannot save now",
                Detail = Message,
                Extensions = { ["code"] = Code },
            }) { StatusCode = StatusCodes.Status503ServiceUnavailable };
            return;
        }
        if (executed.HandlerInstance is PageModel page)
        {
            page.ViewData[ViewDataKey] = Message;
        }
        try
        {
            executed.Result = executed.HandlerInstance is IShowsFormAfterRefusedSave form
                ? await form.ShowFormAfterRefusedSaveAsync(http.RequestAborted)
                : new PageResult();
        }
        catch (Exception again) when (StorageFailures.IsUnwritable(again))
        {
            // Not even the reads behind the form answer: the newsroom's own 503 page rather than the reader's 500.
            executed.Result = new StatusCodeResult(StatusCodes.Status503ServiceUnavailable);
        }
        // The form's page answers with its own status (400 for invalid input); this one is 503 whatever it set.
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
    }

    private static bool WantsJson(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}
