namespace Byline.Content;

/// <summary>
/// The Live TV channel: an HLS stream the /live page plays. An empty <see cref="StreamUrl"/> means
/// the channel is off air and the page says so. Part of the site settings document.
/// </summary>
public sealed record LiveTvSettings
{
    public string StreamUrl { get; init; } = "";
    public string Title { get; init; } = "Live TV";
    public string Description { get; init; } = "";
    public int? PosterImageId { get; init; }

    public bool OnAir => StreamUrl.Length > 0;

    public const int MaxTitle = 120;
    public const int MaxDescription = 500;

    /// <summary>Problems with the values, by form field; empty when they can be saved.</summary>
    public static Dictionary<string, string> Check(string? streamUrl, string? title, string? description)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var url = (streamUrl ?? "").Trim();
        if (url.Length > 0 && (url.Length > 2000 || !WebAddress.IsHttp(url, out _)))
        {
            errors["StreamUrl"] = "Give the stream's full address, starting with https:// (usually ending in .m3u8), or leave it empty to go off air.";
        }
        if (string.IsNullOrWhiteSpace(title) || title.Trim().Length > MaxTitle)
        {
            errors["Title"] = $"Give a title of 1 to {MaxTitle} characters.";
        }
        if ((description ?? "").Trim().Length > MaxDescription)
        {
            errors["Description"] = $"Keep the description to {MaxDescription} characters.";
        }
        return errors;
    }
}
