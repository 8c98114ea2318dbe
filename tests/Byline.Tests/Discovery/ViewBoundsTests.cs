using System.Net;
using System.Text;
using Byline.Discovery;

namespace Byline.Tests.Discovery;

/// <summary>The view token and the per-client bounds, on a clock the test moves.</summary>
public sealed class ViewBoundsTests
{
    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Noon = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static ViewTokens Tokens(TimeProvider clock, DiscoveryOptions? options = null)
    {
        var tokens = new ViewTokens(clock, options ?? new DiscoveryOptions());
        tokens.UseKey(Encoding.ASCII.GetBytes("a test key of thirty-two bytes!!"));
        return tokens;
    }

    [Fact]
    public void A_token_is_accepted_for_its_story_until_it_is_older_than_the_window()
    {
        var clock = new Clock(Noon);
        var options = new DiscoveryOptions { ViewTokenHours = 3 };
        var tokens = Tokens(clock, options);
        var token = Encoding.ASCII.GetBytes(tokens.For(42));

        Assert.Equal(ViewTokenCheck.Valid, tokens.Check(token, out var id));
        Assert.Equal(42, id);
        clock.Now = Noon.AddHours(3);
        Assert.Equal(ViewTokenCheck.Valid, tokens.Check(token, out _));
        clock.Now = Noon.AddHours(4);
        Assert.Equal(ViewTokenCheck.Expired, tokens.Check(token, out _));
    }

    [Fact]
    public void A_token_made_with_another_key_is_invalid()
    {
        var clock = new Clock(Noon);
        var other = new ViewTokens(clock, new DiscoveryOptions());
        other.UseKey(Encoding.ASCII.GetBytes("another key of thirty-two bytes!"));

        Assert.Equal(ViewTokenCheck.Invalid, Tokens(clock).Check(Encoding.ASCII.GetBytes(other.For(42)), out _));
    }

    [Fact]
    public void Before_the_key_is_loaded_pages_carry_no_token_and_nothing_counts()
    {
        var tokens = new ViewTokens(new Clock(Noon), new DiscoveryOptions());

        Assert.Equal("", tokens.For(42));
        Assert.Equal(ViewTokenCheck.Invalid, tokens.Check("42.1.AAAAAAAAAAAAAAAA"u8, out _));
    }

    [Fact]
    public void One_client_counts_one_view_per_story_per_window_and_other_clients_count_too()
    {
        var clock = new Clock(Noon);
        var guard = new ViewGuard(clock, new DiscoveryOptions { ViewWindowMinutes = 30 });
        var reader = IPAddress.Parse("203.0.113.7");

        Assert.True(guard.Admit(reader, 1));
        Assert.False(guard.Admit(reader, 1));
        Assert.True(guard.Admit(reader, 2));
        Assert.True(guard.Admit(IPAddress.Parse("203.0.113.8"), 1));
        clock.Now = Noon.AddMinutes(31);
        Assert.True(guard.Admit(reader, 1));
    }

    [Fact]
    public void A_client_is_held_to_its_rate_across_stories_and_an_ipv6_64_is_one_client()
    {
        var clock = new Clock(Noon);
        var guard = new ViewGuard(clock, new DiscoveryOptions { ViewsPerClientPerMinute = 10 });

        var admitted = Enumerable.Range(1, 50).Count(id => guard.Admit(IPAddress.Parse($"2001:db8:1:2::{id:x}"), id));
        Assert.Equal(10, admitted);
        Assert.True(guard.Admit(IPAddress.Parse("2001:db8:1:3::1"), 1));
        clock.Now = Noon.AddMinutes(1);
        Assert.True(guard.Admit(IPAddress.Parse("2001:db8:1:2::99"), 99));
    }
}
