namespace Byline.Discovery;

/// <summary>
/// Counts searches for <i>Most searched</i> as they are answered, cached or rendered. The search page
/// names the term to count in an internal header, which the output cache stores with the page and
/// replays on every hit; just before the response starts this takes the header off again and counts it.
/// Sits before the output cache in the pipeline (see <see cref="DiscoveryExtensions.UseDiscovery"/>).
/// </summary>
internal sealed class SearchCounting(RequestDelegate next, DiscoveryCounters counters)
{
    /// <summary>The page's note to this middleware: the normalised term, percent-encoded (header values are ASCII).</summary>
    public const string Header = "Byline-Search-Term";

    private static readonly PathString Path = new("/search");

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.OnStarting(static state =>
            {
                var (http, counters) = ((HttpContext, DiscoveryCounters))state;
                var headers = http.Response.Headers;
                if (headers.TryGetValue(Header, out var term))
                {
                    headers.Remove(Header);
                    if (http.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
                    {
                        counters.CountSearch(Uri.UnescapeDataString(term.ToString()));
                    }
                }
                return Task.CompletedTask;
            }, (context, counters));
        }
        return next(context);
    }
}
