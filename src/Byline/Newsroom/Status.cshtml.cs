using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Byline.Newsroom;

/// <summary>The newsroom's 400/403/404/429 page, reached from the status middleware in <see cref="NewsroomExtensions"/>.</summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : NewsroomPageModel
{
    public int Status { get; private set; }
    public string Heading { get; private set; } = "";
    public string Message { get; private set; } = "";

    public IActionResult OnGet(int code) => Render(code);
    public IActionResult OnPost(int code) => Render(code);

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Render(int code)
    {
        // Reached directly (not re-executed), the page only ever says "not found".
        Status = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null && code is >= 400 and <= 499 ? code : StatusCodes.Status404NotFound;
        (Heading, Message) = Status switch
        {
            400 => ("That request was refused", "The form may have expired or been sent from elsewhere. Go back, reload the page and try again."),
            403 => ("You don't have access to this page", "Your role does not include this part of the newsroom. Ask an admin if you need it."),
            429 => ("Too many attempts", "Too many sign-in attempts came from your network. Wait a minute, then try again."),
            _ => ("Page not found", "There is no newsroom page at this address."),
        };
        Title = Heading;
        Response.StatusCode = Status;
        return Page();
    }
}
