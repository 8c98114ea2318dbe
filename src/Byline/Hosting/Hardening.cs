namespace Byline.Hosting;

/// <summary>
/// The connection, load and header defences in one place (docs/security.md, "Connections, load and
/// headers"): connection and descriptor limits, forwarded headers from known proxies only, security
/// headers on every response, and load shedding of renders.
/// </summary>
public static class Hardening
{
    public static WebApplicationBuilder AddHardening(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseProjectStaticAssets();
        builder.AddConnectionLimits();
        builder.Services.AddBylineForwardedHeaders(builder.Configuration);
        builder.Services.AddSecurityHeaders(builder.Configuration);
        builder.Services.AddLoadShedding(builder.Configuration);
        return builder;
    }

    /// <summary>First in the pipeline: the client's address and scheme are settled before anything reads them, and every response gets its headers.</summary>
    public static WebApplication UseHardening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseBylineForwardedHeaders();
        app.UseSecurityHeaders();
        app.LogConnectionBudget();
        return app;
    }
}
