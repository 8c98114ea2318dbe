namespace Byline.Media;

public static class MediaExtensions
{
    /// <summary>The media library: upload checks, renditions and the picture rows (the store itself is shared with the command line).</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(config.GetSection("Byline:Media").Get<MediaOptions>() ?? new MediaOptions());
        services.AddScoped<MediaLibrary>();
        services.AddSingleton<DecodeGate>();
        services.AddScoped<UploadQuota>();
        services.AddScoped<PictureUploads>();
        return services;
    }
}
