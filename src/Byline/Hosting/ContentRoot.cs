using Microsoft.AspNetCore.Hosting.StaticWebAssets;

namespace Byline.Hosting;

/// <summary>
/// Where the host finds <c>appsettings.json</c> and <c>wwwroot</c>: the application's own folder, not
/// the working directory, unless <c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or
/// <c>DOTNET_CONTENTROOT</c> names one. Started from another folder (a service manager, a cron job,
/// a shell elsewhere) the published app otherwise served pages without their CSS and ignored its settings.
/// Relative data paths (the SQLite file, <c>Byline:Media:Path</c>) still resolve against the working directory.
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new WebApplicationOptions { Args = args, ContentRootPath = IsConfigured(args) ? null : AppContext.BaseDirectory };
    }

    internal static bool IsConfigured(string[] args)
    {
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build();
        return !string.IsNullOrEmpty(config[WebHostDefaults.ContentRootKey]);
    }

    /// <summary>
    /// A build that was not published (bin/…) has no wwwroot beside it, only the manifest pointing at the
    /// project's; this serves from there in any environment. A published app has no manifest: nothing happens.
    /// </summary>
    public static WebApplicationBuilder UseProjectStaticAssets(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
        return builder;
    }
}
