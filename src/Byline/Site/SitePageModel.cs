using Byline.Content;
using Byline.Distribution;
using Byline.Events;
using Byline.Site.Head;
using Byline.Publishing;
using Byline.Site.Chrome;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site;

/// <summary>What the layout needs from every reader page: the chrome snapshot and the page's head.</summary>
public abstract class SitePageModel : PageModel
{
    public ChromeSnapshot Chrome { get; protected set; } = ChromeSnapshot.Empty;
    public SiteSettings Settings { get; private set; } = new();
    public Dateline Dateline { get; private set; } = new("UTC");

    public string Title { get; protected set; } = "";
    public string Description { get; protected set; } = "";
    /// <summary>Path and query of this page's canonical URL; the layout makes it absolute.</summary>
    public string CanonicalPath { get; protected set; } = "/";
    public bool NoIndex { get; protected set; }
    /// <summary>True on a newsroom preview route: any status, never indexed, never cached.</summary>
    public bool IsPreview { get; private set; }

    /// <summary>Feeds, structured data and the social card of this page (see Distribution/_HeadTags).</summary>
    public PageHead Head { get; } = new();

    public string BaseUrl => HttpContext.RequestServices.GetRequiredService<PublicAddress>().BaseFor(Request);

    public string AbsoluteUrl(string pathAndQuery) => BaseUrl + pathAndQuery;

    protected LdContext Ld => new(BaseUrl, Settings, Dateline);

    /// <summary>
    /// Opens a newsroom preview of a story page: null when the user may see it (the page is then a
    /// preview, noindex and no-store — Byline's output cache never stores /newsroom paths nor no-store
    /// responses), otherwise the sign-in challenge or a 403.
    /// </summary>
    protected async Task<IActionResult?> BeginPreviewAsync()
    {
        if (await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>()
                .AuthorizeAsync(User, Storage.Policies.Newsroom) is not { Succeeded: true })
        {
            return User.Identity?.IsAuthenticated == true ? Forbid() : Challenge();
        }
        // Contributors preview only the stories they may see (their own, published, shared): others are not there.
        if (!int.TryParse(RouteData.Values["previewId"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var storyId)
            || !await HttpContext.RequestServices.GetRequiredService<IPreviewAccess>().CanSeeAsync(storyId, User, HttpContext.RequestAborted))
        {
            return NotFound();
        }
        IsPreview = true;
        NoIndex = true;
        Response.Headers.CacheControl = "no-store";
        return null;
    }

    /// <summary>
    /// Opens a newsroom preview of a reader page that is not one story (the home page drawn from an
    /// unsaved Top Stories order): null when the user holds <paramref name="policy"/>, otherwise the
    /// sign-in challenge or a 403. The page is then a preview: noindex and no-store.
    /// </summary>
    protected async Task<IActionResult?> BeginNewsroomPreviewAsync(string policy)
    {
        if (await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(User, policy) is not { Succeeded: true })
        {
            return User.Identity?.IsAuthenticated == true ? Forbid() : Challenge();
        }
        IsPreview = true;
        NoIndex = true;
        Response.Headers.CacheControl = "no-store";
        return null;
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var store = HttpContext.RequestServices.GetRequiredService<SiteSettingsStore>();
        Settings = store.Current;
        Dateline = store.Dateline;
        Chrome = await LoadChromeAsync(HttpContext.RequestServices.GetRequiredService<SiteChrome>(), HttpContext.RequestAborted);
        // One connection for all of the handler's reads: left to EF, each read opens and closes its
        // own, and every open is a pool round trip (and on SQLite, EF registering its functions on
        // the connection again) — eight of them for an article page. Closed before the page renders.
        var database = HttpContext.RequestServices.GetRequiredService<Storage.BylineDb>().Database;
        await database.OpenConnectionAsync(HttpContext.RequestAborted);
        try
        {
            await next();
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Lets the output cache store this response, tagged with the keys it shows (see docs/caching.md).
    /// <paramref name="keys"/> are what the page is about: a change evicts it. <paramref name="related"/>
    /// are side lists (latest news, more from the section): a change marks it stale. Every page also
    /// shows the settings (hard) and the layout's chrome (soft).
    /// </summary>
    protected void CacheAs(IEnumerable<string> keys, IEnumerable<string>? related = null) =>
        HttpContext.CacheTags().Add([.. keys, ContentKeys.Settings]).AddSoft([.. related ?? [], CacheTags.Chrome]);

    protected virtual Task<ChromeSnapshot> LoadChromeAsync(SiteChrome chrome, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(chrome);
        return chrome.GetAsync(ct);
    }

    /// <summary>Reads <c>?page=</c>: an invalid value is a 400 page, one past the bound a 404 page.</summary>
    protected bool TryReadPaging(out Paging paging, out IActionResult? problem)
    {
        var parse = Paging.Parse(Request.Query["page"].ToString(), Settings.PageSize);
        paging = parse.Paging;
        problem = parse.Error switch
        {
            PagingError.Invalid => BadRequest(),
            PagingError.OutOfRange => NotFound(),
            _ => null,
        };
        return problem is null;
    }

    protected static string PagePath(string basePath, int page) =>
        page <= 1 ? basePath : $"{basePath}?page={page.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected IActionResult Moved(string path) => RedirectPermanent(path + Request.QueryString);
}
