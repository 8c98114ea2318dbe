using Byline.Cli;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Cli;

/// <summary>The `user` verbs, run in-process on a SQLite file of their own.</summary>
public sealed class UserVerbTests : IDisposable
{
    private readonly string _file = Path.Combine(BylineApp.TempRoot, $"cli-{Guid.NewGuid():N}.db");

    public UserVerbTests() => Directory.CreateDirectory(BylineApp.TempRoot);

    private sealed record Run(int Exit, string Out, string Error);

    private async Task<Run> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await BylineCli.RunAsync([.. args, $"--ConnectionStrings:Byline=Data Source={_file}"],
            new CliConsole(new StringReader(stdin), output, error, InteractiveInput: false));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private async Task<T> DbAsync<T>(Func<BylineDb, Task<T>> work)
    {
        var options = new DbContextOptionsBuilder<SqliteBylineDb>().UseSqlite($"Data Source={_file}").Options;
        await using var db = new SqliteBylineDb(options);
        return await work(db);
    }

    [Fact]
    public async Task Add_reads_the_password_from_standard_input_and_the_account_can_sign_in_with_it()
    {
        var run = await RunAsync("Corr3ct-Horse-Battery!\n", "user", "add", "--email", "ada@example.com", "--role", "admin", "--name", "Ada L");

        Assert.True(run.Exit == 0, run.Error);
        var user = await DbAsync(db => db.Users.SingleAsync(u => u.Email == "ada@example.com"));
        Assert.Equal("Ada L", user.DisplayName);
        Assert.NotNull(user.PasswordHash);
        var roles = await DbAsync(db => db.UserRoles.Where(r => r.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToListAsync());
        Assert.Equal([Roles.Admin], roles);
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.UserCreated)));
    }

    [Theory]
    [InlineData("short\n")]
    [InlineData("alllowercaseandlong\n")]
    [InlineData("")]
    public async Task Add_refuses_a_weak_or_missing_password_with_one_line_and_exit_2(string stdin)
    {
        var run = await RunAsync(stdin, "user", "add", "--email", "weak@example.com", "--role", "editor");

        Assert.Equal(2, run.Exit);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(await DbAsync(db => db.Users.AnyAsync()));
    }

    [Fact]
    public async Task Add_with_link_prints_a_one_time_sign_in_link_and_sets_no_password()
    {
        var run = await RunAsync("", "user", "add", "--email", "ed@example.com", "--role", "Editor", "--link", "--base-url", "https://news.example/");

        Assert.True(run.Exit == 0, run.Error);
        Assert.Contains("https://news.example/newsroom/signin/link?token=", run.Out, StringComparison.Ordinal);
        Assert.Null(await DbAsync(db => db.Users.Where(u => u.Email == "ed@example.com").Select(u => u.PasswordHash).SingleAsync()));
    }

    [Theory]
    [InlineData("user", "add", "--email", "x@example.com", "--role", "boss", "--link")]
    [InlineData("user", "add", "--email", "not-an-email", "--role", "editor", "--link")]
    [InlineData("user", "add", "--role", "editor", "--link")]
    [InlineData("user", "role", "--email", "nobody@example.com", "--role", "editor")]
    [InlineData("user", "disable", "--email", "nobody@example.com")]
    [InlineData("user", "frobnicate")]
    [InlineData("user")]
    public async Task Bad_arguments_print_one_line_and_exit_non_zero(params string[] args)
    {
        var run = await RunAsync("", args);

        Assert.NotEqual(0, run.Exit);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_second_account_with_the_same_email_is_refused()
    {
        Assert.Equal(0, (await RunAsync("", "user", "add", "--email", "dup@example.com", "--role", "editor", "--link")).Exit);

        var again = await RunAsync("", "user", "add", "--email", "DUP@example.com", "--role", "admin", "--link");

        Assert.NotEqual(0, again.Exit);
        Assert.Equal(1, await DbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task Role_disable_enable_and_list_change_and_show_the_account()
    {
        Assert.Equal(0, (await RunAsync("", "user", "add", "--email", "c@example.com", "--role", "contributor", "--link")).Exit);

        var role = await RunAsync("", "user", "role", "--email", "c@example.com", "--role", "editor");
        var disable = await RunAsync("", "user", "disable", "--email", "c@example.com");
        var listed = await RunAsync("", "user", "list");

        Assert.True(role.Exit == 0, role.Error);
        Assert.True(disable.Exit == 0, disable.Error);
        var line = listed.Out.Split('\n').Single(l => l.Contains("c@example.com", StringComparison.Ordinal));
        Assert.Contains("editor", line, StringComparison.Ordinal);
        Assert.Contains("disabled", line, StringComparison.Ordinal);

        var enable = await RunAsync("", "user", "enable", "--email", "c@example.com");
        Assert.True(enable.Exit == 0, enable.Error);
        Assert.False(await DbAsync(db => db.Users.Where(u => u.Email == "c@example.com").Select(u => u.IsDisabled).SingleAsync()));
    }

    [Fact]
    public async Task Help_lists_the_user_verbs_and_seed()
    {
        var root = await RunAsync("", "--help");
        var user = await RunAsync("", "user", "--help");

        Assert.Equal(0, root.Exit);
        Assert.Contains("seed", root.Out, StringComparison.Ordinal);
        Assert.Contains("user", root.Out, StringComparison.Ordinal);
        foreach (var verb in new[] { "add", "list", "role", "disable", "enable", "link" })
        {
            Assert.Contains(verb, user.Out, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_file + suffix);
        }
    }
}
