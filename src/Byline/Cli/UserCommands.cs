using System.CommandLine;
using System.Globalization;
using System.Text;
using Byline.Hosting;
using Byline.Newsroom;
using Byline.Newsroom.Accounts;
using Byline.Storage;
using Microsoft.AspNetCore.Identity;

namespace Byline.Cli;

/// <summary>
/// `user add | list | role | disable | enable | link | unlock`: newsroom accounts from the command line. No
/// password is ever invented: `add` reads one from standard input, or prints a one-time sign-in link.
/// </summary>
internal static class UserCommands
{
    /// <summary>Bad input (unknown role, weak password, no such account): the caller can fix the command.</summary>
    private const int BadInput = 2;

    public static Command Create(string[] configArgs, CliConsole console)
    {
        var user = new Command("user", "Manage newsroom accounts: add, list, role, disable, enable, link, unlock.");
        user.Subcommands.Add(Add(configArgs, console));
        user.Subcommands.Add(List(configArgs, console));
        user.Subcommands.Add(Role(configArgs, console));
        user.Subcommands.Add(SetDisabled("disable", "Disable an account: it cannot sign in and its open sessions end.", true, configArgs, console));
        user.Subcommands.Add(SetDisabled("enable", "Enable a disabled account again.", false, configArgs, console));
        user.Subcommands.Add(Link(configArgs, console));
        user.Subcommands.Add(Unlock(configArgs, console));
        return user;
    }

    private static Option<string> EmailOption() => new("--email", "-e") { Description = "The account's e-mail address (also its sign-in name).", Required = true };

    private static Option<string> RoleOption(bool required) => new("--role", "-r")
    {
        Description = "contributor, editor or admin.",
        Required = required,
    };

    private static Option<string> BaseUrlOption() => new("--base-url")
    {
        Description = "The site's public origin, put before the link's path (e.g. https://news.example).",
        DefaultValueFactory = _ => "",
    };

    private static Command Add(string[] configArgs, CliConsole console)
    {
        var email = EmailOption();
        var role = RoleOption(required: true);
        var name = new Option<string>("--name", "-n") { Description = "Display name shown in the newsroom.", DefaultValueFactory = _ => "" };
        var link = new Option<bool>("--link") { Description = "Print a one-time sign-in link instead of reading a password from standard input." };
        var baseUrl = BaseUrlOption();
        var add = new Command("add", "Create an account. The password is read from standard input (one line), or use --link.")
        {
            email, role, name, link, baseUrl,
        };
        add.SetAction((pr, ct) => RunAsync(configArgs, console, async (sp, ct) =>
        {
            var accounts = sp.GetRequiredService<NewsroomAccounts>();
            string? password = null;
            if (!pr.GetValue(link))
            {
                password = ReadPassword(console);
                if (string.IsNullOrEmpty(password))
                {
                    await console.Error.WriteLineAsync("byline: no password on standard input; pipe one line, or use --link for a one-time sign-in link.");
                    return BadInput;
                }
            }
            var result = await accounts.CreateAsync(pr.GetValue(email) ?? "", pr.GetValue(name) ?? "", pr.GetValue(role) ?? "", password, Actors.CommandLine(), "", ct);
            if (!result.Succeeded || result.User is null)
            {
                await console.Error.WriteLineAsync($"byline: {OneLine(result.Message)}");
                return result.Code == "duplicate-email" ? 1 : BadInput;
            }
            var roleName = NewsroomAccounts.RoleNamed(pr.GetValue(role))!;
            await console.Out.WriteLineAsync($"Created {roleName.ToLowerInvariant()} {result.User.Email} (id {result.User.Id.ToString(CultureInfo.InvariantCulture)}).");
            if (password is null)
            {
                await PrintLinkAsync(sp, result.User, pr.GetValue(baseUrl) ?? "", console, ct);
            }
            return 0;
        }, ct));
        return add;
    }

    private static Command List(string[] configArgs, CliConsole console)
    {
        var list = new Command("list", "List newsroom accounts with their role and state.");
        list.SetAction((pr, ct) => RunAsync(configArgs, console, async (sp, ct) =>
        {
            var rows = await sp.GetRequiredService<NewsroomAccounts>().ListAsync(ct);
            if (rows.Count == 0)
            {
                await console.Out.WriteLineAsync("No accounts yet. Create one with: user add --email you@example.com --role admin --link");
                return 0;
            }
            var emailWidth = Math.Max(5, rows.Max(r => r.Email.Length));
            var nameWidth = Math.Max(4, rows.Max(r => r.DisplayName.Length));
            await console.Out.WriteLineAsync($"{"ID",5}  {"EMAIL".PadRight(emailWidth)}  {"NAME".PadRight(nameWidth)}  {"ROLE",-11}  STATE");
            foreach (var r in rows)
            {
                var state = r.IsDisabled ? "disabled" : r.IsLockedOut ? "locked out" : r.HasPassword ? "active" : "awaiting first sign-in";
                await console.Out.WriteLineAsync(
                    $"{r.Id.ToString(CultureInfo.InvariantCulture),5}  {r.Email.PadRight(emailWidth)}  {r.DisplayName.PadRight(nameWidth)}  {r.Role.ToLowerInvariant(),-11}  {state}");
            }
            return 0;
        }, ct));
        return list;
    }

    private static Command Role(string[] configArgs, CliConsole console)
    {
        var email = EmailOption();
        var role = RoleOption(required: true);
        var command = new Command("role", "Give an account another role (its open sessions sign in again).") { email, role };
        command.SetAction((pr, ct) => WithUserAsync(configArgs, console, pr.GetValue(email), async (sp, accounts, user, ct) =>
        {
            var result = await accounts.ChangeRoleAsync(user, pr.GetValue(role) ?? "", Actors.CommandLine(), "", ct);
            if (!result.Succeeded)
            {
                await console.Error.WriteLineAsync($"byline: {OneLine(result.Message)}");
                return BadInput;
            }
            await console.Out.WriteLineAsync($"{user.Email} is now {NewsroomAccounts.RoleNamed(pr.GetValue(role))!.ToLowerInvariant()}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command SetDisabled(string verb, string description, bool disabled, string[] configArgs, CliConsole console)
    {
        var email = EmailOption();
        var command = new Command(verb, description) { email };
        command.SetAction((pr, ct) => WithUserAsync(configArgs, console, pr.GetValue(email), async (sp, accounts, user, ct) =>
        {
            var result = await accounts.SetDisabledAsync(user, disabled, Actors.CommandLine(), "", ct);
            if (!result.Succeeded)
            {
                await console.Error.WriteLineAsync($"byline: {OneLine(result.Message)}");
                return BadInput;
            }
            await console.Out.WriteLineAsync($"{user.Email} is {(disabled ? "disabled" : "enabled")}.");
            return 0;
        }, ct));
        return command;
    }

    private static Command Link(string[] configArgs, CliConsole console)
    {
        var email = EmailOption();
        var baseUrl = BaseUrlOption();
        var command = new Command("link", "Print a new one-time sign-in link for an account (for a forgotten password).") { email, baseUrl };
        command.SetAction((pr, ct) => WithUserAsync(configArgs, console, pr.GetValue(email), async (sp, accounts, user, ct) =>
        {
            if (user.IsDisabled)
            {
                await console.Error.WriteLineAsync($"byline: {user.Email} is disabled; enable it first.");
                return BadInput;
            }
            await PrintLinkAsync(sp, user, pr.GetValue(baseUrl) ?? "", console, ct);
            return 0;
        }, ct));
        return command;
    }

    private static Command Unlock(string[] configArgs, CliConsole console)
    {
        var email = EmailOption();
        var command = new Command("unlock", "Lift the sign-in locks on an account (from every address) and forget its failed attempts.") { email };
        command.SetAction((pr, ct) => WithUserAsync(configArgs, console, pr.GetValue(email), async (sp, accounts, user, ct) =>
        {
            var sources = await accounts.UnlockAsync(user, Actors.CommandLine(), "", ct);
            await console.Out.WriteLineAsync(sources == 0
                ? $"{user.Email} was not locked; its failed attempts are forgotten."
                : $"{user.Email} is unlocked (it was locked from {sources.ToString(CultureInfo.InvariantCulture)} address(es)).");
            return 0;
        }, ct));
        return command;
    }

    private static async Task PrintLinkAsync(IServiceProvider sp, BylineUser user, string baseUrl, CliConsole console, CancellationToken ct)
    {
        var path = await sp.GetRequiredService<SignInLinks>().CreatePathAsync(user);
        var db = sp.GetRequiredService<BylineDb>();
        sp.GetRequiredService<AuditLog>().Record(db, Actors.CommandLine(), AuditActions.UserLink, "user", user.Id.ToString(CultureInfo.InvariantCulture), user.Email ?? "");
        await db.SaveChangesAsync(ct);
        await console.Out.WriteLineAsync($"One-time sign-in link (valid {SignInLinks.Lifetime.TotalMinutes:0} minutes, single use):");
        await console.Out.WriteLineAsync(baseUrl.TrimEnd('/') + path);
    }

    private static Task<int> WithUserAsync(string[] configArgs, CliConsole console, string? email,
        Func<IServiceProvider, NewsroomAccounts, BylineUser, CancellationToken, Task<int>> work, CancellationToken ct) =>
        RunAsync(configArgs, console, async (sp, ct) =>
        {
            var accounts = sp.GetRequiredService<NewsroomAccounts>();
            var user = await accounts.FindByEmailAsync(email ?? "");
            if (user is null)
            {
                await console.Error.WriteLineAsync($"byline: no account with e-mail '{email}'.");
                return BadInput;
            }
            return await work(sp, accounts, user, ct);
        }, ct);

    /// <summary>Builds the services (storage, Identity, data protection), migrates, makes sure the roles exist, then runs the verb.</summary>
    private static async Task<int> RunAsync(string[] configArgs, CliConsole console, Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = configArgs,
                ContentRootPath = Directory.GetCurrentDirectory(),
            });
            // The verb's own lines are the output; only real errors from the libraries belong beside them.
            builder.Logging.AddFilter((_, level) => level >= LogLevel.Error);
            builder.Services.AddBylineCore(builder.Configuration);
            builder.Services.AddNewsroomAccounts(builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            await StorageExtensions.MigrateAsync(sp.GetRequiredService<BylineDb>(), ct);
            await NewsroomBoot.EnsureRolesAsync(sp.GetRequiredService<RoleManager<BylineRole>>(), sp.GetRequiredService<ILogger<NewsroomBoot>>());
            return await work(sp, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("byline: cancelled.");
            return 130;
        }
#pragma warning disable CA1031 // command-line top level: any failure is one line on stderr and exit code 1
        catch (Exception e)
#pragma warning restore CA1031
        {
            await console.Error.WriteLineAsync($"byline: user command failed: {OneLine(e.GetBaseException().Message)}");
            return 1;
        }
    }

    /// <summary>One line from standard input; on a terminal, typed without echo.</summary>
    private static string? ReadPassword(CliConsole console)
    {
        if (!console.InteractiveInput)
        {
            return console.In.ReadLine();
        }
        console.Error.Write("Password: ");
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                console.Error.WriteLine();
                return typed.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
