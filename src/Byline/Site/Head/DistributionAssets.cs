namespace Byline.Site.Head;

/// <summary>The static pictures in wwwroot/icons that feeds, structured data and the web manifest name.</summary>
public static class DistributionAssets
{
    public const string Logo = "/icons/logo-600x60.png";
    public const int LogoWidth = 600;
    public const int LogoHeight = 60;
    public const string Icon192 = "/icons/icon-192.png";
    public const string Icon512 = "/icons/icon-512.png";
    public const string IconMaskable512 = "/icons/icon-maskable-512.png";
    public const string AppleTouchIcon = "/icons/apple-touch-icon.png";
    public const string Favicon = "/icons/favicon-32.png";
    public const string ThemeColor = "#16181d";
    public const string BackgroundColor = "#ffffff";
}
