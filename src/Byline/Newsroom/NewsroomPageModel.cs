using Byline.Content;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Byline.Newsroom;

/// <summary>What the newsroom layout needs from every back-office page: the publication and the page's title.</summary>
public abstract class NewsroomPageModel : PageModel
{
    public SiteSettings Settings { get; private set; } = new();

    public string Title { get; protected set; } = "";

    /// <summary>Which navigation entry to mark as current ("dashboard", "users", "curation"…).</summary>
    public string Area { get; protected set; } = "";

    /// <summary>A one-line confirmation shown once after a redirect (post/redirect/get).</summary>
    [TempData]
    public string? Flash { get; set; }

    /// <summary>The client address recorded in the audit trail.</summary>
    protected string ClientIp => HttpContext.Connection.RemoteIpAddress?.ToString() ?? "";

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Settings = HttpContext.RequestServices.GetRequiredService<SiteSettingsStore>().Current;
        return next();
    }
}
