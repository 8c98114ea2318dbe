using Byline.Content;
using Byline.Demo;
using Byline.Newsroom.Curation;

namespace Byline.Tests.Site;

/// <summary>A hub can be linked from the main menu, which editors fill in as rows of a label and a link.</summary>
public sealed class HubMenuLinkTests
{
    [Fact]
    public void A_menu_item_to_a_hub_is_accepted()
    {
        var errors = new Dictionary<string, string>();
        List<GroupRow?> rows =
        [
            new GroupRow { Label = "News", Url = "/news" },
            new GroupRow { Label = "Budget 2026", Url = "/events/union-budget-2026" },
        ];

        var settings = LinkListKind.Menus.Apply(new SiteSettings(), rows, errors);

        Assert.Empty(errors);
        Assert.Equal("/events/union-budget-2026", settings!.Navigation[^1].Url);
    }

    [Fact]
    public void The_demo_menu_and_header_link_the_demo_hubs()
    {
        var settings = DemoSite.Settings();

        Assert.Contains(settings.Navigation, m => m.Url == "/events/" + DemoShortsAndHubs.Hubs[1].Slug);
        Assert.Equal("/events/" + DemoShortsAndHubs.Hubs[0].Slug, settings.TopicHub?.Url);
        Assert.All(DemoShortsAndHubs.Hubs, h => Assert.Equal(Slugs.From(h.Name), h.Slug));
        // Each hub is linked once in the header: not again as a trending topic.
        Assert.DoesNotContain(settings.TrendingTopics, t => DemoShortsAndHubs.Hubs.Any(h => h.Name == t.Label));
        Assert.NotEmpty(settings.TrendingTopics);
    }
}
