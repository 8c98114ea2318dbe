namespace Byline.Site;

public static class SiteExtensions
{
    public static IServiceCollection AddBylineSite(this IServiceCollection services) => services;

    public static WebApplication UseBylineSite(this WebApplication app)
    {
        app.UseStaticFiles();
        return app;
    }
}
