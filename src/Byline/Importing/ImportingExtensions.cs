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
        services.AddOptions<ImportingOptions>().BindConfiguration("Byline:Importing")
            .Validate(o => o.MaxUploadBytes > 0 && o.LeaseSeconds >= 1 && o.PollInterval > TimeSpan.Zero && !string.IsNullOrWhiteSpace(o.Path),
                "Byline:Importing: MaxUploadBytes must be positive, LeaseSeconds at least 1, PollInterval positive, Path set.")
            .ValidateOnStart();
        services.AddSingleton<ImportJobs>();
        return services;
    }

    /// <summary>The web host's part: the importers, and the runner of the newsroom's queued import jobs (one at a time across nodes).</summary>
    public static IServiceCollection AddImportJobs(this IServiceCollection services)
    {
        services.AddImporting();
        services.AddScoped<ImportUploads>();
        services.AddHostedService<ImportJobRunner>();
        return services;
    }
}
