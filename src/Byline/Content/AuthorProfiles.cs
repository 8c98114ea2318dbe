namespace Byline.Content;

/// <summary>An author's social links: one absolute https address a line (checked when the newsroom saves them).</summary>
public static class AuthorProfiles
{
    public const int MaxLinks = 6;
    public const int MaxLength = 300;

    public static IReadOnlyList<(string Url, string Site)> Parse(string? lines)
    {
        List<(string, string)> profiles = [];
        foreach (var line in (lines ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (profiles.Count < MaxLinks && TryRead(line, out var url, out var site))
            {
                profiles.Add((url, site));
            }
        }
        return profiles;
    }

    /// <summary>Whether <paramref name="line"/> is a link a reader may be sent to: https, a host, no credentials, short.</summary>
    public static bool TryRead(string? line, out string url, out string site)
    {
        url = site = "";
        if (line is null || line.Length > MaxLength || !Uri.TryCreate(line, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }
        url = uri.AbsoluteUri;
        site = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        return true;
    }
}
