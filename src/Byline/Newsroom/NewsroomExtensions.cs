using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Byline.Hosting;
using Byline.Newsroom.Accounts;
using Byline.Publishing;
using Byline.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Byline.Newsroom;

public sealed class NewsroomOptions
{
    /// <summary>Sign-in form posts allowed per client address per minute.</summary>
    public int SignInPostsPerMinute { get; set; } = 20;
}

public static class NewsroomExtensions
{
    public const string AuthCookie = "byline.auth";
    public const string AntiforgeryCookie = "byline.af";
    public const string SignInPath = "/newsroom/signin";
    public const string SignInRateLimit = "newsroom-signin";

    /// <summary>Identity, its stores and data protection: what both the web host and the `user` verbs need.</summary>
    public static IServiceCollection AddNewsroomAccounts(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        services.AddHttpContextAccessor();
        // Keys in the database: every node and every restart read the same ring, so sessions and links survive both.
        var protection = services.AddDataProtection().PersistKeysToDbContext<BylineDb>().SetApplicationName("Byline");
        // Encrypted at rest with a certificate when Byline:DataProtection:CertificatePath names one (docs/operations.md).
        KeyEncryption.Apply(protection, config);
        services.AddIdentityCore<BylineUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                // Identity's lockout is per account, so anyone could lock anyone: SignInThrottles locks per account and source instead.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<BylineRole>()
            .AddEntityFrameworkStores<BylineDb>()
            .AddSignInManager<BylineSignInManager>()
            .AddClaimsPrincipalFactory<NewsroomClaims>()
            .AddTokenProvider<SignInLinkTokenProvider>(SignInLinks.Provider);
        services.AddScoped<SignInLinks>();
        services.AddScoped<NewsroomAccounts>();
        services.AddScoped<SignInThrottles>();
        services.AddMetrics();
        services.AddSingleton<PasswordChecks>();
        services.AddScoped<PasswordSignIn>();
        return services;
    }

    public static WebApplicationBuilder AddNewsroom(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddNewsroomAccounts(builder.Configuration);
        services.AddSingleton<IBootStep, NewsroomBoot>();
        services.AddScoped<Curation.SiteEdits>();
        services.AddScoped<Structure.StructureEdits>();
        services.AddScoped<Structure.SectionRestructure>();
        services.AddScoped<Stories.StoryAccess>();
        services.AddScoped<Stories.StoryCollaboration>();
        // The home page drawn from an unsaved Top Stories order, framed by the curation page (editors).
        services.Configure<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>(o => o.Conventions.AddPageRoute("/Site/Home/Index", "/newsroom/curation/top/preview"));
        services.AddScoped<Site.IPreviewAccess>(sp => sp.GetRequiredService<Stories.StoryAccess>());
        // One handling of a database that takes no writes, for every newsroom form (Saving/CannotSave.cs).
        services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add<Saving.CannotSaveFilter>());
        services.AddHealthChecks().AddCheck<Saving.DatabaseWritableHealthCheck>(Saving.DatabaseWritableHealthCheck.Name, tags: ["ready"]);
        services.AddScoped<Stories.StoryListQuery>();
        services.AddScoped<LiveDesk.LiveBlogService>();
        services.AddScoped<Shows.ShowEdits>();
        services.Configure<NewsroomOptions>(builder.Configuration.GetSection("Byline:Newsroom"));

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.Cookie.Name = AuthCookie;
                o.Cookie.Path = "/newsroom";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the request is HTTPS; plain http://localhost still works for development.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.LoginPath = SignInPath;
                o.LogoutPath = "/newsroom/signout";
                o.AccessDeniedPath = "/newsroom/status/403";
                o.ReturnUrlParameter = "returnUrl";
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = NewsroomSessions.ValidateAsync,
                    // A 403 with the newsroom's own page, rather than a redirect that hides the status.
                    OnRedirectToAccessDenied = c =>
                    {
                        c.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Newsroom, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Policies.Editor, p => p.RequireAuthenticatedUser().RequireRole(Roles.Editor, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            // The whole site: the reader forms (newsletter sign-up, confirmation, preferences) post with a token too.
            // Not a session cookie: the output cache ignores it (Caching/CacheOptions.AuthCookiePrefixes).
            o.Cookie.Path = "/";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<RazorPagesOptions>(o =>
        {
            // Secure by default: every page under /Newsroom needs a newsroom account unless it says otherwise.
            o.Conventions.AuthorizeFolder("/Newsroom", Policies.Newsroom);
            o.Conventions.AllowAnonymousToPage("/Newsroom/Account/SignIn");
            o.Conventions.AllowAnonymousToPage("/Newsroom/Account/SignInLink");
            o.Conventions.AllowAnonymousToPage("/Newsroom/Status");
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, context =>
            {
                // Only the form posts count: showing the form is free.
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("view");
                }
                var limit = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<NewsroomOptions>>().Value.SignInPostsPerMinute;
                var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
                var shared = context.RequestServices.GetRequiredService<Scaling.SharedRateLimits>();
                if (shared.Enabled)
                {
                    // Several nodes: one budget per address across all of them (docs/scaling.md).
                    var key = address.ToString();
                    return RateLimitPartition.Get(key, k => shared.FixedWindow("signin:" + k, limit, TimeSpan.FromMinutes(1)));
                }
                return RateLimitPartition.GetFixedWindowLimiter(address.ToString(), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, limit),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "byline.flash";
            o.Cookie.Path = "/newsroom";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Last, because authentication and antiforgery above register data protection again.
        RemoveKeyRingStartupLoad(services);
        return builder;
    }

    /// <summary>Runs after routing: newsroom headers, status pages, authentication, authorization, the sign-in rate limit.</summary>
    public static WebApplication UseNewsroom(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            if (IsNewsroom(context.Request.Path))
            {
                context.Response.OnStarting(static state =>
                {
                    var response = (HttpResponse)state;
                    response.Headers["X-Robots-Tag"] = "noindex, nofollow";
                    response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                }, context.Response);
            }
            return next(context);
        });
        app.UseStatusCodePages(new StatusCodePagesOptions { HandleAsync = NewsroomStatusAsync });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    public static bool IsNewsroom(PathString path) => path.StartsWithSegments("/newsroom", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An empty 4xx under /newsroom (403 from authorization, 429 from the rate limiter, 400 from
    /// antiforgery, 404) renders the newsroom's status page. It re-runs the rest of the pipeline with
    /// that page's endpoint chosen here, because routing has already run; other paths fall through
    /// to the reader site's error pages.
    /// </summary>
    private static async Task NewsroomStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!IsNewsroom(http.Request.Path))
        {
            return;
        }
        var endpoint = http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .FirstOrDefault(e => e.RoutePattern.RawText == StatusPage.Route);
        if (endpoint is null)
        {
            return;
        }
        var code = http.Response.StatusCode;
        var originalPath = http.Request.Path;
        var originalQuery = http.Request.QueryString;
        http.Features.Set<IStatusCodeReExecuteFeature>(new StatusCodeReExecuteFeature
        {
            OriginalPath = originalPath.Value ?? "",
            OriginalPathBase = http.Request.PathBase.Value ?? "",
            OriginalQueryString = originalQuery.HasValue ? originalQuery.Value : null,
            OriginalStatusCode = code,
        });
        http.Request.Path = "/newsroom/status/" + code.ToString(CultureInfo.InvariantCulture);
        http.Request.QueryString = QueryString.Empty;
        http.SetEndpoint(endpoint);
        http.Request.RouteValues.Clear();
        http.Request.RouteValues["page"] = StatusPage.PageName;
        http.Request.RouteValues["code"] = code.ToString(CultureInfo.InvariantCulture);
        try
        {
            await context.Next(http);
        }
        finally
        {
            http.Request.Path = originalPath;
            http.Request.QueryString = originalQuery;
            http.Features.Set<IStatusCodeReExecuteFeature?>(null);
        }
    }

    /// <summary>
    /// Data protection loads its key ring in a hosted service as the host starts, which here would
    /// race the migrations that create the key table. <see cref="NewsroomBoot"/> loads it instead,
    /// once the schema is in place.
    /// </summary>
    private static void RemoveKeyRingStartupLoad(IServiceCollection services)
    {
        var loader = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService");
        if (loader is not null)
        {
            services.Remove(loader);
        }
    }

    private sealed class StatusCodeReExecuteFeature : IStatusCodeReExecuteFeature
    {
        public string OriginalPathBase { get; set; } = "";
        public string OriginalPath { get; set; } = "";
        public string? OriginalQueryString { get; set; }
        public int OriginalStatusCode { get; set; }
        public Endpoint? Endpoint { get; set; }
        public RouteValueDictionary? RouteValues { get; set; }
    }
}

/// <summary>Where the newsroom's status page lives; the status middleware routes to it by this pattern.</summary>
public static class StatusPage
{
    public const string Route = "newsroom/status/{code:int}";
    public const string PageName = "/Newsroom/Status";
}
