using Byline.Content;

namespace Byline.Demo;

/// <summary>The demo publication's settings and static pages.</summary>
internal static class DemoSite
{
    public static SiteSettings Settings()
    {
        var defaults = new SiteSettings();
        var nav = new List<MenuItem>();
        foreach (var top in DemoCatalog.Sections)
        {
            var children = top.Subsections.Select(c => new MenuItem(c.Name, $"/{top.Slug}/{c.Slug}")).ToList();
            nav.Add(new MenuItem(top.Name, $"/{top.Slug}", children.Count > 0 ? children : null));
        }
        // Editors keep the bar short: the lesser sections stay in the Sections drawer.
        nav = [.. nav.Take(8)];
        // The Video Shows menu opens onto the active shows (the layout fills it from the show catalogue).
        nav.Add(new MenuItem("Video Shows", "/shows"));
        // A running story in the menu bar: the budget's topic hub.
        var budget = DemoShortsAndHubs.Hubs[1];
        nav.Add(new MenuItem("Budget 2026", "/events/" + budget.Slug));
        var tournament = DemoShortsAndHubs.Hubs[0];

        static LinkItem TagLink(string name) => new(name, $"/tag/{Slugs.From(name)}");

        return defaults with
        {
            PublicationName = "The Byline Times",
            Tagline = "News you can stand behind",
            Navigation = nav,
            TopicHub = new LinkItem(tournament.Name, "/events/" + tournament.Slug),
            // The hubs are linked already (the topic-hub link, the menu): trending lists the other topics.
            TrendingTopics = [.. DemoCatalog.Trending.Where(t => DemoShortsAndHubs.Hubs.All(h => h.Name != t)).Select(TagLink)],
            // Empty: the Shows drawer lists the active shows from the show catalogue.
            Shows = [],
            // The hubs list themselves in the Events drawer; the other running stories link their tag pages.
            Events = [.. DemoCatalog.Events.Where(e => DemoShortsAndHubs.Hubs.All(h => h.Name != e)).Select(TagLink)],
            FooterGroups =
            [
                new LinkGroup("Quick links",
                [
                    new("Latest News", "/"), new("Opinion", "/news/opinion"), new("Newsletters", "/newsletter"),
                    new("Membership", "/membership"), new("Video shows", "/shows"), new("Live TV", "/live"),
                    new("Advertise", "/advertise"), new("Sitemap", "/sitemap"),
                ]),
                new LinkGroup("Most searched categories",
                [
                    TagLink("Stock Market"), TagLink("Premier Cricket Cup 2026"), TagLink("Monsoon"),
                    TagLink("Board Exams"), TagLink("Electric Vehicles"), TagLink("Box Office"), TagLink("Gold Prices"),
                ]),
                new LinkGroup("Sister sites",
                [
                    new("Byline Money", "https://money.byline.example"), new("Byline Sport", "https://sport.byline.example"),
                    new("Byline Hindi", "https://hindi.byline.example"), new("Byline Tech", "https://tech.byline.example"),
                ]),
            ],
            Newsletter = new(true, "Subscribe", "The day's essential stories, in your inbox every morning.", "/newsletter"),
            Membership = new(true, "Join us", "Support independent journalism from one rupee a day.", "/membership"),
            PreferredSource = new(true, "Add as a preferred source on Google", "See more of our stories in Google results.", "https://www.google.com/preferences/source?q=byline.example"),
        };
    }

    public static readonly (string Slug, string Title, string Markdown)[] Pages =
    [
        ("newsletter", "Newsletters", """
            Our newsletters bring the day's essential journalism to your inbox, chosen and written by our editors rather than by an algorithm.

            ## What we send

            - **The Morning Edition**, every day at 7 am: the stories that matter before your day begins.
            - **Markets at Close**, on trading days: what moved, and why, in five minutes.
            - **The Weekend Read**, on Saturdays: our longest and most considered pieces of the week.

            ## How to subscribe

            Write to newsletters@byline.example with the names of the newsletters you would like. Every issue carries a one-click unsubscribe link, and we never share your address.
            """),
        ("membership", "Membership", """
            Byline Times members keep our reporting independent and free for everyone to read.

            ## What members get

            - An early look at our investigations before they are published.
            - A monthly call with our editors.
            - Our thanks, in print, once a year.

            ## How to join

            Write to members@byline.example and we will send you the ways to contribute, from one rupee a day. You can stop at any time.
            """),
        ("about", "About us", """
            The Byline Times is an independent news publication. We report on politics, business, sport, science, culture and the life of our cities, and we publish around the clock.

            ## What we stand for

            We check before we publish. We name our sources wherever we can, and we explain why when we cannot. We correct our mistakes openly, at the foot of the story that contained them.

            ## Our newsroom

            Our reporters and editors work from bureaus in six cities, supported by correspondents across the country and abroad. Stories compiled from several sources carry a desk byline; stories that use wire copy say so.

            ## Contact the newsroom

            Story ideas, tips and corrections are always welcome. See our contact page for the right address.
            """),
        ("contact", "Contact us", """
            We read everything we receive, though we cannot reply to every message.

            ## Newsroom

            For news tips and story ideas, write to newsroom@byline.example. If you need to share something sensitive, say so in your first message and an editor will suggest a safer channel.

            ## Corrections

            If you believe we got something wrong, write to corrections@byline.example with a link to the story and a short explanation. We review every request.

            ## Advertising and partnerships

            Write to partners@byline.example, or see our advertising page.

            ## Reader services

            For newsletters, membership and account questions, write to help@byline.example.
            """),
        ("privacy", "Privacy policy", """
            This policy explains what information we collect when you read The Byline Times, why we collect it and what choices you have.

            ## What we collect

            When you visit our pages we record basic technical information such as the pages requested, the time of the request and the type of browser. If you subscribe to a newsletter or become a member, we keep your email address and the preferences you give us.

            ## How we use it

            We use this information to run and improve the site, to send you what you asked for, and to understand which stories readers find useful. We do not sell personal information.

            ## Your choices

            You can unsubscribe from any newsletter with the link at its foot, and you can ask us to delete your account at any time by writing to privacy@byline.example.

            ## Changes

            If we change this policy, we will update this page and note the date of the change.
            """),
        ("cookies", "Cookie policy", """
            Cookies are small files a website stores in your browser. We use as few as we can.

            ## Cookies we use

            Essential cookies keep you signed in and remember your settings. Measurement cookies, which we use only with your consent, tell us in aggregate which pages are read.

            ## Managing cookies

            You can change your consent at any time from the link in the footer, and you can remove cookies through your browser's settings. The site works without measurement cookies.
            """),
        ("terms", "Terms of use", """
            By using this website you agree to these terms.

            ## Our content

            Articles, photographs and graphics on this site are protected by copyright. You may share links and short quotations with attribution; republishing whole stories needs our written permission.

            ## Comments and contributions

            If you send us material, you confirm that you have the right to share it and you allow us to publish it, edited for length and clarity.

            ## Liability

            We work hard to be accurate, but the site is provided as it is. Nothing here is financial, legal or medical advice.

            ## Contact

            Questions about these terms can be sent to legal@byline.example.
            """),
        ("advertise", "Advertise with us", """
            The Byline Times reaches readers across the country every day, on the web, in newsletters and through our video shows.

            ## Formats

            We offer display placements, newsletter sponsorships, sponsored sections and branded video. Every advertisement is clearly labelled, and advertisers never influence our journalism.

            ## Get in touch

            Write to partners@byline.example with your goals and timing, and our team will send a proposal and our current rates.
            """),
    ];
}
