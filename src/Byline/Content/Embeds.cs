using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Byline.Content;

/// <summary>
/// Turns a URL standing alone in a story body into an embed. The markup is written here from a
/// validated id or an encoded URL, never taken from the editor: video players come from the
/// providers' privacy-respecting hosts, and social posts become plain link cards, so no
/// third-party script ever runs on a reader page.
/// </summary>
public static partial class Embeds
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    // Attributes shared by every player frame: lazy, only the listed browser features, and only the
    // origin sent onwards. No sandbox attribute: the players need both allow-scripts and
    // allow-same-origin, a pair the HTML standard's checker rejects as meaningless, and the frames
    // are cross-origin, so the browser already keeps them away from the page, its cookies and its DOM.
    private const string FrameAttributes =
        "loading=\"lazy\" allow=\"encrypted-media; picture-in-picture; fullscreen\" referrerpolicy=\"strict-origin-when-cross-origin\" " +
        "width=\"560\" height=\"315\"";

    [GeneratedRegex("^[A-Za-z0-9_-]{6,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex YouTubeId();

    [GeneratedRegex("^[0-9]{1,12}$", RegexOptions.CultureInvariant)]
    private static partial Regex VimeoId();

    /// <summary>The embed's HTML for an http(s) URL, or null when the text is not one (it then stays ordinary text).</summary>
    public static string? Html(string url) => Html(url, null);

    /// <summary>
    /// The embed's HTML; an unknown link for which <paramref name="cards"/> knows a card (the title and
    /// description its page gave, <see cref="LinkCardCache"/>) becomes that card rather than the plain one.
    /// </summary>
    public static string? Html(string url, Func<Uri, LinkCard?>? cards)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
            string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }
        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        host = host.StartsWith("m.", StringComparison.OrdinalIgnoreCase) ? host[2..] : host;
        host = host.ToLowerInvariant();

        if (YouTubeVideo(host, uri) is { } id)
        {
            return Frame($"https://www.youtube-nocookie.com/embed/{id}", "YouTube video");
        }
        if (host == "vimeo.com" && uri.AbsolutePath.Trim('/') is var path && VimeoId().IsMatch(path))
        {
            // dnt=1 asks the player not to track the viewing session.
            return Frame($"https://player.vimeo.com/video/{path}?dnt=1", "Vimeo video");
        }
        var provider = ProviderName(host);
        return provider == "Link" && cards?.Invoke(uri) is { } card ? Card(uri, card) : PlainCard(uri, provider);
    }

    /// <summary>True when the embed of <paramref name="url"/> is a player (a frame) rather than a card.</summary>
    public static bool IsPlayer(string? html) => html is not null && html.Contains("<iframe", StringComparison.Ordinal);

    private static string? YouTubeVideo(string host, Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? id = host switch
        {
            "youtu.be" when segments.Length == 1 => segments[0],
            "youtube.com" when segments is ["watch"] => QueryValue(uri.Query, "v"),
            "youtube.com" when segments is ["shorts", var s] => s,
            _ => null,
        };
        return id is not null && YouTubeId().IsMatch(id) ? id : null;
    }

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair.AsSpan(0, eq).SequenceEqual(name))
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }
        return null;
    }

    private static string ProviderName(string host) => host switch
    {
        "x.com" or "twitter.com" => "X",
        "instagram.com" => "Instagram",
        "facebook.com" or "fb.watch" => "Facebook",
        "youtube.com" or "youtu.be" => "YouTube",
        "vimeo.com" => "Vimeo",
        _ => "Link",
    };

    private static string Frame(string src, string title) =>
        $"<figure class=\"embed embed-video\"><iframe src=\"{Encoder.Encode(src)}\" title=\"{Encoder.Encode(title)}\" {FrameAttributes}></iframe></figure>";

    /// <summary>The card of an unknown link: the page's site name, title and description, all encoded.</summary>
    public static string Card(Uri uri, LinkCard card)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(card);
        var description = card.Description.Length == 0 ? "" : $"<span class=\"embed-card-description\">{Encoder.Encode(card.Description)}</span>";
        return $"<figure class=\"embed embed-link embed-card\"><a href=\"{Encoder.Encode(uri.AbsoluteUri)}\" rel=\"noopener nofollow\">" +
            $"<span class=\"embed-card-site\">{Encoder.Encode(card.Site)}</span><strong class=\"embed-card-title\">{Encoder.Encode(card.Title)}</strong>{description}</a></figure>";
    }

    private static string PlainCard(Uri uri, string provider)
    {
        var shown = uri.Host + uri.AbsolutePath.TrimEnd('/');
        return $"<figure class=\"embed embed-link\"><a href=\"{Encoder.Encode(uri.AbsoluteUri)}\" rel=\"noopener nofollow\">" +
            $"{Encoder.Encode(provider)}: {Encoder.Encode(shown)}</a></figure>";
    }
}
