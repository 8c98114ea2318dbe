using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Support;

/// <summary>
/// A browser-like client of the newsroom: keeps cookies, does not follow redirects, and posts forms
/// with the antiforgery token read from the page that shows them. Create one signed in as a role
/// with <see cref="SignInAsync(BylineApp, string)"/>.
/// </summary>
public sealed class NewsroomClient : IDisposable
{
    public const string TokenField = "__RequestVerificationToken";

    private static readonly HtmlParser Parser = new();

    private NewsroomClient(BylineApp app, CookieContainer? cookies = null, Uri? baseAddress = null, IPAddress? from = null)
    {
        App = app;
        Cookies = cookies ?? new CookieContainer();
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false };
        if (from is not null)
        {
            // Another loopback address (127.0.0.2…) is another client address to the server: its own source for throttles and rate limits.
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        Http = new HttpClient(handler) { BaseAddress = baseAddress ?? app.Client.BaseAddress };
    }

    /// <summary>The same browser (these cookies) talking to another node of the site.</summary>
    public NewsroomClient Via(BylineNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new NewsroomClient(App, Cookies, node.BaseAddress) { User = User, Password = Password };
    }

    /// <summary>A second browser holding a copy of this one's cookies (a stolen or copied session).</summary>
    public NewsroomClient CopyOfCookies()
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in Cookies.GetAllCookies())
        {
            copy.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }
        return new NewsroomClient(App, copy, Http.BaseAddress) { User = User, Password = Password };
    }

    public BylineApp App { get; }
    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }

    /// <summary>The account this client signed in as (null for an anonymous client).</summary>
    public BylineUser? User { get; private set; }
    public string Email => User?.Email ?? "";
    public string? Password { get; private set; }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid App, string Role), Lazy<Task<NewsroomClient>>> Shared = new();

    /// <summary>
    /// One signed-in client per app and role, shared by the tests of a class. Sign-in posts are
    /// rate-limited per address (20 a minute by default), so a suite that only needs "an editor"
    /// should take this one; never sign it out or change its account (use <see cref="SignInAsync(BylineApp, string)"/> for that).
    /// </summary>
    public static Task<NewsroomClient> ForRoleAsync(BylineApp app, string role)
    {
        ArgumentNullException.ThrowIfNull(app);
        return Shared.GetOrAdd((app.Id, role), _ => new Lazy<Task<NewsroomClient>>(() => SignInAsync(app, role))).Value;
    }

    /// <summary>A client with no session; <paramref name="from"/> connects from another loopback address (another source).</summary>
    public static NewsroomClient Anonymous(BylineApp app, IPAddress? from = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new(app, from: from);
    }

    /// <summary>Creates a fresh account in <paramref name="role"/> (Roles.Contributor/Editor/Admin) and signs in through the form.</summary>
    public static async Task<NewsroomClient> SignInAsync(BylineApp app, string role)
    {
        var (user, password) = await CreateUserAsync(app, role);
        var client = new NewsroomClient(app);
        using var response = await client.SignInAsync(user.Email!, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"sign-in as {role} answered {(int)response.StatusCode}, expected 302; body starts: {await StartAsync(response)}");
        client.User = user;
        client.Password = password;
        return client;
    }

    /// <summary>A new account made through the app's own UserManager; returns it with its password.</summary>
    public static async Task<(BylineUser User, string Password)> CreateUserAsync(BylineApp app, string role, bool disabled = false)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(app);
        var password = $"Pw-{Guid.NewGuid():N}-aA1!";
        var email = $"{TestContent.Unique(role.ToLowerInvariant())}@newsroom.test";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<BylineUser>>();
        var user = new BylineUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = $"Test {role}",
            CreatedAt = DateTime.UtcNow,
            IsDisabled = disabled,
        };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        var added = await users.AddToRoleAsync(user, role);
        Assert.True(added.Succeeded, string.Join(" ", added.Errors.Select(e => e.Description)));
        return (user, password);
    }

    /// <summary>GETs the sign-in form and posts it; returns the raw answer (302 on success, 200 with an error, 429…).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/newsroom/signin" : $"/newsroom/signin?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Password"] = password };
        return await SubmitAsync(path, fields, "form[data-form=signin]");
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>GETs a page that must answer 200 with HTML, and parses it.</summary>
    public async Task<IHtmlDocument> PageAsync(string path)
    {
        using var response = await GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET {path} as {User?.Email ?? "anonymous"} answered {(int)response.StatusCode}, expected 200. Body starts: {Start(body)}");
        return Parser.ParseDocument(body);
    }

    /// <summary>
    /// GETs <paramref name="pagePath"/>, finds the form (the first POST form matching <paramref name="formSelector"/>,
    /// by default the first POST form in main), fills its current values overridden by <paramref name="fields"/>, and posts it
    /// to its action with the page's antiforgery token.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, IReadOnlyDictionary<string, string> fields, string? formSelector = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var page = await PageAsync(pagePath);
        var selector = formSelector ?? "main form[method=post]";
        var form = page.QuerySelector(selector) as IHtmlFormElement
            ?? throw new InvalidOperationException($"no form '{selector}' on {pagePath}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && !fields.ContainsKey(input.Name):
                    if ((input.Type is "checkbox" or "radio") && !input.IsChecked)
                    {
                        continue;
                    }
                    if (input.Type is "submit" or "button")
                    {
                        continue;
                    }
                    values.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name) && !fields.ContainsKey(area.Name):
                    values.Add(new(area.Name!, area.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name) && !fields.ContainsKey(select.Name):
                    values.Add(new(select.Name!, select.Value ?? ""));
                    break;
            }
        }
        values.AddRange(fields);
        var action = form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? pagePath : action;
        return await PostAsync(target, values);
    }

    /// <summary>Reads the antiforgery token a page carries (any form's hidden field).</summary>
    public async Task<string> TokenAsync(string pagePath = "/newsroom")
    {
        var page = await PageAsync(pagePath);
        var input = page.QuerySelector($"input[name={TokenField}]") ?? throw new InvalidOperationException($"no antiforgery token on {pagePath}");
        return input.GetAttribute("value") ?? "";
    }

    /// <summary>Posts raw form fields (add <see cref="TokenField"/> yourself, or leave it out to test the refusal).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        return await Http.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>Posts fields with a token read from <paramref name="tokenFrom"/> (default the dashboard).</summary>
    public async Task<HttpResponseMessage> PostWithTokenAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string tokenFrom = "/newsroom")
    {
        var token = await TokenAsync(tokenFrom);
        return await PostAsync(path, fields.Append(new(TokenField, token)));
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Parser.ParseDocument(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The path a redirect points to.</summary>
    public static string LocationPath(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var location = response.Headers.Location ?? throw new InvalidOperationException($"answer {(int)response.StatusCode} has no Location");
        return location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
    }

    public void Dispose() => Http.Dispose();

    private static async Task<string> StartAsync(HttpResponseMessage response) => Start(await response.Content.ReadAsStringAsync());

    private static string Start(string body) => body.Length <= 600 ? body : body[..600];
}
