using Byline.Content;
using Byline.Search;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Demo;

/// <summary>
/// Two demo live blogs: a budget day still running (25 updates, the key numbers pinned) and a city's
/// flood watch that has ended. Everything in them is invented.
/// </summary>
internal static class DemoLiveBlogs
{
    private sealed record Spec(string Section, string Headline, string Standfirst, string Intro, string[] Tags, int LeadImage, TimeSpan StartedAgo, TimeSpan Every, bool Ended, int PinnedIndex, (string Headline, string Body)[] Updates);

    public static async Task AddAsync(BylineDb db, ISearchIndex search, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        now = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var sync = new SearchIndexSync(db, search);
        foreach (var spec in new[] { Budget, Floods })
        {
            var section = await db.Sections.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == spec.Section, ct);
            if (section is null)
            {
                continue;
            }
            var beat = section.ParentId is { } parent ? parent : section.Id;
            var authors = await db.Authors.AsNoTracking().Where(a => !a.IsDesk).OrderBy(a => a.Id).Skip(spec.LeadImage % 7).Take(2).ToListAsync(ct);
            // The picture prints its section's name: take one drawn for this story's top-level section.
            var topName = await db.Sections.AsNoTracking().Where(s => s.Id == beat).Select(s => s.Name).FirstOrDefaultAsync(ct);
            var imageKey = (topName is null ? null : DemoSeeder.LeadKeyFor(topName, spec.LeadImage)) ?? $"demo-lead-{spec.LeadImage:00}";
            var image = await db.Images.AsNoTracking().Where(i => i.Key == imageKey).Select(i => (int?)i.Id).FirstOrDefaultAsync(ct);
            var published = now - spec.StartedAgo;
            var tags = new List<ArticleTag>();
            for (var i = 0; i < spec.Tags.Length; i++)
            {
                var slug = Slugs.From(spec.Tags[i], 100);
                var tag = await db.Tags.AsTracking().FirstOrDefaultAsync(t => t.Slug == slug, ct) ?? new Tag { Slug = slug, Name = spec.Tags[i] };
                tags.Add(new ArticleTag { Tag = tag, Position = i, ListedAt = published });
            }
            var last = published + (spec.Every * (spec.Updates.Length - 1));
            var article = new Article
            {
                Slug = Slugs.From(spec.Headline),
                Headline = spec.Headline,
                Standfirst = spec.Standfirst,
                BodyMarkdown = spec.Intro,
                BodyHtml = BodyDocument.Serialize(BodyDocument.Render(spec.Intro)),
                WordCount = BodyDocument.CountWords(spec.Intro),
                Format = StoryFormat.LiveBlog,
                FormatData = spec.Ended ? new FormatData { LiveEndedAt = last.AddMinutes(20) }.ToJson() : null,
                SectionId = section.Id,
                TopSectionId = beat,
                LeadImageId = image,
                LeadImageAlt = image is null ? null : "Illustration for the live coverage",
                Status = ArticleStatus.Published,
                PublishedAt = published,
                CreatedAt = published.AddMinutes(-40),
                ModifiedAt = published,
                Version = 1,
                Authors = [.. authors.Select((a, i) => new ArticleAuthor { AuthorId = a.Id, Position = i, ListedAt = published })],
                Tags = tags,
            };
            db.Articles.Add(article);
            await db.SaveChangesAsync(ct);
            for (var i = 0; i < spec.Updates.Length; i++)
            {
                var (headline, body) = spec.Updates[i];
                db.LiveBlogUpdates.Add(new LiveBlogUpdate
                {
                    ArticleId = article.Id,
                    PostedAt = published + (spec.Every * i),
                    Headline = headline,
                    BodyMarkdown = body,
                    BodyHtml = BodyDocument.Serialize(BodyDocument.Render(body)),
                    IsPinned = i == spec.PinnedIndex,
                    AuthorName = authors.Count == 0 ? "News Desk" : authors[i % authors.Count].Name,
                    Version = 1,
                });
                // One at a time, so ids follow posting order as they do in the newsroom.
                await db.SaveChangesAsync(ct);
            }
            db.ChangeTracker.Clear();
            await sync.SyncAsync(article.Id, ct);
        }
    }

    private static readonly Spec Budget = new(
        "economy",
        "Budget day live: the finance minister's speech, the numbers and the reaction",
        "Follow the budget as it is read in Parliament: tax changes, spending, the deficit target and what markets and economists make of it.",
        "The finance minister presents the annual budget in the Lok Sabha today. Our economy desk follows the speech line by line, with analysis from our reporters in the markets and in the states.\n\nThe newest updates are at the top; the key numbers are pinned.",
        ["Union Budget", "Economy", "Taxes"],
        7,
        TimeSpan.FromHours(4),
        TimeSpan.FromMinutes(9),
        Ended: false,
        PinnedIndex: 13,
        [
            ("Good morning", "Welcome to our live coverage of budget day. The speech begins at 11:00; until then we look at what is expected and who will be watching most closely."),
            ("", "Economists we spoke to this week expect the deficit target to be **trimmed by about three tenths of a point**, with most of the room going to roads, railways and rural housing."),
            ("Markets open steady", "The main index opened a shade higher. Traders say positions are light: few want to bet big before the tax announcements."),
            ("", "The finance minister has left her office carrying the customary red folder, and is on her way to meet the President before going to Parliament."),
            ("What salaried earners want", "Three asks come up again and again in our readers' letters:\n\n- a higher standard deduction\n- wider slabs in the new tax regime\n- relief on home-loan interest"),
            ("Cabinet approves the budget", "The Cabinet has met and approved the budget, the last formal step before the speech."),
            ("The speech begins", "The finance minister rises in the Lok Sabha. She opens with growth: the economy is expected to grow by around 6.5% this year, she says."),
            ("", "> \"Our priorities are jobs for the young, income for farmers and a lighter touch for small businesses,\" the minister says."),
            ("Capital spending up again", "Public capital spending is set to rise by about 11%, with the largest share for highways and new railway lines in the north-east."),
            ("", "Opposition members interrupt briefly over fuel prices; the Speaker restores order and the minister continues."),
            ("Farmers", "The target for farm credit goes up, and a new scheme will pay for cold storage near markets in 100 districts."),
            ("Small businesses", "Credit guarantees for small firms are extended for another three years, and the threshold for simplified tax filing is raised."),
            ("Income tax: the headline change", "In the new regime, income up to ₹12 lakh a year will carry **no tax** after the rebate. Slabs above it are widened by ₹1 lakh each."),
            ("The key numbers", "- **Deficit target:** 4.4% of GDP next year\n- **Capital spending:** up 11%\n- **Income tax:** no tax up to ₹12 lakh in the new regime\n- **Farm credit:** target raised\n- **Small firms:** guarantees extended three years"),
            ("Markets react", "The index jumps 1.2% within minutes of the tax announcement; consumer companies lead the gains."),
            ("", "Our markets reporter: \"Traders read the tax cut as money in shoppers' pockets. Carmakers and retailers are the biggest gainers so far.\""),
            ("Deficit target", "The minister confirms a fiscal deficit target of 4.4% of GDP for next year, down from 4.8% this year."),
            ("Speech ends", "The speech ends after 82 minutes. The finance bill is tabled; debate begins next week."),
            ("Opposition responds", "The leader of the opposition calls the budget \"a list of old promises with new numbers\" and says it does little for prices in the kitchen."),
            ("", "Industry bodies welcome the capital spending and the easier filing rules for small firms; trade unions ask for more on minimum wages."),
            ("What it means for you", "If you earn ₹15 lakh a year in the new regime, our calculation shows your tax falling by about ₹50,000. We will publish a full calculator this evening."),
            ("States", "Chief ministers of three southern states say their share of central taxes is still too small and ask for a review by the finance commission."),
            ("Markets close higher", "The index closes 1.5% up, its best budget day in four years. Bond yields ease slightly on the lower deficit target."),
            ("Explainer", "Why does the deficit matter? Every rupee the government borrows competes with businesses and households for the same savings; a lower target usually means cheaper loans."),
            ("Still to come", "The finance minister holds a press conference at 16:00. We will bring you the key answers here."),
        ]);

    private static readonly Spec Floods = new(
        "chennai",
        "Chennai flood watch: heavy rain, closed roads and relief camps",
        "Live updates on the downpour over the city: rainfall, roads and trains, schools, and where to find help.",
        "Heavy rain is forecast over the city for a second day. We follow the weather office's warnings, the civic body's work and reports from our readers.",
        ["Monsoon", "Chennai", "Weather"],
        23,
        TimeSpan.FromHours(30),
        TimeSpan.FromMinutes(25),
        Ended: true,
        PinnedIndex: 3,
        [
            ("Red alert", "The weather office has issued a red alert for the city and two neighbouring districts until tomorrow morning."),
            ("Schools closed", "Schools and colleges are closed today. Exams scheduled for the day will be held next week."),
            ("", "More than 140 mm of rain fell at the airport station in six hours, the weather office says."),
            ("Helplines", "- **Civic control room:** 1800 555 0101\n- **Disaster helpline:** 1800 555 0102\n- **Power cuts:** 1800 555 0103\n\nRelief camps are open in 48 schools across the city."),
            ("Subways shut", "Six road subways are closed after water collected overnight. Traffic police ask drivers to avoid the inner ring road."),
            ("Suburban trains", "Suburban trains on the beach line are running 20 minutes late; the western line runs normally."),
            ("", "Readers in the southern suburbs tell us water has entered ground-floor homes on several streets. Civic workers are pumping out the worst-hit lanes."),
            ("Reservoirs", "The city's main reservoir is at 82% and officials say there is no plan to release water yet."),
            ("Rain eases", "The rain has eased over the city centre. The weather office expects lighter showers through the evening."),
            ("", "The civic body says 31 fallen trees have been cleared and power is back in most areas."),
            ("Alert downgraded", "The red alert has been downgraded to orange for the night."),
            ("Closing our coverage", "Water is receding from most roads and trains are back on time. We are closing this live blog; our city desk will follow the clean-up in the coming days."),
        ]);
}
