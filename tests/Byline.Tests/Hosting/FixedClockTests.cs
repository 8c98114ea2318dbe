using Byline.Hosting;
using Byline.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Hosting;

/// <summary><c>Byline:Clock:FixedUtc</c>: the stopped clock the visual-regression screenshots start the site with.</summary>
public sealed class FixedClockTests
{
    private static ServiceProvider Services(string? fixedUtc)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [FixedClock.Setting] = fixedUtc,
                ["Byline:Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Byline"] = "Data Source=never-opened.db",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddBylineCore(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_setting_stops_the_applications_clock_at_that_instant()
    {
        await using var services = Services("2026-06-15T09:30:00Z");
        var clock = services.GetRequiredService<TimeProvider>();
        var at = new DateTimeOffset(2026, 6, 15, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(at, clock.GetUtcNow());
        // Elapsed time still runs (budgets and timers use it).
        var started = clock.GetTimestamp();
        await Poll.UntilAsync(() => Task.FromResult(clock.GetElapsedTime(started) > TimeSpan.Zero), "elapsed time moves");
        Assert.Equal(at, clock.GetUtcNow());
    }

    [Fact]
    public async Task Without_the_setting_the_clock_is_the_systems()
    {
        await using var services = Services(null);
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void A_value_that_is_not_an_instant_stops_the_start_and_says_what_is_expected()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FixedClock.Setting] = "next tuesday" })
            .Build();
        var e = Assert.Throws<InvalidOperationException>(() => FixedClock.FromConfiguration(config));
        Assert.Contains("Byline:Clock:FixedUtc", e.Message, StringComparison.Ordinal);
        Assert.Contains("next tuesday", e.Message, StringComparison.Ordinal);
    }
}
