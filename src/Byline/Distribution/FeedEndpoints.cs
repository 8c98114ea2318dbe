using System.Globalization;
using System.Text;
using Byline.Content;
using Byline.Media;
using Byline.Site.Head;

namespace Byline.Distribution;

/// <summary>RSS and Atom for the whole site, each section and sub-section, each tag and each author.</summary>
public static class FeedEndpoints
{
    public const string RssType = "application/rss+xml";
    public const string AtomType = "application/atom+xml";

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        foreach (var (format, atom) in new[] { ("rss", false), ("atom", true) })
        {
            app.MapMethods($"/{format}.xml", Verbs, (HttpContext c, FeedQuery q) => ServeAsync(c, q, FeedScope.Site, null, null, atom));
            app.MapMethods($"/tag/{{slug}}/{format}.xml", Verbs, (HttpContext c, FeedQuery q, string slug) => ServeAsync(c, q, FeedScope.Tag, slug, null, atom));
            app.MapMethods($"/author/{{slug}}/{format}.xml", Verbs, (HttpContext c, FeedQuery q, string slug) => ServeAsync(c, q, FeedScope.Author, slug, null, atom));
            app.MapMethods($"/shorts/{format}.xml", Verbs, (HttpContext c, FeedQuery q) => ServeAsync(c, q, FeedScope.Shorts, null, null, atom));
            app.MapMethods($"/events/{{slug}}/{format}.xml", Verbs, (HttpContext c, FeedQuery q, string slug) => ServeAsync(c, q, FeedScope.Hub, slug, null, atom));
            app.MapMethods($"/{{section}}/{format}.xml", Verbs, (HttpContext c, FeedQuery q, string section) => ServeAsync(c, q, FeedScope.Section, section, null, atom));
            app.MapMethods($"/{{section}}/{{sub}}/{format}.xml", Verbs, (HttpContext c, FeedQuery q, string section, string sub) => ServeAsync(c, q, FeedScope.SubSection, section, sub, atom));
        }
        return app;
    }

    private static readonly string[] Verbs = [HttpMethods.Get, HttpMethods.Head];

    private static async Task ServeAsync(HttpContext context, FeedQuery query, FeedScope scope, string? slug, string? sub, bool atom)
    {
        var ct = context.RequestAborted;
        var services = context.RequestServices;
        var store = services.GetRequiredService<SiteSettingsStore>();
        var address = services.GetRequiredService<PublicAddress>();
        var settings = store.Current;
        var source = await query.ResolveAsync(scope, slug, sub, settings, ct);
        if (source is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var items = await query.ItemsAsync(source, settings.FeedFullContent, ct);
        var feed = new FeedDocument(source, items, address.BaseFor(context.Request), address.HostFor(context.Request), context.Request.Path.Value ?? "/",
            settings, store.Dateline, services.GetRequiredService<MediaStore>().LocalRoot, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);

        DistributionCache.Tag(context, source.Keys);
        context.Response.Headers.CacheControl = "public, max-age=60";
        if (ConditionalGet.IsNotModified(context, ConditionalGet.ETagOf(Fingerprint(feed, atom)), items.Count == 0 ? null : items.Max(i => i.ModifiedAt > i.ChangedAt ? i.ModifiedAt : i.ChangedAt)))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.ContentType = (atom ? AtomType : RssType) + "; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        if (atom)
        {
            await FeedWriter.WriteAtomAsync(context.Response.Body, feed, ct);
        }
        else
        {
            await FeedWriter.WriteRssAsync(context.Response.Body, feed, ct);
        }
    }

    /// <summary>What the document is made of: any change to a story, the settings it shows or the address changes the ETag.</summary>
    private static string Fingerprint(FeedDocument feed, bool atom)
    {
        var s = new StringBuilder();
        s.Append(atom ? 'a' : 'r').Append('|').Append(feed.BaseUrl).Append('|').Append(feed.Source.Name).Append('|').Append(feed.Source.Description)
            .Append('|').Append(feed.Settings.FeedFullContent).Append('|').Append(feed.Settings.Language).Append('|').Append(feed.Settings.TimeZone)
            .Append('|').Append(feed.Settings.Copyright);
        foreach (var i in feed.Items)
        {
            s.Append('|').Append(i.Id.ToString(CultureInfo.InvariantCulture)).Append('@').Append(i.ChangedAt.Ticks.ToString(CultureInfo.InvariantCulture))
                .Append('@').Append(i.ModifiedAt.Ticks.ToString(CultureInfo.InvariantCulture)).Append(i.Path);
        }
        if (feed.Items.Count == 0)
        {
            s.Append("|empty");
        }
        return s.ToString();
    }
}
