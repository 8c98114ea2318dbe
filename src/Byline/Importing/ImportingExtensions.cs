namespace Byline.Importing;

public static class ImportingExtensions
{
    /// <summary>The importers (the command line's <c>import</c> verb); they write pictures through the media library.</summary>
    public static IServiceCollection AddImporting(this IServiceCollection services)
    {
        services.AddScoped<ImportStore>();
        services.AddScoped<WordPressImporter>();
        services.AddScoped<GhostImporter>();
        services.AddScoped<UrlImporter>();
        services.AddOptions<ImportingOptions>().BindConfiguration("Byline:Importing");
        return services;
    }
}
