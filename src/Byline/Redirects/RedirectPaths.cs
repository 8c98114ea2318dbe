using System.Globalization;

namespace Byline.Redirects;

/// <summary>
/// The one normal form of an old address, used both when a redirect is stored and when a request is
/// looked up: the path in lower case without its trailing slash, and at most one query parameter
/// (<c>/?p=12</c>, <c>/?cat=4</c>), because old WordPress addresses name their item by one parameter.
/// </summary>
public static class RedirectPaths
{
    /// <summary>Query parameters looked at per request; a longer query is not an old permalink.</summary>
    private const int MaxQueryParameters = 4;

    /// <summary>The stored form of a typed or imported address (absolute or site-relative), or null when it is not one.</summary>
    public static string? Normalise(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }
        var text = address.Trim();
        string path;
        string query;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            path = uri.AbsolutePath;
            query = uri.Query;
        }
        else if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
        {
            var hash = text.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                text = text[..hash];
            }
            var q = text.IndexOf('?', StringComparison.Ordinal);
            (path, query) = q < 0 ? (text, "") : (text[..q], text[q..]);
        }
        else
        {
            return null;
        }
        var key = Path(path);
        var first = Parameters(query).FirstOrDefault();
        if (first is not null)
        {
            key += "?" + first;
        }
        // The bare home page is never an old address: every request for "/" would be looked up.
        return key == "/" || key.Length > Storage.Redirect.MaxPathLength ? null : key;
    }

    /// <summary>The keys a request could be stored under, most specific first.</summary>
    public static IEnumerable<string> Candidates(PathString path, QueryString query)
    {
        var p = Path(path.Value ?? "/");
        foreach (var parameter in Parameters(query.Value ?? "").Take(MaxQueryParameters))
        {
            yield return p + "?" + parameter;
        }
        if (p != "/")
        {
            yield return p;
        }
    }

    private static string Path(string path)
    {
        var p = Uri.UnescapeDataString(path).ToLowerInvariant();
        p = p.TrimEnd('/');
        return p.Length == 0 ? "/" : p;
    }

    private static IEnumerable<string> Parameters(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' ')).ToLowerInvariant();
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')).ToLowerInvariant();
            if (name.Length > 0)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{name}={value}");
            }
        }
    }

    /// <summary>A target an editor may enter: a site path, or an absolute http(s) address.</summary>
    public static bool IsTarget(string? target) =>
        !string.IsNullOrWhiteSpace(target) && target.Length <= Storage.Redirect.MaxPathLength &&
        !target.Any(char.IsControl) &&
        ((target.StartsWith('/') && !target.StartsWith("//", StringComparison.Ordinal) && !target.Contains('\\', StringComparison.Ordinal)) ||
         (Uri.TryCreate(target, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)));
}
