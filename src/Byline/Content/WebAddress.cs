namespace Byline.Content;

/// <summary>Addresses editors paste (streams, embeds): absolute http(s) with a host and no user name or password.</summary>
public static class WebAddress
{
    public static bool IsHttp(string? text, out Uri? uri)
    {
        uri = null;
        return !string.IsNullOrWhiteSpace(text) &&
               Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri) &&
               (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) &&
               !string.IsNullOrEmpty(uri.Host) && string.IsNullOrEmpty(uri.UserInfo);
    }
}
